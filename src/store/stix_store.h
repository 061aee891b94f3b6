// The STIX store: native storage of STIX 2.1 objects for the TAXII 2.1 server (taxii/). Objects live in
// collections; each stored object version is one row whose key is the change-log sequence of the write that
// added it, so paging by sequence never skips or repeats a row while writes happen (sequences are strictly
// increasing in commit order). Rows carry the raw JSON text as received (never re-parsed here).
//
// Collections are of two kinds: "hub" (the STIX form of the hub's published events, written only by
// materialisation, rows carrying the event's access fields) and "stored" (objects POSTed by TAXII clients).
//
// Thread-safety: every method may be called concurrently; writes go through the Store's single writer and
// append their change-log rows (entity "stix", uuid = the STIX id) in the same transaction.
// Errors: kNotFound for a missing collection, kConflict for a duplicate collection id, kInternal for I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/entities.h"

namespace bulwark::store {

enum class CollectionKind : uint8_t { kHub, kStored };

struct TaxiiCollection {
  std::string id;                    // a UUIDv4; filled by AddCollection when empty
  std::string title;
  std::string description;
  CollectionKind kind = CollectionKind::kStored;
  bool read_all_orgs = false;        // every authenticated user may read
  std::vector<model::Id> read_orgs;  // orgs that may read (when !read_all_orgs)
  std::vector<model::Id> write_orgs; // orgs that may write (POST, DELETE)
  int64_t created_micros = 0;
};

// Who may see a materialised hub object: the MISP access fields of its event and, when the object stems from
// one attribute (and its object), theirs. Distribution values are MISP's; -1 means "no such level" (absent).
struct StixAccess {
  model::Id event_id = 0;
  model::Id org_id = 0;
  int event_distribution = -1;
  model::Id event_sharing_group_id = 0;
  int object_distribution = -1;
  model::Id object_sharing_group_id = 0;
  int attribute_distribution = -1;
  model::Id attribute_sharing_group_id = 0;
};

// One object version to append. `version_ns` orders versions (the STIX modified/created timestamp in
// nanoseconds); when `version` is empty the object is unversioned and its version becomes its date_added.
struct StixObjectInput {
  std::string stix_id;
  std::string type;
  std::string spec_version;  // "2.1"
  std::string version;       // textual modified/created, or "" (see above)
  int64_t version_ns = 0;
  std::string json;          // the object's JSON text
  std::optional<StixAccess> access;  // hub collections only
};

enum class AppendOutcome : uint8_t {
  kAdded,      // stored as a new row
  kDuplicate,  // the same (id, version) with the same JSON is already there: nothing written (TAXII: success)
  kConflict,   // the same (id, version) with different JSON: rejected (stored collections)
  kReplaced,   // the same (id, version) with different JSON in a hub collection: old row replaced by a new one
};

struct AppendResult {
  AppendOutcome outcome = AppendOutcome::kAdded;
  int64_t seq = 0;                // of the new row (0 for kDuplicate / kConflict)
  int64_t date_added_micros = 0;  // of the new row, or of the existing one for kDuplicate
  std::string version;            // the version as stored (date_added's RFC 3339 form for unversioned objects)
};

struct StixRow {
  int64_t seq = 0;
  std::string stix_id;
  std::string type;
  std::string spec_version;
  std::string version;
  int64_t date_added_micros = 0;
  std::string json;  // empty when the query did not ask for it
  StixAccess access;
};

// Which versions of each object a query returns (TAXII match[version]); the flags and exact values are OR'ed.
struct VersionMatch {
  bool all = false;
  bool first = false;
  bool last = false;
  std::vector<int64_t> exact_ns;
};

// Rows of one collection in ascending sequence after `after_seq`, with every condition AND'ed (list
// conditions are OR'ed inside). First/last are computed among the versions that pass `spec_versions`.
struct StixQuery {
  std::string collection;
  int64_t after_seq = 0;
  std::optional<int64_t> added_after_micros;  // date_added > this
  std::vector<std::string> ids;
  std::vector<std::string> types;
  std::vector<std::string> spec_versions;     // empty: any
  VersionMatch versions;
  bool with_json = true;
};

// Return false to stop.
using StixRowVisitor = std::function<bool(const StixRow&)>;

// A TAXII status resource, kept as its JSON document.
struct TaxiiStatusRecord {
  std::string id;
  std::string collection_id;
  int64_t created_micros = 0;
  std::string json;
};

class StixStore {
 public:
  virtual ~StixStore() = default;

  // Collections in creation order.
  virtual Result<std::vector<TaxiiCollection>> ListCollections() = 0;
  virtual Result<std::optional<TaxiiCollection>> GetCollection(const std::string& id) = 0;
  // Fills collection.id (when empty) and created_micros. kConflict if the id exists.
  virtual Status AddCollection(TaxiiCollection& collection) = 0;
  // Removes the collection and all its objects (one "delete" change row per removed object).
  virtual Status RemoveCollection(const std::string& id) = 0;
  // The hub collection, created on first call with this title.
  virtual Result<TaxiiCollection> EnsureHubCollection(const std::string& title, const std::string& description) = 0;

  // Appends the batch in one transaction (one change row per added/replaced row); results in input order.
  // date_added is strictly increasing in sequence order (at least 1 µs apart). kNotFound for no collection.
  // `status_of` (optional) turns the results into a status resource written in the same transaction (the
  // POST's completed status), so the objects and their status commit together.
  using StatusOf = std::function<TaxiiStatusRecord(const std::vector<AppendResult>&)>;
  virtual Result<std::vector<AppendResult>> AppendObjects(const std::string& collection,
                                                          const std::vector<StixObjectInput>& batch,
                                                          const StatusOf& status_of) = 0;

  // Visits rows matching the query, on one consistent snapshot.
  virtual Status ScanObjects(const StixQuery& query, const StixRowVisitor& visit) = 0;

  // Deletes the versions of `stix_id` in the collection that match (versions, spec_versions); returns how many.
  virtual Result<int64_t> DeleteObject(const std::string& collection, const std::string& stix_id,
                                       const VersionMatch& versions, const std::vector<std::string>& spec_versions) = 0;

  // Materialisation support (hub collections): the latest JSON of each id of `event_id`, and updating
  // every row of the event to new access fields (when the event's distribution changed).
  virtual Result<std::vector<StixRow>> LatestOfEvent(const std::string& collection, model::Id event_id) = 0;
  virtual Status SetEventAccess(const std::string& collection, model::Id event_id,
                                const std::vector<std::pair<std::string, StixAccess>>& access_by_id) = 0;
  // Deletes every row of the event (the event was deleted or unpublished); returns how many.
  virtual Result<int64_t> WithdrawEvent(const std::string& collection, model::Id event_id) = 0;

  // Status resources. PutStatus inserts or replaces; statuses older than `purge_before_micros` are purged.
  virtual Status PutStatus(const TaxiiStatusRecord& status, int64_t purge_before_micros) = 0;
  virtual Result<std::optional<TaxiiStatusRecord>> GetStatus(const std::string& id) = 0;

  // The hub's secret for signing TAXII cursors: 32 random bytes, generated and stored on first call.
  virtual Result<std::string> CursorSecret() = 0;
};

}  // namespace bulwark::store
