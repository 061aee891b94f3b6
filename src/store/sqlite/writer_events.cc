// Writes of events, attributes, objects, object references, applied tags and sightings. The store keeps
// events.attribute_count equal to the number of non-deleted attributes of the event, objects' included.
#include "common/uuid.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/txn.h"

namespace bulwark::store::sqlite {
namespace {

using model::ChangeAction;

constexpr const char* kInsertAttributeSql =
    "INSERT INTO attributes (event_id, object_id, object_relation, uuid, type, category, value1, value2, to_ids, "
    "distribution, sharing_group_id, comment, deleted, disable_correlation, timestamp, first_seen, last_seen) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr const char* kInsertChangeSql =
    "INSERT INTO changes (entity, uuid, event_id, action, time_micros) VALUES (?,?,?,?,?)";

Error NotFound(std::string_view what, Id id) {
  return MakeError(ErrorCode::kNotFound, std::string(what) + " " + std::to_string(id) + " not found");
}

void EnsureUuid(std::string& uuid) {
  if (uuid.empty()) uuid = NewUuidV4();
}

// A missing tag shows up as a foreign-key failure; say which tag.
Status TagStatus(Status st, Id tag_id) {
  if (st.ok() || st.error().code != ErrorCode::kInvalid) return st;
  return MakeError(ErrorCode::kNotFound, "tag " + std::to_string(tag_id) + " not found", "tags");
}

// The attribute's or object's row facts that writes need.
struct ChildRow {
  std::string uuid;
  Id event_id = 0;
  Id object_id = 0;
  bool deleted = false;
  std::string value1;  // attributes only
  std::string value2;
};

Result<std::optional<ChildRow>> FindChild(Connection& conn, std::string_view table, Id id) {
  std::string sql = std::string(table) == "attributes"
                        ? "SELECT uuid, event_id, object_id, deleted, value1, value2 FROM attributes WHERE id = ?"
                        : "SELECT uuid, event_id, 0, deleted, '', '' FROM objects WHERE id = ?";
  BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(sql));
  s.Bind(1, id);
  BW_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<ChildRow>();
  return std::optional<ChildRow>(ChildRow{s.Text(0), s.Int(1), s.Int(2), s.Bool(3), s.Text(4), s.Text(5)});
}

}  // namespace

struct Writer::AttributeStatements {
  Stmt attribute;
  Stmt tag;
  Stmt change;
};

Result<Writer::AttributeStatements> Writer::PrepareAttributeStatements() {
  BW_ASSIGN_OR_RETURN(Stmt attribute, conn_.Prepare(kInsertAttributeSql));
  BW_ASSIGN_OR_RETURN(Stmt tag, conn_.Prepare("INSERT INTO attribute_tags (attribute_id, tag_id, local) "
                                              "VALUES (?,?,?) ON CONFLICT DO UPDATE SET local = excluded.local"));
  BW_ASSIGN_OR_RETURN(Stmt change, conn_.Prepare(kInsertChangeSql));
  return AttributeStatements{std::move(attribute), std::move(tag), std::move(change)};
}

Status Writer::LogChildren(std::string_view entity, std::string_view where, Id key, ChangeAction action) {
  std::string table = entity == "attribute" ? "attributes" : entity == "object" ? "objects" : "object_references";
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO changes (entity, uuid, event_id, action, time_micros) "
                                            "SELECT ?, uuid, event_id, ?, ? FROM " +
                                            table + " WHERE " + std::string(where) + " ORDER BY id"));
  return s.Bind(1, entity).Bind(2, static_cast<int64_t>(action)).Bind(3, clock_.NowMicros()).Bind(4, key).Run();
}

Status Writer::CheckAttributeUuidFree(const std::string& uuid) const {
  std::optional<bool> pending = journal_.PendingUuid(uuid);
  if (!pending) BW_RETURN_IF_ERROR(index_.EnsureLoaded());
  const bool taken = pending ? *pending : index_.FindUuid(uuid).has_value();
  if (!taken) return Ok();
  return MakeError(ErrorCode::kConflict, "an attribute with uuid " + uuid + " already exists", "uuid");
}

Status Writer::JournalRemovals(std::string_view where, Id key) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("SELECT id, uuid, value1, value2 FROM attributes WHERE " +
                                            std::string(where)));
  s.Bind(1, key);
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    journal_.Remove(s.Int(0), s.Text(1), s.TextView(2), s.TextView(3));
  }
  return Ok();
}

Status Writer::InsertAttributes(AttributeStatements& st, std::vector<model::Attribute>& attributes, Id event_id,
                                Id object_id, int64_t& live_count) {
  const int64_t now = clock_.NowMicros();
  for (model::Attribute& a : attributes) {
    EnsureUuid(a.uuid);
    BW_RETURN_IF_ERROR(CheckAttributeUuidFree(a.uuid));
    a.event_id = event_id;
    a.object_id = object_id;
    Stmt& s = st.attribute;
    s.Bind(1, event_id).Bind(2, object_id).Bind(3, a.object_relation).Bind(4, a.uuid).Bind(5, a.type);
    s.Bind(6, a.category).Bind(7, a.value1).Bind(8, a.value2).Bind(9, int64_t{a.to_ids});
    s.Bind(10, static_cast<int64_t>(a.distribution)).Bind(11, a.sharing_group_id).Bind(12, a.comment);
    s.Bind(13, int64_t{a.deleted}).Bind(14, int64_t{a.disable_correlation}).Bind(15, a.timestamp);
    s.Bind(16, a.first_seen_micros).Bind(17, a.last_seen_micros);
    BW_RETURN_IF_ERROR(s.Run());
    a.id = conn_.LastInsertId();
    journal_.Add(a.id, a.uuid, a.value1, a.value2);
    if (!a.deleted) ++live_count;
    for (const model::AppliedTag& t : a.tags) {
      BW_RETURN_IF_ERROR(TagStatus(st.tag.Bind(1, a.id).Bind(2, t.tag.id).Bind(3, int64_t{t.local}).Run(), t.tag.id));
    }
    if (!defer_child_logs_) {
      st.change.Bind(1, std::string_view("attribute")).Bind(2, a.uuid).Bind(3, event_id);
      BW_RETURN_IF_ERROR(st.change.Bind(4, static_cast<int64_t>(ChangeAction::kAdd)).Bind(5, now).Run());
    }
  }
  return Ok();
}

Status Writer::InsertObjectRow(model::Object& o, Id event_id, AttributeStatements& st, int64_t& live_count) {
  EnsureUuid(o.uuid);
  o.event_id = event_id;
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO objects (event_id, uuid, name, meta_category, description, "
                                            "template_uuid, template_version, comment, distribution, "
                                            "sharing_group_id, deleted, timestamp, first_seen, last_seen) "
                                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, event_id).Bind(2, o.uuid).Bind(3, o.name).Bind(4, o.meta_category).Bind(5, o.description);
  s.Bind(6, o.template_uuid).Bind(7, o.template_version).Bind(8, o.comment);
  s.Bind(9, static_cast<int64_t>(o.distribution)).Bind(10, o.sharing_group_id).Bind(11, int64_t{o.deleted});
  s.Bind(12, o.timestamp).Bind(13, o.first_seen_micros).Bind(14, o.last_seen_micros);
  BW_RETURN_IF_ERROR(s.Run({{"objects.uuid", "an object", "uuid", o.uuid}}));
  o.id = conn_.LastInsertId();
  if (!defer_child_logs_) BW_RETURN_IF_ERROR(Log("object", o.uuid, event_id, ChangeAction::kAdd));
  BW_RETURN_IF_ERROR(InsertAttributes(st, o.attributes, event_id, o.id, live_count));
  for (model::ObjectReference& ref : o.references) {
    ref.object_id = o.id;
    BW_RETURN_IF_ERROR(InsertObjectReference(ref));
  }
  return Ok();
}

Status Writer::AttachEventTags(model::Event& event) {
  if (event.tags.empty()) return Ok();
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO event_tags (event_id, tag_id, local) VALUES (?,?,?) "
                                            "ON CONFLICT DO UPDATE SET local = excluded.local"));
  for (const model::AppliedTag& t : event.tags) {
    BW_RETURN_IF_ERROR(TagStatus(s.Bind(1, event.id).Bind(2, t.tag.id).Bind(3, int64_t{t.local}).Run(), t.tag.id));
  }
  return Ok();
}

Status Writer::AddToAttributeCount(Id event_id, int64_t delta) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE events SET attribute_count = attribute_count + ? WHERE id = ?"));
  BW_RETURN_IF_ERROR(s.Bind(1, delta).Bind(2, event_id).Run());
  if (conn_.Changes() == 0) return NotFound("event", event_id);
  return Ok();
}

Status Writer::RecountAttributes(Id event_id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE events SET attribute_count = (SELECT count(*) FROM attributes "
                                            "WHERE event_id = ?1 AND deleted = 0) WHERE id = ?1"));
  return s.Bind(1, event_id).Run();
}

Status Writer::InsertEvent(model::Event& event) {
  EnsureUuid(event.uuid);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO events (uuid, info, date, org_id, orgc_id, user_id, "
                                            "published, publish_timestamp, timestamp, sighting_timestamp, "
                                            "distribution, sharing_group_id, analysis, threat_level, locked, "
                                            "disable_correlation, protected_event, extends_uuid, attribute_count) "
                                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)"));
  s.Bind(1, event.uuid).Bind(2, event.info).Bind(3, event.date).Bind(4, event.org_id).Bind(5, event.orgc_id);
  s.Bind(6, event.user_id).Bind(7, int64_t{event.published}).Bind(8, event.publish_timestamp);
  s.Bind(9, event.timestamp).Bind(10, event.sighting_timestamp).Bind(11, static_cast<int64_t>(event.distribution));
  s.Bind(12, event.sharing_group_id).Bind(13, static_cast<int64_t>(event.analysis));
  s.Bind(14, static_cast<int64_t>(event.threat_level)).Bind(15, int64_t{event.locked});
  s.Bind(16, int64_t{event.disable_correlation}).Bind(17, int64_t{event.protected_event}).Bind(18, event.extends_uuid);
  BW_RETURN_IF_ERROR(s.Run({{"events.uuid", "an event", "uuid", event.uuid}}));
  event.id = conn_.LastInsertId();
  BW_RETURN_IF_ERROR(Log("event", event.uuid, event.id, ChangeAction::kAdd));
  BW_RETURN_IF_ERROR(AttachEventTags(event));
  BW_ASSIGN_OR_RETURN(AttributeStatements st, PrepareAttributeStatements());
  int64_t live = 0;
  defer_child_logs_ = true;
  Status children = InsertAttributes(st, event.attributes, event.id, 0, live);
  for (size_t i = 0; children.ok() && i < event.objects.size(); ++i) {
    children = InsertObjectRow(event.objects[i], event.id, st, live);
  }
  defer_child_logs_ = false;
  BW_RETURN_IF_ERROR(children);
  // Change rows for the children: attributes (objects' included), objects, references, each in id order.
  for (const char* entity : {"attribute", "object", "object_reference"}) {
    BW_RETURN_IF_ERROR(LogChildren(entity, "event_id = ?", event.id, ChangeAction::kAdd));
  }
  BW_RETURN_IF_ERROR(AddToAttributeCount(event.id, live));
  event.attribute_count = live;
  return Ok();
}

Status Writer::UpdateEventHeader(const model::Event& event, ChangeAction action) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE events SET info = ?, date = ?, org_id = ?, orgc_id = ?, "
                                            "user_id = ?, published = ?, publish_timestamp = ?, timestamp = ?, "
                                            "sighting_timestamp = ?, distribution = ?, sharing_group_id = ?, "
                                            "analysis = ?, threat_level = ?, locked = ?, disable_correlation = ?, "
                                            "protected_event = ?, extends_uuid = ? WHERE id = ? RETURNING uuid"));
  s.Bind(1, event.info).Bind(2, event.date).Bind(3, event.org_id).Bind(4, event.orgc_id).Bind(5, event.user_id);
  s.Bind(6, int64_t{event.published}).Bind(7, event.publish_timestamp).Bind(8, event.timestamp);
  s.Bind(9, event.sighting_timestamp).Bind(10, static_cast<int64_t>(event.distribution));
  s.Bind(11, event.sharing_group_id).Bind(12, static_cast<int64_t>(event.analysis));
  s.Bind(13, static_cast<int64_t>(event.threat_level)).Bind(14, int64_t{event.locked});
  s.Bind(15, int64_t{event.disable_correlation}).Bind(16, int64_t{event.protected_event}).Bind(17, event.extends_uuid);
  s.Bind(18, event.id);
  BW_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("event", event.id);
  std::string uuid = s.Text(0);
  s.Reset();
  return Log("event", uuid, event.id, action);
}

Status Writer::DeleteEvent(Id id) {
  BW_ASSIGN_OR_RETURN(auto event, reader_.GetEvent(id));
  if (!event) return NotFound("event", id);
  BW_RETURN_IF_ERROR(LogChildren("attribute", "event_id = ?", id, ChangeAction::kDelete));
  BW_RETURN_IF_ERROR(LogChildren("object", "event_id = ?", id, ChangeAction::kDelete));
  BW_RETURN_IF_ERROR(JournalRemovals("event_id = ?", id));
  // Tags, attributes, objects, references and sightings go with the event (ON DELETE CASCADE).
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM events WHERE id = ?"));
  BW_RETURN_IF_ERROR(s.Bind(1, id).Run());
  return Log("event", event->uuid, id, ChangeAction::kDelete);
}

Status Writer::InsertAttribute(model::Attribute& attribute) {
  if (attribute.object_id != 0) {
    BW_ASSIGN_OR_RETURN(auto object, FindChild(conn_, "objects", attribute.object_id));
    if (!object) return NotFound("object", attribute.object_id);
    if (attribute.event_id == 0) attribute.event_id = object->event_id;
    if (object->event_id != attribute.event_id) {
      return MakeError(ErrorCode::kInvalid, "object " + std::to_string(attribute.object_id) +
                                                " belongs to another event than " + std::to_string(attribute.event_id),
                       "object_id");
    }
  }
  BW_ASSIGN_OR_RETURN(auto event, UuidAndEvent("events", attribute.event_id));
  if (!event) return NotFound("event", attribute.event_id);
  BW_ASSIGN_OR_RETURN(AttributeStatements st, PrepareAttributeStatements());
  std::vector<model::Attribute> one;
  one.push_back(std::move(attribute));
  int64_t live = 0;
  Status status = InsertAttributes(st, one, one[0].event_id, one[0].object_id, live);
  attribute = std::move(one[0]);
  BW_RETURN_IF_ERROR(status);
  return AddToAttributeCount(attribute.event_id, live);
}

Status Writer::InsertEventAttributes(std::vector<model::Attribute>& attributes) {
  if (attributes.empty()) return Ok();
  const Id event_id = attributes.front().event_id;
  for (const model::Attribute& a : attributes) {
    if (a.event_id != event_id || a.object_id != 0) {
      return MakeError(ErrorCode::kInvalid, "a bulk attribute insert takes attributes of one event, outside objects",
                       "event_id");
    }
  }
  BW_ASSIGN_OR_RETURN(auto event, UuidAndEvent("events", event_id));
  if (!event) return NotFound("event", event_id);
  BW_ASSIGN_OR_RETURN(AttributeStatements st, PrepareAttributeStatements());
  int64_t live = 0;
  // The change rows go in with one INSERT ... SELECT over the new rows, as for events/add, rather than one
  // statement per attribute: the new rows are exactly those from the first new id on, since ids only grow.
  defer_child_logs_ = true;
  Status inserted = InsertAttributes(st, attributes, event_id, 0, live);
  defer_child_logs_ = false;
  BW_RETURN_IF_ERROR(inserted);
  BW_RETURN_IF_ERROR(LogChildren("attribute", "id >= ?", attributes.front().id, ChangeAction::kAdd));
  return AddToAttributeCount(event_id, live);
}

Status Writer::UpdateAttribute(const model::Attribute& a) {
  BW_ASSIGN_OR_RETURN(auto old, FindChild(conn_, "attributes", a.id));
  if (!old) return NotFound("attribute", a.id);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE attributes SET object_relation = ?, type = ?, category = ?, "
                                            "value1 = ?, value2 = ?, to_ids = ?, distribution = ?, "
                                            "sharing_group_id = ?, comment = ?, deleted = ?, "
                                            "disable_correlation = ?, timestamp = ?, first_seen = ?, last_seen = ? "
                                            "WHERE id = ?"));
  s.Bind(1, a.object_relation).Bind(2, a.type).Bind(3, a.category).Bind(4, a.value1).Bind(5, a.value2);
  s.Bind(6, int64_t{a.to_ids}).Bind(7, static_cast<int64_t>(a.distribution)).Bind(8, a.sharing_group_id);
  s.Bind(9, a.comment).Bind(10, int64_t{a.deleted}).Bind(11, int64_t{a.disable_correlation}).Bind(12, a.timestamp);
  s.Bind(13, a.first_seen_micros).Bind(14, a.last_seen_micros).Bind(15, a.id);
  BW_RETURN_IF_ERROR(s.Run());
  if (old->value1 != a.value1 || old->value2 != a.value2) {
    journal_.Remove(a.id, old->uuid, old->value1, old->value2);
    journal_.Add(a.id, old->uuid, a.value1, a.value2);
  }
  ChangeAction action = ChangeAction::kEdit;
  if (old->deleted != a.deleted) {
    BW_RETURN_IF_ERROR(AddToAttributeCount(old->event_id, a.deleted ? -1 : 1));
    action = a.deleted ? ChangeAction::kDelete : ChangeAction::kRestore;
  }
  return Log("attribute", old->uuid, old->event_id, action);
}

Status Writer::SetAttributeDeleted(Id id, bool deleted, int64_t timestamp) {
  BW_ASSIGN_OR_RETURN(auto old, FindChild(conn_, "attributes", id));
  if (!old) return NotFound("attribute", id);
  if (old->deleted == deleted) return Ok();
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE attributes SET deleted = ?, timestamp = ? WHERE id = ?"));
  BW_RETURN_IF_ERROR(s.Bind(1, int64_t{deleted}).Bind(2, timestamp).Bind(3, id).Run());
  BW_RETURN_IF_ERROR(AddToAttributeCount(old->event_id, deleted ? -1 : 1));
  return Log("attribute", old->uuid, old->event_id, deleted ? ChangeAction::kDelete : ChangeAction::kRestore);
}

Status Writer::DeleteAttribute(Id id) {
  BW_ASSIGN_OR_RETURN(auto old, FindChild(conn_, "attributes", id));
  if (!old) return NotFound("attribute", id);
  journal_.Remove(id, old->uuid, old->value1, old->value2);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM attributes WHERE id = ?"));  // tags, sightings cascade
  BW_RETURN_IF_ERROR(s.Bind(1, id).Run());
  if (!old->deleted) BW_RETURN_IF_ERROR(AddToAttributeCount(old->event_id, -1));
  return Log("attribute", old->uuid, old->event_id, ChangeAction::kDelete);
}

Status Writer::InsertObject(model::Object& object) {
  BW_ASSIGN_OR_RETURN(auto event, reader_.GetEvent(object.event_id));
  if (!event) return NotFound("event", object.event_id);
  BW_ASSIGN_OR_RETURN(AttributeStatements st, PrepareAttributeStatements());
  int64_t live = 0;
  BW_RETURN_IF_ERROR(InsertObjectRow(object, object.event_id, st, live));
  return AddToAttributeCount(object.event_id, live);
}

Status Writer::UpdateObject(const model::Object& o) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE objects SET name = ?, meta_category = ?, description = ?, "
                                            "template_uuid = ?, template_version = ?, comment = ?, distribution = ?, "
                                            "sharing_group_id = ?, timestamp = ?, first_seen = ?, last_seen = ? "
                                            "WHERE id = ? RETURNING uuid, event_id"));
  s.Bind(1, o.name).Bind(2, o.meta_category).Bind(3, o.description).Bind(4, o.template_uuid);
  s.Bind(5, o.template_version).Bind(6, o.comment).Bind(7, static_cast<int64_t>(o.distribution));
  s.Bind(8, o.sharing_group_id).Bind(9, o.timestamp).Bind(10, o.first_seen_micros).Bind(11, o.last_seen_micros);
  s.Bind(12, o.id);
  BW_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("object", o.id);
  std::string uuid = s.Text(0);
  Id event_id = s.Int(1);
  s.Reset();
  return Log("object", uuid, event_id, ChangeAction::kEdit);
}

Status Writer::SetObjectDeleted(Id id, bool deleted, int64_t timestamp) {
  BW_ASSIGN_OR_RETURN(auto old, FindChild(conn_, "objects", id));
  if (!old) return NotFound("object", id);
  const ChangeAction action = deleted ? ChangeAction::kDelete : ChangeAction::kRestore;
  // The object's attributes follow it; only those whose state changes are logged.
  std::string where = deleted ? "object_id = ? AND object_id <> 0 AND deleted = 0"
                              : "object_id = ? AND object_id <> 0 AND deleted = 1";
  BW_RETURN_IF_ERROR(LogChildren("attribute", where, id, action));
  BW_ASSIGN_OR_RETURN(Stmt attrs, conn_.Prepare("UPDATE attributes SET deleted = ?, timestamp = ? "
                                                "WHERE object_id = ? AND object_id <> 0 AND deleted <> ?"));
  BW_RETURN_IF_ERROR(attrs.Bind(1, int64_t{deleted}).Bind(2, timestamp).Bind(3, id).Bind(4, int64_t{deleted}).Run());
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE objects SET deleted = ?, timestamp = ? WHERE id = ?"));
  BW_RETURN_IF_ERROR(s.Bind(1, int64_t{deleted}).Bind(2, timestamp).Bind(3, id).Run());
  BW_RETURN_IF_ERROR(RecountAttributes(old->event_id));
  if (old->deleted == deleted) return Ok();
  return Log("object", old->uuid, old->event_id, action);
}

Status Writer::DeleteObject(Id id) {
  BW_ASSIGN_OR_RETURN(auto old, FindChild(conn_, "objects", id));
  if (!old) return NotFound("object", id);
  BW_RETURN_IF_ERROR(LogChildren("attribute", "object_id = ? AND object_id <> 0", id, ChangeAction::kDelete));
  BW_RETURN_IF_ERROR(JournalRemovals("object_id = ? AND object_id <> 0", id));
  BW_ASSIGN_OR_RETURN(Stmt attrs, conn_.Prepare("DELETE FROM attributes WHERE object_id = ? AND object_id <> 0"));
  BW_RETURN_IF_ERROR(attrs.Bind(1, id).Run());
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM objects WHERE id = ?"));  // references cascade
  BW_RETURN_IF_ERROR(s.Bind(1, id).Run());
  BW_RETURN_IF_ERROR(RecountAttributes(old->event_id));
  return Log("object", old->uuid, old->event_id, ChangeAction::kDelete);
}

Status Writer::InsertObjectReference(model::ObjectReference& ref) {
  BW_ASSIGN_OR_RETURN(auto object, FindChild(conn_, "objects", ref.object_id));
  if (!object) return NotFound("object", ref.object_id);
  EnsureUuid(ref.uuid);
  ref.event_id = object->event_id;
  if (ref.source_uuid.empty()) ref.source_uuid = object->uuid;
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO object_references (uuid, object_id, event_id, source_uuid, "
                                            "referenced_uuid, referenced_type, relationship_type, comment, deleted, "
                                            "timestamp) VALUES (?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, ref.uuid).Bind(2, ref.object_id).Bind(3, ref.event_id).Bind(4, ref.source_uuid);
  s.Bind(5, ref.referenced_uuid).Bind(6, ref.referenced_type).Bind(7, ref.relationship_type).Bind(8, ref.comment);
  s.Bind(9, int64_t{ref.deleted}).Bind(10, ref.timestamp);
  BW_RETURN_IF_ERROR(s.Run());
  ref.id = conn_.LastInsertId();
  if (defer_child_logs_) return Ok();
  return Log("object_reference", ref.uuid, ref.event_id, ChangeAction::kAdd);
}

Result<std::optional<std::pair<std::string, Id>>> Writer::UuidAndEvent(std::string_view table, Id id) {
  std::string sql = std::string(table) == "events" ? "SELECT uuid, id FROM events WHERE id = ?"
                                                   : "SELECT uuid, event_id FROM attributes WHERE id = ?";
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(sql));
  s.Bind(1, id);
  BW_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::pair<std::string, Id>>();
  return std::optional<std::pair<std::string, Id>>(std::make_pair(s.Text(0), s.Int(1)));
}

Status Writer::AttachTag(TagTarget target, Id target_id, Id tag_id, bool local) {
  const bool event = target == TagTarget::kEvent;
  BW_ASSIGN_OR_RETURN(auto owner, UuidAndEvent(event ? "events" : "attributes", target_id));
  if (!owner) return NotFound(TagTargetName(target), target_id);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(
                                  event ? "INSERT INTO event_tags (event_id, tag_id, local) VALUES (?,?,?) "
                                          "ON CONFLICT DO UPDATE SET local = excluded.local WHERE local <> excluded.local"
                                        : "INSERT INTO attribute_tags (attribute_id, tag_id, local) VALUES (?,?,?) "
                                          "ON CONFLICT DO UPDATE SET local = excluded.local WHERE local <> excluded.local"));
  BW_RETURN_IF_ERROR(TagStatus(s.Bind(1, target_id).Bind(2, tag_id).Bind(3, int64_t{local}).Run(), tag_id));
  if (conn_.Changes() == 0) return Ok();  // already attached as asked
  return Log(TagTargetName(target), owner->first, owner->second, ChangeAction::kEdit);
}

Status Writer::DetachTag(TagTarget target, Id target_id, Id tag_id) {
  const bool event = target == TagTarget::kEvent;
  BW_ASSIGN_OR_RETURN(auto owner, UuidAndEvent(event ? "events" : "attributes", target_id));
  if (!owner) return NotFound(TagTargetName(target), target_id);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(event ? "DELETE FROM event_tags WHERE event_id = ? AND tag_id = ?"
                                                  : "DELETE FROM attribute_tags WHERE attribute_id = ? AND tag_id = ?"));
  BW_RETURN_IF_ERROR(s.Bind(1, target_id).Bind(2, tag_id).Run());
  if (conn_.Changes() == 0) {
    return MakeError(ErrorCode::kNotFound, "tag " + std::to_string(tag_id) + " is not attached to " +
                                               TagTargetName(target) + " " + std::to_string(target_id));
  }
  return Log(TagTargetName(target), owner->first, owner->second, ChangeAction::kEdit);
}

Status Writer::InsertSighting(model::Sighting& sighting) {
  BW_ASSIGN_OR_RETURN(auto attribute, FindChild(conn_, "attributes", sighting.attribute_id));
  if (!attribute) return NotFound("attribute", sighting.attribute_id);
  EnsureUuid(sighting.uuid);
  sighting.event_id = attribute->event_id;
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO sightings (uuid, attribute_id, event_id, org_id, "
                                            "date_sighting, source, type) VALUES (?,?,?,?,?,?,?)"));
  s.Bind(1, sighting.uuid).Bind(2, sighting.attribute_id).Bind(3, sighting.event_id).Bind(4, sighting.org_id);
  s.Bind(5, sighting.date_sighting).Bind(6, sighting.source).Bind(7, static_cast<int64_t>(sighting.type));
  BW_RETURN_IF_ERROR(s.Run({{"sightings.uuid", "a sighting", "uuid", sighting.uuid}}));
  sighting.id = conn_.LastInsertId();
  return Log("sighting", sighting.uuid, sighting.event_id, ChangeAction::kAdd);
}

Status Writer::DeleteSighting(Id id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM sightings WHERE id = ? RETURNING uuid, event_id"));
  s.Bind(1, id);
  BW_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("sighting", id);
  std::string uuid = s.Text(0);
  Id event_id = s.Int(1);
  s.Reset();
  return Log("sighting", uuid, event_id, ChangeAction::kDelete);
}

}  // namespace bulwark::store::sqlite
