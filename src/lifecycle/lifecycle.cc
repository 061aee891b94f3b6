#include "lifecycle/lifecycle.h"

#include <algorithm>

#include <cstdio>
#include <utility>

namespace bulwark::lifecycle {
namespace {

bool AnyTagHasBase(std::span<const model::AppliedTag> tags, std::string_view base) {
  for (const auto& t : tags) {
    if (TagBaseName(t.tag.name) == base) return true;
  }
  return false;
}

struct WeightedSum {
  double weights = 0;
  double weighted_values = 0;
};

void Accumulate(double weight, const TagValueCache& values, const model::AppliedTag& tag, WeightedSum& sum) {
  std::optional<int> value = tag.tag.numerical_value ? tag.tag.numerical_value : values.Find(tag.tag.name);
  if (!value) return;
  sum.weights += weight;
  sum.weighted_values += weight * static_cast<double>(*value);
}

}  // namespace

void Evaluation::KeepModels(std::span<const std::string> model_ids) {
  if (model_ids.empty()) return;
  size_t kept = 0;
  for (size_t i = 0; i < decay_count; ++i) {
    if (std::find(model_ids.begin(), model_ids.end(), decay[i].model_id) == model_ids.end()) continue;
    decay[kept] = decay[i];
    thresholds_[kept] = thresholds_[i];
    ++kept;
  }
  decay_count = kept;
}

bool Evaluation::Decayed() const {
  if (decay_count == 0) return false;
  for (size_t i = 0; i < decay_count; ++i) {
    if (!decay[i].decayed) return false;
  }
  return true;
}

std::optional<std::string> Evaluation::ExclusionReason() const {
  if (expiry.expired) return "expired: " + expiry.reason;
  if (!Decayed()) return std::nullopt;
  size_t best = 0;
  for (size_t i = 1; i < decay_count; ++i) {
    if (decay[i].score > decay[best].score) best = i;
  }
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, "decayed: score %.1f <= threshold %g (model ", decay[best].score,
                thresholds_[best]);
  std::string reason(numbers);
  reason.append(decay[best].model);
  reason += ')';
  return reason;
}

Evaluator::Evaluator(std::vector<DecayModel> models, ExpiryPolicy expiry, const model::TaxonomyRegistry& taxonomies)
    : models_(std::move(models)), expiry_(std::move(expiry)), tag_values_(taxonomies) {}

double Evaluator::BaseScore(const DecayModel& model, const model::Attribute& attribute,
                            std::span<const model::AppliedTag> event_tags) const {
  if (model.base_score_config.empty()) return model.default_base_score;
  WeightedSum sum;
  for (const auto& t : event_tags) {
    std::string_view base = TagBaseName(t.tag.name);
    std::optional<double> weight = model.WeightFor(base);
    if (!weight) continue;
    if (AnyTagHasBase(attribute.tags, base)) continue;  // the attribute's tag of the same base wins
    Accumulate(*weight, tag_values_, t, sum);
  }
  for (const auto& t : attribute.tags) {
    std::optional<double> weight = model.WeightFor(TagBaseName(t.tag.name));
    if (weight) Accumulate(*weight, tag_values_, t, sum);
  }
  if (!(sum.weights > 0)) return model.default_base_score;
  return sum.weighted_values / sum.weights;
}

Evaluation Evaluator::Evaluate(const model::Attribute& attribute, std::span<const model::AppliedTag> event_tags,
                               std::span<const model::Sighting> sightings, int64_t now) const {
  Evaluation e;
  bool anchored = false;
  DecayAnchor anchor;
  for (const DecayModel& m : models_) {
    if (e.decay_count == kMaxDecayResults) break;
    if (!m.AppliesTo(attribute.type)) continue;
    if (!anchored) {
      anchor = ComputeDecayAnchor(attribute, sightings);
      anchored = true;
    }
    e.thresholds_[e.decay_count] = m.threshold;
    e.decay[e.decay_count++] = ScoreDecay(m, BaseScore(m, attribute, event_tags), anchor, now);
  }
  e.expiry = expiry_.Evaluate(attribute, event_tags, sightings, now);
  return e;
}

boost::json::array RenderDecayScores(const Evaluation& evaluation) {
  boost::json::array out;
  for (const DecayResult& r : evaluation.Decay()) out.push_back(RenderDecayScore(r));
  return out;
}

}  // namespace bulwark::lifecycle
