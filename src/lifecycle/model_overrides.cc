#include "lifecycle/model_overrides.h"

#include <array>
#include <boost/json/object.hpp>
#include <string_view>

namespace bulwark::lifecycle {
namespace {

namespace json = boost::json;

constexpr std::string_view kParam = "modelOverrides";
constexpr std::array<std::string_view, 5> kKeys = {"lifetime", "decay_speed", "threshold", "default_base_score",
                                                   "base_score_config"};

Error BadOverride(std::string message, std::string_view key) {
  std::string field(kParam);
  if (!key.empty()) field += "." + std::string(key);
  return MakeError(ErrorCode::kBadRequest, std::string(kParam) + ": " + std::move(message), std::move(field));
}

}  // namespace

Result<ModelOverrides> ParseModelOverrides(const json::value& v) {
  ModelOverrides out;
  if (v.is_null()) return out;
  const json::object* given = v.if_object();
  if (given == nullptr) return BadOverride("must be an object of decaying-model parameters", "");
  for (const auto& kv : *given) {
    const std::string_view key(kv.key().data(), kv.key().size());
    bool known = false;
    for (std::string_view k : kKeys) known = known || k == key;
    if (!known) {
      return BadOverride("unknown parameter \"" + std::string(key.substr(0, 64)) +
                             "\" (lifetime, decay_speed, threshold, default_base_score, base_score_config)",
                         key.substr(0, 64));
    }
  }
  if (given->empty()) return out;
  // The model parser checks types and ranges: the overrides go into a model whose other parameters are valid,
  // and the parser's field ("parameters.threshold") becomes this parameter's ("modelOverrides.threshold").
  const DecayModel base = DefaultDecayModel();
  json::object params{{"lifetime", base.lifetime_days},
                      {"decay_speed", base.decay_speed},
                      {"threshold", base.threshold},
                      {"default_base_score", base.default_base_score}};
  for (const auto& kv : *given) params[kv.key()] = kv.value();
  Result<DecayModel> parsed = ParseDecayModel(json::object{{"name", "modelOverrides"}, {"parameters", params}});
  if (!parsed.ok()) {
    Error e = std::move(parsed).error();
    std::string_view field = e.field;
    if (field.rfind("parameters.", 0) == 0) field.remove_prefix(std::string_view("parameters.").size());
    std::string message = e.message;
    return BadOverride(std::move(message), field);
  }
  if (given->contains("lifetime")) out.lifetime_days = parsed->lifetime_days;
  if (given->contains("decay_speed")) out.decay_speed = parsed->decay_speed;
  if (given->contains("threshold")) out.threshold = parsed->threshold;
  if (given->contains("default_base_score")) out.default_base_score = parsed->default_base_score;
  if (given->contains("base_score_config")) out.base_score_config = parsed->base_score_config;
  return out;
}

DecayModel ApplyOverrides(DecayModel model, const ModelOverrides& overrides) {
  if (overrides.lifetime_days) model.lifetime_days = *overrides.lifetime_days;
  if (overrides.decay_speed) model.decay_speed = *overrides.decay_speed;
  if (overrides.threshold) model.threshold = *overrides.threshold;
  if (overrides.default_base_score) model.default_base_score = *overrides.default_base_score;
  if (overrides.base_score_config) model.base_score_config = *overrides.base_score_config;
  return model;
}

}  // namespace bulwark::lifecycle
