// Evaluation throughput of the STIX pattern matcher on simple comparisons: one observation expression
// `[ipv4-addr:value = '...']` (and an OR of 10 equalities) scanned over N observed-data objects, none of
// which match, so every comparison is evaluated. Items processed = comparisons evaluated.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <string>

#include "stix/pattern/matcher.h"
#include "stix/pattern/parser.h"

namespace {

namespace json = boost::json;
namespace sp = bulwark::stix::pattern;

sp::ObservationSet MakeSet(int n) {
  json::array objects;
  json::array list;
  for (int i = 0; i < n; ++i) {
    json::object od;
    od["type"] = "observed-data";
    od["first_observed"] = "2020-01-01T00:00:00Z";
    od["last_observed"] = "2020-01-01T00:00:00Z";
    od["number_observed"] = 1;
    std::string ip = "10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." +
                     std::to_string(i % 256);
    od["objects"] = json::object{{"0", json::object{{"type", "ipv4-addr"}, {"value", ip}}}};
    list.push_back(std::move(od));
  }
  return std::move(sp::ObservationSet::FromJson(json::value(std::move(list))).value());
}

void BM_SimpleEquality(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  sp::ObservationSet set = MakeSet(n);
  auto matcher = sp::Matcher::Compile(sp::Parse("[ipv4-addr:value = '192.0.2.1']").value()).value();
  for (auto _ : state) {
    auto r = matcher.Matches(set);
    benchmark::DoNotOptimize(r.ok() && *r);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SimpleEquality)->Arg(10000);

void BM_OrOfTenEqualities(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  sp::ObservationSet set = MakeSet(n);
  std::string text = "[ipv4-addr:value = '192.0.2.0'";
  for (int i = 1; i < 10; ++i) text += " OR ipv4-addr:value = '192.0.2." + std::to_string(i) + "'";
  text += "]";
  auto matcher = sp::Matcher::Compile(sp::Parse(text).value()).value();
  for (auto _ : state) {
    auto r = matcher.Matches(set);
    benchmark::DoNotOptimize(r.ok() && *r);
  }
  state.SetItemsProcessed(state.iterations() * n * 10);
}
BENCHMARK(BM_OrOfTenEqualities)->Arg(10000);

void BM_Parse(benchmark::State& state) {
  const std::string text =
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND "
      "file:mime_type = 'application/x-pdf'] FOLLOWEDBY [network-traffic:dst_ref.value ISSUBSET "
      "'198.51.100.0/24'] WITHIN 300 SECONDS";
  for (auto _ : state) {
    auto p = sp::Parse(text);
    benchmark::DoNotOptimize(p.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Parse);

}  // namespace

BENCHMARK_MAIN();
