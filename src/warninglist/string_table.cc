#include "warninglist/string_table.h"

#include <bit>
#include <cstring>

namespace bulwark::warninglist {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
constexpr uint32_t kEndOfChain = UINT32_MAX;

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

std::span<const Posting> StringTable::Find(std::string_view key) const {
  if (slots_.empty()) return {};
  const uint64_t h = HashBytes(key);
  if (!MayContain(h)) return {};
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.key_index == 0) return {};
    if (s.tag != tag) continue;
    const Key& k = keys_[s.key_index - 1];
    if (k.length == key.size() && std::memcmp(arena_.data() + k.offset, key.data(), key.size()) == 0) {
      return {postings_.data() + k.postings_begin, postings_.data() + k.postings_end};
    }
  }
}

void StringTableBuilder::Grow() {
  const size_t capacity = table_.slots_.empty() ? 1024 : table_.slots_.size() * 2;
  table_.slots_.assign(capacity, StringTable::Slot{0, 0});
  table_.mask_ = capacity - 1;
  for (size_t k = 0; k < hashes_.size(); ++k) {
    uint64_t i = hashes_[k] & table_.mask_;
    while (table_.slots_[i].key_index != 0) i = (i + 1) & table_.mask_;
    table_.slots_[i] = {static_cast<uint32_t>(hashes_[k] >> 32), static_cast<uint32_t>(k + 1)};
  }
}

void StringTableBuilder::Add(std::string_view key, Posting posting) {
  if ((hashes_.size() + 1) * 2 > table_.slots_.size()) Grow();
  const uint64_t h = HashBytes(key);
  const auto tag = static_cast<uint32_t>(h >> 32);
  const auto item = static_cast<uint32_t>(items_.size());
  items_.push_back(posting);
  next_item_.push_back(kEndOfChain);
  uint64_t i = h & table_.mask_;
  for (;; i = (i + 1) & table_.mask_) {
    StringTable::Slot& s = table_.slots_[i];
    if (s.key_index == 0) break;
    if (s.tag != tag) continue;
    const StringTable::Key& k = table_.keys_[s.key_index - 1];
    if (k.length == key.size() && std::memcmp(table_.arena_.data() + k.offset, key.data(), key.size()) == 0) {
      next_item_[last_item_[s.key_index - 1]] = item;
      last_item_[s.key_index - 1] = item;
      return;
    }
  }
  table_.slots_[i] = {tag, static_cast<uint32_t>(table_.keys_.size() + 1)};
  table_.keys_.push_back({static_cast<uint32_t>(table_.arena_.size()), static_cast<uint32_t>(key.size()), 0, 0});
  table_.arena_.append(key);
  hashes_.push_back(h);
  first_item_.push_back(item);
  last_item_.push_back(item);
}

StringTable StringTableBuilder::Build() && {
  table_.postings_.reserve(items_.size());
  for (size_t k = 0; k < table_.keys_.size(); ++k) {
    table_.keys_[k].postings_begin = static_cast<uint32_t>(table_.postings_.size());
    for (uint32_t it = first_item_[k]; it != kEndOfChain; it = next_item_[it]) table_.postings_.push_back(items_[it]);
    table_.keys_[k].postings_end = static_cast<uint32_t>(table_.postings_.size());
  }
  table_.arena_.shrink_to_fit();
  size_t words = 64;
  while (words * 64 < table_.keys_.size() * 16) words *= 2;
  table_.filter_.assign(words, 0);
  table_.filter_mask_ = words - 1;
  for (uint64_t h : hashes_) table_.filter_[(h >> 32) & table_.filter_mask_] |= StringTable::FilterBits(h);
  return std::move(table_);
}

}  // namespace bulwark::warninglist
