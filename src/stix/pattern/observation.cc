#include "stix/pattern/observation.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "stix/pattern/timestamp.h"

namespace bulwark::stix::pattern {
namespace {

namespace json = boost::json;

std::string_view StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string_view(v->get_string().data(), v->get_string().size());
}

Result<Timestamp> TimeField(const json::object& o, std::string_view key) {
  std::string_view text = StringField(o, key);
  auto ts = ParseTimestamp(text);
  if (!ts) {
    return MakeError(ErrorCode::kInvalid, "observed-data " + std::string(key) + " is not a STIX timestamp",
                     std::string(key));
  }
  return *ts;
}

using IdIndex = std::unordered_map<std::string_view, const json::value*>;

class Builder {
 public:
  Status Add(const json::value& v, const IdIndex* bundle, int depth) {
    if (depth > 4) return MakeError(ErrorCode::kBadRequest, "observed data nested too deeply");
    if (v.is_array()) {
      for (const json::value& item : v.get_array()) BW_RETURN_IF_ERROR(Add(item, nullptr, depth + 1));
      return Ok();
    }
    if (!v.is_object()) return MakeError(ErrorCode::kBadRequest, "observed data must be JSON objects");
    const json::object& o = v.get_object();
    std::string_view type = StringField(o, "type");
    if (type == "bundle") return AddBundle(o, depth);
    if (type == "observed-data") return AddObservedData(o, bundle);
    if (bundle != nullptr) return Ok();  // other objects in a bundle are only reference targets
    return MakeError(ErrorCode::kBadRequest, "expected a bundle or observed-data, got type '" +
                                                 std::string(type.substr(0, 60)) + "'");
  }

  std::vector<Observation> Take() { return std::move(out_); }

 private:
  Status AddBundle(const json::object& bundle, int depth) {
    const json::value* objects = bundle.if_contains("objects");
    if (objects == nullptr) return Ok();
    if (!objects->is_array()) return MakeError(ErrorCode::kBadRequest, "bundle objects must be a list");
    IdIndex index;
    for (const json::value& item : objects->get_array()) {
      if (!item.is_object()) return MakeError(ErrorCode::kBadRequest, "bundle objects must be JSON objects");
      std::string_view id = StringField(item.get_object(), "id");
      if (!id.empty()) index.emplace(id, &item);
    }
    for (const json::value& item : objects->get_array()) BW_RETURN_IF_ERROR(Add(item, &index, depth + 1));
    return Ok();
  }

  Status AddObservedData(const json::object& od, const IdIndex* bundle) {
    if (out_.size() >= kMaxObservations) {
      return MakeError(ErrorCode::kTooLarge, "more than " + std::to_string(kMaxObservations) + " observed-data");
    }
    Observation obs;
    BW_ASSIGN_OR_RETURN(obs.first_observed, TimeField(od, "first_observed"));
    BW_ASSIGN_OR_RETURN(obs.last_observed, TimeField(od, "last_observed"));
    if (obs.last_observed < obs.first_observed) {
      return MakeError(ErrorCode::kInvalid, "observed-data last_observed is before first_observed");
    }
    const json::value* n = od.if_contains("number_observed");
    if (n == nullptr || !n->is_number()) {
      return MakeError(ErrorCode::kInvalid, "observed-data number_observed must be an integer >= 1",
                       "number_observed");
    }
    boost::system::error_code ec;
    auto count = n->to_number<int64_t>(ec);
    if (ec || count < 1) {
      return MakeError(ErrorCode::kInvalid, "observed-data number_observed must be an integer >= 1",
                       "number_observed");
    }
    obs.number_observed = std::min(count, kMaxNumberObserved);
    const json::value* refs = od.if_contains("object_refs");
    const json::value* objects = od.if_contains("objects");
    if (refs != nullptr && refs->is_array() && !refs->get_array().empty()) {
      for (const json::value& r : refs->get_array()) {
        if (!r.is_string() || bundle == nullptr) continue;
        std::string_view id(r.get_string().data(), r.get_string().size());
        auto it = bundle->find(id);
        if (it == bundle->end()) continue;
        obs.roots.push_back(it->second);
        obs.referable.emplace_back(id, it->second);
      }
    } else if (objects != nullptr && objects->is_object()) {
      for (const auto& kv : objects->get_object()) {
        if (!kv.value().is_object()) continue;
        obs.roots.push_back(&kv.value());
        obs.referable.emplace_back(std::string_view(kv.key().data(), kv.key().size()), &kv.value());
      }
    }
    std::sort(obs.referable.begin(), obs.referable.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out_.push_back(std::move(obs));
    return Ok();
  }

  std::vector<Observation> out_;
};

}  // namespace

const boost::json::value* Observation::Resolve(std::string_view id) const {
  auto it = std::lower_bound(referable.begin(), referable.end(), id,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == referable.end() || it->first != id) return nullptr;
  return it->second;
}

Result<ObservationSet> ObservationSet::FromJson(boost::json::value json) {
  ObservationSet set;
  set.json_ = std::make_unique<boost::json::value>(std::move(json));
  Builder b;
  BW_RETURN_IF_ERROR(b.Add(*set.json_, nullptr, 0));
  set.observations_ = b.Take();
  return set;
}

}  // namespace bulwark::stix::pattern
