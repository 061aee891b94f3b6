// The hub's data model as plain values, with MISP's semantics (see docs/data-model.md). No I/O here:
// the store persists these, access decides who sees them, misp/ converts them to and from MISP JSON.
//
// Identity: every shared entity has a UUID (its identity across hubs) and a local integer id (this hub
// only, 0 until stored). Timestamps are Unix epoch seconds unless the name says micros.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bulwark::model {

using Id = int64_t;

// MISP distribution levels, with MISP's numeric values.
enum class Distribution : uint8_t {
  kOrganisation = 0,   // your organisation only
  kCommunity = 1,      // this community only (every local org)
  kConnected = 2,      // connected communities
  kAll = 3,            // all communities
  kSharingGroup = 4,   // members of sharing_group_id
  kInherit = 5,        // attributes/objects only: the parent's level
};

// Role permissions (MISP's perm_* flags that the hub enforces).
enum class Permission : uint32_t {
  kAdd = 1u << 0,           // create events
  kModify = 1u << 1,        // change own events
  kModifyOrg = 1u << 2,     // change any event of the own org
  kPublish = 1u << 3,       // publish events
  kDelegate = 1u << 4,
  kSync = 1u << 5,          // hub-to-hub synchronisation
  kAdmin = 1u << 6,         // org admin: manage users of the own org
  kAudit = 1u << 7,         // read the audit log
  kAuth = 1u << 8,          // use API keys
  kSiteAdmin = 1u << 9,     // everything, every org
  kRegexpAccess = 1u << 10,
  kTagger = 1u << 11,       // attach and detach tags
  kTemplate = 1u << 12,
  kSharingGroup = 1u << 13, // create and manage sharing groups
  kTagEditor = 1u << 14,    // create, edit and delete tags
  kSighting = 1u << 15,     // add sightings
  kObjectTemplate = 1u << 16,
  kGalaxyEditor = 1u << 17,
  kWarninglist = 1u << 18,
  kDecaying = 1u << 19,
};
using PermissionSet = uint32_t;
inline bool Has(PermissionSet set, Permission p) { return (set & static_cast<uint32_t>(p)) != 0; }

struct Role {
  Id id = 0;
  std::string name;
  PermissionSet permissions = 0;
  bool default_role = false;
  int64_t created = 0;
  int64_t modified = 0;
};

struct Organisation {
  Id id = 0;
  std::string uuid;
  std::string name;
  std::string description;
  std::string type;         // e.g. "CERT", "Government", "ISP"
  std::string sector;
  std::string nationality;
  std::string contacts;
  bool local = true;        // false: a known remote org (seen through sharing or sync)
  int64_t created = 0;
  int64_t modified = 0;
};

struct User {
  Id id = 0;
  std::string email;
  Id org_id = 0;
  Id role_id = 0;
  bool disabled = false;
  int64_t created = 0;
  int64_t modified = 0;
};

// An API key as stored: only its SHA-256 and its first and last four characters are kept.
struct ApiKey {
  Id id = 0;
  std::string uuid;
  Id user_id = 0;
  std::string key_hash;     // lowercase hex SHA-256 of the 40-character key
  std::string key_start;    // first 4 characters, for display
  std::string key_end;      // last 4 characters, for display
  std::optional<int64_t> expiration;  // epoch seconds; none = never
  bool read_only = false;
  std::string comment;
  int64_t created = 0;
};

struct SharingGroupOrg {
  Id org_id = 0;
  bool extend = false;      // this org may add members
};

struct SharingGroupServer {
  Id server_id = 0;         // 0 = this hub
  bool all_orgs = false;
};

struct SharingGroup {
  Id id = 0;
  std::string uuid;
  std::string name;
  std::string description;
  std::string releasability;
  Id org_id = 0;            // creator org
  bool active = true;
  bool local = true;
  bool roaming = false;
  std::vector<SharingGroupOrg> orgs;
  std::vector<SharingGroupServer> servers;
  int64_t created = 0;
  int64_t modified = 0;
};

struct Tag {
  Id id = 0;
  std::string name;         // free text or a machine tag: ns:pred="value"
  std::string colour;       // "#rrggbb"
  bool exportable = true;
  bool hide_tag = false;
  bool is_galaxy = false;
  bool local_only = false;  // may only ever be attached locally
  Id org_id = 0;            // 0: usable by every org
  Id user_id = 0;
  std::optional<int> numerical_value;
};

// A tag as attached to an event or attribute.
struct AppliedTag {
  Tag tag;
  bool local = false;       // never shown outside the event's owning org, never synced
};

struct Attribute {
  Id id = 0;
  Id event_id = 0;
  Id object_id = 0;         // 0: not part of an object
  std::string object_relation;
  std::string uuid;
  std::string type;
  std::string category;
  std::string value1;       // composite types "a|b" are stored split
  std::string value2;
  bool to_ids = false;
  Distribution distribution = Distribution::kInherit;
  Id sharing_group_id = 0;
  std::string comment;
  bool deleted = false;
  bool disable_correlation = false;
  int64_t timestamp = 0;
  std::optional<int64_t> first_seen_micros;
  std::optional<int64_t> last_seen_micros;
  std::vector<AppliedTag> tags;

  // The MISP "value": value1, or "value1|value2" for composite types.
  std::string Value() const { return value2.empty() ? value1 : value1 + "|" + value2; }
};

struct ObjectReference {
  Id id = 0;
  std::string uuid;
  Id object_id = 0;
  Id event_id = 0;
  std::string source_uuid;      // the object's uuid
  std::string referenced_uuid;  // an attribute or object uuid
  std::string referenced_type;  // "Attribute" or "Object"
  std::string relationship_type;
  std::string comment;
  bool deleted = false;
  int64_t timestamp = 0;
};

struct Object {
  Id id = 0;
  Id event_id = 0;
  std::string uuid;
  std::string name;
  std::string meta_category;
  std::string description;
  std::string template_uuid;
  std::string template_version;
  std::string comment;
  Distribution distribution = Distribution::kInherit;
  Id sharing_group_id = 0;
  bool deleted = false;
  int64_t timestamp = 0;
  std::optional<int64_t> first_seen_micros;
  std::optional<int64_t> last_seen_micros;
  std::vector<Attribute> attributes;
  std::vector<ObjectReference> references;
};

enum class Analysis : uint8_t { kInitial = 0, kOngoing = 1, kComplete = 2 };
enum class ThreatLevel : uint8_t { kHigh = 1, kMedium = 2, kLow = 3, kUndefined = 4 };

struct Event {
  Id id = 0;
  std::string uuid;
  std::string info;
  std::string date;         // "YYYY-MM-DD", when the event happened
  Id org_id = 0;            // owner org on this hub
  Id orgc_id = 0;           // creator org, kept across sync
  Id user_id = 0;
  bool published = false;
  int64_t publish_timestamp = 0;
  int64_t timestamp = 0;    // last change to the event or any child
  int64_t sighting_timestamp = 0;
  Distribution distribution = Distribution::kCommunity;
  Id sharing_group_id = 0;
  Analysis analysis = Analysis::kInitial;
  ThreatLevel threat_level = ThreatLevel::kUndefined;
  bool locked = false;      // came in through sync
  bool disable_correlation = false;
  bool protected_event = false;
  std::string extends_uuid;
  int64_t attribute_count = 0;  // non-deleted attributes, objects' included
  std::vector<AppliedTag> tags;
  std::vector<Attribute> attributes;  // attributes outside objects
  std::vector<Object> objects;
};

enum class SightingType : uint8_t { kSighting = 0, kFalsePositive = 1, kExpiration = 2 };

struct Sighting {
  Id id = 0;
  std::string uuid;
  Id attribute_id = 0;
  Id event_id = 0;
  Id org_id = 0;
  int64_t date_sighting = 0;
  std::string source;
  SightingType type = SightingType::kSighting;
};

// An alert: a sensor's match on an attribute of a high-threat event (threat level 1), raised when the
// sighting is recorded. Acknowledging it records who and when; alerts are never deleted.
struct Alert {
  Id id = 0;
  int64_t created = 0;          // epoch seconds
  Id org_id = 0;                // the reporting sensor's organisation
  Id user_id = 0;               // the reporting sensor's user
  std::string source;           // the sensor's name
  Id event_id = 0;
  std::string event_uuid;
  Id attribute_id = 0;
  std::string attribute_uuid;
  std::string value;            // the observed value as the sensor reported it
  Id sighting_id = 0;
  bool acknowledged = false;
  Id acknowledged_by = 0;       // user id
  int64_t acknowledged_at = 0;  // epoch seconds
};

// One line of the audit log: who changed what.
struct AuditEntry {
  Id id = 0;
  int64_t created_micros = 0;
  Id user_id = 0;
  Id org_id = 0;
  std::string ip;
  std::string action;       // "add", "edit", "delete", "publish", "login", ...
  std::string model;        // "Event", "Attribute", "User", ...
  Id model_id = 0;
  std::string model_uuid;
  std::string title;        // a sentence for humans
  std::string change;       // JSON of what changed, may be empty
};

// One entry of the change log. Sequences are assigned by the store, strictly increasing in commit order;
// TAXII paging, sync cursors and index refresh read the log by sequence.
enum class ChangeAction : uint8_t { kAdd = 0, kEdit = 1, kDelete = 2, kRestore = 3, kPublish = 4, kUnpublish = 5 };

struct Change {
  int64_t seq = 0;
  std::string entity;       // "event", "attribute", "object", "tag", "sighting", "organisation", ...
  std::string uuid;
  Id event_id = 0;          // the event the entity belongs to, 0 if none
  ChangeAction action = ChangeAction::kAdd;
  int64_t time_micros = 0;
};

const char* ChangeActionName(ChangeAction a);

}  // namespace bulwark::model
