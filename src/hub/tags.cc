// Tags (the tag catalogue and attaching tags to events and attributes) and sightings.
#include "common/uuid.h"
#include "hub/hub.h"
#include "hub/hub_impl.h"
#include "hub/internal.h"
#include "model/machine_tag.h"

namespace bulwark::hub {

using namespace internal;

namespace {

Result<model::Tag> FindTag(store::ReadTxn& txn, std::string_view ref) {
  std::optional<model::Tag> t;
  Id id = 0;
  if (ParseId(ref, id)) {
    BW_ASSIGN_OR_RETURN(t, txn.GetTag(id));
  } else {
    BW_ASSIGN_OR_RETURN(t, txn.FindTagByName(std::string(ref)));
  }
  if (!t) return NotFound("tag", ref);
  return std::move(*t);
}

bool TagVisible(const Principal& p, const model::Tag& t) {
  return t.org_id == 0 || t.org_id == p.org.id || p.IsSiteAdmin();
}

// What a uuid given to attachTagToObject names: an event or an attribute, with the event it lives in.
struct TagTargetRef {
  store::TagTarget kind;
  Id id;
  model::Event event;
  std::vector<model::AppliedTag> current;
};

Result<TagTargetRef> LocateTagTarget(store::ReadTxn& txn, const Principal& p, const std::string& ref) {
  Id id = 0;
  if (!IsUuid(ref) && !ParseId(ref, id)) {
    return MakeError(ErrorCode::kInvalid, "give the uuid of the event or attribute to tag", "uuid");
  }
  if (IsUuid(ref)) {
    const std::string uuid = NormaliseUuid(ref);
    BW_ASSIGN_OR_RETURN(auto e, txn.FindEventByUuid(uuid));
    if (e) {
      if (!access::CanSeeEvent(p, *e)) return NotFound("event", ref);
      BW_ASSIGN_OR_RETURN(auto full, txn.LoadEvent(e->id, store::EventLoad{false, store::DeletedFilter::kExclude}));
      return TagTargetRef{store::TagTarget::kEvent, e->id, *e, full ? full->tags : std::vector<model::AppliedTag>{}};
    }
    BW_ASSIGN_OR_RETURN(auto a, txn.FindAttributeByUuid(uuid));
    if (!a) return NotFound("event or attribute", ref);
    id = a->id;
  }
  BW_ASSIGN_OR_RETURN(auto a, txn.GetAttribute(id));
  if (!a) return NotFound("attribute", ref);
  BW_ASSIGN_OR_RETURN(model::Event e, FindVisibleEvent(txn, p, std::to_string(a->event_id)));
  std::optional<model::Object> obj;
  if (a->object_id != 0) {
    BW_ASSIGN_OR_RETURN(obj, txn.GetObject(a->object_id));
  }
  if (!access::CanSeeAttribute(p, e, obj ? &*obj : nullptr, *a)) return NotFound("attribute", ref);
  return TagTargetRef{store::TagTarget::kAttribute, a->id, std::move(e), a->tags};
}

}  // namespace

Result<std::vector<model::Tag>> Hub::ListTags(const Principal& p, const std::optional<std::string>& search) {
  std::vector<model::Tag> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(auto all, txn.ListTags(search));
    for (auto& t : all) {
      if (TagVisible(p, t)) out.push_back(std::move(t));
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<model::Tag> Hub::ViewTag(const Principal& p, const std::string& ref) {
  model::Tag out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, FindTag(txn, ref));
    if (!TagVisible(p, out)) return NotFound("tag", ref);
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

namespace {

// MISP's tag colours: "#" and six hex digits.
Status ValidateColour(const std::string& colour) {
  bool ok = colour.size() == 7 && colour[0] == '#';
  for (size_t i = 1; ok && i < colour.size(); ++i) ok = std::isxdigit(static_cast<unsigned char>(colour[i])) != 0;
  if (ok) return Ok();
  return MakeError(ErrorCode::kInvalid, "a tag colour is # and six hex digits, e.g. #ff0000, not '" +
                                            colour.substr(0, 32) + "'", "colour");
}

}  // namespace

Result<model::Tag> Hub::AddTag(const Principal& p, misp::TagInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kTagEditor, "create tags"));
  model::Tag t = std::move(input.tag);
  BW_RETURN_IF_ERROR(model::ValidateTagName(t.name));
  if (t.colour.empty()) t.colour = "#0088cc";
  BW_RETURN_IF_ERROR(ValidateColour(t.colour));
  t.id = 0;
  if (t.org_id != 0 && t.org_id != p.org.id && !p.IsSiteAdmin()) {
    return MakeError(ErrorCode::kForbidden, "you can only restrict a tag to your own organisation", "org_id");
  }
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(auto existing, txn.FindTagByName(t.name));
    if (existing) return MakeError(ErrorCode::kConflict, "a tag named '" + t.name + "' already exists", "name");
    BW_RETURN_IF_ERROR(txn.InsertTag(t));
    return Audit(txn, p, clock_.NowMicros(), "add", "Tag", t.id, "", "Tag " + t.name + " created");
  });
  if (!st.ok()) return std::move(st).error();
  return t;
}

Result<model::Tag> Hub::EditTag(const Principal& p, const std::string& ref, misp::TagInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kTagEditor, "edit tags"));
  model::Tag out;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Tag t, FindTag(txn, ref));
    if (!TagVisible(p, t)) return NotFound("tag", ref);
    const auto& has = input.present;
    if (has.count("name")) {
      BW_RETURN_IF_ERROR(model::ValidateTagName(input.tag.name));
      t.name = input.tag.name;
    }
    if (has.count("colour")) {
      BW_RETURN_IF_ERROR(ValidateColour(input.tag.colour));
      t.colour = input.tag.colour;
    }
    if (has.count("exportable")) t.exportable = input.tag.exportable;
    if (has.count("hide_tag")) t.hide_tag = input.tag.hide_tag;
    if (has.count("local_only")) t.local_only = input.tag.local_only;
    if (has.count("numerical_value")) t.numerical_value = input.tag.numerical_value;
    if (has.count("org_id")) t.org_id = input.tag.org_id;
    BW_RETURN_IF_ERROR(txn.UpdateTag(t));
    out = t;
    return Audit(txn, p, clock_.NowMicros(), "edit", "Tag", t.id, "", "Tag " + t.name + " edited");
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Status Hub::DeleteTag(const Principal& p, const std::string& ref) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kTagEditor, "delete tags"));
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Tag t, FindTag(txn, ref));
    if (!TagVisible(p, t)) return NotFound("tag", ref);
    BW_RETURN_IF_ERROR(txn.DeleteTag(t.id));
    return Audit(txn, p, clock_.NowMicros(), "delete", "Tag", t.id, "", "Tag " + t.name + " deleted");
  });
}

Status Hub::AttachTag(const Principal& p, const std::string& uuid, const std::string& tag, bool local) {
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(TagTargetRef target, LocateTagTarget(txn, p, uuid));
    BW_RETURN_IF_ERROR(access::CheckCanTagEvent(p, target.event, local));
    BW_ASSIGN_OR_RETURN(auto resolved, impl_->ResolveTags(txn, p, {misp::TagRef{tag, local, ""}}));
    // Exclusive taxonomies hold over the tags already there plus the new one.
    std::vector<std::string> names;
    for (const auto& t : target.current) names.push_back(t.tag.name);
    for (const auto& t : resolved) names.push_back(t.tag.name);
    BW_RETURN_IF_ERROR(impl_->library()->taxonomies->CheckExclusive(names));
    for (const auto& t : resolved) BW_RETURN_IF_ERROR(txn.AttachTag(target.kind, target.id, t.tag.id, local));
    if (!local) {
      target.event.timestamp = std::max(clock_.NowSeconds(), target.event.timestamp);
      target.event.published = false;
      BW_RETURN_IF_ERROR(txn.UpdateEventHeader(target.event, model::ChangeAction::kEdit));
    }
    return Audit(txn, p, clock_.NowMicros(), "tag", target.kind == store::TagTarget::kEvent ? "Event" : "Attribute",
                 target.id, uuid, "Tag " + tag + (local ? " attached locally" : " attached"));
  });
}

Status Hub::DetachTag(const Principal& p, const std::string& uuid, const std::string& tag) {
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(TagTargetRef target, LocateTagTarget(txn, p, uuid));
    BW_ASSIGN_OR_RETURN(model::Tag t, FindTag(txn, tag));
    bool local = false;
    for (const auto& applied : target.current) {
      if (applied.tag.id == t.id) local = applied.local;
    }
    BW_RETURN_IF_ERROR(access::CheckCanTagEvent(p, target.event, local));
    BW_RETURN_IF_ERROR(txn.DetachTag(target.kind, target.id, t.id));
    if (!local) {
      target.event.timestamp = std::max(clock_.NowSeconds(), target.event.timestamp);
      target.event.published = false;
      BW_RETURN_IF_ERROR(txn.UpdateEventHeader(target.event, model::ChangeAction::kEdit));
    }
    return Audit(txn, p, clock_.NowMicros(), "untag", target.kind == store::TagTarget::kEvent ? "Event" : "Attribute",
                 target.id, uuid, "Tag " + t.name + " detached");
  });
}

Result<std::vector<model::Sighting>> Hub::AddSightings(const Principal& p, misp::SightingInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kSighting, "add sightings"));
  const int64_t now = clock_.NowSeconds();
  std::vector<model::Sighting> out;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    // Targets: one attribute by id/uuid, or every visible attribute with one of the values.
    std::vector<std::pair<model::Attribute, model::Event>> targets;
    auto add_target = [&](const model::Attribute& a, const model::Event& e, const model::Object* o) {
      if (access::CanSeeAttribute(p, e, o, a)) targets.emplace_back(a, e);
    };
    std::string ref = input.attribute_id > 0 ? std::to_string(input.attribute_id) : input.attribute_uuid;
    if (!ref.empty()) {
      std::optional<model::Attribute> a;
      if (input.attribute_id > 0) {
        BW_ASSIGN_OR_RETURN(a, txn.GetAttribute(input.attribute_id));
      } else {
        BW_ASSIGN_OR_RETURN(a, txn.FindAttributeByUuid(NormaliseUuid(input.attribute_uuid)));
      }
      if (!a) return NotFound("attribute", ref);
      auto e = FindVisibleEvent(txn, p, std::to_string(a->event_id));
      if (!e.ok()) return NotFound("attribute", ref);
      std::optional<model::Object> o;
      if (a->object_id) {
        BW_ASSIGN_OR_RETURN(o, txn.GetObject(a->object_id));
      }
      add_target(*a, e.value(), o ? &*o : nullptr);
      if (targets.empty()) return NotFound("attribute", ref);
    } else {
      std::vector<std::string> values = input.values;
      if (!input.value.empty()) values.push_back(input.value);
      if (values.empty()) {
        return MakeError(ErrorCode::kInvalid, "a sighting needs an attribute id or uuid, or a value", "value");
      }
      store::AttributeQuery q;
      q.values = values;
      q.load_tags = false;
      BW_RETURN_IF_ERROR(txn.ScanAttributes(q, [&](const store::AttributeRow& row) {
        if (access::CanSeeEvent(p, row.event)) add_target(row.attribute, row.event, row.object);
        return targets.size() < 100000;
      }));
      if (targets.empty()) return MakeError(ErrorCode::kNotFound, "no attribute you can see has this value", "value");
    }
    for (auto& [a, e] : targets) {
      model::Sighting s = input.sighting;
      s.id = 0;
      s.uuid = targets.size() == 1 && !input.sighting.uuid.empty() ? input.sighting.uuid : NewUuidV4();
      s.attribute_id = a.id;
      s.event_id = e.id;
      s.org_id = p.org.id;
      if (s.date_sighting <= 0) s.date_sighting = now;
      BW_RETURN_IF_ERROR(txn.InsertSighting(s));
      out.push_back(s);
      e.sighting_timestamp = std::max(e.sighting_timestamp, s.date_sighting);
      BW_RETURN_IF_ERROR(txn.UpdateEventHeader(e, model::ChangeAction::kEdit));
    }
    return Audit(txn, p, clock_.NowMicros(), "add", "Sighting", out.front().id, out.front().uuid,
                 std::to_string(out.size()) + " sighting(s) added");
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Status Hub::SearchSightings(const Principal& p, const store::SightingQuery& q,
                            const std::function<bool(const model::Sighting&)>& visit) {
  return store_.Read([&](store::ReadTxn& txn) -> Status {
    // The store pages before visibility is known: read on until `limit` visible sightings or the end, so a
    // short page always means there is no more.
    store::SightingQuery batch = q;
    size_t delivered = 0;
    std::map<Id, std::optional<model::Event>> events;
    while (true) {
      BW_ASSIGN_OR_RETURN(auto sightings, txn.ListSightings(batch));
      for (const auto& s : sightings) {
        auto it = events.find(s.event_id);
        if (it == events.end()) {
          BW_ASSIGN_OR_RETURN(auto e, txn.GetEvent(s.event_id));
          it = events.emplace(s.event_id, std::move(e)).first;
        }
        if (!it->second || !access::CanSeeEvent(p, *it->second) || !access::CanSeeSighting(p, *it->second, s)) {
          continue;
        }
        if (!visit(s)) return Ok();
        if (q.limit > 0 && ++delivered == q.limit) return Ok();
      }
      if (q.limit == 0 || sightings.size() < batch.limit) return Ok();
      batch.after_id = sightings.back().id;
    }
  });
}

}  // namespace bulwark::hub
