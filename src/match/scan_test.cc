#include "match/scan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "match/normalize.h"

namespace bulwark::match {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Recorder {
  std::vector<std::string> tokens;
  void OnIpv4(uint32_t a, std::string_view text, size_t off) { OnIp(IpAddress::V4(a), text, off); }
  void OnIp(const IpAddress& a, std::string_view text, size_t off) {
    tokens.push_back("ip:" + a.ToString() + "@" + std::to_string(off) + "=" + std::string(text));
  }
  void OnDomain(std::string_view s, size_t off) { tokens.push_back("domain:" + std::string(s) + "@" + std::to_string(off)); }
  void OnUrl(std::string_view s, size_t off) { tokens.push_back("url:" + std::string(s) + "@" + std::to_string(off)); }
  void OnEmail(std::string_view s, size_t off) { tokens.push_back("email:" + std::string(s) + "@" + std::to_string(off)); }
  void OnHash(std::string_view s, size_t off) { tokens.push_back("hash:" + std::string(s) + "@" + std::to_string(off)); }
};

std::vector<std::string> Scan(std::string_view line) {
  Recorder r;
  ScanText(line, r);
  return r.tokens;
}

TEST(ScanTest, DnsLogLine) {
  EXPECT_THAT(Scan("2024-05-01T12:00:01Z client 10.0.0.5#53211 query: WWW.Evil.com. IN A +"),
              ElementsAre("ip:10.0.0.5@28=10.0.0.5", "domain:WWW.Evil.com@50"));
}

TEST(ScanTest, ProxyLineWithUrlHostAndPort) {
  EXPECT_THAT(Scan("1714564801.123 42 192.168.1.9 TCP_MISS/200 512 GET http://user@bad.example:8080/x.php?a=b - "
                   "DIRECT/203.0.113.5 text/html"),
              ElementsAre("ip:192.168.1.9@18=192.168.1.9", "url:http://user@bad.example:8080/x.php?a=b@51",
                          "domain:bad.example@63", "ip:203.0.113.5@99=203.0.113.5"));
}

TEST(ScanTest, UrlWithIpHostsV4AndV6) {
  EXPECT_THAT(Scan("GET https://198.51.100.7/a and ftp://[2001:db8::1]:21/f"),
              ElementsAre("url:https://198.51.100.7/a@4", "ip:198.51.100.7@12=198.51.100.7",
                          "url:ftp://[2001:db8::1]:21/f@31", "ip:2001:db8::1@38=2001:db8::1"));
}

TEST(ScanTest, Ipv6AddressesButNotTimesOrMacs) {
  EXPECT_THAT(Scan("at 12:30:45 mac 00:11:22:33:44:55 from 2001:db8::a:1 and ::1 and fe80::1%eth0"),
              ElementsAre("ip:2001:db8::a:1@39=2001:db8::a:1", "ip:::1@57=::1", "ip:fe80::1@65=fe80::1"));
}

TEST(ScanTest, EmailsAndTheirDomains) {
  // "John.Doe" reads as a name before the scanner sees the '@' (a lookup that misses; harmless).
  EXPECT_THAT(Scan("from=<John.Doe+x@Phish.example> to=a@b"),
              ElementsAre("domain:John.Doe@6", "email:John.Doe+x@Phish.example@6", "domain:Phish.example@17"));
}

TEST(ScanTest, HashesOfEachLengthOnly) {
  std::string md5(32, 'a'), sha1(40, 'B'), sha256(64, '1'), sha512(128, 'f'), odd(33, 'a');
  EXPECT_THAT(Scan(md5 + " " + sha1 + " " + sha256 + " " + sha512 + " " + odd + " " + std::string(31, 'c') + "g"),
              ElementsAre("hash:" + md5 + "@0", "hash:" + sha1 + "@33", "hash:" + sha256 + "@74",
                          "hash:" + sha512 + "@139"));
}

TEST(ScanTest, NotDomains) {
  EXPECT_THAT(Scan("version 1.2.3 and 999.1.1.1 and 1.2.3.4.5 x.1 a..b .com"), IsEmpty());
  EXPECT_THAT(Scan("end of sentence evil.com. next"), ElementsAre("domain:evil.com@16"));
}

TEST(ScanTest, HostileInputIsBounded) {
  std::string s(100000, '.');
  EXPECT_THAT(Scan(s), IsEmpty());
  std::string colons(50000, ':');
  EXPECT_THAT(Scan(colons), IsEmpty());
  std::string long_name(5000, 'a');
  EXPECT_THAT(Scan(long_name + ".com"), IsEmpty());
}

TEST(NormalizeTest, Urls) {
  std::string out;
  std::string_view host;
  ASSERT_TRUE(NormalizeUrl("HTTPS://User:pw@WWW.Example.COM.:443/%41b%2fc%7e?q=%3a#Frag", out, &host));
  EXPECT_EQ(out, "www.example.com/Ab%2Fc~?q=%3A#Frag");
  EXPECT_EQ(host, "WWW.Example.COM");
  ASSERT_TRUE(NormalizeUrl("http://example.com", out));
  EXPECT_EQ(out, "example.com/");
  ASSERT_TRUE(NormalizeUrl("http://example.com:443/", out));
  EXPECT_EQ(out, "example.com:443/");
  ASSERT_TRUE(NormalizeUrl("example.com/x", out));
  EXPECT_EQ(out, "example.com/x");
  EXPECT_FALSE(NormalizeUrl("http:///nohost", out));
  ASSERT_TRUE(NormalizeDomain("*.Example.com.", out));
  EXPECT_EQ(out, "example.com");
  EXPECT_FALSE(NormalizeDomain("a..b", out));
  ASSERT_TRUE(NormalizeEmail("Bob@Example.COM.", out));
  EXPECT_EQ(out, "bob@example.com");
}

}  // namespace
}  // namespace bulwark::match
