#include "store/sqlite/query_sql.h"

#include <algorithm>
#include <cstdint>

#include "store/sqlite/rows.h"

namespace bulwark::store::sqlite {
namespace {

// Accumulates AND-joined conditions and their parameters.
class Where {
 public:
  void Add(std::string_view cond) {
    text_ += text_.empty() ? "" : " AND ";
    text_ += cond;
  }
  void Param(int64_t v) { params_.emplace_back(v); }
  void Param(const std::string& v) { params_.emplace_back(v); }

  // expr IN (?,...) followed by `suffix`; nothing when `values` is empty.
  template <typename T>
  void In(std::string_view expr, const std::vector<T>& values, std::string_view suffix = {}) {
    if (values.empty()) return;
    if (values.size() > kMaxListValues) too_large_ = true;
    Add(std::string(expr) + " IN (" + Placeholders(values.size()) + ")" + std::string(suffix));
    for (const T& v : values) Param(v);
  }
  // prefix + the inner conditions + suffix, as one condition.
  void Sub(std::string_view prefix, Where&& inner, std::string_view suffix) {
    Add(std::string(prefix) + inner.text_ + std::string(suffix));
    for (auto& v : inner.params_) params_.push_back(std::move(v));
    too_large_ = too_large_ || inner.too_large_;
  }
  template <typename T>
  void Compare(std::string_view expr, std::string_view op, const std::optional<T>& v) {
    if (!v) return;
    Add(std::string(expr) + " " + std::string(op) + " ?");
    Param(*v);
  }
  void BoolIs(std::string_view expr, const std::optional<bool>& v) {
    if (!v) return;
    Add(std::string(expr) + (*v ? " = 1" : " = 0"));
  }
  // all_of / any_of / none_of over one or two tag tables. `exists` turns a "tag_id IN (...)" condition into an
  // EXISTS clause (or an OR of two) for the entity in the outer query.
  void Tags(const TagFilter& f, const std::vector<std::string>& exists_templates) {
    auto exists = [&](const std::vector<Id>& ids) {
      std::string cond = "(";
      for (size_t i = 0; i < exists_templates.size(); ++i) {
        if (i > 0) cond += " OR ";
        cond += "EXISTS (" + exists_templates[i] + " AND tag_id IN (" + Placeholders(ids.size()) + "))";
        for (Id id : ids) Param(id);
      }
      return cond + ")";
    };
    for (Id id : f.all_of) Add(exists({id}));
    if (!f.any_of.empty()) Add(exists(f.any_of));
    if (!f.none_of.empty()) Add("NOT " + exists(f.none_of));
    if (f.all_of.size() + f.any_of.size() + f.none_of.size() > kMaxListValues) too_large_ = true;
  }
  // Exact value match on value1, value2 or the whole composite "value1|value2".
  void Values(std::string_view alias, const std::vector<std::string>& values) {
    if (values.empty()) return;
    if (values.size() > kMaxListValues) too_large_ = true;
    std::string a(alias);
    // "value2 <> ''" lets SQLite use the partial index on value2.
    std::string cond = "(" + a + ".value1 IN (" + Placeholders(values.size()) + ") OR (" + a + ".value2 IN (" +
                       Placeholders(values.size()) + ") AND " + a + ".value2 <> '')";
    for (const auto& v : values) Param(v);
    for (const auto& v : values) Param(v);
    for (const auto& v : values) {
      size_t bar = v.find('|');
      if (bar == std::string::npos) continue;
      cond += " OR (" + a + ".value1 = ? AND " + a + ".value2 = ?)";
      Param(v.substr(0, bar));
      Param(v.substr(bar + 1));
    }
    Add(cond + ")");
  }

  // Restricts `id_expr` to the candidate ids when they are active.
  void Candidates(std::string_view id_expr, const AttributeCandidates& c) {
    if (!c.active) return;
    std::string json = "[";
    for (size_t i = 0; i < c.ids.size(); ++i) {
      if (i > 0) json += ',';
      json += std::to_string(c.ids[i]);
    }
    json += ']';
    Add(std::string(id_expr) + " IN (SELECT value FROM json_each(?))");
    Param(json);
  }

  // The full statement: head, WHERE with the conditions, tail (ORDER BY), then LIMIT ? when limit > 0.
  Result<Sql> Finish(std::string head, std::string_view tail, size_t limit = 0) && {
    if (too_large_) {
      return MakeError(ErrorCode::kTooLarge,
                       "too many values in one query filter (at most " + std::to_string(kMaxListValues) + ")");
    }
    Sql out;
    out.text = std::move(head);
    if (!text_.empty()) out.text += " WHERE " + text_;
    out.text += tail;
    out.params = std::move(params_);
    if (limit > 0) {
      out.text += " LIMIT ?";
      out.params.emplace_back(static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
    }
    return out;
  }

 private:
  std::string text_;
  std::vector<SqlValue> params_;
  bool too_large_ = false;
};


void EventConditions(const EventQuery& q, const AttributeCandidates& candidates, Where& w) {
  if (q.after_id > 0) w.Compare<int64_t>("e.id", ">", q.after_id);
  w.In("e.id", q.ids);
  w.In("e.uuid", q.uuids);
  w.In("e.orgc_id", q.orgc_ids);
  w.BoolIs("e.published", q.published);
  w.Compare("e.timestamp", ">=", q.timestamp_from);
  w.Compare("e.timestamp", "<=", q.timestamp_to);
  w.Compare("e.publish_timestamp", ">=", q.publish_timestamp_from);
  w.Compare("e.publish_timestamp", "<=", q.publish_timestamp_to);
  w.Compare("e.date", ">=", q.date_from);
  w.Compare("e.date", "<=", q.date_to);
  w.Tags(q.tags, {"SELECT 1 FROM event_tags WHERE event_id = e.id"});
  if (q.info_like) {
    w.Add("e.info LIKE ?");
    w.Param(*q.info_like);
  }
  if (!q.attribute_values.empty()) {
    Where inner;
    inner.Candidates("av.id", candidates);
    inner.Values("av", q.attribute_values);
    w.Sub("e.id IN (SELECT av.event_id FROM attributes av WHERE ", std::move(inner), " AND av.deleted = 0)");
  }
}

}  // namespace

Result<Sql> EventSelect(const EventQuery& q, const AttributeCandidates& candidates) {
  Where w;
  EventConditions(q, candidates, w);
  return std::move(w).Finish(std::string("SELECT ") + kEventColumns + " FROM events e",
                             " ORDER BY e.id", q.limit);
}

Result<Sql> EventCount(const EventQuery& q, const AttributeCandidates& candidates) {
  Where w;
  EventConditions(q, candidates, w);
  return std::move(w).Finish("SELECT count(*) FROM events e", "");
}

Result<Sql> AttributeSelect(const AttributeQuery& q, const AttributeCandidates& candidates) {
  // With a selective condition present, the other indexed columns get a unary '+' so they are not used as
  // the driving index, and attributes are scanned first (CROSS JOIN fixes the join order).
  const bool narrow = !q.ids.empty() || candidates.active;
  const std::string p = narrow ? "+" : "";
  Where w;
  if (q.after_id > 0) w.Compare<int64_t>("a.id", ">", q.after_id);
  w.In("a.id", q.ids);
  w.Candidates("a.id", candidates);
  w.In("a.uuid", q.uuids);
  w.Values("a", q.values);
  if (!q.value_likes.empty()) {
    std::string cond = "(";
    for (size_t i = 0; i < q.value_likes.size(); ++i) {
      cond += i == 0 ? "" : " OR ";
      cond += "a.value1 LIKE ? OR a.value2 LIKE ?";
      w.Param(q.value_likes[i]);
      w.Param(q.value_likes[i]);
    }
    w.Add(cond + ")");
  }
  w.In(p + "a.type", q.types);
  w.In(p + "a.category", q.categories);
  w.In(p + "a.event_id", q.event_ids);
  w.In(p + "a.event_id IN (SELECT id FROM events WHERE uuid", q.event_uuids, ")");
  w.In(p + "e.orgc_id", q.orgc_ids);
  w.BoolIs("a.to_ids", q.to_ids);
  w.BoolIs("e.published", q.published);
  switch (q.deleted) {
    case DeletedFilter::kInclude: break;
    case DeletedFilter::kExclude: w.Add("a.deleted = 0"); break;
    case DeletedFilter::kOnly: w.Add("a.deleted = 1"); break;
  }
  w.Compare(p + "a.timestamp", ">=", q.timestamp_from);
  w.Compare(p + "a.timestamp", "<=", q.timestamp_to);
  w.Compare(p + "e.timestamp", ">=", q.event_timestamp_from);
  w.Compare(p + "e.timestamp", "<=", q.event_timestamp_to);
  w.Compare(p + "e.publish_timestamp", ">=", q.publish_timestamp_from);
  w.Compare(p + "e.publish_timestamp", "<=", q.publish_timestamp_to);
  w.Compare(p + "e.date", ">=", q.date_from);
  w.Compare(p + "e.date", "<=", q.date_to);
  w.Tags(q.tags, {"SELECT 1 FROM attribute_tags WHERE attribute_id = a.id",
                  "SELECT 1 FROM event_tags WHERE event_id = a.event_id"});
  switch (q.object_scope) {
    case AttributeQuery::ObjectScope::kAll: break;
    case AttributeQuery::ObjectScope::kOutsideObjects: w.Add(p + "a.object_id = 0"); break;
    case AttributeQuery::ObjectScope::kInsideObjects: w.Add(p + "a.object_id <> 0"); break;
  }
  w.In(p + "a.object_id", q.object_ids, " AND " + p + "a.object_id <> 0");
  // Events are joined only to filter on their columns: the reader fetches each event header (and object) once
  // when the scan reaches it, rather than having SQLite copy 35 more columns into every row.
  const bool event_conditions = !q.orgc_ids.empty() || q.published || q.event_timestamp_from ||
                                q.event_timestamp_to || q.publish_timestamp_from || q.publish_timestamp_to ||
                                q.date_from || q.date_to;
  std::string head = std::string("SELECT ") + kAttributeColumns + " FROM attributes a";
  if (event_conditions) head += std::string(narrow ? " CROSS JOIN" : " JOIN") + " events e ON e.id = a.event_id";
  return std::move(w).Finish(std::move(head), " ORDER BY a.id", q.limit);
}

Result<Sql> SightingSelect(const SightingQuery& q) {
  Where w;
  if (q.after_id > 0) w.Compare<int64_t>("si.id", ">", q.after_id);
  w.In("si.attribute_id", q.attribute_ids);
  w.In("si.event_id", q.event_ids);
  w.In("si.org_id", q.org_ids);
  w.Compare("si.date_sighting", ">=", q.from);
  w.Compare("si.date_sighting", "<=", q.to);
  if (q.type) w.Compare<int64_t>("si.type", "=", static_cast<int64_t>(*q.type));
  w.In("si.source", q.sources);
  return std::move(w).Finish(std::string("SELECT ") + kSightingColumns + " FROM sightings si",
                             " ORDER BY si.id", q.limit);
}

}  // namespace bulwark::store::sqlite
