// The SQLite implementations of ReadTxn and WriteTxn. Reader and Writer hold the logic (non-virtual, over one
// Connection); the Txn classes adapt them to the Store interface. A transaction object lives only for one
// Store::Read/Write call, on one thread, and the store has already begun the SQL transaction around it.
#pragma once

#include "common/clock.h"
#include "store/sqlite/attribute_index.h"
#include "store/sqlite/db.h"
#include "store/sqlite/query_sql.h"
#include "store/store.h"

namespace bulwark::store::sqlite {

class Reader {
 public:
  // `index` resolves attribute UUIDs and values (attribute_index.h); it must outlive the reader.
  Reader(Connection& conn, const AttributeIndex& index) : conn_(conn), index_(index) {}

  Result<std::optional<model::Organisation>> GetOrganisation(Id id);
  Result<std::optional<model::Organisation>> FindOrganisationByUuid(const std::string& uuid);
  Result<std::optional<model::Organisation>> FindOrganisationByName(const std::string& name);
  Result<std::vector<model::Organisation>> ListOrganisations();
  Result<std::optional<model::Role>> GetRole(Id id);
  Result<std::vector<model::Role>> ListRoles();
  Result<std::optional<model::User>> GetUser(Id id);
  Result<std::optional<model::User>> FindUserByEmail(const std::string& email);
  Result<std::vector<model::User>> ListUsers(std::optional<Id> org_id);
  Result<std::optional<model::ApiKey>> FindApiKeyByHash(const std::string& key_hash);
  Result<std::vector<model::ApiKey>> ListApiKeys(Id user_id);
  Result<std::optional<model::SharingGroup>> GetSharingGroup(Id id);
  Result<std::optional<model::SharingGroup>> FindSharingGroupByUuid(const std::string& uuid);
  Result<std::vector<model::SharingGroup>> ListSharingGroups();
  Result<std::vector<Id>> SharingGroupIdsForOrg(Id org_id);
  Result<std::optional<model::Tag>> GetTag(Id id);
  Result<std::optional<model::Tag>> FindTagByName(const std::string& name);
  Result<std::vector<model::Tag>> ListTags(const std::optional<std::string>& name_like);

  Result<std::optional<model::Event>> GetEvent(Id id);
  Result<std::optional<model::Event>> FindEventByUuid(const std::string& uuid);
  Result<std::optional<model::Event>> LoadEvent(Id id, const EventLoad& load);
  Status ScanEvents(const EventQuery& query, const EventVisitor& visit);
  Result<int64_t> CountEvents(const EventQuery& query);
  Result<std::optional<model::Attribute>> GetAttribute(Id id);
  Result<std::optional<model::Attribute>> FindAttributeByUuid(const std::string& uuid);
  Status ScanAttributes(const AttributeQuery& query, const AttributeVisitor& visit);
  Result<std::optional<model::Object>> GetObject(Id id);
  Result<std::optional<model::Object>> FindObjectByUuid(const std::string& uuid);
  Result<std::optional<model::ObjectReference>> GetObjectReference(Id id);                           // object_references.cc
  Result<std::optional<model::ObjectReference>> FindObjectReferenceByUuid(const std::string& uuid);  // object_references.cc

  Result<std::vector<model::Sighting>> ListSightings(const SightingQuery& query);
  Result<std::optional<model::Sighting>> FindSightingByUuid(const std::string& uuid);
  Result<std::vector<model::Change>> ReadChanges(int64_t after_seq, size_t limit);
  Result<int64_t> LastChangeSeq();
  Result<std::vector<model::AuditEntry>> ListAudit(Id after_id, size_t limit);
  Result<std::vector<model::Alert>> ListAlerts(Id after_id, size_t limit);
  Result<std::optional<model::Alert>> GetAlert(Id id);
  Status ScanLibrary(const std::string& kind, const std::function<bool(const LibraryDocument&)>& visit);
  Result<std::optional<AttachmentRef>> GetAttachmentRef(Id attribute_id);  // attachments.cc
  Result<bool> IsAttachmentReferenced(const std::string& sha256);           // attachments.cc

  Connection& conn() { return conn_; }

 private:
  Result<std::vector<model::AppliedTag>> TagsOf(TagTarget target, Id id);
  Status FillSharingGroupMembers(model::SharingGroup& sg);
  Result<std::optional<model::Attribute>> OneAttribute(std::string_view where, const SqlValue& key);
  Result<std::optional<model::Object>> OneObject(std::string_view where, const SqlValue& key);
  // Candidate attribute ids for exact values (MISP's value filter: value1, value2 or "value1|value2").
  std::vector<Id> ValueCandidates(const std::vector<std::string>& values) const;
  AttributeCandidates EventCandidates(const EventQuery& q) const;

  Connection& conn_;
  const AttributeIndex& index_;
};

class Writer {
 public:
  // Attribute inserts, value changes and hard deletes are recorded in `journal`, which the store applies to
  // `index` after the transaction commits.
  Writer(Reader& reader, const Clock& clock, const AttributeIndex& index, IndexJournal& journal)
      : reader_(reader), conn_(reader.conn()), clock_(clock), index_(index), journal_(journal) {}

  Status InsertOrganisation(model::Organisation& org);
  Status UpdateOrganisation(const model::Organisation& org);
  Status DeleteOrganisation(Id id);
  Status InsertRole(model::Role& role);
  Status InsertUser(model::User& user);
  Status UpdateUser(const model::User& user);
  Status DeleteUser(Id id);
  Status InsertApiKey(model::ApiKey& key);
  Status DeleteApiKey(Id id);
  Status InsertSharingGroup(model::SharingGroup& sg);
  Status UpdateSharingGroup(const model::SharingGroup& sg);
  Status DeleteSharingGroup(Id id);
  Status InsertTag(model::Tag& tag);
  Status UpdateTag(const model::Tag& tag);
  Status DeleteTag(Id id);

  Status InsertEvent(model::Event& event);
  Status UpdateEventHeader(const model::Event& event, model::ChangeAction action);
  Status DeleteEvent(Id id);
  Status InsertAttribute(model::Attribute& attribute);
  Status InsertEventAttributes(std::vector<model::Attribute>& attributes);
  Status UpdateAttribute(const model::Attribute& attribute);
  Status SetAttributeDeleted(Id id, bool deleted, int64_t timestamp);
  Status DeleteAttribute(Id id);
  Status InsertObject(model::Object& object);
  Status UpdateObject(const model::Object& object);
  Status SetObjectDeleted(Id id, bool deleted, int64_t timestamp);
  Status DeleteObject(Id id);
  Status InsertObjectReference(model::ObjectReference& ref);
  Status SetObjectReferenceDeleted(Id id, bool deleted, int64_t timestamp);  // object_references.cc
  Status DeleteObjectReference(Id id);                                       // object_references.cc
  Status AttachTag(TagTarget target, Id target_id, Id tag_id, bool local);
  Status DetachTag(TagTarget target, Id target_id, Id tag_id);
  Status InsertSighting(model::Sighting& sighting);
  Status DeleteSighting(Id id);
  Status AppendAudit(model::AuditEntry& entry);
  Status InsertAlert(model::Alert& alert);
  Status AcknowledgeAlert(Id id, Id user_id, int64_t at);
  Status AppendChange(model::Change& change);
  Status PutLibraryDocument(const LibraryDocument& doc);
  Status SetAttachmentRef(Id attribute_id, const AttachmentRef& ref);  // attachments.cc
  Status ClearAttachmentRef(Id attribute_id);                          // attachments.cc

  // Runs `fn` inside a savepoint, so a method that fails half-way leaves nothing behind even when the caller
  // goes on and commits the transaction.
  template <typename F>
  Status Atomic(F&& fn) {
    BW_RETURN_IF_ERROR(RunSql("SAVEPOINT bw_op"));
    const size_t mark = journal_.Mark();
    Status st = fn();
    if (st.ok()) {
      BW_RETURN_IF_ERROR(RunSql("RELEASE bw_op"));
    } else {
      (void)RunSql("ROLLBACK TO bw_op");
      (void)RunSql("RELEASE bw_op");
      journal_.RollbackTo(mark);
    }
    return st;
  }

 private:
  // Runs one parameterless statement through the statement cache.
  Status RunSql(std::string_view sql) {
    BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(sql));
    return s.Run();
  }
  // Appends one change-log row, timed by the clock (or at `time_micros`).
  Status Log(std::string_view entity, std::string_view uuid, Id event_id, model::ChangeAction action);
  Status LogAt(std::string_view entity, std::string_view uuid, Id event_id, model::ChangeAction action,
               int64_t time_micros);
  // Appends one change row per attribute, object or object_reference matching `where` (one `?`, bound to
  // `key`), in id order.
  Status LogChildren(std::string_view entity, std::string_view where, Id key, model::ChangeAction action);
  Status SaveSharingGroupMembers(const model::SharingGroup& sg);
  // Inserts the attributes of one event or object with their tags and change rows, using `stmts` prepared once.
  struct AttributeStatements;
  Result<AttributeStatements> PrepareAttributeStatements();
  Status InsertAttributes(AttributeStatements& stmts, std::vector<model::Attribute>& attributes, Id event_id,
                          Id object_id, int64_t& live_count);
  Status InsertObjectRow(model::Object& object, Id event_id, AttributeStatements& stmts, int64_t& live_count);
  Status AttachEventTags(model::Event& event);
  Status AddToAttributeCount(Id event_id, int64_t delta);
  Status RecountAttributes(Id event_id);
  Result<std::optional<std::pair<std::string, Id>>> UuidAndEvent(std::string_view table, Id id);
  // kConflict when an attribute with this UUID exists (committed, or added earlier in this transaction).
  Status CheckAttributeUuidFree(const std::string& uuid) const;
  // Journals the removal of every attribute matching `where` (one `?` bound to `key`) before a hard delete.
  Status JournalRemovals(std::string_view where, Id key);

  Reader& reader_;
  Connection& conn_;
  const Clock& clock_;
  const AttributeIndex& index_;
  IndexJournal& journal_;
  // While InsertEvent runs, children are logged at the end with one set-based statement per table.
  bool defer_child_logs_ = false;
};

// Adapts a Reader to any interface derived from ReadTxn by forwarding every read method.
template <typename Base>
class ReadForwarder : public Base {
 public:
  ReadForwarder(Connection& conn, const AttributeIndex& index) : reader_(conn, index) {}

  Result<std::optional<model::Organisation>> GetOrganisation(Id id) override { return reader_.GetOrganisation(id); }
  Result<std::optional<model::Organisation>> FindOrganisationByUuid(const std::string& uuid) override {
    return reader_.FindOrganisationByUuid(uuid);
  }
  Result<std::optional<model::Organisation>> FindOrganisationByName(const std::string& name) override {
    return reader_.FindOrganisationByName(name);
  }
  Result<std::vector<model::Organisation>> ListOrganisations() override { return reader_.ListOrganisations(); }
  Result<std::optional<model::Role>> GetRole(Id id) override { return reader_.GetRole(id); }
  Result<std::vector<model::Role>> ListRoles() override { return reader_.ListRoles(); }
  Result<std::optional<model::User>> GetUser(Id id) override { return reader_.GetUser(id); }
  Result<std::optional<model::User>> FindUserByEmail(const std::string& email) override {
    return reader_.FindUserByEmail(email);
  }
  Result<std::vector<model::User>> ListUsers(std::optional<Id> org_id) override { return reader_.ListUsers(org_id); }
  Result<std::optional<model::ApiKey>> FindApiKeyByHash(const std::string& key_hash) override {
    return reader_.FindApiKeyByHash(key_hash);
  }
  Result<std::vector<model::ApiKey>> ListApiKeys(Id user_id) override { return reader_.ListApiKeys(user_id); }
  Result<std::optional<model::SharingGroup>> GetSharingGroup(Id id) override { return reader_.GetSharingGroup(id); }
  Result<std::optional<model::SharingGroup>> FindSharingGroupByUuid(const std::string& uuid) override {
    return reader_.FindSharingGroupByUuid(uuid);
  }
  Result<std::vector<model::SharingGroup>> ListSharingGroups() override { return reader_.ListSharingGroups(); }
  Result<std::vector<Id>> SharingGroupIdsForOrg(Id org_id) override { return reader_.SharingGroupIdsForOrg(org_id); }
  Result<std::optional<model::Tag>> GetTag(Id id) override { return reader_.GetTag(id); }
  Result<std::optional<model::Tag>> FindTagByName(const std::string& name) override {
    return reader_.FindTagByName(name);
  }
  Result<std::vector<model::Tag>> ListTags(const std::optional<std::string>& name_like) override {
    return reader_.ListTags(name_like);
  }
  Result<std::optional<model::Event>> GetEvent(Id id) override { return reader_.GetEvent(id); }
  Result<std::optional<model::Event>> FindEventByUuid(const std::string& uuid) override {
    return reader_.FindEventByUuid(uuid);
  }
  Result<std::optional<model::Event>> LoadEvent(Id id, const EventLoad& load) override {
    return reader_.LoadEvent(id, load);
  }
  Status ScanEvents(const EventQuery& query, const EventVisitor& visit) override {
    return reader_.ScanEvents(query, visit);
  }
  Result<int64_t> CountEvents(const EventQuery& query) override { return reader_.CountEvents(query); }
  Result<std::optional<model::Attribute>> GetAttribute(Id id) override { return reader_.GetAttribute(id); }
  Result<std::optional<model::Attribute>> FindAttributeByUuid(const std::string& uuid) override {
    return reader_.FindAttributeByUuid(uuid);
  }
  Status ScanAttributes(const AttributeQuery& query, const AttributeVisitor& visit) override {
    return reader_.ScanAttributes(query, visit);
  }
  Result<std::optional<model::Object>> GetObject(Id id) override { return reader_.GetObject(id); }
  Result<std::optional<model::Object>> FindObjectByUuid(const std::string& uuid) override {
    return reader_.FindObjectByUuid(uuid);
  }
  Result<std::optional<model::ObjectReference>> GetObjectReference(Id id) override {
    return reader_.GetObjectReference(id);
  }
  Result<std::optional<model::ObjectReference>> FindObjectReferenceByUuid(const std::string& uuid) override {
    return reader_.FindObjectReferenceByUuid(uuid);
  }
  Result<std::vector<model::Sighting>> ListSightings(const SightingQuery& query) override {
    return reader_.ListSightings(query);
  }
  Result<std::optional<model::Sighting>> FindSightingByUuid(const std::string& uuid) override {
    return reader_.FindSightingByUuid(uuid);
  }
  Result<std::vector<model::Change>> ReadChanges(int64_t after_seq, size_t limit) override {
    return reader_.ReadChanges(after_seq, limit);
  }
  Result<int64_t> LastChangeSeq() override { return reader_.LastChangeSeq(); }
  Result<std::vector<model::Alert>> ListAlerts(Id after_id, size_t limit) override {
    return reader_.ListAlerts(after_id, limit);
  }
  Result<std::optional<model::Alert>> GetAlert(Id id) override { return reader_.GetAlert(id); }
  Result<std::vector<model::AuditEntry>> ListAudit(Id after_id, size_t limit) override {
    return reader_.ListAudit(after_id, limit);
  }
  Status ScanLibrary(const std::string& kind, const std::function<bool(const LibraryDocument&)>& visit) override {
    return reader_.ScanLibrary(kind, visit);
  }
  Result<std::optional<AttachmentRef>> GetAttachmentRef(Id attribute_id) override {
    return reader_.GetAttachmentRef(attribute_id);
  }
  Result<bool> IsAttachmentReferenced(const std::string& sha256) override {
    return reader_.IsAttachmentReferenced(sha256);
  }

 protected:
  Reader reader_;
};

using SqliteReadTxn = ReadForwarder<ReadTxn>;

class SqliteWriteTxn final : public ReadForwarder<WriteTxn> {
 public:
  SqliteWriteTxn(Connection& conn, const Clock& clock, const AttributeIndex& index, IndexJournal& journal)
      : ReadForwarder<WriteTxn>(conn, index), writer_(reader_, clock, index, journal) {}

  Status InsertOrganisation(model::Organisation& org) override {
    return writer_.Atomic([&] { return writer_.InsertOrganisation(org); });
  }
  Status UpdateOrganisation(const model::Organisation& org) override {
    return writer_.Atomic([&] { return writer_.UpdateOrganisation(org); });
  }
  Status DeleteOrganisation(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteOrganisation(id); });
  }
  Status InsertRole(model::Role& role) override {
    return writer_.Atomic([&] { return writer_.InsertRole(role); });
  }
  Status InsertUser(model::User& user) override {
    return writer_.Atomic([&] { return writer_.InsertUser(user); });
  }
  Status UpdateUser(const model::User& user) override {
    return writer_.Atomic([&] { return writer_.UpdateUser(user); });
  }
  Status DeleteUser(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteUser(id); });
  }
  Status InsertApiKey(model::ApiKey& key) override {
    return writer_.Atomic([&] { return writer_.InsertApiKey(key); });
  }
  Status DeleteApiKey(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteApiKey(id); });
  }
  Status InsertSharingGroup(model::SharingGroup& sg) override {
    return writer_.Atomic([&] { return writer_.InsertSharingGroup(sg); });
  }
  Status UpdateSharingGroup(const model::SharingGroup& sg) override {
    return writer_.Atomic([&] { return writer_.UpdateSharingGroup(sg); });
  }
  Status DeleteSharingGroup(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteSharingGroup(id); });
  }
  Status InsertTag(model::Tag& tag) override {
    return writer_.Atomic([&] { return writer_.InsertTag(tag); });
  }
  Status UpdateTag(const model::Tag& tag) override {
    return writer_.Atomic([&] { return writer_.UpdateTag(tag); });
  }
  Status DeleteTag(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteTag(id); });
  }
  Status InsertEvent(model::Event& event) override {
    return writer_.Atomic([&] { return writer_.InsertEvent(event); });
  }
  Status UpdateEventHeader(const model::Event& event, model::ChangeAction action) override {
    return writer_.Atomic([&] { return writer_.UpdateEventHeader(event, action); });
  }
  Status DeleteEvent(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteEvent(id); });
  }
  Status InsertAttribute(model::Attribute& attribute) override {
    return writer_.Atomic([&] { return writer_.InsertAttribute(attribute); });
  }
  Status InsertAttributes(std::vector<model::Attribute>& attributes) override {
    return writer_.Atomic([&] { return writer_.InsertEventAttributes(attributes); });
  }
  Status UpdateAttribute(const model::Attribute& attribute) override {
    return writer_.Atomic([&] { return writer_.UpdateAttribute(attribute); });
  }
  Status SetAttributeDeleted(Id id, bool deleted, int64_t timestamp) override {
    return writer_.Atomic([&] { return writer_.SetAttributeDeleted(id, deleted, timestamp); });
  }
  Status DeleteAttribute(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteAttribute(id); });
  }
  Status InsertObject(model::Object& object) override {
    return writer_.Atomic([&] { return writer_.InsertObject(object); });
  }
  Status UpdateObject(const model::Object& object) override {
    return writer_.Atomic([&] { return writer_.UpdateObject(object); });
  }
  Status SetObjectDeleted(Id id, bool deleted, int64_t timestamp) override {
    return writer_.Atomic([&] { return writer_.SetObjectDeleted(id, deleted, timestamp); });
  }
  Status DeleteObject(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteObject(id); });
  }
  Status InsertObjectReference(model::ObjectReference& ref) override {
    return writer_.Atomic([&] { return writer_.InsertObjectReference(ref); });
  }
  Status SetObjectReferenceDeleted(Id id, bool deleted, int64_t timestamp) override {
    return writer_.Atomic([&] { return writer_.SetObjectReferenceDeleted(id, deleted, timestamp); });
  }
  Status DeleteObjectReference(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteObjectReference(id); });
  }
  Status AttachTag(TagTarget target, Id target_id, Id tag_id, bool local) override {
    return writer_.Atomic([&] { return writer_.AttachTag(target, target_id, tag_id, local); });
  }
  Status DetachTag(TagTarget target, Id target_id, Id tag_id) override {
    return writer_.Atomic([&] { return writer_.DetachTag(target, target_id, tag_id); });
  }
  Status InsertSighting(model::Sighting& sighting) override {
    return writer_.Atomic([&] { return writer_.InsertSighting(sighting); });
  }
  Status DeleteSighting(Id id) override {
    return writer_.Atomic([&] { return writer_.DeleteSighting(id); });
  }
  Status InsertAlert(model::Alert& alert) override {
    return writer_.Atomic([&] { return writer_.InsertAlert(alert); });
  }
  Status AcknowledgeAlert(Id id, Id user_id, int64_t at) override {
    return writer_.Atomic([&] { return writer_.AcknowledgeAlert(id, user_id, at); });
  }
  Status AppendAudit(model::AuditEntry& entry) override {
    return writer_.Atomic([&] { return writer_.AppendAudit(entry); });
  }
  Status AppendChange(model::Change& change) override {
    return writer_.Atomic([&] { return writer_.AppendChange(change); });
  }
  Status PutLibraryDocument(const LibraryDocument& doc) override {
    return writer_.Atomic([&] { return writer_.PutLibraryDocument(doc); });
  }
  Status SetAttachmentRef(Id attribute_id, const AttachmentRef& ref) override {
    return writer_.Atomic([&] { return writer_.SetAttachmentRef(attribute_id, ref); });
  }
  Status ClearAttachmentRef(Id attribute_id) override {
    return writer_.Atomic([&] { return writer_.ClearAttachmentRef(attribute_id); });
  }

 private:
  Writer writer_;
};

}  // namespace bulwark::store::sqlite
