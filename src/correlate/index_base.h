// Private to correlate/index.cc: the immutable, compact base of a correlation snapshot and its bulk builder.
//
// Keys: every correlating facet becomes byte-string keys, the first byte naming the kind:
//   'v' value (equality)          'd' DNS name                 's' a parent of a DNS name
//   'h' URL host                  'u' a parent of a URL host   'c' CIDR ("c10.0.0.0/8", canonical text)
//   'i' IP address ('i', family byte 4 or 6, the 16 address bytes): for containment ranges and to recover an
//       attribute's addresses
//   'b' IP bucket (runs only, see index_levels.h)
// A Base interns each key once (KeyDictionary: bytes in chunks, a flat hash set of 32-bit key ids) and holds
// its posting list (ascending attribute indices) in one array (CSR). Attributes are kept sorted by id; an
// attribute's index is its position; its keys are again one array. Events map to their attributes' indices.
// Memory: about 160 bytes per attribute for the benchmark's mix (bench/correlate_bench.cc), key bytes included.
//
// Capacity: at most 2^32 - 2 keys, attributes and key references per base; BaseBuilder::Add refuses more (the
// attribute is not indexed and Add returns false).
//
// Thread-safety: a Base is immutable after BaseBuilder::Build and safe to share between threads.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "correlate/index.h"
#include "correlate/keys.h"

namespace bulwark::correlate::internal {

using model::Id;
using KeyId = uint32_t;
using AttrIndex = uint32_t;
constexpr uint32_t kNone = UINT32_MAX;

constexpr char kValueKey = 'v';
constexpr char kNameKey = 'd';
constexpr char kNameParentKey = 's';
constexpr char kHostKey = 'h';
constexpr char kHostParentKey = 'u';
constexpr char kCidrKey = 'c';
constexpr char kIpKey = 'i';
constexpr char kBucketKey = 'b';

// Keys of kinds 'i' and 'b' are internal: Snapshot::key_count counts the others.
inline bool CountedKey(std::string_view key) { return !key.empty() && key[0] != kIpKey && key[0] != kBucketKey; }

std::string IpKey(const IpAddress& ip);
// The address of an 'i' key (which must be 18 bytes).
IpAddress IpOfKey(std::string_view key);

// Calls fn(std::string_view key) for each key of the facets: kinds v, d, s, h, u, c, and 'i' keys when
// `ip_keys`. A key may repeat; the view is valid during the call only.
template <typename F>
void ForEachKey(const Facets& f, bool ip_keys, F&& fn) {
  std::string key;
  auto emit = [&](char kind, std::string_view text) {
    key.assign(1, kind);
    key.append(text);
    fn(std::string_view(key));
  };
  for (const auto& v : f.values) emit(kValueKey, v);
  for (const auto& n : f.names) {
    emit(kNameKey, n);
    for (auto parent : ParentDomains(n)) emit(kNameParentKey, parent);
  }
  for (const auto& h : f.url_hosts) {
    emit(kHostKey, h);
    for (auto parent : ParentDomains(h)) emit(kHostParentKey, parent);
  }
  for (const auto& c : f.cidrs) emit(kCidrKey, c.ToString());
  if (ip_keys) {
    for (const auto& ip : f.ips) fn(std::string_view(IpKey(ip)));
  }
}

// Interned byte strings with dense ids. Not thread-safe while interning; const methods are.
class KeyDictionary {
 public:
  KeyDictionary();
  KeyDictionary(const KeyDictionary&) = delete;
  KeyDictionary& operator=(const KeyDictionary&) = delete;
  // Makes this (empty) dictionary a copy of `other`, same ids.
  void CopyFrom(const KeyDictionary& other);

  // The id of `key`, adding it if new; kNone when the dictionary is full.
  KeyId Intern(std::string_view key);
  // The id of `key`, or kNone.
  KeyId Find(std::string_view key) const;
  // The same, with std::hash<std::string_view>()(key) given.
  KeyId Find(std::string_view key, size_t hash) const;
  std::string_view Get(KeyId id) const;
  size_t size() const { return refs_.size(); }
  size_t MemoryBytes() const;

 private:
  // Set elements carry the upper 32 bits of the key's hash next to its id (hash << 32 | id), so that growing
  // the set never touches the key bytes.
  using Slot = uint64_t;
  static uint32_t HashOf(std::string_view s) { return static_cast<uint32_t>(std::hash<std::string_view>()(s) >> 32); }
  struct Probe {  // a key and its HashOf
    std::string_view key;
    uint32_t hash;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return HashOf(s); }
    size_t operator()(const Probe& p) const { return p.hash; }
    size_t operator()(Slot slot) const { return static_cast<size_t>(slot >> 32); }
  };
  struct Equal {
    using is_transparent = void;
    const KeyDictionary* dict;
    bool operator()(Slot a, Slot b) const { return a == b; }
    bool operator()(std::string_view a, Slot b) const { return a == dict->Get(static_cast<KeyId>(b)); }
    bool operator()(Slot a, std::string_view b) const { return dict->Get(static_cast<KeyId>(a)) == b; }
    // The slot's hash first: a candidate of another hash costs no read of its key's bytes.
    bool operator()(const Probe& a, Slot b) const {
      return (b >> 32) == a.hash && a.key == dict->Get(static_cast<KeyId>(b));
    }
    bool operator()(Slot a, const Probe& b) const { return (*this)(b, a); }
  };

  static constexpr size_t kChunkBytes = size_t{4} << 20;

  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<size_t> chunk_sizes_;
  size_t chunk_used_ = 0;
  std::vector<uint64_t> refs_;  // chunk index << 32 | offset; at the offset: varint length, then the bytes
  boost::unordered_flat_set<Slot, Hash, Equal> set_;
};

// The compact immutable index of a set of attributes.
class Base {
 public:
  size_t attribute_count() const { return ids_.size(); }
  size_t key_count() const { return counted_keys_; }  // keys of counted kinds with postings
  const KeyDictionary& keys() const { return keys_; }

  AttrIndex IndexOf(Id attribute_id) const;  // kNone if absent
  Id IdAt(AttrIndex a) const { return ids_[a]; }
  const IndexedAttribute& HeadAt(AttrIndex a) const { return heads_[a]; }
  std::span<const KeyId> KeysAt(AttrIndex a) const {
    return {key_refs_.data() + key_begin_[a], key_refs_.data() + key_begin_[a + 1]};
  }
  // The facets of attribute `a`, recovered from its keys (values, names, url hosts, addresses, CIDRs).
  Facets FacetsAt(AttrIndex a) const;

  std::span<const AttrIndex> Postings(KeyId k) const {
    return {postings_.data() + posting_begin_[k], postings_.data() + posting_begin_[k + 1]};
  }
  KeyId FindKey(std::string_view key) const { return keys_.Find(key); }
  KeyId FindKey(std::string_view key, size_t hash) const { return keys_.Find(key, hash); }

  // The 'i' keys with postings, ascending by (family, address): calls fn(KeyId) for those in [first, last].
  template <typename F>
  void ForEachIpKeyIn(const IpAddress& first, const IpAddress& last, F&& fn) const;

  // Attribute indices of an event (ascending), and whether the base has the event's correlation disabled.
  std::span<const AttrIndex> AttributesOfEvent(Id event_id) const;
  bool EventDisabled(Id event_id) const;
  const std::vector<Id>& disabled_events() const { return disabled_events_; }

  const std::array<uint32_t, 33>& v4_prefixes() const { return v4_prefixes_; }
  const std::array<uint32_t, 129>& v6_prefixes() const { return v6_prefixes_; }
  size_t MemoryBytes() const;

 private:
  friend class BaseBuilder;

  KeyDictionary keys_;
  std::vector<uint32_t> posting_begin_;  // per key, plus one
  std::vector<AttrIndex> postings_;
  std::vector<Id> ids_;                   // ascending
  std::vector<IndexedAttribute> heads_;   // per attribute
  std::vector<uint64_t> key_begin_;       // per attribute, plus one
  std::vector<KeyId> key_refs_;
  std::vector<KeyId> ip_keys_;            // sorted by key bytes
  boost::unordered_flat_map<Id, uint32_t> event_slot_;
  std::vector<uint32_t> event_begin_;     // per slot, plus one
  std::vector<AttrIndex> event_members_;
  std::vector<Id> disabled_events_;       // ascending
  std::array<uint32_t, 33> v4_prefixes_{};
  std::array<uint32_t, 129> v6_prefixes_{};
  size_t counted_keys_ = 0;
};

// Builds a Base from attributes added in any order; a repeated attribute id keeps its last addition, and an
// addition without keys (empty facets) removes the id.
// Build() interns nothing new: keys are interned as attributes are added. Not thread-safe.
class BaseBuilder {
 public:
  BaseBuilder();
  // Starts from a copy of `keys`, so that attributes of a base using it can be added by key id (AddKeyIds). Its
  // keys that end up without postings stay in the dictionary (unlisted and uncounted) until a full build.
  explicit BaseBuilder(const KeyDictionary& keys);

  // False (nothing added) when the base is full.
  bool Add(Id attribute_id, Id event_id, const Facets& facets);
  // The same, with the keys given (as Base::KeysAt gives them, through another dictionary).
  bool AddKeys(Id attribute_id, Id event_id, const KeyDictionary& dict, std::span<const KeyId> keys);
  // The same, with key ids of the dictionary this builder started from.
  bool AddKeyIds(Id attribute_id, Id event_id, std::span<const KeyId> keys);
  void SetEventDisabled(Id event_id, bool disabled);
  size_t added() const { return ids_.size(); }

  // The base; the builder is spent afterwards.
  std::shared_ptr<const Base> Build();

 private:
  bool Append(Id attribute_id, Id event_id);
  void SortAndDeduplicate();
  void BuildPostings();
  void BuildEvents();
  void BuildIpKeysAndPrefixes();

  std::unique_ptr<Base> base_;
  std::vector<Id> ids_;
  std::vector<Id> events_;
  std::vector<uint64_t> key_begin_{0};
  std::vector<KeyId> key_refs_;
  boost::unordered_flat_map<Id, bool> event_flags_;
  std::vector<KeyId> scratch_;
  Id max_id_ = 0;
};

template <typename F>
void Base::ForEachIpKeyIn(const IpAddress& first, const IpAddress& last, F&& fn) const {
  const std::string lo = IpKey(first);
  const std::string hi = IpKey(last);
  auto it = std::lower_bound(ip_keys_.begin(), ip_keys_.end(), lo,
                             [&](KeyId k, const std::string& key) { return keys_.Get(k) < key; });
  for (; it != ip_keys_.end() && keys_.Get(*it) <= hi; ++it) fn(*it);
}

}  // namespace bulwark::correlate::internal
