#include "warninglist/ip_ranges.h"

#include <algorithm>

namespace bulwark::warninglist {
namespace {

uint64_t Load64(const IpAddress::Bytes& b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | b[at + i];
  return v;
}

uint32_t Top16(uint32_t k) { return k >> 16; }
uint64_t TopBits(uint32_t k, int bits) { return k >> (32 - bits); }
template <typename K>
uint32_t Top16(const K& k) {
  return static_cast<uint32_t>(k.hi >> 48);
}

bool IsMax(uint32_t k) { return k == UINT32_MAX; }
template <typename K>
uint64_t TopBits(const K& k, int bits) {
  return k.hi >> (64 - bits);
}

template <typename K>
bool IsMax(const K& k) {
  return k.hi == UINT64_MAX && k.lo == UINT64_MAX;
}

uint32_t Next(uint32_t k) { return k + 1; }
uint32_t Prev(uint32_t k) { return k - 1; }
template <typename K>
K Prev(K k) {
  if (k.lo-- == 0) --k.hi;
  return k;
}
template <typename K>
K Next(K k) {
  if (++k.lo == 0) ++k.hi;
  return k;
}

}  // namespace

IpRangeTable::Key128 IpRangeTable::FirstKey6(const Cidr& c) {
  return Key128{Load64(c.network().bytes(), 0), Load64(c.network().bytes(), 8)};
}

IpRangeTable::Key128 IpRangeTable::LastKey6(const Cidr& c) {
  Key128 k = FirstKey6(c);
  const int host_bits = 128 - c.prefix_length();
  if (host_bits >= 128) return Key128{UINT64_MAX, UINT64_MAX};
  if (host_bits >= 64) {
    k.lo = UINT64_MAX;
    k.hi |= host_bits == 64 ? 0 : (UINT64_MAX >> (128 - host_bits));
  } else if (host_bits > 0) {
    k.lo |= UINT64_MAX >> (64 - host_bits);
  }
  return k;
}

uint32_t IpRangeTable::FirstKey4(const Cidr& c) { return c.network().v4_value(); }

uint32_t IpRangeTable::LastKey4(const Cidr& c) {
  const int host_bits = 32 - c.prefix_length();
  const uint32_t host_mask = host_bits >= 32 ? UINT32_MAX : (uint32_t{1} << host_bits) - 1;
  return FirstKey4(c) | host_mask;
}

template <typename K>
size_t IpRangeTable::Space<K>::IntervalOf(const K& k) const {
  const uint32_t b = Top16(k);
  const auto begin = intervals.begin() + buckets[b];
  const auto end = intervals.begin() + buckets[b + 1];
  const auto it = std::upper_bound(begin, end, k, [](const K& key, const Interval<K>& in) { return key < in.start; });
  return static_cast<size_t>(it - intervals.begin()) - 1;  // intervals[0].start == 0 <= k: never below 0
}

template <typename K>
std::span<const IpRangeTable::Match> IpRangeTable::Space<K>::HostMatches(const K& k) const {
  if (intervals.empty()) return {};
  const uint64_t block = TopBits(k, kCoverBits);
  if (!((covered[block >> 6] >> (block & 63)) & 1)) return {};
  const size_t i = IntervalOf(k);
  const uint32_t count = intervals[i + 1].host_begin - intervals[i].host_begin;
  if (count == 1) return {&intervals[i].first, 1};
  return {host_matches.data() + intervals[i].host_begin, count};
}

template <typename K>
void IpRangeTable::Space<K>::FindContaining(const K& first, const K& last, std::vector<Match>& out) const {
  if (intervals.empty()) return;
  const size_t i = IntervalOf(first);
  uint32_t previous_list = UINT32_MAX;
  for (uint32_t m = intervals[i].member_begin; m < intervals[i + 1].member_begin; ++m) {
    const Range<K>& r = ranges[members[m]];
    if (r.match.posting.list == previous_list) continue;  // a more specific range of this list already matched
    if (r.last < last) continue;                          // covers the first address but not the whole prefix
    out.push_back(r.match);
    previous_list = r.match.posting.list;
  }
}

std::span<const IpRangeTable::Match> IpRangeTable::FindV4(uint32_t address) const {
  return v4_.HostMatches(address);
}

std::span<const IpRangeTable::Match> IpRangeTable::FindAddress(const IpAddress& address) const {
  if (address.is_v4()) return v4_.HostMatches(address.v4_value());
  return v6_.HostMatches(Key128{Load64(address.bytes(), 0), Load64(address.bytes(), 8)});
}

void IpRangeTable::FindContaining(const Cidr& prefix, std::vector<Match>& out) const {
  if (prefix.network().is_v4()) {
    v4_.FindContaining(FirstKey4(prefix), LastKey4(prefix), out);
  } else {
    v6_.FindContaining(FirstKey6(prefix), LastKey6(prefix), out);
  }
}

template <typename K>
void IpRangeTable::Space<K>::Build() {
  if (ranges.empty()) return;
  // Interval boundaries: 0, every range start, and the address after every range end.
  std::vector<K> starts;
  starts.push_back(K{});
  for (const Range<K>& r : ranges) {
    starts.push_back(r.first);
    if (!IsMax(r.last)) starts.push_back(Next(r.last));
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

  std::vector<uint32_t> by_first(ranges.size());
  for (uint32_t i = 0; i < by_first.size(); ++i) by_first[i] = i;
  std::vector<uint32_t> by_last = by_first;
  std::sort(by_first.begin(), by_first.end(), [&](uint32_t a, uint32_t b) { return ranges[a].first < ranges[b].first; });
  std::sort(by_last.begin(), by_last.end(), [&](uint32_t a, uint32_t b) { return ranges[a].last < ranges[b].last; });
  auto order = [&](uint32_t a, uint32_t b) {
    const Range<K>& x = ranges[a];
    const Range<K>& y = ranges[b];
    if (x.match.posting.list != y.match.posting.list) return x.match.posting.list < y.match.posting.list;
    if (x.match.prefix_length != y.match.prefix_length) return x.match.prefix_length > y.match.prefix_length;
    return x.match.posting.entry < y.match.posting.entry;
  };

  // Sweep the boundaries in order, keeping the ranges that cover the current interval (kept sorted).
  std::vector<uint32_t> active;
  size_t next_first = 0;
  size_t next_last = 0;
  intervals.clear();
  intervals.reserve(starts.size() + 1);
  members.clear();
  host_matches.clear();
  for (const K& start : starts) {
    while (next_last < by_last.size() && ranges[by_last[next_last]].last < start) {
      auto it = std::find(active.begin(), active.end(), by_last[next_last]);
      if (it != active.end()) active.erase(it);
      ++next_last;
    }
    bool added = false;
    while (next_first < by_first.size() && ranges[by_first[next_first]].first == start) {
      active.push_back(by_first[next_first]);
      ++next_first;
      added = true;
    }
    if (added) std::sort(active.begin(), active.end(), order);
    const auto host_begin = static_cast<uint32_t>(host_matches.size());
    const auto member_begin = static_cast<uint32_t>(members.size());
    members.insert(members.end(), active.begin(), active.end());
    uint32_t previous_list = UINT32_MAX;
    for (uint32_t r : active) {
      if (ranges[r].match.posting.list == previous_list) continue;
      host_matches.push_back(ranges[r].match);
      previous_list = ranges[r].match.posting.list;
    }
    intervals.push_back({start, host_begin, member_begin,
                         host_begin < host_matches.size() ? host_matches[host_begin] : Match{}});
  }
  intervals.push_back(
      {K{}, static_cast<uint32_t>(host_matches.size()), static_cast<uint32_t>(members.size()), Match{}});

  covered.assign((size_t{1} << kCoverBits) / 64, 0);
  // Intervals are disjoint, so marking each matching interval's blocks costs at most one step per block plus
  // one per interval, whatever the ranges.
  const size_t n = intervals.size() - 1;  // without the sentinel
  for (size_t i = 0; i < n; ++i) {
    if (intervals[i].host_begin == intervals[i + 1].host_begin) continue;
    const uint64_t last = i + 1 < n ? TopBits(Prev(intervals[i + 1].start), kCoverBits)
                                    : (uint64_t{1} << kCoverBits) - 1;
    for (uint64_t b = TopBits(intervals[i].start, kCoverBits); b <= last; ++b) {
      covered[b >> 6] |= uint64_t{1} << (b & 63);
    }
  }

  buckets.assign(65537, 0);
  size_t i = 0;
  for (uint32_t b = 0; b <= 65536; ++b) {
    while (i < starts.size() && Top16(starts[i]) < b) ++i;
    buckets[b] = static_cast<uint32_t>(i);
  }
}

void IpRangeTableBuilder::Add(const Cidr& range, Posting posting, std::string_view text) {
  const IpRangeTable::Match match{posting, range.prefix_length(), static_cast<uint32_t>(table_.texts_.size()),
                                  static_cast<uint32_t>(text.size())};
  table_.texts_.append(text);
  if (range.network().is_v4()) {
    table_.v4_.ranges.push_back({IpRangeTable::FirstKey4(range), IpRangeTable::LastKey4(range), match});
  } else {
    table_.v6_.ranges.push_back({IpRangeTable::FirstKey6(range), IpRangeTable::LastKey6(range), match});
  }
}

IpRangeTable IpRangeTableBuilder::Build() && {
  table_.v4_.Build();
  table_.v6_.Build();
  return std::move(table_);
}

}  // namespace bulwark::warninglist
