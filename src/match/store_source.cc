#include "match/store_source.h"

#include <algorithm>
#include <unordered_map>

#include "common/uuid.h"

namespace bulwark::match {

EventIndicators ToEventIndicators(hub::FeedEvent event) {
  EventIndicators out;
  out.event_uuid = event.uuid;
  out.indicators.reserve(event.indicators.size());
  for (auto& fi : event.indicators) {
    Indicator ind;
    ind.attribute_uuid = std::move(fi.attribute_uuid);
    ind.type = std::move(fi.type);
    ind.value = std::move(fi.value);
    ind.event_uuid = event.uuid;
    ind.event_info = event.info;
    ind.threat_level = event.threat_level;
    ind.tags = std::move(fi.tags);
    for (const auto& t : event.tags) {
      if (std::find(ind.tags.begin(), ind.tags.end(), t) == ind.tags.end()) ind.tags.push_back(t);
    }
    ind.tlp = std::move(fi.tlp);
    out.indicators.push_back(std::move(ind));
  }
  return out;
}

void MergeFeedEvents(IndicatorBatch& batch, std::unordered_map<std::string, size_t>& index,
                     std::vector<hub::FeedEvent> events) {
  for (auto& e : events) {
    auto [it, inserted] = index.try_emplace(e.uuid, batch.events.size());
    if (inserted) {
      batch.events.push_back(ToEventIndicators(std::move(e)));
    } else {
      batch.events[it->second] = ToEventIndicators(std::move(e));
    }
  }
}

namespace {

class StoreSource : public IndicatorSource {
 public:
  StoreSource(hub::Hub& hub, access::Principal p, hub::ExclusionHook exclude)
      : feed_(hub, std::move(exclude)), principal_(std::move(p)) {}

  Result<IndicatorBatch> Load() override {
    IndicatorBatch batch;
    batch.full = true;
    std::unordered_map<std::string, size_t> index;
    hub::Id after = 0;
    bool first = true;
    while (true) {
      BW_ASSIGN_OR_RETURN(hub::FeedPage page, feed_.FullPage(principal_, after, kFeedPageLimit));
      if (first) batch.cursor = page.cursor;  // the first page's snapshot: Poll from there misses nothing
      first = false;
      MergeFeedEvents(batch, index, std::move(page.events));
      if (!page.more) break;
      after = page.next_page_after_event;
    }
    return batch;
  }

  Result<IndicatorBatch> Poll(int64_t cursor) override {
    IndicatorBatch batch;
    batch.cursor = cursor;
    std::unordered_map<std::string, size_t> index;
    while (true) {
      BW_ASSIGN_OR_RETURN(hub::FeedPage page, feed_.Delta(principal_, batch.cursor, kFeedPageLimit));
      batch.cursor = page.cursor;
      MergeFeedEvents(batch, index, std::move(page.events));
      if (!page.more) break;
    }
    return batch;
  }

 private:
  hub::SensorFeed feed_;
  access::Principal principal_;
};

class StoreSightingSink : public SightingSink {
 public:
  StoreSightingSink(hub::Hub& hub, access::Principal p, size_t batch_size)
      : feed_(hub),
        principal_(std::move(p)),
        batch_size_(std::max<size_t>(1, std::min(batch_size, hub::kMaxSightingBatch))) {}

  Status Add(std::vector<SightingReport> reports) override {
    std::lock_guard lock(mu_);
    for (auto& r : reports) {
      pending_.push_back(
          hub::SensorSighting{std::move(r.attribute_uuid), std::move(r.value), r.time_seconds, std::move(r.source)});
    }
    if (pending_.size() >= batch_size_) return FlushLocked();
    return Ok();
  }

  Status Flush() override {
    std::lock_guard lock(mu_);
    return FlushLocked();
  }

 private:
  Status FlushLocked() {
    while (!pending_.empty()) {
      const size_t n = std::min(pending_.size(), batch_size_);
      hub::SightingBatch batch;
      batch.batch_id = NewUuidV4();
      batch.sightings.assign(std::make_move_iterator(pending_.begin()),
                             std::make_move_iterator(pending_.begin() + static_cast<std::ptrdiff_t>(n)));
      auto r = feed_.RecordSightings(principal_, batch);
      if (!r.ok()) {
        // Put them back: nothing was written (the batch is one transaction).
        std::move(batch.sightings.begin(), batch.sightings.end(), pending_.begin());
        return std::move(r).error();
      }
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return Ok();
  }

  hub::SensorFeed feed_;
  access::Principal principal_;
  size_t batch_size_;
  std::mutex mu_;
  std::vector<hub::SensorSighting> pending_;
};

}  // namespace

Result<std::unique_ptr<IndicatorSource>> OpenStoreSource(hub::Hub& hub, access::Principal principal,
                                                         hub::ExclusionHook exclude) {
  return std::unique_ptr<IndicatorSource>(std::make_unique<StoreSource>(hub, std::move(principal), std::move(exclude)));
}

Result<std::unique_ptr<SightingSink>> OpenStoreSightingSink(hub::Hub& hub, access::Principal principal,
                                                            size_t batch_size) {
  return std::unique_ptr<SightingSink>(std::make_unique<StoreSightingSink>(hub, std::move(principal), batch_size));
}

}  // namespace bulwark::match
