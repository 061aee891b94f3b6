// Decay scores: MISP's polynomial decaying model (app/Model/DecayingModelsFormulas/Polynomial.php), as pure
// functions over an injected time. See docs/lifecycle.md.
//
//   score(t) = base_score * (1 - (t / lifetime)^(1 / decay_speed))   for 0 <= t < lifetime, else 0
//
// t runs from the attribute's anchor (see DecayAnchor). The base score is the weighted mean of the numerical
// values of the taxonomy tags whose MISP "tag base" is a key of the model's base_score_config, else the
// model's default_base_score. An attribute is decayed when score <= threshold.
//
// Ours, not MISP's (MISP's default model ignores false positives): every false-positive sighting newer than
// the attribute's last true sighting multiplies the score by the model's false_positive_factor (0.5 by
// default), so a true sighting after them restores the score.
//
// Everything here is a pure function or an immutable value: thread-safe, no I/O, no allocation when scoring.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/entities.h"

namespace bulwark::lifecycle {

inline constexpr int64_t kSecondsPerDay = 86'400;
inline constexpr double kMaxLifetimeDays = 36'500;  // 100 years

// a + b, saturated to the int64_t range (timestamps come from untrusted input).
inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r = 0;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

// One entry of base_score_config: a tag base (see TagBaseName) and its weight.
struct BaseScoreWeight {
  std::string tag_base;
  double weight = 0;
};

// A decaying model with MISP's "parameters" plus the attribute types it applies to.
struct DecayModel {
  std::string id;                   // rendered as DecayingModel.id; "1" for the built-in model
  std::string uuid;
  std::string name;
  std::string description;
  double lifetime_days = 120;       // MISP "lifetime" (days, at most kMaxLifetimeDays): 0 from then on
  double decay_speed = 2;           // MISP "decay_speed": 1 is linear, > 1 decays fast early, < 1 late
  double threshold = 30;            // MISP "threshold": decayed when score <= threshold
  double default_base_score = 80;   // MISP "default_base_score": used when no configured tag has a value
  std::vector<BaseScoreWeight> base_score_config;  // MISP "base_score_config"
  std::vector<std::string> attribute_types;        // the types it applies to; empty: every type
  double false_positive_factor = 0.5;  // ours (parameter "false_positive_factor"), in [0, 1]

  bool AppliesTo(std::string_view attribute_type) const;
  // The weight for a tag base, or nullopt if the base is not configured. Linear scan: configs are tiny.
  std::optional<double> WeightFor(std::string_view tag_base) const;
};

// The built-in model: MISP's "NIDS Simple Decaying Model" (misp-decaying-models/models/nids-simple-model.json,
// version 2: lifetime 120 d, decay_speed 2, threshold 30, default_base_score 80, its base_score_config and
// network types), extended by us with admiralty-scale source-reliability and information-credibility
// (weight 0.1667 each) and the e-mail sender types (email-src, email-reply-to, email), which election
// phishing sharing depends on.
DecayModel DefaultDecayModel();

// Reads a model in MISP's decaying-model JSON format: an object with "name" and a "parameters" object
// (lifetime, decay_speed, threshold, default_base_score, base_score_config), optional "id" (number or
// string), "uuid", "description", "formula" (only "Polynomial" is supported) and "attribute_types"; the
// same wrapped as {"DecayingModel": {...}} is accepted. Numbers may be JSON numbers or numeric strings.
// Errors: kBadRequest for a non-object document; kInvalid naming the field (e.g. "parameters.lifetime") for a
// missing, mistyped or out-of-range member: lifetime in (0, 36500], decay_speed > 0, threshold and default_base_score
// in [0, 100], weights >= 0 and finite, false_positive_factor in [0, 1], at most 64 config entries and 1024
// attribute types.
Result<DecayModel> ParseDecayModel(const boost::json::value& doc);

// MISP's tag base, the key base_score_config uses (DecayingModelBase::__extractTagBasename):
//   ns:pred="value" -> "ns:pred";  ns:pred -> "ns";  anything else -> the whole name.
// where ns, pred and value contain none of ':', '=', '"'. Returns a view into `tag_name`.
std::string_view TagBaseName(std::string_view tag_name);

// The polynomial formula. elapsed_seconds < 0 counts as 0 (MISP scores 0 there; a clock skew should not
// decay an indicator). Returns a value in [0, base_score] for base_score >= 0.
double PolynomialScore(double base_score, double elapsed_seconds, double lifetime_days, double decay_speed);

// Where t starts for one attribute, following MISP's DecayingModelBase::computeCurrentScore: the last
// true sighting (type 0); without one, last_seen, else the attribute's timestamp; and if the attribute was
// modified after the last sighting, last_seen, else its timestamp. Also counts the false positives that
// apply (type 1, newer than the last true sighting). Sightings of type 2 (expiration) are ignored here.
struct DecayAnchor {
  int64_t anchor = 0;            // epoch seconds
  int false_positives = 0;       // false positives newer than the last true sighting
  int64_t last_false_positive = 0;
};
DecayAnchor ComputeDecayAnchor(const model::Attribute& attribute, std::span<const model::Sighting> sightings);

struct DecayResult {
  double score = 0;
  double base_score = 0;
  bool decayed = false;
  int64_t decayed_at = 0;        // when the score reaches the threshold (in the past when decayed)
  std::string_view model;        // the model's name; a view into the DecayModel, valid while it lives
  std::string_view model_id;     // the model's id, likewise
};

// Scores one attribute under `model` at `now` (epoch seconds) from a precomputed base score and anchor.
DecayResult ScoreDecay(const DecayModel& model, double base_score, const DecayAnchor& anchor, int64_t now);

// MISP's includeDecayScore entry: {"score", "base_score", "decayed", "DecayingModel": {"id", "name"}}.
boost::json::object RenderDecayScore(const DecayResult& result);

}  // namespace bulwark::lifecycle
