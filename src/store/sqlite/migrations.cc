#include "store/sqlite/migrations.h"

#include <string>

namespace bulwark::store::sqlite {
namespace {

// Version 1: every entity of model/entities.h. Booleans are 0/1 integers, times are epoch seconds unless the
// column says micros. Foreign keys express containment (a child goes with its parent); references to orgs,
// users and sharing groups are plain ids, as in MISP, because sync may bring them in any order.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT '',
  sector TEXT NOT NULL DEFAULT '',
  nationality TEXT NOT NULL DEFAULT '',
  contacts TEXT NOT NULL DEFAULT '',
  local INTEGER NOT NULL DEFAULT 1,
  created INTEGER NOT NULL DEFAULT 0,
  modified INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE roles (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  permissions INTEGER NOT NULL DEFAULT 0,
  default_role INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  modified INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  org_id INTEGER NOT NULL,
  role_id INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  modified INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE,
  key_start TEXT NOT NULL DEFAULT '',
  key_end TEXT NOT NULL DEFAULT '',
  expiration INTEGER,
  read_only INTEGER NOT NULL DEFAULT 0,
  comment TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE sharing_groups (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  releasability TEXT NOT NULL DEFAULT '',
  org_id INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  local INTEGER NOT NULL DEFAULT 1,
  roaming INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  modified INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sharing_group_orgs (
  sharing_group_id INTEGER NOT NULL REFERENCES sharing_groups(id) ON DELETE CASCADE,
  org_id INTEGER NOT NULL,
  extend INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sharing_group_id, org_id)
) WITHOUT ROWID;
CREATE INDEX sharing_group_orgs_org ON sharing_group_orgs(org_id);

CREATE TABLE sharing_group_servers (
  sharing_group_id INTEGER NOT NULL REFERENCES sharing_groups(id) ON DELETE CASCADE,
  server_id INTEGER NOT NULL,
  all_orgs INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sharing_group_id, server_id)
) WITHOUT ROWID;

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  colour TEXT NOT NULL DEFAULT '',
  exportable INTEGER NOT NULL DEFAULT 1,
  hide_tag INTEGER NOT NULL DEFAULT 0,
  is_galaxy INTEGER NOT NULL DEFAULT 0,
  local_only INTEGER NOT NULL DEFAULT 0,
  org_id INTEGER NOT NULL DEFAULT 0,
  user_id INTEGER NOT NULL DEFAULT 0,
  numerical_value INTEGER
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  info TEXT NOT NULL DEFAULT '',
  date TEXT NOT NULL DEFAULT '',
  org_id INTEGER NOT NULL,
  orgc_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL DEFAULT 0,
  published INTEGER NOT NULL DEFAULT 0,
  publish_timestamp INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL DEFAULT 0,
  sighting_timestamp INTEGER NOT NULL DEFAULT 0,
  distribution INTEGER NOT NULL,
  sharing_group_id INTEGER NOT NULL DEFAULT 0,
  analysis INTEGER NOT NULL DEFAULT 0,
  threat_level INTEGER NOT NULL DEFAULT 4,
  locked INTEGER NOT NULL DEFAULT 0,
  disable_correlation INTEGER NOT NULL DEFAULT 0,
  protected_event INTEGER NOT NULL DEFAULT 0,
  extends_uuid TEXT NOT NULL DEFAULT '',
  attribute_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_orgc ON events(orgc_id);
CREATE INDEX events_timestamp ON events(timestamp);
CREATE INDEX events_publish_timestamp ON events(publish_timestamp);
CREATE INDEX events_date ON events(date);

CREATE TABLE event_tags (
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  local INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX event_tags_tag ON event_tags(tag_id);

CREATE TABLE objects (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  meta_category TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  template_uuid TEXT NOT NULL DEFAULT '',
  template_version TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  distribution INTEGER NOT NULL DEFAULT 5,
  sharing_group_id INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER,
  last_seen INTEGER
);
CREATE INDEX objects_event ON objects(event_id);

CREATE TABLE attributes (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  object_id INTEGER NOT NULL DEFAULT 0,
  object_relation TEXT NOT NULL DEFAULT '',
  uuid TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  value1 TEXT NOT NULL,
  value2 TEXT NOT NULL DEFAULT '',
  to_ids INTEGER NOT NULL DEFAULT 0,
  distribution INTEGER NOT NULL DEFAULT 5,
  sharing_group_id INTEGER NOT NULL DEFAULT 0,
  comment TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  disable_correlation INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER,
  last_seen INTEGER
);
CREATE INDEX attributes_value1 ON attributes(value1);
-- Most attributes have no value2 and sit outside objects: those indexes hold only the rows that do, and
-- queries on them add "value2 <> ''" / "object_id <> 0" so the planner can use them.
CREATE INDEX attributes_value2 ON attributes(value2) WHERE value2 <> '';
CREATE INDEX attributes_type ON attributes(type);
CREATE INDEX attributes_event ON attributes(event_id);
CREATE INDEX attributes_object ON attributes(object_id) WHERE object_id <> 0;
CREATE INDEX attributes_timestamp ON attributes(timestamp);

CREATE TABLE attribute_tags (
  attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  local INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (attribute_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX attribute_tags_tag ON attribute_tags(tag_id);

CREATE TABLE object_references (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL,
  object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  source_uuid TEXT NOT NULL DEFAULT '',
  referenced_uuid TEXT NOT NULL DEFAULT '',
  referenced_type TEXT NOT NULL DEFAULT '',
  relationship_type TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX object_references_object ON object_references(object_id);
CREATE INDEX object_references_event ON object_references(event_id);
CREATE INDEX object_references_uuid ON object_references(uuid);

CREATE TABLE sightings (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  org_id INTEGER NOT NULL DEFAULT 0,
  date_sighting INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL DEFAULT '',
  type INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sightings_attribute ON sightings(attribute_id);
CREATE INDEX sightings_event ON sightings(event_id);
CREATE INDEX sightings_date ON sightings(date_sighting);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  created_micros INTEGER NOT NULL,
  user_id INTEGER NOT NULL DEFAULT 0,
  org_id INTEGER NOT NULL DEFAULT 0,
  ip TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  model_id INTEGER NOT NULL DEFAULT 0,
  model_uuid TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  change TEXT NOT NULL DEFAULT ''
);

CREATE TABLE changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  uuid TEXT NOT NULL,
  event_id INTEGER NOT NULL DEFAULT 0,
  action INTEGER NOT NULL,
  time_micros INTEGER NOT NULL
);

CREATE TABLE library (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  uuid TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 0,
  json TEXT NOT NULL,
  UNIQUE (kind, name)
);
)sql";

// Version 2: native STIX storage for the TAXII server (store/stix_store.h). stix_objects.seq is the change-log
// sequence of the write that added the row; version_ns orders the versions of one id (modified, else created,
// else date_added, in nanoseconds). The access columns are set only in hub collections (materialised events).
constexpr std::string_view kV2 = R"sql(
CREATE TABLE taxii_collections (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('hub', 'stored')),
  read_all_orgs INTEGER NOT NULL DEFAULT 0,
  read_orgs TEXT NOT NULL DEFAULT '',
  write_orgs TEXT NOT NULL DEFAULT '',
  created_micros INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE stix_objects (
  seq INTEGER PRIMARY KEY,
  collection TEXT NOT NULL REFERENCES taxii_collections (id) ON DELETE CASCADE,
  stix_id TEXT NOT NULL,
  type TEXT NOT NULL,
  spec_version TEXT NOT NULL,
  version TEXT NOT NULL,
  version_ns INTEGER NOT NULL,
  date_added_micros INTEGER NOT NULL,
  json TEXT NOT NULL,
  event_id INTEGER NOT NULL DEFAULT 0,
  org_id INTEGER NOT NULL DEFAULT 0,
  event_distribution INTEGER NOT NULL DEFAULT -1,
  event_sharing_group_id INTEGER NOT NULL DEFAULT 0,
  object_distribution INTEGER NOT NULL DEFAULT -1,
  object_sharing_group_id INTEGER NOT NULL DEFAULT 0,
  attribute_distribution INTEGER NOT NULL DEFAULT -1,
  attribute_sharing_group_id INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stix_objects_collection_seq ON stix_objects (collection, seq);
CREATE UNIQUE INDEX stix_objects_collection_version ON stix_objects (collection, stix_id, version_ns);
CREATE INDEX stix_objects_event ON stix_objects (collection, event_id) WHERE event_id != 0;

CREATE TABLE taxii_status (
  id TEXT PRIMARY KEY,
  collection_id TEXT NOT NULL,
  created_micros INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX taxii_status_created ON taxii_status (created_micros);

CREATE TABLE taxii_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// Version 3: attribute UUIDs and values leave SQLite's B-trees for the in-memory index (attribute_index.h):
// the table is rebuilt without the UNIQUE constraint on uuid, and the value indexes go. Random-key index inserts
// dirtied one page per row and made ingest slow down as the table grew.
constexpr std::string_view kV3AttributeKeysInMemory = R"sql(
CREATE TABLE attributes_v3 (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  object_id INTEGER NOT NULL DEFAULT 0,
  object_relation TEXT NOT NULL DEFAULT '',
  uuid TEXT NOT NULL,
  type TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  value1 TEXT NOT NULL,
  value2 TEXT NOT NULL DEFAULT '',
  to_ids INTEGER NOT NULL DEFAULT 0,
  distribution INTEGER NOT NULL DEFAULT 5,
  sharing_group_id INTEGER NOT NULL DEFAULT 0,
  comment TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  disable_correlation INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER,
  last_seen INTEGER
);
INSERT INTO attributes_v3 SELECT id, event_id, object_id, object_relation, uuid, type, category, value1, value2,
  to_ids, distribution, sharing_group_id, comment, deleted, disable_correlation, timestamp, first_seen, last_seen
  FROM attributes;
DROP TABLE attributes;
ALTER TABLE attributes_v3 RENAME TO attributes;
CREATE INDEX attributes_type ON attributes(type);
CREATE INDEX attributes_event ON attributes(event_id);
CREATE INDEX attributes_object ON attributes(object_id) WHERE object_id <> 0;
CREATE INDEX attributes_timestamp ON attributes(timestamp);
)sql";

// v4: alerts raised by sensors' matches on high-threat events (docs/match.md).
constexpr std::string_view kV4Alerts = R"sql(
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  created INTEGER NOT NULL,
  org_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  event_uuid TEXT NOT NULL,
  attribute_id INTEGER NOT NULL,
  attribute_uuid TEXT NOT NULL,
  value TEXT NOT NULL DEFAULT '',
  sighting_id INTEGER NOT NULL DEFAULT 0,
  acknowledged INTEGER NOT NULL DEFAULT 0,
  acknowledged_by INTEGER NOT NULL DEFAULT 0,
  acknowledged_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alerts_event ON alerts(event_id);
)sql";

// v5: where an attribute's `data` (attachment, malware-sample) is kept: the SHA-256 and length of its bytes in the
// content-addressed attachment store under <data-dir>/attachments/ (docs/architecture.md, "Attachments"). One row
// per attribute that has data; it goes with the attribute.
constexpr std::string_view kV5Attachments = R"sql(
CREATE TABLE attribute_attachments (
  attribute_id INTEGER PRIMARY KEY REFERENCES attributes(id) ON DELETE CASCADE,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL
);
CREATE INDEX attribute_attachments_sha256 ON attribute_attachments(sha256);
)sql";

// v6: object_references.uuid becomes unique (the hub always checked it on objectReferences/add and objects/edit,
// but not on events/add|edit, so a database may hold duplicates). Existing duplicates are resolved
// deterministically: the reference with the lowest id keeps the uuid, every later one gets a fresh random (v4)
// uuid and an `add` change row (time: the migration's) so change-log followers pick it up under its new name.
constexpr std::string_view kV6UniqueReferenceUuids = R"sql(
CREATE TEMP TABLE v6_renamed AS
  SELECT id FROM object_references WHERE id NOT IN (SELECT min(id) FROM object_references GROUP BY uuid);
UPDATE object_references SET uuid =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) ||
    '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
    lower(hex(randomblob(6)))
  WHERE id IN (SELECT id FROM temp.v6_renamed);
INSERT INTO changes (entity, uuid, event_id, action, time_micros)
  SELECT 'object_reference', uuid, event_id, 0, CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)
  FROM object_references WHERE id IN (SELECT id FROM temp.v6_renamed) ORDER BY id;
DROP TABLE temp.v6_renamed;
DROP INDEX object_references_uuid;
CREATE UNIQUE INDEX object_references_uuid ON object_references(uuid);
)sql";

}  // namespace

const std::vector<std::string_view>& SchemaMigrations() {
  static const std::vector<std::string_view> kScripts = {kV1, kV2, kV3AttributeKeysInMemory, kV4Alerts,
                                                         kV5Attachments, kV6UniqueReferenceUuids};
  return kScripts;
}

Result<int> ApplyMigrations(Connection& conn, const std::vector<std::string_view>& scripts, const Clock& clock) {
  BW_RETURN_IF_ERROR(conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_micros INTEGER NOT NULL)"));
  BW_ASSIGN_OR_RETURN(int64_t current, conn.QueryInt("SELECT coalesce(max(version), 0) FROM schema_version"));
  const auto known = static_cast<int64_t>(scripts.size());
  if (current > known) {
    return MakeError(ErrorCode::kInternal, "database schema version " + std::to_string(current) +
                                               " is newer than this build supports (" + std::to_string(known) +
                                               "); run a newer bulwark or restore a backup");
  }
  // Table rebuilds (create, copy, drop, rename) must not fire ON DELETE CASCADE on the old table, so foreign keys
  // are off while migrating (the pragma is a no-op inside a transaction) and checked before each commit.
  if (current < known) BW_RETURN_IF_ERROR(conn.Exec("PRAGMA foreign_keys = OFF"));
  struct ForeignKeysOn {
    Connection& conn;
    ~ForeignKeysOn() { (void)conn.Exec("PRAGMA foreign_keys = ON"); }
  } restore{conn};
  for (int64_t version = current + 1; version <= known; ++version) {
    BW_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    // Re-check under the write lock: another process may have migrated meanwhile.
    Result<int64_t> now_at = conn.QueryInt("SELECT coalesce(max(version), 0) FROM schema_version");
    Status st = now_at.ok() ? Ok() : Status(now_at.error());
    if (st.ok() && *now_at < version) {
      st = conn.Exec(scripts[static_cast<size_t>(version - 1)]);
      if (st.ok()) {
        Result<int64_t> violations = conn.QueryInt("SELECT count(*) FROM pragma_foreign_key_check");
        if (!violations.ok()) {
          st = violations.error();
        } else if (*violations != 0) {
          st = MakeError(ErrorCode::kInternal, std::to_string(*violations) + " foreign key violations after it");
        }
      }
      if (st.ok()) {
        Result<Stmt> ins = conn.Prepare("INSERT INTO schema_version (version, applied_micros) VALUES (?, ?)");
        st = ins.ok() ? ins->Bind(1, version).Bind(2, clock.NowMicros()).Run() : Status(ins.error());
      }
    }
    if (!st.ok()) {
      (void)conn.Exec("ROLLBACK");
      return MakeError(ErrorCode::kInternal,
                       "schema migration to version " + std::to_string(version) + " failed: " + st.error().message);
    }
    BW_RETURN_IF_ERROR(conn.Exec("COMMIT"));
  }
  return static_cast<int>(known);
}

}  // namespace bulwark::store::sqlite
