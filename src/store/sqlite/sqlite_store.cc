#include "store/sqlite/sqlite_store.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/txn.h"

namespace bulwark::store {
namespace {

using sqlite::Connection;
using sqlite::Stmt;

Status RunSql(Connection& conn, std::string_view sql) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(sql));
  return s.Run();
}

// Pragmas every connection gets. journal_mode=WAL is persistent in the file; the rest are per connection.
Status Configure(Connection& conn, const SqliteOptions& options, bool writer) {
  BW_RETURN_IF_ERROR(conn.Exec("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms)));
  if (writer) {
    BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("PRAGMA journal_mode = WAL"));
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row || s.Text(0) != "wal") {
      return MakeError(ErrorCode::kInternal, "cannot switch '" + options.path + "' to WAL mode");
    }
  }
  BW_RETURN_IF_ERROR(conn.Exec(options.durability == Durability::kFull ? "PRAGMA synchronous = FULL"
                                                                        : "PRAGMA synchronous = NORMAL"));
  BW_RETURN_IF_ERROR(conn.Exec("PRAGMA foreign_keys = ON"));
  BW_RETURN_IF_ERROR(conn.Exec("PRAGMA cache_size = -" + std::to_string(options.cache_size_kib)));
  BW_RETURN_IF_ERROR(conn.Exec("PRAGMA temp_store = MEMORY"));
  // Read pages through a memory map: in WAL mode a connection drops its page cache whenever another connection
  // committed, and re-reading every page with read() into a fresh cache cost more than the queries themselves.
  BW_RETURN_IF_ERROR(conn.Exec("PRAGMA mmap_size = " + std::to_string(options.mmap_size_bytes)));
  if (writer) {
    // Bound the WAL file after checkpoints (64 MiB) instead of leaving it at its high-water mark.
    BW_RETURN_IF_ERROR(conn.Exec("PRAGMA journal_size_limit = 67108864"));
  } else {
    BW_RETURN_IF_ERROR(conn.Exec("PRAGMA query_only = ON"));
  }
  return Ok();
}

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteOptions options, const Clock& clock, std::unique_ptr<Connection> writer, int version)
      : options_(std::move(options)), clock_(clock), writer_(std::move(writer)), version_(version) {}

  // At open: builds the attribute index now, or installs its loader for the first use.
  Status LoadIndexes() {
    if (!options_.attribute_index_at_open) {
      index_.SetLoader([this] { return EnsureIndexLoaded(); });
      return Ok();
    }
    std::lock_guard<std::mutex> lock(write_mu_);
    return SyncIndexLocked();
  }

  ~SqliteStore() override {
    // Lets SQLite refresh planner statistics it found missing while the store ran.
    (void)writer_->Exec("PRAGMA optimize");
  }

  Status Read(const std::function<Status(ReadTxn&)>& fn) override {
    BW_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, AcquireReader());
    Status st = RunRead(*conn, fn);
    ReleaseReader(std::move(conn));
    return st;
  }

  Status Write(const std::function<Status(WriteTxn&)>& fn) override {
    if (writer_thread_.load() == std::this_thread::get_id()) {
      return MakeError(ErrorCode::kInternal, "Store::Write called from inside a Write function");
    }
    std::lock_guard<std::mutex> lock(write_mu_);
    writer_thread_.store(std::this_thread::get_id());
    Status st = RunWrite(fn);
    writer_thread_.store(std::thread::id());
    return st;
  }

  int SchemaVersion() const override { return version_; }

  Status SyncCommitted() {
    if (writer_thread_.load() == std::this_thread::get_id()) {
      return MakeError(ErrorCode::kInternal, "SyncCommitted called from inside a Write function");
    }
    std::lock_guard<std::mutex> lock(write_mu_);
    sqlite3_file* wal = nullptr;
    if (sqlite3_file_control(writer_->raw(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK) {
      return MakeError(ErrorCode::kInternal, "cannot reach the write-ahead log of '" + options_.path + "'");
    }
    // No log open: this connection committed nothing, and what others committed they synced themselves.
    if (wal == nullptr || wal->pMethods == nullptr) return Ok();
    // SQLite's own sync of the log (fdatasync, plus the directory when this connection created the file).
    if (wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) != SQLITE_OK) {
      return MakeError(ErrorCode::kInternal, "syncing the write-ahead log of '" + options_.path + "' failed");
    }
    return Ok();
  }

 private:
  // The last change-log sequence in the transaction open on `conn`.
  static Result<int64_t> LastSeq(Connection& conn) {
    return conn.QueryInt("SELECT coalesce(max(seq), 0) FROM changes");
  }

  // Reloads the index when the change log moved past it: another process wrote (this process's own commits are
  // applied as journals and move index_.seq()). Inside a transaction on the writer connection.
  Status ReloadIndexIfBehindInTxn() {
    BW_ASSIGN_OR_RETURN(int64_t seq, LastSeq(*writer_));
    if (seq == index_.seq()) return Ok();
    BW_RETURN_IF_ERROR(index_.Load(*writer_));
    index_.set_seq(seq);
    return Ok();
  }

  // The same in its own read transaction on the writer connection. write_mu_ must be held.
  Status SyncIndexLocked() {
    BW_RETURN_IF_ERROR(RunSql(*writer_, "BEGIN"));
    Status st = ReloadIndexIfBehindInTxn();
    Status end = RunSql(*writer_, st.ok() ? "COMMIT" : "ROLLBACK");
    return st.ok() ? end : st;
  }

  // The index's loader when it is built on first use (AttributeIndex::EnsureLoaded).
  Status EnsureIndexLoaded() {
    if (index_.loaded()) return Ok();
    // This thread's own write transaction is running (it holds write_mu_): the writer connection sees the
    // transaction's uncommitted rows, so load from the committed state through a connection of its own. No other
    // process can commit meanwhile (this one holds the write lock), so that state is the one the transaction
    // started from, and its journal applies on top at COMMIT as usual.
    if (writer_thread_.load() == std::this_thread::get_id()) return LoadIndexCommitted();
    std::lock_guard<std::mutex> lock(write_mu_);
    if (index_.loaded()) return Ok();
    return SyncIndexLocked();
  }

  Status LoadIndexCommitted() {
    BW_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Connection::Open(options_.path, SQLITE_OPEN_READONLY));
    BW_RETURN_IF_ERROR(Configure(*conn, options_, /*writer=*/false));
    BW_RETURN_IF_ERROR(RunSql(*conn, "BEGIN"));
    Result<int64_t> seq = LastSeq(*conn);
    Status st = seq.ok() ? index_.Load(*conn) : Status(seq.error());
    (void)RunSql(*conn, "COMMIT");
    if (st.ok()) index_.set_seq(*seq);
    return st;
  }

  Status RunRead(Connection& conn, const std::function<Status(ReadTxn&)>& fn) {
    BW_RETURN_IF_ERROR(RunSql(conn, "BEGIN"));
    // A snapshot newer than the index: another process wrote (or this process's writer is between its COMMIT
    // and applying its journal). Catch up under the write lock, which also waits out the latter case. Not from
    // inside this thread's own write (the lock is held; its reads see the index as the writer keeps it).
    Result<int64_t> seen = LastSeq(conn);
    Status synced = seen.ok() ? Ok() : Status(seen.error());
    // An index not built yet (built on first use) has nothing to catch up.
    if (seen.ok() && index_.loaded() && *seen > index_.seq() &&
        writer_thread_.load() != std::this_thread::get_id()) {
      std::lock_guard<std::mutex> lock(write_mu_);
      if (*seen > index_.seq()) synced = SyncIndexLocked();
    }
    if (!synced.ok()) {
      (void)RunSql(conn, "ROLLBACK");
      return synced;
    }
    Status st = Ok();
    {
      sqlite::SqliteReadTxn txn(conn, index_);
      st = fn(txn);
    }
    Status end = RunSql(conn, st.ok() ? "COMMIT" : "ROLLBACK");
    if (!st.ok()) return st;
    return end;
  }

  Status RunWrite(const std::function<Status(WriteTxn&)>& fn) {
    BW_RETURN_IF_ERROR(RunSql(*writer_, "BEGIN IMMEDIATE"));
    journal_.Clear();
    // Under the write lock no other process can write until COMMIT: bring the index up to date first, so that
    // uuid uniqueness and lookups in this transaction see what other processes wrote.
    Status st = index_.loaded() ? ReloadIndexIfBehindInTxn() : Ok();
    if (st.ok()) {
      sqlite::SqliteWriteTxn txn(*writer_, clock_, index_, journal_);
      st = fn(txn);
    }
    Result<int64_t> after = st.ok() ? LastSeq(*writer_) : Result<int64_t>(int64_t{0});
    if (!after.ok()) st = after.error();
    if (st.ok()) {
      st = RunSql(*writer_, "COMMIT");
      if (st.ok()) {
        // An index not built yet skips the journal: when it is built it reads the committed rows.
        if (index_.loaded()) {
          index_.Apply(journal_);
          index_.set_seq(*after);
        }
        journal_.Clear();
        return st;
      }
    }
    journal_.Clear();
    if (sqlite3_get_autocommit(writer_->raw()) == 0) (void)RunSql(*writer_, "ROLLBACK");
    return st;
  }

  Result<std::unique_ptr<Connection>> AcquireReader() {
    std::unique_lock<std::mutex> lock(pool_mu_);
    pool_cv_.wait(lock, [&] { return !idle_.empty() || open_readers_ < options_.reader_connections; });
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_readers_;
    lock.unlock();
    Result<std::unique_ptr<Connection>> conn = Connection::Open(options_.path, SQLITE_OPEN_READWRITE);
    Status st = conn.ok() ? Configure(**conn, options_, /*writer=*/false) : Status(conn.error());
    if (!st.ok()) {
      std::lock_guard<std::mutex> relock(pool_mu_);
      --open_readers_;
      pool_cv_.notify_one();
      return std::move(st).error();
    }
    return conn;
  }

  void ReleaseReader(std::unique_ptr<Connection> conn) {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      idle_.push_back(std::move(conn));
    }
    pool_cv_.notify_one();
  }

  const SqliteOptions options_;
  const Clock& clock_;
  std::unique_ptr<Connection> writer_;
  const int version_;

  std::mutex write_mu_;
  std::atomic<std::thread::id> writer_thread_{};
  sqlite::AttributeIndex index_;
  sqlite::IndexJournal journal_;  // the running write transaction's index changes (under write_mu_)

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_readers_ = 0;
};

}  // namespace

Status SyncCommitted(Store& store) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (sqlite == nullptr) return MakeError(ErrorCode::kInternal, "SyncCommitted needs a store from OpenSqliteStore");
  return sqlite->SyncCommitted();
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options, const Clock& clock) {
  // SQLite's memory statistics take a global mutex on every allocation; the hub does not read them. This only
  // takes effect if it runs before SQLite initialises, and is harmless otherwise.
  static std::once_flag config_once;
  std::call_once(config_once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  if (options.path.empty()) return MakeError(ErrorCode::kBadRequest, "SQLite store needs a path", "path");
  if (options.reader_connections < 1) {
    return MakeError(ErrorCode::kBadRequest, "reader_connections must be at least 1", "reader_connections");
  }
  BW_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                      Connection::Open(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  BW_RETURN_IF_ERROR(Configure(*writer, options, /*writer=*/true));
  BW_ASSIGN_OR_RETURN(int version, sqlite::ApplyMigrations(*writer, sqlite::SchemaMigrations(), clock));
  auto store = std::make_unique<SqliteStore>(options, clock, std::move(writer), version);
  BW_RETURN_IF_ERROR(store->LoadIndexes());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bulwark::store
