#include "correlate/keys.h"

#include <gtest/gtest.h>

namespace bulwark::correlate {
namespace {

model::Attribute A(const std::string& type, const std::string& v1, const std::string& v2 = "") {
  model::Attribute a;
  a.type = type;
  a.value1 = v1;
  a.value2 = v2;
  return a;
}

TEST(NormaliseUrl, SchemeHostPortPercentAndDot) {
  EXPECT_EQ(NormaliseUrl("HTTP://Evil.COM/Path"), "http://evil.com/Path");
  EXPECT_EQ(NormaliseUrl("http://evil.com:80/a"), "http://evil.com/a");
  EXPECT_EQ(NormaliseUrl("https://evil.com:443/a"), "https://evil.com/a");
  EXPECT_EQ(NormaliseUrl("https://evil.com:8443/a"), "https://evil.com:8443/a");
  EXPECT_EQ(NormaliseUrl("http://evil.com:443/a"), "http://evil.com:443/a");
  EXPECT_EQ(NormaliseUrl("http://evil.com./a"), "http://evil.com/a");
  EXPECT_EQ(NormaliseUrl("http://evil.com"), "http://evil.com/");
  EXPECT_EQ(NormaliseUrl("http://evil.com?q=1"), "http://evil.com/?q=1");
  EXPECT_EQ(NormaliseUrl("http://evil.com/%7euser/%41b%2fc%2F"), "http://evil.com/~user/Ab%2Fc%2F");
  EXPECT_EQ(NormaliseUrl("http://User@EVIL.com:80"), "http://User@evil.com/");
  EXPECT_EQ(NormaliseUrl("http://[2001:DB8::1]:80/x"), "http://[2001:db8::1]/x");
  // Without a scheme only the percent-encoding rules apply.
  EXPECT_EQ(NormaliseUrl("Evil.com/%61"), "Evil.com/a");
  // Broken escapes are kept as they are.
  EXPECT_EQ(NormaliseUrl("http://e.com/%zz%4"), "http://e.com/%zz%4");
}

TEST(UrlHost, Forms) {
  EXPECT_EQ(UrlHost("https://user:pw@Sub.Evil.com.:8080/x?y#z"), "sub.evil.com");
  EXPECT_EQ(UrlHost("evil.com/path"), "evil.com");
  EXPECT_EQ(UrlHost("http://[2001:db8::1]/"), "2001:db8::1");
  EXPECT_EQ(UrlHost("/relative"), "");
}

TEST(DnsNames, ParentsAndValidity) {
  EXPECT_TRUE(IsDnsName("a.evil.com"));
  EXPECT_FALSE(IsDnsName("localhost"));
  EXPECT_FALSE(IsDnsName("1.2.3.4"));
  EXPECT_FALSE(IsDnsName("a..com"));
  auto parents = ParentDomains("x.a.evil.co.uk");
  ASSERT_EQ(parents.size(), 3u);
  EXPECT_EQ(parents[0], "a.evil.co.uk");
  EXPECT_EQ(parents[1], "evil.co.uk");
  EXPECT_EQ(parents[2], "co.uk");
  EXPECT_TRUE(ParentDomains("evil.com").empty());
}

TEST(Exclusions, MispNotation) {
  auto exact = ParseExclusion("1.1.1.1");
  auto prefix = ParseExclusion("10.%");
  auto suffix = ParseExclusion("%.local");
  auto contains = ParseExclusion("%test%");
  ASSERT_TRUE(exact.ok() && prefix.ok() && suffix.ok() && contains.ok());
  EXPECT_EQ(exact->kind, ExclusionKind::kExact);
  EXPECT_EQ(prefix->kind, ExclusionKind::kPrefix);
  EXPECT_EQ(prefix->text, "10.");
  EXPECT_EQ(suffix->kind, ExclusionKind::kSuffix);
  EXPECT_EQ(contains->kind, ExclusionKind::kContains);
  EXPECT_EQ(contains->text, "test");
  EXPECT_FALSE(ParseExclusion("%%").ok());
  EXPECT_FALSE(ParseExclusion("").ok());
  std::vector<Exclusion> all = {*exact, *prefix, *suffix, *contains};
  EXPECT_TRUE(IsExcluded(all, "1.1.1.1"));
  EXPECT_FALSE(IsExcluded(all, "1.1.1.10"));
  EXPECT_TRUE(IsExcluded(all, "10.0.0.1"));
  EXPECT_TRUE(IsExcluded(all, "host.local"));
  EXPECT_TRUE(IsExcluded(all, "a-test-b"));
  EXPECT_FALSE(IsExcluded(all, "evil.com"));
}

TEST(Facets, PerType) {
  Facets ip = ExtractFacets(A("ip-dst", "10.0.0.1"), {});
  EXPECT_EQ(ip.values, std::vector<std::string>{"10.0.0.1"});
  ASSERT_EQ(ip.ips.size(), 1u);
  Facets cidr = ExtractFacets(A("ip-src", "10.1.2.3/8"), {});
  ASSERT_EQ(cidr.cidrs.size(), 1u);
  EXPECT_EQ(cidr.cidrs[0].ToString(), "10.0.0.0/8");
  Facets host_prefix = ExtractFacets(A("ip-src", "10.1.2.3/32"), {});
  EXPECT_EQ(host_prefix.ips.size(), 1u);
  Facets dip = ExtractFacets(A("domain|ip", "evil.com", "1.2.3.4"), {});
  EXPECT_EQ(dip.values, (std::vector<std::string>{"evil.com", "1.2.3.4"}));
  EXPECT_EQ(dip.names, std::vector<std::string>{"evil.com"});
  EXPECT_EQ(dip.ips.size(), 1u);
  // ip|port correlates on its first half only.
  Facets ipport = ExtractFacets(A("ip-dst|port", "1.2.3.4", "443"), {});
  EXPECT_EQ(ipport.values, std::vector<std::string>{"1.2.3.4"});
  Facets fh = ExtractFacets(A("filename|sha256", "a.exe", std::string(64, 'a')), {});
  EXPECT_EQ(fh.values.size(), 2u);
  Facets url = ExtractFacets(A("url", "HTTP://A.Evil.com:80/x"), {});
  EXPECT_EQ(url.values, std::vector<std::string>{"http://a.evil.com/x"});
  EXPECT_EQ(url.url_hosts, std::vector<std::string>{"a.evil.com"});
  Facets email = ExtractFacets(A("email-src", "Bob@Evil.com"), {});
  EXPECT_EQ(email.values, std::vector<std::string>{"bob@evil.com"});
  for (const char* t : {"comment", "counter", "port", "integer", "float", "boolean", "http-method", "anonymised"}) {
    EXPECT_TRUE(ExtractFacets(A(t, "80"), {}).empty()) << t;
  }
  EXPECT_TRUE(ExtractFacets(A("no-such-type", "x"), {}).empty());
  std::vector<Exclusion> ex = {*ParseExclusion("evil.com")};
  Facets half = ExtractFacets(A("domain|ip", "evil.com", "1.2.3.4"), ex);
  EXPECT_TRUE(half.names.empty());
  EXPECT_EQ(half.values, std::vector<std::string>{"1.2.3.4"});
}

}  // namespace
}  // namespace bulwark::correlate
