// Translates the store's query structs into parameterised SQL. Every value becomes a bound parameter; the SQL
// text depends only on which filters are set and how many values each list holds.
//
// Index use: conditions on an attribute's id, uuid or value are the selective ones. When one of them is present
// the other indexable columns are written as `+a.col` so the planner cannot prefer a weaker index, and the join
// order is fixed (attributes first). UUIDs and values have no SQL index: the reader resolves them to candidate
// ids in memory and the statement drives from `a.id IN (SELECT value FROM json_each(?))` (rowid lookups).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "store/sqlite/db.h"
#include "store/store.h"

namespace bulwark::store::sqlite {

struct Sql {
  std::string text;
  std::vector<SqlValue> params;
};

// Upper bound on the values of one list filter (SQLite binds at most 32766 parameters per statement).
inline constexpr size_t kMaxListValues = 10000;

// Attribute ids resolved from the in-memory index (attribute_index.h) for a query's UUID and value filters. When
// `active`, rows are restricted to these ids (bound as one JSON array, so any number fits); the exact UUID and
// value conditions are still applied in SQL.
struct AttributeCandidates {
  bool active = false;
  std::vector<Id> ids;
};

// Full SELECT for ScanAttributes: the attribute columns only (kAttributeColumns), in id order; the events table is
// joined only when a condition is on the event. The reader reads each event header and object by id, once per
// run of rows that share it. Errors: kTooLarge when a list is over kMaxListValues.
Result<Sql> AttributeSelect(const AttributeQuery& q, const AttributeCandidates& candidates);
// Full SELECT for ScanEvents (event columns) and for CountEvents (one count; ignores limit). `candidates` are
// those of q.attribute_values.
Result<Sql> EventSelect(const EventQuery& q, const AttributeCandidates& candidates);
Result<Sql> EventCount(const EventQuery& q, const AttributeCandidates& candidates);
// Full SELECT for ListSightings.
Result<Sql> SightingSelect(const SightingQuery& q);

}  // namespace bulwark::store::sqlite
