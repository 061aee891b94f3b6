#include "lifecycle/model_overrides.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <utility>
#include <vector>

#include "lifecycle/test_support.h"

namespace bulwark::lifecycle {
namespace {

namespace json = boost::json;
using testing::kDay;
using testing::kT0;

Result<ModelOverrides> Parse(std::string_view text) { return ParseModelOverrides(json::parse(text)); }

TEST(ModelOverridesTest, ReplacesOnlyTheParametersGiven) {
  auto o = Parse(R"({"lifetime": 10, "threshold": "50", "base_score_config": {"tlp": 1}})");
  ASSERT_TRUE(o.ok()) << o.error().message;
  const DecayModel base = DefaultDecayModel();
  const DecayModel m = ApplyOverrides(base, *o);
  EXPECT_EQ(m.lifetime_days, 10);
  EXPECT_EQ(m.threshold, 50);
  EXPECT_EQ(m.decay_speed, base.decay_speed);
  EXPECT_EQ(m.default_base_score, base.default_base_score);
  ASSERT_EQ(m.base_score_config.size(), 1u);
  EXPECT_EQ(m.base_score_config[0].tag_base, "tlp");
  EXPECT_EQ(m.id, base.id);
  EXPECT_EQ(m.attribute_types, base.attribute_types);
}

TEST(ModelOverridesTest, AnOverriddenModelScoresDifferently) {
  // 30 days after the anchor, base 80: decay_speed 2 over 120 days scores 40 (kept at threshold 30); a 40-day
  // lifetime scores 80 * (1 - (30/40)^(1/2)) = 10.7 (decayed).
  const DecayModel base = DefaultDecayModel();
  const DecayAnchor anchor{kT0, 0, 0};
  EXPECT_FALSE(ScoreDecay(base, 80, anchor, kT0 + 30 * kDay).decayed);
  auto o = Parse(R"({"lifetime": 40})");
  ASSERT_TRUE(o.ok());
  const DecayResult r = ScoreDecay(ApplyOverrides(base, *o), 80, anchor, kT0 + 30 * kDay);
  EXPECT_NEAR(r.score, 80 * (1 - std::sqrt(0.75)), 1e-9);
  EXPECT_TRUE(r.decayed);
}

TEST(ModelOverridesTest, NullAndEmptyAreNoOverride) {
  for (std::string_view text : {"null", "{}"}) {
    auto o = Parse(text);
    ASSERT_TRUE(o.ok()) << text;
    EXPECT_TRUE(o->empty());
  }
}

TEST(ModelOverridesTest, BadOverridesAre400NamingTheField) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {R"([1, 2])", "modelOverrides"},
      {R"("lifetime=3")", "modelOverrides"},
      {R"({"lifetime": 0})", "modelOverrides.lifetime"},
      {R"({"lifetime": 40000})", "modelOverrides.lifetime"},
      {R"({"decay_speed": -1})", "modelOverrides.decay_speed"},
      {R"({"threshold": 101})", "modelOverrides.threshold"},
      {R"({"threshold": "high"})", "modelOverrides.threshold"},
      {R"({"default_base_score": true})", "modelOverrides.default_base_score"},
      {R"({"base_score_config": 3})", "modelOverrides.base_score_config"},
      {R"({"base_score_config": {"tlp": -1}})", "modelOverrides.base_score_config.tlp"},
      {R"({"lifetime": 10, "half_life": 5})", "modelOverrides.half_life"},
      {R"({"formula": "Polynomial"})", "modelOverrides.formula"},
  };
  for (const auto& [text, field] : cases) {
    auto o = Parse(text);
    ASSERT_FALSE(o.ok()) << text;
    EXPECT_EQ(o.error().code, ErrorCode::kBadRequest) << text;
    EXPECT_EQ(o.error().field, field) << text << ": " << o.error().message;
  }
}

}  // namespace
}  // namespace bulwark::lifecycle
