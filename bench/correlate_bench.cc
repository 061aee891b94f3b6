// Correlation index benchmarks on a synthetic but realistic mix (issue 4): 30% IP addresses (1 in 100 of them a
// /24 CIDR, 1 in 10 IPv6), 30% domains and hostnames, 20% URLs, 20% hashes; about 5% of values shared between
// events; events of 1,000 attributes. Measures the full build (time, heap, peak RSS), lookup latency, the
// correlation of a new 10,000-attribute event (query path) and incremental updates (upsert + publish).
//
//   build/correlate-v2/bench/correlate_bench --benchmark_filter='BM_Build/1000000$'
//   build/correlate-v2/bench/correlate_bench --benchmark_filter='/10000000'   # the 10M build, query and update
//
// BM_Build counters (wall seconds unless _cpu_: CPU seconds of the building thread): gen_s (synthesising the attributes: stands in for the store scan, not part of the index),
// extract_s (ExtractFacets), index_s (SnapshotEditor::Upsert), publish_s (SnapshotEditor::Publish), heap_MiB
// (glibc heap in use after minus before), peak_rss_MiB (VmHWM of the process, so run the 10M build in a fresh
// process: it includes everything the process did before). The wall time reported excludes gen_s.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "correlate/index.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::correlate {
namespace {

constexpr int64_t kPerEvent = 1000;
constexpr int64_t kNewEvent = 10000;

// SplitMix64: a cheap deterministic stream, seeded per attribute.
struct Rng {
  uint64_t s;
  uint64_t operator()() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
};

// Attribute i of the synthetic corpus: a deterministic function of i, so every benchmark sees the same data.
model::Attribute Synthetic(int64_t i, uint64_t salt = 0) {
  Rng rng{static_cast<uint64_t>(i) * 2654435761u + salt * 0x632BE59BD9B4E019ULL};
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
size_t HeapBytes() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// VmHWM (peak resident set) of this process in MiB; 0 if /proc is not readable.
double PeakRssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// CPU time of the calling thread: on a shared, loaded machine the wall time mostly measures the others.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct BuildTimes {
  double gen = 0, extract = 0, index = 0, publish = 0;  // wall
  double extract_cpu = 0, index_cpu = 0, publish_cpu = 0;
};

// Builds the index of attributes [0, n) in batches, timing each phase.
std::shared_ptr<const Snapshot> BuildCorpus(int64_t n, BuildTimes* times = nullptr) {
  auto options = std::make_shared<const Options>();
  SnapshotEditor ed(nullptr, options);
  BuildTimes t;
  constexpr int64_t kBatch = 4096;
  std::vector<model::Attribute> attributes;
  std::vector<Facets> facets;
  for (int64_t begin = 0; begin < n; begin += kBatch) {
    const int64_t end = std::min(n, begin + kBatch);
    auto t0 = std::chrono::steady_clock::now();
    attributes.clear();
    for (int64_t i = begin; i < end; ++i) attributes.push_back(Synthetic(i));
    auto t1 = std::chrono::steady_clock::now();
    const double c1 = ThreadCpuSeconds();
    facets.clear();
    for (const auto& a : attributes) facets.push_back(ExtractFacets(a, options->exclusions));
    auto t2 = std::chrono::steady_clock::now();
    const double c2 = ThreadCpuSeconds();
    for (size_t k = 0; k < attributes.size(); ++k) {
      ed.Upsert(attributes[k].id, attributes[k].event_id, std::move(facets[k]));
    }
    t.gen += std::chrono::duration<double>(t1 - t0).count();
    t.extract += std::chrono::duration<double>(t2 - t1).count();
    t.index += Seconds(t2);
    t.extract_cpu += c2 - c1;
    t.index_cpu += ThreadCpuSeconds() - c2;
  }
  auto t3 = std::chrono::steady_clock::now();
  const double c3 = ThreadCpuSeconds();
  auto snap = ed.Publish(1);
  t.publish = Seconds(t3);
  t.publish_cpu = ThreadCpuSeconds() - c3;
  if (times != nullptr) *times = t;
  return snap;
}

// One corpus at a time (the 10M one is large): built on first use for a size, replacing the previous one.
const std::shared_ptr<const Snapshot>& Corpus(int64_t n) {
  static int64_t size = -1;
  static std::shared_ptr<const Snapshot> corpus;
  if (size != n) {
    corpus.reset();
    corpus = BuildCorpus(n);
    size = n;
  }
  return corpus;
}

void BM_Build(benchmark::State& state) {
  for (auto _ : state) {
    size_t before = HeapBytes();
    BuildTimes t;
    auto snap = BuildCorpus(state.range(0), &t);
    state.SetIterationTime(t.extract + t.index + t.publish);
    size_t after = HeapBytes();
    state.counters["keys"] = static_cast<double>(snap->key_count());
    state.counters["attributes"] = static_cast<double>(snap->attribute_count());
    state.counters["heap_MiB"] = static_cast<double>(after - before) / (1 << 20);
    state.counters["peak_rss_MiB"] = PeakRssMiB();
    state.counters["gen_s"] = t.gen;
    state.counters["extract_s"] = t.extract;
    state.counters["index_s"] = t.index;
    state.counters["publish_s"] = t.publish;
    state.counters["build_cpu_s"] = t.extract_cpu + t.index_cpu + t.publish_cpu;
    state.counters["index_cpu_s"] = t.index_cpu;
    state.counters["publish_cpu_s"] = t.publish_cpu;
    snap.reset();
  }
}
BENCHMARK(BM_Build)->Arg(1'000'000)->Arg(10'000'000)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_LookupAttribute(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto& snap = Corpus(n);
  Rng rng{7};
  size_t hits = 0;
  for (auto _ : state) {
    Id id = static_cast<Id>(rng() % static_cast<uint64_t>(n)) + 1;
    auto r = snap->Correlations(id);
    hits += r.hits.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["hits_per_lookup"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_LookupAttribute)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

std::vector<Facets> NewEventFacets(int64_t first, uint64_t salt) {
  std::vector<Facets> facets;
  for (int64_t i = 0; i < kNewEvent; ++i) facets.push_back(ExtractFacets(Synthetic(first + i, salt), {}));
  return facets;
}

// Correlating a new 10,000-attribute event (query path): every attribute looked up against the index.
void BM_CorrelateNewEvent10k(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto& snap = Corpus(n);
  std::vector<Facets> facets = NewEventFacets(n, 99);
  size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (const auto& f : facets) hits += snap->CorrelationsOf(f, 999999999, 0).hits.size();
    benchmark::DoNotOptimize(hits);
  }
  state.counters["hits"] = static_cast<double>(hits);
}
BENCHMARK(BM_CorrelateNewEvent10k)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// Incremental update: range(0) attributes of a new event upserted into the range(1) snapshot and a new snapshot
// published. The facets are extracted before the clock starts (extraction is measured by BM_Build).
void BM_IncrementalUpdate(benchmark::State& state) {
  const int64_t count = state.range(0);
  const int64_t n = state.range(1);
  const auto& snap = Corpus(n);
  int64_t next = n + 100000;
  size_t written = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Facets> facets;
    for (int64_t i = 0; i < count; ++i) facets.push_back(ExtractFacets(Synthetic(next + i, 7), {}));
    state.ResumeTiming();
    SnapshotEditor ed(snap, nullptr);
    for (int64_t i = 0; i < count; ++i) ed.Upsert(next + i + 1, 500000000, std::move(facets[i]));
    written = ed.written_entries();
    auto published = ed.Publish(2);
    state.PauseTiming();
    next += count;
    published.reset();  // the release of the new snapshot is not part of the update
    state.ResumeTiming();
  }
  state.counters["written_entries"] = static_cast<double>(written);
}
BENCHMARK(BM_IncrementalUpdate)
    ->Args({1, 1'000'000})
    ->Args({10000, 1'000'000})
    ->Args({1, 10'000'000})
    ->Args({10000, 10'000'000})
    ->Unit(benchmark::kMicrosecond);

// A stream of new 10,000-attribute events, each published on top of the previous snapshot as the correlator does
// (with a Compactor merging levels on its own threads): the steady-state cost of an update while earlier updates
// are still runs above the base. Per update: CPU of the publishing thread (cpu_ms_*) and wall (wall_ms_*); the
// compactor's merges and their CPU (merge_cpu_s) are counted apart, and what is still running at the end is
// waited for outside the timing. query_cpu_ms_*: the new event's correlations looked up on the snapshot just
// published (every attribute, as BM_CorrelateNewEvent10k), outside the timing.
void BM_UpdateStream10k(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::shared_ptr<const Snapshot> snap = Corpus(n);
  Compactor compactor;
  int64_t next = n + 10'000'000;
  Id event = 600000000;
  int64_t updates = 0;
  std::vector<double> cpu_ms;
  std::vector<double> wall_ms;
  std::vector<double> query_ms;  // the new event's correlations on the snapshot just published (not timed)
  size_t max_runs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Facets> facets;
    for (int64_t i = 0; i < kNewEvent; ++i) facets.push_back(ExtractFacets(Synthetic(next + i, 11), {}));
    const std::vector<Facets> query = facets;
    state.ResumeTiming();
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuSeconds();
    SnapshotEditor ed(snap, nullptr, &compactor);
    for (int64_t i = 0; i < kNewEvent; ++i) ed.Upsert(next + i + 1, event, std::move(facets[i]));
    snap = ed.Publish(3 + updates);
    cpu_ms.push_back((ThreadCpuSeconds() - c0) * 1000);
    wall_ms.push_back(Seconds(w0) * 1000);
    max_runs = std::max(max_runs, snap->run_count());
    state.PauseTiming();
    const double q0 = ThreadCpuSeconds();
    size_t hits = 0;
    for (const Facets& f : query) hits += snap->CorrelationsOf(f, event, 0).hits.size();
    benchmark::DoNotOptimize(hits);
    query_ms.push_back((ThreadCpuSeconds() - q0) * 1000);
    state.ResumeTiming();
    next += kNewEvent;
    ++event;
    ++updates;
  }
  compactor.WaitIdle();
  const Compactor::Stats merged = compactor.stats();
  std::sort(cpu_ms.begin(), cpu_ms.end());
  std::sort(wall_ms.begin(), wall_ms.end());
  std::sort(query_ms.begin(), query_ms.end());
  state.counters["attributes_after"] = static_cast<double>(snap->attribute_count());
  state.counters["run_merges"] = static_cast<double>(merged.run_merges);
  state.counters["base_merges"] = static_cast<double>(merged.base_merges);
  state.counters["merge_cpu_s"] = merged.cpu_seconds;
  state.counters["max_runs"] = static_cast<double>(max_runs);
  state.counters["cpu_ms_median"] = cpu_ms[cpu_ms.size() / 2];
  state.counters["cpu_ms_p90"] = cpu_ms[cpu_ms.size() * 9 / 10];
  state.counters["cpu_ms_max"] = cpu_ms.back();
  state.counters["wall_ms_median"] = wall_ms[wall_ms.size() / 2];
  state.counters["wall_ms_p90"] = wall_ms[wall_ms.size() * 9 / 10];
  state.counters["query_cpu_ms_median"] = query_ms[query_ms.size() / 2];
  state.counters["query_cpu_ms_p90"] = query_ms[query_ms.size() * 9 / 10];
}
BENCHMARK(BM_UpdateStream10k)->Arg(1'000'000)->Arg(10'000'000)->Iterations(50)->Unit(benchmark::kMillisecond);

// The store scan a full rebuild starts with (Correlator::Build): every attribute row of the SQLite database
// named by the environment variable BULWARK_SCAN_DB (a hub's bulwark.db; skipped without it), tags not loaded.
void BM_StoreScan(benchmark::State& state) {
  const char* path = std::getenv("BULWARK_SCAN_DB");
  if (path == nullptr) {
    state.SkipWithError("set BULWARK_SCAN_DB to a hub's bulwark.db");
    return;
  }
  SystemClock clock;
  store::SqliteOptions options;
  options.path = path;
  auto opened = store::OpenSqliteStore(options, clock);
  if (!opened.ok()) {
    state.SkipWithError(opened.error().message.c_str());
    return;
  }
  store::Store& st = **opened;
  size_t rows = 0;
  for (auto _ : state) {
    rows = 0;
    Status scanned = st.Read([&](store::ReadTxn& t) -> Status {
      store::AttributeQuery q;
      q.load_tags = false;
      return t.ScanAttributes(q, [&](const store::AttributeRow& row) {
        benchmark::DoNotOptimize(row.attribute.id);
        ++rows;
        return true;
      });
    });
    if (!scanned.ok()) state.SkipWithError(scanned.error().message.c_str());
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StoreScan)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bulwark::correlate

BENCHMARK_MAIN();
