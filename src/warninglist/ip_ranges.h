// An immutable table of IP ranges (CIDR entries of many lists) answering "which listed ranges contain this
// address, or every address of this prefix", for IPv4 and IPv6 alike.
//
// All lists share one structure per address family: the address space is cut at every range boundary into
// sorted, disjoint elementary intervals, and each interval carries the ranges that cover it, sorted by list and
// then most specific first. For a single address the answer is precomputed per interval (the most specific
// range of each list), so FindAddress is a bucket step on the top 16 bits, a short binary search and a span into
// the table: no allocation, independent of how many lists there are. IPv4 uses 32-bit keys, IPv6 128-bit keys;
// an IPv4 address never matches an IPv6 range, also not an IPv4-mapped one.
// Thread-safety: immutable after Build(); concurrent lookups are safe.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip.h"
#include "warninglist/string_table.h"

namespace bulwark::warninglist {

class IpRangeTable {
 public:
  struct Match {
    Posting posting;
    int prefix_length;
    uint32_t text_offset;  // the range's entry text, as added: see text()
    uint32_t text_length;
  };

  // For each list, the most specific range that contains `address`, in list order. The span points into the
  // table and is valid while it lives.
  std::span<const Match> FindAddress(const IpAddress& address) const;
  std::span<const Match> FindV4(uint32_t address) const;  // address in host order (0x7f000001 is 127.0.0.1)

  // For each list, the most specific range that contains every address of `prefix` (a host prefix is a
  // single address), appended to `out` in list order.
  void FindContaining(const Cidr& prefix, std::vector<Match>& out) const;

  // The entry text a range was added with (a view into the table, valid while it lives).
  std::string_view text(const Match& m) const { return {texts_.data() + m.text_offset, m.text_length}; }

  size_t range_count() const { return v4_.ranges.size() + v6_.ranges.size(); }

 private:
  friend class IpRangeTableBuilder;
  struct Key128 {
    uint64_t hi = 0;
    uint64_t lo = 0;
    friend auto operator<=>(const Key128&, const Key128&) = default;
  };
  static constexpr int kCoverBits = 20;
  template <typename K>
  struct Range {
    K first;
    K last;
    Match match;
  };
  // An elementary interval: from `start` to the next interval's start. The intervals are followed by a sentinel
  // whose begin fields end the last interval's runs.
  template <typename K>
  struct Interval {
    K start;
    uint32_t host_begin;    // its host matches: host_matches[host_begin .. next.host_begin)
    uint32_t member_begin;  // the ranges covering it: members[member_begin .. next.member_begin)
    Match first;            // host_matches[host_begin] when there is one: a lookup with one match reads no more
  };
  template <typename K>
  struct Space {
    std::vector<Range<K>> ranges;
    std::vector<Interval<K>> intervals;  // sorted by start; intervals[0].start is 0; then the sentinel
    std::vector<uint32_t> buckets;       // 65537 entries: first interval whose start's top 16 bits are >= b
    std::vector<uint32_t> members;       // range indices, by list then most specific first
    std::vector<Match> host_matches;     // per interval, the first (most specific) member of each list
    // Bit b set when some address whose top kCoverBits bits are b is in a range: most addresses are in none,
    // and this bitmap (128 KiB, small enough to stay in cache) answers them without touching the intervals.
    std::vector<uint64_t> covered;
    size_t IntervalOf(const K& k) const;
    std::span<const Match> HostMatches(const K& k) const;
    void FindContaining(const K& first, const K& last, std::vector<Match>& out) const;
    void Build();
  };
  static Key128 FirstKey6(const Cidr& c);
  static Key128 LastKey6(const Cidr& c);
  static uint32_t FirstKey4(const Cidr& c);
  static uint32_t LastKey4(const Cidr& c);

  Space<uint32_t> v4_;
  Space<Key128> v6_;
  std::string texts_;  // every range's entry text, back to back
};

class IpRangeTableBuilder {
 public:
  // Adds a range; `text` is what a match reports (the list entry as written). The texts total under 4 GiB.
  void Add(const Cidr& range, Posting posting, std::string_view text);
  IpRangeTable Build() &&;

 private:
  IpRangeTable table_;
};

}  // namespace bulwark::warninglist
