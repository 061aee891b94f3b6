#include "lifecycle/lifecycle.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <vector>

#include "lifecycle/test_support.h"

// Heap allocations so far (alloc_count_test.cc replaces the global operator new to count them).
long AllocationCount();

namespace bulwark::lifecycle {
namespace {

namespace json = boost::json;
using testing::kDay;
using testing::kT0;
using testing::LoadTaxonomies;
using testing::MakeAttribute;
using testing::MakeSighting;
using testing::MakeTag;

constexpr const char* kAdmiraltyTag = "admiralty-scale:source-reliability=\"b\"";      // 75
constexpr const char* kCredibilityTag = "admiralty-scale:information-credibility=\"3\"";  // 50

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry = LoadTaxonomies({"admiralty-scale", "estimative-language", "priority-level", "false-positive"});
    if (!registry) {
      GTEST_SKIP() << "MISP taxonomies not found under " << testing::TestDataDir()
                   << "/misp/taxonomies (set BULWARK_TESTDATA)";
    }
    registry_ = std::move(*registry);
  }

  Evaluator Default() const { return Evaluator({DefaultDecayModel()}, ExpiryPolicy::Default(), registry_); }

  static DecayModel AdmiraltyModel(double reliability_weight, double credibility_weight) {
    DecayModel m = DefaultDecayModel();
    m.id = "7";
    m.name = "admiralty";
    m.base_score_config = {{"admiralty-scale:source-reliability", reliability_weight},
                           {"admiralty-scale:information-credibility", credibility_weight}};
    return m;
  }

  model::TaxonomyRegistry registry_;
};

TEST_F(LifecycleTest, TagValuesFromRealTaxonomies) {
  TagValueCache cache(registry_);
  EXPECT_EQ(cache.Find("admiralty-scale:source-reliability=\"a\""), 100);
  EXPECT_EQ(cache.Find("admiralty-scale:source-reliability=\"b\""), 75);
  EXPECT_EQ(cache.Find("admiralty-scale:information-credibility=\"6\""), 50);
  EXPECT_EQ(cache.Find("estimative-language:confidence-in-analytic-judgment=\"high\""), 95);
  EXPECT_EQ(cache.Find("estimative-language:likelihood-probability=\"very-likely\""), 80);
  EXPECT_EQ(cache.Find("priority-level:high"), 85);      // predicate-level value
  EXPECT_EQ(cache.Find("ADMIRALTY-SCALE:source-reliability=\"A\""), 100);  // ASCII case-insensitive
  EXPECT_EQ(cache.Find("false-positive:risk=\"low\""), 75);
  EXPECT_EQ(cache.Find("tlp:amber"), std::nullopt);
  EXPECT_EQ(cache.Find("admiralty-scale:source-reliability"), std::nullopt);  // predicate without a value
}

TEST_F(LifecycleTest, BaseScoreFromAdmiraltyScale) {
  Evaluator ev({AdmiraltyModel(0.5, 0.5)}, ExpiryPolicy(), registry_);
  const DecayModel& equal = ev.models()[0];
  // (75 + 50) / 2
  EXPECT_DOUBLE_EQ(ev.BaseScore(equal, MakeAttribute("ip-dst", kT0, {kAdmiraltyTag, kCredibilityTag}), {}), 62.5);
  // Weights are normalised over the tags present: 0.75 * 75 + 0.25 * 50.
  DecayModel skewed = AdmiraltyModel(0.3, 0.1);
  EXPECT_DOUBLE_EQ(ev.BaseScore(skewed, MakeAttribute("ip-dst", kT0, {kAdmiraltyTag, kCredibilityTag}), {}), 68.75);
  // Only one configured tag present: its value, whatever its weight.
  EXPECT_DOUBLE_EQ(ev.BaseScore(skewed, MakeAttribute("ip-dst", kT0, {kCredibilityTag, "tlp:amber"}), {}), 50);
  // No configured tag: the default base score.
  EXPECT_DOUBLE_EQ(ev.BaseScore(skewed, MakeAttribute("ip-dst", kT0, {"tlp:amber", "malware"}), {}), 80);
  EXPECT_DOUBLE_EQ(ev.BaseScore(skewed, MakeAttribute("ip-dst"), {}), 80);
}

TEST_F(LifecycleTest, BaseScoreFromEstimativeLanguageAndPriority) {
  Evaluator ev = Default();
  const DecayModel& m = ev.models()[0];
  // confidence high (95) and likelihood likely (55), equal weights: 75.
  model::Attribute a = MakeAttribute("domain", kT0,
                                     {"estimative-language:confidence-in-analytic-judgment=\"high\"",
                                      "estimative-language:likelihood-probability=\"likely\""});
  EXPECT_DOUBLE_EQ(ev.BaseScore(m, a, {}), 75);
  // priority-level:high is a value-less predicate: its base is the namespace "priority-level" (85).
  EXPECT_DOUBLE_EQ(ev.BaseScore(m, MakeAttribute("domain", kT0, {"priority-level:high"}), {}), 85);
  // A tag's own numerical_value (set on the hub's tag) wins over the taxonomy's.
  model::Attribute own = MakeAttribute("domain");
  own.tags.push_back(MakeTag("priority-level:high", 10));
  EXPECT_DOUBLE_EQ(ev.BaseScore(m, own, {}), 10);
}

TEST_F(LifecycleTest, AttributeTagsOverrideEventTagsPerBase) {
  Evaluator ev({AdmiraltyModel(0.5, 0.5)}, ExpiryPolicy(), registry_);
  const DecayModel& m = ev.models()[0];
  std::vector<model::AppliedTag> event_tags = {MakeTag("admiralty-scale:source-reliability=\"a\""),     // 100
                                               MakeTag("admiralty-scale:information-credibility=\"1\"")};  // 100
  // Event tags alone: 100.
  EXPECT_DOUBLE_EQ(ev.BaseScore(m, MakeAttribute("ip-dst"), event_tags), 100);
  // The attribute's source-reliability "c" (50) replaces the event's "a"; credibility stays 100.
  model::Attribute a = MakeAttribute("ip-dst", kT0, {"admiralty-scale:source-reliability=\"c\""});
  EXPECT_DOUBLE_EQ(ev.BaseScore(m, a, event_tags), 75);
}

TEST_F(LifecycleTest, ScoreOverTimeWithSightingsAndFalsePositives) {
  Evaluator ev = Default();
  model::Attribute a = MakeAttribute("domain", kT0);
  // t = 0: the base score (default 80).
  Evaluation e0 = ev.Evaluate(a, {}, {}, kT0);
  ASSERT_EQ(e0.decay_count, 1u);
  EXPECT_DOUBLE_EQ(e0.decay[0].score, 80);
  EXPECT_DOUBLE_EQ(e0.decay[0].base_score, 80);
  // 30 days: 40; 50 days: 28.36, decayed.
  EXPECT_NEAR(ev.Evaluate(a, {}, {}, kT0 + 30 * kDay).decay[0].score, 40, 1e-9);
  Evaluation e50 = ev.Evaluate(a, {}, {}, kT0 + 50 * kDay);
  EXPECT_NEAR(e50.decay[0].score, 28.360222050567778, 1e-9);
  EXPECT_TRUE(e50.Decayed());
  EXPECT_FALSE(e50.expiry.expired);  // domains live 180 days
  EXPECT_EQ(e50.ExclusionReason(), "decayed: score 28.4 <= threshold 30 (model Bulwark NIDS model)");
  // A sighting on day 20 restarts the clock: 30 days after it, 40 again.
  std::vector<model::Sighting> s = {MakeSighting(kT0 + 20 * kDay)};
  Evaluation revived = ev.Evaluate(a, {}, s, kT0 + 50 * kDay);
  EXPECT_NEAR(revived.decay[0].score, 40, 1e-9);
  EXPECT_FALSE(revived.Excluded());
  EXPECT_EQ(revived.ExclusionReason(), std::nullopt);
  // A false positive after that sighting halves it: 20, decayed.
  s.push_back(MakeSighting(kT0 + 25 * kDay, model::SightingType::kFalsePositive));
  Evaluation fp = ev.Evaluate(a, {}, s, kT0 + 50 * kDay);
  EXPECT_NEAR(fp.decay[0].score, 20, 1e-9);
  EXPECT_TRUE(fp.Decayed());
  // A newer true sighting outweighs it again.
  s.push_back(MakeSighting(kT0 + 50 * kDay));
  EXPECT_DOUBLE_EQ(ev.Evaluate(a, {}, s, kT0 + 50 * kDay).decay[0].score, 80);
}

TEST_F(LifecycleTest, ExpiryReportedFirst) {
  Evaluator ev = Default();
  model::Attribute ip = MakeAttribute("ip-dst", kT0);
  Evaluation e = ev.Evaluate(ip, {}, {}, kT0 + 31 * kDay);
  EXPECT_FALSE(e.Decayed());  // 80 * (1 - sqrt(31/120)) = 39.3
  EXPECT_TRUE(e.expiry.expired);
  EXPECT_TRUE(e.Excluded());
  EXPECT_EQ(e.ExclusionReason(), "expired: ip-dst not seen for 31 days (policy ip-dst: 30 d)");
  Evaluation both = ev.Evaluate(ip, {}, {}, kT0 + 100 * kDay);
  EXPECT_TRUE(both.Decayed());
  EXPECT_EQ(both.ExclusionReason(), "expired: ip-dst not seen for 100 days (policy ip-dst: 30 d)");
}

TEST_F(LifecycleTest, TypesWithoutModelAreNotScored) {
  Evaluator ev = Default();
  Evaluation e = ev.Evaluate(MakeAttribute("sha256", kT0), {}, {}, kT0 + 5000 * kDay);
  EXPECT_EQ(e.decay_count, 0u);
  EXPECT_FALSE(e.Decayed());
  EXPECT_FALSE(e.Excluded());
  EXPECT_TRUE(RenderDecayScores(e).empty());
}

TEST_F(LifecycleTest, SeveralModelsDecayedOnlyUnderAll) {
  DecayModel phishing = DefaultDecayModel();
  phishing.id = "2";
  phishing.name = "Phishing model";
  phishing.lifetime_days = 3;
  phishing.decay_speed = 2.3;
  phishing.attribute_types = {"domain", "url"};
  Evaluator ev({DefaultDecayModel(), phishing}, ExpiryPolicy(), registry_);
  model::Attribute a = MakeAttribute("domain", kT0);
  Evaluation day10 = ev.Evaluate(a, {}, {}, kT0 + 10 * kDay);
  ASSERT_EQ(day10.decay_count, 2u);
  EXPECT_FALSE(day10.decay[0].decayed);
  EXPECT_TRUE(day10.decay[1].decayed);
  EXPECT_EQ(day10.decay[1].score, 0);
  EXPECT_FALSE(day10.Decayed());
  Evaluation day60 = ev.Evaluate(a, {}, {}, kT0 + 60 * kDay);
  EXPECT_TRUE(day60.Decayed());
  // The reason names the best-scoring model.
  EXPECT_EQ(day60.ExclusionReason(), "decayed: score 23.4 <= threshold 30 (model Bulwark NIDS model)");
  // ip-dst is only under the first model.
  EXPECT_EQ(ev.Evaluate(MakeAttribute("ip-dst"), {}, {}, kT0).decay_count, 1u);
}

TEST_F(LifecycleTest, KeepModelsRestrictsScoresAndTheDecayedRule) {
  DecayModel phishing = DefaultDecayModel();
  phishing.id = "2";
  phishing.name = "Phishing model";
  phishing.lifetime_days = 3;
  phishing.attribute_types = {"domain"};
  Evaluator ev({DefaultDecayModel(), phishing}, ExpiryPolicy(), registry_);
  const model::Attribute a = MakeAttribute("domain", kT0);
  Evaluation day10 = ev.Evaluate(a, {}, {}, kT0 + 10 * kDay);
  ASSERT_FALSE(day10.Decayed());  // decayed under model 2 only
  Evaluation only_phishing = day10;
  const std::vector<std::string> two = {"2"};
  only_phishing.KeepModels(two);
  ASSERT_EQ(only_phishing.decay_count, 1u);
  EXPECT_EQ(only_phishing.decay[0].model_id, "2");
  EXPECT_TRUE(only_phishing.Decayed());
  EXPECT_EQ(only_phishing.ExclusionReason(), "decayed: score 0.0 <= threshold 30 (model Phishing model)");
  EXPECT_EQ(RenderDecayScores(only_phishing).size(), 1u);
  Evaluation only_default = day10;
  const std::vector<std::string> one = {"1"};
  only_default.KeepModels(one);
  ASSERT_EQ(only_default.decay_count, 1u);
  EXPECT_FALSE(only_default.Decayed());
  Evaluation all = day10;
  all.KeepModels({});
  EXPECT_EQ(all.decay_count, 2u);
  Evaluation none = day10;
  const std::vector<std::string> other = {"7"};
  none.KeepModels(other);
  EXPECT_EQ(none.decay_count, 0u);
  EXPECT_FALSE(none.Decayed());  // no model scores it: never "decayed"
}

TEST_F(LifecycleTest, RendersMispDecayScoreArray) {
  Evaluator ev = Default();
  model::Attribute a = MakeAttribute("ip-dst", kT0, {"priority-level:high"});
  json::array scores = RenderDecayScores(ev.Evaluate(a, {}, {}, kT0));
  ASSERT_EQ(scores.size(), 1u);
  const json::object& o = scores[0].as_object();
  EXPECT_EQ(o.at("score").as_double(), 85);
  EXPECT_EQ(o.at("base_score").as_double(), 85);
  EXPECT_EQ(o.at("decayed").as_bool(), false);
  EXPECT_EQ(o.at("DecayingModel").at("id").as_string(), "1");
  EXPECT_EQ(o.at("DecayingModel").at("name").as_string(), "Bulwark NIDS model");
}

TEST_F(LifecycleTest, EventOverloadUsesEventTags) {
  Evaluator ev({AdmiraltyModel(0.5, 0.5)}, ExpiryPolicy::Default(), registry_);
  model::Event event;
  event.tags = {MakeTag("admiralty-scale:source-reliability=\"a\""), MakeTag("retention:2w")};
  model::Attribute a = MakeAttribute("url", kT0);
  Evaluation e = ev.Evaluate(event, a, {}, kT0 + 15 * kDay);
  EXPECT_DOUBLE_EQ(e.decay[0].base_score, 100);
  EXPECT_TRUE(e.expiry.expired);
  EXPECT_EQ(e.ExclusionReason(), "expired: url not seen for 15 days (tag retention:2w: 14 d)");
}

TEST_F(LifecycleTest, EvaluateDoesNotAllocate) {
  Evaluator ev = Default();
  model::Attribute a = MakeAttribute("domain", kT0,
                                     {"estimative-language:confidence-in-analytic-judgment=\"high\"",
                                      "ADMIRALTY-SCALE:source-reliability=\"B\"", "tlp:amber"});
  std::vector<model::AppliedTag> event_tags = {MakeTag("admiralty-scale:information-credibility=\"2\""),
                                               MakeTag("priority-level:high")};
  std::vector<model::Sighting> s = {MakeSighting(kT0 + kDay),
                                    MakeSighting(kT0 + 2 * kDay, model::SightingType::kFalsePositive)};
  long before = AllocationCount();
  Evaluation e = ev.Evaluate(a, event_tags, s, kT0 + 3 * kDay);
  long after = AllocationCount();
  EXPECT_EQ(after - before, 0);
  EXPECT_FALSE(e.Excluded());
  // "ADMIRALTY-SCALE:..." has base "ADMIRALTY-SCALE:source-reliability", not configured (MISP is exact).
  // The others: 95, 75 (credibility 2), 85 -> 85; one false positive halves the decayed score.
  EXPECT_DOUBLE_EQ(e.decay[0].base_score, 85);
  EXPECT_NEAR(e.decay[0].score, 42.5 * (1 - std::sqrt(2.0 / 120)), 1e-9);
}

}  // namespace
}  // namespace bulwark::lifecycle
