// In-memory indexes over the attributes table for the two random keys SQLite's B-trees serve badly on the
// ingest path: attribute UUIDs (uniqueness and lookup) and attribute values (exact search).
//
// Why: a B-tree insert with a random key dirties a different leaf page for nearly every row, so a 10,000-
// attribute event wrote ~10,000 pages per index to the WAL and again at checkpoint, and ingest slowed as the
// table grew (bench/README.md, "attributes/add"). Keeping these two keys in hash maps makes an insert O(1) and
// leaves SQLite with only append-order indexes (event_id, timestamp, type) on attributes.
//
// Contract:
// - The index is built from the table at open (Load) and then changed only by applying the journal of a
//   committed write transaction (Apply). Between a COMMIT and its Apply a concurrent reader may not find a row
//   it could already read by other means; the write is acknowledged to its client only after Apply.
// - It records the change-log sequence it reflects (seq). Another process writing the same database (a CLI
//   import beside `serve`) is not journaled here: the store sees the change log move past seq and reloads the
//   index (SqliteStore: before each write transaction, and on reads that see a newer sequence).
// - Value lookups return candidates: ids of attributes whose value1 or value2 has the same 64-bit hash as the
//   asked value. Callers keep the exact SQL condition, so a hash collision costs a row read, never a wrong hit.
// - UUID lookups are exact (case-sensitive, as the SQL column was).
// - Built lazily when the store is opened with attribute_index_at_open = false (sqlite_store.h): the store
//   installs a loader, and every lookup is preceded by EnsureLoaded(), which runs it once. Until then seq() is
//   -1, the store skips Apply (a later load reads the committed rows) and reads do not sync the index.
// - Thread-safety: const methods may run concurrently with each other and with Apply (a shared mutex).
//
// Memory: about 40 bytes per attribute for UUIDs and 40 per distinct value (1M attributes ~ 80 MiB).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "common/result.h"
#include "store/store.h"

namespace bulwark::store::sqlite {

class Connection;

// The hash under which a value is posted (value1, and value2 when not empty).
uint64_t ValueHash(std::string_view value);

// The changes of one write transaction, applied to the index only when it commits. Savepoint rollbacks truncate
// it (Mark / RollbackTo).
class IndexJournal {
 public:
  struct Op {
    bool add = true;
    Id id = 0;
    std::string uuid;
    uint64_t value1_hash = 0;
    std::optional<uint64_t> value2_hash;
  };

  void Add(Id id, std::string uuid, std::string_view value1, std::string_view value2);
  void Remove(Id id, std::string uuid, std::string_view value1, std::string_view value2);
  // The journal's state for a UUID touched in this transaction: true when added last, false when removed last,
  // nullopt when untouched.
  std::optional<bool> PendingUuid(const std::string& uuid) const;

  size_t Mark() const { return ops_.size(); }
  void RollbackTo(size_t mark);
  const std::vector<Op>& ops() const { return ops_; }
  void Clear();

 private:
  std::vector<Op> ops_;
  std::unordered_map<std::string, bool> pending_uuids_;
};

class AttributeIndex {
 public:
  // Replaces the contents with every row of the attributes table (deleted ones included).
  Status Load(Connection& conn);

  std::optional<Id> FindUuid(std::string_view uuid) const;
  // Appends the candidate ids for an exact value to `out` (unsorted, may repeat across calls).
  void AppendValueCandidates(std::string_view value, std::vector<Id>& out) const;
  void Apply(const IndexJournal& journal);
  size_t uuid_count() const;

  // The change-log sequence the contents reflect; -1 before the first Load. Set by the store.
  int64_t seq() const { return seq_.load(std::memory_order_acquire); }
  void set_seq(int64_t seq) { seq_.store(seq, std::memory_order_release); }
  bool loaded() const { return seq() >= 0; }

  // Lazy building: `loader` must Load the index and set its seq (the store does this under its write lock).
  // EnsureLoaded() runs it when the index has not been loaded yet; callers run it before FindUuid and
  // AppendValueCandidates. Without a loader it does nothing (an index filled by Load directly).
  using Loader = std::function<Status()>;
  void SetLoader(Loader loader) { loader_ = std::move(loader); }
  Status EnsureLoaded() const { return loaded() || !loader_ ? Ok() : loader_(); }

 private:
  using UuidKey = std::array<uint64_t, 2>;
  struct UuidKeyHash {
    size_t operator()(const UuidKey& k) const noexcept { return static_cast<size_t>(k[0] ^ (k[1] * 0x9E3779B97F4A7C15ULL)); }
  };
  using Postings = boost::container::small_vector<Id, 1>;

  // A canonical lower-case UUID packs into 128 bits; anything else lives in the fallback map.
  static std::optional<UuidKey> PackUuid(std::string_view uuid);
  void AddLocked(Id id, const std::string& uuid, uint64_t h1, std::optional<uint64_t> h2);
  void RemoveLocked(Id id, const std::string& uuid, uint64_t h1, std::optional<uint64_t> h2);
  void PostLocked(uint64_t hash, Id id);
  void UnpostLocked(uint64_t hash, Id id);

  mutable std::shared_mutex mu_;
  boost::unordered_flat_map<UuidKey, Id, UuidKeyHash> uuids_;
  std::unordered_map<std::string, Id> odd_uuids_;
  boost::unordered_flat_map<uint64_t, Postings> values_;
  std::atomic<int64_t> seq_{-1};
  Loader loader_;
};

}  // namespace bulwark::store::sqlite
