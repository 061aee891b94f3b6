// The Store: durable home of every entity in model/entities.h, behind an interface with an embedded
// SQLite backend (store/sqlite) and, later, a PostgreSQL one. The same tests run against each backend.
//
// Transactions: Read() runs a function on a consistent snapshot; Write() runs a function in one write
// transaction that commits only if the function returns Ok and is durable when Write() returns Ok
// (see docs/durability.md). Writes are serialised; reads run concurrently with each other and with a write.
// Both are thread-safe. The transaction objects must not escape the function they are passed to.
//
// The change log: every mutation of a shared entity appends one Change inside the same transaction, with a
// sequence that is strictly increasing in commit order. ReadChanges(after, limit) is the cursor.
//
// Errors: kNotFound for a missing id on update/delete, kConflict for a duplicate uuid/name/email,
// kInternal for I/O or database failures (the message says which statement failed).
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

using model::Id;

enum class DeletedFilter : uint8_t { kExclude, kInclude, kOnly };

// Tag conditions by tag id. An entity passes when it has every tag in all_of, at least one in any_of (if
// any_of is non-empty) and none in none_of.
struct TagFilter {
  std::vector<Id> all_of;
  std::vector<Id> any_of;
  std::vector<Id> none_of;
  bool empty() const { return all_of.empty() && any_of.empty() && none_of.empty(); }
};

// Event selection. Results come in ascending id order, starting after after_id (the cursor).
struct EventQuery {
  std::vector<Id> ids;
  std::vector<std::string> uuids;
  std::vector<Id> orgc_ids;              // creator org
  std::optional<bool> published;
  std::optional<int64_t> timestamp_from; // event.timestamp >= from
  std::optional<int64_t> timestamp_to;   // event.timestamp <= to
  std::optional<int64_t> publish_timestamp_from;
  std::optional<int64_t> publish_timestamp_to;
  std::optional<std::string> date_from;  // event.date >= "YYYY-MM-DD"
  std::optional<std::string> date_to;
  TagFilter tags;                        // on event tags
  std::optional<std::string> info_like;  // SQL LIKE pattern on info ('%' wildcard), case-insensitive
  // Events that have at least one non-deleted attribute matching these (any of them); empty: no condition.
  std::vector<std::string> attribute_values;
  Id after_id = 0;
  size_t limit = 0;                      // 0: no limit
};

// Attribute selection, attributes of objects included. Results in ascending attribute id after after_id.
struct AttributeQuery {
  std::vector<std::string> values;       // exact match on the whole value, value1 or value2
  std::vector<std::string> value_likes;  // LIKE patterns ('%' wildcard) on value1 or value2
  std::vector<std::string> types;
  std::vector<std::string> categories;
  std::vector<Id> ids;
  std::vector<std::string> uuids;
  std::vector<Id> event_ids;
  std::vector<std::string> event_uuids;
  std::vector<Id> orgc_ids;              // of the event
  std::optional<bool> to_ids;
  std::optional<bool> published;         // of the event
  DeletedFilter deleted = DeletedFilter::kExclude;
  std::optional<int64_t> timestamp_from; // attribute.timestamp
  std::optional<int64_t> timestamp_to;
  std::optional<int64_t> event_timestamp_from;
  std::optional<int64_t> event_timestamp_to;
  std::optional<int64_t> publish_timestamp_from;
  std::optional<int64_t> publish_timestamp_to;
  std::optional<std::string> date_from;  // event.date
  std::optional<std::string> date_to;
  TagFilter tags;                        // a tag passes if it is on the attribute or on its event
  enum class ObjectScope : uint8_t { kAll, kOutsideObjects, kInsideObjects } object_scope = ObjectScope::kAll;
  std::vector<Id> object_ids;
  Id after_id = 0;
  size_t limit = 0;
  bool load_tags = true;                 // fill Attribute::tags
};

// What a scan hands to its visitor: the attribute, its event (header only: no children) and, for object
// attributes, its object (no children). The references are valid only during the call.
struct AttributeRow {
  const model::Attribute& attribute;
  const model::Event& event;
  const model::Object* object;
};

// Return false to stop the scan early.
using AttributeVisitor = std::function<bool(const AttributeRow&)>;
using EventVisitor = std::function<bool(const model::Event&)>;

struct EventLoad {
  bool attributes = true;                // attributes and objects with theirs
  DeletedFilter deleted = DeletedFilter::kExclude;
};

struct SightingQuery {
  std::vector<Id> attribute_ids;
  std::vector<Id> event_ids;
  std::vector<Id> org_ids;
  std::optional<int64_t> from;           // date_sighting >= from
  std::optional<int64_t> to;
  std::optional<model::SightingType> type;
  std::vector<std::string> sources;
  Id after_id = 0;
  size_t limit = 0;
};

// Library documents: taxonomies, galaxies, object templates, warninglists, in their upstream JSON.
struct LibraryDocument {
  std::string kind;                      // "taxonomy", "galaxy", "galaxy-cluster", "object-template", ...
  std::string name;
  std::string uuid;
  int64_t version = 0;
  std::string json;
};

enum class TagTarget : uint8_t { kEvent, kAttribute };

// Where the bytes of an attribute's `data` (attachment, malware-sample) are kept: their SHA-256 in the hub's
// content-addressed attachment store (hub/attachment_store.h) and their length. The store keeps only this
// reference; the bytes live in files.
struct AttachmentRef {
  std::string sha256;  // lowercase hex
  int64_t size = 0;
  bool operator==(const AttachmentRef&) const = default;
};

class ReadTxn {
 public:
  virtual ~ReadTxn() = default;

  virtual Result<std::optional<model::Organisation>> GetOrganisation(Id id) = 0;
  virtual Result<std::optional<model::Organisation>> FindOrganisationByUuid(const std::string& uuid) = 0;
  virtual Result<std::optional<model::Organisation>> FindOrganisationByName(const std::string& name) = 0;
  virtual Result<std::vector<model::Organisation>> ListOrganisations() = 0;

  virtual Result<std::optional<model::Role>> GetRole(Id id) = 0;
  virtual Result<std::vector<model::Role>> ListRoles() = 0;

  virtual Result<std::optional<model::User>> GetUser(Id id) = 0;
  virtual Result<std::optional<model::User>> FindUserByEmail(const std::string& email) = 0;
  virtual Result<std::vector<model::User>> ListUsers(std::optional<Id> org_id) = 0;

  virtual Result<std::optional<model::ApiKey>> FindApiKeyByHash(const std::string& key_hash) = 0;
  virtual Result<std::vector<model::ApiKey>> ListApiKeys(Id user_id) = 0;

  virtual Result<std::optional<model::SharingGroup>> GetSharingGroup(Id id) = 0;
  virtual Result<std::optional<model::SharingGroup>> FindSharingGroupByUuid(const std::string& uuid) = 0;
  virtual Result<std::vector<model::SharingGroup>> ListSharingGroups() = 0;
  // Ids of the active sharing groups the org belongs to (as a member org, or through a server entry
  // with all_orgs for this hub, server_id 0).
  virtual Result<std::vector<Id>> SharingGroupIdsForOrg(Id org_id) = 0;

  virtual Result<std::optional<model::Tag>> GetTag(Id id) = 0;
  virtual Result<std::optional<model::Tag>> FindTagByName(const std::string& name) = 0;
  virtual Result<std::vector<model::Tag>> ListTags(const std::optional<std::string>& name_like) = 0;

  // Event header by id or uuid (no children).
  virtual Result<std::optional<model::Event>> GetEvent(Id id) = 0;
  virtual Result<std::optional<model::Event>> FindEventByUuid(const std::string& uuid) = 0;
  // A whole event: header, tags and, per `load`, its attributes and objects with their tags and references.
  virtual Result<std::optional<model::Event>> LoadEvent(Id id, const EventLoad& load) = 0;
  virtual Status ScanEvents(const EventQuery& query, const EventVisitor& visit) = 0;
  virtual Result<int64_t> CountEvents(const EventQuery& query) = 0;

  virtual Result<std::optional<model::Attribute>> GetAttribute(Id id) = 0;     // with tags
  virtual Result<std::optional<model::Attribute>> FindAttributeByUuid(const std::string& uuid) = 0;
  virtual Status ScanAttributes(const AttributeQuery& query, const AttributeVisitor& visit) = 0;

  virtual Result<std::optional<model::Object>> GetObject(Id id) = 0;           // with attributes, references
  virtual Result<std::optional<model::Object>> FindObjectByUuid(const std::string& uuid) = 0;
  // One object reference, soft-deleted or not (object_references.cc).
  virtual Result<std::optional<model::ObjectReference>> GetObjectReference(Id id) = 0;
  virtual Result<std::optional<model::ObjectReference>> FindObjectReferenceByUuid(const std::string& uuid) = 0;

  virtual Result<std::vector<model::Sighting>> ListSightings(const SightingQuery& query) = 0;
  virtual Result<std::optional<model::Sighting>> FindSightingByUuid(const std::string& uuid) = 0;

  virtual Result<std::vector<model::Change>> ReadChanges(int64_t after_seq, size_t limit) = 0;
  virtual Result<int64_t> LastChangeSeq() = 0;
  virtual Result<std::vector<model::AuditEntry>> ListAudit(Id after_id, size_t limit) = 0;
  // Alerts with id > after_id, ascending; limit 0: all.
  virtual Result<std::vector<model::Alert>> ListAlerts(Id after_id, size_t limit) = 0;
  virtual Result<std::optional<model::Alert>> GetAlert(Id id) = 0;

  virtual Status ScanLibrary(const std::string& kind,
                             const std::function<bool(const LibraryDocument&)>& visit) = 0;

  // The attachment reference of an attribute; nullopt when it has none (or does not exist).
  virtual Result<std::optional<AttachmentRef>> GetAttachmentRef(Id attribute_id) = 0;
  // Whether any attribute's data is the stored bytes `sha256` (the attachment sweep's question).
  virtual Result<bool> IsAttachmentReferenced(const std::string& sha256) = 0;
};

class WriteTxn : public ReadTxn {
 public:
  // Each Insert sets the new id(s) on its argument, children included.
  virtual Status InsertOrganisation(model::Organisation& org) = 0;
  virtual Status UpdateOrganisation(const model::Organisation& org) = 0;
  virtual Status DeleteOrganisation(Id id) = 0;

  virtual Status InsertRole(model::Role& role) = 0;  // keeps role.id when non-zero (MISP's ids 1-6)

  virtual Status InsertUser(model::User& user) = 0;
  virtual Status UpdateUser(const model::User& user) = 0;
  virtual Status DeleteUser(Id id) = 0;  // also deletes the user's API keys

  virtual Status InsertApiKey(model::ApiKey& key) = 0;
  virtual Status DeleteApiKey(Id id) = 0;

  virtual Status InsertSharingGroup(model::SharingGroup& sg) = 0;
  virtual Status UpdateSharingGroup(const model::SharingGroup& sg) = 0;  // replaces orgs and servers
  virtual Status DeleteSharingGroup(Id id) = 0;

  virtual Status InsertTag(model::Tag& tag) = 0;
  virtual Status UpdateTag(const model::Tag& tag) = 0;
  virtual Status DeleteTag(Id id) = 0;  // also detaches it everywhere

  // Inserts the event with its tags, attributes, objects, object references and their tags. Tags are
  // referenced by Tag::id, which must exist. One change entry for the event and one per child.
  virtual Status InsertEvent(model::Event& event) = 0;
  // Updates the header fields of an existing event (not its children, not its tags).
  virtual Status UpdateEventHeader(const model::Event& event, model::ChangeAction action) = 0;
  // Hard delete of the event and everything in it (MISP deletes events for good).
  virtual Status DeleteEvent(Id id) = 0;

  virtual Status InsertAttribute(model::Attribute& attribute) = 0;   // with its tags
  // The same for many attributes of one event, outside objects, in one go (the bulk path of attributes/add):
  // kInvalid if they name different events or an object; all or nothing.
  virtual Status InsertAttributes(std::vector<model::Attribute>& attributes) = 0;
  virtual Status UpdateAttribute(const model::Attribute& attribute) = 0;  // fields, not tags
  virtual Status SetAttributeDeleted(Id id, bool deleted, int64_t timestamp) = 0;  // soft delete / restore
  virtual Status DeleteAttribute(Id id) = 0;  // hard delete

  virtual Status InsertObject(model::Object& object) = 0;  // with its attributes and references
  virtual Status UpdateObject(const model::Object& object) = 0;  // header fields only
  virtual Status SetObjectDeleted(Id id, bool deleted, int64_t timestamp) = 0;  // with its attributes
  virtual Status DeleteObject(Id id) = 0;  // hard delete, with its attributes and references
  virtual Status InsertObjectReference(model::ObjectReference& ref) = 0;
  // Soft delete / restore of a reference: sets `deleted` and `timestamp`; one change row (delete or restore) when
  // the state changes. kNotFound when it does not exist.
  virtual Status SetObjectReferenceDeleted(Id id, bool deleted, int64_t timestamp) = 0;
  virtual Status DeleteObjectReference(Id id) = 0;  // hard delete, one change row; kNotFound when absent

  virtual Status AttachTag(TagTarget target, Id target_id, Id tag_id, bool local) = 0;  // idempotent
  virtual Status DetachTag(TagTarget target, Id target_id, Id tag_id) = 0;  // kNotFound if not attached

  virtual Status InsertSighting(model::Sighting& sighting) = 0;
  virtual Status DeleteSighting(Id id) = 0;

  virtual Status AppendAudit(model::AuditEntry& entry) = 0;
  virtual Status InsertAlert(model::Alert& alert) = 0;  // sets alert.id
  // Marks an alert acknowledged by `user_id` at `at`; kNotFound if it does not exist.
  virtual Status AcknowledgeAlert(Id id, Id user_id, int64_t at) = 0;
  // For changes that are not a row mutation of their own, e.g. "event published".
  virtual Status AppendChange(model::Change& change) = 0;

  virtual Status PutLibraryDocument(const LibraryDocument& doc) = 0;  // replaces by (kind, name)

  // Sets (or replaces) the attachment reference of an existing attribute; kNotFound when the attribute does not
  // exist. The reference goes with the attribute: a hard delete of the attribute, its object or its event removes
  // it. No change-log row of its own: the attribute's insert or update that carries the data logs the change.
  virtual Status SetAttachmentRef(Id attribute_id, const AttachmentRef& ref) = 0;
  // Removes the attribute's attachment reference, if any.
  virtual Status ClearAttachmentRef(Id attribute_id) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Status Read(const std::function<Status(ReadTxn&)>& fn) = 0;
  virtual Status Write(const std::function<Status(WriteTxn&)>& fn) = 0;
  // The schema version after migrations; for /healthz and diagnostics.
  virtual int SchemaVersion() const = 0;
};

}  // namespace bulwark::store

namespace bulwark::store {
const char* TagTargetName(TagTarget target);
}  // namespace bulwark::store
