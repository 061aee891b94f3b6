// The sensor indicator feed: what a sensor (a principal with its own key and role) may match against, as
// per-event replacements ("event E now has exactly these indicators"), and the batched sighting write path
// sensors report their matches through.
//
// An indicator is an attribute with to_ids, not deleted, of a published event, visible to the principal per
// access::CanSeeEvent / CanSeeAttribute, and not excluded by the exclusion hook (decayed, expired,
// warninglisted: wired by the caller). Tags are the ones access::CanSeeTag lets the principal see.
//
// Two ways to read it:
//   - FullPage: every published event in ascending id order, a page at a time (page_after_event is the
//     cursor within the load). Each page carries `cursor`, the change sequence of the snapshot it was read
//     from; a client keeps the cursor of its FIRST page and polls Delta from it, so nothing that committed
//     during a multi-page load is missed (an event re-sent by Delta simply replaces itself).
//   - Delta: the change log after a sequence, mapped to the events it touched (attribute, object, tag and
//     sighting changes count for their event); for each, its current indicators. An event that is deleted,
//     unpublished or no longer visible is sent with no indicators (a withdrawal). To avoid disclosing other
//     organisations' activity, an invisible event is withdrawn only when the changes include a change of the
//     event itself (an edit that narrowed its distribution, unpublish, delete); attribute changes inside an
//     event the principal cannot see produce nothing.
//   Known limits: visibility changes that are not in the change log (sharing-group membership, tag renames)
//   reach a sensor only with its next full load.
//
// Bounds: a page examines at most `max_events_examined` event headers and ends with the event at which the
// indicator count reached the requested limit (events are never split, so one event larger than the limit
// makes a page of its own); events are read in chunks sized from the indicators per event seen so far.
// Delta reads at most `max_changes` changes and cuts at an event boundary when the indicator limit is
// reached (`more` is set).
//
// Sightings: RecordSightings writes a batch in ONE transaction (all or nothing). Each report gets a sighting
// uuid derived from (principal's org uuid, batch id, index), so a retried batch is recognised report by
// report and counted once. Reports on attributes that do not exist or are not visible are counted as
// rejected, not failed. Needs perm_sighting.
//
// Thread-safety: SensorFeed is immutable after construction; all methods may run concurrently.
// Errors: kBadRequest / kInvalid for bad parameters or batches, kForbidden without perm_sighting, kTooLarge
// for a batch over kMaxSightingBatch, kInternal for store failures.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/hub.h"

namespace bulwark::hub {

// One actionable attribute as a sensor receives it. Event context is on FeedEvent.
struct FeedIndicator {
  std::string attribute_uuid;
  std::string type;
  std::string value;              // MISP value, composite as "a|b"
  std::vector<std::string> tags;  // the attribute's own visible tags
  std::string tlp;                // effective TLP ("tlp:amber"): attribute tag first, else event tag; or ""
};

// "Event `uuid` now has exactly `indicators`" (empty: withdrawn).
struct FeedEvent {
  Id id = 0;
  std::string uuid;
  std::string info;
  int threat_level = 4;           // MISP threat_level_id
  std::vector<std::string> tags;  // the event's visible tags
  std::vector<FeedIndicator> indicators;
};

struct FeedPage {
  bool full = false;              // a page of a full load (else a delta)
  std::vector<FeedEvent> events;  // full pages list only events with indicators
  int64_t cursor = 0;             // full: change seq of this page's snapshot; delta: poll from here next
  bool more = false;              // another request is needed (next page, or more changes)
  Id next_page_after_event = 0;   // full pages: pass as page_after_event when `more`
  // Indicators left out by the exclusion hook, by reason: the reason's text before any ':' ("expired" for
  // "expired: ip-dst not seen for 31 days"), so that counts do not split by detail.
  std::map<std::string, int64_t> excluded;
};

// Returns a reason ("decayed", "expired", "warninglisted", ...) to leave the attribute out, or nullopt.
// Called with the feed's read transaction (for lookups such as the attribute's sightings), the event header
// (with its tags) and the attribute (with its tags); must be thread-safe.
using ExclusionHook =
    std::function<std::optional<std::string>(store::ReadTxn&, const model::Event&, const model::Attribute&)>;

// What keeps an indicator out of detection on this hub: a warninglist hit ("warninglisted: <list>"), expiry
// or decay under the hub's lifecycle evaluator ("expired: ...", "decayed: ..."; docs/lifecycle.md). Sightings
// are read through the transaction only for events that have any (Event::sighting_timestamp), so a feed of
// never-sighted events costs no extra query. Used by the sensor routes and `bulwark match --data-dir`.
ExclusionHook DetectionExclusion(Hub& hub);

struct SensorFeedOptions {
  size_t max_events_examined = 20'000;  // Default: 20,000 event headers per full page
  size_t event_chunk = 512;             // Default: at most 512 events per attribute query
  size_t max_changes = 10'000;          // Default: 10,000 change-log entries per delta
  size_t max_limit = 200'000;           // Default: largest indicator limit a caller may ask for
};

// One match reported by a sensor.
struct SensorSighting {
  std::string attribute_uuid;
  std::string value;         // the observed value (kept as the sighting's source context, not checked)
  int64_t time_seconds = 0;  // 0: now
  std::string source;        // the sensor's name
};

inline constexpr size_t kMaxSightingBatch = 10'000;

struct SightingBatch {
  std::string batch_id;  // 1-128 characters [A-Za-z0-9._:-]; the same id for a retry of the same batch
  std::vector<SensorSighting> sightings;
};

struct SightingBatchResult {
  size_t added = 0;
  size_t duplicates = 0;  // already recorded by an earlier delivery of the batch
  size_t rejected = 0;    // attribute unknown or not visible
  // Attributes of high-threat events (threat_level 1) that were sighted in this delivery.
  std::vector<std::string> high_threat_attribute_uuids;
  size_t alerts_raised = 0;  // one alert per sighting recorded on a high-threat event
};

class SensorFeed {
 public:
  explicit SensorFeed(Hub& hub, ExclusionHook exclude = {}, SensorFeedOptions options = {});

  // One page of a full load: published events with id > after_event. `limit` (1..max_limit) is the
  // indicator count after which the page ends.
  Result<FeedPage> FullPage(const Principal& p, Id after_event, size_t limit) const;
  // The events touched by changes after `after_seq`, with their current indicators.
  Result<FeedPage> Delta(const Principal& p, int64_t after_seq, size_t limit) const;

  // Records the batch; a sighting on an attribute of a high-threat event (threat level 1) also raises an
  // alert (model::Alert) in the same transaction.
  Result<SightingBatchResult> RecordSightings(const Principal& p, const SightingBatch& batch) const;

  // Alerts with id > after_id that the principal may see (the alert's event and attribute visible), ascending,
  // at most `limit`.
  Result<std::vector<model::Alert>> Alerts(const Principal& p, Id after_id, size_t limit) const;
  // Acknowledges a visible alert (needs perm_sighting or perm_modify); kNotFound if invisible or absent.
  Result<model::Alert> AcknowledgeAlert(const Principal& p, Id id) const;

  const SensorFeedOptions& options() const { return options_; }

 private:
  Hub& hub_;
  ExclusionHook exclude_;
  SensorFeedOptions options_;
};

// The principal of the (enabled) user with this e-mail, as Authenticate would resolve it from one of the
// user's keys (not read-only). For in-process sensors (`bulwark match --data-dir D --as-user EMAIL`).
// kNotFound for an unknown or disabled user.
Result<Principal> PrincipalForUser(store::Store& store, const std::string& email);

// ---- Wire format (shared by the HTTP route and the HTTP client, so they cannot drift apart)
//
// Page: {"full": bool, "cursor": int, "more": bool, "next_page_after_event": int|null,
//        "excluded": {reason: count}, "events": [{"id", "uuid", "info", "threat_level", "tags": [..],
//        "indicators": [{"uuid", "type", "value", "tags": [..], "tlp"}]}]}
std::string RenderFeedPage(const FeedPage& page);
// Parses what RenderFeedPage wrote, bare or in a {"data": ...} envelope (from a possibly hostile server: every field
// type-checked; at most `max_indicators` indicators in total). kBadRequest naming the field otherwise.
Result<FeedPage> ParseFeedPage(std::string_view json, size_t max_indicators);

// Batch: {"batch_id": "...", "sightings": [{"attribute_uuid", "value", "time", "source"}]}
std::string RenderSightingBatch(const SightingBatch& batch);
Result<SightingBatch> ParseSightingBatch(std::string_view json);
Result<SightingBatch> SightingBatchFromJson(const boost::json::value& v);  // the same, already parsed
// Result: {"batch_id", "added", "duplicates", "rejected"}
std::string RenderSightingBatchResult(const std::string& batch_id, const SightingBatchResult& r);

}  // namespace bulwark::hub
