// Correlation queries with access control, over a Correlator kept current from the store. This is what the
// API (and the lead's events/view) calls.
//
// Access: the index knows nothing of distribution. Every query loads the candidate rows from the store and
// keeps only those that access::CanSeeEvent and access::CanSeeAttribute allow for the principal; the queried
// attribute or event itself must be visible too (kNotFound otherwise, as for a missing one). Counts of
// over-correlating values are totals over the whole hub (a number, never a listing).
//
// Freshness: every query first calls EnsureCurrent(), which compares the store's last change sequence with
// the snapshot's and catches up when they differ (building the index on first use). So queries are correct
// without any wiring; a writer-side hook (NotifyChanged from a hub listener) only moves that work off the
// query path. Build the index at start (Start) to keep the first query fast.
//
// Thread-safety: all methods are thread-safe; queries run on an immutable snapshot.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "access/access.h"
#include "correlate/correlator.h"

namespace bulwark::correlate {

// A correlated attribute, in MISP's RelatedAttribute terms (id is the other EVENT's id, as MISP's
// events/view has it) plus the details of the link.
struct RelatedAttribute {
  Id id = 0;                 // the related event's id (MISP)
  Id attribute_id = 0;
  std::string attribute_uuid;
  Id event_id = 0;
  std::string event_uuid;
  Id org_id = 0;             // the related event's owner org (MISP)
  Id orgc_id = 0;
  std::string info;          // the related event's info
  std::string value;         // the related attribute's value
  std::string type;
  std::string category;
  LinkKind kind = LinkKind::kEqual;
  std::string via;           // what links them (the shared value, CIDR, domain or host)
};

struct AttributeCorrelations {
  Id attribute_id = 0;
  std::string attribute_uuid;
  std::string value;
  std::string type;
  std::vector<RelatedAttribute> related;
  std::vector<OverCorrelating> over_correlating;
  bool truncated = false;
};

// An event related to the queried one (MISP's RelatedEvent): its header and how many of the queried
// event's visible attributes link to it.
struct RelatedEvent {
  model::Event event;        // header only
  size_t links = 0;
};

struct EventCorrelations {
  Id event_id = 0;
  std::vector<RelatedEvent> related_events;         // most links first, then newest event id
  std::vector<AttributeCorrelations> attributes;    // only attributes with a correlation or over-correlation
};

class CorrelationService {
 public:
  CorrelationService(store::Store& store, Options options = {});
  ~CorrelationService();  // stops the follower thread, if started

  // Builds the index now (otherwise the first query does).
  Status Start();
  // "The store changed": catches up. For a hub listener; errors are returned for the caller to log.
  Status NotifyChanged();
  // Catches up if the store has changes the snapshot does not reflect.
  Status EnsureCurrent();
  // Full rebuild (after changing exclusions, or from `bulwark correlate rebuild`).
  Status Rebuild();

  // A background thread that keeps the index current off the write and query paths: it catches up when
  // poked (Poke, cheap and non-blocking: what a hub listener should call) and at least every `poll`, but not
  // more often than every kFollowerCoalesce (pokes in between are served together).
  // Errors are counted (follower_errors) and retried at the next wake-up. Idempotent; stopped by the destructor.
  static constexpr std::chrono::milliseconds kFollowerCoalesce{100};
  void StartFollower(std::chrono::milliseconds poll = std::chrono::milliseconds(1000));
  void Poke();
  // What a write has just committed, so that the follower need not re-read it (Correlator::Offer). For a hub
  // listener; does not wake the follower.
  void Offer(WrittenState state) { correlator_.Offer(std::move(state)); }
  int64_t follower_errors() const;

  std::shared_ptr<const Snapshot> snapshot() const { return correlator_.snapshot(); }
  const Correlator& correlator() const { return correlator_; }

  // kNotFound if the attribute does not exist or the principal may not see it.
  Result<AttributeCorrelations> ForAttribute(const access::Principal& p, Id attribute_id);
  Result<AttributeCorrelations> ForAttributeUuid(const access::Principal& p, const std::string& uuid);
  // kNotFound if the event does not exist or the principal may not see it.
  Result<EventCorrelations> ForEvent(const access::Principal& p, Id event_id);
  Result<std::vector<RelatedEvent>> RelatedEvents(const access::Principal& p, Id event_id);
  // The values correlating the most attributes the principal can see (at least two, in two events). Site
  // admins get the exact global ranking; for others the 256 global leaders are recounted over what they can
  // see (at most 256 attributes per value), so a value that is only a leader within their view may be missed.
  Result<std::vector<TopValue>> Top(const access::Principal& p, size_t limit);

 private:
  store::Store& store_;
  Correlator correlator_;

  mutable std::mutex follower_mu_;
  std::condition_variable follower_cv_;
  bool poked_ = false;
  int64_t follower_errors_ = 0;
  std::jthread follower_;
};

}  // namespace bulwark::correlate
