// Fuzzes the sensor's persisted indicator snapshot (src/match/snapshot_file.h): ReadSnapshot on arbitrary file
// contents. What reads back must write and read back to the same counts and cursor; a refusal must say why.
// Must never crash, hang or allocate without bound (the indicator bound is small here).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "match/snapshot_file.h"

namespace {

const std::string& Dir() {
  static const std::string dir =
      (std::filesystem::temp_directory_path() / ("bulwark_snapshot_fuzz_" + std::to_string(::getpid()))).string();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bulwark::match;
  std::filesystem::create_directories(Dir());
  {
    std::ofstream out(std::filesystem::path(Dir()) / kSnapshotFileName, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  // The seed corpus is written for this hub URL and key.
  const SnapshotOrigin origin = OriginFor("http://hub.test", "fuzz-key");
  constexpr size_t kMaxIndicators = 256;
  auto got = ReadSnapshot(Dir(), origin, kMaxIndicators);
  if (!got.ok()) {
    if (got.error().message.empty()) std::abort();
    return 0;
  }
  if (got->indicators > kMaxIndicators) std::abort();
  const size_t events = got->batch.events.size();
  const size_t indicators = got->indicators;
  const int64_t cursor = got->batch.cursor;
  // Events are keyed by uuid in a set: duplicates in the file collapse, so compare with the set's view.
  auto set = IndicatorSet::Apply(nullptr, std::move(got->batch));
  if (set->Events().size() > events || set->size() > indicators) std::abort();
  if (!WriteSnapshot(Dir(), origin, *set, got->saved_at).ok()) std::abort();
  auto again = ReadSnapshot(Dir(), origin, kMaxIndicators);
  if (!again.ok() || again->batch.cursor != cursor || again->batch.events.size() != set->Events().size() ||
      again->indicators != set->size()) {
    std::abort();
  }
  return 0;
}
