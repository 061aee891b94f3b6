// Warninglists: time to load and compile every list in ../shared/data/misp/warninglists (target: under one
// second), and checks per second on a realistic mix of typed values (target: at least 5,000,000 per second):
// 40% IPv4 (ip-dst), 5% IPv6 (ip-dst), 35% domains (domain), 20% URLs (url); about one value in five is in a
// list (public DNS resolvers, cloud ranges, top domains), the rest are random. Also the untyped check that
// warninglists/checkValue runs (every list applies), and two threads sharing one set.
//
//   cmake -S . -B build/warninglist-rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DBULWARK_BENCH=ON
//   cmake --build build/warninglist-rel --target warninglist_bench
//   build/warninglist-rel/bench/warninglist_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "warninglist/warninglist.h"
#include "warninglist/warninglist_set.h"

namespace bulwark::warninglist {
namespace {

namespace fs = std::filesystem;

fs::path ListDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') {
    return fs::path(env) / "misp" / "warninglists";
  }
  return fs::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data" / "misp" / "warninglists";
}

const LoadedLists& Parsed() {
  static const LoadedLists lists = [] {
    auto loaded = LoadDirectory(ListDir());
    if (!loaded.ok()) {
      std::fprintf(stderr, "cannot load %s: %s\n", ListDir().c_str(), loaded.error().message.c_str());
      std::exit(1);
    }
    return std::move(loaded).value();
  }();
  return lists;
}

std::shared_ptr<const WarninglistSet> Set() {
  static const std::shared_ptr<const WarninglistSet> set = [] {
    auto s = WarninglistSet::Build(Parsed().lists);
    if (!s.ok()) {
      std::fprintf(stderr, "build failed: %s\n", s.error().message.c_str());
      std::exit(1);
    }
    return std::move(s).value();
  }();
  return set;
}

const std::vector<std::string>* EntriesOf(const char* name) {
  for (const Warninglist& wl : Parsed().lists) {
    if (wl.name == name) return &wl.entries;
  }
  return nullptr;
}

struct Value {
  std::string type;
  std::string value;
};

// 65536 values, fixed seed.
const std::vector<Value>& Mix() {
  static const std::vector<Value> mix = [] {
    std::mt19937_64 rng(42);
    auto pick = [&](const std::vector<std::string>* v, const std::string& fallback) {
      return v == nullptr || v->empty() ? fallback : (*v)[rng() % v->size()];
    };
    const auto* dns = EntriesOf("List of known IPv4 public DNS resolvers");
    const auto* top = EntriesOf("Top 10,000 domains from Cloudflare Radar");
    const char* tlds[] = {"com", "net", "org", "ru", "info", "xyz", "de", "io"};
    auto word = [&] {
      std::string w;
      const size_t n = 5 + rng() % 9;
      for (size_t i = 0; i < n; ++i) w += static_cast<char>('a' + rng() % 26);
      return w;
    };
    auto random_domain = [&] { return word() + "." + tlds[rng() % 8]; };
    std::vector<Value> out;
    for (int i = 0; i < 65536; ++i) {
      const unsigned kind = static_cast<unsigned>(rng() % 100);
      const bool listed = rng() % 5 == 0;
      if (kind < 40) {
        std::string ip = listed ? pick(dns, "8.8.8.8")
                                : std::to_string(1 + rng() % 223) + "." + std::to_string(rng() % 256) + "." +
                                      std::to_string(rng() % 256) + "." + std::to_string(rng() % 256);
        if (ip.find('/') != std::string::npos) ip = ip.substr(0, ip.find('/'));
        out.push_back({"ip-dst", ip});
      } else if (kind < 45) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "2a0%x:%x:%x::%x", static_cast<unsigned>(rng() % 16),
                      static_cast<unsigned>(rng() % 65536), static_cast<unsigned>(rng() % 65536),
                      static_cast<unsigned>(rng() % 65536));
        out.push_back({"ip-dst", listed ? "2001:4860:4860::8888" : buf});
      } else if (kind < 80) {
        std::string d = listed ? pick(top, "google.com") : random_domain();
        if (rng() % 3 == 0) d = word() + "." + d;
        out.push_back({"domain", d});
      } else {
        std::string host = listed ? pick(top, "google.com") : random_domain();
        out.push_back({"url", "https://" + host + "/" + word() + "/" + word() + ".php?id=" + std::to_string(rng() % 1000)});
      }
    }
    return out;
  }();
  return mix;
}

void BM_LoadAndCompileAll(benchmark::State& state) {
  size_t lists = 0;
  for (auto _ : state) {
    auto loaded = LoadDirectory(ListDir());
    auto set = WarninglistSet::Build(std::move(loaded->lists));
    lists = set.ok() ? (*set)->lists().size() : 0;
    benchmark::DoNotOptimize(set);
  }
  state.counters["lists"] = static_cast<double>(lists);
}
BENCHMARK(BM_LoadAndCompileAll)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_CompileOnly(benchmark::State& state) {
  for (auto _ : state) {
    auto set = WarninglistSet::Build(Parsed().lists);
    benchmark::DoNotOptimize(set);
  }
}
BENCHMARK(BM_CompileOnly)->Unit(benchmark::kMillisecond)->Iterations(3);

void CheckLoop(benchmark::State& state, bool typed) {
  const auto set = Set();
  const auto& mix = Mix();
  size_t i = 0;
  size_t hits = 0;
  for (auto _ : state) {
    const Value& v = mix[i++ & (mix.size() - 1)];
    auto h = set->Check(typed ? std::string_view(v.type) : std::string_view(), v.value);
    hits += h.size();
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["hits_per_value"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}

void BM_CheckTypedMix(benchmark::State& state) { CheckLoop(state, true); }
BENCHMARK(BM_CheckTypedMix);
BENCHMARK(BM_CheckTypedMix)->Threads(2)->UseRealTime();

void BM_CheckUntypedMix(benchmark::State& state) { CheckLoop(state, false); }
BENCHMARK(BM_CheckUntypedMix);

}  // namespace
}  // namespace bulwark::warninglist

BENCHMARK_MAIN();
