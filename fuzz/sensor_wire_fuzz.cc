// Fuzzes the sensor wire format (src/hub/sensor_feed.h): the sighting batch a sensor POSTs to the hub
// (ParseSightingBatch) and the indicator feed page a sensor reads from a possibly hostile hub (ParseFeedPage).
// What parses must render and parse back to the same content. Must never crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hub/sensor_feed.h"

namespace {

bool SameBatch(const bulwark::hub::SightingBatch& a, const bulwark::hub::SightingBatch& b) {
  if (a.batch_id != b.batch_id || a.sightings.size() != b.sightings.size()) return false;
  for (size_t i = 0; i < a.sightings.size(); ++i) {
    const auto& x = a.sightings[i];
    const auto& y = b.sightings[i];
    if (x.attribute_uuid != y.attribute_uuid || x.value != y.value || x.time_seconds != y.time_seconds ||
        x.source != y.source) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bulwark::hub;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto batch = ParseSightingBatch(text);
  if (batch.ok()) {
    if (batch->sightings.size() > kMaxSightingBatch) std::abort();
    auto again = ParseSightingBatch(RenderSightingBatch(*batch));
    if (!again.ok() || !SameBatch(*batch, *again)) std::abort();
  } else if (batch.error().message.empty()) {
    std::abort();
  }

  constexpr size_t kMaxIndicators = 64;
  auto page = ParseFeedPage(text, kMaxIndicators);
  if (page.ok()) {
    size_t indicators = 0;
    for (const auto& e : page->events) indicators += e.indicators.size();
    if (indicators > kMaxIndicators) std::abort();
    auto again = ParseFeedPage(RenderFeedPage(*page), kMaxIndicators);
    if (!again.ok() || again->events.size() != page->events.size() || again->cursor != page->cursor) std::abort();
  } else if (page.error().message.empty()) {
    std::abort();
  }
  return 0;
}
