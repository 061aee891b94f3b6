// StoreSource: the hub's sensor feed in-process, for `bulwark match --data-dir DIR` (the embedded default):
// the same indicators, visibility and deltas as GET /api/v1/sensor/indicators, read straight from an open
// hub::Hub as one principal (the data directory's site admin, or a user named with --as-user). And the
// in-process sighting sink, which records through hub::SensorFeed::RecordSightings (the same batched, idempotent
// write path as POST /api/v1/sensor/sightings).
//
// Thread-safety: a source is thread-compatible (one caller at a time); the sink's Add and Flush may be called
// from different threads. The hub must outlive them.
// Errors: what hub::SensorFeed returns (kInternal for store failures).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "hub/sensor_feed.h"
#include "match/indicator.h"

namespace bulwark::match {

// The sensor's view of one feed event: its indicators with the event context, tags merged (the attribute's
// own first, then the event's, without duplicates), TLP as the feed computed it.
EventIndicators ToEventIndicators(hub::FeedEvent event);

// Appends feed events to `batch` (converted); a later entry for an event already in it replaces the earlier
// one. `index` maps event uuid -> position in batch.events and must start empty for a new batch.
void MergeFeedEvents(IndicatorBatch& batch, std::unordered_map<std::string, size_t>& index,
                     std::vector<hub::FeedEvent> events);

// Page size used when a source walks the feed. Default: 50,000 indicators per page.
inline constexpr size_t kFeedPageLimit = 50'000;

// `exclude` is the feed's exclusion hook (lifecycle, warninglists); empty: nothing excluded beyond the feed's
// own rules.
Result<std::unique_ptr<IndicatorSource>> OpenStoreSource(hub::Hub& hub, access::Principal principal,
                                                         hub::ExclusionHook exclude = {});

// Buffers reports and writes them as one batch per Flush (or whenever `batch_size` reports are waiting).
Result<std::unique_ptr<SightingSink>> OpenStoreSightingSink(hub::Hub& hub, access::Principal principal,
                                                            size_t batch_size = 1000);

}  // namespace bulwark::match
