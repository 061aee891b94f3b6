// An immutable table of IP ranges (CIDR entries of many lists) answering "which listed ranges contain this
// address, or every address of this prefix", for IPv4 and IPv6 alike.
//
// The address space is cut at every range boundary into elementary intervals; each interval lists the ranges
// that cover it, sorted by list and then most specific first. A lookup is a bucket step on the top 16 bits
// and a binary search, independent of how many lists there are. IPv4 and IPv6 ranges live in separate key
// spaces (an IPv4 address never matches an IPv6 range, also not an IPv4-mapped one).
// Thread-safety: immutable after Build(); concurrent lookups are safe.
#pragma once

#include <cstdint>
#include <vector>

#include "common/ip.h"
#include "warninglist/string_table.h"

namespace bulwark::warninglist {

class IpRangeTable {
 public:
  struct Match {
    Posting posting;
    int prefix_length;
  };

  // For each list, the most specific range that contains every address of `prefix` (a host prefix is a
  // single address), appended to `out` in list order.
  void FindContaining(const Cidr& prefix, std::vector<Match>& out) const;

  size_t range_count() const { return v4_.ranges.size() + v6_.ranges.size(); }

 private:
  friend class IpRangeTableBuilder;
  struct Key {
    uint64_t hi = 0;
    uint64_t lo = 0;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  struct Range {
    Key first;
    Key last;
    Posting posting;
    int prefix_length;
  };
  struct Space {
    std::vector<Range> ranges;
    std::vector<Key> starts;          // sorted interval starts; starts[0] is 0
    std::vector<uint32_t> offsets;    // interval i covers members[offsets[i] .. offsets[i+1])
    std::vector<uint32_t> members;    // range indices
    std::vector<uint32_t> buckets;    // 65537 entries: first interval whose start's top 16 bits are >= b
    size_t IntervalOf(const Key& k) const;
    void Build();
  };
  static Key FirstKey(const Cidr& c);
  static Key LastKey(const Cidr& c);

  Space v4_;
  Space v6_;
};

class IpRangeTableBuilder {
 public:
  void Add(const Cidr& range, Posting posting);
  IpRangeTable Build() &&;

 private:
  IpRangeTable table_;
};

}  // namespace bulwark::warninglist
