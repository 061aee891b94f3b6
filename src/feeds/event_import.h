// The import path shared by every importer (STIX files, MISP event files, MISP feeds, freetext/CSV feeds,
// TAXII pulls): whole MISP events go into the hub through Hub::AddEvent, or Hub::EditEvent when the event's
// uuid is already there and the incoming copy is newer or brings children the hub does not hold. Nothing here
// writes to the store directly.
//
// Accounting: every attribute offered is either stored, found unchanged, or rejected with a reason. The hub
// writes an event all or nothing; when it refuses one attribute or object (a value that does not validate, a
// uuid used twice), the importer drops that item, records it as rejected with the hub's message, and tries
// again (at most kMaxRetries times per event, then the whole event is rejected and each of its attributes
// counted as rejected with the last reason).
//
// Not thread-safe: one EventImporter per import run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "access/access.h"
#include "common/result.h"
#include "hub/hub.h"
#include "misp/misp_json.h"
#include "model/entities.h"

namespace bulwark::feeds {

// One item the hub would not take.
struct Rejection {
  std::string event_uuid;
  std::string item;    // "Attribute <uuid> (<type> <value>)", "Object <uuid>", or "Event"
  std::string reason;  // the hub's message (with the offending field)
};

struct ImportStats {
  size_t events_added = 0;
  size_t events_updated = 0;
  size_t events_unchanged = 0;  // already in the hub, not newer, nothing new in it
  size_t events_rejected = 0;
  size_t attributes_offered = 0;    // attributes in the input, objects' included
  size_t attributes_stored = 0;     // in events added, plus new/newer ones in events updated
  size_t attributes_unchanged = 0;  // already held with the same or a newer timestamp
  size_t attributes_rejected = 0;
  size_t objects_rejected = 0;
  size_t sightings_added = 0;
  size_t sightings_rejected = 0;
  size_t rejections_total = 0;
  std::vector<Rejection> rejections;  // the first kMaxListedRejections

  void Reject(Rejection r);
  void Merge(const ImportStats& other);
};

inline constexpr size_t kMaxListedRejections = 10'000;
inline constexpr int kMaxRetries = 1'000;

// Progress reports for long runs: called with a one-line message (e.g. "1000 events, 53000 attributes").
using ProgressFn = std::function<void(const std::string&)>;

class EventImporter {
 public:
  EventImporter(hub::Hub& hub, const access::Principal& principal);

  // Imports one event: added when its uuid is new; when the hub holds it, edited if the incoming timestamp is
  // newer or it carries attributes/objects the hub does not hold (new children are added, newer ones
  // updated, the rest left alone), else counted unchanged. Returns an error only when the import cannot go on (the store failed, the principal
  // may not add events); a refused event or attribute is counted in stats() and is not an error.
  Status Import(misp::EventInput input);

  const ImportStats& stats() const { return stats_; }
  ImportStats& stats() { return stats_; }

 private:
  Status Add(misp::EventInput input);
  Status Update(const model::Event& existing, misp::EventInput input);
  // Removes the item named by the error's field ("Attribute[3].value", "Object[1]...") from `input` and records
  // it; false when the field names no single item.
  bool DropItem(misp::EventInput& input, const Error& error);

  hub::Hub& hub_;
  access::Principal principal_;
  ImportStats stats_;
};

// The hub's input for a model event produced by a mapper (e.g. stix::mapping::StixToEvents): every field
// marked present, values as MISP "value" text, tags by name. `creator` names the creator org (may be null).
misp::EventInput EventToInput(const model::Event& event, const model::Organisation* creator);

// Number of attributes in an input, objects' included.
size_t CountAttributes(const misp::EventInput& input);

// "12 events added, 3 updated, 0 unchanged, 0 rejected; attributes: 1200 offered, 1190 stored, ..." for logs.
std::string Summary(const ImportStats& stats);

}  // namespace bulwark::feeds
