// Correlation index benchmarks on a synthetic but realistic mix (issue 4): 30% IP addresses (1 in 100 of them a
// /24 CIDR), 30% domains and hostnames, 20% URLs, 20% hashes; about 5% of values shared between events;
// events of 1,000 attributes. Measures the full build and its memory, lookup latency, incremental updates
// (one attribute, and a new 10,000-attribute event) and the correlation of a new 10,000-attribute event.
//   build/correlate-rel/bench/correlate_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "correlate/index.h"

namespace bulwark::correlate {
namespace {

constexpr int64_t kAttributes = 1'000'000;
constexpr int64_t kPerEvent = 1000;

// Attribute i of the synthetic corpus: a deterministic function of i, so every benchmark sees the same data.
model::Attribute Synthetic(int64_t i, uint64_t salt = 0) {
  std::mt19937_64 rng(static_cast<uint64_t>(i) * 2654435761u + salt);
  model::Attribute a;
  a.id = i + 1;
  // 5% of values come from a small shared pool, so they recur across events.
  bool shared = rng() % 100 < 5;
  uint64_t n = shared ? rng() % 20000 : rng();
  int kind = static_cast<int>(rng() % 10);
  char buf[160];
  if (kind < 3) {
    if (n % 100 == 0) {
      a.type = "ip-src";
      std::snprintf(buf, sizeof buf, "10.%u.%u.0/24", unsigned((n >> 8) & 0xff), unsigned((n >> 16) & 0xff));
    } else if (n % 10 == 1) {
      a.type = "ip-dst";
      std::snprintf(buf, sizeof buf, "2001:db8:%x:%x::%x", unsigned(n & 0xffff), unsigned((n >> 16) & 0xffff),
                    unsigned((n >> 32) & 0xffff));
    } else {
      a.type = "ip-dst";
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", unsigned(n & 0xff), unsigned((n >> 8) & 0xff),
                    unsigned((n >> 16) & 0xff), unsigned((n >> 24) & 0xff));
    }
  } else if (kind < 6) {
    a.type = kind == 3 ? "domain" : "hostname";
    if (kind == 3) {
      std::snprintf(buf, sizeof buf, "d%llx.example", static_cast<unsigned long long>(n % 5000000));
    } else {
      std::snprintf(buf, sizeof buf, "h%llx.d%llx.example", static_cast<unsigned long long>(n >> 40),
                    static_cast<unsigned long long>(n % 5000000));
    }
  } else if (kind < 8) {
    a.type = "url";
    std::snprintf(buf, sizeof buf, "https://d%llx.example/path/%llx?id=%llx",
                  static_cast<unsigned long long>(n % 5000000), static_cast<unsigned long long>(n >> 20),
                  static_cast<unsigned long long>(n & 0xfff));
  } else {
    a.type = kind == 8 ? "md5" : "sha256";
    std::snprintf(buf, sizeof buf, kind == 8 ? "%016llx%016llx" : "%016llx%016llx%016llx%016llx",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(n * 31),
                  static_cast<unsigned long long>(n * 131), static_cast<unsigned long long>(n * 1031));
  }
  a.value1 = buf;
  a.event_id = i / kPerEvent + 1;
  return a;
}

// Heap bytes in use (glibc), so that memory freed by an earlier repetition does not hide the index's size.
size_t HeapBytes() { return mallinfo2().uordblks + mallinfo2().hblkhd; }

std::shared_ptr<const Snapshot> BuildCorpus(int64_t n) {
  auto options = std::make_shared<const Options>();
  SnapshotEditor ed(nullptr, options);
  for (int64_t i = 0; i < n; ++i) {
    model::Attribute a = Synthetic(i);
    ed.Upsert(a.id, a.event_id, ExtractFacets(a, options->exclusions));
  }
  return ed.Publish(1);
}

const std::shared_ptr<const Snapshot>& Corpus() {
  static std::shared_ptr<const Snapshot> corpus = BuildCorpus(kAttributes);
  return corpus;
}

void BM_Build(benchmark::State& state) {
  for (auto _ : state) {
    size_t before = HeapBytes();
    auto snap = BuildCorpus(state.range(0));
    size_t after = HeapBytes();
    state.counters["keys"] = static_cast<double>(snap->key_count());
    state.counters["attributes"] = static_cast<double>(snap->attribute_count());
    state.counters["heap_MiB"] = static_cast<double>(after - before) / (1 << 20);
    state.PauseTiming();
    snap.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Build)->Arg(kAttributes)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_LookupAttribute(benchmark::State& state) {
  const auto& snap = Corpus();
  std::mt19937_64 rng(7);
  size_t hits = 0;
  for (auto _ : state) {
    Id id = static_cast<Id>(rng() % kAttributes) + 1;
    auto r = snap->Correlations(id);
    hits += r.hits.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["hits_per_lookup"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_LookupAttribute)->Unit(benchmark::kMicrosecond);

// Correlating a new 10,000-attribute event (query path): every attribute looked up against the 1M index.
void BM_CorrelateNewEvent10k(benchmark::State& state) {
  const auto& snap = Corpus();
  std::vector<Facets> facets;
  for (int64_t i = 0; i < 10000; ++i) facets.push_back(ExtractFacets(Synthetic(kAttributes + i, 99), {}));
  for (auto _ : state) {
    size_t hits = 0;
    for (const auto& f : facets) hits += snap->CorrelationsOf(f, 999999, 0).hits.size();
    benchmark::DoNotOptimize(hits);
  }
}
BENCHMARK(BM_CorrelateNewEvent10k)->Unit(benchmark::kMillisecond);

// Incremental update: N attributes upserted into the 1M snapshot and a new snapshot published.
void BM_IncrementalUpdate(benchmark::State& state) {
  const auto& snap = Corpus();
  const int64_t n = state.range(0);
  int64_t next = kAttributes + 100000;
  size_t cloned = 0;
  for (auto _ : state) {
    SnapshotEditor ed(snap, nullptr);
    for (int64_t i = 0; i < n; ++i) {
      model::Attribute a = Synthetic(next++, 7);
      ed.Upsert(a.id, 5000000, ExtractFacets(a, {}));
    }
    cloned = ed.cloned_shards();
    auto published = ed.Publish(2);
    state.PauseTiming();
    published.reset();  // the clones' release is not part of the update
    state.ResumeTiming();
  }
  state.counters["cloned_shards"] = static_cast<double>(cloned);
}
BENCHMARK(BM_IncrementalUpdate)->Arg(1)->Arg(10)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bulwark::correlate

BENCHMARK_MAIN();
