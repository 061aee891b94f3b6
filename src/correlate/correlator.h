// The correlator owns the correlation index of one store: it builds it from the store, follows the store's
// change log to keep it current, and publishes each state as an immutable Snapshot (see correlate/index.h).
//
// Build() scans every attribute in one read transaction and records the change-log sequence it reflects.
// CatchUp() reads the change log after that sequence and applies it:
//   attribute add/edit/delete/restore  the attribute is re-read by uuid and re-indexed (or removed); one that
//                                      is gone (hard delete) makes its event be re-read;
//   event add/delete/restore            the event's attributes are re-read;
//   event edit                          the event is re-read only when its disable_correlation changed;
//   anything else (publish, tags, sightings, objects whose children are logged themselves): ignored.
// An attribute is indexed when it is not deleted, neither it nor its event has disable_correlation, its
// object (if any) is not deleted, and its type correlates. Applying a change twice is harmless, so reading
// state newer than the changes read is fine: the next CatchUp converges.
//
// Thread-safety: Build and CatchUp may be called from any thread; they are serialised with each other.
// snapshot() never blocks on them (an atomic shared_ptr load) and never returns null.
// Errors: those of the store (kInternal); the published snapshot is unchanged on error.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "correlate/index.h"
#include "store/store.h"

namespace bulwark::correlate {

struct CorrelatorStats {
  int64_t builds = 0;
  int64_t catch_ups = 0;          // CatchUp calls that published a new snapshot
  int64_t changes_read = 0;
  size_t last_cloned_shards = 0;  // shards copied by the last publication
};

class Correlator {
 public:
  explicit Correlator(Options options = {});

  Status Build(store::Store& store);
  // Applies the change log after snapshot()->seq(); builds first if Build never succeeded. A backlog of
  // more than kMaxIncrementalChanges changes is handled by a rebuild.
  Status CatchUp(store::Store& store);

  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(); }
  bool built() const { return built_.load(); }
  CorrelatorStats stats() const;

  static constexpr size_t kMaxIncrementalChanges = 200000;

 private:
  Status BuildLocked(store::Store& store);
  void Publish(std::shared_ptr<const Snapshot> next, size_t cloned);

  std::shared_ptr<const Options> options_;
  std::mutex write_mu_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::atomic<bool> built_{false};
  mutable std::mutex stats_mu_;
  CorrelatorStats stats_;
};

}  // namespace bulwark::correlate
