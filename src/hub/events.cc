// Events: the write path for whole events (add, edit, delete, publish) and the event view.
#include <optional>
#include <set>
#include <unordered_set>

#include "common/uuid.h"
#include "hub/hub.h"
#include "hub/hub_impl.h"
#include "hub/internal.h"

namespace bulwark::hub {

using namespace internal;

namespace {

// Finds or creates the creator organisation named in the input (sync and site admins may set it; everyone
// else creates events as their own organisation).
Result<Id> ResolveOrgc(store::WriteTxn& txn, const Principal& p, const std::optional<misp::OrgRef>& orgc, int64_t now) {
  if (!orgc || !(p.IsSiteAdmin() || p.Can(model::Permission::kSync))) return p.org.id;
  if (orgc->id > 0 && orgc->uuid.empty() && orgc->name.empty()) {
    BW_ASSIGN_OR_RETURN(auto o, txn.GetOrganisation(orgc->id));
    if (!o) return MakeError(ErrorCode::kInvalid, "organisation " + std::to_string(orgc->id) + " does not exist", "orgc_id");
    return o->id;
  }
  std::optional<model::Organisation> found;
  if (!orgc->uuid.empty()) {
    BW_ASSIGN_OR_RETURN(found, txn.FindOrganisationByUuid(orgc->uuid));
  }
  if (!found && !orgc->name.empty()) {
    BW_ASSIGN_OR_RETURN(found, txn.FindOrganisationByName(orgc->name));
  }
  if (found) return found->id;
  if (orgc->name.empty()) return p.org.id;
  model::Organisation o;
  o.uuid = orgc->uuid.empty() ? NewUuidV4() : orgc->uuid;
  o.name = orgc->name;
  o.local = false;  // known remote organisation
  o.created = o.modified = now;
  BW_RETURN_IF_ERROR(txn.InsertOrganisation(o));
  return o.id;
}

Status CheckUniqueUuids(const model::Event& e) {
  std::unordered_set<std::string> seen;
  seen.insert(e.uuid);
  auto add = [&](const std::string& uuid, const std::string& field) -> Status {
    if (!seen.insert(uuid).second) {
      return MakeError(ErrorCode::kConflict, "uuid " + uuid + " appears twice in this request", field);
    }
    return Ok();
  };
  for (size_t i = 0; i < e.attributes.size(); ++i) {
    BW_RETURN_IF_ERROR(add(e.attributes[i].uuid, "Attribute[" + std::to_string(i) + "].uuid"));
  }
  for (size_t i = 0; i < e.objects.size(); ++i) {
    BW_RETURN_IF_ERROR(add(e.objects[i].uuid, "Object[" + std::to_string(i) + "].uuid"));
    for (size_t j = 0; j < e.objects[i].attributes.size(); ++j) {
      BW_RETURN_IF_ERROR(add(e.objects[i].attributes[j].uuid,
                             "Object[" + std::to_string(i) + "].Attribute[" + std::to_string(j) + "].uuid"));
    }
  }
  return Ok();
}

}  // namespace

void Hub::AddEventListener(EventListener listener) { listeners_.push_back(std::move(listener)); }

void Hub::Notify(EventNotice::Kind kind, Id event_id) const {
  for (const EventListener& l : listeners_) l(EventNotice{kind, event_id});
}

void Hub::AddAttributesListener(AttributesListener listener) { attributes_listeners_.push_back(std::move(listener)); }

void Hub::NotifyAttributes(const AttributesNotice& notice) const {
  for (const AttributesListener& l : attributes_listeners_) l(notice);
}

Result<model::Event> Hub::AddEvent(const Principal& p, misp::EventInput input) {
  auto result = AddEventUncounted(p, std::move(input));
  if (!result.ok()) return impl_->CountRejected(std::move(result).error());
  if (result->published) Notify(EventNotice::Kind::kPublished, result->id);
  return result;
}

Result<model::Event> Hub::AddEventUncounted(const Principal& p, misp::EventInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kAdd, "create events"));
  const int64_t now = clock_.NowSeconds();
  model::Event e = std::move(input.event);
  if (e.info.empty()) return MakeError(ErrorCode::kInvalid, "an event needs a non-empty info", "info");
  if (e.uuid.empty()) e.uuid = NewUuidV4();
  if (e.date.empty()) e.date = FormatDate(now);
  if (!input.present.count("distribution")) e.distribution = options_.default_event_distribution;
  if (e.distribution == model::Distribution::kInherit) {
    return MakeError(ErrorCode::kInvalid, "an event's distribution is 0 to 4; 5 (inherit) is for attributes",
                     "distribution");
  }
  if (e.distribution != model::Distribution::kSharingGroup) e.sharing_group_id = 0;
  if (!input.present.count("timestamp") || e.timestamp <= 0) e.timestamp = now;
  e.org_id = p.org.id;
  e.user_id = p.user.id;
  // `locked` marks events that came in through sync: only sync users set it (site admins may pass it on).
  if (!p.Can(model::Permission::kSync)) {
    e.locked = false;
  } else if (!p.IsSiteAdmin()) {
    e.locked = true;
  }
  if (e.published && !p.Can(model::Permission::kPublish)) e.published = false;
  if (e.published && e.publish_timestamp <= 0) e.publish_timestamp = now;
  size_t total = input.attributes.size();
  for (const auto& o : input.objects) total += o.attributes.size();
  if (total > options_.max_attributes_per_request) {
    return MakeError(ErrorCode::kTooLarge, "this event has " + std::to_string(total) + " attributes; the limit per request is " +
                                               std::to_string(options_.max_attributes_per_request) + ": split it");
  }
  // Validate and normalise every child before touching the store.
  e.attributes.reserve(input.attributes.size());
  for (size_t i = 0; i < input.attributes.size(); ++i) {
    auto a = BuildAttribute(input.attributes[i], e, options_, now);
    if (!a.ok()) return std::move(a).error().WithFieldPrefix("Attribute[" + std::to_string(i) + "]");
    e.attributes.push_back(std::move(a).value());
  }
  for (size_t i = 0; i < input.objects.size(); ++i) {
    auto o = impl_->BuildObject(input.objects[i], e, options_, now);
    if (!o.ok()) return std::move(o).error().WithFieldPrefix("Object[" + std::to_string(i) + "]");
    e.objects.push_back(std::move(o).value());
  }
  BW_RETURN_IF_ERROR(CheckUniqueUuids(e));

  int64_t seq = 0;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_RETURN_IF_ERROR(CheckSharingGroup(txn, p, e.distribution, e.sharing_group_id, "sharing_group_id"));
    for (size_t i = 0; i < e.attributes.size(); ++i) {
      BW_RETURN_IF_ERROR(CheckSharingGroup(txn, p, e.attributes[i].distribution, e.attributes[i].sharing_group_id,
                                           "Attribute[" + std::to_string(i) + "].sharing_group_id"));
    }
    for (size_t i = 0; i < e.objects.size(); ++i) {
      BW_RETURN_IF_ERROR(impl_->CheckObjectSharingGroups(txn, p, e.objects[i], "Object[" + std::to_string(i) + "]"));
    }
    BW_ASSIGN_OR_RETURN(e.orgc_id, ResolveOrgc(txn, p, input.orgc, now));
    BW_ASSIGN_OR_RETURN(e.tags, impl_->ResolveTags(txn, p, input.tags));
    for (size_t i = 0; i < e.attributes.size(); ++i) {
      auto tags = impl_->ResolveTags(txn, p, input.attributes[i].tags);
      if (!tags.ok()) return std::move(tags).error().WithFieldPrefix("Attribute[" + std::to_string(i) + "]");
      e.attributes[i].tags = std::move(tags).value();
    }
    for (size_t i = 0; i < e.objects.size(); ++i) {
      for (size_t j = 0; j < e.objects[i].attributes.size(); ++j) {
        auto tags = impl_->ResolveTags(txn, p, input.objects[i].attributes[j].tags);
        if (!tags.ok()) return std::move(tags).error();
        e.objects[i].attributes[j].tags = std::move(tags).value();
      }
    }
    BW_ASSIGN_OR_RETURN(auto existing, txn.FindEventByUuid(e.uuid));
    if (existing) {
      return MakeError(ErrorCode::kConflict, "an event with uuid " + e.uuid + " already exists: use events/edit", "uuid");
    }
    // A new event's references can only point at what the request itself carries.
    const Impl::PendingTargets targets = Impl::RequestTargets(input);
    for (size_t i = 0; i < e.objects.size(); ++i) {
      BW_RETURN_IF_ERROR(Impl::ResolveObjectReferences(txn, e.id, targets, e.objects[i], "Object[" + std::to_string(i) + "]"));
    }
    std::vector<StagedAttachment> staged;  // data written before the insert that references it commits
    for (size_t i = 0; i < e.attributes.size(); ++i) {
      Status staging = impl_->StageAttachment(input.attributes[i], e.attributes[i], staged);
      if (!staging.ok()) return std::move(staging).error().WithFieldPrefix("Attribute[" + std::to_string(i) + "]");
    }
    for (size_t i = 0; i < e.objects.size(); ++i) {
      for (size_t j = 0; j < e.objects[i].attributes.size(); ++j) {
        Status staging = impl_->StageAttachment(input.objects[i].attributes[j], e.objects[i].attributes[j], staged);
        if (!staging.ok()) {
          return std::move(staging).error().WithFieldPrefix("Object[" + std::to_string(i) + "].Attribute[" +
                                                       std::to_string(j) + "]");
        }
      }
    }
    BW_RETURN_IF_ERROR(txn.InsertEvent(e));
    BW_RETURN_IF_ERROR(Impl::ReferenceStaged(txn, staged));
    BW_RETURN_IF_ERROR(Audit(txn, p, clock_.NowMicros(), "add", "Event", e.id, e.uuid,
                             "Event (" + std::to_string(e.id) + "): " + e.info.substr(0, 200)));
    if (!attributes_listeners_.empty()) {
      BW_ASSIGN_OR_RETURN(seq, txn.LastChangeSeq());
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  if (!attributes_listeners_.empty()) NotifyAttributes(AttributesNotice{seq, e, e.attributes, &e.objects, true});
  impl_->CountIngest(e);
  // The event as written is what a view would return (ids, tags and all), without reading it back.
  e.attribute_count = 0;
  for (const auto& a : e.attributes) e.attribute_count += a.deleted ? 0 : 1;
  for (const auto& o : e.objects) {
    for (const auto& a : o.attributes) e.attribute_count += a.deleted ? 0 : 1;
  }
  access::FilterEvent(p, e);
  return e;
}

Result<model::Event> Hub::EditEvent(const Principal& p, const EventRef& ref, misp::EventInput input) {
  const int64_t now = clock_.NowSeconds();
  Id event_id = 0;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Event e, FindVisibleEvent(txn, p, ref.text));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, e));
    event_id = e.id;
    const auto& in = input.event;
    const auto& has = input.present;
    if (has.count("timestamp") && in.timestamp > 0 && in.timestamp <= e.timestamp && p.Can(model::Permission::kSync) &&
        !p.IsSiteAdmin()) {
      return MakeError(ErrorCode::kConflict, "Event in the request not newer than the local copy.", "timestamp");
    }
    if (has.count("info")) {
      if (in.info.empty()) return MakeError(ErrorCode::kInvalid, "an event needs a non-empty info", "info");
      e.info = in.info;
    }
    if (has.count("date")) e.date = in.date;
    if (has.count("threat_level_id")) e.threat_level = in.threat_level;
    if (has.count("analysis")) e.analysis = in.analysis;
    if (has.count("distribution")) {
      if (in.distribution == model::Distribution::kInherit) {
        return MakeError(ErrorCode::kInvalid, "an event's distribution is 0 to 4", "distribution");
      }
      e.distribution = in.distribution;
      e.sharing_group_id = in.distribution == model::Distribution::kSharingGroup ? in.sharing_group_id : 0;
    } else if (has.count("sharing_group_id") && e.distribution == model::Distribution::kSharingGroup) {
      e.sharing_group_id = in.sharing_group_id;
    }
    BW_RETURN_IF_ERROR(CheckSharingGroup(txn, p, e.distribution, e.sharing_group_id, "sharing_group_id"));
    if (has.count("disable_correlation")) e.disable_correlation = in.disable_correlation;
    if (has.count("extends_uuid")) e.extends_uuid = in.extends_uuid;
    // Any edit unpublishes, as in MISP, unless the request publishes it and the caller may publish.
    e.published = has.count("published") && in.published && access::CheckCanPublishEvent(p, e).ok();
    if (e.published && e.publish_timestamp <= 0) e.publish_timestamp = now;
    e.timestamp = has.count("timestamp") && in.timestamp > e.timestamp ? in.timestamp : now;

    // Children: an attribute or object whose uuid exists is updated, a new one is added. Children missing
    // from the request are left alone (MISP semantics; deletion is explicit).
    for (size_t i = 0; i < input.attributes.size(); ++i) {
      const std::string field = "Attribute[" + std::to_string(i) + "]";
      const misp::AttributeInput& in_attr = input.attributes[i];
      std::optional<model::Attribute> existing;
      if (!in_attr.attribute.uuid.empty()) {
        BW_ASSIGN_OR_RETURN(existing, txn.FindAttributeByUuid(in_attr.attribute.uuid));
      }
      if (existing) {
        if (existing->event_id != e.id) {
          return MakeError(ErrorCode::kConflict, "attribute uuid " + existing->uuid + " belongs to another event",
                           field + ".uuid");
        }
        if (in_attr.has_timestamp && in_attr.attribute.timestamp <= existing->timestamp) continue;  // not newer
      }
      // An existing attribute keeps every field the request does not name.
      auto built = BuildAttribute(existing ? MergeAttributeInput(*existing, in_attr) : in_attr, e, options_, now);
      if (!built.ok()) return std::move(built).error().WithFieldPrefix(field);
      model::Attribute a = std::move(built).value();
      BW_RETURN_IF_ERROR(CheckSharingGroup(txn, p, a.distribution, a.sharing_group_id, field + ".sharing_group_id"));
      auto tags = impl_->ResolveTags(txn, p, in_attr.tags);
      if (!tags.ok()) return std::move(tags).error().WithFieldPrefix(field);
      std::vector<StagedAttachment> staged;
      Status staging = impl_->StageAttachment(in_attr, a, staged);
      if (!staging.ok()) return std::move(staging).error().WithFieldPrefix(field);
      if (existing) {
        a.id = existing->id;
        a.object_id = existing->object_id;
        a.object_relation = existing->object_relation;
        BW_RETURN_IF_ERROR(txn.UpdateAttribute(a));
        for (const auto& t : tags.value()) {
          BW_RETURN_IF_ERROR(txn.AttachTag(store::TagTarget::kAttribute, a.id, t.tag.id, t.local));
        }
        if (!CarriesData(a.type)) BW_RETURN_IF_ERROR(txn.ClearAttachmentRef(a.id));
      } else {
        a.tags = std::move(tags).value();
        BW_RETURN_IF_ERROR(txn.InsertAttribute(a));
      }
      BW_RETURN_IF_ERROR(Impl::ReferenceStaged(txn, staged));
    }
    const Impl::PendingTargets targets = Impl::RequestTargets(input);  // new objects may point at each other
    for (size_t i = 0; i < input.objects.size(); ++i) {
      auto built = impl_->BuildObject(input.objects[i], e, options_, now);
      if (!built.ok()) return std::move(built).error().WithFieldPrefix("Object[" + std::to_string(i) + "]");
      model::Object o = std::move(built).value();
      BW_RETURN_IF_ERROR(impl_->CheckObjectSharingGroups(txn, p, o, "Object[" + std::to_string(i) + "]"));
      BW_ASSIGN_OR_RETURN(auto existing, txn.FindObjectByUuid(o.uuid));
      if (existing) {
        if (existing->event_id != e.id) {
          return MakeError(ErrorCode::kConflict, "object uuid " + o.uuid + " belongs to another event",
                           "Object[" + std::to_string(i) + "].uuid");
        }
        continue;  // object updates go through objects/edit
      }
      BW_RETURN_IF_ERROR(Impl::ResolveObjectReferences(txn, e.id, targets, o, "Object[" + std::to_string(i) + "]"));
      std::vector<StagedAttachment> staged;
      for (size_t j = 0; j < o.attributes.size(); ++j) {
        BW_ASSIGN_OR_RETURN(o.attributes[j].tags, impl_->ResolveTags(txn, p, input.objects[i].attributes[j].tags));
        Status staging = impl_->StageAttachment(input.objects[i].attributes[j], o.attributes[j], staged);
        if (!staging.ok()) {
          return std::move(staging).error().WithFieldPrefix("Object[" + std::to_string(i) + "].Attribute[" +
                                                       std::to_string(j) + "]");
        }
      }
      BW_RETURN_IF_ERROR(txn.InsertObject(o));
      BW_RETURN_IF_ERROR(Impl::ReferenceStaged(txn, staged));
    }
    if (has.count("Tag") || has.count("EventTag") || has.count("Galaxy")) {
      // The request's global tags replace the event's global tags; local tags stay.
      BW_ASSIGN_OR_RETURN(auto wanted, impl_->ResolveTags(txn, p, input.tags));
      std::set<Id> wanted_ids;
      for (const auto& t : wanted) {
        wanted_ids.insert(t.tag.id);
        BW_RETURN_IF_ERROR(txn.AttachTag(store::TagTarget::kEvent, e.id, t.tag.id, t.local));
      }
      for (const auto& t : e.tags) {
        if (!t.local && !wanted_ids.count(t.tag.id)) {
          BW_RETURN_IF_ERROR(txn.DetachTag(store::TagTarget::kEvent, e.id, t.tag.id));
        }
      }
    }
    BW_RETURN_IF_ERROR(txn.UpdateEventHeader(e, model::ChangeAction::kEdit));
    return Audit(txn, p, clock_.NowMicros(), "edit", "Event", e.id, e.uuid, "Event (" + std::to_string(e.id) + ") edited");
  });
  if (!st.ok()) return std::move(st).error();
  auto edited = ViewEvent(p, EventRef{std::to_string(event_id)}, store::DeletedFilter::kExclude);
  if (edited.ok()) {
    Notify(edited->published ? EventNotice::Kind::kPublished : EventNotice::Kind::kUnpublished, event_id);
  }
  return edited;
}

Status Hub::DeleteEvent(const Principal& p, const EventRef& ref) {
  Id id = 0;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Event e, FindVisibleEvent(txn, p, ref.text));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, e));
    id = e.id;
    BW_RETURN_IF_ERROR(txn.DeleteEvent(e.id));
    return Audit(txn, p, clock_.NowMicros(), "delete", "Event", e.id, e.uuid, "Event (" + std::to_string(e.id) + ") deleted");
  });
  if (st.ok()) Notify(EventNotice::Kind::kDeleted, id);
  return st;
}

Result<model::Event> Hub::PublishEvent(const Principal& p, const EventRef& ref, bool publish) {
  Id id = 0;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Event e, FindVisibleEvent(txn, p, ref.text));
    BW_RETURN_IF_ERROR(access::CheckCanPublishEvent(p, e));
    id = e.id;
    e.published = publish;
    if (publish) e.publish_timestamp = clock_.NowSeconds();
    BW_RETURN_IF_ERROR(
        txn.UpdateEventHeader(e, publish ? model::ChangeAction::kPublish : model::ChangeAction::kUnpublish));
    return Audit(txn, p, clock_.NowMicros(), publish ? "publish" : "unpublish", "Event", e.id, e.uuid,
                 std::string("Event (") + std::to_string(e.id) + (publish ? ") published" : ") unpublished"));
  });
  if (!st.ok()) return std::move(st).error();
  Notify(publish ? EventNotice::Kind::kPublished : EventNotice::Kind::kUnpublished, id);
  return ViewEvent(p, EventRef{std::to_string(id)}, store::DeletedFilter::kExclude);
}

Result<model::Event> Hub::ViewEvent(const Principal& p, const EventRef& ref, store::DeletedFilter deleted) {
  model::Event out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Event header, FindVisibleEvent(txn, p, ref.text));
    store::EventLoad load;
    load.deleted = deleted;
    BW_ASSIGN_OR_RETURN(auto full, txn.LoadEvent(header.id, load));
    if (!full) return NotFound("event", ref.text);
    out = std::move(*full);
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  access::FilterEvent(p, out);
  return out;
}

}  // namespace bulwark::hub
