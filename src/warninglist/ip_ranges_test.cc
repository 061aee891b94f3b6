// IpRangeTable: overlapping ranges of several lists merged into one interval table, the precomputed answers
// for single addresses (most specific range per list, in list order), interval edges, the coverage bitmap's
// blocks, IPv6, and prefix containment.
#include "warninglist/ip_ranges.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bulwark::warninglist {
namespace {

IpRangeTable Table(const std::vector<std::pair<uint32_t, std::string>>& ranges) {
  IpRangeTableBuilder b;
  uint32_t entry = 0;
  for (const auto& [list, text] : ranges) {
    auto cidr = Cidr::ParseMasked(text);
    EXPECT_TRUE(cidr.ok()) << text;
    if (cidr.ok()) b.Add(*cidr, Posting{list, entry++}, text);
  }
  return std::move(b).Build();
}

IpAddress Ip(std::string_view text) {
  auto a = IpAddress::Parse(text);
  EXPECT_TRUE(a.ok()) << text;
  return a.ok() ? *a : IpAddress();
}

// "list:text" for each match.
std::vector<std::string> Names(const IpRangeTable& t, std::span<const IpRangeTable::Match> matches) {
  std::vector<std::string> out;
  for (const auto& m : matches) out.push_back(std::to_string(m.posting.list) + ":" + std::string(t.text(m)));
  return out;
}

using V = std::vector<std::string>;

TEST(IpRangeTableTest, OverlappingRangesOfSeveralLists) {
  const IpRangeTable t = Table({{0, "10.0.0.0/8"}, {0, "10.1.0.0/16"}, {1, "10.1.2.0/24"}, {2, "0.0.0.0/0"},
                                {1, "10.1.2.0/25"}});
  EXPECT_EQ(t.range_count(), 5u);
  // Each list once, its most specific range, in list order.
  EXPECT_EQ(Names(t, t.FindV4(0x0A010203)), (V{"0:10.1.0.0/16", "1:10.1.2.0/25", "2:0.0.0.0/0"}));
  EXPECT_EQ(Names(t, t.FindV4(0x0A0102F0)), (V{"0:10.1.0.0/16", "1:10.1.2.0/24", "2:0.0.0.0/0"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("10.2.0.1"))), (V{"0:10.0.0.0/8", "2:0.0.0.0/0"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("11.0.0.0"))), (V{"2:0.0.0.0/0"}));
  // Interval edges.
  EXPECT_EQ(Names(t, t.FindAddress(Ip("10.1.255.255"))), (V{"0:10.1.0.0/16", "2:0.0.0.0/0"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("10.2.0.0"))), (V{"0:10.0.0.0/8", "2:0.0.0.0/0"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("9.255.255.255"))), (V{"2:0.0.0.0/0"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("255.255.255.255"))), (V{"2:0.0.0.0/0"}));
}

TEST(IpRangeTableTest, AddressesOutsideEveryRangeAndInsideACoveredBlock) {
  // 192.168.1.1 alone: its 4096-address block is marked covered, but its neighbours match nothing.
  const IpRangeTable t = Table({{0, "192.168.1.1"}, {1, "10.0.0.0/8"}, {1, "255.255.255.255/32"}});
  EXPECT_EQ(Names(t, t.FindAddress(Ip("192.168.1.1"))), (V{"0:192.168.1.1"}));
  EXPECT_TRUE(t.FindAddress(Ip("192.168.1.0")).empty());
  EXPECT_TRUE(t.FindAddress(Ip("192.168.1.2")).empty());
  EXPECT_TRUE(t.FindAddress(Ip("9.255.255.255")).empty());
  EXPECT_EQ(Names(t, t.FindAddress(Ip("10.0.0.0"))), (V{"1:10.0.0.0/8"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("10.255.255.255"))), (V{"1:10.0.0.0/8"}));
  EXPECT_TRUE(t.FindAddress(Ip("11.0.0.0")).empty());
  EXPECT_EQ(Names(t, t.FindAddress(Ip("255.255.255.255"))), (V{"1:255.255.255.255/32"}));
  EXPECT_TRUE(t.FindAddress(Ip("255.255.255.254")).empty());
  EXPECT_TRUE(t.FindAddress(Ip("0.0.0.0")).empty());
}

TEST(IpRangeTableTest, Ipv6AndFamiliesKeptApart) {
  const IpRangeTable t = Table({{0, "2001:db8::/32"}, {1, "2001:db8:1::/48"}, {2, "::/0"}, {3, "10.0.0.0/8"},
                                {4, "ffff::/16"}});
  EXPECT_EQ(Names(t, t.FindAddress(Ip("2001:db8:1::5"))), (V{"0:2001:db8::/32", "1:2001:db8:1::/48", "2:::/0"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("2001:db8:2::5"))), (V{"0:2001:db8::/32", "2:::/0"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("2001:db9::"))), (V{"2:::/0"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))), (V{"2:::/0", "4:ffff::/16"}));
  // An IPv4 address matches only IPv4 ranges; an IPv4-mapped IPv6 address only IPv6 ones.
  EXPECT_EQ(Names(t, t.FindAddress(Ip("10.0.0.1"))), (V{"3:10.0.0.0/8"}));
  EXPECT_EQ(Names(t, t.FindAddress(Ip("::ffff:10.0.0.1"))), (V{"2:::/0"}));
}

TEST(IpRangeTableTest, PrefixesMatchRangesContainingAllOfThem) {
  const IpRangeTable t = Table({{0, "10.0.0.0/8"}, {0, "10.1.0.0/16"}, {1, "10.1.2.0/24"}, {2, "2001:db8::/32"}});
  auto find = [&](std::string_view text) {
    std::vector<IpRangeTable::Match> out;
    t.FindContaining(*Cidr::ParseMasked(text), out);
    return Names(t, out);
  };
  EXPECT_EQ(find("10.1.0.0/16"), (V{"0:10.1.0.0/16"}));  // the /24 of list 1 does not contain all of it
  EXPECT_EQ(find("10.1.2.0/24"), (V{"0:10.1.0.0/16", "1:10.1.2.0/24"}));
  EXPECT_EQ(find("10.0.0.0/7"), V{});
  EXPECT_EQ(find("2001:db8:ff00::/40"), (V{"2:2001:db8::/32"}));
  EXPECT_EQ(find("10.1.2.3"), (V{"0:10.1.0.0/16", "1:10.1.2.0/24"}));
}

TEST(IpRangeTableTest, EmptyTable) {
  const IpRangeTable t = Table({});
  EXPECT_TRUE(t.FindAddress(Ip("10.0.0.1")).empty());
  EXPECT_TRUE(t.FindAddress(Ip("::1")).empty());
  std::vector<IpRangeTable::Match> out;
  t.FindContaining(*Cidr::ParseMasked("10.0.0.0/8"), out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace bulwark::warninglist
