// Every real bundle in shared/data/stix reads whole and validates with zero errors; per-type counts were
// computed independently with Python's json module.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "stix/bundle_reader.h"
#include "stix/test_util.h"
#include "stix/validate.h"

namespace bulwark::stix {
namespace {

struct Expected {
  std::string file;
  size_t total;
  std::map<std::string, size_t> by_type;
  InputShape shape;
};

const std::vector<Expected>& Bundles() {
  static const std::vector<Expected> kBundles = {
      {"attack-ics.json", 1826,
       {{"attack-pattern", 95}, {"campaign", 8}, {"course-of-action", 52}, {"identity", 1}, {"intrusion-set", 16},
        {"malware", 30}, {"marking-definition", 1}, {"relationship", 1373}, {"x-mitre-analytic", 82},
        {"x-mitre-asset", 18}, {"x-mitre-collection", 1}, {"x-mitre-data-component", 36},
        {"x-mitre-data-source", 17}, {"x-mitre-detection-strategy", 83}, {"x-mitre-matrix", 1},
        {"x-mitre-tactic", 12}},
       InputShape::kBundle},
      {"attack-mobile.json", 2148,
       {{"attack-pattern", 188}, {"campaign", 3}, {"course-of-action", 15}, {"identity", 1}, {"intrusion-set", 15},
        {"malware", 117}, {"marking-definition", 1}, {"relationship", 1766}, {"tool", 2}, {"x-mitre-collection", 1},
        {"x-mitre-data-component", 17}, {"x-mitre-data-source", 6}, {"x-mitre-matrix", 2}, {"x-mitre-tactic", 14}},
       InputShape::kBundle},
      {"disarm.json", 698,
       {{"attack-pattern", 391}, {"identity", 1}, {"marking-definition", 1}, {"relationship", 288},
        {"x-mitre-matrix", 1}, {"x-mitre-tactic", 16}},
       InputShape::kBundle},
      {"oasis-examples/apt1.json", 76,
       {{"attack-pattern", 7}, {"identity", 4}, {"indicator", 12}, {"intrusion-set", 1}, {"malware", 6},
        {"relationship", 30}, {"report", 1}, {"threat-actor", 5}, {"tool", 10}},
       InputShape::kBundle},
      {"oasis-examples/indicator-for-c2-ip-address.json", 1, {{"indicator", 1}}, InputShape::kBundle},
      {"oasis-examples/indicator-to-campaign-relationship.json", 3,
       {{"campaign", 1}, {"indicator", 1}, {"relationship", 1}}, InputShape::kBundle},
      {"oasis-examples/indicators-for-C2-with-COA.json", 8,
       {{"course-of-action", 1}, {"identity", 1}, {"indicator", 2}, {"malware", 1}, {"relationship", 3}},
       InputShape::kBundle},
      {"oasis-examples/infrastructure.json", 10,
       {{"domain-name", 1}, {"infrastructure", 2}, {"ipv4-addr", 1}, {"malware", 2}, {"relationship", 4}},
       InputShape::kBundle},
      {"oasis-examples/interop-objectmarking-test.json", 1, {{"campaign", 1}}, InputShape::kSingleObject},
      {"oasis-examples/malicious-email-indicator-with-attachment.json", 6,
       {{"attack-pattern", 1}, {"identity", 1}, {"indicator", 2}, {"relationship", 2}}, InputShape::kBundle},
      {"oasis-examples/poisonivy.json", 155,
       {{"attack-pattern", 3}, {"campaign", 3}, {"course-of-action", 1}, {"identity", 1}, {"indicator", 25},
        {"malware", 25}, {"relationship", 90}, {"report", 1}, {"vulnerability", 6}},
       InputShape::kBundle},
  };
  return kBundles;
}

class RealBundleTest : public ::testing::TestWithParam<Expected> {};

TEST_P(RealBundleTest, ReadsWholeWithZeroValidationErrors) {
  const Expected& e = GetParam();
  const auto path = testing::DataDir() / "stix" / e.file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing test data " << path;
  std::map<std::string, size_t> counts;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  std::set<std::string> ids;
  size_t total = 0;
  BundleReader reader([&](Object&& o) -> Status {
    ++total;
    ++counts[o.type];
    ids.insert(o.id);
    for (const Issue& i : Validate(o)) {
      (i.severity == Severity::kError ? errors : warnings).push_back(FormatIssue(i));
    }
    return Ok();
  });
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) ASSERT_TRUE(reader.Feed(std::string_view(buf, n)).ok());
  std::fclose(f);
  const Status st = reader.Finish();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(reader.shape(), e.shape);
  EXPECT_EQ(total, e.total);
  EXPECT_EQ(counts, e.by_type);
  std::string all;
  for (const auto& s : errors) all += s + "\n";
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors:\n" << all.substr(0, 4000);
  for (const auto& w : warnings) std::printf("  %s\n", w.c_str());
}

INSTANTIATE_TEST_SUITE_P(SharedData, RealBundleTest, ::testing::ValuesIn(Bundles()),
                         [](const ::testing::TestParamInfo<Expected>& param_info) {
                           std::string name = param_info.param.file;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// The OASIS infrastructure example's SCOs carry UUIDv4 ids: warnings (not errors) naming the deterministic id.
TEST(RealBundleWarnings, InfrastructureExampleScoIdsAreWarnings) {
  const auto path = testing::DataDir() / "stix" / "oasis-examples" / "infrastructure.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing test data " << path;
  std::vector<Issue> issues;
  ASSERT_TRUE(ReadBundleFile(path.string(), [&](Object&& o) -> Status {
                auto v = Validate(o);
                issues.insert(issues.end(), v.begin(), v.end());
                return Ok();
              }).ok());
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].severity, Severity::kWarning);
  EXPECT_NE(issues[0].message.find("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"), std::string::npos)
      << issues[0].message;
  EXPECT_NE(issues[1].message.find("domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"), std::string::npos)
      << issues[1].message;
}

}  // namespace
}  // namespace bulwark::stix
