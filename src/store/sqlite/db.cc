#include "store/sqlite/db.h"

#include <algorithm>
#include <utility>

namespace bulwark::store::sqlite {
namespace {

// The first line of a statement, shortened, to name it in error messages.
std::string ShortSql(const char* sql) {
  std::string_view s = sql == nullptr ? std::string_view() : std::string_view(sql);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  size_t cut = std::min(s.find('\n'), size_t{80});
  return std::string(s.substr(0, cut));
}

}  // namespace

std::string Placeholders(size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ",?";
  return out;
}

Stmt::Stmt(Connection* conn, sqlite3_stmt* stmt, bool* in_use) : conn_(conn), stmt_(stmt), in_use_(in_use) {}

Stmt::Stmt(Stmt&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)) {}

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Stmt& Stmt::Bind(int index, int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view v) {
  // SQLITE_STATIC: the caller keeps the bytes alive while the statement runs (see the header).
  sqlite3_bind_text64(stmt_, index, v.data() == nullptr ? "" : v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

Stmt& Stmt::Bind(int index, const std::optional<int64_t>& v) {
  return v ? Bind(index, *v) : BindNull(index);
}

Stmt& Stmt::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Stmt& Stmt::BindValue(int index, const SqlValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return Bind(index, *i);
  return Bind(index, std::string_view(std::get<std::string>(v)));
}

Stmt& Stmt::BindAll(const std::vector<SqlValue>& values, int first_index) {
  for (size_t i = 0; i < values.size(); ++i) BindValue(first_index + static_cast<int>(i), values[i]);
  return *this;
}

Error Stmt::StepError(int rc, std::initializer_list<UniqueField> uniques) const {
  sqlite3* db = sqlite3_db_handle(stmt_);
  std::string msg = sqlite3_errmsg(db);
  int ext = sqlite3_extended_errcode(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    for (const UniqueField& u : uniques) {
      if (msg.find(u.column) != std::string::npos) {
        return MakeError(ErrorCode::kConflict,
                         std::string(u.noun) + " with " + std::string(u.field) + " " + std::string(u.value) +
                             " already exists",
                         std::string(u.field));
      }
    }
    return MakeError(ErrorCode::kConflict, msg);
  }
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return MakeError(ErrorCode::kInvalid, "a referenced entity does not exist (" + msg + ")");
  }
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    return MakeError(ErrorCode::kUnavailable, "database busy in '" + ShortSql(sqlite3_sql(stmt_)) + "': " + msg);
  }
  return MakeError(ErrorCode::kInternal, "statement '" + ShortSql(sqlite3_sql(stmt_)) + "' failed: " + msg);
}

Result<bool> Stmt::Step(std::initializer_list<UniqueField> uniques) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = StepError(rc, uniques);
  sqlite3_reset(stmt_);
  return e;
}

Status Stmt::Run(std::initializer_list<UniqueField> uniques) {
  int rc;
  while ((rc = sqlite3_step(stmt_)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    Error e = StepError(rc, uniques);
    sqlite3_reset(stmt_);
    return e;
  }
  sqlite3_reset(stmt_);
  return Ok();
}

void Stmt::Reset() { sqlite3_reset(stmt_); }

std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::string_view Stmt::TextView(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return MakeError(ErrorCode::kInternal, "cannot open database '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    ErrorCode code = (rc & 0xff) == SQLITE_BUSY ? ErrorCode::kUnavailable : ErrorCode::kInternal;
    return MakeError(code, "statement '" + ShortSql(text.c_str()) + "' failed: " + msg);
  }
  return Ok();
}

Result<Stmt> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Stmt(this, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              it == cache_.end() && cache_.size() < kMaxCached ? SQLITE_PREPARE_PERSISTENT : 0, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) {
    return MakeError(ErrorCode::kInternal,
                     "cannot prepare '" + ShortSql(std::string(sql).c_str()) + "': " + sqlite3_errmsg(db_));
  }
  if (it == cache_.end() && cache_.size() < kMaxCached) {
    auto pos = cache_.emplace(std::string(sql), Entry{stmt, true}).first;
    return Stmt(this, stmt, &pos->second.in_use);
  }
  return Stmt(this, stmt, nullptr);
}

Result<int64_t> Connection::QueryInt(std::string_view sql) {
  BW_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  BW_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return MakeError(ErrorCode::kInternal, "query returned no row: " + std::string(sql));
  return stmt.Int(0);
}

}  // namespace bulwark::store::sqlite
