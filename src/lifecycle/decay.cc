#include "lifecycle/decay.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace bulwark::lifecycle {
namespace {

namespace json = boost::json;

constexpr size_t kMaxConfigEntries = 64;
constexpr size_t kMaxAttributeTypes = 1024;
constexpr size_t kMaxNameBytes = 255;

Error Invalid(std::string message, std::string field) {
  return MakeError(ErrorCode::kInvalid, std::move(message), std::move(field));
}

// A JSON number or a numeric string (MISP's own exports carry some parameters as strings), finite.
std::optional<double> AsNumber(const json::value& v) {
  double d = 0;
  if (v.is_double()) {
    d = v.get_double();
  } else if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else if (v.is_string()) {
    const json::string& s = v.get_string();
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, d);
    if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

Result<double> NumberField(const json::object& o, std::string_view key, std::string_view path, double lo,
                           double hi, bool lo_exclusive) {
  std::string field = std::string(path) + std::string(key);
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Invalid("missing " + std::string(key), field);
  auto d = AsNumber(*v);
  if (!d) return Invalid(std::string(key) + " must be a number", field);
  bool low_ok = lo_exclusive ? *d > lo : *d >= lo;
  if (!low_ok || *d > hi) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " must be %s %g and <= %g", lo_exclusive ? ">" : ">=", lo, hi);
    return Invalid(std::string(key) + buf, field);
  }
  return *d;
}

Result<std::string> OptString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return Invalid(std::string(key) + " must be a string", std::string(key));
  if (v->get_string().size() > kMaxNameBytes) {
    return Invalid(std::string(key) + " is longer than 255 bytes", std::string(key));
  }
  return std::string(v->get_string());
}

Result<std::vector<BaseScoreWeight>> ParseBaseScoreConfig(const json::value* v) {
  std::vector<BaseScoreWeight> out;
  if (v == nullptr || v->is_null()) return out;
  // MISP stores an empty config as [] (a PHP empty array).
  if (v->is_array() && v->get_array().empty()) return out;
  const json::object* o = v->if_object();
  if (o == nullptr) return Invalid("base_score_config must be an object", "parameters.base_score_config");
  if (o->size() > kMaxConfigEntries) {
    return Invalid("base_score_config has more than 64 entries", "parameters.base_score_config");
  }
  for (const auto& [key, weight] : *o) {
    std::string field = "parameters.base_score_config." + std::string(key);
    if (key.empty() || key.size() > kMaxNameBytes) return Invalid("bad tag base", field);
    auto d = AsNumber(weight);
    if (!d || *d < 0) return Invalid("weight must be a number >= 0", field);
    out.push_back({std::string(key), *d});
  }
  return out;
}

Result<std::vector<std::string>> ParseAttributeTypes(const json::value* v) {
  std::vector<std::string> out;
  if (v == nullptr || v->is_null()) return out;
  const json::array* a = v->if_array();
  if (a == nullptr) return Invalid("attribute_types must be an array of strings", "attribute_types");
  if (a->size() > kMaxAttributeTypes) return Invalid("attribute_types has more than 1024 entries", "attribute_types");
  for (size_t i = 0; i < a->size(); ++i) {
    const json::string* s = (*a)[i].if_string();
    std::string field = "attribute_types[" + std::to_string(i) + "]";
    if (s == nullptr || s->empty() || s->size() > kMaxNameBytes) return Invalid("must be a non-empty string", field);
    out.emplace_back(*s);
  }
  return out;
}

Status ParseParameters(const json::object& p, DecayModel& m) {
  constexpr double kMaxDouble = std::numeric_limits<double>::max();
  BW_ASSIGN_OR_RETURN(m.lifetime_days, NumberField(p, "lifetime", "parameters.", 0, kMaxLifetimeDays, true));
  BW_ASSIGN_OR_RETURN(m.decay_speed, NumberField(p, "decay_speed", "parameters.", 0, kMaxDouble, true));
  BW_ASSIGN_OR_RETURN(m.threshold, NumberField(p, "threshold", "parameters.", 0, 100, false));
  if (p.contains("default_base_score")) {
    BW_ASSIGN_OR_RETURN(m.default_base_score, NumberField(p, "default_base_score", "parameters.", 0, 100, false));
  } else {
    m.default_base_score = 0;  // MISP's default when the parameter is absent
  }
  if (p.contains("false_positive_factor")) {
    BW_ASSIGN_OR_RETURN(m.false_positive_factor, NumberField(p, "false_positive_factor", "parameters.", 0, 1, false));
  }
  BW_ASSIGN_OR_RETURN(m.base_score_config, ParseBaseScoreConfig(p.if_contains("base_score_config")));
  return Ok();
}

// Non-empty and free of ':', '=' and '"'. A plain loop: find_first_of calls memchr once per character.
bool HasNoSeparators(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c == ':' || c == '=' || c == '"') return false;
  }
  return true;
}

}  // namespace

bool DecayModel::AppliesTo(std::string_view attribute_type) const {
  if (attribute_types.empty()) return true;
  return std::find(attribute_types.begin(), attribute_types.end(), attribute_type) != attribute_types.end();
}

std::optional<double> DecayModel::WeightFor(std::string_view tag_base) const {
  for (const auto& w : base_score_config) {
    if (w.tag_base == tag_base) return w.weight;
  }
  return std::nullopt;
}

DecayModel DefaultDecayModel() {
  DecayModel m;
  m.id = "1";
  m.uuid = "5b3e7c1a-6f0e-4d8a-9a51-2c7d0f4e8b19";
  m.name = "Bulwark NIDS model";
  m.description = "MISP's NIDS Simple Decaying Model (v2) plus admiralty-scale and e-mail sender types.";
  m.lifetime_days = 120;
  m.decay_speed = 2;
  m.threshold = 30;
  m.default_base_score = 80;
  m.base_score_config = {
      {"estimative-language:confidence-in-analytic-judgment", 0.1667},
      {"estimative-language:likelihood-probability", 0.1667},
      {"false-positive:risk", 0.1667},
      {"priority-level", 0.1667},
      {"retention", 0.1667},
      {"targeted-threat-index:targeting-sophistication-base-value", 0.0833},
      {"targeted-threat-index:technical-sophistication-multiplier", 0.0833},
      {"admiralty-scale:source-reliability", 0.1667},
      {"admiralty-scale:information-credibility", 0.1667},
  };
  m.attribute_types = {"domain", "domain|ip", "hostname",  "hostname|port", "ip-dst", "ip-dst|port",
                       "ip-src", "ip-src|port", "url",     "snort",         "suricata", "zeek",
                       "bro",    "email-src",  "email-reply-to", "email"};
  return m;
}

Result<DecayModel> ParseDecayModel(const json::value& doc) {
  const json::object* o = doc.if_object();
  if (o == nullptr) return MakeError(ErrorCode::kBadRequest, "a decaying model must be a JSON object");
  if (const json::value* wrapped = o->if_contains("DecayingModel"); wrapped != nullptr) {
    o = wrapped->if_object();
    if (o == nullptr) return Invalid("DecayingModel must be an object", "DecayingModel");
  }
  DecayModel m;
  BW_ASSIGN_OR_RETURN(m.name, OptString(*o, "name"));
  if (m.name.empty()) return Invalid("missing name", "name");
  if (const json::value* id = o->if_contains("id"); id != nullptr && (id->is_int64() || id->is_uint64())) {
    m.id = json::serialize(*id);  // MISP's API carries ids as numbers or strings
  } else {
    BW_ASSIGN_OR_RETURN(m.id, OptString(*o, "id"));
  }
  BW_ASSIGN_OR_RETURN(m.uuid, OptString(*o, "uuid"));
  BW_ASSIGN_OR_RETURN(m.description, OptString(*o, "description"));
  BW_ASSIGN_OR_RETURN(std::string formula, OptString(*o, "formula"));
  if (!formula.empty() && formula != "Polynomial") {
    return Invalid("formula \"" + formula + "\" is not supported (only Polynomial)", "formula");
  }
  const json::value* params = o->if_contains("parameters");
  if (params == nullptr) return Invalid("missing parameters", "parameters");
  if (!params->is_object()) return Invalid("parameters must be an object", "parameters");
  BW_RETURN_IF_ERROR(ParseParameters(params->get_object(), m));
  BW_ASSIGN_OR_RETURN(m.attribute_types, ParseAttributeTypes(o->if_contains("attribute_types")));
  return m;
}

std::string_view TagBaseName(std::string_view tag_name) {
  size_t colon = tag_name.find(':');
  if (colon == std::string_view::npos) return tag_name;
  std::string_view ns = tag_name.substr(0, colon);
  std::string_view rest = tag_name.substr(colon + 1);
  if (!HasNoSeparators(ns)) return tag_name;
  size_t eq = rest.find('=');
  if (eq == std::string_view::npos) {
    return HasNoSeparators(rest) ? ns : tag_name;  // ns:pred -> ns
  }
  std::string_view pred = rest.substr(0, eq);
  std::string_view quoted = rest.substr(eq + 1);  // must be "value"
  if (!HasNoSeparators(pred) || quoted.size() < 3 || quoted.front() != '"' || quoted.back() != '"') return tag_name;
  if (!HasNoSeparators(quoted.substr(1, quoted.size() - 2))) return tag_name;
  return tag_name.substr(0, colon + 1 + eq);  // ns:pred="value" -> ns:pred
}

double PolynomialScore(double base_score, double elapsed_seconds, double lifetime_days, double decay_speed) {
  double lifetime = lifetime_days * static_cast<double>(kSecondsPerDay);
  if (!(lifetime > 0) || !(decay_speed > 0)) return 0;
  double t = std::max(elapsed_seconds, 0.0);
  if (t >= lifetime) return 0;
  double score = base_score * (1 - std::pow(t / lifetime, 1 / decay_speed));
  return score < 0 ? 0 : score;
}

DecayAnchor ComputeDecayAnchor(const model::Attribute& attribute, std::span<const model::Sighting> sightings) {
  DecayAnchor a;
  bool has_sighting = false;
  int64_t last_sighting = 0;
  for (const auto& s : sightings) {
    if (s.type == model::SightingType::kSighting && (!has_sighting || s.date_sighting > last_sighting)) {
      last_sighting = s.date_sighting;
      has_sighting = true;
    }
  }
  const int64_t modified = attribute.last_seen_micros ? *attribute.last_seen_micros / 1'000'000 : attribute.timestamp;
  a.anchor = has_sighting ? last_sighting : modified;
  if (attribute.timestamp > a.anchor) a.anchor = modified;
  for (const auto& s : sightings) {
    if (s.type == model::SightingType::kFalsePositive && (!has_sighting || s.date_sighting > last_sighting)) {
      ++a.false_positives;
      a.last_false_positive = std::max(a.last_false_positive, s.date_sighting);
    }
  }
  return a;
}

DecayResult ScoreDecay(const DecayModel& model, double base_score, const DecayAnchor& anchor, int64_t now) {
  DecayResult r;
  r.model = model.name;
  r.model_id = model.id;
  r.base_score = base_score;
  const double fp_multiplier =
      anchor.false_positives > 0 ? std::pow(model.false_positive_factor, anchor.false_positives) : 1.0;
  const double effective_base = base_score * fp_multiplier;
  const double elapsed = static_cast<double>(now) - static_cast<double>(anchor.anchor);  // no int overflow
  r.score = PolynomialScore(effective_base, elapsed, model.lifetime_days, model.decay_speed);
  r.decayed = r.score <= model.threshold;
  // Solve effective_base * (1 - (t/L)^(1/s)) = threshold for t: t = L * (1 - threshold/effective_base)^s.
  const double lifetime = model.lifetime_days * static_cast<double>(kSecondsPerDay);
  double t_star = 0;
  if (effective_base > model.threshold) {
    t_star = lifetime * std::pow(1 - model.threshold / effective_base, model.decay_speed);
  }
  t_star = std::clamp(t_star, 0.0, std::min(lifetime, kMaxLifetimeDays * kSecondsPerDay));
  r.decayed_at = SaturatingAdd(anchor.anchor, static_cast<int64_t>(std::ceil(t_star)));
  if (anchor.false_positives > 0) r.decayed_at = std::max(r.decayed_at, anchor.last_false_positive);
  return r;
}

boost::json::object RenderDecayScore(const DecayResult& result) {
  json::object o;
  o["score"] = result.score;
  o["base_score"] = result.base_score;
  o["decayed"] = result.decayed;
  json::object model;
  model["id"] = result.model_id;
  model["name"] = result.model;
  o["DecayingModel"] = std::move(model);
  return o;
}

}  // namespace bulwark::lifecycle
