#include "stix/pattern/simple.h"

#include <gtest/gtest.h>

#include "stix/pattern/parser.h"

namespace bulwark::stix::pattern {
namespace {

std::optional<std::vector<SimpleComparison>> Simple(std::string_view text) {
  auto p = Parse(text);
  EXPECT_TRUE(p.ok()) << text;
  if (!p.ok()) return std::nullopt;
  return AsSimple(*p);
}

TEST(AsSimple, OrOfEqualities) {
  auto s = Simple("[ipv4-addr:value = '1.2.3.4' OR (domain-name:value = 'x.com' OR file:hashes.'SHA-256' = 'ab')]");
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].object_type, "ipv4-addr");
  EXPECT_EQ((*s)[0].property_path, "value");
  EXPECT_EQ((*s)[0].value.bytes, "1.2.3.4");
  EXPECT_EQ((*s)[1].object_type, "domain-name");
  EXPECT_EQ((*s)[1].value.bytes, "x.com");
  EXPECT_EQ((*s)[2].property_path, "hashes.'SHA-256'");
  ASSERT_EQ((*s)[2].steps.size(), 2u);
  EXPECT_EQ((*s)[2].steps[1].key, "SHA-256");
  auto one = Simple("[network-traffic:dst_port = 443]");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ((*one)[0].value.int_value, 443);
}

TEST(AsSimple, RejectsEverythingElse) {
  EXPECT_FALSE(Simple("[a:b = 1 AND a:c = 2]").has_value());
  EXPECT_FALSE(Simple("[a:b != 1]").has_value());
  EXPECT_FALSE(Simple("[a:b NOT = 1]").has_value());
  EXPECT_FALSE(Simple("[a:b LIKE 'x']").has_value());
  EXPECT_FALSE(Simple("[a:b IN (1, 2)]").has_value());
  EXPECT_FALSE(Simple("[a:b = 1] OR [a:b = 2]").has_value());
  EXPECT_FALSE(Simple("[a:b = 1] WITHIN 5 SECONDS").has_value());
  EXPECT_FALSE(Simple("[a:b = 1 OR (a:b = 2 AND a:c = 3)]").has_value());
}

}  // namespace
}  // namespace bulwark::stix::pattern
