// STIX 2.1 into the hub: objects (from a bundle file read by stix::BundleReader, or from TAXII pages) are
// mapped to MISP events by stix::mapping::StixToEvents and each event goes through EventImporter (AddEvent,
// or EditEvent when the hub holds it and the incoming copy is newer or brings new children). Sightings the
// mapping finds are added with Hub::AddSightings (one per STIX sighting, whatever its count).
//
// Memory: the mapping needs every object of one call at once (reports refer to objects anywhere in the
// bundle), so a file is held as parsed objects, not as text; callers with unbounded input (TAXII) call
// ImportStixObjects per batch.
//
// Thread-safety: none. Errors: the reader's (kBadRequest/kTooLarge with the byte offset, kNotFound for a
// missing file), kTooLarge from the mapping, and fatal hub errors. Objects the mapping cannot use are counted
// in StixReport::unmapped by type; events/attributes the hub refuses are counted in stats.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "feeds/event_import.h"
#include "stix/mapping/mapping.h"
#include "stix/object.h"

namespace bulwark::feeds {

struct StixReport {
  ImportStats stats;
  size_t objects_seen = 0;
  size_t objects_mapped = 0;
  std::map<std::string, size_t> unmapped;  // by STIX type
  std::vector<std::string> notes;          // the mapping's reasons (first stix::mapping::kMaxNotes)
  size_t events = 0;                       // events the mapping produced

  void Merge(const stix::mapping::ImportResult& r);
};

// `options` as for StixToEvents (bundle_id and now matter: the loose
// objects' event uuid derives from bundle_id).
// Maps and imports one batch of objects; report.stats is set to the importer's running totals.
Status ImportStixObjects(EventImporter& importer, hub::Hub& hub, const access::Principal& principal,
                         std::vector<stix::Object> objects, const stix::mapping::ImportOptions& options,
                         StixReport& report, const ProgressFn& progress);

// A bundle file read and mapped, not yet imported: what ImportStixFile does before it touches the hub.
struct MappedStixFile {
  stix::mapping::ImportResult mapped;
  StixReport report;  // the mapping's counts; stats are filled by ImportMappedStixFile
};

// Reads a bundle file (streaming parse into one arena, released at once after the mapping) and maps it. Touches
// no hub, so it may run on another thread while an earlier file imports. `now` as for ImportStixFile.
Result<MappedStixFile> ReadStixFile(const std::string& path, int64_t now, const ProgressFn& progress);

// Imports what ReadStixFile produced (all or nothing per event, as ImportStixObjects).
Result<StixReport> ImportMappedStixFile(hub::Hub& hub, const access::Principal& principal, MappedStixFile file,
                                        const ProgressFn& progress);

// Reads a bundle file (streaming parse) and imports it: ReadStixFile, then ImportMappedStixFile. `now` is used
// for objects without timestamps.
Result<StixReport> ImportStixFile(hub::Hub& hub, const access::Principal& principal, const std::string& path,
                                  int64_t now, const ProgressFn& progress);

}  // namespace bulwark::feeds
