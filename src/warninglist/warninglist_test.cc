// Parsing and validation of single list documents, including every malformed shape we reject.
#include "warninglist/warninglist.h"

#include <gtest/gtest.h>

#include <string>

namespace bulwark::warninglist {
namespace {

TEST(ParseWarninglistTest, FullDocument) {
  auto wl = ParseWarninglist(R"({"name": "Test list", "version": 7, "description": "d", "type": "hostname",
    "category": "known", "matching_attributes": ["domain", "hostname", "domain"],
    "list": [".Example.COM.", "  foo.org ", "", "bar.net"]})");
  ASSERT_TRUE(wl.ok()) << wl.error().message;
  EXPECT_EQ(wl->name, "Test list");
  EXPECT_EQ(wl->version, 7);
  EXPECT_EQ(wl->type, ListType::kHostname);
  EXPECT_EQ(wl->category, Category::kKnown);
  EXPECT_EQ(wl->matching_attributes, (std::vector<std::string>{"domain", "hostname"}));
  EXPECT_EQ(wl->entries, (std::vector<std::string>{"example.com", "foo.org", "bar.net"}));
}

TEST(ParseWarninglistTest, DefaultsAsMisp) {
  auto wl = ParseWarninglist(R"({"name": "n", "list": ["A"]})");
  ASSERT_TRUE(wl.ok()) << wl.error().message;
  EXPECT_EQ(wl->type, ListType::kString);
  EXPECT_EQ(wl->version, 1);
  EXPECT_EQ(wl->category, Category::kFalsePositive);
  EXPECT_TRUE(wl->matching_attributes.empty());
  EXPECT_EQ(wl->entries, (std::vector<std::string>{"A"}));  // string entries keep their case
}

TEST(ParseWarninglistTest, TypeArrayAndObjectListAndAllMarker) {
  auto wl = ParseWarninglist(R"({"name": "n", "type": ["cidr", "string"], "matching_attributes": ["ALL"],
    "list": {"10.0.0.0/8": "private", "2001:db8::1": "doc"}})");
  ASSERT_TRUE(wl.ok()) << wl.error().message;
  EXPECT_EQ(wl->type, ListType::kCidr);
  EXPECT_TRUE(wl->matching_attributes.empty());
  EXPECT_EQ(wl->entries, (std::vector<std::string>{"10.0.0.0/8", "2001:db8::1"}));
}

TEST(ParseWarninglistTest, MalformedDocumentsAreRejectedWithAReason) {
  struct Case {
    const char* json;
    const char* expect;  // part of the message
  };
  const Case cases[] = {
      {"", "not JSON"},
      {"{\"name\": \"x\", \"list\": [", "not JSON"},
      {"[1, 2]", "not a JSON object"},
      {R"({"list": []})", "\"name\" is missing"},
      {R"({"name": 5, "list": []})", "\"name\" must be a string"},
      {R"({"name": "x"})", "\"list\" is missing"},
      {R"({"name": "x", "list": "8.8.8.8"})", "\"list\" must be an array"},
      {R"({"name": "x", "list": ["a", 3]})", "entry 1 is not a string"},
      {R"({"name": "x", "type": "glob", "list": []})", "unknown type `glob`"},
      {R"({"name": "x", "type": 3, "list": []})", "\"type\" must be a string"},
      {R"({"name": "x", "category": "bad", "list": []})", "unknown category `bad`"},
      {R"({"name": "x", "version": "v2", "list": []})", "\"version\" must be an integer"},
      {R"({"name": "x", "matching_attributes": "ip-src", "list": []})", "\"matching_attributes\" must be"},
      {R"({"name": "x", "matching_attributes": [1], "list": []})", "\"matching_attributes\" must be"},
      {R"({"name": "x", "type": "cidr", "list": ["10.0.0.0/8", "10.0.0.0/33"]})", "entry 1: `10.0.0.0/33`"},
      {R"({"name": "x", "type": "cidr", "list": ["example.com"]})", "not a valid IP address or CIDR"},
      {R"({"name": "x", "type": "regex", "list": ["abc"]})", "does not start with a delimiter"},
      {R"({"name": "x", "type": "regex", "list": ["/abc"]})", "no closing delimiter"},
      {R"({"name": "x", "type": "regex", "list": ["/abc/q"]})", "unsupported flag 'q'"},
      {R"({"name": "x", "type": "regex", "list": ["/(a/"]})", "regex not supported"},
      {R"({"name": "x", "type": "regex", "list": ["/(a)\\1/"]})", "regex not supported"},  // backreference
  };
  for (const Case& c : cases) {
    auto wl = ParseWarninglist(std::string_view(c.json));
    ASSERT_FALSE(wl.ok()) << c.json;
    EXPECT_NE(wl.error().message.find(c.expect), std::string::npos) << c.json << " -> " << wl.error().message;
  }
}

TEST(ParseWarninglistTest, ErrorsNameTheList) {
  auto wl = ParseWarninglist(R"({"name": "My list", "type": "cidr", "list": ["nope"]})");
  ASSERT_FALSE(wl.ok());
  EXPECT_EQ(wl.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(wl.error().message, "warninglist `My list`: entry 0: `nope` is not a valid IP address or CIDR");
}

TEST(ParseWarninglistTest, OversizedEntryRejected) {
  std::string doc = R"({"name": "x", "list": [")" + std::string(kMaxEntryBytes + 1, 'a') + "\"]}";
  auto wl = ParseWarninglist(doc);
  ASSERT_FALSE(wl.ok());
  EXPECT_NE(wl.error().message.find("longer than"), std::string::npos);
}

TEST(ParseWarninglistTest, DeepNestingRejected) {
  std::string doc = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(ParseWarninglist(doc).ok());
}

TEST(SplitDelimitedRegexTest, DelimitersAndFlags) {
  auto re = SplitDelimitedRegex("/^(security|noc)\\@.*$/i");
  ASSERT_TRUE(re.ok());
  EXPECT_EQ(re->expression, "^(security|noc)\\@.*$");
  EXPECT_TRUE(re->caseless);
  EXPECT_FALSE(re->multiline);
  auto hash = SplitDelimitedRegex("#a/b#ms");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->expression, "a/b");
  EXPECT_TRUE(hash->multiline);
  EXPECT_TRUE(hash->dotall);
  auto brace = SplitDelimitedRegex("{x}g");
  ASSERT_TRUE(brace.ok());
  EXPECT_EQ(brace->expression, "x");
  EXPECT_FALSE(SplitDelimitedRegex("//").ok());
  EXPECT_FALSE(SplitDelimitedRegex("/").ok());
}

TEST(ListTypeTest, Names) {
  for (auto t : {ListType::kString, ListType::kSubstring, ListType::kHostname, ListType::kCidr, ListType::kRegex}) {
    auto back = ParseListType(ListTypeName(t));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(CategoryName(Category::kFalsePositive), "false_positive");
  EXPECT_EQ(CategoryName(Category::kKnown), "known");
}

}  // namespace
}  // namespace bulwark::warninglist
