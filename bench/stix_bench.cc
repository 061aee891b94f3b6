// STIX import front half: streaming bundle read + validation of every object, over real bundles held in
// memory (no disk I/O in the loop). Reports objects/s; the whole import (with storage) targets 50,000/s.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "stix/bundle_reader.h"
#include "stix/validate.h"

namespace {

std::filesystem::path DataDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data";
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ReadAndValidate(benchmark::State& state, const char* file, bool validate) {
  const std::string text = Slurp(DataDir() / "stix" / file);
  if (text.empty()) {
    state.SkipWithError("missing test data");
    return;
  }
  size_t objects = 0;
  size_t errors = 0;
  for (auto _ : state) {
    bulwark::stix::BundleReader reader([&](bulwark::stix::Object&& o) -> bulwark::Status {
      ++objects;
      if (validate && bulwark::stix::HasErrors(bulwark::stix::Validate(o))) ++errors;
      benchmark::DoNotOptimize(o.json);
      return bulwark::Ok();
    });
    constexpr size_t kChunk = 64 * 1024;
    for (size_t pos = 0; pos < text.size(); pos += kChunk) {
      if (!reader.Feed(std::string_view(text).substr(pos, kChunk)).ok()) state.SkipWithError("read error");
    }
    if (!reader.Finish().ok()) state.SkipWithError("read error");
  }
  if (errors != 0) state.SkipWithError("validation errors in real data");
  state.SetItemsProcessed(static_cast<int64_t>(objects));
  state.SetBytesProcessed(static_cast<int64_t>(text.size() * state.iterations()));
}

void BM_ReadValidateAttackMobile(benchmark::State& state) { ReadAndValidate(state, "attack-mobile.json", true); }
void BM_ReadValidateDisarm(benchmark::State& state) { ReadAndValidate(state, "disarm.json", true); }
void BM_ReadOnlyAttackMobile(benchmark::State& state) { ReadAndValidate(state, "attack-mobile.json", false); }

BENCHMARK(BM_ReadValidateAttackMobile)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadValidateDisarm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadOnlyAttackMobile)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
