// The embedded SQLite backend of the Store (store/store.h): one database file in WAL mode, one writer
// connection and a small pool of reader connections. See docs/durability.md for what a committed write survives.
//
// Behaviour beyond the interface contract:
// - Write() serialises on a mutex and runs BEGIN IMMEDIATE ... COMMIT; a function that returns an error is
//   rolled back. Each WriteTxn method is atomic on its own (a savepoint), so a method that fails half-way
//   leaves nothing even if the caller goes on. Calling Write() from inside a Write() function returns
//   kInternal instead of deadlocking.
// - Read() borrows a reader connection (waiting if all `reader_connections` are busy) and runs BEGIN ... COMMIT:
//   everything the function reads comes from one snapshot. Reads do not block the writer, nor it them.
// - Inserts ignore the id of their argument (except InsertRole) and set the new one; an empty uuid is filled
//   with a random one. The store, not the caller, maintains Event::attribute_count.
// - The change log gets one row per mutation, timed by the Clock. Entities without a UUID (role, user, tag) are
//   logged with their local id in decimal as the uuid; attaching or detaching a tag logs an "edit" of the
//   event or attribute; DeleteEvent/DeleteObject log one "delete" per contained attribute and object, then the
//   parent. Audit entries with created_micros == 0 are timed by the Clock.
// - ScanEvents hands each event with its tags (no attributes). CountEvents applies every filter and after_id,
//   not limit. List filters take at most 10,000 values (kTooLarge beyond).
// - Referential rules: a child (attribute, object, reference, sighting, applied tag, API key, sharing group
//   member) needs its parent and goes with it; ids of orgs, users and sharing groups in events are not checked,
//   as MISP does not either.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "store/store.h"

namespace bulwark::store {

// How hard a commit pushes data to stable storage (SQLite's `synchronous` pragma, in WAL mode).
enum class Durability : uint8_t {
  kFull,    // fsync the WAL at every commit: an acknowledged write survives kill -9 and power loss.
  kNormal,  // fsync only at checkpoints: survives kill -9; the last commits may be lost on power loss.
};

struct SqliteOptions {
  std::string path;                 // database file, created if missing (its directory must exist)
  int reader_connections = 4;       // at most this many concurrent Read() calls; more wait. Minimum 1.
  Durability durability = Durability::kFull;
  int busy_timeout_ms = 5000;       // how long a statement waits for a lock held by another process
  int64_t cache_size_kib = 65536;   // page cache per connection
  int64_t mmap_size_bytes = int64_t{1} << 30;  // database bytes read through a memory map (0: none)
  // The in-memory attribute index (attribute_index.h) is built when the store opens (true), or on its first use
  // (false): the first lookup of an attribute by uuid or value, or the first attribute write that checks a uuid.
  // Both give the same answers; false spares short-lived commands that never look attributes up (`bulwark
  // export`) the index's load time (about 1.3 s per million attributes). `serve` builds it at open.
  bool attribute_index_at_open = true;
};

// Opens (creating if needed) the database and brings its schema to the latest version. The clock times the
// change log and the audit log and must outlive the store. Errors: kInternal when the file cannot be opened,
// is not a database, or has a schema newer than this build (the message says so); kBadRequest for bad options.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options, const Clock& clock);

// Makes every transaction `store` (from OpenSqliteStore) committed so far as durable as Durability::kFull makes
// each commit: one sync of the write-ahead log (and, the first time, of the directory that names it). For a
// store opened with Durability::kNormal that commits many small transactions and reports them together
// (`bulwark import stix` syncs once per file, before it reports the file imported): one fsync instead of one or
// more per commit. Waits for a running write; kInternal from inside a Write function, for another Store, or
// when the sync fails.
Status SyncCommitted(Store& store);

}  // namespace bulwark::store
