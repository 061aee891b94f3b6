// Objects on their own and their references: objects/view, objectReferences/add|delete, and the reference rules
// the object writes share (targets in the same event; objects/edit adding references).
#include <algorithm>
#include <functional>
#include <unordered_set>

#include "common/uuid.h"
#include "hub/hub.h"
#include "hub/hub_impl.h"
#include "hub/internal.h"

namespace bulwark::hub {

using namespace internal;

Result<LocatedObject> internal::LocateVisibleObject(store::ReadTxn& txn, const Principal& p, std::string_view ref) {
  BW_ASSIGN_OR_RETURN(auto o, LookupRef<model::Object>(
                                  ref, "an object", [&](Id id) { return txn.GetObject(id); },
                                  [&](const std::string& uuid) { return txn.FindObjectByUuid(uuid); }));
  if (!o) return NotFound("object", ref);
  auto e = FindVisibleEvent(txn, p, std::to_string(o->event_id));
  if (!e.ok() || !access::CanSeeObject(p, e.value(), *o)) return NotFound("object", ref);
  return LocatedObject{std::move(*o), std::move(e).value()};
}

namespace {

// A reference with its object and event, when the principal may see the object.
struct LocatedReference {
  model::ObjectReference reference;
  LocatedObject owner;
};

Result<LocatedReference> LocateVisibleReference(store::ReadTxn& txn, const Principal& p, std::string_view ref) {
  BW_ASSIGN_OR_RETURN(auto r, LookupRef<model::ObjectReference>(
                                  ref, "an object reference", [&](Id id) { return txn.GetObjectReference(id); },
                                  [&](const std::string& uuid) { return txn.FindObjectReferenceByUuid(uuid); }));
  if (!r) return NotFound("object reference", ref);
  auto owner = LocateVisibleObject(txn, p, std::to_string(r->object_id));
  if (!owner.ok()) return NotFound("object reference", ref);
  return LocatedReference{std::move(*r), std::move(owner).value()};
}

// A reference changes its object: the object's timestamp moves and the event is unpublished, as in MISP.
Status TouchObjectAndEvent(store::WriteTxn& txn, model::Object& o, model::Event& e, int64_t now) {
  o.timestamp = std::max(now, o.timestamp);
  BW_RETURN_IF_ERROR(txn.UpdateObject(o));
  e.published = false;
  e.timestamp = std::max(now, e.timestamp);
  return txn.UpdateEventHeader(e, model::ChangeAction::kEdit);
}

Error InvalidTarget(const std::string& uuid, const std::string& field) {
  return MakeError(ErrorCode::kInvalid, "referenced_uuid " + uuid + " is not an attribute or object of this event",
                   field);
}

}  // namespace

Result<model::ObjectReference> Hub::Impl::BuildReference(const misp::ObjectReferenceInput& in,
                                                         const model::Object& object, Id event_id, int64_t now,
                                                         const std::string& field) {
  model::ObjectReference r = in.reference;
  const std::string base = field.empty() ? "" : field + ".";
  if (r.referenced_uuid.empty() || !IsUuid(r.referenced_uuid)) {
    return MakeError(ErrorCode::kInvalid, "an object reference needs the referenced_uuid of an attribute or object",
                     base + "referenced_uuid");
  }
  if (r.relationship_type.empty()) {
    return MakeError(ErrorCode::kInvalid, "an object reference needs a relationship_type", base + "relationship_type");
  }
  r.id = 0;
  if (r.uuid.empty()) r.uuid = NewUuidV4();
  r.object_id = object.id;
  r.source_uuid = object.uuid;
  r.event_id = event_id;
  if (r.timestamp <= 0) r.timestamp = now;
  return r;
}

Status Hub::Impl::ResolveReferenceTarget(store::ReadTxn& txn, Id event_id, const PendingTargets& pending,
                                         model::ObjectReference& ref, const std::string& field, TargetState state) {
  if (auto it = pending.find(ref.referenced_uuid); it != pending.end()) {
    ref.referenced_type = it->second;
    return Ok();
  }
  // MISP looks for an object first, then an attribute.
  BW_ASSIGN_OR_RETURN(auto object, txn.FindObjectByUuid(ref.referenced_uuid));
  if (object) {
    if (object->event_id != event_id) return InvalidTarget(ref.referenced_uuid, field);
    if (state == TargetState::kLive && object->deleted) {
      return MakeError(ErrorCode::kInvalid, "the object referenced by " + ref.referenced_uuid + " is deleted", field);
    }
    ref.referenced_type = "Object";
    return Ok();
  }
  BW_ASSIGN_OR_RETURN(auto attribute, txn.FindAttributeByUuid(ref.referenced_uuid));
  if (!attribute || attribute->event_id != event_id) return InvalidTarget(ref.referenced_uuid, field);
  if (state == TargetState::kLive && attribute->deleted) {
    return MakeError(ErrorCode::kInvalid, "the attribute referenced by " + ref.referenced_uuid + " is deleted", field);
  }
  ref.referenced_type = "Attribute";
  return Ok();
}

Hub::Impl::PendingTargets Hub::Impl::RequestTargets(const misp::EventInput& in) {
  PendingTargets out;
  for (const auto& a : in.attributes) {
    if (!a.attribute.uuid.empty()) out.emplace(a.attribute.uuid, "Attribute");
  }
  for (const auto& o : in.objects) {
    if (!o.object.uuid.empty()) out.emplace(o.object.uuid, "Object");
    for (const auto& a : o.attributes) {
      if (!a.attribute.uuid.empty()) out.emplace(a.attribute.uuid, "Attribute");
    }
  }
  return out;
}

Status Hub::Impl::ResolveObjectReferences(store::ReadTxn& txn, Id event_id, const PendingTargets& pending,
                                          model::Object& o, const std::string& prefix) {
  std::unordered_set<std::string> seen;
  for (size_t k = 0; k < o.references.size(); ++k) {
    const std::string field = prefix + ".ObjectReference[" + std::to_string(k) + "]";
    // object_references.uuid is unique (migration v6): say which reference collides before the insert does.
    const std::string& uuid = o.references[k].uuid;
    BW_ASSIGN_OR_RETURN(auto elsewhere, txn.FindObjectReferenceByUuid(uuid));
    if (elsewhere || !seen.insert(uuid).second) {
      return MakeError(ErrorCode::kConflict, "an object reference with uuid " + uuid + " already exists",
                       field + ".uuid");
    }
    BW_RETURN_IF_ERROR(
        ResolveReferenceTarget(txn, event_id, pending, o.references[k], field + ".referenced_uuid", TargetState::kAny));
  }
  return Ok();
}

Status Hub::Impl::AddEditedReferences(store::WriteTxn& txn, const model::Object& current,
                                      const misp::ObjectInput& input, std::vector<model::ObjectReference> refs) {
  std::vector<model::ObjectReference> have = current.references;
  for (size_t i = 0; i < refs.size(); ++i) {
    model::ObjectReference& r = refs[i];
    const std::string field = "ObjectReference[" + std::to_string(i) + "]";
    const bool named = i < input.references.size() && !input.references[i].reference.uuid.empty();
    const bool known = std::any_of(have.begin(), have.end(), [&](const model::ObjectReference& h) {
      return named ? h.uuid == r.uuid
                   : !h.deleted && h.referenced_uuid == r.referenced_uuid && h.relationship_type == r.relationship_type;
    });
    if (known) continue;
    if (named) {
      BW_ASSIGN_OR_RETURN(auto elsewhere, txn.FindObjectReferenceByUuid(r.uuid));
      if (elsewhere) {
        return MakeError(ErrorCode::kConflict, "an object reference with uuid " + r.uuid + " already exists",
                         field + ".uuid");
      }
    }
    BW_RETURN_IF_ERROR(
        ResolveReferenceTarget(txn, current.event_id, {}, r, field + ".referenced_uuid", TargetState::kLive));
    r.object_id = current.id;
    r.source_uuid = current.uuid;
    BW_RETURN_IF_ERROR(txn.InsertObjectReference(r));
    have.push_back(r);
  }
  return Ok();
}

namespace {

// objects/view's answer to access::DropReferencesToHiddenTargets: whether events/view with the same deleted
// filter would show the target of a reference of an object of `event` to `p` (same event, visible, kept by the
// filter, and so is its object). `filtered_out(deleted)` is the view's filter. Looks the target up: an object view
// has no whole event to look in.
Result<bool> ReferenceTargetShown(store::ReadTxn& txn, const Principal& p, const model::Event& event,
                                  const std::function<bool(bool)>& filtered_out, const std::string& uuid) {
  BW_ASSIGN_OR_RETURN(auto object, txn.FindObjectByUuid(uuid));
  if (object) {
    return object->event_id == event.id && !filtered_out(object->deleted) && access::CanSeeObject(p, event, *object);
  }
  BW_ASSIGN_OR_RETURN(auto attribute, txn.FindAttributeByUuid(uuid));
  if (!attribute || attribute->event_id != event.id || filtered_out(attribute->deleted)) return false;
  if (attribute->object_id == 0) return access::CanSeeAttribute(p, event, nullptr, *attribute);
  BW_ASSIGN_OR_RETURN(auto owner, txn.GetObject(attribute->object_id));
  if (!owner || filtered_out(owner->deleted)) return false;
  return access::CanSeeObject(p, event, *owner) && access::CanSeeAttribute(p, event, &*owner, *attribute);
}

}  // namespace

Result<model::Object> Hub::ViewObject(const Principal& p, const std::string& ref, store::DeletedFilter deleted) {
  const std::function<bool(bool)> filtered_out = [deleted](bool is_deleted) {
    switch (deleted) {
      case store::DeletedFilter::kExclude:
        return is_deleted;
      case store::DeletedFilter::kOnly:
        return !is_deleted;
      case store::DeletedFilter::kInclude:
        return false;
    }
    return false;
  };
  LocatedObject loc;
  std::unordered_set<std::string> shown_targets;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(loc, LocateVisibleObject(txn, p, ref));
    for (const auto& r : loc.object.references) {
      if (filtered_out(r.deleted) || shown_targets.count(r.referenced_uuid) > 0) continue;
      BW_ASSIGN_OR_RETURN(bool shown, ReferenceTargetShown(txn, p, loc.event, filtered_out, r.referenced_uuid));
      if (shown) shown_targets.insert(r.referenced_uuid);
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  model::Object& o = loc.object;
  if (deleted == store::DeletedFilter::kExclude && o.deleted) return NotFound("object", ref);
  o.attributes.erase(std::remove_if(o.attributes.begin(), o.attributes.end(),
                                    [&](const model::Attribute& a) {
                                      return filtered_out(a.deleted) || !access::CanSeeAttribute(p, loc.event, &o, a);
                                    }),
                     o.attributes.end());
  for (auto& a : o.attributes) {
    a.tags.erase(std::remove_if(a.tags.begin(), a.tags.end(),
                                [&](const model::AppliedTag& t) { return !access::CanSeeTag(p, loc.event, t); }),
                 a.tags.end());
  }
  o.references.erase(std::remove_if(o.references.begin(), o.references.end(),
                                    [&](const model::ObjectReference& r) { return filtered_out(r.deleted); }),
                     o.references.end());
  access::DropReferencesToHiddenTargets(o, [&](const std::string& uuid) { return shown_targets.count(uuid) > 0; });
  return std::move(o);
}

Result<model::ObjectReference> Hub::AddObjectReference(const Principal& p, const std::string& object_ref,
                                                       misp::ObjectReferenceInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kAdd, "add object references"));
  const int64_t now = clock_.NowSeconds();
  model::ObjectReference result;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(LocatedObject loc, LocateVisibleObject(txn, p, object_ref));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, loc.event));
    if (loc.object.deleted) {
      return MakeError(ErrorCode::kNotFound, "object " + object_ref + " is deleted: restore it before linking it");
    }
    BW_ASSIGN_OR_RETURN(model::ObjectReference r, Impl::BuildReference(input, loc.object, loc.event.id, now, ""));
    r.deleted = false;
    r.timestamp = now;
    if (!input.reference.uuid.empty()) {
      BW_ASSIGN_OR_RETURN(auto existing, txn.FindObjectReferenceByUuid(r.uuid));
      if (existing) {
        return MakeError(ErrorCode::kConflict, "an object reference with uuid " + r.uuid + " already exists", "uuid");
      }
    }
    BW_RETURN_IF_ERROR(
        Impl::ResolveReferenceTarget(txn, loc.event.id, {}, r, "referenced_uuid", Impl::TargetState::kLive));
    BW_RETURN_IF_ERROR(txn.InsertObjectReference(r));
    BW_RETURN_IF_ERROR(TouchObjectAndEvent(txn, loc.object, loc.event, now));
    BW_ASSIGN_OR_RETURN(auto reread, txn.GetObjectReference(r.id));
    result = reread ? *reread : r;
    return Audit(txn, p, clock_.NowMicros(), "add", "ObjectReference", r.id, r.uuid,
                 "Object reference (" + std::to_string(r.id) + ") " + r.relationship_type + " added to object " +
                     std::to_string(loc.object.id));
  });
  if (!st.ok()) return impl_->CountRejected(std::move(st).error());
  return result;
}

Status Hub::DeleteObjectReference(const Principal& p, const std::string& ref, DeleteMode mode) {
  const int64_t now = clock_.NowSeconds();
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(LocatedReference loc, LocateVisibleReference(txn, p, ref));
    BW_RETURN_IF_ERROR(access::CheckCanModifyEvent(p, loc.owner.event));
    const model::ObjectReference& r = loc.reference;
    if (mode == DeleteMode::kHard) {
      BW_RETURN_IF_ERROR(txn.DeleteObjectReference(r.id));
    } else {
      if (r.deleted) {
        return MakeError(ErrorCode::kNotFound,
                         "object reference " + ref + " is already deleted (use hard delete to remove it)");
      }
      BW_RETURN_IF_ERROR(txn.SetObjectReferenceDeleted(r.id, true, now));
    }
    BW_RETURN_IF_ERROR(TouchObjectAndEvent(txn, loc.owner.object, loc.owner.event, now));
    return Audit(txn, p, clock_.NowMicros(), mode == DeleteMode::kHard ? "hard-delete" : "delete", "ObjectReference",
                 r.id, r.uuid, "Object reference (" + std::to_string(r.id) + ") deleted");
  });
}

}  // namespace bulwark::hub
