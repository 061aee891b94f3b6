// Writes a MISP feed (misp.md §2.5) from the hub: DIR/manifest.json, DIR/<event uuid>.json per event and
// DIR/hashes.csv, in the shape PyMISP's feed generator (MISPEvent.to_feed / .manifest) writes and MISP's
// Feed model and `bulwark import feed` read:
//   - <uuid>.json: {"Event": {uuid, info, date, threat_level_id, analysis, timestamp, publish_timestamp,
//     published, extends_uuid (when set), Orgc {name, uuid}, Tag [{name, colour}], Attribute [...],
//     Object [...]}} with no local ids and no distribution/sharing group (stripped, as the generator does
//     without with_distribution); attributes carry uuid, type, category, value, comment, to_ids,
//     disable_correlation, deleted, timestamp, first_seen/last_seen when set, object_relation inside objects
//     and Tag []; objects carry uuid, name, meta-category, description, template_uuid, template_version,
//     comment, timestamp, deleted, first_seen/last_seen, ObjectReference [] and Attribute []; attachment and
//     malware-sample attributes carry their `data` as MISP does (base64 of the stored bytes for an attachment,
//     of the sample's encrypted zip for a malware-sample, hub/sample_zip.h), so a feed keeps samples;
//   - manifest.json: {"<uuid>": {Orgc, Tag, info, date, analysis, threat_level_id, timestamp}};
//   - hashes.csv: "md5(value),event_uuid" per attribute value, composite values hashed per part.
// Only what the principal may see is written (events, attributes, objects and tags are read through the
// hub's access-filtered services); local tags and tags marked not exportable are left out. Soft-deleted
// attributes and objects are left out.
//
// Streaming: one event in memory at a time (the list of matching event ids is held); manifest.json and
// hashes.csv are written piece by piece to temporary files renamed at the end, each <uuid>.json written to a
// temporary file and renamed, so a reader never sees a half-written file.
//
// Errors: kInternal with the path for I/O failures; the hub's errors. Thread-safety: none per directory.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "common/result.h"
#include "feeds/event_import.h"
#include "hub/hub.h"
#include "hub/search.h"

namespace bulwark::feeds {

struct FeedWriteReport {
  size_t events = 0;
  size_t attributes = 0;  // objects' included
  size_t hashes = 0;      // lines of hashes.csv
};

// The stored bytes of an attribute's `data` (attachment, malware-sample), nullopt when it has none.
using AttachmentReader = std::function<Result<std::optional<std::string>>(const model::Attribute&)>;

// The feed form of one event (what <uuid>.json holds inside "Event"). `orgc` may be null (then Orgc is
// omitted). With `attachments`, attachment and malware-sample attributes carry their `data` (base64; a sample
// as its zip), as in MISP's feeds; a read error is returned.
Result<boost::json::object> FeedEventJson(const model::Event& event, const model::Organisation* orgc,
                                          const AttachmentReader& attachments = nullptr);

// Every event `filter` selects (as Hub::IndexEvents reads it) that `principal` may see, written to `dir`
// (created if missing; existing files of the same names are replaced). Progress every 1,000 events.
Result<FeedWriteReport> WriteMispFeed(hub::Hub& hub, const access::Principal& principal,
                                      const hub::SearchRequest& filter, const std::string& dir,
                                      const ProgressFn& progress);

}  // namespace bulwark::feeds
