// Attributes and objects: add, edit, soft/hard delete, restore, view.
#include <algorithm>
#include <optional>
#include <unordered_set>

#include "common/uuid.h"
#include "hub/hub.h"
#include "hub/hub_impl.h"
#include "hub/internal.h"

namespace bulwark::hub {

using namespace internal;

namespace {

Result<model::Attribute> FindAttribute(store::ReadTxn& txn, std::string_view ref) {
  BW_ASSIGN_OR_RETURN(auto a, LookupRef<model::Attribute>(
                                  ref, "an attribute", [&](Id id) { return txn.GetAttribute(id); },
                                  [&](const std::string& uuid) { return txn.FindAttributeByUuid(uuid); }));
  if (!a) return NotFound("attribute", ref);
  return std::move(*a);
}

// An attribute together with its event and object, visible to the principal.
struct Located {
  model::Attribute attribute;
  model::Event event;
  std::optional<model::Object> object;
};

Result<Located> LocateVisibleAttribute(store::ReadTxn& txn, const Principal& p, std::string_view ref) {
  BW_ASSIGN_OR_RETURN(model::Attribute a, FindAttribute(txn, ref));
  auto e = FindVisibleEvent(txn, p, std::to_string(a.event_id));
  if (!e.ok()) return NotFound("attribute", ref);
  Located out{std::move(a), std::move(e).value(), std::nullopt};
  if (out.attribute.object_id != 0) {
    BW_ASSIGN_OR_RETURN(out.object, txn.GetObject(out.attribute.object_id));
  }
  const model::Object* obj = out.object ? &*out.object : nullptr;
  if (!access::CanSeeAttribute(p, out.event, obj, out.attribute)) return NotFound("attribute", ref);
  return out;
}

// MISP refuses a second live attribute with the same type, category and value outside objects of one event
// ("A similar attribute already exists for this event"). Attributes are compared by this key.
std::string DuplicateKey(const model::Attribute& a) {
  return a.type + '\x1f' + a.category + '\x1f' + a.value1 + '\x1f' + a.value2;
}

// The keys of the live attributes outside objects of `event_id` that share a value with `candidates`: one
// query per 5,000 values rather than one per attribute.
Result<std::unordered_set<std::string>> ExistingKeys(store::ReadTxn& txn, Id event_id,
                                                     const std::vector<model::Attribute>& candidates) {
  std::unordered_set<std::string> keys;
  constexpr size_t kBatch = 5000;
  for (size_t start = 0; start < candidates.size(); start += kBatch) {
    // By value only, so that SQLite answers from the value indexes: with the event or the object scope in the
    // query too, it may scan instead, at a cost that grows with the store. Other rows are skipped here.
    store::AttributeQuery q;
    q.load_tags = false;
    for (size_t i = start; i < std::min(candidates.size(), start + kBatch); ++i) q.values.push_back(candidates[i].value1);
    BW_RETURN_IF_ERROR(txn.ScanAttributes(q, [&](const store::AttributeRow& row) {
      if (row.attribute.event_id == event_id && row.attribute.object_id == 0) {
        keys.insert(DuplicateKey(row.attribute));
      }
      return true;
    }));
  }
  return keys;
}

Status TouchEvent(store::WriteTxn& txn, model::Event& e, int64_t now) {
  e.timestamp = std::max(now, e.timestamp);
  return txn.UpdateEventHeader(e, model::ChangeAction::kEdit);
}

}  // namespace

Result<std::vector<model::Attribute>> Hub::AddAttributes(const Principal& p, const EventRef& ref,
                                                         std::vector<misp::AttributeInput> inputs) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kAdd, "add attributes"));
  if (inputs.empty()) return MakeError(ErrorCode::kInvalid, "no attribute in the request", "Attribute");
  if (inputs.size() > options_.max_attributes_per_request) {
    return MakeError(ErrorCode::kTooLarge, "too many attributes in one request (limit " +
                                               std::to_string(options_.max_attributes_per_request) + ")");
  }
  const int64_t now = clock_.NowSeconds();
  // Validation and normalisation need nothing from the store, so they run here, on the request's thread, rather
  // than inside the single writer's transaction; the first error is reported after the event checks, as before.
  std::vector<model::Attribute> added;
  added.reserve(inputs.size());
  std::optional<Error> invalid;
  for (size_t i = 0; i < inputs.size() && !invalid; ++i) {
    auto built = BuildAttribute(inputs[i], model::Event{}, options_, now);
    if (!built.ok()) {
      invalid = inputs.size() == 1 ? std::move(built).error()
                                   : std::move(built).error().WithFieldPrefix("[" + std::to_string(i) + "]");
    } else {
      added.push_back(std::move(built).value());
    }
  }
  model::Event e;
  int64_t seq = 0;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(e, FindVisibleEvent(txn, p, ref.text));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, e));
    if (invalid) return *invalid;
    for (model::Attribute& a : added) a.event_id = e.id;
    BW_ASSIGN_OR_RETURN(std::unordered_set<std::string> existing_keys, ExistingKeys(txn, e.id, added));
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i < added.size(); ++i) {
      const std::string prefix = inputs.size() == 1 ? "" : "[" + std::to_string(i) + "].";
      model::Attribute& a = added[i];
      BW_RETURN_IF_ERROR(CheckSharingGroup(txn, p, a.distribution, a.sharing_group_id, prefix + "sharing_group_id"));
      if (!inputs[i].attribute.uuid.empty()) {  // a uuid we drew ourselves cannot collide
        BW_ASSIGN_OR_RETURN(auto existing, txn.FindAttributeByUuid(a.uuid));
        if (existing) {
          return MakeError(ErrorCode::kConflict, "an attribute with uuid " + a.uuid + " already exists", prefix + "uuid");
        }
      }
      std::string key = DuplicateKey(a);
      if (existing_keys.count(key) || !seen.insert(std::move(key)).second) {
        return MakeError(ErrorCode::kConflict, "a similar attribute already exists in this event: " + a.type + " " +
                                                   a.Value().substr(0, 200), prefix + "value");
      }
      BW_ASSIGN_OR_RETURN(a.tags, impl_->ResolveTags(txn, p, inputs[i].tags));
    }
    std::vector<StagedAttachment> staged;  // data written before the insert that references it commits
    for (size_t i = 0; i < added.size(); ++i) {
      Status staging = impl_->StageAttachment(inputs[i], added[i], staged);
      if (!staging.ok()) {
        return inputs.size() == 1 ? std::move(staging).error()
                                  : std::move(staging).error().WithFieldPrefix("[" + std::to_string(i) + "]");
      }
    }
    BW_RETURN_IF_ERROR(txn.InsertAttributes(added));
    BW_RETURN_IF_ERROR(Impl::ReferenceStaged(txn, staged));
    e.published = false;  // MISP unpublishes an event when its content changes
    BW_RETURN_IF_ERROR(TouchEvent(txn, e, now));
    BW_RETURN_IF_ERROR(Audit(txn, p, clock_.NowMicros(), "add", "Attribute", added.front().id, added.front().uuid,
                             std::to_string(added.size()) + " attribute(s) added to event " + std::to_string(e.id)));
    if (!attributes_listeners_.empty()) {
      BW_ASSIGN_OR_RETURN(seq, txn.LastChangeSeq());
    }
    return Ok();
  });
  if (!st.ok()) return impl_->CountRejected(std::move(st).error());
  if (!attributes_listeners_.empty()) NotifyAttributes(AttributesNotice{seq, e, added, nullptr, false});
  impl_->CountAttributes(added.size());
  return added;
}

Result<model::Attribute> Hub::EditAttribute(const Principal& p, const std::string& ref, misp::AttributeInput input) {
  const int64_t now = clock_.NowSeconds();
  model::Attribute result;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(Located loc, LocateVisibleAttribute(txn, p, ref));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, loc.event));
    model::Attribute a = loc.attribute;
    const auto& in = input.attribute;
    if (input.has_timestamp && in.timestamp > 0 && in.timestamp <= a.timestamp) {
      result = a;  // not newer than ours: MISP ignores it
      return Ok();
    }
    // Re-validate through the same builder with the merged view of the attribute.
    misp::AttributeInput merged = MergeAttributeInput(a, input);
    merged.has_timestamp = false;
    merged.attribute.timestamp = 0;
    BW_ASSIGN_OR_RETURN(model::Attribute updated, BuildAttribute(merged, loc.event, options_, now));
    BW_RETURN_IF_ERROR(
        CheckSharingGroup(txn, p, updated.distribution, updated.sharing_group_id, "sharing_group_id"));
    updated.id = a.id;
    updated.uuid = a.uuid;
    updated.object_id = a.object_id;
    updated.object_relation = a.object_relation;
    updated.deleted = a.deleted;
    std::vector<StagedAttachment> staged;  // new data replaces the stored data; none keeps it
    BW_RETURN_IF_ERROR(impl_->StageAttachment(merged, updated, staged));
    BW_RETURN_IF_ERROR(txn.UpdateAttribute(updated));
    if (!CarriesData(updated.type)) BW_RETURN_IF_ERROR(txn.ClearAttachmentRef(a.id));
    BW_RETURN_IF_ERROR(Impl::ReferenceStaged(txn, staged));
    BW_ASSIGN_OR_RETURN(auto tags, impl_->ResolveTags(txn, p, input.tags));
    for (const auto& t : tags) BW_RETURN_IF_ERROR(txn.AttachTag(store::TagTarget::kAttribute, a.id, t.tag.id, t.local));
    loc.event.published = false;
    BW_RETURN_IF_ERROR(TouchEvent(txn, loc.event, now));
    BW_ASSIGN_OR_RETURN(auto reread, txn.GetAttribute(a.id));
    result = reread ? *reread : updated;
    return Audit(txn, p, clock_.NowMicros(), "edit", "Attribute", a.id, a.uuid, "Attribute (" + std::to_string(a.id) + ") edited");
  });
  if (!st.ok()) return std::move(st).error();
  return result;
}

Status Hub::DeleteAttribute(const Principal& p, const std::string& ref, DeleteMode mode) {
  const int64_t now = clock_.NowSeconds();
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(Located loc, LocateVisibleAttribute(txn, p, ref));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, loc.event));
    if (mode == DeleteMode::kHard) {
      BW_RETURN_IF_ERROR(txn.DeleteAttribute(loc.attribute.id));
    } else {
      if (loc.attribute.deleted) {
        return MakeError(ErrorCode::kNotFound, "attribute " + ref + " is already deleted (use hard delete to remove it)");
      }
      BW_RETURN_IF_ERROR(txn.SetAttributeDeleted(loc.attribute.id, true, now));
    }
    loc.event.published = false;
    BW_RETURN_IF_ERROR(TouchEvent(txn, loc.event, now));
    return Audit(txn, p, clock_.NowMicros(), mode == DeleteMode::kHard ? "hard-delete" : "delete", "Attribute",
                 loc.attribute.id, loc.attribute.uuid, "Attribute (" + std::to_string(loc.attribute.id) + ") deleted");
  });
}

Result<model::Attribute> Hub::RestoreAttribute(const Principal& p, const std::string& ref) {
  const int64_t now = clock_.NowSeconds();
  model::Attribute result;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(Located loc, LocateVisibleAttribute(txn, p, ref));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, loc.event));
    BW_RETURN_IF_ERROR(txn.SetAttributeDeleted(loc.attribute.id, false, now));
    loc.event.published = false;
    BW_RETURN_IF_ERROR(TouchEvent(txn, loc.event, now));
    BW_ASSIGN_OR_RETURN(auto reread, txn.GetAttribute(loc.attribute.id));
    if (reread) result = *reread;
    return Audit(txn, p, clock_.NowMicros(), "restore", "Attribute", loc.attribute.id, loc.attribute.uuid,
                 "Attribute (" + std::to_string(loc.attribute.id) + ") restored");
  });
  if (!st.ok()) return std::move(st).error();
  return result;
}

Result<Hub::AttributeView> Hub::ViewAttribute(const Principal& p, const std::string& ref) {
  AttributeView out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(Located loc, LocateVisibleAttribute(txn, p, ref));
    out.attribute = std::move(loc.attribute);
    out.event = std::move(loc.event);
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  auto& tags = out.attribute.tags;
  tags.erase(std::remove_if(tags.begin(), tags.end(),
                            [&](const model::AppliedTag& t) { return !access::CanSeeTag(p, out.event, t); }),
             tags.end());
  return out;
}

Result<Hub::AttachmentFile> Hub::DownloadAttachment(const Principal& p, const std::string& ref) {
  model::Attribute attribute;
  std::optional<store::AttachmentRef> stored;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(Located loc, LocateVisibleAttribute(txn, p, ref));
    attribute = std::move(loc.attribute);
    if (CarriesData(attribute.type)) {
      BW_ASSIGN_OR_RETURN(stored, txn.GetAttachmentRef(attribute.id));
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  if (!stored) return MakeError(ErrorCode::kNotFound, "attribute '" + ref + "' has no attachment");
  const AttachmentStore* files = impl_->attachments();
  if (files == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "this hub has no attachment storage to read the attachment from");
  }
  BW_ASSIGN_OR_RETURN(std::string bytes, files->Get(*stored));
  return AttachmentFile{attribute.value1, std::move(bytes), attribute.type};
}

Result<model::Object> Hub::AddObject(const Principal& p, const EventRef& ref, misp::ObjectInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kAdd, "add objects"));
  const int64_t now = clock_.NowSeconds();
  model::Object result;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Event e, FindVisibleEvent(txn, p, ref.text));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, e));
    BW_ASSIGN_OR_RETURN(model::Object o, impl_->BuildObject(input, e, options_, now));
    BW_RETURN_IF_ERROR(impl_->CheckObjectSharingGroups(txn, p, o, ""));
    BW_ASSIGN_OR_RETURN(auto existing, txn.FindObjectByUuid(o.uuid));
    if (existing) return MakeError(ErrorCode::kConflict, "an object with uuid " + o.uuid + " already exists", "uuid");
    std::vector<StagedAttachment> staged;
    for (size_t j = 0; j < o.attributes.size(); ++j) {
      BW_ASSIGN_OR_RETURN(auto dup, txn.FindAttributeByUuid(o.attributes[j].uuid));
      if (dup) {
        return MakeError(ErrorCode::kConflict, "an attribute with uuid " + o.attributes[j].uuid + " already exists",
                         "Attribute[" + std::to_string(j) + "].uuid");
      }
      BW_ASSIGN_OR_RETURN(o.attributes[j].tags, impl_->ResolveTags(txn, p, input.attributes[j].tags));
      Status staging = impl_->StageAttachment(input.attributes[j], o.attributes[j], staged);
      if (!staging.ok()) return std::move(staging).error().WithFieldPrefix("Attribute[" + std::to_string(j) + "]");
    }
    BW_RETURN_IF_ERROR(txn.InsertObject(o));
    BW_RETURN_IF_ERROR(Impl::ReferenceStaged(txn, staged));
    e.published = false;
    BW_RETURN_IF_ERROR(TouchEvent(txn, e, now));
    BW_ASSIGN_OR_RETURN(auto reread, txn.GetObject(o.id));
    result = reread ? *reread : o;
    return Audit(txn, p, clock_.NowMicros(), "add", "Object", o.id, o.uuid, "Object " + o.name + " added to event " + std::to_string(e.id));
  });
  if (!st.ok()) return std::move(st).error();
  impl_->CountAttributes(result.attributes.size());
  return result;
}

Result<model::Object> Hub::EditObject(const Principal& p, const std::string& ref, misp::ObjectInput input) {
  const int64_t now = clock_.NowSeconds();
  model::Object result;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(LocatedObject located, LocateVisibleObject(txn, p, ref));
    const model::Object& current = located.object;
    model::Event& e = located.event;
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, e));
    // Build the new state from the request, keeping identity; the whole object is re-validated.
    input.object.uuid = current.uuid;
    if (!input.present.count("name")) input.object.name = current.name;
    if (!input.present.count("distribution")) {
      input.object.distribution = current.distribution;
      input.object.sharing_group_id = current.sharing_group_id;
    }
    if (!input.present.count("comment")) input.object.comment = current.comment;
    if (!input.present.count("meta-category")) input.object.meta_category = current.meta_category;
    if (!input.present.count("template_uuid")) input.object.template_uuid = current.template_uuid;
    if (!input.present.count("template_version")) input.object.template_version = current.template_version;
    // Attributes the object already has keep every field the request does not name.
    for (auto& in_attr : input.attributes) {
      for (const auto& a : current.attributes) {
        if (!in_attr.attribute.uuid.empty() && a.uuid == in_attr.attribute.uuid) {
          misp::AttributeInput merged = MergeAttributeInput(a, in_attr);
          if (!in_attr.present.count("object_relation")) merged.attribute.object_relation = a.object_relation;
          in_attr = std::move(merged);
          break;
        }
      }
    }
    if (!input.present.count("Attribute")) {
      // Header-only edit: validate with the current attributes.
      for (const auto& a : current.attributes) {
        misp::AttributeInput ai;
        ai.attribute = a;
        ai.raw_value = a.Value();
        ai.present = {"value", "to_ids", "distribution", "category"};
        ai.has_timestamp = true;
        input.attributes.push_back(std::move(ai));
      }
    }
    BW_ASSIGN_OR_RETURN(model::Object o, impl_->BuildObject(input, e, options_, now));
    BW_RETURN_IF_ERROR(impl_->CheckObjectSharingGroups(txn, p, o, ""));
    o.id = current.id;
    BW_RETURN_IF_ERROR(txn.UpdateObject(o));
    for (size_t j = 0; j < o.attributes.size(); ++j) {
      model::Attribute& a = o.attributes[j];
      a.object_id = o.id;
      BW_ASSIGN_OR_RETURN(auto existing, txn.FindAttributeByUuid(a.uuid));
      if (existing) {
        if (existing->object_id != o.id) {
          return MakeError(ErrorCode::kConflict, "attribute uuid " + a.uuid + " belongs elsewhere",
                           "Attribute[" + std::to_string(j) + "].uuid");
        }
        a.id = existing->id;
        a.deleted = existing->deleted;
        BW_RETURN_IF_ERROR(txn.UpdateAttribute(a));
        if (!CarriesData(a.type)) BW_RETURN_IF_ERROR(txn.ClearAttachmentRef(a.id));
      } else {
        BW_ASSIGN_OR_RETURN(a.tags, impl_->ResolveTags(txn, p, input.attributes[j].tags));
        BW_RETURN_IF_ERROR(txn.InsertAttribute(a));
      }
      std::vector<StagedAttachment> staged;
      Status staging = impl_->StageAttachment(input.attributes[j], a, staged);
      if (!staging.ok()) return std::move(staging).error().WithFieldPrefix("Attribute[" + std::to_string(j) + "]");
      BW_RETURN_IF_ERROR(Impl::ReferenceStaged(txn, staged));
    }
    // New references (after the attributes, which they may point at); ones the object has are left alone.
    BW_RETURN_IF_ERROR(Impl::AddEditedReferences(txn, current, input, std::move(o.references)));
    e.published = false;
    BW_RETURN_IF_ERROR(TouchEvent(txn, e, now));
    BW_ASSIGN_OR_RETURN(auto reread, txn.GetObject(o.id));
    result = reread ? *reread : o;
    return Audit(txn, p, clock_.NowMicros(), "edit", "Object", o.id, o.uuid, "Object (" + std::to_string(o.id) + ") edited");
  });
  if (!st.ok()) return std::move(st).error();
  return result;
}

Status Hub::DeleteObject(const Principal& p, const std::string& ref, DeleteMode mode) {
  const int64_t now = clock_.NowSeconds();
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(LocatedObject located, LocateVisibleObject(txn, p, ref));
    const model::Object& o = located.object;
    model::Event& e = located.event;
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, e));
    if (mode == DeleteMode::kHard) {
      BW_RETURN_IF_ERROR(txn.DeleteObject(o.id));
    } else {
      BW_RETURN_IF_ERROR(txn.SetObjectDeleted(o.id, true, now));
    }
    e.published = false;
    BW_RETURN_IF_ERROR(TouchEvent(txn, e, now));
    return Audit(txn, p, clock_.NowMicros(), mode == DeleteMode::kHard ? "hard-delete" : "delete", "Object", o.id, o.uuid,
                 "Object (" + std::to_string(o.id) + ") deleted");
  });
}

}  // namespace bulwark::hub
