#include "model/attribute_types.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "model/test_data.h"

namespace bulwark::model {
namespace {

namespace json = boost::json;

class DescribeTypesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto path = testing::TestDataDir() / "misp" / "describeTypes.json";
    auto doc = testing::ReadJsonFile(path);
    if (!doc) GTEST_SKIP() << "test data missing: " << path;
    ASSERT_TRUE(doc->is_object());
    result_ = doc->as_object().at("result").as_object();
  }
  json::object result_;
};

TEST_F(DescribeTypesTest, SameTypesInSameOrder) {
  const auto& types = result_.at("types").as_array();
  const auto& registry = AttributeTypes::Get();
  ASSERT_EQ(types.size(), 194u);
  ASSERT_EQ(registry.size(), types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(registry.Types()[i].name, std::string_view(types[i].as_string())) << i;
  }
}

TEST_F(DescribeTypesTest, SameCategoriesInSameOrder) {
  const auto& categories = result_.at("categories").as_array();
  const auto& registry = AttributeTypes::Get();
  ASSERT_EQ(categories.size(), 16u);
  ASSERT_EQ(registry.Categories().size(), categories.size());
  for (size_t i = 0; i < categories.size(); ++i) {
    EXPECT_EQ(registry.Categories()[i], std::string_view(categories[i].as_string()));
    EXPECT_TRUE(registry.IsValidCategory(categories[i].as_string()));
  }
}

TEST_F(DescribeTypesTest, SameSaneDefaults) {
  const auto& defaults = result_.at("sane_defaults").as_object();
  const auto& registry = AttributeTypes::Get();
  EXPECT_EQ(defaults.size(), registry.size());
  for (const auto& [type, entry] : defaults) {
    const AttributeTypeInfo* info = registry.Find(type);
    ASSERT_NE(info, nullptr) << type;
    EXPECT_EQ(info->default_category, std::string_view(entry.at("default_category").as_string())) << type;
    EXPECT_EQ(info->default_to_ids, entry.at("to_ids").to_number<int>() != 0) << type;
  }
}

TEST_F(DescribeTypesTest, SameCategoryTypeMappings) {
  const auto& mappings = result_.at("category_type_mappings").as_object();
  const auto& registry = AttributeTypes::Get();
  EXPECT_EQ(mappings.size(), registry.Categories().size());
  for (const auto& [category, types] : mappings) {
    ASSERT_TRUE(registry.IsValidCategory(category)) << category;
    std::vector<std::string_view> expected;
    for (const auto& t : types.as_array()) expected.emplace_back(t.as_string());
    auto ours = registry.TypesOfCategory(category);
    EXPECT_EQ(std::vector<std::string_view>(ours.begin(), ours.end()), expected) << category;
    // And the per-type view agrees with the per-category lists, in both directions.
    std::set<std::string_view> allowed(expected.begin(), expected.end());
    for (const auto& info : registry.Types()) {
      EXPECT_EQ(registry.CategoryAllows(category, info.name), allowed.count(info.name) == 1)
          << category << " / " << info.name;
    }
  }
}

TEST(AttributeTypes, LookupAndFlags) {
  const auto& r = AttributeTypes::Get();
  EXPECT_EQ(r.Find("no-such-type"), nullptr);
  EXPECT_EQ(r.Find("IP-DST"), nullptr);  // type names are case-sensitive
  const AttributeTypeInfo* ip = r.Find("ip-dst");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->kind, ValueKind::kIpOrCidr);
  EXPECT_FALSE(ip->composite);
  EXPECT_TRUE(ip->correlates());
  EXPECT_EQ(ip->default_category, "Network activity");
  EXPECT_TRUE(ip->default_to_ids);

  const AttributeTypeInfo* fmd5 = r.Find("filename|md5");
  ASSERT_NE(fmd5, nullptr);
  EXPECT_TRUE(fmd5->composite);
  EXPECT_EQ(fmd5->kind, ValueKind::kFilename);
  EXPECT_EQ(fmd5->kind2, ValueKind::kMd5);

  const AttributeTypeInfo* ipport = r.Find("ip-src|port");
  ASSERT_NE(ipport, nullptr);
  EXPECT_EQ(ipport->kind, ValueKind::kIpAddress);
  EXPECT_EQ(ipport->kind2, ValueKind::kPort);
  EXPECT_EQ(ipport->correlation, Correlation::kFirstHalfOnly);

  const AttributeTypeInfo* sample = r.Find("malware-sample");
  ASSERT_NE(sample, nullptr);
  EXPECT_TRUE(sample->composite);

  EXPECT_EQ(r.Find("named pipe")->kind, ValueKind::kSingleLineText);
  EXPECT_EQ(r.Find("AS")->kind, ValueKind::kAsn);
  EXPECT_EQ(r.Find("sha512/256")->kind, ValueKind::kSha512_256);
  EXPECT_EQ(r.Find("x509-fingerprint-sha256")->kind, ValueKind::kFingerprintSha256);

  EXPECT_TRUE(r.CategoryAllows("Network activity", "ip-dst"));
  EXPECT_FALSE(r.CategoryAllows("Person", "ip-dst"));
  EXPECT_FALSE(r.CategoryAllows("network activity", "ip-dst"));
  EXPECT_FALSE(r.CategoryAllows("Network activity", "nope"));
  EXPECT_TRUE(r.TypesOfCategory("Nope").empty());
  EXPECT_EQ(r.TypesOfCategory("Payload type").size(), 4u);
}

// MISP's NON_CORRELATING_TYPES, exactly.
TEST(AttributeTypes, NonCorrelatingTypes) {
  std::set<std::string_view> expected = {"comment", "http-method", "aba-rtn",     "gender", "counter", "integer",
                                         "float",   "port",        "nationality", "cortex", "boolean", "anonymised"};
  std::set<std::string_view> ours;
  for (const auto& info : AttributeTypes::Get().Types()) {
    if (!info.correlates()) ours.insert(info.name);
  }
  EXPECT_EQ(ours, expected);
}

// Composite iff the name has a '|', plus malware-sample (filename|md5 in MISP); composites have two kinds.
TEST(AttributeTypes, CompositesHaveTwoKinds) {
  int composites = 0;
  for (const auto& info : AttributeTypes::Get().Types()) {
    bool expected = info.name.find('|') != std::string_view::npos || info.name == "malware-sample";
    EXPECT_EQ(info.composite, expected) << info.name;
    EXPECT_EQ(info.kind2 != ValueKind::kNone, info.composite) << info.name;
    EXPECT_NE(info.kind, ValueKind::kNone) << info.name;
    EXPECT_NE(info.categories, 0u) << info.name << " is in no category";
    EXPECT_NE(ValueKindName(info.kind), "unknown");
    composites += info.composite;
  }
  EXPECT_EQ(composites, 25);  // 24 "a|b" names + malware-sample
}

}  // namespace
}  // namespace bulwark::model
