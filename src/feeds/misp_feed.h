// MISP event files and MISP feeds into the hub (misp.md §2.5; the format PyMISP's feed generator writes and
// MISP's Feed model reads): manifest.json (event uuid -> {Orgc, Tag, info, date, analysis, threat_level_id,
// timestamp}), one <uuid>.json per event ({"Event": {...}}), and optionally hashes.csv (md5(value),event_uuid;
// composite values hashed per part).
//
// Incremental: an event is fetched and imported only when its manifest timestamp is newer than the one the
// FeedState recorded for it (and not older than `since`); a second run over an unchanged feed fetches nothing
// but the manifest. The state is saved every kStateSaveEvery events and at the end, so an interrupted run
// resumes where it stopped. hashes.csv, when present, is used to verify each fetched event: the set of value
// hashes of the event file must equal the set hashes.csv lists for its uuid (events it does not list are not
// checked); a mismatch is reported (FeedReport::hash_mismatches and a progress line) and the event file, the
// authoritative copy, is still imported.
//
// Thread-safety: none; one import per call. Errors: see each function. Input is untrusted: parsers never
// crash, bound what they hold, and reject what does not parse with the offending position or key.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "feeds/event_import.h"
#include "feeds/feed_state.h"
#include "feeds/source.h"

namespace bulwark::feeds {

inline constexpr size_t kMaxManifestBytes = 256u << 20;  // manifest.json
inline constexpr size_t kMaxEventFileBytes = 512u << 20; // one <uuid>.json
inline constexpr size_t kMaxHashesBytes = 1u << 30;      // hashes.csv (MISP #5330: 946 MB seen in the wild)
inline constexpr size_t kStateSaveEvery = 100;

struct ManifestEntry {
  std::string uuid;  // lowercase
  int64_t timestamp = 0;
  std::string info;
  std::string date;
};

// Parses manifest.json: an object keyed by event uuid. Entries come back sorted by (timestamp, uuid).
// Errors: kBadRequest (not JSON, not an object, an entry that is not an object, a timestamp that does not
// parse), kInvalid (a key that is not a uuid).
Result<std::vector<ManifestEntry>> ParseManifest(std::string_view text);

// Parses hashes.csv into event uuid -> set of md5 hex. Blank lines are skipped. Errors: kBadRequest with the
// line number for a line that is not "<32 hex>,<uuid>".
Result<std::map<std::string, std::set<std::string>>> ParseHashesCsv(std::string_view text);

// The md5 hashes of an event's attribute values as MISP's hashes.csv lists them (composite values split at
// '|' and each part hashed). Reads the raw "value" strings of Attribute[] and Object[].Attribute[].
std::set<std::string> EventValueHashes(const boost::json::object& event);

// The events in a MISP JSON document: {"Event": {...}}, a bare event object, a list of either, or
// {"response": [...]} (events/restSearch). Each is handed to `visit` as its JSON value. Errors: kBadRequest.
Status ForEachMispEvent(const boost::json::value& doc, const std::function<Status(const boost::json::value&)>& visit);

struct FeedReport {
  ImportStats stats;
  size_t manifest_events = 0;
  size_t fetched = 0;            // event files read
  size_t skipped_known = 0;      // manifest timestamp not newer than the state's
  size_t skipped_since = 0;      // older than `since`
  size_t missing_files = 0;      // listed in the manifest, no <uuid>.json (counted as rejected events)
  size_t unparseable_files = 0;  // not a MISP event (counted as rejected events)
  size_t hashes_checked = 0;
  size_t hash_mismatches = 0;
};

struct MispFeedOptions {
  std::optional<int64_t> since;  // only events whose manifest timestamp is >= since
  ProgressFn progress;           // may be empty
  // Saves the state (called every kStateSaveEvery events and at the end). May be empty.
  std::function<Status(const FeedState&)> save_state;
};

// Imports a MISP feed from `source` into the hub as `principal`. Errors: kNotFound when the source has no
// manifest.json, the manifest's parse errors, network errors, and fatal hub errors; events or attributes
// the hub refuses are counted in the report, not errors.
Result<FeedReport> ImportMispFeed(hub::Hub& hub, const access::Principal& principal, const FeedSource& source,
                                  FeedState& state, const MispFeedOptions& options);

// Imports every event of a MISP JSON document (see ForEachMispEvent) through `importer`. An event that does
// not parse is counted as rejected with the parser's message.
Status ImportMispDocument(EventImporter& importer, const boost::json::value& doc);

}  // namespace bulwark::feeds
