// Materialisation of the hub collection: the STIX form of the hub's published events, stored natively so
// that TAXII serves it with the same paging and filters as any collection.
//
// The MISP -> STIX translation is not done here: it is the EventToStix hook (wired by the caller to
// src/stix/mapping). MaterialiseEvent stores a new version of each object whose content changed, removes
// the objects the event no longer yields, and puts the event's current access fields (org, distribution,
// sharing group, and per object those of the attribute/MISP object it came from) on every row of the event,
// so a distribution change applies to old versions too. Call it after an event is published (and again
// after each republish); call WithdrawEvent when an event is unpublished or deleted.
//
// Thread-safety: safe to call concurrently for different events; calls for one event should be serialised
// by the caller (the store serialises each write, not the sequence of them).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.h"
#include "model/entities.h"
#include "store/stix_store.h"

namespace bulwark::taxii {

// One STIX object of an event, with the MISP entity it comes from (empty uuids: the event itself).
struct HubStixObject {
  boost::json::object json;
  std::string attribute_uuid;  // the attribute it represents (an indicator, an observable), or ""
  std::string object_uuid;     // the MISP object it represents or whose attribute it represents, or ""
};

using EventToStix = std::function<Result<std::vector<HubStixObject>>(const model::Event&)>;

struct MaterialiseStats {
  size_t added = 0;      // new objects or new versions stored
  size_t unchanged = 0;  // identical to what is stored
  size_t removed = 0;    // object ids the event no longer yields (all their versions)
  size_t rejected = 0;   // objects without a valid type/id (skipped)
};

// REQUIRES: `event` is the whole event (attributes and objects loaded). An unpublished event is withdrawn.
Result<MaterialiseStats> MaterialiseEvent(store::StixStore& stix, const EventToStix& to_stix,
                                          const model::Event& event,
                                          const std::string& hub_title = "Hub shared intelligence",
                                          const std::string& hub_description = "");

// Removes every object of the event from the hub collection; returns how many rows went.
Result<int64_t> WithdrawEvent(store::StixStore& stix, model::Id event_id);

}  // namespace bulwark::taxii
