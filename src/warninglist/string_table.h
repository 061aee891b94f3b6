// An immutable hash table from strings to postings (which list, which entry), for exact-match lookups over
// hundreds of thousands of keys: keys live in one arena, slots are 8 bytes (hash tag + key index) with linear
// probing at a load factor of at most 1/2. Built once by StringTableBuilder; lookups are thread-safe.
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
  std::span<const Posting> Find(std::string_view key) const;
  size_t size() const { return keys_.size(); }

 private:
  friend class StringTableBuilder;
  struct Key {
    uint32_t offset;
    uint32_t length;
    uint32_t postings_begin;
    uint32_t postings_end;
  };
  struct Slot {
    uint32_t tag;        // high 32 bits of the hash
    uint32_t key_index;  // index + 1; 0 is an empty slot
  };
  std::string arena_;
  std::vector<Key> keys_;
  std::vector<Posting> postings_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
  // A blocked Bloom filter (two bits in one 64-bit word per key, ~16 bits per key) checked before the slots,
  // so that a miss, the common case, costs one cache line instead of three.
  std::vector<uint64_t> filter_;
  uint64_t filter_mask_ = 0;
  static uint64_t FilterBits(uint64_t h) { return (uint64_t{1} << ((h >> 20) & 63)) | (uint64_t{1} << ((h >> 26) & 63)); }
  bool MayContain(uint64_t h) const {
    const uint64_t bits = FilterBits(h);
    return (filter_[(h >> 32) & filter_mask_] & bits) == bits;
  }
};

// Adds keys one by one, merging equal keys as it goes (no sort), then lays the postings out contiguously.
// The arena uses 32-bit offsets: keys must total under 4 GiB (the callers' size limits keep them far below).
class StringTableBuilder {
 public:
  void Add(std::string_view key, Posting posting);
  StringTable Build() &&;  // consumes the builder

 private:
  void Grow();
  StringTable table_;
  std::vector<uint64_t> hashes_;       // per key
  std::vector<uint32_t> first_item_;   // per key: head of its posting chain
  std::vector<uint32_t> last_item_;    // per key: tail
  std::vector<Posting> items_;         // every posting added
  std::vector<uint32_t> next_item_;    // chain links; UINT32_MAX ends a chain
};

}  // namespace bulwark::warninglist
