// Reads of events, attributes, objects and sightings: lookups, whole-event loads and streaming scans.
#include <algorithm>
#include <iterator>
#include <optional>
#include <unordered_map>

#include "store/sqlite/query_sql.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/txn.h"

namespace bulwark::store::sqlite {
namespace {

// Loads the attribute tags of every attribute selected by `condition` (on alias a, one `?` bound to `key`) and
// appends them to the matching attribute in `by_id`. One query for all of them.
Status LoadAttributeTags(Connection& conn, const std::string& condition, Id key,
                         const std::unordered_map<Id, model::Attribute*>& by_id) {
  if (by_id.empty()) return Ok();
  std::string sql = std::string("SELECT x.attribute_id, x.local, ") + kTagColumns +
                    " FROM attributes a JOIN attribute_tags x ON x.attribute_id = a.id JOIN tags t ON t.id = x.tag_id"
                    " WHERE " +
                    condition + " ORDER BY x.attribute_id, t.id";
  BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(sql));
  s.Bind(1, key);
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    auto it = by_id.find(s.Int(0));
    if (it != by_id.end()) it->second->tags.push_back(model::AppliedTag{ReadTag(s, 2), s.Bool(1)});
  }
  return Ok();
}

// Loads the attributes selected by `condition` (alias a, one `?` bound to `key`) with their tags, in id order.
Result<std::vector<model::Attribute>> LoadAttributes(Connection& conn, const std::string& condition, Id key) {
  std::string sql = std::string("SELECT ") + kAttributeColumns + " FROM attributes a WHERE " + condition +
                    " ORDER BY a.id";
  BW_ASSIGN_OR_RETURN(auto attributes, QueryAll(conn, sql, {key}, &ReadAttribute));
  std::unordered_map<Id, model::Attribute*> by_id;
  by_id.reserve(attributes.size());
  for (auto& a : attributes) by_id.emplace(a.id, &a);
  BW_RETURN_IF_ERROR(LoadAttributeTags(conn, condition, key, by_id));
  return attributes;
}

// Object headers (no attributes, no references) by id, through one statement kept prepared for a whole scan.
class ObjectHeaders {
 public:
  explicit ObjectHeaders(Connection& conn) : conn_(conn) {}

  // Reads object `id` into `out`; false when there is none.
  Result<bool> Read(Id id, model::Object& out) {
    static const std::string kSql = std::string("SELECT ") + kObjectColumns + " FROM objects ob WHERE ob.id = ?";
    if (!stmt_) {
      BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(kSql));
      stmt_.emplace(std::move(s));
    }
    stmt_->Reset();
    stmt_->Bind(1, id);
    BW_ASSIGN_OR_RETURN(bool row, stmt_->Step());
    if (row) out = ReadObject(*stmt_, 0);
    return row;
  }

 private:
  Connection& conn_;
  std::optional<Stmt> stmt_;
};

// The tags of attributes visited in ascending id order, as one merge join against attribute_tags (its primary
// key is (attribute_id, tag_id)) instead of one query per attribute: the cursor steps forward to each asked id
// and re-seeks when the ids jump far ahead (a sparse scan), so a dense scan reads every tag link once and a
// sparse one costs one index seek per attribute, as before. Tags come in tag id order, as TagsOf gives them.
class TagCursor {
 public:
  explicit TagCursor(Connection& conn) : conn_(conn) {}

  // Replaces `out` with the tags of attribute `id`; ids must not decrease from one call to the next.
  Status TagsOf(Id id, std::vector<model::AppliedTag>& out) {
    out.clear();
    if (!stmt_) {
      BW_RETURN_IF_ERROR(Seek(id));
    } else {
      for (int skipped = 0; has_row_ && current_ < id; ++skipped) {
        if (skipped == kMaxSkip) {
          BW_RETURN_IF_ERROR(Seek(id));
          break;
        }
        BW_RETURN_IF_ERROR(Advance());
      }
    }
    while (has_row_ && current_ == id) {
      out.push_back(model::AppliedTag{ReadTag(*stmt_, 2), stmt_->Bool(1)});
      BW_RETURN_IF_ERROR(Advance());
    }
    return Ok();
  }

 private:
  static constexpr int kMaxSkip = 32;  // tag links stepped over before an index seek is cheaper

  Status Seek(Id id) {
    static const std::string kSql = std::string("SELECT x.attribute_id, x.local, ") + kTagColumns +
                                    " FROM attribute_tags x JOIN tags t ON t.id = x.tag_id"
                                    " WHERE x.attribute_id >= ? ORDER BY x.attribute_id, x.tag_id";
    if (!stmt_) {
      BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(kSql));
      stmt_.emplace(std::move(s));
    } else {
      stmt_->Reset();
    }
    stmt_->Bind(1, id);
    return Advance();
  }

  Status Advance() {
    BW_ASSIGN_OR_RETURN(has_row_, stmt_->Step());
    if (has_row_) current_ = stmt_->Int(0);
    return Ok();
  }

  Connection& conn_;
  std::optional<Stmt> stmt_;
  bool has_row_ = false;
  Id current_ = 0;  // attribute_id of the current row, when has_row_
};

Result<std::vector<model::ObjectReference>> LoadReferences(Connection& conn, const std::string& condition, Id key) {
  std::string sql = std::string("SELECT ") + kReferenceColumns + " FROM object_references rf WHERE " + condition +
                    " ORDER BY rf.id";
  return QueryAll(conn, sql, {key}, &ReadReference);
}

}  // namespace

Result<std::optional<model::Event>> Reader::GetEvent(Id id) {
  static const std::string kSql = std::string("SELECT ") + kEventColumns + " FROM events e WHERE e.id = ?";
  return QueryOne(conn_, kSql, {id}, &ReadEvent);
}

Result<std::optional<model::Event>> Reader::FindEventByUuid(const std::string& uuid) {
  static const std::string kSql = std::string("SELECT ") + kEventColumns + " FROM events e WHERE e.uuid = ?";
  return QueryOne(conn_, kSql, {uuid}, &ReadEvent);
}

Result<std::optional<model::Event>> Reader::LoadEvent(Id id, const EventLoad& load) {
  BW_ASSIGN_OR_RETURN(std::optional<model::Event> event, GetEvent(id));
  if (!event) return event;
  BW_ASSIGN_OR_RETURN(event->tags, TagsOf(TagTarget::kEvent, id));
  if (!load.attributes) return event;

  std::string object_sql = std::string("SELECT ") + kObjectColumns + " FROM objects ob WHERE ob.event_id = ?" +
                           DeletedCondition(load.deleted, "ob") + " ORDER BY ob.id";
  BW_ASSIGN_OR_RETURN(event->objects, QueryAll(conn_, object_sql, {id}, &ReadObject));
  std::unordered_map<Id, model::Object*> objects;
  for (auto& o : event->objects) objects.emplace(o.id, &o);

  BW_ASSIGN_OR_RETURN(auto attributes,
                      LoadAttributes(conn_, "a.event_id = ?" + DeletedCondition(load.deleted, "a"), id));
  for (auto& a : attributes) {
    if (a.object_id == 0) {
      event->attributes.push_back(std::move(a));
    } else if (auto it = objects.find(a.object_id); it != objects.end()) {
      it->second->attributes.push_back(std::move(a));
    }
  }
  BW_ASSIGN_OR_RETURN(auto references,
                      LoadReferences(conn_, "rf.event_id = ?" + DeletedCondition(load.deleted, "rf"), id));
  for (auto& r : references) {
    if (auto it = objects.find(r.object_id); it != objects.end()) it->second->references.push_back(std::move(r));
  }
  return event;
}

std::vector<Id> Reader::ValueCandidates(const std::vector<std::string>& values) const {
  std::vector<Id> ids;
  for (const std::string& v : values) {
    index_.AppendValueCandidates(v, ids);
    // "value1|value2" also matches a composite attribute by its halves: its value1 is posted.
    size_t bar = v.find('|');
    if (bar != std::string::npos) index_.AppendValueCandidates(std::string_view(v).substr(0, bar), ids);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

namespace {

Status CheckListSize(size_t n) {
  if (n <= kMaxListValues) return Ok();
  return MakeError(ErrorCode::kTooLarge,
                   "too many values in one query filter (at most " + std::to_string(kMaxListValues) + ")");
}

}  // namespace

AttributeCandidates Reader::EventCandidates(const EventQuery& q) const {
  AttributeCandidates c;
  if (q.attribute_values.empty()) return c;
  c.active = true;
  c.ids = ValueCandidates(q.attribute_values);
  return c;
}

Status Reader::ScanEvents(const EventQuery& query, const EventVisitor& visit) {
  BW_RETURN_IF_ERROR(CheckListSize(query.attribute_values.size()));
  if (!query.attribute_values.empty()) BW_RETURN_IF_ERROR(index_.EnsureLoaded());
  AttributeCandidates candidates = EventCandidates(query);
  if (candidates.active && candidates.ids.empty()) return Ok();
  BW_ASSIGN_OR_RETURN(Sql sql, EventSelect(query, candidates));
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(sql.text));
  s.BindAll(sql.params);
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    model::Event event = ReadEvent(s, 0);
    BW_ASSIGN_OR_RETURN(event.tags, TagsOf(TagTarget::kEvent, event.id));
    if (!visit(event)) break;
  }
  return Ok();
}

Result<int64_t> Reader::CountEvents(const EventQuery& query) {
  BW_RETURN_IF_ERROR(CheckListSize(query.attribute_values.size()));
  if (!query.attribute_values.empty()) BW_RETURN_IF_ERROR(index_.EnsureLoaded());
  AttributeCandidates candidates = EventCandidates(query);
  if (candidates.active && candidates.ids.empty()) return 0;
  BW_ASSIGN_OR_RETURN(Sql sql, EventCount(query, candidates));
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(sql.text));
  s.BindAll(sql.params);
  BW_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Result<std::optional<model::Attribute>> Reader::OneAttribute(std::string_view where, const SqlValue& key) {
  std::string sql = std::string("SELECT ") + kAttributeColumns + " FROM attributes a WHERE " + std::string(where);
  BW_ASSIGN_OR_RETURN(auto attribute, QueryOne(conn_, sql, {key}, &ReadAttribute));
  if (attribute) {
    BW_ASSIGN_OR_RETURN(attribute->tags, TagsOf(TagTarget::kAttribute, attribute->id));
  }
  return attribute;
}

Result<std::optional<model::Attribute>> Reader::GetAttribute(Id id) { return OneAttribute("a.id = ?", id); }

Result<std::optional<model::Attribute>> Reader::FindAttributeByUuid(const std::string& uuid) {
  BW_RETURN_IF_ERROR(index_.EnsureLoaded());
  std::optional<Id> id = index_.FindUuid(uuid);
  if (!id) return std::optional<model::Attribute>();
  // The row may belong to a transaction this snapshot does not see yet, or be gone: then it is not found.
  BW_ASSIGN_OR_RETURN(auto attribute, GetAttribute(*id));
  if (attribute && attribute->uuid != uuid) return std::optional<model::Attribute>();
  return attribute;
}

Status Reader::ScanAttributes(const AttributeQuery& query, const AttributeVisitor& visit) {
  BW_RETURN_IF_ERROR(CheckListSize(query.values.size()));
  BW_RETURN_IF_ERROR(CheckListSize(query.uuids.size()));
  AttributeCandidates candidates;
  if (!query.uuids.empty() || !query.values.empty()) {
    candidates.active = true;
    BW_RETURN_IF_ERROR(index_.EnsureLoaded());
    std::vector<Id> by_uuid;
    for (const std::string& u : query.uuids) {
      if (std::optional<Id> id = index_.FindUuid(u)) by_uuid.push_back(*id);
    }
    std::sort(by_uuid.begin(), by_uuid.end());
    if (query.values.empty()) {
      candidates.ids = std::move(by_uuid);
    } else {
      candidates.ids = ValueCandidates(query.values);
      if (!query.uuids.empty()) {
        std::vector<Id> both;
        std::set_intersection(candidates.ids.begin(), candidates.ids.end(), by_uuid.begin(), by_uuid.end(),
                              std::back_inserter(both));
        candidates.ids = std::move(both);
      }
    }
    if (candidates.ids.empty()) return Ok();
  }
  BW_ASSIGN_OR_RETURN(Sql sql, AttributeSelect(query, candidates));
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(sql.text));
  s.BindAll(sql.params);
  // Rows come in attribute id order, so neighbours usually share an event and an object: each header is read
  // once per run of rows, and the rows' tags come from one merge-joined cursor. The attribute is decoded into
  // the same object every row, reusing its strings.
  model::Event event;
  model::Object object;
  model::Attribute attribute;
  TagCursor tags(conn_);
  ObjectHeaders objects(conn_);
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ReadAttributeInto(s, 0, attribute);
    if (attribute.event_id != event.id || event.id == 0) {
      BW_ASSIGN_OR_RETURN(std::optional<model::Event> e, GetEvent(attribute.event_id));
      if (!e) continue;  // as an inner join: no event, no row
      event = std::move(*e);
    }
    const model::Object* object_ptr = nullptr;
    if (attribute.object_id != 0) {
      if (attribute.object_id != object.id) {
        BW_ASSIGN_OR_RETURN(bool found, objects.Read(attribute.object_id, object));
        if (!found) object = model::Object{};
      }
      if (object.id == attribute.object_id) object_ptr = &object;  // as a left join: a missing object is null
    }
    if (query.load_tags) {
      BW_RETURN_IF_ERROR(tags.TagsOf(attribute.id, attribute.tags));
    } else {
      attribute.tags.clear();
    }
    if (!visit(AttributeRow{attribute, event, object_ptr})) break;
  }
  return Ok();
}

Result<std::optional<model::Object>> Reader::OneObject(std::string_view where, const SqlValue& key) {
  std::string sql = std::string("SELECT ") + kObjectColumns + " FROM objects ob WHERE " + std::string(where);
  BW_ASSIGN_OR_RETURN(auto object, QueryOne(conn_, sql, {key}, &ReadObject));
  if (!object) return object;
  BW_ASSIGN_OR_RETURN(object->attributes, LoadAttributes(conn_, "a.object_id = ? AND a.object_id <> 0", object->id));
  BW_ASSIGN_OR_RETURN(object->references, LoadReferences(conn_, "rf.object_id = ?", object->id));
  return object;
}

Result<std::optional<model::Object>> Reader::GetObject(Id id) { return OneObject("ob.id = ?", id); }

Result<std::optional<model::Object>> Reader::FindObjectByUuid(const std::string& uuid) {
  return OneObject("ob.uuid = ?", uuid);
}

Result<std::vector<model::Sighting>> Reader::ListSightings(const SightingQuery& query) {
  BW_ASSIGN_OR_RETURN(Sql sql, SightingSelect(query));
  return QueryAll(conn_, sql.text, sql.params, &ReadSighting);
}

Result<std::optional<model::Sighting>> Reader::FindSightingByUuid(const std::string& uuid) {
  static const std::string kSql = std::string("SELECT ") + kSightingColumns + " FROM sightings si WHERE si.uuid = ?";
  return QueryOne(conn_, kSql, {uuid}, &ReadSighting);
}

}  // namespace bulwark::store::sqlite
