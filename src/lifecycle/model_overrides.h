// MISP's restSearch `modelOverrides`: decaying-model parameters that replace a model's own for one query
// (with includeDecayScore / excludeDecayed). Plain values and pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <vector>

#include "common/result.h"
#include "lifecycle/decay.h"

namespace bulwark::lifecycle {

// The parameters a query overrides; those left unset keep the model's value.
struct ModelOverrides {
  std::optional<double> lifetime_days;
  std::optional<double> decay_speed;
  std::optional<double> threshold;
  std::optional<double> default_base_score;
  std::optional<std::vector<BaseScoreWeight>> base_score_config;  // replaces the model's config as a whole

  bool empty() const {
    return !lifetime_days && !decay_speed && !threshold && !default_base_score && !base_score_config;
  }
};

// Reads `modelOverrides`: an object with any of "lifetime", "decay_speed", "threshold", "default_base_score"
// (numbers or numeric strings, in the ranges ParseDecayModel enforces) and "base_score_config" (an object of tag
// base -> weight). null or {} is no override. kBadRequest naming the field ("modelOverrides.threshold") for a
// value that is not an object, an unknown key, a mistyped or out-of-range value.
Result<ModelOverrides> ParseModelOverrides(const boost::json::value& v);

// `model` with the overridden parameters replaced.
DecayModel ApplyOverrides(DecayModel model, const ModelOverrides& overrides);

}  // namespace bulwark::lifecycle
