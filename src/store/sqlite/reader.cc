// Reads of organisations, roles, users, API keys, sharing groups and tags, plus the change log, the audit log
// and the library. Event-related reads are in reader_events.cc.
#include "store/sqlite/rows.h"
#include "store/sqlite/txn.h"

namespace bulwark::store::sqlite {
namespace {

std::string Select(const char* columns, const char* from_where) {
  return std::string("SELECT ") + columns + " FROM " + from_where;
}

}  // namespace

Result<std::optional<model::Organisation>> Reader::GetOrganisation(Id id) {
  static const std::string kSql = Select(kOrgColumns, "organisations o WHERE o.id = ?");
  return QueryOne(conn_, kSql, {id}, &ReadOrganisation);
}

Result<std::optional<model::Organisation>> Reader::FindOrganisationByUuid(const std::string& uuid) {
  static const std::string kSql = Select(kOrgColumns, "organisations o WHERE o.uuid = ?");
  return QueryOne(conn_, kSql, {uuid}, &ReadOrganisation);
}

Result<std::optional<model::Organisation>> Reader::FindOrganisationByName(const std::string& name) {
  static const std::string kSql = Select(kOrgColumns, "organisations o WHERE o.name = ?");
  return QueryOne(conn_, kSql, {name}, &ReadOrganisation);
}

Result<std::vector<model::Organisation>> Reader::ListOrganisations() {
  static const std::string kSql = Select(kOrgColumns, "organisations o ORDER BY o.id");
  return QueryAll(conn_, kSql, {}, &ReadOrganisation);
}

Result<std::optional<model::Role>> Reader::GetRole(Id id) {
  static const std::string kSql = Select(kRoleColumns, "roles r WHERE r.id = ?");
  return QueryOne(conn_, kSql, {id}, &ReadRole);
}

Result<std::vector<model::Role>> Reader::ListRoles() {
  static const std::string kSql = Select(kRoleColumns, "roles r ORDER BY r.id");
  return QueryAll(conn_, kSql, {}, &ReadRole);
}

Result<std::optional<model::User>> Reader::GetUser(Id id) {
  static const std::string kSql = Select(kUserColumns, "users u WHERE u.id = ?");
  return QueryOne(conn_, kSql, {id}, &ReadUser);
}

Result<std::optional<model::User>> Reader::FindUserByEmail(const std::string& email) {
  static const std::string kSql = Select(kUserColumns, "users u WHERE u.email = ?");  // column is NOCASE
  return QueryOne(conn_, kSql, {email}, &ReadUser);
}

Result<std::vector<model::User>> Reader::ListUsers(std::optional<Id> org_id) {
  static const std::string kAll = Select(kUserColumns, "users u ORDER BY u.id");
  static const std::string kByOrg = Select(kUserColumns, "users u WHERE u.org_id = ? ORDER BY u.id");
  if (!org_id) return QueryAll(conn_, kAll, {}, &ReadUser);
  return QueryAll(conn_, kByOrg, {*org_id}, &ReadUser);
}

Result<std::optional<model::ApiKey>> Reader::FindApiKeyByHash(const std::string& key_hash) {
  static const std::string kSql = Select(kApiKeyColumns, "api_keys k WHERE k.key_hash = ?");
  return QueryOne(conn_, kSql, {key_hash}, &ReadApiKey);
}

Result<std::vector<model::ApiKey>> Reader::ListApiKeys(Id user_id) {
  static const std::string kSql = Select(kApiKeyColumns, "api_keys k WHERE k.user_id = ? ORDER BY k.id");
  return QueryAll(conn_, kSql, {user_id}, &ReadApiKey);
}

Status Reader::FillSharingGroupMembers(model::SharingGroup& sg) {
  {
    BW_ASSIGN_OR_RETURN(
        Stmt s, conn_.Prepare("SELECT org_id, extend FROM sharing_group_orgs WHERE sharing_group_id = ? ORDER BY org_id"));
    s.Bind(1, sg.id);
    while (true) {
      BW_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      sg.orgs.push_back(model::SharingGroupOrg{s.Int(0), s.Bool(1)});
    }
  }
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("SELECT server_id, all_orgs FROM sharing_group_servers "
                                            "WHERE sharing_group_id = ? ORDER BY server_id"));
  s.Bind(1, sg.id);
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    sg.servers.push_back(model::SharingGroupServer{s.Int(0), s.Bool(1)});
  }
  return Ok();
}

Result<std::optional<model::SharingGroup>> Reader::GetSharingGroup(Id id) {
  static const std::string kSql = Select(kSharingGroupColumns, "sharing_groups g WHERE g.id = ?");
  BW_ASSIGN_OR_RETURN(auto sg, QueryOne(conn_, kSql, {id}, &ReadSharingGroup));
  if (sg) BW_RETURN_IF_ERROR(FillSharingGroupMembers(*sg));
  return sg;
}

Result<std::optional<model::SharingGroup>> Reader::FindSharingGroupByUuid(const std::string& uuid) {
  static const std::string kSql = Select(kSharingGroupColumns, "sharing_groups g WHERE g.uuid = ?");
  BW_ASSIGN_OR_RETURN(auto sg, QueryOne(conn_, kSql, {uuid}, &ReadSharingGroup));
  if (sg) BW_RETURN_IF_ERROR(FillSharingGroupMembers(*sg));
  return sg;
}

Result<std::vector<model::SharingGroup>> Reader::ListSharingGroups() {
  static const std::string kSql = Select(kSharingGroupColumns, "sharing_groups g ORDER BY g.id");
  BW_ASSIGN_OR_RETURN(auto groups, QueryAll(conn_, kSql, {}, &ReadSharingGroup));
  for (auto& sg : groups) BW_RETURN_IF_ERROR(FillSharingGroupMembers(sg));
  return groups;
}

Result<std::vector<Id>> Reader::SharingGroupIdsForOrg(Id org_id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(
                                  "SELECT g.id FROM sharing_groups g WHERE g.active = 1 AND ("
                                  "EXISTS (SELECT 1 FROM sharing_group_orgs so WHERE so.sharing_group_id = g.id "
                                  "AND so.org_id = ?) OR "
                                  "EXISTS (SELECT 1 FROM sharing_group_servers ss WHERE ss.sharing_group_id = g.id "
                                  "AND ss.server_id = 0 AND ss.all_orgs = 1)) ORDER BY g.id"));
  s.Bind(1, org_id);
  std::vector<Id> ids;
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ids.push_back(s.Int(0));
  }
  return ids;
}

Result<std::optional<model::Tag>> Reader::GetTag(Id id) {
  static const std::string kSql = Select(kTagColumns, "tags t WHERE t.id = ?");
  return QueryOne(conn_, kSql, {id}, &ReadTag);
}

Result<std::optional<model::Tag>> Reader::FindTagByName(const std::string& name) {
  static const std::string kSql = Select(kTagColumns, "tags t WHERE t.name = ?");
  return QueryOne(conn_, kSql, {name}, &ReadTag);
}

Result<std::vector<model::Tag>> Reader::ListTags(const std::optional<std::string>& name_like) {
  static const std::string kAll = Select(kTagColumns, "tags t ORDER BY t.id");
  static const std::string kLike = Select(kTagColumns, "tags t WHERE t.name LIKE ? ORDER BY t.id");
  if (!name_like) return QueryAll(conn_, kAll, {}, &ReadTag);
  return QueryAll(conn_, kLike, {*name_like}, &ReadTag);
}

Result<std::vector<model::AppliedTag>> Reader::TagsOf(TagTarget target, Id id) {
  static const std::string kAttribute = std::string("SELECT ") + kTagColumns +
                                        ", x.local FROM attribute_tags x JOIN tags t ON t.id = x.tag_id "
                                        "WHERE x.attribute_id = ? ORDER BY t.id";
  static const std::string kEventWithLocal = std::string("SELECT ") + kTagColumns +
                                             ", x.local FROM event_tags x JOIN tags t ON t.id = x.tag_id "
                                             "WHERE x.event_id = ? ORDER BY t.id";
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare(target == TagTarget::kEvent ? kEventWithLocal : kAttribute));
  s.Bind(1, id);
  std::vector<model::AppliedTag> tags;
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    tags.push_back(model::AppliedTag{ReadTag(s, 0), s.Bool(kTagColumnCount)});
  }
  return tags;
}

Result<std::vector<model::Change>> Reader::ReadChanges(int64_t after_seq, size_t limit) {
  static const std::string kSql = Select(kChangeColumns, "changes c WHERE c.seq > ? ORDER BY c.seq LIMIT ?");
  // LIMIT -1 is "no limit" in SQLite.
  return QueryAll(conn_, kSql, {after_seq, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit)}, &ReadChange);
}

Result<int64_t> Reader::LastChangeSeq() {
  // sqlite_sequence survives deletes of the newest rows, so the answer never goes backwards.
  return conn_.QueryInt("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)");
}

Result<std::vector<model::AuditEntry>> Reader::ListAudit(Id after_id, size_t limit) {
  static const std::string kSql = Select(kAuditColumns, "audit_log al WHERE al.id > ? ORDER BY al.id LIMIT ?");
  return QueryAll(conn_, kSql, {after_id, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit)}, &ReadAudit);
}

Result<std::vector<model::Alert>> Reader::ListAlerts(Id after_id, size_t limit) {
  static const std::string kSql = Select(kAlertColumns, "alerts ar WHERE ar.id > ? ORDER BY ar.id LIMIT ?");
  return QueryAll(conn_, kSql, {after_id, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit)}, &ReadAlert);
}

Result<std::optional<model::Alert>> Reader::GetAlert(Id id) {
  static const std::string kSql = Select(kAlertColumns, "alerts ar WHERE ar.id = ?");
  BW_ASSIGN_OR_RETURN(auto rows, QueryAll(conn_, kSql, {id}, &ReadAlert));
  if (rows.empty()) return std::optional<model::Alert>();
  return std::optional<model::Alert>(std::move(rows.front()));
}

Status Reader::ScanLibrary(const std::string& kind, const std::function<bool(const LibraryDocument&)>& visit) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("SELECT kind, name, uuid, version, json FROM library WHERE kind = ? "
                                            "ORDER BY name"));
  s.Bind(1, kind);
  while (true) {
    BW_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    LibraryDocument doc{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Text(4)};
    if (!visit(doc)) break;
  }
  return Ok();
}

}  // namespace bulwark::store::sqlite
