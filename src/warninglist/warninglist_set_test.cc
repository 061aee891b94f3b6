// WarninglistSet: every list type on small synthetic sets (exact expectations), then the real
// misp-warninglists snapshot in ../shared/data/misp/warninglists with entries known to be in it.
#include "warninglist/warninglist_set.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace bulwark::warninglist {
namespace {

namespace fs = std::filesystem;

fs::path WarninglistDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') {
    return fs::path(env) / "misp" / "warninglists";
  }
  return fs::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data" / "misp" / "warninglists";
}

Warninglist List(std::string name, ListType type, std::vector<std::string> entries,
                 std::vector<std::string> types = {}) {
  Warninglist wl;
  wl.name = std::move(name);
  wl.type = type;
  wl.entries = std::move(entries);
  wl.matching_attributes = std::move(types);
  return wl;
}

std::shared_ptr<const WarninglistSet> Build(std::vector<Warninglist> lists) {
  auto set = WarninglistSet::Build(std::move(lists));
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().message);
  return set.ok() ? *set : nullptr;
}

// "name=matched" for each hit, in order.
std::vector<std::string> Names(const std::vector<Hit>& hits) {
  std::vector<std::string> out;
  for (const Hit& h : hits) out.push_back(std::string(h.name) + "=" + std::string(h.matched));
  return out;
}

using V = std::vector<std::string>;

TEST(WarninglistSetTest, StringIsExactAndCaseFolded) {
  auto set = Build({List("hashes", ListType::kString, {"d41d8cd98f00b204e9800998ecf8427e", "COM"})});
  EXPECT_EQ(Names(set->Check("md5", "d41d8cd98f00b204e9800998ecf8427e")), V{"hashes=d41d8cd98f00b204e9800998ecf8427e"});
  EXPECT_EQ(Names(set->Check("md5", "D41D8CD98F00B204E9800998ECF8427E")), V{"hashes=d41d8cd98f00b204e9800998ecf8427e"});
  EXPECT_EQ(Names(set->Check("domain", "com")), V{"hashes=COM"});
  EXPECT_TRUE(set->Check("md5", "d41d8cd98f00b204e9800998ecf8427").empty());  // a prefix is no match
  EXPECT_TRUE(set->Check("md5", "xd41d8cd98f00b204e9800998ecf8427e").empty());
}

TEST(WarninglistSetTest, HostnameMatchesSubdomainsUrlsAndEmails) {
  auto set = Build({List("hosts", ListType::kHostname, {"example.com", "co.uk"})});
  for (const char* v : {"example.com", "EXAMPLE.com.", "www.example.com", "a.b.example.com",
                        "https://www.example.com/path?q=1", "http://user:pw@example.com:8080/x",
                        "hxxp://example.com", "alice@example.com", "example.com/foo"}) {
    EXPECT_EQ(Names(set->Check("", v)), V{"hosts=example.com"}) << v;
  }
  for (const char* v : {"notexample.com", "example.com.evil.net", "example.org", "https://evil.net/example.com", ""}) {
    EXPECT_TRUE(set->Check("", v).empty()) << v;
  }
  EXPECT_EQ(Names(set->Check("domain", "bbc.co.uk")), V{"hosts=co.uk"});
}

TEST(WarninglistSetTest, CidrContainsAddressesAndPrefixes) {
  auto set = Build({List("private", ListType::kCidr, {"10.0.0.0/8", "10.1.0.0/16", "192.168.1.1", "fe80::/10"}),
                    List("other", ListType::kCidr, {"10.0.0.0/7"})});
  EXPECT_EQ(Names(set->Check("ip-dst", "10.2.3.4")), (V{"other=10.0.0.0/7", "private=10.0.0.0/8"}));
  // The most specific range of a list is the one reported.
  EXPECT_EQ(Names(set->Check("ip-dst", "10.1.2.3")), (V{"other=10.0.0.0/7", "private=10.1.0.0/16"}));
  EXPECT_EQ(Names(set->Check("ip-dst", "192.168.1.1")), V{"private=192.168.1.1"});
  EXPECT_TRUE(set->Check("ip-dst", "192.168.1.2").empty());
  EXPECT_TRUE(set->Check("ip-dst", "12.0.0.1").empty());
  EXPECT_EQ(Names(set->Check("ip-dst", "FE80::1")), V{"private=fe80::/10"});
  EXPECT_TRUE(set->Check("ip-dst", "fec0::1").empty());
  // A CIDR value matches ranges that contain all of it.
  EXPECT_EQ(Names(set->Check("ip-dst", "10.1.0.0/24")), (V{"other=10.0.0.0/7", "private=10.1.0.0/16"}));
  EXPECT_EQ(Names(set->Check("ip-dst", "10.0.0.0/8")), (V{"other=10.0.0.0/7", "private=10.0.0.0/8"}));
  EXPECT_EQ(Names(set->Check("ip-dst", "10.0.0.0/7")), V{"other=10.0.0.0/7"});
  EXPECT_TRUE(set->Check("ip-dst", "0.0.0.0/0").empty());
  // IPv4-mapped IPv6 addresses are IPv6: no match against IPv4 ranges.
  EXPECT_TRUE(set->Check("ip-dst", "::ffff:10.0.0.1").empty());
  EXPECT_TRUE(set->Check("ip-dst", "10.0.0.256").empty());
  EXPECT_TRUE(set->Check("ip-dst", "example.com").empty());
}

TEST(WarninglistSetTest, CidrEdgesOfTheAddressSpace) {
  auto set = Build({List("all4", ListType::kCidr, {"0.0.0.0/0"}), List("top", ListType::kCidr, {"255.255.255.255/32"}),
                    List("all6", ListType::kCidr, {"::/0"}), List("last6", ListType::kCidr, {"ffff::/16"})});
  EXPECT_EQ(Names(set->Check("ip-src", "0.0.0.0")), V{"all4=0.0.0.0/0"});
  EXPECT_EQ(Names(set->Check("ip-src", "255.255.255.255")), (V{"all4=0.0.0.0/0", "top=255.255.255.255/32"}));
  EXPECT_EQ(Names(set->Check("ip-src", "::")), V{"all6=::/0"});
  EXPECT_EQ(Names(set->Check("ip-src", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")), (V{"all6=::/0", "last6=ffff::/16"}));
}

TEST(WarninglistSetTest, SubstringAndRegexUseOneScanPerValue) {
  auto set = Build({List("sub", ListType::kSubstring, {"any.run", "sandbox"}),
                    List("sub2", ListType::kSubstring, {"run"}),
                    List("re", ListType::kRegex, {"/^(security|noc|abuse)\\@.*\\..*$/i", "/555-01[0-9]{2}/g"})});
  EXPECT_EQ(Names(set->Check("", "https://app.ANY.run/tasks")), (V{"sub=any.run", "sub2=run"}));
  EXPECT_EQ(Names(set->Check("", "my-sandbox.example")), V{"sub=sandbox"});
  EXPECT_TRUE(set->Check("", "example.org").empty());
  EXPECT_EQ(Names(set->Check("", "Abuse@example.org")), V{"re=/^(security|noc|abuse)\\@.*\\..*$/i"});
  EXPECT_TRUE(set->Check("", "xabuse@example.org").empty());
  EXPECT_EQ(Names(set->Check("", "+1 212 555-0123")), V{"re=/555-01[0-9]{2}/g"});
}

TEST(WarninglistSetTest, OverlappingCidrsOfSeveralListsAndIpv6) {
  auto set = Build({List("a", ListType::kCidr, {"10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32"}),
                    List("b", ListType::kCidr, {"10.1.2.0/24", "2001:db8:1::/48"}),
                    List("c", ListType::kCidr, {"0.0.0.0/0"}, {"ip-src"}),
                    List("d", ListType::kString, {"10.1.2.3"})});
  EXPECT_EQ(Names(set->Check("ip-src", "10.1.2.3")),
            (V{"a=10.1.0.0/16", "b=10.1.2.0/24", "c=0.0.0.0/0", "d=10.1.2.3"}));
  // c names ip-src only: not for ip-dst; d applies to every type.
  EXPECT_EQ(Names(set->Check("ip-dst", "10.1.2.3")), (V{"a=10.1.0.0/16", "b=10.1.2.0/24", "d=10.1.2.3"}));
  EXPECT_EQ(Names(set->Check("ip-dst", "10.1.3.1")), V{"a=10.1.0.0/16"});
  EXPECT_EQ(Names(set->Check("ip-dst", "10.200.0.1")), V{"a=10.0.0.0/8"});
  EXPECT_TRUE(set->Check("ip-dst", "11.0.0.1").empty());
  EXPECT_EQ(Names(set->Check("ip-dst", "2001:DB8:1::7")), (V{"a=2001:db8::/32", "b=2001:db8:1::/48"}));
  EXPECT_EQ(Names(set->Check("ip-dst", "2001:db8:2::7")), V{"a=2001:db8::/32"});
  EXPECT_EQ(Names(set->Check("ip-dst", "2001:db8:1::/64")), (V{"a=2001:db8::/32", "b=2001:db8:1::/48"}));
  EXPECT_TRUE(set->Check("ip-dst", "2001:db9::1").empty());
  // Not addresses: rejected without matching, whatever they look like.
  for (const char* v : {"10.1.2", "10.1.2.3.4", "010.1.2.3", "10.1.2.256", "10.1.2.3/33", "2001:db8:::1", "beef",
                        "ab:cd:ef:gh::1", "10.1.2.3 "}) {
    EXPECT_TRUE(set->Check("ip-dst", v).empty()) << v;
  }
}

TEST(WarninglistSetTest, SuffixAndExactListsHitTheSameValue) {
  auto set = Build({List("exact", ListType::kString, {"www.example.com", "Example.NET", "com"}),
                    List("hosts", ListType::kHostname, {"example.com", "example.net"}),
                    List("hosts2", ListType::kHostname, {"www.example.com"})});
  EXPECT_EQ(Names(set->Check("domain", "www.example.com")),
            (V{"exact=www.example.com", "hosts=example.com", "hosts2=www.example.com"}));
  EXPECT_EQ(Names(set->Check("domain", "WWW.Example.COM")),
            (V{"exact=www.example.com", "hosts=example.com", "hosts2=www.example.com"}));
  // A URL is no exact match for a string entry, but its host is for hostname entries.
  EXPECT_EQ(Names(set->Check("url", "https://www.example.com/x")), (V{"hosts=example.com", "hosts2=www.example.com"}));
  // A string entry with capitals is reported as written.
  EXPECT_EQ(Names(set->Check("domain", "example.net")), (V{"exact=Example.NET", "hosts=example.net"}));
  // A string entry is never a suffix match; a hostname entry does not match its parent.
  EXPECT_TRUE(set->Check("domain", "example.org").empty());
  EXPECT_EQ(Names(set->Check("domain", "a.example.com")), V{"hosts=example.com"});
  EXPECT_EQ(Names(set->Check("domain", "com")), V{"exact=com"});
  // A host longer than every entry (and than the lower-casing buffer) still matches on its parent domain.
  const std::string long_host = std::string(600, 'A') + ".Example.com";
  EXPECT_EQ(Names(set->Check("domain", long_host)), V{"hosts=example.com"});
  EXPECT_EQ(Names(set->Check("url", "http://" + std::string(100, 'b') + ".example.com/")), V{"hosts=example.com"});
}

TEST(WarninglistSetTest, CheckIntoReusesTheCallersVector) {
  auto set = Build({List("hosts", ListType::kHostname, {"example.com"}), List("ips", ListType::kCidr, {"10.0.0.0/8"})});
  std::vector<Hit> hits;
  EXPECT_EQ(set->CheckInto("domain", "www.example.com", hits), 1u);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].name, "hosts");
  EXPECT_EQ(set->CheckInto("ip-dst", "8.8.8.8", hits), 0u);  // cleared, not appended to
  EXPECT_TRUE(hits.empty());
  EXPECT_EQ(set->CheckPartsInto("domain|ip", "example.com", "10.0.0.1", hits), 2u);
  EXPECT_EQ(Names(hits), (V{"hosts=example.com", "ips=10.0.0.0/8"}));
  EXPECT_EQ(set->CheckInto("domain|ip", "example.com|10.0.0.1", hits), 2u);
}

// Each set of applicable substring lists has its own prefilter: a type's filter holds only its lists' literals,
// and a list with a one-character literal still matches (its scopes are not filtered).
TEST(WarninglistSetTest, SubstringFiltersPerScope) {
  auto set = Build({List("sub-domain", ListType::kSubstring, {"sandbox", "any.run"}, {"domain", "url"}),
                    List("sub-email", ListType::kSubstring, {"@"}, {"email-src"}),
                    List("sub-all", ListType::kSubstring, {"tracker"})});
  EXPECT_EQ(Names(set->Check("domain", "my-SANDBOX.example")), V{"sub-domain=sandbox"});
  EXPECT_TRUE(set->Check("domain", "user@example.org").empty());
  EXPECT_EQ(Names(set->Check("email-src", "user@example.org")), V{"sub-email=@"});
  EXPECT_EQ(Names(set->Check("url", "https://app.any.run/tracker")), (V{"sub-all=tracker", "sub-domain=any.run"}));
  EXPECT_EQ(Names(set->Check("comment", "a tracker")), V{"sub-all=tracker"});
  EXPECT_TRUE(set->Check("comment", "sandbox").empty());
  EXPECT_EQ(Names(set->Check("", "sandbox@tracker")), (V{"sub-all=tracker", "sub-domain=sandbox", "sub-email=@"}));
}

TEST(WarninglistSetTest, MatchingAttributesRestrictLists) {
  auto set = Build({List("ips", ListType::kCidr, {"8.8.8.8"}, {"ip-dst", "ip-src|port"}),
                    List("any", ListType::kString, {"8.8.8.8"})});
  EXPECT_EQ(Names(set->Check("ip-dst", "8.8.8.8")), (V{"any=8.8.8.8", "ips=8.8.8.8"}));
  EXPECT_EQ(Names(set->Check("comment", "8.8.8.8")), V{"any=8.8.8.8"});   // only the all-types list
  EXPECT_EQ(Names(set->Check("unknown-type", "8.8.8.8")), V{"any=8.8.8.8"});
  EXPECT_EQ(Names(set->Check("", "8.8.8.8")), (V{"any=8.8.8.8", "ips=8.8.8.8"}));  // checkValue: every list
  // A composite value is checked half by half.
  auto hits = set->Check("ip-src|port", "8.8.8.8|53");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1].name, "ips");
  EXPECT_EQ(hits[1].value, "8.8.8.8");
  EXPECT_TRUE(set->Check("ip-src|port", "1.2.3.4|8.8.8.8").size() == 2);  // the second half matches too
  // Not split for a non-composite type.
  EXPECT_TRUE(set->Check("ip-dst", "8.8.8.8|53").empty());
}

TEST(WarninglistSetTest, AttributesAndWarningsJson) {
  auto set = Build({List("hosts", ListType::kHostname, {"example.com"}, {"domain|ip", "domain"}),
                    List("ips", ListType::kCidr, {"10.0.0.0/8"}, {"domain|ip"})});
  model::Attribute a;
  a.type = "domain|ip";
  a.value1 = "www.example.com";
  a.value2 = "10.1.1.1";
  auto hits = CheckAttribute(*set, a);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_TRUE(Warned(*set, a));
  EXPECT_EQ(boost::json::serialize(WarningsJson(hits)),
            R"([{"value":"www.example.com","match":"example.com","warninglist_id":"1","warninglist_name":"hosts",)"
            R"("warninglist_category":"false_positive"},{"value":"10.1.1.1","match":"10.0.0.0/8","warninglist_id":"2",)"
            R"("warninglist_name":"ips","warninglist_category":"false_positive"}])");
  a.type = "domain";
  a.value1 = "example.net";
  a.value2.clear();
  EXPECT_FALSE(Warned(*set, a));
}

TEST(WarninglistSetTest, SameNameKeepsHighestVersionAndIdsFollowNames) {
  Warninglist old_list = List("b", ListType::kString, {"old"});
  old_list.version = 1;
  Warninglist new_list = List("b", ListType::kString, {"new"});
  new_list.version = 2;
  auto set = Build({old_list, List("a", ListType::kString, {"x"}), new_list});
  ASSERT_EQ(set->lists().size(), 2u);
  EXPECT_EQ(set->lists()[0].name, "a");
  EXPECT_EQ(set->lists()[0].id, 1u);
  EXPECT_EQ(set->lists()[1].id, 2u);
  EXPECT_TRUE(set->Check("", "old").empty());
  EXPECT_EQ(Names(set->Check("", "new")), V{"b=new"});
}

TEST(WarninglistSetTest, EmptySetAndSnapshot) {
  WarninglistSnapshot snap;
  ASSERT_NE(snap.Get(), nullptr);
  EXPECT_TRUE(snap.Get()->Check("", "8.8.8.8").empty());
  snap.Publish(Build({List("x", ListType::kString, {"8.8.8.8"})}));
  EXPECT_EQ(snap.Get()->Check("", "8.8.8.8").size(), 1u);
}

// Readers on several threads while the snapshot is swapped: every reader sees either set, never a torn one.
TEST(WarninglistSetTest, ConcurrentReadersDuringSwaps) {
  WarninglistSnapshot snap;
  auto a = Build({List("a", ListType::kSubstring, {"needle"}), List("c", ListType::kCidr, {"10.0.0.0/8"})});
  auto b = Build({List("b", ListType::kRegex, {"/need(le)?/"}), List("c", ListType::kCidr, {"10.0.0.0/8"})});
  snap.Publish(a);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto set = snap.Get();
        auto hits = set->Check("", "a needle");
        auto ip = set->Check("ip-src", "10.9.9.9");
        if (hits.size() != 1 || ip.size() != 1) bad.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 2000; ++i) snap.Publish(i % 2 ? a : b);
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
}

class RealListsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::is_directory(WarninglistDir())) return;
    auto loaded = LoadDirectory(WarninglistDir());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    rejected_ = loaded->rejected.size();
    auto set = WarninglistSet::Build(std::move(loaded->lists));
    ASSERT_TRUE(set.ok()) << set.error().message;
    set_ = *set;
  }
  void SetUp() override {
    if (!set_) GTEST_SKIP() << "shared data misp/warninglists missing (set BULWARK_TESTDATA): " << WarninglistDir();
  }
  // Names of the lists that matched.
  static V Lists(std::string_view type, std::string_view value) {
    V out;
    for (const Hit& h : set_->Check(type, value)) out.emplace_back(h.name);
    return out;
  }
  static bool Has(const V& v, std::string_view name) { return std::find(v.begin(), v.end(), name) != v.end(); }

  static inline std::shared_ptr<const WarninglistSet> set_;
  static inline size_t rejected_ = 0;
};

TEST_F(RealListsTest, EveryListLoads) {
  EXPECT_EQ(rejected_, 0u);
  EXPECT_EQ(set_->lists().size(), 136u);
  EXPECT_GT(set_->entry_count(), 520000u);
}

TEST_F(RealListsTest, PublicDnsResolvers) {
  V v = Lists("ip-dst", "8.8.8.8");
  EXPECT_TRUE(Has(v, "List of known IPv4 public DNS resolvers"));
  EXPECT_TRUE(Has(Lists("ip-dst", "2001:4860:4860::8888"), "List of known IPv6 public DNS resolvers"));
  EXPECT_TRUE(Has(Lists("ip-dst|port", "8.8.4.4|53"), "List of known IPv4 public DNS resolvers"));
  // Not for a type the list does not name.
  EXPECT_FALSE(Has(Lists("text", "8.8.8.8"), "List of known IPv4 public DNS resolvers"));
}

TEST_F(RealListsTest, Rfc1918AndSpecialRanges) {
  V v = Lists("ip-src", "192.168.10.20");
  EXPECT_TRUE(Has(v, "List of RFC 1918 CIDR blocks"));
  EXPECT_TRUE(Has(v, "List of RFC 5735 CIDR blocks"));
  EXPECT_TRUE(Has(Lists("ip-src", "172.20.0.0/16"), "List of RFC 1918 CIDR blocks"));
  EXPECT_FALSE(Has(Lists("ip-src", "172.32.0.1"), "List of RFC 1918 CIDR blocks"));
  EXPECT_TRUE(Has(Lists("ip-dst", "fe80::1"), "List of IPv6 link local blocks"));  // listed as "FE80::/10"
  EXPECT_TRUE(Has(Lists("ip-dst", "100.64.1.1"), "List of RFC 6598 CIDR blocks"));
}

TEST_F(RealListsTest, TopDomainsAndSubdomains) {
  EXPECT_TRUE(Has(Lists("domain", "google.com"), "Top 1,000 domains from Cloudflare Radar"));
  EXPECT_TRUE(Has(Lists("domain", "google.com"), "Top 1000 website from Alexa"));  // hostname list
  EXPECT_TRUE(Has(Lists("hostname", "mail.google.com"), "Top 1000 website from Alexa"));
  EXPECT_TRUE(Has(Lists("url", "https://bit.ly/3xYz"), "List of known URL Shorteners domains"));
  EXPECT_TRUE(Has(Lists("domain", "foo.duckdns.org"), "List of known dynamic DNS domains"));  // ".duckdns.org"
}

TEST_F(RealListsTest, HashesSubstringsAndRegexes) {
  EXPECT_TRUE(Has(Lists("md5", "d41d8cd98f00b204e9800998ecf8427e"), "List of known hashes for empty files"));
  EXPECT_TRUE(Has(Lists("filename|md5", "empty.txt|d41d8cd98f00b204e9800998ecf8427e"),
                  "List of known hashes for empty files"));
  EXPECT_TRUE(Has(Lists("url", "https://app.any.run/tasks/1"),
                  "List of known domains used by automated malware analysis services & security vendors"));
  EXPECT_TRUE(Has(Lists("email-src", "someone@1337.care"), "List of disposable email domains"));
  EXPECT_TRUE(Has(Lists("email-dst", "abuse@example.org"), "Common contact e-mail addresses"));
  EXPECT_FALSE(Has(Lists("email-dst", "alice@example.org"), "Common contact e-mail addresses"));
  EXPECT_TRUE(Has(Lists("phone-number", "+12125550142"), "Unattributed phone number."));
}

// The real lists through CheckInto with one reused vector, as the hub's hot paths call it: the same answers as
// Check for a mixed batch.
TEST_F(RealListsTest, CheckIntoAgreesWithCheck) {
  std::vector<Hit> hits;
  for (auto [type, value] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"ip-dst", "8.8.8.8"}, {"ip-dst", "203.0.113.9"}, {"domain", "mail.google.com"}, {"url", "https://bit.ly/x"},
           {"ip-dst", "2001:4860:4860::8888"}, {"domain", "no-such-host.invalid"}, {"", "8.8.8.8"}}) {
    set_->CheckInto(type, value, hits);
    const std::vector<Hit> expected = set_->Check(type, value);
    ASSERT_EQ(hits.size(), expected.size()) << value;
    for (size_t i = 0; i < hits.size(); ++i) {
      EXPECT_EQ(hits[i].list_id, expected[i].list_id) << value;
      EXPECT_EQ(hits[i].matched, expected[i].matched) << value;
    }
  }
  EXPECT_GE(set_->Check("ip-dst", "8.8.8.8").size(), 1u);
}

TEST_F(RealListsTest, NegativeCases) {
  EXPECT_TRUE(Lists("domain", "bulwark-test-domain-that-does-not-exist.invalid-tld").empty());
  EXPECT_TRUE(Lists("md5", "0123456789abcdef0123456789abcdef").empty());
  EXPECT_TRUE(Lists("ip-dst", "203.0.114.7").empty() || !Has(Lists("ip-dst", "203.0.114.7"), "List of RFC 5735 CIDR blocks"));
  EXPECT_TRUE(Lists("comment", "8.8.8.8").empty());  // every real list names its types; comment is in none
}

}  // namespace
}  // namespace bulwark::warninglist
