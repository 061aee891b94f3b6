// What the streaming matcher matches against, and where it comes from.
//
// An Indicator is one actionable attribute as a sensor receives it: already filtered by the hub (to_ids,
// published, visible to the sensor's organisation, not decayed, not expired, not warninglisted), with the
// context a match report needs (event uuid, tags, TLP, threat level). Indicators travel per event: the unit
// of change is "event E now has exactly these indicators" (an empty list withdraws E), which is what the
// hub's change log can say cheaply and what makes catching up after an outage exact.
//
// An IndicatorSource yields those per-event updates: first everything (a full load), then what changed since
// a cursor. Sources: the hub's sensor feed over HTTP (`--hub URL --key KEY`), the same feed in-process
// (`--data-dir DIR`), and a plain file for tests and offline use.
//
// A SightingSink receives what matched, to report it back as MISP sightings; it never blocks matching
// (implementations batch and queue on disk while the hub is unreachable).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace bulwark::match {

struct Indicator {
  std::string attribute_uuid;
  std::string type;     // MISP attribute type ("ip-dst", "domain", "url", "md5", "ja3-fingerprint-md5", ...)
  std::string value;    // MISP value; composite types as "a|b" (both halves are matched)
  std::string event_uuid;
  std::string event_info;
  int threat_level = 4;              // MISP threat_level_id: 1 high, 2 medium, 3 low, 4 undefined
  std::vector<std::string> tags;     // attribute and event tag names the sensor may see
  std::string tlp;                   // "tlp:amber" etc. from the tags; empty when none
};

// "Event `event_uuid` now has exactly `indicators`" (empty: the event no longer contributes any).
struct EventIndicators {
  std::string event_uuid;
  std::vector<Indicator> indicators;
};

struct IndicatorBatch {
  bool full = false;                   // true: replaces everything the matcher had (a full load)
  std::vector<EventIndicators> events; // the events that changed (all events when full)
  int64_t cursor = 0;                  // pass to the next Poll; the hub's change sequence for hub sources
};

class IndicatorSource {
 public:
  virtual ~IndicatorSource() = default;
  // Everything, as one full batch.
  virtual Result<IndicatorBatch> Load() = 0;
  // What changed after `cursor` (a batch with no events when nothing did). kUnavailable when the hub cannot
  // be reached: the caller keeps its current snapshot and retries.
  virtual Result<IndicatorBatch> Poll(int64_t cursor) = 0;
};

// One match as reported back to the hub.
struct SightingReport {
  std::string attribute_uuid;
  std::string value;      // the observed value that matched
  int64_t time_seconds = 0;
  std::string source;     // the sensor's name
};

class SightingSink {
 public:
  virtual ~SightingSink() = default;
  // Queues the reports; never blocks on the network. Errors only for local failures (disk full).
  virtual Status Add(std::vector<SightingReport> reports) = 0;
  // Delivers what is queued (or as much as the hub accepts now); kUnavailable leaves the rest queued.
  virtual Status Flush() = 0;
};

}  // namespace bulwark::match
