#include "common/ip.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace bulwark {
namespace {

std::string Canon(std::string_view s) {
  auto r = IpAddress::Parse(s);
  return r.ok() ? r->ToString() : "ERR";
}

TEST(IpAddress, ParsesAndFormatsIpv4) {
  EXPECT_EQ(Canon("1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(Canon("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(Canon("255.255.255.255"), "255.255.255.255");
  auto a = IpAddress::Parse("192.168.1.10");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->v4_value(), 0xc0a8010au);
  EXPECT_EQ(a->bit_width(), 32);
  EXPECT_EQ(IpAddress::V4(0x7f000001).ToString(), "127.0.0.1");
}

TEST(IpAddress, RejectsBadIpv4) {
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.4 ", " 1.2.3.4", "1..3.4", "1.2.3.",
        ".1.2.3", "a.b.c.d", "1.2.3.4/8", "0x1.2.3.4", "1.2.3.-4", "1234.1.1.1", "1.2.3.4\n"}) {
    EXPECT_FALSE(IpAddress::Parse(bad).ok()) << bad;
  }
  auto err = IpAddress::Parse("01.2.3.4");
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().code, ErrorCode::kInvalid);
  EXPECT_NE(err.error().message.find("01.2.3.4"), std::string::npos);
}

TEST(IpAddress, FormatsIpv6PerRfc5952) {
  EXPECT_EQ(Canon("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(Canon("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");     // first of two equal runs
  EXPECT_EQ(Canon("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // a single zero group stays
  EXPECT_EQ(Canon("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");           // the longest run wins
  EXPECT_EQ(Canon("::"), "::");
  EXPECT_EQ(Canon("::1"), "::1");
  EXPECT_EQ(Canon("1::"), "1::");
  EXPECT_EQ(Canon("fe80::1:2"), "fe80::1:2");
  EXPECT_EQ(Canon("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
  EXPECT_EQ(Canon("::FFFF:0102:0304"), "::ffff:1.2.3.4");
  EXPECT_EQ(Canon("64:ff9b::192.0.2.33"), "64:ff9b::c000:221");
  EXPECT_EQ(Canon("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");  // "::" for one group is accepted on input
  EXPECT_EQ(Canon("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST(IpAddress, RejectsBadIpv6) {
  for (const char* bad : {":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1",
                          "::1:", ":1::", "fe80::1%eth0", "[::1]", "::1/128", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3",
                          "::01.2.3.4", "1.2.3.4::", "1:2:3:4:5:6:7:8::", "::1 "}) {
    EXPECT_FALSE(IpAddress::Parse(bad).ok()) << bad;
  }
}

// Our parser agrees with glibc's inet_pton on acceptance, and with inet_ntop on formatting (except for
// deprecated IPv4-compatible addresses, which glibc prints in dotted form).
TEST(IpAddress, AgreesWithInetPton) {
  std::vector<std::string> inputs = {"1.2.3.4",
                                     "01.2.3.4",
                                     "1.2.3.256",
                                     "::",
                                     "::1",
                                     "1::",
                                     "2001:db8::",
                                     "2001:db8:0:0:1:0:0:1",
                                     "::ffff:10.0.0.1",
                                     "1:2:3:4:5:6:7:8",
                                     "1:2:3:4:5:6:7::",
                                     "::2:3:4:5:6:7:8",
                                     "abcd:ef01::",
                                     "1::2:3",
                                     "1:2::3:4:5",
                                     "0:0:1::",
                                     "a:b:c:d:e:f:0:0",
                                     "fe80::",
                                     "0::0",
                                     "00000::1"};
  for (const auto& s : inputs) {
    unsigned char buf[16];
    bool is6 = s.find(':') != std::string::npos;
    bool glibc_ok = inet_pton(is6 ? AF_INET6 : AF_INET, s.c_str(), buf) == 1;
    auto ours = IpAddress::Parse(s);
    EXPECT_EQ(ours.ok(), glibc_ok) << s;
    if (!glibc_ok || !ours.ok()) continue;
    char text[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(is6 ? AF_INET6 : AF_INET, buf, text, sizeof(text)), nullptr);
    EXPECT_EQ(ours->ToString(), std::string(text)) << s;
  }
}

TEST(IpAddress, OrderingEqualityAndHash) {
  auto v4 = *IpAddress::Parse("1.2.3.4");
  auto mapped = *IpAddress::Parse("::ffff:1.2.3.4");
  EXPECT_NE(v4, mapped);  // the family is part of the value
  EXPECT_EQ(v4.bytes(), mapped.bytes());
  EXPECT_LT(v4, mapped);
  EXPECT_LT(*IpAddress::Parse("255.255.255.255"), *IpAddress::Parse("::"));
  EXPECT_LT(*IpAddress::Parse("1.2.3.4"), *IpAddress::Parse("1.2.3.5"));
  EXPECT_LT(*IpAddress::Parse("9.0.0.0"), *IpAddress::Parse("10.0.0.0"));
  EXPECT_EQ(*IpAddress::Parse("2001:DB8::1"), *IpAddress::Parse("2001:db8:0::1"));
  std::unordered_set<IpAddress> set{v4, mapped, *IpAddress::Parse("1.2.3.4")};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(std::hash<IpAddress>()(v4), std::hash<IpAddress>()(*IpAddress::Parse("1.2.3.4")));
}

TEST(IpAddress, MaskAndBits) {
  auto a = *IpAddress::Parse("192.168.171.5");
  EXPECT_EQ(a.Masked(16).ToString(), "192.168.0.0");
  EXPECT_EQ(a.Masked(20).ToString(), "192.168.160.0");
  EXPECT_EQ(a.Masked(0).ToString(), "0.0.0.0");
  EXPECT_EQ(a.Masked(32), a);
  EXPECT_EQ(a.Masked(99), a);
  EXPECT_TRUE(a.Bit(0));
  EXPECT_TRUE(a.Bit(1));
  EXPECT_FALSE(a.Bit(2));
  EXPECT_TRUE(a.Bit(31));
  EXPECT_FALSE(a.Bit(32));
  auto b = *IpAddress::Parse("2001:db8:ffff::1");
  EXPECT_EQ(b.Masked(36).ToString(), "2001:db8:f000::");
  EXPECT_EQ(b.Masked(128), b);
}

TEST(Cidr, ParseAndFormat) {
  auto c = Cidr::Parse("10.0.0.0/8");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->prefix_length(), 8);
  EXPECT_EQ(c->ToString(), "10.0.0.0/8");
  EXPECT_EQ(Cidr::Parse("2001:DB8::/32")->ToString(), "2001:db8::/32");
  EXPECT_EQ(Cidr::Parse("1.2.3.4")->ToString(), "1.2.3.4/32");
  EXPECT_TRUE(Cidr::Parse("1.2.3.4")->IsHost());
  EXPECT_EQ(Cidr::Parse("::1")->prefix_length(), 128);
  EXPECT_EQ(Cidr::Parse("0.0.0.0/0")->ToString(), "0.0.0.0/0");
  EXPECT_EQ(Cidr::Parse("10.0.0.0/08")->ToString(), "10.0.0.0/8");
}

TEST(Cidr, HostBitsAreRejectedOrMasked) {
  auto strict = Cidr::Parse("10.1.2.3/8");
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error().code, ErrorCode::kInvalid);
  EXPECT_NE(strict.error().message.find("10.0.0.0"), std::string::npos) << strict.error().message;
  auto masked = Cidr::ParseMasked("10.1.2.3/8");
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ(masked->ToString(), "10.0.0.0/8");
  EXPECT_EQ(Cidr::ParseMasked("2001:db8::1/64")->ToString(), "2001:db8::/64");
}

TEST(Cidr, RejectsBadPrefixes) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8",
                          "10.0.0.0/1000", "10.0.0/8", "/8", "10.0.0.0/ 8", "10.0.0.0/8a"}) {
    EXPECT_FALSE(Cidr::ParseMasked(bad).ok()) << bad;
  }
  EXPECT_FALSE(Cidr::Make(*IpAddress::Parse("1.2.3.4"), 33).ok());
  EXPECT_FALSE(Cidr::MakeMasked(*IpAddress::Parse("1.2.3.4"), -1).ok());
}

TEST(Cidr, Contains) {
  auto net = *Cidr::Parse("192.168.0.0/16");
  EXPECT_TRUE(net.Contains(*IpAddress::Parse("192.168.255.1")));
  EXPECT_FALSE(net.Contains(*IpAddress::Parse("192.169.0.1")));
  EXPECT_FALSE(net.Contains(*IpAddress::Parse("::ffff:192.168.0.1")));  // other family
  EXPECT_TRUE(net.Contains(*Cidr::Parse("192.168.4.0/24")));
  EXPECT_TRUE(net.Contains(net));
  EXPECT_FALSE(net.Contains(*Cidr::Parse("192.0.0.0/8")));
  EXPECT_FALSE(Cidr::Parse("192.168.4.0/24")->Contains(net));
  auto all4 = *Cidr::Parse("0.0.0.0/0");
  EXPECT_TRUE(all4.Contains(*IpAddress::Parse("8.8.8.8")));
  EXPECT_FALSE(all4.Contains(*IpAddress::Parse("::")));
  auto v6 = *Cidr::Parse("2001:db8::/32");
  EXPECT_TRUE(v6.Contains(*IpAddress::Parse("2001:db8:1234::5")));
  EXPECT_FALSE(v6.Contains(*IpAddress::Parse("2001:db9::")));
  EXPECT_TRUE(v6.Contains(*Cidr::Parse("2001:db8:8000::/33")));
}

TEST(Cidr, EqualityOrderingHash) {
  EXPECT_EQ(*Cidr::Parse("10.0.0.0/8"), *Cidr::ParseMasked("10.9.9.9/8"));
  EXPECT_NE(*Cidr::Parse("10.0.0.0/8"), *Cidr::Parse("10.0.0.0/9"));
  EXPECT_LT(*Cidr::Parse("10.0.0.0/8"), *Cidr::Parse("10.0.0.0/9"));
  std::unordered_set<Cidr> set{*Cidr::Parse("10.0.0.0/8"), *Cidr::Parse("10.0.0.0/9"), *Cidr::Parse("10.0.0.0/8")};
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace bulwark
