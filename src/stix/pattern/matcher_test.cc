#include "stix/pattern/matcher.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "stix/pattern/parser.h"
#include "stix/pattern/test_util.h"

namespace bulwark::stix::pattern {
namespace {

namespace json = boost::json;
using testing::ReadFile;
using testing::TestDataDir;

// "match", "no-match" or "error" for a pattern against an observation set, as the reference matcher reports.
std::string Verdict(std::string_view pattern_text, const json::value& observed) {
  auto pattern = Parse(pattern_text);
  if (!pattern.ok()) return "error";
  auto set = ObservationSet::FromJson(observed);
  if (!set.ok()) return "error";
  auto matched = Matches(*pattern, *set);
  if (!matched.ok()) return "error";
  return *matched ? "match" : "no-match";
}

json::value Observed(std::string_view text) { return json::parse(text); }

TEST(MatcherCases, AgreesWithReferenceMatcher) {
  std::string cases_text, expected_text;
  auto cases_path = TestDataDir() / "stix" / "patterns" / "matcher-cases.json";
  if (!ReadFile(cases_path, cases_text)) GTEST_SKIP() << "missing " << cases_path;
  auto disagreements_path =
      std::filesystem::path(BULWARK_SOURCE_DIR) / "src/stix/pattern/testdata/matcher-disagreements.txt";
  ASSERT_TRUE(ReadFile(disagreements_path, expected_text)) << disagreements_path;

  std::set<size_t> listed;
  std::istringstream lines(expected_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    listed.insert(std::stoul(line.substr(0, line.find(' '))));
  }

  json::value doc = json::parse(cases_text);
  const json::array& sets = doc.at("observation_sets").as_array();
  const json::array& cases = doc.at("cases").as_array();
  ASSERT_EQ(cases.size(), 422u);
  std::set<size_t> disagreeing;
  std::string report;
  for (size_t i = 0; i < cases.size(); ++i) {
    const json::object& c = cases[i].as_object();
    std::string_view pattern = c.at("pattern").as_string();
    std::string_view expected = c.at("expected").as_string();
    std::string got = Verdict(pattern, sets.at(static_cast<size_t>(c.at("observations").as_int64())));
    if (got != expected) {
      disagreeing.insert(i);
      report += std::to_string(i) + " expected " + std::string(expected) + " got " + got + ": " +
                std::string(pattern) + "\n";
    }
  }
  double agreement = 1.0 - static_cast<double>(disagreeing.size()) / static_cast<double>(cases.size());
  EXPECT_GE(agreement, 0.98) << report;
  EXPECT_EQ(disagreeing, listed) << "disagreements changed; update testdata/matcher-disagreements.txt:\n"
                                 << report;
}

const char* kPeople = R"([
 {"type":"bundle","id":"bundle--1","objects":[
  {"type":"observed-data","id":"observed-data--1","first_observed":"2020-01-01T00:00:00Z",
   "last_observed":"2020-01-01T00:00:00Z","number_observed":1,"object_refs":["person--a","person--b"]},
  {"type":"person","id":"person--a","name":"alice","age":30,"knows_refs":["person--b"],
   "ips":["10.0.0.1","192.168.1.7"],"blob_hex":"00ff10","nested":{"list":[{"x":1},{"x":2}]}},
  {"type":"person","id":"person--b","name":"bob","age":20.5,"joined":"2019-06-01T12:00:00.5Z"},
  {"type":"person","id":"person--c","name":"carol"}]},
 {"type":"observed-data","first_observed":"2020-01-01T00:00:10Z","last_observed":"2020-01-01T00:00:20Z",
  "number_observed":3,"objects":{"0":{"type":"ipv6-addr","value":"2001:db8::1"},
   "1":{"type":"network-traffic","dst_ref":"0","dst_port":443}}}
])";

class MatcherTest : public ::testing::Test {
 protected:
  std::string V(std::string_view pattern) { return Verdict(pattern, Observed(kPeople)); }
};

TEST_F(MatcherTest, EqualityAndOrdering) {
  EXPECT_EQ(V("[person:name = 'alice']"), "match");
  EXPECT_EQ(V("[person:name == 'alice' AND person:age = 30]"), "match");
  EXPECT_EQ(V("[person:name = 'alice' AND person:age = 20.5]"), "no-match");  // same root required
  EXPECT_EQ(V("[person:age > 20.4 AND person:age < 21]"), "match");
  EXPECT_EQ(V("[person:age >= 31]"), "no-match");
  EXPECT_EQ(V("[person:age <= 20.5]"), "match");
  EXPECT_EQ(V("[person:name <> 'alice']"), "match");
  EXPECT_EQ(V("[person:name = 'carol']"), "no-match");  // not referenced by object_refs
  EXPECT_EQ(V("[person:name NOT = 'alice' AND person:name NOT = 'bob']"), "no-match");
}

TEST_F(MatcherTest, SetsLikeRegexExists) {
  EXPECT_EQ(V("[person:age IN (1, 30, 5.5)]"), "match");
  EXPECT_EQ(V("[person:name NOT IN ('alice', 'bob')]"), "no-match");
  EXPECT_EQ(V("[person:name LIKE 'a_i%']"), "match");
  EXPECT_EQ(V("[person:name LIKE 'a_i']"), "no-match");
  EXPECT_EQ(V("[person:name MATCHES '^b.b$']"), "match");
  EXPECT_EQ(V("[person:name MATCHES 'B']"), "no-match");
  EXPECT_EQ(V("[EXISTS person:joined]"), "match");
  EXPECT_EQ(V("[NOT EXISTS person:age]"), "no-match");
  EXPECT_EQ(V("[person:joined > t'2019-06-01T12:00:00Z']"), "match");
  EXPECT_EQ(V("[person:joined = t'2019-06-01T12:00:00.500Z']"), "match");
}

TEST_F(MatcherTest, PathsReferencesAndBinary) {
  EXPECT_EQ(V("[person:knows_refs[*].name = 'bob']"), "match");
  EXPECT_EQ(V("[person:knows_refs[0].age > 20]"), "match");
  EXPECT_EQ(V("[person:knows_refs[1].name = 'bob']"), "no-match");
  EXPECT_EQ(V("[person:ips[-1] = '192.168.1.7']"), "match");
  EXPECT_EQ(V("[person:ips[2] = '192.168.1.7']"), "no-match");
  EXPECT_EQ(V("[person:nested.list[*].x = 2]"), "match");
  EXPECT_EQ(V("[person:nested.'list'[1].x = 1]"), "no-match");
  EXPECT_EQ(V("[person:blob_hex = h'00FF10']"), "match");
  EXPECT_EQ(V("[person:blob_hex = b'AP8Q']"), "match");
  EXPECT_EQ(V("[network-traffic:dst_ref.value = '2001:db8::1' AND network-traffic:dst_port = 443]"), "match");
}

TEST_F(MatcherTest, Cidr) {
  EXPECT_EQ(V("[person:ips[*] ISSUBSET '192.168.0.0/16']"), "match");
  EXPECT_EQ(V("[person:ips[*] ISSUBSET '172.16.0.0/12']"), "no-match");
  EXPECT_EQ(V("[network-traffic:dst_ref.value ISSUBSET '2001:db8::/32']"), "match");
  EXPECT_EQ(V("[network-traffic:dst_ref.value ISSUBSET '2001:db9::/32']"), "no-match");
  EXPECT_EQ(V("[network-traffic:dst_ref.value ISSUBSET '10.0.0.0/8']"), "no-match");  // family mismatch
}

TEST_F(MatcherTest, ObservationOperatorsAndQualifiers) {
  EXPECT_EQ(V("[person:name = 'alice'] AND [ipv6-addr:value = '2001:db8::1']"), "match");
  EXPECT_EQ(V("[person:name = 'alice'] AND [person:name = 'bob']"), "no-match");  // one observed-data
  EXPECT_EQ(V("[person:name = 'alice'] FOLLOWEDBY [ipv6-addr:value = '2001:db8::1']"), "match");
  EXPECT_EQ(V("[ipv6-addr:value = '2001:db8::1'] FOLLOWEDBY [person:name = 'alice']"), "no-match");
  EXPECT_EQ(V("([person:name = 'alice'] AND [ipv6-addr:value = '2001:db8::1']) WITHIN 10 SECONDS"), "match");
  EXPECT_EQ(V("([person:name = 'alice'] AND [ipv6-addr:value = '2001:db8::1']) WITHIN 9.5 SECONDS"),
            "no-match");
  EXPECT_EQ(V("[ipv6-addr:value = '2001:db8::1'] REPEATS 3 TIMES"), "match");  // number_observed 3
  EXPECT_EQ(V("[ipv6-addr:value = '2001:db8::1'] REPEATS 4 TIMES"), "no-match");
  EXPECT_EQ(V("[ipv6-addr:value LIKE '%'] START t'2020-01-01T00:00:15Z' STOP t'2020-01-01T00:00:16Z'"),
            "match");
  EXPECT_EQ(V("[person:name = 'alice'] START t'2020-01-01T00:00:01Z' STOP t'2020-01-02T00:00:00Z'"),
            "no-match");
}

TEST(MatcherBounds, ManyWayAndAndHugeRepeatsStayFast) {
  // 200 observed-data, one person each: the reference matcher enumerates C(200, n) combinations here.
  json::array list;
  for (int i = 0; i < 200; ++i) {
    json::object od;
    od["type"] = "observed-data";
    od["first_observed"] = "2020-01-01T00:00:00Z";
    od["last_observed"] = "2020-01-01T00:00:00Z";
    od["number_observed"] = 1;
    od["objects"] = json::object{{"0", json::object{{"type", "person"}, {"age", i}}}};
    list.push_back(std::move(od));
  }
  auto set = ObservationSet::FromJson(json::value(list));
  ASSERT_TRUE(set.ok());
  std::string and20 = "[person:age >= 0]";
  for (int i = 0; i < 19; ++i) and20 += " AND [person:age >= 0]";
  auto p = Parse(and20);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(*Matches(*p, *set));
  p = Parse("[person:age < 150] REPEATS 150 TIMES");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(*Matches(*p, *set));
  p = Parse("[person:age < 150] REPEATS 151 TIMES");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(*Matches(*p, *set));
  p = Parse("([person:age >= 0] FOLLOWEDBY [person:age >= 0]) REPEATS 100 TIMES");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(*Matches(*p, *set));
}

TEST(ObservationSet, RejectsBadInput) {
  EXPECT_FALSE(ObservationSet::FromJson(json::parse("42")).ok());
  EXPECT_FALSE(ObservationSet::FromJson(json::parse(R"({"type":"indicator"})")).ok());
  EXPECT_FALSE(ObservationSet::FromJson(json::parse(
                   R"({"type":"observed-data","first_observed":"x","last_observed":"2020-01-01T00:00:00Z",
                       "number_observed":1,"objects":{}})"))
                   .ok());
  EXPECT_FALSE(ObservationSet::FromJson(json::parse(
                   R"({"type":"observed-data","first_observed":"2020-01-01T00:00:00Z",
                       "last_observed":"2020-01-01T00:00:00Z","number_observed":0,"objects":{}})"))
                   .ok());
}

TEST(Matcher, InvalidJsonTimestampIsAnError) {
  auto set = ObservationSet::FromJson(json::parse(
      R"({"type":"observed-data","first_observed":"2020-01-01T00:00:00Z","last_observed":"2020-01-01T00:00:00Z",
          "number_observed":1,"objects":{"0":{"type":"event","ts":"yesterday"}}})"));
  ASSERT_TRUE(set.ok());
  auto p = Parse("[event:ts < t'2020-01-01T00:00:00Z']");
  ASSERT_TRUE(p.ok());
  auto r = Matches(*p, *set);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Invalid timestamp in JSON: yesterday"), std::string::npos);
}

}  // namespace
}  // namespace bulwark::stix::pattern
