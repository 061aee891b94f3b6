// Fuzzes the two lifecycle parsers: a decaying model in MISP's JSON format (ParseDecayModel) and an expiry
// table (ExpiryPolicy::ApplyJson). Input that is JSON goes to both; a model that parses scores a fixed
// attribute at a few instants (no crash, no NaN reaching the score), and a policy that applies evaluates it.
#include <boost/json/parse.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lifecycle/lifecycle.h"
#include "model/taxonomy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace lc = bulwark::lifecycle;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(input, ec);
  if (ec) return 0;

  bulwark::model::Attribute a;
  a.id = 1;
  a.type = "ip-dst";
  a.value1 = "198.51.100.7";
  a.timestamp = 1'700'000'000;
  a.tags.push_back({});
  a.tags.back().tag.name = "admiralty-scale:source-reliability=\"b\"";

  auto model = lc::ParseDecayModel(doc);
  lc::ExpiryPolicy policy = lc::ExpiryPolicy::Default();
  const bool policy_ok = policy.ApplyJson(doc).ok();
  static const bulwark::model::TaxonomyRegistry taxonomies = bulwark::model::TaxonomyRegistry::BuiltIn();
  std::vector<lc::DecayModel> models;
  if (model.ok()) models.push_back(std::move(model).value());
  const lc::Evaluator evaluator(std::move(models), policy_ok ? policy : lc::ExpiryPolicy::Default(), taxonomies);
  for (int64_t now : {int64_t{0}, int64_t{1'700'000'000}, int64_t{1'800'000'000}, INT64_MAX}) {
    const lc::Evaluation e = evaluator.Evaluate(a, {}, {}, now);
    for (const auto& d : e.Decay()) {
      if (std::isnan(d.score)) std::abort();  // a model that parses must never produce a NaN score
    }
    (void)e.ExclusionReason();
  }
  return 0;
}
