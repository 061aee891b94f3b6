// The SQLite schema as an ordered list of migration scripts. Version N of the schema is the result of
// applying scripts 1..N; the table schema_version holds one row per applied script. Scripts are only ever
// appended: a released script is never edited.
#pragma once

#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite/db.h"

namespace bulwark::store::sqlite {

// The scripts this build knows, in order (index 0 is version 1).
const std::vector<std::string_view>& SchemaMigrations();

// Brings the database on `conn` to version scripts.size(): each missing script runs in its own IMMEDIATE
// transaction together with its schema_version row, so a failed script leaves the previous version intact.
// Returns the resulting version. Errors: kInternal naming the failing version, or when the database's version
// is newer than the scripts (a newer build wrote it), in which case nothing is changed.
Result<int> ApplyMigrations(Connection& conn, const std::vector<std::string_view>& scripts, const Clock& clock);

}  // namespace bulwark::store::sqlite
