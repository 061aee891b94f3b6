#include "match/scan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "match/key_hash.h"
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

// The byte-at-a-time scanner the wide paths replaced: the oracle the fast scanner must agree with token for token.
template <typename Visitor>
void ReferenceScanText(std::string_view line, Visitor& visitor) {
  scan_detail::ScanTextRuns<false>(line, visitor);
}

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

TEST(ScanTest, ParseIpv4EdgeCases) {
  uint32_t v = 0;
  ASSERT_TRUE(scan_detail::ParseIpv4("0.0.0.0", &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(scan_detail::ParseIpv4("255.255.255.255", &v));
  EXPECT_EQ(v, 0xFFFFFFFFu);
  ASSERT_TRUE(scan_detail::ParseIpv4("10.200.3.40", &v));
  EXPECT_EQ(v, 0x0AC80328u);
  for (std::string_view bad : {"256.1.1.1", "1.1.1.256", "1.2.3.999", "01.2.3.4", "1.2.3.04", "1.2.00.4",
                               "1.2.3", "1.2.3.4.5", "1..2.3.4", ".1.2.3.4", "1.2.3.4.", "1.2.3.4a", "a.2.3.4",
                               "1.2.3.-4", "1234.1.1.1", "1.2.3.1234", "1714564801.001", "1.2.3.4 ", "1/2.3.4.5"}) {
    EXPECT_FALSE(scan_detail::ParseIpv4(bad, &v)) << bad;
  }
}

TEST(ScanTest, ParseIpv4WideAgreesWithParseIpv4) {
  // Strings of digits and dots (and a stray other byte) of every length the parsers look at, followed by bytes
  // that must not matter.
  const std::string alphabet = "0123456789....12x";
  uint64_t state = 42;
  auto next = [&]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(state >> 33);
  };
  size_t accepted = 0;
  for (int round = 0; round < 300000; ++round) {
    std::string s(5 + next() % 13, '0');
    for (char& c : s) c = alphabet[next() % alphabet.size()];
    std::string padded = s + std::string(16, "9.x"[next() % 3]);
    uint32_t wide = 1, scalar = 2;
    const bool a = scan_detail::ParseIpv4Wide(padded.data(), s.size(), &wide);
    const bool b = scan_detail::ParseIpv4(s, &scalar);
    ASSERT_EQ(a, b) << s;
    if (a) {
      ASSERT_EQ(wide, scalar) << s;
      ++accepted;
    }
  }
  EXPECT_GT(accepted, 100u);  // the generator does reach valid addresses
  uint32_t v = 0;
  ASSERT_TRUE(scan_detail::ParseIpv4Wide("255.255.255.255 ", 15, &v));
  EXPECT_EQ(v, 0xFFFFFFFFu);
  ASSERT_TRUE(scan_detail::ParseIpv4Wide("1.2.3.4.........", 7, &v));
  EXPECT_EQ(v, 0x01020304u);
  EXPECT_FALSE(scan_detail::ParseIpv4Wide("1.2.3.04........", 8, &v));
  EXPECT_FALSE(scan_detail::ParseIpv4Wide("1.2.3.256.......", 9, &v));
}

TEST(ScanTest, TokensAtLineEdgesAndNextToPunctuation) {
  EXPECT_THAT(Scan("evil.com"), ElementsAre("domain:evil.com@0"));
  EXPECT_THAT(Scan("1.2.3.4"), ElementsAre("ip:1.2.3.4@0=1.2.3.4"));
  EXPECT_THAT(Scan("(1.2.3.4),[evil.com];<EVIL.COM.>"),
              ElementsAre("ip:1.2.3.4@1=1.2.3.4", "domain:evil.com@11", "domain:EVIL.COM@22"));
  EXPECT_THAT(Scan("x=http://h.example/p\\"), ElementsAre("url:http://h.example/p@2", "domain:h.example@9"));
  EXPECT_THAT(Scan("256.1.1.1 1.1.1.01 01.1.1.1"), IsEmpty());
}

TEST(ScanTest, AgreesWithTheByteAtATimeScannerOnGeneratedLines) {
  // Lines built from fragments that start, end and break tokens, long enough to cross 16-byte blocks.
  const std::vector<std::string> pieces = {
      " ", "  ", ".", "..", "-", "_", ":", "::", "/", "@", "#", "(", ")", "\"", "\t", "\xc3\xa9", "\x80",
      "a", "Z", "evil", "EVIL", "com", "Example", "1", "10", "255", "256", "01", "0", "fe80", "db8", "dead",
      "http://", "https://", "HTTP://", "www.", ".com", ".co.uk", ".", "x@", "user:pw@", "[2001:db8::1]",
      "d41d8cd98f00b204e9800998ecf8427e", "0123456789abcdef0123456789abcdef01234567",
      "averyveryverylonglabelthatgoesonandonforsure", "1714564801.001", "10.0.0.1", "192.168.001.1",
      "a-b.c_d.ef", "?q=1", "%41", ":8080", "TCP_MISS/200"};
  uint64_t state = 7;
  auto next = [&]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(state >> 33);
  };
  size_t tokens = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string line;
    const size_t parts = 1 + next() % 24;
    for (size_t k = 0; k < parts; ++k) line += pieces[next() % pieces.size()];
    Recorder fast, slow;
    ScanText(line, fast);
    ReferenceScanText(line, slow);
    ASSERT_EQ(fast.tokens, slow.tokens) << line;
    tokens += fast.tokens.size();
  }
  EXPECT_GT(tokens, 30000u);
}

TEST(KeyHashTest, FoldsAsciiCaseOnlyAndAgreesAcrossKinds) {
  EXPECT_EQ(FoldWord(0x5A41405B7A615F2Dull), 0x7A61405B7A615F2Dull);  // 'Z','A' fold; '@','[','z','a','_','-' do not
  EXPECT_EQ(FoldWord(0xC1DAFF80000909FFull), 0xC1DAFF80000909FFull);  // bytes >= 0x80 never change
  for (KeyKind kind : {KeyKind::kUrl, KeyKind::kEmail, KeyKind::kHash, KeyKind::kDomain}) {
    EXPECT_EQ(KeyHash(kind, "Evil.Example.COM/Path-Long-Enough"), KeyHash(kind, "evil.example.com/path-long-enough"));
    EXPECT_NE(KeyHash(kind, "evil.example.com/a"), KeyHash(kind, "evil.example.com/b"));
  }
  EXPECT_NE(KeyHash(KeyKind::kUrl, "a/"), KeyHash(KeyKind::kEmail, "a/"));
  EXPECT_NE(KeyHash(KeyKind::kUrl, "abcdefgh"), KeyHash(KeyKind::kUrl, std::string_view("abcdefgh\0", 9)));
  EXPECT_NE(IpKeyHash(std::string_view("\x04\x0a\x00\x00\x01\x20", 6)),
            IpKeyHash(std::string_view("\x04\x0a\x00\x00\x02\x20", 6)));
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
  ASSERT_TRUE(NormalizeUrl("abcdefghijklmnop://h.example/x", out));  // a 16-byte scheme
  EXPECT_EQ(out, "h.example/x");
  ASSERT_TRUE(NormalizeUrl("abcdefghijklmnopq://h.example/x", out));  // 17 bytes: no scheme
  EXPECT_EQ(out, "abcdefghijklmnopq//h.example/x");
  ASSERT_TRUE(NormalizeUrl("h.example/r?u=http://other.example/", out));
  EXPECT_EQ(out, "h.example/r?u=http://other.example/");
  ASSERT_TRUE(NormalizeUrl("http://Host.example?q=1#f", out));
  EXPECT_EQ(out, "host.example/?q=1#f");
  ASSERT_TRUE(NormalizeUrl("http://Host.example#f", out));
  EXPECT_EQ(out, "host.example/#f");
  ASSERT_TRUE(NormalizeDomain("*.Example.com.", out));
  EXPECT_EQ(out, "example.com");
  EXPECT_FALSE(NormalizeDomain("a..b", out));
  ASSERT_TRUE(NormalizeEmail("Bob@Example.COM.", out));
  EXPECT_EQ(out, "bob@example.com");
}

}  // namespace
}  // namespace bulwark::match
