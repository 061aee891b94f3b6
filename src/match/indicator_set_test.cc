#include "match/indicator_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "match/match_test_util.h"
#include "match/normalize.h"

namespace bulwark::match {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using testing::Ind;
using testing::SetOf;

std::vector<std::string> Domains(const IndicatorSet& set, std::string_view name) {
  std::vector<std::string> out;
  set.MatchDomain(name, [&](const IndicatorHit& h) { out.push_back(h.indicator->value); });
  return out;
}

std::vector<std::string> Ips(const IndicatorSet& set, std::string_view text) {
  std::vector<std::string> out;
  auto a = IpAddress::Parse(text);
  EXPECT_TRUE(a.ok()) << text;
  set.MatchIp(*a, [&](const IndicatorHit& h) { out.push_back(h.indicator->value); });
  return out;
}

std::vector<std::string> Keys(const IndicatorSet& set, KeyKind kind, std::string_view key) {
  std::vector<std::string> out;
  set.MatchKey(kind, key, [&](const IndicatorHit& h) { out.push_back(h.indicator->value); });
  return out;
}

TEST(IndicatorSetTest, DomainsMatchThemselvesAndSubdomainsCaseFolded) {
  auto set = SetOf({Ind("domain", "Evil.COM."), Ind("hostname", "login.bank.example"), Ind("domain|ip", "x.org|1.2.3.4")});
  EXPECT_THAT(Domains(*set, "evil.com"), ElementsAre("Evil.COM."));
  EXPECT_THAT(Domains(*set, "a.b.EVIL.com"), ElementsAre("Evil.COM."));
  EXPECT_THAT(Domains(*set, "notevil.com"), IsEmpty());
  EXPECT_THAT(Domains(*set, "evil.com.au"), IsEmpty());
  EXPECT_THAT(Domains(*set, "com"), IsEmpty());
  EXPECT_THAT(Domains(*set, "bank.example"), IsEmpty());  // a parent of a host indicator does not match
  EXPECT_THAT(Domains(*set, "x.login.bank.example"), ElementsAre("login.bank.example"));
  EXPECT_THAT(Domains(*set, "www.x.org"), ElementsAre("x.org|1.2.3.4"));
  EXPECT_THAT(Ips(*set, "1.2.3.4"), ElementsAre("x.org|1.2.3.4"));
}

TEST(IndicatorSetTest, NestedDomainIndicatorsBothMatch) {
  auto set = SetOf({Ind("domain", "evil.com"), Ind("domain", "a.evil.com")});
  EXPECT_THAT(Domains(*set, "x.a.evil.com"), UnorderedElementsAre("evil.com", "a.evil.com"));
}

TEST(IndicatorSetTest, Ipv4LongestPrefixMatch) {
  auto set = SetOf({Ind("ip-dst", "10.0.0.0/8"), Ind("ip-src", "10.1.0.0/16"), Ind("ip-dst", "10.1.2.3"),
                    Ind("ip-dst|port", "192.0.2.7|443"), Ind("ip-src", "0.0.0.0/0", "default")});
  EXPECT_THAT(Ips(*set, "10.1.2.3"), ElementsAre("10.1.2.3"));
  EXPECT_THAT(Ips(*set, "10.1.9.9"), ElementsAre("10.1.0.0/16"));
  EXPECT_THAT(Ips(*set, "10.200.0.1"), ElementsAre("10.0.0.0/8"));
  EXPECT_THAT(Ips(*set, "192.0.2.7"), ElementsAre("192.0.2.7|443"));
  EXPECT_THAT(Ips(*set, "11.0.0.1"), ElementsAre("0.0.0.0/0"));
  EXPECT_THAT(Ips(*set, "::ffff:10.1.2.3"), IsEmpty());  // an IPv6 address is not the IPv4 one
}

TEST(IndicatorSetTest, Ipv6LongestPrefixMatch) {
  auto set = SetOf({Ind("ip-dst", "2001:db8::/32"), Ind("ip-dst", "2001:db8:1::/48"), Ind("ip-src", "2001:DB8::1")});
  EXPECT_THAT(Ips(*set, "2001:db8::1"), ElementsAre("2001:DB8::1"));
  EXPECT_THAT(Ips(*set, "2001:db8:1:2::5"), ElementsAre("2001:db8:1::/48"));
  EXPECT_THAT(Ips(*set, "2001:db8:ffff::5"), ElementsAre("2001:db8::/32"));
  EXPECT_THAT(Ips(*set, "2001:db9::1"), IsEmpty());
  EXPECT_THAT(Ips(*set, "32.1.13.184"), IsEmpty());  // the first 4 bytes of 2001:db8:: as IPv4
}

TEST(IndicatorSetTest, UrlsAreNormalised) {
  auto set = SetOf({Ind("url", "HTTP://Evil.COM.:80/a%7Eb/c?x=%2f"), Ind("url", "bad.example/path")});
  std::string key;
  ASSERT_TRUE(NormalizeUrl("http://evil.com/a~b/c?x=%2F", key));
  EXPECT_EQ(key, "evil.com/a~b/c?x=%2F");
  EXPECT_THAT(Keys(*set, KeyKind::kUrl, key), ElementsAre("HTTP://Evil.COM.:80/a%7Eb/c?x=%2f"));
  ASSERT_TRUE(NormalizeUrl("https://BAD.example/path", key));
  EXPECT_THAT(Keys(*set, KeyKind::kUrl, key), ElementsAre("bad.example/path"));
  ASSERT_TRUE(NormalizeUrl("http://bad.example:8080/path", key));
  EXPECT_THAT(Keys(*set, KeyKind::kUrl, key), IsEmpty());
}

TEST(IndicatorSetTest, EmailsHashesFilenamesJa3) {
  auto set = SetOf({Ind("email-src", "Phish@Evil.com"), Ind("md5", "D41D8CD98F00B204E9800998ECF8427E"),
                    Ind("filename|sha256", "Invoice.PDF.exe|" + std::string(64, 'a')),
                    Ind("ja3-fingerprint-md5", "e7d705a3286e19ea42f587b344ee6865"), Ind("filename", "dropper.dll")});
  EXPECT_THAT(Keys(*set, KeyKind::kEmail, "phish@EVIL.com"), ElementsAre("Phish@Evil.com"));
  EXPECT_THAT(Keys(*set, KeyKind::kHash, "d41d8cd98f00b204e9800998ecf8427e"),
              ElementsAre("D41D8CD98F00B204E9800998ECF8427E"));
  EXPECT_THAT(Keys(*set, KeyKind::kHash, std::string(64, 'A')), ElementsAre("Invoice.PDF.exe|" + std::string(64, 'a')));
  EXPECT_THAT(Keys(*set, KeyKind::kFilename, "invoice.pdf.EXE"), ElementsAre("Invoice.PDF.exe|" + std::string(64, 'a')));
  EXPECT_THAT(Keys(*set, KeyKind::kJa3, "E7D705A3286E19EA42F587B344EE6865"),
              ElementsAre("e7d705a3286e19ea42f587b344ee6865"));
  EXPECT_THAT(Keys(*set, KeyKind::kHash, "e7d705a3286e19ea42f587b344ee6865"), IsEmpty());  // a JA3 is not a file hash
  EXPECT_THAT(Keys(*set, KeyKind::kFilename, "dropper.dll"), ElementsAre("dropper.dll"));
}

TEST(IndicatorSetTest, UserAgentSubstrings) {
  auto set = SetOf({Ind("user-agent", "EvilBot/1.0"), Ind("user-agent", "curl/7.1")});
  std::vector<std::string> out;
  set->MatchUserAgent("Mozilla/5.0 (compatible; evilbot/1.0; +http://x)", [&](const IndicatorHit& h) {
    out.push_back(h.indicator->value);
  });
  EXPECT_THAT(out, ElementsAre("EvilBot/1.0"));
  EXPECT_EQ(set->stats().user_agents, 2u);
}

TEST(IndicatorSetTest, SimpleStixPatternsCompileAndComplexOnesAreCounted) {
  auto set = SetOf({
      Ind("stix2-pattern", "[domain-name:value = 'stix.example']", "p1"),
      Ind("stix2-pattern", "[ipv4-addr:value IN ('198.51.100.1', '198.51.100.0/24')]", "p2"),
      Ind("stix2-pattern", "[file:hashes.'SHA-256' = '" + std::string(64, 'b') + "' OR url:value = 'http://u.example/x']", "p3"),
      Ind("stix2-pattern", "[ipv4-addr:value = '1.1.1.1'] FOLLOWEDBY [domain-name:value = 'a.example']", "p4"),
      Ind("stix2-pattern", "[domain-name:value = 'x.example' AND ipv4-addr:value = '2.2.2.2']", "p5"),
      Ind("stix2-pattern", "[process:name = 'evil.exe']", "p6"),
      Ind("stix2-pattern", "not a pattern", "p7"),
  });
  EXPECT_THAT(Domains(*set, "www.stix.example"), ElementsAre("[domain-name:value = 'stix.example']"));
  EXPECT_EQ(Ips(*set, "198.51.100.1").size(), 1u);
  EXPECT_EQ(Ips(*set, "198.51.100.2").size(), 1u);
  EXPECT_EQ(Keys(*set, KeyKind::kHash, std::string(64, 'b')).size(), 1u);
  EXPECT_EQ(Keys(*set, KeyKind::kUrl, "u.example/x").size(), 1u);
  EXPECT_THAT(Domains(*set, "a.example"), IsEmpty());
  EXPECT_EQ(set->stats().not_compiled, 4u);
  EXPECT_EQ(set->stats().not_compiled_samples.size(), 4u);
}

TEST(IndicatorSetTest, UnknownTypesAndBadValuesAreCountedNotDropped) {
  auto set = SetOf({Ind("comment", "hello"), Ind("ip-dst", "999.1.1.1"), Ind("md5", "xyz"), Ind("domain", "ok.example")});
  EXPECT_EQ(set->stats().indicators, 4u);
  EXPECT_EQ(set->stats().keys, 1u);
  EXPECT_EQ(set->stats().not_compiled, 3u);
  EXPECT_EQ(set->stats().not_compiled_by_reason.at("type not matched: comment"), 1u);
  EXPECT_EQ(set->stats().not_compiled_by_reason.at("invalid IP address or prefix"), 1u);
  EXPECT_EQ(set->stats().not_compiled_by_reason.at("invalid hash"), 1u);
}

TEST(IndicatorSetTest, ApplyReplacesAndWithdrawsEventsIncrementally) {
  IndicatorBatch full;
  full.full = true;
  full.cursor = 5;
  full.events.push_back(EventIndicators{"e1", {Ind("domain", "one.example", "", "e1")}});
  full.events.push_back(EventIndicators{"e2", {Ind("domain", "two.example", "", "e2")}});
  auto s1 = IndicatorSet::Apply(nullptr, std::move(full));
  EXPECT_EQ(s1->cursor(), 5);
  EXPECT_EQ(s1->stats().events, 2u);

  IndicatorBatch delta;
  delta.cursor = 6;
  delta.events.push_back(EventIndicators{"e1", {}});                                        // withdrawn
  delta.events.push_back(EventIndicators{"e3", {Ind("ip-dst", "203.0.113.9", "", "e3")}});  // added
  auto s2 = IndicatorSet::Apply(s1, std::move(delta));
  EXPECT_THAT(Domains(*s2, "one.example"), IsEmpty());
  EXPECT_THAT(Domains(*s2, "two.example"), ElementsAre("two.example"));
  EXPECT_THAT(Ips(*s2, "203.0.113.9"), ElementsAre("203.0.113.9"));
  // The old set is untouched.
  EXPECT_THAT(Domains(*s1, "one.example"), ElementsAre("one.example"));
  EXPECT_THAT(Ips(*s1, "203.0.113.9"), IsEmpty());

  IndicatorBatch replace;
  replace.full = true;
  replace.events.push_back(EventIndicators{"e9", {Ind("domain", "nine.example", "", "e9")}});
  auto s3 = IndicatorSet::Apply(s2, std::move(replace));
  EXPECT_THAT(Domains(*s3, "two.example"), IsEmpty());
  EXPECT_EQ(s3->stats().events, 1u);
}

TEST(IndicatorSetTest, ManyIndicatorsAllFound) {
  std::vector<Indicator> inds;
  for (int i = 0; i < 20000; ++i) inds.push_back(Ind("domain", "d" + std::to_string(i) + ".example"));
  auto set = SetOf(std::move(inds));
  for (int i = 0; i < 20000; ++i) {
    ASSERT_EQ(Domains(*set, "www.d" + std::to_string(i) + ".example").size(), 1u) << i;
  }
  size_t false_hits = 0;
  for (int i = 20000; i < 40000; ++i) false_hits += Domains(*set, "d" + std::to_string(i) + ".example").size();
  EXPECT_EQ(false_hits, 0u);
}

}  // namespace
}  // namespace bulwark::match
