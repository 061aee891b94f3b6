// The MISP <-> STIX 2.1 mapping (docs/stix-mapping.md has the full tables).
//
// Export (EventToStix / StreamEventToStix): one MISP event becomes a report (or grouping) with the objects it
// refers to: the creator org as an identity, TLP marking definitions, one indicator (to_ids) or observed-data +
// SCOs (not to_ids) per attribute and per MISP object, x-misp-attribute / x-misp-object custom objects for what
// STIX has no construct for, galaxy SDOs, relationships for object references and galaxy links, and sightings.
// MISP fields STIX has no place for travel in x_misp_* custom properties, so that a bundle this module wrote
// imports back to the same attributes (value, type, category, to_ids, comment, tags, uuid). The data of attachment
// and malware-sample attributes becomes artifact SCOs when MappingOptions::attribute_data provides it.
//
// Import (StixToEvents): reports/groupings become events; loose objects become one event per call; indicators,
// observed-data, SCOs, custom x-misp-* objects, galaxy-like SDOs, markings, labels, sightings and relationships
// are mapped back; a file's artifact content becomes ImportedEvent::attribute_data. Every input object is either
// mapped or counted in ImportResult::unmapped (never dropped silently).
//
// Pure functions over values: thread-safe, no I/O. Untrusted STIX input never crashes; work is linear in the
// input (patterns are bounded by the pattern parser's limits, SCO walks by kMaxScoDepth).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.h"
#include "model/entities.h"
#include "stix/object.h"

namespace bulwark::stix::mapping {

enum class Container { kReport, kGrouping };

// The data of an attachment or malware-sample attribute as MISP carries it: the file itself for an attachment,
// MISP's encrypted sample zip (password "infected", hub/sample_zip.h) for a malware-sample.
struct AttributePayload {
  std::string bytes;
  std::string mime_type;  // "" when unknown (left out); a malware-sample's is always application/zip
};
// Reads an attribute's data; nullopt when it has none.
using AttributeDataFn = std::function<Result<std::optional<AttributePayload>>(const model::Attribute&)>;
enum class TlpVersion { kTlp2, kTlp1 };

struct MappingOptions {
  // The event becomes a report (default) or a grouping with context "suspicious-activity".
  Container container = Container::kReport;
  // TLP tags become object_marking_refs to the TLP 2.0 marking definitions (default) or TLP 1.0's.
  TlpVersion tlp = TlpVersion::kTlp2;
  // Looks up organisations (the event's orgc_id, sightings' org_id). May be empty or return nullptr: the
  // producer identity below is used instead.
  std::function<const model::Organisation*(model::Id)> org;
  // Name of the identity used when the creator org is unknown. Default: "Bulwark".
  std::string producer_name = "Bulwark";
  // Sightings of the event's attributes (matched by Sighting::attribute_id == Attribute::id). May be empty.
  std::span<const model::Sighting> sightings;
  // Tags attached with local=true are exported only when set. Default: false (MISP never shares them).
  bool include_local_tags = false;
  // Soft-deleted attributes/objects are exported only when set. Default: false.
  bool include_deleted = false;
  // Called for each exported attachment and malware-sample attribute (outside objects; no other type); its
  // payload becomes an artifact SCO (docs/stix-mapping.md "Attachments and malware samples"). May be empty
  // (the default): no artifacts. An error stops the export and is returned.
  AttributeDataFn attribute_data;
};

// Receives each STIX object as it is produced; a non-ok Status stops the export and is returned.
using ObjectSink = std::function<Status(boost::json::object&&)>;

// Streams the objects of one event: identity first, marking definitions, then attributes/objects with their
// SCOs (SCOs before the observed-data that refers to them), relationships, sightings, the report/grouping last.
// Memory is proportional to the number of STIX ids, not to the objects. Errors: whatever the sink returns;
// kInvalid if the event has no valid uuid.
Status StreamEventToStix(const model::Event& event, const MappingOptions& options, const ObjectSink& sink);

// The same objects collected in a vector.
Result<std::vector<boost::json::object>> EventToStix(const model::Event& event, const MappingOptions& options);

// {"type":"bundle","id":"bundle--<uuidv5 of the event uuid>","objects":[...]}.
boost::json::object MakeBundle(std::string_view event_uuid, std::vector<boost::json::object> objects);

struct ImportOptions {
  // Title of the event holding the objects no report/grouping refers to. Default: "STIX import" plus the
  // bundle id when given, or the name of the identity that created most of them.
  std::string loose_event_title;
  std::string bundle_id;  // used for the title and the loose event's uuid (uuidv5 of it); may be empty
  // Timestamp (epoch seconds) used when an object carries none. Default 0: the attribute keeps 0.
  int64_t now = 0;
  // Maximum number of events produced (one per report/grouping + one loose). Default: 100000.
  size_t max_events = 100000;
};

struct ImportedSighting {
  std::string attribute_uuid;
  std::string org_uuid;   // from where_sighted_refs / created_by_ref identity ("" when none)
  std::string org_name;
  int64_t first_seen = 0;  // epoch seconds, 0 when absent
  int64_t last_seen = 0;
  int64_t count = 1;
  model::SightingType type = model::SightingType::kSighting;
};

struct ImportedEvent {
  model::Event event;                          // attributes, objects, tags filled; ids 0
  std::optional<model::Organisation> creator;  // from the container's created_by_ref identity
  std::vector<ImportedSighting> sightings;
  // The data of attachment and malware-sample attributes (outside objects), read from an artifact's
  // payload_bin: attribute uuid -> standard base64, as MISP's `data` carries it (for a malware-sample usually
  // MISP's zip, which the hub's write path unwraps). The caller puts it in misp::AttributeInput::data.
  std::map<std::string, std::string> attribute_data;
};

struct ImportResult {
  std::vector<ImportedEvent> events;
  size_t objects_seen = 0;    // input objects
  size_t objects_mapped = 0;  // input objects that contributed to an event (each counted once)
  // Objects that could not be mapped, by STIX type. objects_seen == objects_mapped + sum(unmapped).
  std::map<std::string, size_t> unmapped;
  // Why (the first kMaxNotes reasons, for logs and the API answer).
  std::vector<std::string> notes;
  size_t unmapped_total() const;
};

inline constexpr size_t kMaxNotes = 100;
inline constexpr int kMaxScoDepth = 8;

// Maps STIX objects (already parsed, e.g. by BundleReader) to MISP events. Objects with errors are not
// rejected here (validate them first if needed); what cannot be read is counted as unmapped. Fails only with
// kTooLarge when more than max_events events would be produced.
Result<ImportResult> StixToEvents(std::span<const Object> objects, const ImportOptions& options);

}  // namespace bulwark::stix::mapping
