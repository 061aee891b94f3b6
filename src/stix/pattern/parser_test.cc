#include "stix/pattern/parser.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "stix/pattern/test_util.h"

namespace bulwark::stix::pattern {
namespace {

using testing::ReadFile;
using testing::TestDataDir;

std::string ErrorOf(std::string_view text) {
  auto r = Parse(text);
  if (r.ok()) return "OK";
  return r.error().message;
}

std::string Canonical(std::string_view text) {
  auto r = Parse(text);
  if (!r.ok()) return "ERROR: " + r.error().message;
  return ToString(*r);
}

TEST(SpecExamples, AllParseAndRoundTrip) {
  std::string text;
  auto path = TestDataDir() / "stix" / "patterns" / "spec-examples-valid.txt";
  if (!ReadFile(path, text)) GTEST_SKIP() << "missing " << path;
  std::istringstream lines(text);
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    ++count;
    auto p = Parse(line);
    ASSERT_TRUE(p.ok()) << line << "\n" << p.error().message;
    std::string canonical = ToString(*p);
    auto again = Parse(canonical);
    ASSERT_TRUE(again.ok()) << canonical << "\n" << again.error().message;
    EXPECT_EQ(*again, *p) << line << "\n" << canonical;
    EXPECT_EQ(ToString(*again), canonical);
  }
  EXPECT_EQ(count, 23);
}

TEST(Parse, StructureOfACompoundPattern) {
  auto p = Parse("([file:name = 'foo.dll'] AND [win-registry-key:key = 'HKEY\\\\x']) OR "
                 "[process:name = 'a' OR process:name = 'b'] REPEATS 2 TIMES WITHIN 5.5 SECONDS");
  ASSERT_TRUE(p.ok()) << p.error().message;
  const ObservationExpr& root = p->root;
  ASSERT_EQ(root.kind, ObservationExpr::Kind::kOr);
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.children[0].kind, ObservationExpr::Kind::kAnd);
  const ObservationExpr& within = root.children[1];
  ASSERT_EQ(within.kind, ObservationExpr::Kind::kWithin);
  EXPECT_DOUBLE_EQ(within.within_seconds, 5.5);
  ASSERT_EQ(within.children[0].kind, ObservationExpr::Kind::kRepeats);
  EXPECT_EQ(within.children[0].repeats, 2);
  const ComparisonExpr& ors = within.children[0].children[0].comparison;
  ASSERT_EQ(ors.kind, ComparisonExpr::Kind::kOr);
  EXPECT_EQ(ors.children[1].comparison.value.bytes, "b");
  EXPECT_EQ(root.children[0].children[1].comparison.comparison.value.bytes, "HKEY\\x");
}

TEST(Parse, PathsAndLiterals) {
  auto p = Parse("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > -7.25 AND "
                 "x-foo:list[-1] = 3 AND x-foo:'a.b'[2] != b'AQIDBA==' AND x-foo:h = h'0aFF' AND "
                 "x-foo:t <= t'2016-02-29T23:59:60.123Z' AND x-foo:bool = false]");
  ASSERT_TRUE(p.ok()) << p.error().message;
  const auto& cs = p->root.comparison.children;
  ASSERT_EQ(cs.size(), 6u);
  const ObjectPath& path = cs[0].comparison.path;
  EXPECT_EQ(path.object_type, "file");
  ASSERT_EQ(path.steps.size(), 5u);
  EXPECT_EQ(path.steps[1].key, "windows-pebinary-ext");
  EXPECT_EQ(path.steps[3].kind, PathStep::Kind::kAnyIndex);
  EXPECT_EQ(path.steps[4].key, "entropy");
  EXPECT_DOUBLE_EQ(cs[0].comparison.value.float_value, -7.25);
  EXPECT_EQ(cs[1].comparison.path.steps[1].index, -1);
  EXPECT_EQ(cs[2].comparison.path.steps[0].key, "a.b");
  EXPECT_EQ(cs[2].comparison.value.bytes, std::string("\x01\x02\x03\x04"));
  EXPECT_EQ(cs[3].comparison.value.bytes, std::string("\x0a\xff"));
  EXPECT_EQ(cs[4].comparison.value.timestamp.nanos, 123000000);
  EXPECT_EQ(ToString(*p),
            "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > -7.25 AND x-foo:list[-1] = 3 AND "
            "x-foo:'a.b'[2] != b'AQIDBA==' AND x-foo:h = h'0aff' AND x-foo:t <= t'2016-03-01T00:00:00.123Z' "
            "AND x-foo:bool = false]");
}

TEST(Parse, EveryOperator) {
  EXPECT_EQ(Canonical("[a-b:c = 1]"), "[a-b:c = 1]");
  EXPECT_EQ(Canonical("[a-b:c == 1]"), "[a-b:c = 1]");
  EXPECT_EQ(Canonical("[a-b:c <> 1]"), "[a-b:c != 1]");
  EXPECT_EQ(Canonical("[a-b:c NOT < 1.50]"), "[a-b:c NOT < 1.5]");
  EXPECT_EQ(Canonical("[a-b:c <= +.5]"), "[a-b:c <= 0.5]");
  EXPECT_EQ(Canonical("[a-b:c > 2 AND a-b:c >= 1]"), "[a-b:c > 2 AND a-b:c >= 1]");
  EXPECT_EQ(Canonical("[a-b:c IN ('x','y')]"), "[a-b:c IN ('x', 'y')]");
  EXPECT_EQ(Canonical("[a-b:c NOT IN ()]"), "[a-b:c NOT IN ()]");
  EXPECT_EQ(Canonical("[a-b:c LIKE 'x%' OR a-b:c MATCHES '^a\\\\d+']"), "[a-b:c LIKE 'x%' OR a-b:c MATCHES '^a\\\\d+']");
  EXPECT_EQ(Canonical("[a-b:c ISSUBSET '10.0.0.0/8' AND a-b:c NOT ISSUPERSET '::1']"),
            "[a-b:c ISSUBSET '10.0.0.0/8' AND a-b:c NOT ISSUPERSET '::1']");
  EXPECT_EQ(Canonical("[EXISTS a-b:c AND NOT EXISTS a-b:d]"), "[EXISTS a-b:c AND NOT EXISTS a-b:d]");
  EXPECT_EQ(Canonical("[(a-b:c = 1 OR a-b:c = 2) AND a-b:d = 'it''s']").substr(0, 6), "ERROR:");
  EXPECT_EQ(Canonical("[(a-b:c = 1 OR a-b:c = 2) AND a-b:d = 'it\\'s']"),
            "[(a-b:c = 1 OR a-b:c = 2) AND a-b:d = 'it\\'s']");
  EXPECT_EQ(Canonical("[(a-b:c = 1 AND a-b:c = 2) OR ((a-b:d = 3))]"), "[a-b:c = 1 AND a-b:c = 2 OR a-b:d = 3]");
}

TEST(Parse, QualifiersAndObservationOperators) {
  EXPECT_EQ(Canonical("[a:b = 1] FOLLOWEDBY [a:b = 2] REPEATS 5 TIMES"),
            "[a:b = 1] FOLLOWEDBY [a:b = 2] REPEATS 5 TIMES");
  EXPECT_EQ(Canonical("([a:b = 1] FOLLOWEDBY [a:b = 2]) WITHIN 300 SECONDS"),
            "([a:b = 1] FOLLOWEDBY [a:b = 2]) WITHIN 300 SECONDS");
  EXPECT_EQ(Canonical("[a:b = 1] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:01.5Z'"),
            "[a:b = 1] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:01.5Z'");
  EXPECT_EQ(Canonical("(([a:b = 1]) OR [a:b = 2]) AND [a:b = 3] FOLLOWEDBY [a:b = 4]"),
            "([a:b = 1] OR [a:b = 2]) AND [a:b = 3] FOLLOWEDBY [a:b = 4]");
  EXPECT_EQ(Canonical("[a:b = 1] WITHIN 0.25 SECONDS REPEATS 2 TIMES"),
            "[a:b = 1] WITHIN 0.25 SECONDS REPEATS 2 TIMES");
  EXPECT_EQ(Canonical("/* c */ [a:b = 1] // trailing"), "[a:b = 1]");
  EXPECT_EQ(Canonical("[a:b\xC2\xA0=\xE3\x80\x80" "1]"), "[a:b = 1]");  // Unicode spaces
}

TEST(ParseErrors, MessagesCarryTheColumn) {
  EXPECT_EQ(ErrorOf("[file:name = 'a' AND file:size = 1"), "expected ']' but found end of input at column 35");
  EXPECT_EQ(ErrorOf("[file:name = 'a']]"), "expected FOLLOWEDBY, AND, OR, a qualifier or end of input but found "
                                           "']' at column 18");
  EXPECT_EQ(ErrorOf("[file:name 'a']"), "expected a comparison operator but found ''a'' at column 12");
  EXPECT_EQ(ErrorOf("[some-type:needs-quotes = 1]"), "property name 'needs-quotes' must be quoted at column 12");
  EXPECT_EQ(ErrorOf("[a:b = null]"), "expected a literal but found 'null' at column 8");
  EXPECT_EQ(ErrorOf("[a:b = 'x] "), "unterminated string literal at column 8");
  EXPECT_EQ(ErrorOf("[a:b = 'x\\q']"), "invalid escape in string literal (only \\' and \\\\) at column 10");
  EXPECT_EQ(ErrorOf("[a:b = t'2010-05-21T13:21Z']"),
            "invalid timestamp literal (want t'YYYY-MM-DDTHH:MM:SS[.s]Z') at column 8");
  EXPECT_EQ(ErrorOf("[a:b = h'abc']"), "hex literal needs an even number of digits at column 8");
  EXPECT_EQ(ErrorOf("[a:b = b'AQI']"), "invalid base64 in binary literal at column 10");
  EXPECT_EQ(ErrorOf("[a:b = 007]"), "integer literal with a leading zero at column 8");
  EXPECT_EQ(ErrorOf("[a:b = 99999999999999999999]"), "integer literal out of range at column 8");
  EXPECT_EQ(ErrorOf("[\xC3\xA4:b = 1]"), "unexpected character at column 2");
  EXPECT_EQ(ErrorOf("[a:b = '\xFF']"), "invalid UTF-8 at column 9");
}

TEST(ParseErrors, SemanticValidation) {
  EXPECT_EQ(ErrorOf("[a:b = 1] WITHIN 0 SECONDS"), "WITHIN needs a positive number of seconds at column 18");
  EXPECT_EQ(ErrorOf("[a:b = 1] WITHIN -1 SECONDS"),
            "expected a positive number of seconds but found '-1' at column 18");
  EXPECT_EQ(ErrorOf("[a:b = 1] WITHIN 1 second"), "expected 'SECONDS' but found 'second' at column 20");
  EXPECT_EQ(ErrorOf("[a:b = 1] REPEATS 0 TIMES"), "REPEATS needs a count of at least 1 at column 19");
  EXPECT_EQ(ErrorOf("[a:b = 1] REPEATS 1.5 TIMES"), "expected a positive integer but found '1.5' at column 19");
  EXPECT_EQ(ErrorOf("[a:b = 1] START t'2020-01-01T00:00:01Z' STOP t'2020-01-01T00:00:01Z'"),
            "START must be earlier than STOP at column 17");
  EXPECT_EQ(ErrorOf("[a:b = 1] START t'2020-01-01T00:00:01Z'"),
            "expected 'STOP' but found end of input at column 40");
  EXPECT_EQ(ErrorOf("[a:b MATCHES '(unclosed']"),
            "invalid regular expression '(unclosed' (U_REGEX_MISMATCHED_PAREN) at column 14");
  EXPECT_EQ(ErrorOf("[a:b ISSUBSET 'not-an-ip']"), "ISSUBSET needs an IP address or CIDR prefix at column 15");
  EXPECT_EQ(ErrorOf("[a:b ISSUPERSET '10.0.0.0/33']"), "ISSUPERSET needs an IP address or CIDR prefix at column 17");
  EXPECT_EQ(ErrorOf("[a:b IN (1, 2.5, 'x')]"), "set literal mixes kinds of values at column 18");
  EXPECT_EQ(ErrorOf("[a:b > true]"), "ordering comparison with a boolean at column 8");
  EXPECT_EQ(ErrorOf("[a:b LIKE 1]"), "LIKE needs a string literal at column 11");
  EXPECT_EQ(ErrorOf("[a--b:c = 1]"), "invalid object type 'a--b' at column 2");
  EXPECT_EQ(ErrorOf("[a-:c = 1]"), "invalid object type 'a-' at column 2");
  EXPECT_EQ(ErrorOf(""), "expected '[' or '(' but found end of input at column 1");
}

TEST(ParseHostile, DeepNestingLongInputAndHugeCounts) {
  std::string deep(100000, '(');
  EXPECT_NE(ErrorOf(deep + "[a:b = 1]").find("nested deeper than 64 levels"), std::string::npos);
  std::string deep_cmp = "[" + std::string(100000, '(') + "a:b = 1]";
  EXPECT_NE(ErrorOf(deep_cmp).find("nested deeper than 64 levels"), std::string::npos);
  std::string quals = "[a:b = 1]";
  for (int i = 0; i < 1000; ++i) quals += " REPEATS 2 TIMES";
  EXPECT_NE(ErrorOf(quals).find("nested deeper than 64 levels"), std::string::npos);
  EXPECT_EQ(ErrorOf("[a:b = 1] REPEATS 1000001 TIMES"), "REPEATS count above 1000000 at column 19");
  EXPECT_EQ(ErrorOf("[a:b = 1] REPEATS 99999999999999999999999 TIMES"),
            "integer literal out of range at column 19");
  EXPECT_EQ(ErrorOf("[a:b = 1] WITHIN 1e9 SECONDS"), "expected 'SECONDS' but found 'e9' at column 19");
  auto big = Parse(std::string(kMaxPatternBytes + 1, ' '));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kTooLarge);
  // A long flat chain is fine: n-ary nodes, no recursion per operand.
  std::string chain = "[a:b = 0";
  for (int i = 1; i < 20000; ++i) chain += " OR a:b = " + std::to_string(i);
  chain += "]";
  auto p = Parse(chain);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->root.comparison.children.size(), 20000u);
  std::string obs_chain = "[a:b = 0]";
  for (int i = 1; i < 5000; ++i) obs_chain += " AND [a:b = 1]";
  EXPECT_TRUE(Parse(obs_chain).ok());
  EXPECT_NE(ErrorOf("[a:b = '" + std::string(100, 'x')).find("unterminated"), std::string::npos);
  EXPECT_NE(ErrorOf("/* " + std::string(1000, '*')).find("unterminated comment"), std::string::npos);
}

}  // namespace
}  // namespace bulwark::stix::pattern
