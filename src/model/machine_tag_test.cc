#include "model/machine_tag.h"

#include <gtest/gtest.h>

namespace bulwark::model {
namespace {

MachineTag Tag(std::string ns, std::string predicate, std::string value = {}) {
  return MachineTag{std::move(ns), std::move(predicate), std::move(value)};
}

TEST(MachineTag, ParsesTriplesAndPairs) {
  EXPECT_EQ(ParseMachineTag("tlp:amber"), Tag("tlp", "amber"));
  EXPECT_EQ(ParseMachineTag("PAP:RED"), Tag("PAP", "RED"));
  EXPECT_EQ(ParseMachineTag("tlp:amber+strict"), Tag("tlp", "amber+strict"));
  EXPECT_EQ(ParseMachineTag("tlp:ex:chr"), Tag("tlp", "ex:chr"));
  EXPECT_EQ(ParseMachineTag("admiralty-scale:source-reliability=\"a\""),
            Tag("admiralty-scale", "source-reliability", "a"));
  EXPECT_EQ(ParseMachineTag("misp-galaxy:threat-actor=\"APT 28\""), Tag("misp-galaxy", "threat-actor", "APT 28"));
  EXPECT_EQ(ParseMachineTag("ns:pred=\"a \"quoted\" b\""), Tag("ns", "pred", "a \"quoted\" b"));
  EXPECT_EQ(ParseMachineTag("ns:pred=\"x=y:z\""), Tag("ns", "pred", "x=y:z"));
  EXPECT_EQ(ParseMachineTag("europol-incident:malware=\"c&c\""), Tag("europol-incident", "malware", "c&c"));
  EXPECT_EQ(ParseMachineTag("osint:source-type=\"blog-post\""), Tag("osint", "source-type", "blog-post"));
  EXPECT_EQ(ParseMachineTag("ns:predicate with spaces"), Tag("ns", "predicate with spaces"));
}

TEST(MachineTag, FreeTags) {
  for (const char* free : {"malware", "APT 28", ":amber", "tlp:", "t lp:amber", "tlp: amber", "tlp:amber ",
                           "ns:pred=", "ns:pred=\"\"", "ns:pred=\"a", "ns:pred=a", "ns:pred=\"a\"x", "ns:=\"a\"",
                           "ns:pr\"ed", "Threat: high", "ns:pred=\"", "日本:タグ"}) {
    EXPECT_FALSE(ParseMachineTag(free).has_value()) << free;
  }
}

TEST(MachineTag, ToStringRoundTrips) {
  for (const char* name :
       {"tlp:amber", "admiralty-scale:source-reliability=\"a\"", "tlp:ex:chr", "misp-galaxy:threat-actor=\"APT 28\""}) {
    auto tag = ParseMachineTag(name);
    ASSERT_TRUE(tag.has_value()) << name;
    EXPECT_EQ(tag->ToString(), name);
  }
}

TEST(TagName, Validation) {
  EXPECT_TRUE(ValidateTagName("tlp:amber").ok());
  EXPECT_TRUE(ValidateTagName("Élection 2024 — ingérence").ok());
  EXPECT_TRUE(ValidateTagName(std::string(kMaxTagNameBytes, 'x')).ok());
  for (const std::string& bad : {std::string(), std::string(kMaxTagNameBytes + 1, 'x'), std::string("a\nb"),
                                 std::string("a\tb"), std::string("a\0b", 3), std::string("\x7f"),
                                 std::string("a\xc2\x85"), std::string("\xff"), std::string("\xc3")}) {
    auto s = ValidateTagName(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(s.error().field, "name");
  }
}

}  // namespace
}  // namespace bulwark::model
