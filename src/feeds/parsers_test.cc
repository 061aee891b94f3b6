// The pure parsers of src/feeds: freetext type detection and refanging, CSV records, manifest.json,
// hashes.csv, MISP document shapes.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/crypto.h"
#include "feeds/freetext.h"
#include "feeds/misp_feed.h"

namespace bulwark::feeds {
namespace {

TEST(DetectTypeTest, ByShape) {
  EXPECT_EQ(DetectType("198.51.100.7"), "ip-dst");
  EXPECT_EQ(DetectType("2001:db8::1"), "ip-dst");
  EXPECT_EQ(DetectType("198.51.100.0/24"), "ip-dst");
  EXPECT_EQ(DetectType("2001:db8::/32"), "ip-dst");
  EXPECT_EQ(DetectType("example.org"), "domain");
  EXPECT_EQ(DetectType("login.example.org"), "hostname");
  EXPECT_EQ(DetectType("https://login.example.org/reset?x=1"), "url");
  EXPECT_EQ(DetectType("example.org/payload.exe"), "url");
  EXPECT_EQ(DetectType("ceo@example.org"), "email");
  EXPECT_EQ(DetectType("d41d8cd98f00b204e9800998ecf8427e"), "md5");
  EXPECT_EQ(DetectType("da39a3ee5e6b4b0d3255bfef95601890afd80709"), "sha1");
  EXPECT_EQ(DetectType("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "sha256");
  EXPECT_EQ(DetectType(std::string(128, 'a')), "sha512");
  EXPECT_EQ(DetectType("not an indicator"), std::nullopt);
  EXPECT_EQ(DetectType("abc"), std::nullopt);
  EXPECT_EQ(DetectType(std::string(33, 'a')), std::nullopt);
  EXPECT_EQ(DetectType(""), std::nullopt);
}

TEST(RefangTest, UndoesCommonDefanging) {
  EXPECT_EQ(Refang("hxxps://evil[.]example[.]org/a"), "https://evil.example.org/a");
  EXPECT_EQ(Refang("  198[.]51[.]100[.]7 "), "198.51.100.7");
  EXPECT_EQ(Refang("ceo[@]example(.)org"), "ceo@example.org");
  EXPECT_EQ(Refang("hXXp://x.example.org"), "http://x.example.org");
}

TEST(CsvTest, QuotesAndDelimiters) {
  auto f = SplitCsvLine(R"(1,"a,b","say ""hi""",)", ',');
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 4u);
  EXPECT_EQ((*f)[1], "a,b");
  EXPECT_EQ((*f)[2], "say \"hi\"");
  EXPECT_EQ((*f)[3], "");
  EXPECT_FALSE(SplitCsvLine(R"(1,"open)", ',').ok());
  EXPECT_FALSE(SplitCsvLine(std::string(2000, ';'), ';').ok());
  auto semi = SplitCsvLine("a;b", ';');
  ASSERT_TRUE(semi.ok());
  EXPECT_EQ(semi->size(), 2u);
}

TEST(ValueFeedTest, FreetextSkipsCommentsAndDetects) {
  ValueFeedOptions o;
  std::vector<ValueLine> v;
  ASSERT_TRUE(ParseValueFeed("# comment\n\n198.51.100.7\r\n// x\nhxxp://bad[.]example.org/\nwhat is this\n", o, v).ok());
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].line, 3u);
  EXPECT_EQ(v[0].type, "ip-dst");
  EXPECT_EQ(v[1].value, "http://bad.example.org/");
  EXPECT_EQ(v[1].type, "url");
  EXPECT_EQ(v[2].type, "");
}

TEST(ValueFeedTest, CsvColumnTypeAndHeader) {
  ValueFeedOptions o;
  o.format = ValueFeedFormat::kCsv;
  o.value_column = 2;
  o.type = "domain";
  o.skip_header = true;
  std::vector<ValueLine> v;
  ASSERT_TRUE(ParseValueFeed("id,domain\n1,a.example.org\n2,\"b.example.org\"\n3\n", o, v).ok());
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].value, "a.example.org");
  EXPECT_EQ(v[1].value, "b.example.org");
  EXPECT_EQ(v[1].type, "domain");
  EXPECT_EQ(v[2].type, "");  // no column 2: rejected by the importer
  EXPECT_FALSE(ParseValueFeed("1,\"x\n", o, v).ok());
}

TEST(ValueFeedTest, EventUuidIsStablePerName) {
  EXPECT_EQ(ValueFeedEventUuid("abuse"), ValueFeedEventUuid("abuse"));
  EXPECT_NE(ValueFeedEventUuid("abuse"), ValueFeedEventUuid("other"));
}

TEST(ManifestTest, ParsesAndSortsByTimestamp) {
  auto m = ParseManifest(R"({
    "B0000000-0000-4000-8000-000000000002": {"info": "two", "timestamp": "20", "date": "2024-01-02"},
    "a0000000-0000-4000-8000-000000000001": {"info": "one", "timestamp": 10, "Orgc": {"name": "x"}}})");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].info, "one");
  EXPECT_EQ((*m)[0].timestamp, 10);
  EXPECT_EQ((*m)[1].uuid, "b0000000-0000-4000-8000-000000000002");
  EXPECT_EQ((*m)[1].timestamp, 20);
}

TEST(ManifestTest, RejectsMalformed) {
  EXPECT_EQ(ParseManifest("[1]").error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(ParseManifest("{").error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(ParseManifest(R"({"x": {}})").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(ParseManifest(R"({"a0000000-0000-4000-8000-000000000001": 3})").error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(ParseManifest(R"({"a0000000-0000-4000-8000-000000000001": {"timestamp": "x1"}})").error().code,
            ErrorCode::kBadRequest);
  EXPECT_EQ(ParseManifest(R"({"a0000000-0000-4000-8000-000000000001": {"timestamp": -5}})").error().code,
            ErrorCode::kBadRequest);
}

TEST(HashesCsvTest, ParsesAndRejects) {
  auto h = ParseHashesCsv(
      "a8ba23fe226c0220aded7950d4065231,fbd854da-9574-5fb6-b297-c483f9d5daf0\r\n\n"
      "01457C58FD459CB382E850AE15141A81,fbd854da-9574-5fb6-b297-c483f9d5daf0\n");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ(h->begin()->second.count("01457c58fd459cb382e850ae15141a81"), 1u);
  auto bad = ParseHashesCsv("a8ba23fe226c0220aded7950d4065231,fbd854da\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 1"), std::string::npos);
}

TEST(EventValueHashesTest, SplitsCompositeValues) {
  auto ev = boost::json::parse(R"({"Attribute": [{"type": "filename|md5", "value": "a.exe|d41d8cd98f00b204e9800998ecf8427e"},
      {"type": "url", "value": "http://x/a|b"}],
      "Object": [{"Attribute": [{"type": "ip-dst", "value": "198.51.100.7"}]}]})");
  auto hashes = EventValueHashes(ev.as_object());
  EXPECT_EQ(hashes.size(), 4u);
  EXPECT_EQ(hashes.count("0cc175b9c0f1b6a831c399e269772661"), 0u);
  EXPECT_EQ(hashes.count(Md5Hex("a.exe")), 1u);
  EXPECT_EQ(hashes.count(Md5Hex("http://x/a|b")), 1u);  // not composite: hashed whole
  EXPECT_EQ(hashes.count(Md5Hex("198.51.100.7")), 1u);
}

TEST(ForEachMispEventTest, AcceptsTheThreeShapes) {
  auto count = [](const char* text) {
    size_t n = 0;
    Status st = ForEachMispEvent(boost::json::parse(text), [&](const boost::json::value&) {
      ++n;
      return Ok();
    });
    return st.ok() ? static_cast<int>(n) : -1;
  };
  EXPECT_EQ(count(R"({"Event": {"info": "x"}})"), 1);
  EXPECT_EQ(count(R"([{"Event": {"info": "x"}}, {"info": "y"}])"), 2);
  EXPECT_EQ(count(R"({"response": [{"Event": {"info": "x"}}, {"Event": {"info": "y"}}, {"Event": {}}]})"), 3);
  EXPECT_EQ(count("3"), -1);
}

}  // namespace
}  // namespace bulwark::feeds
