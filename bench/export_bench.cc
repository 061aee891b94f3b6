// Export writers' throughput: rows/s for CSV (default MISP columns) and suricata rules over synthetic rows,
// written into a Sink whose flush callback only counts bytes (what the writer costs, without I/O).
//
//   cmake -S . -B build/export-rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DBULWARK_BENCH=ON
//   cmake --build build/export-rel --target export_bench && build/export-rel/bench/export_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "export/export.h"

namespace bulwark::exporter {
namespace {

struct Rows {
  model::Event event;
  std::vector<model::Attribute> attributes;
};

// 4096 distinct attributes cycling through ip-dst, domain, url, md5 with tags and comments, like a real event.
const Rows& SyntheticRows() {
  static const Rows rows = [] {
    Rows r;
    r.event.id = 1234;
    r.event.uuid = "5f1e2d3c-0000-4000-8000-000000001234";
    r.event.info = "Synthetic benchmark event";
    r.event.threat_level = model::ThreatLevel::kHigh;
    model::AppliedTag tlp;
    tlp.tag.name = "tlp:amber";
    r.event.tags.push_back(tlp);
    char buf[96];
    for (int i = 0; i < 4096; ++i) {
      model::Attribute a;
      a.id = 100000 + i;
      std::snprintf(buf, sizeof(buf), "5f1e2d3c-%04x-4000-8000-%012d", i, i);
      a.uuid = buf;
      a.category = "Network activity";
      a.to_ids = true;
      a.timestamp = 1700000000 + i;
      switch (i % 4) {
        case 0:
          a.type = "ip-dst";
          std::snprintf(buf, sizeof(buf), "198.51.%d.%d", (i >> 8) & 255, i & 255);
          break;
        case 1:
          a.type = "domain";
          std::snprintf(buf, sizeof(buf), "c2-%d.evil.example", i);
          break;
        case 2:
          a.type = "url";
          std::snprintf(buf, sizeof(buf), "http://evil%d.example/gate.php?id=%d", i, i);
          break;
        default:
          a.type = "md5";
          std::snprintf(buf, sizeof(buf), "%032x", i * 2654435761u);
          break;
      }
      a.value1 = buf;
      if (i % 3 == 0) a.comment = "seen in the \"phishing\" wave, part 2";
      r.attributes.push_back(std::move(a));
    }
    return r;
  }();
  return rows;
}

void RunWriter(benchmark::State& state, std::string_view format) {
  const Rows& rows = SyntheticRows();
  ExportOptions options;
  options.base_url = "https://hub.example.org";
  auto writer = MakeWriter(format, options);
  if (!writer.ok()) {
    state.SkipWithError(writer.error().message.c_str());
    return;
  }
  uint64_t bytes = 0;
  Sink sink([&](std::string_view b) {
    bytes += b.size();
    return Ok();
  });
  (*writer)->Begin(sink);
  size_t i = 0;
  for (auto _ : state) {
    const model::Attribute& a = rows.attributes[i++ & 4095];
    (*writer)->Row(ExportRow(a, rows.event), sink);
  }
  (*writer)->End(sink);
  (void)sink.Finish();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_ExportCsv(benchmark::State& state) { RunWriter(state, "csv"); }
void BM_ExportSuricata(benchmark::State& state) { RunWriter(state, "suricata"); }
void BM_ExportZeek(benchmark::State& state) { RunWriter(state, "zeek"); }
BENCHMARK(BM_ExportCsv);
BENCHMARK(BM_ExportSuricata);
BENCHMARK(BM_ExportZeek);

}  // namespace
}  // namespace bulwark::exporter

BENCHMARK_MAIN();
