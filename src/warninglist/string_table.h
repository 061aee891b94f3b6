// An immutable hash table from strings to postings (which list, which entry), for exact-match lookups over
// hundreds of thousands of keys. Slots are 8 bytes (hash tag + record offset) with linear probing at a load
// factor of at most 1/2; each key's record (length, posting count, postings, key bytes) is one contiguous run of
// the record arena, so a lookup that finds its key reads the filter word, one slot and one record. A blocked
// Bloom filter in front answers most misses from one cache line. Built once by StringTableBuilder; lookups are
// thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bulwark::warninglist {

struct Posting {
  uint32_t list = 0;   // index of the list in its WarninglistSet
  uint32_t entry = 0;  // index of the entry in that list
};

// A fast 64-bit hash for short strings (8 bytes per step, multiply-xorshift mixing). Not cryptographic.
uint64_t HashBytes(std::string_view s);

class StringTable {
 public:
  // The postings of `key` (in the order they were added), or an empty span.
  std::span<const Posting> Find(std::string_view key) const { return Lookup(key, HashBytes(key)).postings; }

  // Same, with `hash` == HashBytes(key) already computed, and the stored copy of the key (valid while the table
  // lives) beside the postings; both empty when the key is absent.
  struct Found {
    std::span<const Posting> postings;
    std::string_view key;
  };
  // `filters` (bit f for filter f, see StringTableBuilder::Add) says which keys are looked for: a key added to
  // none of them is not found (its filter answers no).
  Found Lookup(std::string_view key, uint64_t hash, uint32_t filters = kAllFilters) const;
  // Starts loading the memory a Lookup of `hash` reads (its filter words and first slot), so that the cache
  // misses of several lookups, and of the filter and the slot of one, overlap.
  void Prefetch(uint64_t hash, uint32_t filters = kAllFilters) const {
    if (slots_.empty()) return;
    for (uint32_t f = 0; f < kFilters; ++f) {
      if ((filters >> f) & 1) __builtin_prefetch(filters_[f].WordFor(hash));
    }
    __builtin_prefetch(&slots_[hash & mask_]);
  }

  static constexpr uint32_t kFilters = 2;
  static constexpr uint32_t kAllFilters = (1u << kFilters) - 1;

  size_t size() const { return key_count_; }
  // The length of the longest key: a longer string is in no table.
  size_t max_key_length() const { return max_key_length_; }

 private:
  friend class StringTableBuilder;
  struct Slot {
    uint32_t tag;     // high 32 bits of the hash
    uint32_t record;  // index in records_ + 1 of the key's record; 0 is an empty slot
  };
  // A record in records_, in units of one Posting (8 bytes): {key length, posting count}, the postings, then the
  // key bytes padded to a whole unit.
  static size_t RecordUnits(size_t key_length, size_t postings) { return 1 + postings + (key_length + 7) / 8; }

  std::vector<Posting> records_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
  size_t key_count_ = 0;
  size_t max_key_length_ = 0;
  // Blocked Bloom filters (two bits in one 64-bit word per key, ~12 bits per key) checked before the slots, so
  // that a miss, the common case, costs one cache line; one per key class, so that a lookup for one class reads
  // a filter sized for that class only (small enough to stay in cache).
  struct Filter {
    std::vector<uint64_t> words;
    static uint64_t Bits(uint64_t h) { return (uint64_t{1} << ((h >> 20) & 63)) | (uint64_t{1} << ((h >> 26) & 63)); }
    // The word of hash h (a multiply-shift reduction of its high half: no power-of-two size needed).
    size_t IndexOf(uint64_t h) const { return static_cast<size_t>(((h >> 32) * words.size()) >> 32); }
    const uint64_t* WordFor(uint64_t h) const { return words.data() + IndexOf(h); }
    bool MayContain(uint64_t h) const {
      const uint64_t bits = Bits(h);
      return (*WordFor(h) & bits) == bits;
    }
  };
  Filter filters_[kFilters];
};

// Adds keys one by one, merging equal keys as it goes (no sort), then lays each key's record out contiguously.
// Records use 32-bit offsets in 8-byte units: keys and postings must total under 32 GiB (the callers' size
// limits keep them far below).
class StringTableBuilder {
 public:
  // Adds a posting for `key`; `filter` (below StringTable::kFilters) is the class of keys it is looked up in.
  // A key added with two classes is in both.
  void Add(std::string_view key, Posting posting, uint32_t filter = 0);
  StringTable Build() &&;  // consumes the builder

 private:
  struct Key {
    uint32_t offset;  // in arena_
    uint32_t length;
  };
  void Grow();
  std::string arena_;                  // key bytes, back to back
  std::vector<Key> keys_;
  std::vector<StringTable::Slot> slots_;  // record field: key index + 1 while building
  uint64_t mask_ = 0;
  std::vector<uint64_t> hashes_;       // per key
  std::vector<uint32_t> first_item_;   // per key: head of its posting chain
  std::vector<uint32_t> last_item_;    // per key: tail
  std::vector<uint32_t> item_count_;   // per key
  std::vector<uint8_t> key_filters_;   // per key: bit f when added with filter f
  std::vector<Posting> items_;         // every posting added
  std::vector<uint32_t> next_item_;    // chain links; UINT32_MAX ends a chain
};

}  // namespace bulwark::warninglist
