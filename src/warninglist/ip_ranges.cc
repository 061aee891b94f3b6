#include "warninglist/ip_ranges.h"

#include <algorithm>

namespace bulwark::warninglist {
namespace {

uint64_t Load64(const IpAddress::Bytes& b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | b[at + i];
  return v;
}

}  // namespace

// IPv4 addresses are left-aligned in the 128-bit key (value << 96), so both families share one layout and the
// bucket step on the top 16 bits spreads IPv4 addresses as well as IPv6 ones.
IpRangeTable::Key IpRangeTable::FirstKey(const Cidr& c) {
  const IpAddress& a = c.network();
  if (a.is_v4()) return Key{uint64_t{a.v4_value()} << 32, 0};
  return Key{Load64(a.bytes(), 0), Load64(a.bytes(), 8)};
}

IpRangeTable::Key IpRangeTable::LastKey(const Cidr& c) {
  Key k = FirstKey(c);
  const int width = c.network().bit_width();
  const int host_bits = width - c.prefix_length() + (c.network().is_v4() ? 96 : 0);  // bits after the prefix
  if (host_bits >= 128) return Key{UINT64_MAX, UINT64_MAX};
  if (host_bits >= 64) {
    k.lo = UINT64_MAX;
    k.hi |= host_bits == 64 ? 0 : (UINT64_MAX >> (128 - host_bits));
  } else if (host_bits > 0) {
    k.lo |= UINT64_MAX >> (64 - host_bits);
  }
  return k;
}

size_t IpRangeTable::Space::IntervalOf(const Key& k) const {
  const auto b = static_cast<size_t>(k.hi >> 48);
  auto begin = starts.begin() + buckets[b];
  auto end = starts.begin() + buckets[b + 1];
  auto it = std::upper_bound(begin, end, k);
  return static_cast<size_t>(it - starts.begin()) - 1;  // starts[0] == 0 <= k, so never below 0
}

void IpRangeTable::FindContaining(const Cidr& prefix, std::vector<Match>& out) const {
  const Space& s = prefix.network().is_v4() ? v4_ : v6_;
  if (s.ranges.empty()) return;
  const Key first = FirstKey(prefix);
  const Key last = LastKey(prefix);
  const size_t i = s.IntervalOf(first);
  uint32_t previous_list = UINT32_MAX;
  for (uint32_t m = s.offsets[i]; m < s.offsets[i + 1]; ++m) {
    const Range& r = s.ranges[s.members[m]];
    if (r.posting.list == previous_list) continue;  // a more specific range of this list already matched
    if (r.last < last) continue;                    // covers the first address but not the whole prefix
    out.push_back({r.posting, r.prefix_length});
    previous_list = r.posting.list;
  }
}

void IpRangeTable::Space::Build() {
  if (ranges.empty()) return;
  // Interval boundaries: 0, every range start, and the address after every range end.
  starts.clear();
  starts.push_back(Key{});
  for (const Range& r : ranges) {
    starts.push_back(r.first);
    if (r.last.hi != UINT64_MAX || r.last.lo != UINT64_MAX) {
      Key next = r.last;
      if (++next.lo == 0) ++next.hi;
      starts.push_back(next);
    }
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

  std::vector<uint32_t> by_first(ranges.size());
  for (uint32_t i = 0; i < by_first.size(); ++i) by_first[i] = i;
  std::vector<uint32_t> by_last = by_first;
  std::sort(by_first.begin(), by_first.end(), [&](uint32_t a, uint32_t b) { return ranges[a].first < ranges[b].first; });
  std::sort(by_last.begin(), by_last.end(), [&](uint32_t a, uint32_t b) { return ranges[a].last < ranges[b].last; });
  auto order = [&](uint32_t a, uint32_t b) {
    const Range& x = ranges[a];
    const Range& y = ranges[b];
    if (x.posting.list != y.posting.list) return x.posting.list < y.posting.list;
    if (x.prefix_length != y.prefix_length) return x.prefix_length > y.prefix_length;
    return x.posting.entry < y.posting.entry;
  };

  // Sweep the boundaries in order, keeping the ranges that cover the current interval.
  std::vector<uint32_t> active;
  size_t next_first = 0;
  size_t next_last = 0;
  offsets.assign(1, 0);
  members.clear();
  for (const Key& start : starts) {
    while (next_last < by_last.size() && ranges[by_last[next_last]].last < start) {
      auto it = std::find(active.begin(), active.end(), by_last[next_last]);
      if (it != active.end()) active.erase(it);
      ++next_last;
    }
    while (next_first < by_first.size() && ranges[by_first[next_first]].first == start) {
      active.push_back(by_first[next_first]);
      ++next_first;
    }
    std::sort(active.begin(), active.end(), order);
    members.insert(members.end(), active.begin(), active.end());
    offsets.push_back(static_cast<uint32_t>(members.size()));
  }

  buckets.assign(65537, 0);
  size_t i = 0;
  for (size_t b = 0; b <= 65536; ++b) {
    while (i < starts.size() && (starts[i].hi >> 48) < b) ++i;
    buckets[b] = static_cast<uint32_t>(i);
  }
}

void IpRangeTableBuilder::Add(const Cidr& range, Posting posting) {
  IpRangeTable::Range r{IpRangeTable::FirstKey(range), IpRangeTable::LastKey(range), posting, range.prefix_length()};
  (range.network().is_v4() ? table_.v4_ : table_.v6_).ranges.push_back(r);
}

IpRangeTable IpRangeTableBuilder::Build() && {
  table_.v4_.Build();
  table_.v6_.Build();
  return std::move(table_);
}

}  // namespace bulwark::warninglist
