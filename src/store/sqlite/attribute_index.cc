#include "store/sqlite/attribute_index.h"

#include <algorithm>
#include <mutex>

#include "store/sqlite/db.h"

namespace bulwark::store::sqlite {
namespace {

std::optional<uint64_t> Value2Hash(std::string_view value1, std::string_view value2) {
  if (value2.empty()) return std::nullopt;
  uint64_t h2 = ValueHash(value2);
  if (h2 == ValueHash(value1)) return std::nullopt;  // posted once
  return h2;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

uint64_t ValueHash(std::string_view value) {
  // FNV-1a, then a final avalanche (splitmix64) so that the flat map's low bits are well mixed.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : value) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// --- IndexJournal ---

void IndexJournal::Add(Id id, std::string uuid, std::string_view value1, std::string_view value2) {
  pending_uuids_[uuid] = true;
  ops_.push_back(Op{true, id, std::move(uuid), ValueHash(value1), Value2Hash(value1, value2)});
}

void IndexJournal::Remove(Id id, std::string uuid, std::string_view value1, std::string_view value2) {
  pending_uuids_[uuid] = false;
  ops_.push_back(Op{false, id, std::move(uuid), ValueHash(value1), Value2Hash(value1, value2)});
}

std::optional<bool> IndexJournal::PendingUuid(const std::string& uuid) const {
  auto it = pending_uuids_.find(uuid);
  if (it == pending_uuids_.end()) return std::nullopt;
  return it->second;
}

void IndexJournal::RollbackTo(size_t mark) {
  if (mark >= ops_.size()) return;
  ops_.resize(mark);
  pending_uuids_.clear();
  for (const Op& op : ops_) pending_uuids_[op.uuid] = op.add;
}

void IndexJournal::Clear() {
  ops_.clear();
  pending_uuids_.clear();
}

// --- AttributeIndex ---

std::optional<AttributeIndex::UuidKey> AttributeIndex::PackUuid(std::string_view uuid) {
  if (uuid.size() != 36) return std::nullopt;
  UuidKey key{0, 0};
  int nibbles = 0;
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (uuid[i] != '-') return std::nullopt;
      continue;
    }
    int d = HexDigit(uuid[i]);
    if (d < 0) return std::nullopt;
    uint64_t& half = key[nibbles < 16 ? 0 : 1];
    half = (half << 4) | static_cast<uint64_t>(d);
    ++nibbles;
  }
  return key;
}

Status AttributeIndex::Load(Connection& conn) {
  BW_ASSIGN_OR_RETURN(int64_t rows, conn.QueryInt("SELECT count(*) FROM attributes"));
  BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT id, uuid, value1, value2 FROM attributes"));
  std::unique_lock lock(mu_);
  uuids_.clear();
  odd_uuids_.clear();
  values_.clear();
  uuids_.reserve(static_cast<size_t>(rows));
  values_.reserve(static_cast<size_t>(rows));
  std::string uuid;
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    uuid.assign(s.TextView(1));
    std::string_view value1 = s.TextView(2);
    std::string_view value2 = s.TextView(3);
    AddLocked(s.Int(0), uuid, ValueHash(value1), Value2Hash(value1, value2));
  }
  return Ok();
}

std::optional<Id> AttributeIndex::FindUuid(std::string_view uuid) const {
  std::shared_lock lock(mu_);
  if (std::optional<UuidKey> key = PackUuid(uuid)) {
    auto it = uuids_.find(*key);
    if (it == uuids_.end()) return std::nullopt;
    return it->second;
  }
  auto it = odd_uuids_.find(std::string(uuid));
  if (it == odd_uuids_.end()) return std::nullopt;
  return it->second;
}

void AttributeIndex::AppendValueCandidates(std::string_view value, std::vector<Id>& out) const {
  std::shared_lock lock(mu_);
  auto it = values_.find(ValueHash(value));
  if (it == values_.end()) return;
  out.insert(out.end(), it->second.begin(), it->second.end());
}

void AttributeIndex::Apply(const IndexJournal& journal) {
  if (journal.ops().empty()) return;
  std::unique_lock lock(mu_);
  for (const IndexJournal::Op& op : journal.ops()) {
    if (op.add) {
      AddLocked(op.id, op.uuid, op.value1_hash, op.value2_hash);
    } else {
      RemoveLocked(op.id, op.uuid, op.value1_hash, op.value2_hash);
    }
  }
}

size_t AttributeIndex::uuid_count() const {
  std::shared_lock lock(mu_);
  return uuids_.size() + odd_uuids_.size();
}

void AttributeIndex::AddLocked(Id id, const std::string& uuid, uint64_t h1, std::optional<uint64_t> h2) {
  if (std::optional<UuidKey> key = PackUuid(uuid)) {
    uuids_[*key] = id;
  } else {
    odd_uuids_[uuid] = id;
  }
  PostLocked(h1, id);
  if (h2) PostLocked(*h2, id);
}

void AttributeIndex::RemoveLocked(Id id, const std::string& uuid, uint64_t h1, std::optional<uint64_t> h2) {
  if (std::optional<UuidKey> key = PackUuid(uuid)) {
    auto it = uuids_.find(*key);
    if (it != uuids_.end() && it->second == id) uuids_.erase(it);
  } else {
    auto it = odd_uuids_.find(uuid);
    if (it != odd_uuids_.end() && it->second == id) odd_uuids_.erase(it);
  }
  UnpostLocked(h1, id);
  if (h2) UnpostLocked(*h2, id);
}

void AttributeIndex::PostLocked(uint64_t hash, Id id) { values_[hash].push_back(id); }

void AttributeIndex::UnpostLocked(uint64_t hash, Id id) {
  auto it = values_.find(hash);
  if (it == values_.end()) return;
  Postings& p = it->second;
  auto pos = std::find(p.begin(), p.end(), id);
  if (pos != p.end()) p.erase(pos);
  if (p.empty()) values_.erase(it);
}

}  // namespace bulwark::store::sqlite
