// Warninglists: time to load and compile every list in ../shared/data/misp/warninglists (target: under one
// second), and checks per second on a realistic mix of typed values (target: at least 5,000,000 per second):
// 40% IPv4 (ip-dst), 5% IPv6 (ip-dst), 35% domains (domain), 20% URLs (url); about one value in five is in a
// list (public DNS resolvers, cloud ranges, top domains), the rest are random. Also the untyped check that
// warninglists/checkValue runs (every list applies), and two threads sharing one set. The mix checks put hits
// into one reused vector (CheckInto); BM_CheckTypedMixReturnedVector goes through Check() instead, and
// BM_CheckTypedKind/* runs each kind of value of the mix alone.
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
#include <string_view>
#include <utility>
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

// The part of the mix of one kind: "ipv4", "ipv6", "domain", "url"; empty: all of it.
const std::vector<Value>& MixOf(std::string_view kind) {
  static const auto split = [] {
    std::vector<std::pair<std::string, std::vector<Value>>> parts = {{"ipv4", {}}, {"ipv6", {}}, {"domain", {}},
                                                                     {"url", {}}};
    for (const Value& v : Mix()) {
      const size_t i = v.type == "url" ? 3 : v.type == "domain" ? 2 : v.value.find(':') != std::string::npos ? 1 : 0;
      parts[i].second.push_back(v);
    }
    return parts;
  }();
  for (const auto& [name, values] : split) {
    if (name == kind) return values;
  }
  return Mix();
}

enum class Typed { kYes, kNo };
enum class Into { kCallerVector, kReturnedVector };

// Checks the values round-robin; hits go into one reused vector (CheckInto) or a vector returned per check.
void CheckLoop(benchmark::State& state, Typed typed, Into into, std::string_view kind = {}) {
  const auto set = Set();
  const auto& mix = MixOf(kind);
  size_t i = 0;
  size_t hits = 0;
  std::vector<Hit> buffer;
  for (auto _ : state) {
    const Value& v = mix[i];
    if (++i == mix.size()) i = 0;
    const std::string_view type = typed == Typed::kYes ? std::string_view(v.type) : std::string_view();
    if (into == Into::kCallerVector) {
      hits += set->CheckInto(type, v.value, buffer);
      benchmark::DoNotOptimize(buffer.data());
    } else {
      auto h = set->Check(type, v.value);
      hits += h.size();
      benchmark::DoNotOptimize(h);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  const double per_value = static_cast<double>(hits) / static_cast<double>(state.iterations());
  state.counters["hits_per_value"] = benchmark::Counter(per_value, benchmark::Counter::kAvgThreads);
}

// The issue 4 figure: the typed mix, hits into a caller-provided vector.
void BM_CheckTypedMix(benchmark::State& state) { CheckLoop(state, Typed::kYes, Into::kCallerVector); }
BENCHMARK(BM_CheckTypedMix);
BENCHMARK(BM_CheckTypedMix)->Threads(2)->UseRealTime();

// The same through Check(), which returns a new vector (allocated when there is a hit).
void BM_CheckTypedMixReturnedVector(benchmark::State& state) { CheckLoop(state, Typed::kYes, Into::kReturnedVector); }
BENCHMARK(BM_CheckTypedMixReturnedVector);

// Each kind of value of the mix alone.
void BM_CheckTypedKind(benchmark::State& state, const char* kind) {
  CheckLoop(state, Typed::kYes, Into::kCallerVector, kind);
}
BENCHMARK_CAPTURE(BM_CheckTypedKind, ipv4, "ipv4");
BENCHMARK_CAPTURE(BM_CheckTypedKind, ipv6, "ipv6");
BENCHMARK_CAPTURE(BM_CheckTypedKind, domain, "domain");
BENCHMARK_CAPTURE(BM_CheckTypedKind, url, "url");

void BM_CheckUntypedMix(benchmark::State& state) { CheckLoop(state, Typed::kNo, Into::kCallerVector); }
BENCHMARK(BM_CheckUntypedMix);

}  // namespace
}  // namespace bulwark::warninglist

BENCHMARK_MAIN();
