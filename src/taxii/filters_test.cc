// Filters, media types and cursors.
#include <gtest/gtest.h>

#include "taxii/cursor.h"
#include "taxii/filters.h"

namespace bulwark::taxii {
namespace {

TEST(Filters, DefaultsPerEndpoint) {
  auto f = ParseFilters(Endpoint::kObjects, {});
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->versions.last);
  EXPECT_FALSE(f->versions.all);
  EXPECT_FALSE(f->limit.has_value());
  auto d = ParseFilters(Endpoint::kDelete, {});
  EXPECT_TRUE(d->versions.all);
  EXPECT_FALSE(d->versions.last);
}

TEST(Filters, ParsesEveryFilter) {
  auto f = ParseFilters(Endpoint::kObjects, {{"added_after", "2016-11-03T12:30:59.001234Z"},
                                             {"limit", "3"},
                                             {"match[id]", "indicator--cd981c25-8042-4166-8945-51178443bdac"},
                                             {"match[type]", "indicator,malware"},
                                             {"match[version]", "first,2018-03-02T01:01:01.123Z,last"},
                                             {"match[spec_version]", "2.0,2.1"},
                                             {"next", "abc"}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(*f->added_after_micros, 1478176259001234);
  EXPECT_EQ(*f->limit, 3u);
  EXPECT_EQ(f->ids.size(), 1u);
  EXPECT_EQ(f->types, (std::vector<std::string>{"indicator", "malware"}));
  EXPECT_TRUE(f->versions.first);
  EXPECT_TRUE(f->versions.last);
  EXPECT_EQ(f->versions.exact_ns, (std::vector<int64_t>{1519952461123000000}));
  EXPECT_EQ(f->spec_versions, (std::vector<std::string>{"2.0", "2.1"}));
  EXPECT_EQ(f->next, "abc");
  // The canonical form excludes next and limit, so a cursor survives a changed page size.
  EXPECT_EQ(f->canonical.find("limit"), std::string::npos);
  EXPECT_EQ(f->canonical.find("next"), std::string::npos);
  EXPECT_NE(f->canonical.find("match[type]=indicator,malware"), std::string::npos);
}

TEST(Filters, RejectsMalformedValues) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"added_after", "yesterday"},
      {"added_after", "2016-11-03T12:30:59+01:00"},
      {"limit", "0"},
      {"limit", "-1"},
      {"limit", "10x"},
      {"match[version]", "all,last"},
      {"match[version]", "last,last"},
      {"match[version]", "newest"},
      {"match[id]", "not-an-id"},
      {"match[type]", "Indicator"},
      {"match[spec_version]", "2"},
      {"match[type]", "indicator,,malware"},
      {"match[type]", ""},
  };
  for (const auto& [k, v] : bad) {
    auto f = ParseFilters(Endpoint::kObjects, {{k, v}});
    ASSERT_FALSE(f.ok()) << k << "=" << v;
    EXPECT_EQ(f.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(f.error().field, k);
  }
  auto twice = ParseFilters(Endpoint::kObjects, {{"limit", "1"}, {"limit", "2"}});
  EXPECT_FALSE(twice.ok());
}

TEST(Filters, UnsupportedFieldsAreIgnoredPerEndpoint) {
  // match[type] is not a filter of the versions endpoint: ignored, even when malformed.
  auto f = ParseFilters(Endpoint::kVersions, {{"match[type]", "???"}, {"match[version]", "first"}, {"x", "y"}});
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->types.empty());
  EXPECT_TRUE(f->versions.last);
}

TEST(Filters, TooManyValues) {
  std::string many;
  for (int i = 0; i < 1001; ++i) many += (i ? "," : "") + std::string("indicator");
  EXPECT_FALSE(ParseFilters(Endpoint::kObjects, {{"match[type]", many}}).ok());
}

TEST(MediaTypes, Accept) {
  EXPECT_TRUE(AcceptsTaxii("application/taxii+json;version=2.1"));
  EXPECT_TRUE(AcceptsTaxii("application/taxii+json"));
  EXPECT_TRUE(AcceptsTaxii("application/taxii+json; version=2.1"));
  EXPECT_TRUE(AcceptsTaxii("text/html, application/taxii+json;version=2.1;q=0.9"));
  EXPECT_TRUE(AcceptsTaxii("*/*"));
  EXPECT_TRUE(AcceptsTaxii(std::nullopt));
  EXPECT_FALSE(AcceptsTaxii("application/json"));
  EXPECT_FALSE(AcceptsTaxii("application/taxii+json;version=2.0"));
  EXPECT_FALSE(AcceptsTaxii("application/vnd.oasis.taxii+json; version=2.0"));
  EXPECT_FALSE(AcceptsTaxii("application/taxii+json;q=0"));
}

TEST(MediaTypes, ContentType) {
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json;version=2.1"));
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json"));
  EXPECT_TRUE(IsTaxiiContentType("Application/TAXII+json; charset=utf-8"));
  EXPECT_FALSE(IsTaxiiContentType("application/json"));
  EXPECT_FALSE(IsTaxiiContentType("application/taxii+json;version=2.0"));
  EXPECT_FALSE(IsTaxiiContentType(std::nullopt));
}

TEST(Cursor, RoundTrip) {
  const std::string fp = RequestFingerprint("objects\ncoll\n\n1\nmatch[type]=indicator\n");
  EXPECT_EQ(fp.size(), 32u);
  const std::string c = SignCursor("secret", 123456, fp);
  auto seq = VerifyCursor("secret", c, fp);
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EXPECT_EQ(*seq, 123456);
}

TEST(Cursor, TamperedForeignAndOtherFilterAreRejected) {
  const std::string fp = RequestFingerprint("a");
  const std::string c = SignCursor("secret", 10, fp);
  // A changed position with the old signature.
  std::string payload;
  ASSERT_TRUE(Base64UrlDecode(c.substr(0, c.find('.')), payload));
  payload.replace(payload.find("|10|"), 4, "|99|");
  const std::string forged = Base64UrlEncode(payload) + c.substr(c.find('.'));
  EXPECT_EQ(VerifyCursor("secret", forged, fp).error().code, ErrorCode::kBadRequest);
  // Every single-character change fails.
  for (size_t i = 0; i < c.size(); ++i) {
    std::string t = c;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifyCursor("secret", t, fp).ok()) << i;
  }
  EXPECT_FALSE(VerifyCursor("another hub", c, fp).ok());              // foreign
  EXPECT_FALSE(VerifyCursor("secret", c, RequestFingerprint("b")).ok());  // other filters
  EXPECT_FALSE(VerifyCursor("secret", "", fp).ok());
  EXPECT_FALSE(VerifyCursor("secret", "12345", fp).ok());
  EXPECT_FALSE(VerifyCursor("secret", std::string(600, 'A'), fp).ok());
}

TEST(Base64Url, KnownVectors) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  std::string out;
  EXPECT_TRUE(Base64UrlDecode("-_8", out));
  EXPECT_EQ(out, "\xfb\xff");
  EXPECT_FALSE(Base64UrlDecode("Zm9v=", out));
  EXPECT_FALSE(Base64UrlDecode("Z", out));
  EXPECT_FALSE(Base64UrlDecode("Zh", out));  // non-zero leftover bits: not canonical
}

}  // namespace
}  // namespace bulwark::taxii
