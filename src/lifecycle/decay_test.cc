#include "lifecycle/decay.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>
#include <vector>

#include "lifecycle/test_support.h"

namespace bulwark::lifecycle {
namespace {

namespace json = boost::json;
using testing::kDay;
using testing::kT0;
using testing::MakeAttribute;
using testing::MakeSighting;

TEST(PolynomialScore, GoldenValues) {
  // t = 0: the base score.
  EXPECT_DOUBLE_EQ(PolynomialScore(80, 0, 120, 2), 80);
  // decay_speed 2: (30/120)^(1/2) = 0.5 -> 40; (60/120)^(1/2) = 0.7071 -> 23.4315.
  EXPECT_NEAR(PolynomialScore(80, 30 * kDay, 120, 2), 40, 1e-9);
  EXPECT_NEAR(PolynomialScore(80, 60 * kDay, 120, 2), 23.431457505076196, 1e-9);
  // decay_speed 1 is linear: halfway is half.
  EXPECT_NEAR(PolynomialScore(80, 60 * kDay, 120, 1), 40, 1e-9);
  EXPECT_NEAR(PolynomialScore(100, 90 * kDay, 120, 1), 25, 1e-9);
  // decay_speed 0.5: (1/2)^2 = 0.25 -> 60 at halfway.
  EXPECT_NEAR(PolynomialScore(80, 60 * kDay, 120, 0.5), 60, 1e-9);
  // MISP's phishing model: lifetime 3 d, decay_speed 2.3, one day in.
  EXPECT_NEAR(PolynomialScore(80, 1 * kDay, 3, 2.3), 30.38123355781356, 1e-9);
}

TEST(PolynomialScore, ReachesZeroAtLifetimeAndStays) {
  EXPECT_GT(PolynomialScore(80, 120 * kDay - 1, 120, 2), 0);
  EXPECT_EQ(PolynomialScore(80, 120 * kDay, 120, 2), 0);
  EXPECT_EQ(PolynomialScore(80, 400 * kDay, 120, 2), 0);
  // A timestamp in the future (clock skew) scores as t = 0, not as 0 the way MISP does.
  EXPECT_DOUBLE_EQ(PolynomialScore(80, -5 * kDay, 120, 2), 80);
  // Degenerate parameters never divide by zero.
  EXPECT_EQ(PolynomialScore(80, kDay, 0, 2), 0);
  EXPECT_EQ(PolynomialScore(80, kDay, 120, 0), 0);
}

TEST(TagBaseName, MispRules) {
  EXPECT_EQ(TagBaseName("admiralty-scale:source-reliability=\"a\""), "admiralty-scale:source-reliability");
  EXPECT_EQ(TagBaseName("estimative-language:likelihood-probability=\"very-likely\""),
            "estimative-language:likelihood-probability");
  EXPECT_EQ(TagBaseName("priority-level:high"), "priority-level");
  EXPECT_EQ(TagBaseName("retention:7d"), "retention");
  EXPECT_EQ(TagBaseName("tlp:amber"), "tlp");
  EXPECT_EQ(TagBaseName("malware"), "malware");
  EXPECT_EQ(TagBaseName("tlp:ex:chr"), "tlp:ex:chr");
  EXPECT_EQ(TagBaseName("misp-galaxy:threat-actor=\"APT:28\""), "misp-galaxy:threat-actor=\"APT:28\"");
  EXPECT_EQ(TagBaseName("a:b=\"x=y\""), "a:b=\"x=y\"");
  EXPECT_EQ(TagBaseName("a:b=\"\""), "a:b=\"\"");
  EXPECT_EQ(TagBaseName(":b"), ":b");
  EXPECT_EQ(TagBaseName(""), "");
}

TEST(DecayAnchor, LastSightingElseTimestamp) {
  model::Attribute a = MakeAttribute("ip-dst", kT0);
  EXPECT_EQ(ComputeDecayAnchor(a, {}).anchor, kT0);
  std::vector<model::Sighting> s = {MakeSighting(kT0 + 10 * kDay), MakeSighting(kT0 + 50 * kDay),
                                    MakeSighting(kT0 + 20 * kDay)};
  EXPECT_EQ(ComputeDecayAnchor(a, s).anchor, kT0 + 50 * kDay);
  // Modified after the last sighting: the modification counts.
  a.timestamp = kT0 + 60 * kDay;
  EXPECT_EQ(ComputeDecayAnchor(a, s).anchor, kT0 + 60 * kDay);
  // Expiration sightings (type 2) do not move the anchor.
  a.timestamp = kT0;
  std::vector<model::Sighting> expiration = {MakeSighting(kT0 + 5 * kDay, model::SightingType::kExpiration)};
  EXPECT_EQ(ComputeDecayAnchor(a, expiration).anchor, kT0);
}

TEST(DecayAnchor, LastSeenBeforeTimestampAsMispDoes) {
  model::Attribute a = MakeAttribute("ip-dst", kT0);
  a.last_seen_micros = (kT0 - 10 * kDay) * 1'000'000;
  EXPECT_EQ(ComputeDecayAnchor(a, {}).anchor, kT0 - 10 * kDay);
  std::vector<model::Sighting> s = {MakeSighting(kT0 + 3 * kDay)};
  EXPECT_EQ(ComputeDecayAnchor(a, s).anchor, kT0 + 3 * kDay);
}

TEST(DecayAnchor, CountsFalsePositivesAfterLastTrueSighting) {
  model::Attribute a = MakeAttribute("ip-dst", kT0);
  std::vector<model::Sighting> s = {MakeSighting(kT0 + 1 * kDay, model::SightingType::kFalsePositive),
                                    MakeSighting(kT0 + 2 * kDay),
                                    MakeSighting(kT0 + 3 * kDay, model::SightingType::kFalsePositive),
                                    MakeSighting(kT0 + 4 * kDay, model::SightingType::kFalsePositive)};
  DecayAnchor anchor = ComputeDecayAnchor(a, s);
  EXPECT_EQ(anchor.anchor, kT0 + 2 * kDay);
  EXPECT_EQ(anchor.false_positives, 2);
  EXPECT_EQ(anchor.last_false_positive, kT0 + 4 * kDay);
  // Without a true sighting every false positive counts.
  s.erase(s.begin() + 1);
  EXPECT_EQ(ComputeDecayAnchor(a, s).false_positives, 3);
}

TEST(ScoreDecay, ThresholdCrossingAndDecayedAt) {
  DecayModel m = DefaultDecayModel();
  DecayAnchor anchor{kT0, 0, 0};
  // 80 * (1 - sqrt(t/120 d)) = 30  <=>  t = 120 d * (1 - 30/80)^2 = 46.875 d = 4,050,000 s.
  DecayResult before = ScoreDecay(m, 80, anchor, kT0 + 4'050'000 - 60);
  EXPECT_FALSE(before.decayed);
  EXPECT_GT(before.score, 30);
  DecayResult at = ScoreDecay(m, 80, anchor, kT0 + 4'050'000);
  EXPECT_NEAR(at.score, 30, 1e-9);
  EXPECT_TRUE(at.decayed);  // score <= threshold
  EXPECT_EQ(at.decayed_at, kT0 + 4'050'000);
  EXPECT_EQ(before.decayed_at, kT0 + 4'050'000);
  EXPECT_EQ(at.model, "Bulwark NIDS model");
  EXPECT_EQ(at.model_id, "1");
  EXPECT_DOUBLE_EQ(at.base_score, 80);
  // A base score at or below the threshold is decayed from the start.
  DecayResult low = ScoreDecay(m, 25, anchor, kT0);
  EXPECT_TRUE(low.decayed);
  EXPECT_EQ(low.decayed_at, kT0);
  // Threshold 0: decayed exactly at the end of the lifetime.
  m.threshold = 0;
  EXPECT_FALSE(ScoreDecay(m, 80, anchor, kT0 + 120 * kDay - 1).decayed);
  DecayResult end = ScoreDecay(m, 80, anchor, kT0 + 120 * kDay);
  EXPECT_TRUE(end.decayed);
  EXPECT_EQ(end.decayed_at, kT0 + 120 * kDay);
}

TEST(ScoreDecay, FalsePositivesMultiplyByFactor) {
  DecayModel m = DefaultDecayModel();
  // 30 days in: 40 without false positives, 20 with one (decayed), 10 with two.
  EXPECT_NEAR(ScoreDecay(m, 80, {kT0, 0, 0}, kT0 + 30 * kDay).score, 40, 1e-9);
  DecayResult one = ScoreDecay(m, 80, {kT0, 1, kT0 + 10 * kDay}, kT0 + 30 * kDay);
  EXPECT_NEAR(one.score, 20, 1e-9);
  EXPECT_TRUE(one.decayed);
  EXPECT_DOUBLE_EQ(one.base_score, 80);  // the base score is reported unmultiplied
  // 40 * (1 - sqrt(t/120)) = 30 at t = 7.5 d, but not before the false positive itself (day 10).
  EXPECT_EQ(one.decayed_at, kT0 + 10 * kDay);
  EXPECT_NEAR(ScoreDecay(m, 80, {kT0, 2, kT0 + 10 * kDay}, kT0 + 30 * kDay).score, 10, 1e-9);
  m.false_positive_factor = 0;
  EXPECT_EQ(ScoreDecay(m, 80, {kT0, 1, kT0}, kT0).score, 0);
}

TEST(ScoreDecay, ExtremeTimestampsSaturate) {
  DecayModel m = DefaultDecayModel();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  DecayResult late = ScoreDecay(m, 80, {kMax - 10, 0, 0}, kMin);
  EXPECT_DOUBLE_EQ(late.score, 80);
  EXPECT_EQ(late.decayed_at, kMax);
  DecayResult early = ScoreDecay(m, 80, {kMin, 0, 0}, kMax);
  EXPECT_EQ(early.score, 0);
  EXPECT_TRUE(early.decayed);
  model::Attribute a = MakeAttribute("ip-dst", kMin);
  a.last_seen_micros = kMin;
  EXPECT_EQ(ComputeDecayAnchor(a, {}).anchor, kMin / 1'000'000);
}

TEST(DecayModel, DefaultAppliesToNetworkTypesOnly) {
  DecayModel m = DefaultDecayModel();
  EXPECT_TRUE(m.AppliesTo("ip-dst"));
  EXPECT_TRUE(m.AppliesTo("domain"));
  EXPECT_TRUE(m.AppliesTo("url"));
  EXPECT_TRUE(m.AppliesTo("email-src"));
  EXPECT_FALSE(m.AppliesTo("md5"));
  EXPECT_FALSE(m.AppliesTo("comment"));
  EXPECT_EQ(m.WeightFor("priority-level"), 0.1667);
  EXPECT_EQ(m.WeightFor("tlp"), std::nullopt);
  DecayModel any;
  EXPECT_TRUE(any.AppliesTo("comment"));  // no attribute_types: every type
}

constexpr const char* kModelJson = R"({
  "uuid": "2f4d3c1b-0000-4000-8000-000000000001",
  "name": "Election phishing",
  "formula": "Polynomial",
  "description": "Phishing infrastructure around election day.",
  "parameters": {
    "lifetime": 14,
    "decay_speed": "1.5",
    "threshold": 20,
    "default_base_score": 70,
    "false_positive_factor": 0.25,
    "base_score_config": {"admiralty-scale:source-reliability": 0.75, "phishing:state": 0.25}
  },
  "attribute_types": ["url", "domain"],
  "version": 1
})";

TEST(ParseDecayModel, MispFormat) {
  auto m = ParseDecayModel(json::parse(kModelJson));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name, "Election phishing");
  EXPECT_EQ(m->uuid, "2f4d3c1b-0000-4000-8000-000000000001");
  EXPECT_EQ(m->id, "");
  EXPECT_DOUBLE_EQ(m->lifetime_days, 14);
  EXPECT_DOUBLE_EQ(m->decay_speed, 1.5);
  EXPECT_DOUBLE_EQ(m->threshold, 20);
  EXPECT_DOUBLE_EQ(m->default_base_score, 70);
  EXPECT_DOUBLE_EQ(m->false_positive_factor, 0.25);
  ASSERT_EQ(m->base_score_config.size(), 2u);
  EXPECT_EQ(m->WeightFor("admiralty-scale:source-reliability"), 0.75);
  EXPECT_EQ(m->WeightFor("phishing:state"), 0.25);
  EXPECT_EQ(m->attribute_types, (std::vector<std::string>{"url", "domain"}));
  EXPECT_FALSE(m->AppliesTo("ip-dst"));

  // MISP's API wraps it, carries the id as a number and an empty config as [].
  auto wrapped = ParseDecayModel(json::parse(
      R"({"DecayingModel": {"id": 12, "name": "w", "parameters": {"lifetime": 3, "decay_speed": 2.3,
          "threshold": 30, "default_base_score": 80, "base_score_config": []}}})"));
  ASSERT_TRUE(wrapped.ok()) << wrapped.error().message;
  EXPECT_EQ(wrapped->id, "12");
  EXPECT_TRUE(wrapped->base_score_config.empty());
  EXPECT_DOUBLE_EQ(wrapped->false_positive_factor, 0.5);
  // Without default_base_score MISP uses 0.
  auto no_default = ParseDecayModel(
      json::parse(R"({"name": "n", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 0}})"));
  ASSERT_TRUE(no_default.ok());
  EXPECT_DOUBLE_EQ(no_default->default_base_score, 0);
}

void ExpectRejected(const char* text, ErrorCode code, const char* field) {
  auto m = ParseDecayModel(json::parse(text));
  ASSERT_FALSE(m.ok()) << text;
  EXPECT_EQ(m.error().code, code) << text;
  EXPECT_EQ(m.error().field, field) << text << " -> " << m.error().message;
  EXPECT_FALSE(m.error().message.empty());
}

TEST(ParseDecayModel, RejectsBadInputPrecisely) {
  ExpectRejected("[]", ErrorCode::kBadRequest, "");
  ExpectRejected("42", ErrorCode::kBadRequest, "");
  ExpectRejected(R"({"DecayingModel": 3})", ErrorCode::kInvalid, "DecayingModel");
  ExpectRejected(R"({"parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 1}})", ErrorCode::kInvalid, "name");
  ExpectRejected(R"({"name": 5, "parameters": {}})", ErrorCode::kInvalid, "name");
  ExpectRejected(R"({"name": "x"})", ErrorCode::kInvalid, "parameters");
  ExpectRejected(R"({"name": "x", "parameters": [1]})", ErrorCode::kInvalid, "parameters");
  ExpectRejected(R"({"name": "x", "formula": "Sightings", "parameters": {}})", ErrorCode::kInvalid, "formula");
  ExpectRejected(R"({"name": "x", "parameters": {"decay_speed": 1, "threshold": 1}})", ErrorCode::kInvalid,
                 "parameters.lifetime");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": 0, "decay_speed": 1, "threshold": 1}})",
                 ErrorCode::kInvalid, "parameters.lifetime");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": -3, "decay_speed": 1, "threshold": 1}})",
                 ErrorCode::kInvalid, "parameters.lifetime");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": "fast", "threshold": 1}})",
                 ErrorCode::kInvalid, "parameters.decay_speed");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": "1.5x", "threshold": 1}})",
                 ErrorCode::kInvalid, "parameters.decay_speed");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 0, "threshold": 1}})",
                 ErrorCode::kInvalid, "parameters.decay_speed");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 101}})",
                 ErrorCode::kInvalid, "parameters.threshold");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1}})", ErrorCode::kInvalid,
                 "parameters.threshold");
  ExpectRejected(
      R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 1, "default_base_score": true}})",
      ErrorCode::kInvalid, "parameters.default_base_score");
  ExpectRejected(
      R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 1, "false_positive_factor": 2}})",
      ErrorCode::kInvalid, "parameters.false_positive_factor");
  ExpectRejected(
      R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 1, "base_score_config": 5}})",
      ErrorCode::kInvalid, "parameters.base_score_config");
  ExpectRejected(
      R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 1,
          "base_score_config": {"tlp": -1}}})",
      ErrorCode::kInvalid, "parameters.base_score_config.tlp");
  ExpectRejected(
      R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 1,
          "base_score_config": {"tlp": "heavy"}}})",
      ErrorCode::kInvalid, "parameters.base_score_config.tlp");
  ExpectRejected(
      R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 1}, "attribute_types": "url"})",
      ErrorCode::kInvalid, "attribute_types");
  ExpectRejected(
      R"({"name": "x", "parameters": {"lifetime": 3, "decay_speed": 1, "threshold": 1},
          "attribute_types": ["url", 4]})",
      ErrorCode::kInvalid, "attribute_types[1]");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": 36501, "decay_speed": 1, "threshold": 1}})",
                 ErrorCode::kInvalid, "parameters.lifetime");
  ExpectRejected(R"({"name": "x", "parameters": {"lifetime": 1e400, "decay_speed": 1, "threshold": 1}})",
                 ErrorCode::kInvalid, "parameters.lifetime");
}

TEST(ParseDecayModel, RejectsOversizedConfig) {
  json::object config;
  for (int i = 0; i < 65; ++i) config["ns" + std::to_string(i)] = 1;
  json::object doc{{"name", "x"},
                   {"parameters", json::object{{"lifetime", 3}, {"decay_speed", 1}, {"threshold", 1},
                                               {"base_score_config", config}}}};
  auto m = ParseDecayModel(doc);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().field, "parameters.base_score_config");
}

TEST(RenderDecayScore, MispShape) {
  DecayModel m = DefaultDecayModel();
  DecayResult r = ScoreDecay(m, 80, {kT0, 0, 0}, kT0 + 30 * kDay);
  json::object o = RenderDecayScore(r);
  EXPECT_EQ(json::serialize(o),
            R"({"score":4E1,"base_score":8E1,"decayed":false,"DecayingModel":{"id":"1","name":"Bulwark NIDS model"}})");
}

}  // namespace
}  // namespace bulwark::lifecycle
