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
// Offers: the write path may hand over what it has just committed (Offer, below), so that CatchUp need not
// re-read it; without offers the result is the same, only slower. The change log stays the one source of what
// changed; an offer only replaces the re-read of rows, and only when it is at least as new as every change
// read for them.
// An attribute is indexed when it is not deleted, neither it nor its event has disable_correlation, its
// object (if any) is not deleted, and its type correlates. Applying a change twice is harmless, so reading
// state newer than the changes read is fine: the next CatchUp converges.
//
// Compaction: the correlator's Compactor merges the snapshot's levels on threads of its own (index.h); CatchUp
// swaps finished merges in, also when there are no changes to read.
// Thread-safety: Build and CatchUp may be called from any thread; they are serialised with each other.
// snapshot() never blocks on them (an atomic shared_ptr load) and never returns null.
// Errors: those of the store (kInternal); the published snapshot is unchanged on error.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "correlate/index.h"
#include "store/store.h"

namespace bulwark::correlate {

// State a committed write left, offered by the write path (see Correlator::Offer). Each attribute carries
// what indexing needs (id, event_id, uuid, type, value1, value2, deleted, disable_correlation); an attribute of
// a deleted object is offered as deleted.
struct WrittenState {
  int64_t seq = 0;       // the change-log sequence this state reflects: the last change of its transaction
  Id event_id = 0;
  bool event_disable_correlation = false;
  bool whole_event = false;  // `attributes` are all the event has (a new event): replaces re-reading the event
  std::vector<model::Attribute> attributes;
};

// The slim copy of a written event (all its attributes, objects' included) or of attributes added to it.
WrittenState WrittenStateOf(int64_t seq, const model::Event& event, const std::vector<model::Attribute>& attributes,
                            const std::vector<model::Object>* objects, bool whole_event);

struct CorrelatorStats {
  int64_t builds = 0;
  int64_t catch_ups = 0;          // CatchUp calls that published a new snapshot
  int64_t changes_read = 0;
  int64_t offered_rows_used = 0;  // attributes applied from offers instead of re-read from the store
  int64_t rows_read = 0;          // attributes re-read from the store by CatchUp
  size_t last_written_entries = 0;  // entries (attributes, keys, events) the last publication wrote
};

class Correlator {
 public:
  explicit Correlator(Options options = {});

  Status Build(store::Store& store);
  // Applies the change log after snapshot()->seq(); builds first if Build never succeeded. A backlog of
  // more than kMaxIncrementalChanges changes is handled by a rebuild.
  Status CatchUp(store::Store& store);

  // Hands over the state a write has just committed (call after the commit, on any thread; cheap: a move
  // under a lock). The next CatchUp applies it in place of a store read where it is at least as new as the
  // changes it reads; offers it cannot use are dropped once the snapshot passes their sequence. At most
  // kMaxOfferedAttributes wait at any time (more are dropped: CatchUp then reads the store, as without offers).
  void Offer(WrittenState state);

  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(); }
  bool built() const { return built_.load(); }
  // Whether a merge of the index's levels has finished and waits for CatchUp to swap it in.
  bool merge_finished() const { return compactor_.has_finished(); }
  // Blocks until no merge runs (tests and benchmarks).
  void WaitForMerges() const { compactor_.WaitIdle(); }
  CorrelatorStats stats() const;

  static constexpr size_t kMaxIncrementalChanges = 200000;
  static constexpr size_t kMaxOfferedAttributes = 500000;

 private:
  Status BuildLocked(store::Store& store);
  void Publish(std::shared_ptr<const Snapshot> next, size_t written);

  std::shared_ptr<const Options> options_;
  std::vector<WrittenState> TakeOffers();
  void KeepOffers(std::vector<WrittenState> newer);

  std::mutex write_mu_;
  std::mutex offers_mu_;
  std::vector<WrittenState> offers_;
  size_t offered_attributes_ = 0;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::atomic<bool> built_{false};
  mutable std::mutex stats_mu_;
  CorrelatorStats stats_;
  Compactor compactor_;  // last: its threads stop first
};

}  // namespace bulwark::correlate
