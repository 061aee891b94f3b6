// Column lists and row decoders, one pair per entity. Each kXxxColumns constant is the SELECT list (with a
// table alias) and ReadXxx(stmt, first) decodes those columns starting at column index `first`, so a query can
// select several entities side by side (an attribute, its event and its object).
#pragma once

#include "model/entities.h"
#include "store/sqlite/db.h"
#include "store/store.h"

namespace bulwark::store::sqlite {

inline constexpr const char* kOrgColumns =
    "o.id, o.uuid, o.name, o.description, o.type, o.sector, o.nationality, o.contacts, o.local, o.created, "
    "o.modified";
model::Organisation ReadOrganisation(const Stmt& s, int first = 0);

inline constexpr const char* kRoleColumns = "r.id, r.name, r.permissions, r.default_role, r.created, r.modified";
model::Role ReadRole(const Stmt& s, int first = 0);

inline constexpr const char* kUserColumns = "u.id, u.email, u.org_id, u.role_id, u.disabled, u.created, u.modified";
model::User ReadUser(const Stmt& s, int first = 0);

inline constexpr const char* kApiKeyColumns =
    "k.id, k.uuid, k.user_id, k.key_hash, k.key_start, k.key_end, k.expiration, k.read_only, k.comment, k.created";
model::ApiKey ReadApiKey(const Stmt& s, int first = 0);

inline constexpr const char* kSharingGroupColumns =
    "g.id, g.uuid, g.name, g.description, g.releasability, g.org_id, g.active, g.local, g.roaming, g.created, "
    "g.modified";
model::SharingGroup ReadSharingGroup(const Stmt& s, int first = 0);

inline constexpr int kTagColumnCount = 10;
inline constexpr const char* kTagColumns =
    "t.id, t.name, t.colour, t.exportable, t.hide_tag, t.is_galaxy, t.local_only, t.org_id, t.user_id, "
    "t.numerical_value";
model::Tag ReadTag(const Stmt& s, int first = 0);

inline constexpr int kEventColumnCount = 20;
inline constexpr const char* kEventColumns =
    "e.id, e.uuid, e.info, e.date, e.org_id, e.orgc_id, e.user_id, e.published, e.publish_timestamp, e.timestamp, "
    "e.sighting_timestamp, e.distribution, e.sharing_group_id, e.analysis, e.threat_level, e.locked, "
    "e.disable_correlation, e.protected_event, e.extends_uuid, e.attribute_count";
model::Event ReadEvent(const Stmt& s, int first = 0);

inline constexpr int kAttributeColumnCount = 18;
inline constexpr const char* kAttributeColumns =
    "a.id, a.event_id, a.object_id, a.object_relation, a.uuid, a.type, a.category, a.value1, a.value2, a.to_ids, "
    "a.distribution, a.sharing_group_id, a.comment, a.deleted, a.disable_correlation, a.timestamp, a.first_seen, "
    "a.last_seen";
model::Attribute ReadAttribute(const Stmt& s, int first = 0);
// The same into an existing attribute, reusing its strings' capacity (no allocation once they are large enough):
// for scans that decode millions of rows. Leaves `out.tags` untouched.
void ReadAttributeInto(const Stmt& s, int first, model::Attribute& out);

inline constexpr int kObjectColumnCount = 15;
inline constexpr const char* kObjectColumns =
    "ob.id, ob.event_id, ob.uuid, ob.name, ob.meta_category, ob.description, ob.template_uuid, "
    "ob.template_version, ob.comment, ob.distribution, ob.sharing_group_id, ob.deleted, ob.timestamp, "
    "ob.first_seen, ob.last_seen";
model::Object ReadObject(const Stmt& s, int first = 0);

inline constexpr const char* kReferenceColumns =
    "rf.id, rf.uuid, rf.object_id, rf.event_id, rf.source_uuid, rf.referenced_uuid, rf.referenced_type, "
    "rf.relationship_type, rf.comment, rf.deleted, rf.timestamp";
model::ObjectReference ReadReference(const Stmt& s, int first = 0);

inline constexpr const char* kSightingColumns =
    "si.id, si.uuid, si.attribute_id, si.event_id, si.org_id, si.date_sighting, si.source, si.type";
model::Sighting ReadSighting(const Stmt& s, int first = 0);

inline constexpr const char* kAuditColumns =
    "al.id, al.created_micros, al.user_id, al.org_id, al.ip, al.action, al.model, al.model_id, al.model_uuid, "
    "al.title, al.change";
model::AuditEntry ReadAudit(const Stmt& s, int first = 0);

inline constexpr const char* kAlertColumns =
    "ar.id, ar.created, ar.org_id, ar.user_id, ar.source, ar.event_id, ar.event_uuid, ar.attribute_id, "
    "ar.attribute_uuid, ar.value, ar.sighting_id, ar.acknowledged, ar.acknowledged_by, ar.acknowledged_at";
model::Alert ReadAlert(const Stmt& s, int first = 0);

inline constexpr const char* kChangeColumns = "c.seq, c.entity, c.uuid, c.event_id, c.action, c.time_micros";
model::Change ReadChange(const Stmt& s, int first = 0);

// Runs `sql` with `params` and decodes the first row with `read`, or nullopt when there is none.
template <typename T>
Result<std::optional<T>> QueryOne(Connection& conn, std::string_view sql, const std::vector<SqlValue>& params,
                                  T (*read)(const Stmt&, int)) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(sql));
  s.BindAll(params);
  BW_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<T>();
  return std::optional<T>(read(s, 0));
}

// Runs `sql` with `params` and decodes every row with `read`.
template <typename T>
Result<std::vector<T>> QueryAll(Connection& conn, std::string_view sql, const std::vector<SqlValue>& params,
                                T (*read)(const Stmt&, int)) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(sql));
  s.BindAll(params);
  std::vector<T> out;
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(read(s, 0));
  }
  return out;
}

// "deleted" conditions for a table alias: "" (include), " AND x.deleted = 0" or " AND x.deleted = 1".
std::string DeletedCondition(DeletedFilter filter, const char* alias);

}  // namespace bulwark::store::sqlite
