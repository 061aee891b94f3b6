#include "warninglist/string_table.h"

#include <algorithm>
#include <cstring>

namespace bulwark::warninglist {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
constexpr uint32_t kEndOfChain = UINT32_MAX;
constexpr size_t kFilterBitsPerKey = 12;  // two bits set per key: about 3% false positives

uint64_t Mix(uint64_t h) {
  h ^= h >> 32;
  h *= kMul;
  h ^= h >> 29;
  return h;
}

}  // namespace

uint64_t HashBytes(std::string_view s) {
  uint64_t h = 0x243F6A8885A308D3ull ^ (s.size() * kMul);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = Mix(h ^ w);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = Mix(h ^ w ^ (uint64_t{n} << 56));
  }
  return Mix(h);
}

StringTable::Found StringTable::Lookup(std::string_view key, uint64_t h, uint32_t filters) const {
  if (slots_.empty() || key.size() > max_key_length_) return {};
  bool may = false;
  for (uint32_t f = 0; f < kFilters && !may; ++f) may = ((filters >> f) & 1) && filters_[f].MayContain(h);
  if (!may) return {};
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.record == 0) return {};
    if (s.tag != tag) continue;
    const Posting* r = records_.data() + (s.record - 1);
    const uint32_t length = r[0].list;
    const uint32_t count = r[0].entry;
    const char* stored = reinterpret_cast<const char*>(r + 1 + count);
    if (length == key.size() && std::memcmp(stored, key.data(), key.size()) == 0) {
      return {{r + 1, count}, {stored, length}};
    }
  }
}

void StringTableBuilder::Grow() {
  const size_t capacity = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(capacity, StringTable::Slot{0, 0});
  mask_ = capacity - 1;
  for (size_t k = 0; k < hashes_.size(); ++k) {
    uint64_t i = hashes_[k] & mask_;
    while (slots_[i].record != 0) i = (i + 1) & mask_;
    slots_[i] = {static_cast<uint32_t>(hashes_[k] >> 32), static_cast<uint32_t>(k + 1)};
  }
}

void StringTableBuilder::Add(std::string_view key, Posting posting, uint32_t filter) {
  const auto filter_bit = static_cast<uint8_t>(1u << (filter % StringTable::kFilters));
  if ((hashes_.size() + 1) * 2 > slots_.size()) Grow();
  const uint64_t h = HashBytes(key);
  const auto tag = static_cast<uint32_t>(h >> 32);
  const auto item = static_cast<uint32_t>(items_.size());
  items_.push_back(posting);
  next_item_.push_back(kEndOfChain);
  uint64_t i = h & mask_;
  for (;; i = (i + 1) & mask_) {
    StringTable::Slot& s = slots_[i];
    if (s.record == 0) break;
    if (s.tag != tag) continue;
    const Key& k = keys_[s.record - 1];
    if (k.length == key.size() && std::memcmp(arena_.data() + k.offset, key.data(), key.size()) == 0) {
      next_item_[last_item_[s.record - 1]] = item;
      last_item_[s.record - 1] = item;
      ++item_count_[s.record - 1];
      key_filters_[s.record - 1] |= filter_bit;
      return;
    }
  }
  slots_[i] = {tag, static_cast<uint32_t>(keys_.size() + 1)};
  keys_.push_back({static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(key.size())});
  arena_.append(key);
  hashes_.push_back(h);
  first_item_.push_back(item);
  last_item_.push_back(item);
  item_count_.push_back(1);
  key_filters_.push_back(filter_bit);
}

StringTable StringTableBuilder::Build() && {
  StringTable table;
  size_t units = 0;
  for (size_t k = 0; k < keys_.size(); ++k) units += StringTable::RecordUnits(keys_[k].length, item_count_[k]);
  table.records_.assign(units, Posting{});
  std::vector<uint32_t> record_of(keys_.size());
  size_t at = 0;
  for (size_t k = 0; k < keys_.size(); ++k) {
    record_of[k] = static_cast<uint32_t>(at);
    Posting* r = table.records_.data() + at;
    r[0] = Posting{keys_[k].length, item_count_[k]};
    Posting* p = r + 1;
    for (uint32_t it = first_item_[k]; it != kEndOfChain; it = next_item_[it]) *p++ = items_[it];
    std::memcpy(p, arena_.data() + keys_[k].offset, keys_[k].length);
    at += StringTable::RecordUnits(keys_[k].length, item_count_[k]);
    table.max_key_length_ = std::max<size_t>(table.max_key_length_, keys_[k].length);
  }
  table.slots_ = std::move(slots_);
  for (StringTable::Slot& s : table.slots_) {
    if (s.record != 0) s.record = record_of[s.record - 1] + 1;
  }
  table.mask_ = mask_;
  table.key_count_ = keys_.size();
  for (uint32_t f = 0; f < StringTable::kFilters; ++f) {
    size_t keys = 0;
    for (uint8_t m : key_filters_) keys += (m >> f) & 1;
    table.filters_[f].words.assign(std::max<size_t>(8, (keys * kFilterBitsPerKey + 63) / 64), 0);
    for (size_t k = 0; k < hashes_.size(); ++k) {
      if (!((key_filters_[k] >> f) & 1)) continue;
      const uint64_t h = hashes_[k];
      table.filters_[f].words[table.filters_[f].IndexOf(h)] |= StringTable::Filter::Bits(h);
    }
  }
  return table;
}

}  // namespace bulwark::warninglist
