// Small RAII wrappers over the SQLite C API: a Connection that owns a sqlite3 handle and a cache of prepared
// statements, and a Stmt handle that binds parameters, steps and reads columns. Values are always bound as
// parameters; SQL text never contains data.
//
// Thread-safety: a Connection and its statements belong to one thread at a time (the store hands each
// connection to one transaction at a time).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/result.h"

namespace bulwark::store::sqlite {

// A unique column and the value a statement tried to put in it, so a constraint failure can be reported as
// "an attribute with uuid ... already exists".
struct UniqueField {
  std::string_view column;  // "table.column" as SQLite names it in "UNIQUE constraint failed: ..."
  std::string_view noun;    // "an attribute"
  std::string_view field;   // "uuid"
  std::string_view value;
};

// A bound parameter value for dynamically built SQL.
using SqlValue = std::variant<int64_t, std::string>;

class Connection;

// A prepared statement borrowed from a Connection's cache (or owned, when not cached). On destruction it is
// reset and returned to the cache. Bound string_views must outlive the statement's execution (until the next
// Reset, Run or destruction); they are bound without copying.
class Stmt {
 public:
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt();

  Stmt& Bind(int index, int64_t v);
  Stmt& Bind(int index, std::string_view v);
  Stmt& Bind(int index, const std::optional<int64_t>& v);
  Stmt& BindNull(int index);
  Stmt& BindValue(int index, const SqlValue& v);
  Stmt& BindAll(const std::vector<SqlValue>& values, int first_index = 1);

  // Steps once: true when a row is available, false when done. Errors name the statement; unique-constraint
  // failures that match one of `uniques` become kConflict (see Run).
  Result<bool> Step(std::initializer_list<UniqueField> uniques = {});
  // Steps to completion and resets (bindings stay), for INSERT/UPDATE/DELETE. Unique-constraint failures that
  // match one of `uniques` become kConflict with a message naming the field and the value.
  Status Run(std::initializer_list<UniqueField> uniques = {});
  void Reset();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool Bool(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::optional<int64_t> OptInt(int col) const;
  std::string Text(int col) const;
  // The column's text without a copy; valid until the next Step, Reset or destruction.
  std::string_view TextView(int col) const;

 private:
  friend class Connection;
  Stmt(Connection* conn, sqlite3_stmt* stmt, bool* in_use);
  Error StepError(int rc, std::initializer_list<UniqueField> uniques) const;

  Connection* conn_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache entry's flag; null when this handle owns the statement
};

// One SQLite connection with its prepared-statement cache.
class Connection {
 public:
  // Opens (creating if missing) the database file with the given SQLITE_OPEN_* flags.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, int flags);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters (pragmas, schema scripts, BEGIN/COMMIT).
  Status Exec(std::string_view sql);
  // A prepared statement for `sql`, from the cache when it is there and not in use (a statement already in use,
  // e.g. by an outer scan, gets a fresh uncached copy).
  Result<Stmt> Prepare(std::string_view sql);
  // Convenience: runs a one-row query returning a single integer.
  Result<int64_t> QueryInt(std::string_view sql);

  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr size_t kMaxCached = 256;

  sqlite3* db_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> cache_;
};

// "?,?,?" with n placeholders (n >= 1).
std::string Placeholders(size_t n);

}  // namespace bulwark::store::sqlite
