// Writes of organisations, roles, users, API keys, sharing groups, tags, the audit log, the change log and the
// library. Event-related writes are in writer_events.cc. Entities without a UUID (roles, users, tags) are
// logged in the change log with their local id, in decimal, as the uuid.
#include "common/uuid.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/txn.h"

namespace bulwark::store::sqlite {
namespace {

using model::ChangeAction;

Error NotFound(std::string_view what, Id id) {
  return MakeError(ErrorCode::kNotFound, std::string(what) + " " + std::to_string(id) + " not found");
}

// Steps a statement with RETURNING of one text column; nullopt when no row was affected.
Result<std::optional<std::string>> RunReturning(Stmt& s, std::initializer_list<UniqueField> uniques = {}) {
  BW_ASSIGN_OR_RETURN(bool row, s.Step(uniques));
  std::optional<std::string> out;
  if (row) out = s.Text(0);
  s.Reset();
  return out;
}

void EnsureUuid(std::string& uuid) {
  if (uuid.empty()) uuid = NewUuidV4();
}

}  // namespace

Status Writer::Log(std::string_view entity, std::string_view uuid, Id event_id, ChangeAction action) {
  return LogAt(entity, uuid, event_id, action, clock_.NowMicros());
}

Status Writer::LogAt(std::string_view entity, std::string_view uuid, Id event_id, ChangeAction action,
                     int64_t time_micros) {
  BW_ASSIGN_OR_RETURN(
      Stmt s, conn_.Prepare("INSERT INTO changes (entity, uuid, event_id, action, time_micros) VALUES (?,?,?,?,?)"));
  return s.Bind(1, entity)
      .Bind(2, uuid)
      .Bind(3, event_id)
      .Bind(4, static_cast<int64_t>(action))
      .Bind(5, time_micros)
      .Run();
}

Status Writer::InsertOrganisation(model::Organisation& org) {
  EnsureUuid(org.uuid);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO organisations (uuid, name, description, type, sector, "
                                            "nationality, contacts, local, created, modified) "
                                            "VALUES (?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, org.uuid).Bind(2, org.name).Bind(3, org.description).Bind(4, org.type).Bind(5, org.sector);
  s.Bind(6, org.nationality).Bind(7, org.contacts).Bind(8, int64_t{org.local}).Bind(9, org.created);
  s.Bind(10, org.modified);
  BW_RETURN_IF_ERROR(s.Run({{"organisations.uuid", "an organisation", "uuid", org.uuid},
                            {"organisations.name", "an organisation", "name", org.name}}));
  org.id = conn_.LastInsertId();
  return Log("organisation", org.uuid, 0, ChangeAction::kAdd);
}

Status Writer::UpdateOrganisation(const model::Organisation& org) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE organisations SET uuid = ?, name = ?, description = ?, type = ?, "
                                            "sector = ?, nationality = ?, contacts = ?, local = ?, created = ?, "
                                            "modified = ? WHERE id = ? RETURNING uuid"));
  s.Bind(1, org.uuid).Bind(2, org.name).Bind(3, org.description).Bind(4, org.type).Bind(5, org.sector);
  s.Bind(6, org.nationality).Bind(7, org.contacts).Bind(8, int64_t{org.local}).Bind(9, org.created);
  s.Bind(10, org.modified).Bind(11, org.id);
  BW_ASSIGN_OR_RETURN(auto uuid, RunReturning(s, {{"organisations.uuid", "an organisation", "uuid", org.uuid},
                                                  {"organisations.name", "an organisation", "name", org.name}}));
  if (!uuid) return NotFound("organisation", org.id);
  return Log("organisation", *uuid, 0, ChangeAction::kEdit);
}

Status Writer::DeleteOrganisation(Id id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM organisations WHERE id = ? RETURNING uuid"));
  s.Bind(1, id);
  BW_ASSIGN_OR_RETURN(auto uuid, RunReturning(s));
  if (!uuid) return NotFound("organisation", id);
  return Log("organisation", *uuid, 0, ChangeAction::kDelete);
}

Status Writer::InsertRole(model::Role& role) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO roles (id, name, permissions, default_role, created, "
                                            "modified) VALUES (?,?,?,?,?,?)"));
  std::string id_text = std::to_string(role.id);
  if (role.id != 0) s.Bind(1, role.id); else s.BindNull(1);
  s.Bind(2, role.name).Bind(3, int64_t{role.permissions}).Bind(4, int64_t{role.default_role});
  s.Bind(5, role.created).Bind(6, role.modified);
  BW_RETURN_IF_ERROR(s.Run({{"roles.id", "a role", "id", id_text}}));
  role.id = conn_.LastInsertId();
  return Log("role", std::to_string(role.id), 0, ChangeAction::kAdd);
}

Status Writer::InsertUser(model::User& user) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO users (email, org_id, role_id, disabled, created, modified) "
                                            "VALUES (?,?,?,?,?,?)"));
  s.Bind(1, user.email).Bind(2, user.org_id).Bind(3, user.role_id).Bind(4, int64_t{user.disabled});
  s.Bind(5, user.created).Bind(6, user.modified);
  BW_RETURN_IF_ERROR(s.Run({{"users.email", "a user", "email", user.email}}));
  user.id = conn_.LastInsertId();
  return Log("user", std::to_string(user.id), 0, ChangeAction::kAdd);
}

Status Writer::UpdateUser(const model::User& user) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE users SET email = ?, org_id = ?, role_id = ?, disabled = ?, "
                                            "created = ?, modified = ? WHERE id = ?"));
  s.Bind(1, user.email).Bind(2, user.org_id).Bind(3, user.role_id).Bind(4, int64_t{user.disabled});
  s.Bind(5, user.created).Bind(6, user.modified).Bind(7, user.id);
  BW_RETURN_IF_ERROR(s.Run({{"users.email", "a user", "email", user.email}}));
  if (conn_.Changes() == 0) return NotFound("user", user.id);
  return Log("user", std::to_string(user.id), 0, ChangeAction::kEdit);
}

Status Writer::DeleteUser(Id id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM users WHERE id = ?"));  // API keys cascade
  BW_RETURN_IF_ERROR(s.Bind(1, id).Run());
  if (conn_.Changes() == 0) return NotFound("user", id);
  return Log("user", std::to_string(id), 0, ChangeAction::kDelete);
}

Status Writer::InsertApiKey(model::ApiKey& key) {
  EnsureUuid(key.uuid);
  BW_ASSIGN_OR_RETURN(auto user, reader_.GetUser(key.user_id));
  if (!user) return NotFound("user", key.user_id);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO api_keys (uuid, user_id, key_hash, key_start, key_end, "
                                            "expiration, read_only, comment, created) VALUES (?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, key.uuid).Bind(2, key.user_id).Bind(3, key.key_hash).Bind(4, key.key_start).Bind(5, key.key_end);
  s.Bind(6, key.expiration).Bind(7, int64_t{key.read_only}).Bind(8, key.comment).Bind(9, key.created);
  BW_RETURN_IF_ERROR(s.Run({{"api_keys.uuid", "an API key", "uuid", key.uuid},
                            {"api_keys.key_hash", "an API key", "key_hash", key.key_hash}}));
  key.id = conn_.LastInsertId();
  return Log("api_key", key.uuid, 0, ChangeAction::kAdd);
}

Status Writer::DeleteApiKey(Id id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM api_keys WHERE id = ? RETURNING uuid"));
  s.Bind(1, id);
  BW_ASSIGN_OR_RETURN(auto uuid, RunReturning(s));
  if (!uuid) return NotFound("API key", id);
  return Log("api_key", *uuid, 0, ChangeAction::kDelete);
}

Status Writer::SaveSharingGroupMembers(const model::SharingGroup& sg) {
  BW_ASSIGN_OR_RETURN(Stmt del_orgs, conn_.Prepare("DELETE FROM sharing_group_orgs WHERE sharing_group_id = ?"));
  BW_RETURN_IF_ERROR(del_orgs.Bind(1, sg.id).Run());
  BW_ASSIGN_OR_RETURN(Stmt del_srv, conn_.Prepare("DELETE FROM sharing_group_servers WHERE sharing_group_id = ?"));
  BW_RETURN_IF_ERROR(del_srv.Bind(1, sg.id).Run());
  BW_ASSIGN_OR_RETURN(Stmt org, conn_.Prepare("INSERT INTO sharing_group_orgs (sharing_group_id, org_id, extend) "
                                              "VALUES (?,?,?) ON CONFLICT DO UPDATE SET extend = excluded.extend"));
  for (const auto& o : sg.orgs) {
    BW_RETURN_IF_ERROR(org.Bind(1, sg.id).Bind(2, o.org_id).Bind(3, int64_t{o.extend}).Run());
  }
  BW_ASSIGN_OR_RETURN(Stmt srv, conn_.Prepare("INSERT INTO sharing_group_servers (sharing_group_id, server_id, "
                                              "all_orgs) VALUES (?,?,?) "
                                              "ON CONFLICT DO UPDATE SET all_orgs = excluded.all_orgs"));
  for (const auto& v : sg.servers) {
    BW_RETURN_IF_ERROR(srv.Bind(1, sg.id).Bind(2, v.server_id).Bind(3, int64_t{v.all_orgs}).Run());
  }
  return Ok();
}

Status Writer::InsertSharingGroup(model::SharingGroup& sg) {
  EnsureUuid(sg.uuid);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO sharing_groups (uuid, name, description, releasability, "
                                            "org_id, active, local, roaming, created, modified) "
                                            "VALUES (?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, sg.uuid).Bind(2, sg.name).Bind(3, sg.description).Bind(4, sg.releasability).Bind(5, sg.org_id);
  s.Bind(6, int64_t{sg.active}).Bind(7, int64_t{sg.local}).Bind(8, int64_t{sg.roaming}).Bind(9, sg.created);
  s.Bind(10, sg.modified);
  BW_RETURN_IF_ERROR(s.Run({{"sharing_groups.uuid", "a sharing group", "uuid", sg.uuid}}));
  sg.id = conn_.LastInsertId();
  BW_RETURN_IF_ERROR(SaveSharingGroupMembers(sg));
  return Log("sharing_group", sg.uuid, 0, ChangeAction::kAdd);
}

Status Writer::UpdateSharingGroup(const model::SharingGroup& sg) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE sharing_groups SET uuid = ?, name = ?, description = ?, "
                                            "releasability = ?, org_id = ?, active = ?, local = ?, roaming = ?, "
                                            "created = ?, modified = ? WHERE id = ? RETURNING uuid"));
  s.Bind(1, sg.uuid).Bind(2, sg.name).Bind(3, sg.description).Bind(4, sg.releasability).Bind(5, sg.org_id);
  s.Bind(6, int64_t{sg.active}).Bind(7, int64_t{sg.local}).Bind(8, int64_t{sg.roaming}).Bind(9, sg.created);
  s.Bind(10, sg.modified).Bind(11, sg.id);
  BW_ASSIGN_OR_RETURN(auto uuid, RunReturning(s, {{"sharing_groups.uuid", "a sharing group", "uuid", sg.uuid}}));
  if (!uuid) return NotFound("sharing group", sg.id);
  BW_RETURN_IF_ERROR(SaveSharingGroupMembers(sg));
  return Log("sharing_group", *uuid, 0, ChangeAction::kEdit);
}

Status Writer::DeleteSharingGroup(Id id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM sharing_groups WHERE id = ? RETURNING uuid"));
  s.Bind(1, id);
  BW_ASSIGN_OR_RETURN(auto uuid, RunReturning(s));
  if (!uuid) return NotFound("sharing group", id);
  return Log("sharing_group", *uuid, 0, ChangeAction::kDelete);
}

Status Writer::InsertTag(model::Tag& tag) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO tags (name, colour, exportable, hide_tag, is_galaxy, "
                                            "local_only, org_id, user_id, numerical_value) "
                                            "VALUES (?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, tag.name).Bind(2, tag.colour).Bind(3, int64_t{tag.exportable}).Bind(4, int64_t{tag.hide_tag});
  s.Bind(5, int64_t{tag.is_galaxy}).Bind(6, int64_t{tag.local_only}).Bind(7, tag.org_id).Bind(8, tag.user_id);
  s.Bind(9, tag.numerical_value ? std::optional<int64_t>(*tag.numerical_value) : std::nullopt);
  BW_RETURN_IF_ERROR(s.Run({{"tags.name", "a tag", "name", tag.name}}));
  tag.id = conn_.LastInsertId();
  return Log("tag", std::to_string(tag.id), 0, ChangeAction::kAdd);
}

Status Writer::UpdateTag(const model::Tag& tag) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE tags SET name = ?, colour = ?, exportable = ?, hide_tag = ?, "
                                            "is_galaxy = ?, local_only = ?, org_id = ?, user_id = ?, "
                                            "numerical_value = ? WHERE id = ?"));
  s.Bind(1, tag.name).Bind(2, tag.colour).Bind(3, int64_t{tag.exportable}).Bind(4, int64_t{tag.hide_tag});
  s.Bind(5, int64_t{tag.is_galaxy}).Bind(6, int64_t{tag.local_only}).Bind(7, tag.org_id).Bind(8, tag.user_id);
  s.Bind(9, tag.numerical_value ? std::optional<int64_t>(*tag.numerical_value) : std::nullopt).Bind(10, tag.id);
  BW_RETURN_IF_ERROR(s.Run({{"tags.name", "a tag", "name", tag.name}}));
  if (conn_.Changes() == 0) return NotFound("tag", tag.id);
  return Log("tag", std::to_string(tag.id), 0, ChangeAction::kEdit);
}

Status Writer::DeleteTag(Id id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM tags WHERE id = ?"));  // event/attribute tags cascade
  BW_RETURN_IF_ERROR(s.Bind(1, id).Run());
  if (conn_.Changes() == 0) return NotFound("tag", id);
  return Log("tag", std::to_string(id), 0, ChangeAction::kDelete);
}

Status Writer::AppendAudit(model::AuditEntry& entry) {
  if (entry.created_micros == 0) entry.created_micros = clock_.NowMicros();
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO audit_log (created_micros, user_id, org_id, ip, action, "
                                            "model, model_id, model_uuid, title, change) "
                                            "VALUES (?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, entry.created_micros).Bind(2, entry.user_id).Bind(3, entry.org_id).Bind(4, entry.ip);
  s.Bind(5, entry.action).Bind(6, entry.model).Bind(7, entry.model_id).Bind(8, entry.model_uuid);
  s.Bind(9, entry.title).Bind(10, entry.change);
  BW_RETURN_IF_ERROR(s.Run());
  entry.id = conn_.LastInsertId();
  return Ok();
}

Status Writer::InsertAlert(model::Alert& a) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO alerts (created, org_id, user_id, source, event_id, "
                                            "event_uuid, attribute_id, attribute_uuid, value, sighting_id, "
                                            "acknowledged, acknowledged_by, acknowledged_at) "
                                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, a.created).Bind(2, a.org_id).Bind(3, a.user_id).Bind(4, a.source).Bind(5, a.event_id);
  s.Bind(6, a.event_uuid).Bind(7, a.attribute_id).Bind(8, a.attribute_uuid).Bind(9, a.value);
  s.Bind(10, a.sighting_id).Bind(11, int64_t{a.acknowledged ? 1 : 0}).Bind(12, a.acknowledged_by);
  s.Bind(13, a.acknowledged_at);
  BW_RETURN_IF_ERROR(s.Run());
  a.id = conn_.LastInsertId();
  return Ok();
}

Status Writer::AcknowledgeAlert(Id id, Id user_id, int64_t at) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE alerts SET acknowledged = 1, acknowledged_by = ?, "
                                            "acknowledged_at = ? WHERE id = ?"));
  s.Bind(1, user_id).Bind(2, at).Bind(3, id);
  BW_RETURN_IF_ERROR(s.Run());
  if (conn_.Changes() == 0) return MakeError(ErrorCode::kNotFound, "alert " + std::to_string(id) + " not found");
  return Ok();
}

Status Writer::AppendChange(model::Change& change) {
  change.time_micros = clock_.NowMicros();
  BW_RETURN_IF_ERROR(LogAt(change.entity, change.uuid, change.event_id, change.action, change.time_micros));
  change.seq = conn_.LastInsertId();
  return Ok();
}

Status Writer::PutLibraryDocument(const LibraryDocument& doc) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("INSERT INTO library (kind, name, uuid, version, json) VALUES (?,?,?,?,?) "
                                            "ON CONFLICT (kind, name) DO UPDATE SET uuid = excluded.uuid, "
                                            "version = excluded.version, json = excluded.json"));
  s.Bind(1, doc.kind).Bind(2, doc.name).Bind(3, doc.uuid).Bind(4, doc.version).Bind(5, doc.json);
  BW_RETURN_IF_ERROR(s.Run());
  return Log("library", doc.uuid.empty() ? doc.name : doc.uuid, 0, ChangeAction::kEdit);
}

}  // namespace bulwark::store::sqlite
