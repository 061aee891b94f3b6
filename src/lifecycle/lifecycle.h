// The indicator lifecycle of one attribute at a given time: its decay scores (decay.h) and its expiry
// (expiry.h), and whether either takes it out of detection. This is the one entry point that restSearch
// (includeDecayScore, excludeDecayed), detection exports and the matcher's feed call.
//
// Evaluator is built once (models, expiry policy, taxonomies) and is then immutable: share it between
// threads freely. Evaluate() is meant to run per attribute over millions: it allocates nothing; only
// ExclusionReason() builds a string, and only for an excluded attribute. An Evaluation refers to the
// Evaluator's models (DecayResult::model is a view): it must not outlive the Evaluator.
#pragma once

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lifecycle/decay.h"
#include "lifecycle/expiry.h"
#include "lifecycle/tag_values.h"
#include "model/entities.h"
#include "model/taxonomy.h"

namespace bulwark::lifecycle {

// At most this many models score one attribute; further applicable models are ignored.
inline constexpr size_t kMaxDecayResults = 8;

struct Evaluation {
  // One result per model that applies to the attribute's type, in the Evaluator's model order.
  std::array<DecayResult, kMaxDecayResults> decay{};
  size_t decay_count = 0;
  ExpiryResult expiry;

  std::span<const DecayResult> Decay() const { return {decay.data(), decay_count}; }
  // MISP's excludeDecayed rule: scored by at least one model and decayed under every one of them.
  bool Decayed() const;
  // MISP's decayingModel: keeps only the decay results of the models with these ids (every result when the list
  // is empty); Decayed(), ExclusionReason() and the rendered scores then consider those alone.
  void KeepModels(std::span<const std::string> model_ids);
  // Out of detection: decayed or expired.
  bool Excluded() const { return Decayed() || expiry.expired; }
  // Why it is out of detection, or nullopt if it is not:
  //   "expired: ip-dst not seen for 31 days (policy ip-dst: 30 d)"
  //   "decayed: score 12.4 <= threshold 30 (model Bulwark NIDS model)"   (the best-scoring model)
  // Expiry is reported first when both apply.
  std::optional<std::string> ExclusionReason() const;

 private:
  friend class Evaluator;
  std::array<double, kMaxDecayResults> thresholds_{};
};

class Evaluator {
 public:
  // `models` in priority order; `taxonomies` supplies numerical values for tags whose own
  // numerical_value is unset. Default: DefaultDecayModel() and ExpiryPolicy::Default().
  Evaluator(std::vector<DecayModel> models, ExpiryPolicy expiry, const model::TaxonomyRegistry& taxonomies);

  // Evaluates `attribute` (with its own tags) at `now` (epoch seconds). `event_tags` are its event's tags
  // (attribute tags override event tags with the same tag base, as MISP does); `sightings` are the
  // attribute's sightings as the caller may see them (not filtered again by attribute id).
  Evaluation Evaluate(const model::Attribute& attribute, std::span<const model::AppliedTag> event_tags,
                      std::span<const model::Sighting> sightings, int64_t now) const;
  // The same, with the event's own tags.
  Evaluation Evaluate(const model::Event& event, const model::Attribute& attribute,
                      std::span<const model::Sighting> sightings, int64_t now) const {
    return Evaluate(attribute, event.tags, sightings, now);
  }

  // The base score of `attribute` under `model`: the weighted mean of the numerical values of the tags
  // whose base is in base_score_config (value: the tag's numerical_value, else the taxonomies'), else the
  // model's default_base_score.
  double BaseScore(const DecayModel& model, const model::Attribute& attribute,
                   std::span<const model::AppliedTag> event_tags) const;

  // The same evaluator (expiry policy, tag values) with other models: a query's modelOverrides.
  Evaluator WithModels(std::vector<DecayModel> models) const {
    Evaluator out = *this;
    out.models_ = std::move(models);
    return out;
  }

  const std::vector<DecayModel>& models() const { return models_; }
  const ExpiryPolicy& expiry_policy() const { return expiry_; }
  const TagValueCache& tag_values() const { return tag_values_; }

 private:
  std::vector<DecayModel> models_;
  ExpiryPolicy expiry_;
  TagValueCache tag_values_;
};

// MISP's "decay_score" member of an attribute for includeDecayScore: an array of RenderDecayScore objects.
boost::json::array RenderDecayScores(const Evaluation& evaluation);

}  // namespace bulwark::lifecycle
