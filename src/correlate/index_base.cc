#include "correlate/index_base.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace bulwark::correlate::internal {

std::string IpKey(const IpAddress& ip) {
  std::string key(18, '\0');
  key[0] = kIpKey;
  key[1] = static_cast<char>(ip.is_v4() ? 4 : 6);
  std::memcpy(key.data() + 2, ip.bytes().data(), 16);
  return key;
}

IpAddress IpOfKey(std::string_view key) {
  IpAddress::Bytes b{};
  std::memcpy(b.data(), key.data() + 2, 16);
  if (key[1] == 4) return IpAddress::V4Bytes({b[12], b[13], b[14], b[15]});
  return IpAddress::V6(b);
}

// ---- KeyDictionary ----

KeyDictionary::KeyDictionary() : set_(0, Hash{}, Equal{this}) {}

std::string_view KeyDictionary::Get(KeyId id) const {
  const uint64_t ref = refs_[id];
  const char* p = chunks_[ref >> 32].get() + (ref & 0xffffffffu);
  size_t len = 0;
  int shift = 0;
  for (;;) {
    const auto byte = static_cast<unsigned char>(*p++);
    len |= static_cast<size_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
    shift += 7;
  }
  return {p, len};
}

KeyId KeyDictionary::Find(std::string_view key) const {
  auto it = set_.find(key);
  return it == set_.end() ? kNone : static_cast<KeyId>(*it);
}

KeyId KeyDictionary::Find(std::string_view key, size_t hash) const {
  auto it = set_.find(Probe{key, static_cast<uint32_t>(hash >> 32)});
  return it == set_.end() ? kNone : static_cast<KeyId>(*it);
}

KeyId KeyDictionary::Intern(std::string_view key) {
  const uint32_t hash = HashOf(key);
  auto it = set_.find(key);
  if (it != set_.end()) return static_cast<KeyId>(*it);
  if (refs_.size() >= kNone - 1 || key.size() > (size_t{1} << 31)) return kNone;
  const size_t need = key.size() + 5;
  if (chunks_.empty() || chunk_used_ + need > chunk_sizes_.back()) {
    const size_t size = std::max(kChunkBytes, need);
    chunks_.push_back(std::make_unique<char[]>(size));
    chunk_sizes_.push_back(size);
    chunk_used_ = 0;
  }
  char* p = chunks_.back().get() + chunk_used_;
  const uint64_t ref = (static_cast<uint64_t>(chunks_.size() - 1) << 32) | chunk_used_;
  char* q = p;
  size_t len = key.size();
  do {
    auto byte = static_cast<unsigned char>(len & 0x7f);
    len >>= 7;
    if (len != 0) byte |= 0x80;
    *q++ = static_cast<char>(byte);
  } while (len != 0);
  if (!key.empty()) std::memcpy(q, key.data(), key.size());
  chunk_used_ += static_cast<size_t>(q - p) + key.size();
  const auto id = static_cast<KeyId>(refs_.size());
  refs_.push_back(ref);
  set_.insert((static_cast<uint64_t>(hash) << 32) | id);
  return id;
}

void KeyDictionary::CopyFrom(const KeyDictionary& other) {
  chunks_.clear();
  for (size_t i = 0; i < other.chunks_.size(); ++i) {
    chunks_.push_back(std::make_unique<char[]>(other.chunk_sizes_[i]));
    std::memcpy(chunks_.back().get(), other.chunks_[i].get(), other.chunk_sizes_[i]);
  }
  chunk_sizes_ = other.chunk_sizes_;
  chunk_used_ = other.chunk_used_;
  refs_ = other.refs_;
  set_.clear();
  set_.reserve(other.set_.size());
  for (Slot slot : other.set_) set_.insert(slot);  // hashes come with the slots: no key bytes are read
}

size_t KeyDictionary::MemoryBytes() const {
  size_t bytes = refs_.capacity() * sizeof(uint64_t) + set_.bucket_count() * (sizeof(Slot) + 1);
  for (size_t s : chunk_sizes_) bytes += s;
  return bytes;
}

// ---- Base ----

AttrIndex Base::IndexOf(Id attribute_id) const {
  if (ids_.empty() || attribute_id < ids_.front() || attribute_id > ids_.back()) return kNone;
  // Store ids are mostly dense: try the position they would have without gaps first.
  const uint64_t guess = static_cast<uint64_t>(attribute_id) - static_cast<uint64_t>(ids_.front());
  if (guess < ids_.size() && ids_[guess] == attribute_id) return static_cast<AttrIndex>(guess);
  auto it = std::lower_bound(ids_.begin(), ids_.end(), attribute_id);
  if (it == ids_.end() || *it != attribute_id) return kNone;
  return static_cast<AttrIndex>(it - ids_.begin());
}

Facets Base::FacetsAt(AttrIndex a) const {
  Facets f;
  for (KeyId k : KeysAt(a)) {
    std::string_view key = keys_.Get(k);
    std::string_view text = key.substr(1);
    switch (key[0]) {
      case kValueKey: f.values.emplace_back(text); break;
      case kNameKey: f.names.emplace_back(text); break;
      case kHostKey: f.url_hosts.emplace_back(text); break;
      case kIpKey: f.ips.push_back(IpOfKey(key)); break;
      case kCidrKey:
        if (auto c = Cidr::Parse(text); c.ok()) f.cidrs.push_back(*c);
        break;
      default: break;
    }
  }
  return f;
}

std::span<const AttrIndex> Base::AttributesOfEvent(Id event_id) const {
  auto it = event_slot_.find(event_id);
  if (it == event_slot_.end()) return {};
  return {event_members_.data() + event_begin_[it->second], event_members_.data() + event_begin_[it->second + 1]};
}

bool Base::EventDisabled(Id event_id) const {
  return std::binary_search(disabled_events_.begin(), disabled_events_.end(), event_id);
}

size_t Base::MemoryBytes() const {
  return keys_.MemoryBytes() + posting_begin_.capacity() * 4 + postings_.capacity() * 4 + ids_.capacity() * 8 +
         heads_.capacity() * sizeof(IndexedAttribute) + key_begin_.capacity() * 8 + key_refs_.capacity() * 4 +
         ip_keys_.capacity() * 4 + event_begin_.capacity() * 4 + event_members_.capacity() * 4;
}

// ---- BaseBuilder ----

BaseBuilder::BaseBuilder() : base_(std::make_unique<Base>()) {}

BaseBuilder::BaseBuilder(const KeyDictionary& keys) : base_(std::make_unique<Base>()) { base_->keys_.CopyFrom(keys); }

bool BaseBuilder::Append(Id attribute_id, Id event_id) {
  // No keys: a removal, which matters only if the id was added before (a new maximum was not).
  if (scratch_.empty() && (ids_.empty() || attribute_id > max_id_)) return true;
  max_id_ = ids_.empty() ? attribute_id : std::max(max_id_, attribute_id);
  // Without duplicates, in the order given: FacetsAt gives the facets back in ExtractFacets' order, which decides
  // the order of lookups and so which link names a hit found through two keys.
  size_t kept = 0;
  for (size_t i = 0; i < scratch_.size(); ++i) {
    if (std::find(scratch_.begin(), scratch_.begin() + static_cast<ptrdiff_t>(kept), scratch_[i]) ==
        scratch_.begin() + static_cast<ptrdiff_t>(kept)) {
      scratch_[kept++] = scratch_[i];
    }
  }
  scratch_.resize(kept);
  if (ids_.size() >= kNone - 1 || key_refs_.size() + scratch_.size() >= kNone - 1 ||
      std::find(scratch_.begin(), scratch_.end(), kNone) != scratch_.end()) {
    return false;
  }
  ids_.push_back(attribute_id);
  events_.push_back(event_id);
  key_refs_.insert(key_refs_.end(), scratch_.begin(), scratch_.end());
  key_begin_.push_back(key_refs_.size());
  return true;
}

bool BaseBuilder::Add(Id attribute_id, Id event_id, const Facets& facets) {
  scratch_.clear();
  ForEachKey(facets, true, [&](std::string_view key) { scratch_.push_back(base_->keys_.Intern(key)); });
  return Append(attribute_id, event_id);
}

bool BaseBuilder::AddKeys(Id attribute_id, Id event_id, const KeyDictionary& dict, std::span<const KeyId> keys) {
  scratch_.clear();
  for (KeyId k : keys) scratch_.push_back(base_->keys_.Intern(dict.Get(k)));
  return Append(attribute_id, event_id);
}

bool BaseBuilder::AddKeyIds(Id attribute_id, Id event_id, std::span<const KeyId> keys) {
  scratch_.assign(keys.begin(), keys.end());
  return Append(attribute_id, event_id);
}

void BaseBuilder::SetEventDisabled(Id event_id, bool disabled) { event_flags_[event_id] = disabled; }

// Orders the attributes by id and keeps the last addition of a repeated id.
void BaseBuilder::SortAndDeduplicate() {
  const size_t n = ids_.size();
  bool strictly_ascending = true;
  for (size_t i = 1; i < n && strictly_ascending; ++i) strictly_ascending = ids_[i - 1] < ids_[i];
  if (strictly_ascending) return;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return ids_[a] < ids_[b]; });
  std::vector<Id> ids;
  std::vector<Id> events;
  std::vector<uint64_t> begin{0};
  std::vector<KeyId> refs;
  ids.reserve(n);
  events.reserve(n);
  refs.reserve(key_refs_.size());
  for (size_t i = 0; i < n; ++i) {
    if (i + 1 < n && ids_[order[i + 1]] == ids_[order[i]]) continue;  // a later addition of the same id wins
    const uint32_t a = order[i];
    if (key_begin_[a] == key_begin_[a + 1]) continue;  // removed
    ids.push_back(ids_[a]);
    events.push_back(events_[a]);
    refs.insert(refs.end(), key_refs_.begin() + static_cast<ptrdiff_t>(key_begin_[a]),
                key_refs_.begin() + static_cast<ptrdiff_t>(key_begin_[a + 1]));
    begin.push_back(refs.size());
  }
  ids_ = std::move(ids);
  events_ = std::move(events);
  key_begin_ = std::move(begin);
  key_refs_ = std::move(refs);
}

void BaseBuilder::BuildPostings() {
  Base& b = *base_;
  const size_t key_count = b.keys_.size();
  b.posting_begin_.assign(key_count + 1, 0);
  for (KeyId k : b.key_refs_) ++b.posting_begin_[k + 1];
  for (size_t k = 0; k < key_count; ++k) {
    if (b.posting_begin_[k + 1] != 0 && CountedKey(b.keys_.Get(static_cast<KeyId>(k)))) ++b.counted_keys_;
    b.posting_begin_[k + 1] += b.posting_begin_[k];
  }
  b.postings_.resize(b.key_refs_.size());
  std::vector<uint32_t> fill(b.posting_begin_.begin(), b.posting_begin_.end() - 1);
  const size_t n = b.ids_.size();
  for (size_t a = 0; a < n; ++a) {
    for (KeyId k : b.KeysAt(static_cast<AttrIndex>(a))) b.postings_[fill[k]++] = static_cast<AttrIndex>(a);
  }
}

void BaseBuilder::BuildEvents() {
  Base& b = *base_;
  std::vector<uint32_t> slot_of(events_.size());
  std::vector<uint32_t> counts;
  for (size_t a = 0; a < events_.size(); ++a) {
    auto [it, inserted] = b.event_slot_.try_emplace(events_[a], static_cast<uint32_t>(counts.size()));
    if (inserted) counts.push_back(0);
    ++counts[it->second];
    slot_of[a] = it->second;
  }
  b.event_begin_.assign(counts.size() + 1, 0);
  for (size_t s = 0; s < counts.size(); ++s) b.event_begin_[s + 1] = b.event_begin_[s] + counts[s];
  b.event_members_.resize(events_.size());
  std::vector<uint32_t> fill(b.event_begin_.begin(), b.event_begin_.end() - 1);
  for (size_t a = 0; a < events_.size(); ++a) b.event_members_[fill[slot_of[a]]++] = static_cast<AttrIndex>(a);
  b.heads_.resize(events_.size());
  for (size_t a = 0; a < events_.size(); ++a) b.heads_[a].event_id = events_[a];
  for (const auto& [event, disabled] : event_flags_) {
    if (disabled) b.disabled_events_.push_back(event);
  }
  std::sort(b.disabled_events_.begin(), b.disabled_events_.end());
}

void BaseBuilder::BuildIpKeysAndPrefixes() {
  Base& b = *base_;
  const size_t key_count = b.keys_.size();
  for (size_t k = 0; k < key_count; ++k) {
    const uint32_t postings = b.posting_begin_[k + 1] - b.posting_begin_[k];
    if (postings == 0) continue;
    std::string_view key = b.keys_.Get(static_cast<KeyId>(k));
    if (key[0] == kIpKey) {
      b.ip_keys_.push_back(static_cast<KeyId>(k));
    } else if (key[0] == kCidrKey) {
      if (auto c = Cidr::Parse(key.substr(1)); c.ok()) {
        // Saturating: the counts only say whether a prefix length is worth a lookup.
        uint32_t* counts = c->family() == IpFamily::kV4 ? b.v4_prefixes_.data() : b.v6_prefixes_.data();
        uint32_t& slot = counts[c->prefix_length()];
        slot = postings > UINT32_MAX - slot ? UINT32_MAX : slot + postings;
      }
    }
  }
  // Sorted by their bytes, copied out once (comparing through the dictionary would read scattered memory).
  struct Entry {
    std::array<char, 17> bytes;
    KeyId id;
  };
  std::vector<Entry> entries(b.ip_keys_.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string_view key = b.keys_.Get(b.ip_keys_[i]);
    std::memcpy(entries[i].bytes.data(), key.data() + 1, 17);
    entries[i].id = b.ip_keys_[i];
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
    return std::memcmp(x.bytes.data(), y.bytes.data(), 17) < 0;
  });
  for (size_t i = 0; i < entries.size(); ++i) b.ip_keys_[i] = entries[i].id;
}

std::shared_ptr<const Base> BaseBuilder::Build() {
  SortAndDeduplicate();
  Base& b = *base_;
  b.ids_ = std::move(ids_);
  b.key_begin_ = std::move(key_begin_);
  b.key_refs_ = std::move(key_refs_);
  BuildPostings();
  BuildEvents();
  events_ = {};
  BuildIpKeysAndPrefixes();
  return std::shared_ptr<const Base>(base_.release());
}

}  // namespace bulwark::correlate::internal
