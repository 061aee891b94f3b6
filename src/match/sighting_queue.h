// SightingQueue: the sensor side of "sightings back to the hub", durable across hub outages and restarts.
//
// On disk (one directory per sensor, e.g. DATA/sensor-queue or ~/.bulwark/sensor-queue):
//   instance-id           a uuid made at first use; batch ids are "<instance-id>:<segment number>"
//   seg-<20 digits>.open  the segment being filled: one JSON line per report, appended and fdatasync'd by Add
//   seg-<20 digits>.ready sealed segments waiting for delivery, oldest first; a segment is one batch
//   rejected/             segments the hub refused as invalid (kept for the operator, never retried)
// (The same directory, the sensor's state directory, also holds the indicator snapshot: snapshot_file.h. Files
// the queue does not know are left alone.)
// A segment is sealed when it holds `batch_size` reports or when Flush runs; its contents never change after
// that, so a redelivered batch carries the same batch id and the same reports in the same order, and the hub
// (SensorFeed::RecordSightings) counts it once. A segment file is deleted only after the hub acknowledged its
// batch. After a crash, Open seals a left-over .open segment (a torn last line is dropped) and the next Flush
// delivers everything still on disk: nothing lost, nothing doubled.
//
// Thread-safety: Add and Flush may be called from different threads; Add never waits for the network.
// Errors: Add: kInternal for I/O failures, kTooLarge when the queue holds max_queued_bytes (the reports are
// not queued). Flush: kUnavailable (the hub is away; the rest stays queued), kUnauthenticated/kForbidden
// (the key was refused; stays queued), kInternal for I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hub/sensor_feed.h"
#include "match/hub_source.h"
#include "match/indicator.h"

namespace bulwark::match {

// Delivers one batch; Ok only once the receiver has durably recorded it.
using BatchDeliverer = std::function<Status(const hub::SightingBatch&)>;

struct SightingQueueOptions {
  std::string dir;                         // created if missing
  size_t batch_size = 1000;                // Default: 1,000 reports per segment (at most kMaxSightingBatch)
  uint64_t max_queued_bytes = 1ull << 30;  // Default: 1 GiB on disk
};

class SightingQueue : public SightingSink {
 public:
  static Result<std::unique_ptr<SightingQueue>> Open(SightingQueueOptions options, BatchDeliverer deliver);
  ~SightingQueue() override;

  Status Add(std::vector<SightingReport> reports) override;
  Status Flush() override;

  // Sealed segments waiting for delivery, and reports in the open segment.
  size_t ReadySegments() const;
  size_t OpenReports() const;
  const std::string& instance_id() const { return instance_id_; }

 private:
  SightingQueue(SightingQueueOptions options, BatchDeliverer deliver);
  Status Recover();
  Status SealLocked();
  // Delivers one sealed segment and deletes it (or moves it to rejected/); an error stops the Flush.
  Status DeliverSegment(const std::string& path, uint64_t number);

  SightingQueueOptions options_;
  BatchDeliverer deliver_;
  std::string instance_id_;
  mutable std::mutex mu_;  // the open segment and the counters
  std::mutex flush_mu_;    // one Flush at a time
  int fd_ = -1;            // the open segment, or -1
  uint64_t open_number_ = 0;
  size_t open_reports_ = 0;
  uint64_t open_bytes_ = 0;
  uint64_t next_number_ = 1;
  uint64_t queued_bytes_ = 0;
};

// A SightingQueue in `dir` delivering to the hub's POST /api/v1/sensor/sightings with `hub`'s URL and key.
Result<std::unique_ptr<SightingSink>> OpenHubSightingQueue(const HubSourceOptions& hub, const std::string& dir,
                                                           size_t batch_size = 1000);

}  // namespace bulwark::match
