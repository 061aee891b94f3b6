// Organisations, users, API keys, roles, sharing groups, the audit log and the change log.
#include <algorithm>

#include "access/roles.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "hub/hub.h"
#include "hub/internal.h"

namespace bulwark::hub {

using namespace internal;

namespace {

Result<model::Organisation> FindOrg(store::ReadTxn& txn, std::string_view ref) {
  BW_ASSIGN_OR_RETURN(auto o, LookupRef<model::Organisation>(
                                  ref, "an organisation", [&](Id id) { return txn.GetOrganisation(id); },
                                  [&](const std::string& uuid) { return txn.FindOrganisationByUuid(uuid); },
                                  [&](const std::string& name) { return txn.FindOrganisationByName(name); }));
  if (!o) return NotFound("organisation", ref);
  return std::move(*o);
}

Result<model::User> FindUser(store::ReadTxn& txn, const Principal& p, std::string_view ref) {
  if (ref == "me") return p.user;
  std::optional<model::User> u;
  Id id = 0;
  if (ParseId(ref, id)) {
    BW_ASSIGN_OR_RETURN(u, txn.GetUser(id));
  } else {
    BW_ASSIGN_OR_RETURN(u, txn.FindUserByEmail(std::string(ref)));
  }
  if (!u || !access::CanSeeUser(p, *u)) return NotFound("user", ref);
  return std::move(*u);
}

Result<model::SharingGroup> FindSharingGroup(store::ReadTxn& txn, const Principal& p, std::string_view ref) {
  BW_ASSIGN_OR_RETURN(auto sg, LookupRef<model::SharingGroup>(
                                   ref, "a sharing group", [&](Id id) { return txn.GetSharingGroup(id); },
                                   [&](const std::string& uuid) { return txn.FindSharingGroupByUuid(uuid); }));
  if (!sg || !access::CanSeeSharingGroup(p, *sg)) return NotFound("sharing group", ref);
  return std::move(*sg);
}

}  // namespace

namespace internal {

Status ValidateEmail(const std::string& email) {
  const auto at = email.find('@');
  if (email.empty() || email.size() > 254 || at == std::string::npos || at == 0 || at + 1 >= email.size() ||
      email.find('@', at + 1) != std::string::npos || email.find_first_of(" \t\r\n<>\"") != std::string::npos) {
    return MakeError(ErrorCode::kInvalid, "'" + email.substr(0, 64) + "' is not an email address", "email");
  }
  return Ok();
}

}  // namespace internal

namespace {

Status ValidateOrgName(const std::string& name) {
  if (name.empty() || name.size() > 255) {
    return MakeError(ErrorCode::kInvalid, "an organisation needs a name of 1 to 255 characters", "name");
  }
  return Ok();
}

Result<model::Role> GetRoleOrError(store::ReadTxn& txn, Id role_id) {
  BW_ASSIGN_OR_RETURN(auto role, txn.GetRole(role_id));
  if (!role) return MakeError(ErrorCode::kInvalid, "role " + std::to_string(role_id) + " does not exist", "role_id");
  return std::move(*role);
}

}  // namespace

// ---- Organisations

Result<std::vector<model::Organisation>> Hub::ListOrganisations(const Principal& p) {
  (void)p;  // every user may list organisations, as in MISP
  std::vector<model::Organisation> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, txn.ListOrganisations());
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<model::Organisation> Hub::ViewOrganisation(const Principal& p, const std::string& ref) {
  (void)p;
  model::Organisation out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, FindOrg(txn, ref));
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<model::Organisation> Hub::AddOrganisation(const Principal& p, misp::OrganisationInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kSiteAdmin, "create organisations"));
  model::Organisation o = std::move(input.org);
  BW_RETURN_IF_ERROR(ValidateOrgName(o.name));
  if (o.uuid.empty()) {
    o.uuid = NewUuidV4();
  } else if (!IsUuid(o.uuid)) {
    return MakeError(ErrorCode::kInvalid, "'" + o.uuid.substr(0, 64) + "' is not a UUID", "uuid");
  } else {
    o.uuid = NormaliseUuid(o.uuid);
  }
  o.created = o.modified = clock_.NowSeconds();
  o.id = 0;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_RETURN_IF_ERROR(txn.InsertOrganisation(o));
    return Audit(txn, p, clock_.NowMicros(), "add", "Organisation", o.id, o.uuid, "Organisation " + o.name + " created");
  });
  if (!st.ok()) return std::move(st).error();
  return o;
}

Result<model::Organisation> Hub::EditOrganisation(const Principal& p, const std::string& ref,
                                                  misp::OrganisationInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kSiteAdmin, "edit organisations"));
  model::Organisation out;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Organisation o, FindOrg(txn, ref));
    const auto& in = input.org;
    const auto& has = input.present;
    if (has.count("name")) {
      BW_RETURN_IF_ERROR(ValidateOrgName(in.name));
      o.name = in.name;
    }
    if (has.count("description")) o.description = in.description;
    if (has.count("type")) o.type = in.type;
    if (has.count("sector")) o.sector = in.sector;
    if (has.count("nationality")) o.nationality = in.nationality;
    if (has.count("contacts")) o.contacts = in.contacts;
    if (has.count("local")) o.local = in.local;
    o.modified = clock_.NowSeconds();
    BW_RETURN_IF_ERROR(txn.UpdateOrganisation(o));
    out = o;
    return Audit(txn, p, clock_.NowMicros(), "edit", "Organisation", o.id, o.uuid, "Organisation " + o.name + " edited");
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Status Hub::DeleteOrganisation(const Principal& p, const std::string& ref) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kSiteAdmin, "delete organisations"));
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Organisation o, FindOrg(txn, ref));
    if (o.id == p.org.id) return MakeError(ErrorCode::kConflict, "you cannot delete your own organisation");
    BW_ASSIGN_OR_RETURN(auto users, txn.ListUsers(o.id));
    if (!users.empty()) {
      return MakeError(ErrorCode::kConflict, "organisation " + o.name + " still has " + std::to_string(users.size()) +
                                                 " user(s): delete or move them first");
    }
    store::EventQuery q;
    q.orgc_ids = {o.id};
    BW_ASSIGN_OR_RETURN(int64_t events, txn.CountEvents(q));
    if (events > 0) {
      return MakeError(ErrorCode::kConflict, "organisation " + o.name + " created " + std::to_string(events) +
                                                 " event(s): it cannot be deleted");
    }
    BW_RETURN_IF_ERROR(txn.DeleteOrganisation(o.id));
    return Audit(txn, p, clock_.NowMicros(), "delete", "Organisation", o.id, o.uuid, "Organisation " + o.name + " deleted");
  });
}

// ---- Users and keys

Result<std::vector<model::User>> Hub::ListUsers(const Principal& p) {
  std::vector<model::User> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    std::optional<Id> org;
    if (!p.IsSiteAdmin()) org = p.org.id;
    BW_ASSIGN_OR_RETURN(auto users, txn.ListUsers(org));
    for (auto& u : users) {
      if (access::CanSeeUser(p, u)) out.push_back(std::move(u));
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<model::User> Hub::ViewUser(const Principal& p, const std::string& ref) {
  model::User out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, FindUser(txn, p, ref));
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<model::User> Hub::AddUser(const Principal& p, misp::UserInput input) {
  model::User u = std::move(input.user);
  BW_RETURN_IF_ERROR(ValidateEmail(u.email));
  if (!input.present.count("org_id") || u.org_id == 0) u.org_id = p.org.id;
  if (!input.present.count("role_id") || u.role_id == 0) u.role_id = access::kRoleUser;
  u.id = 0;
  u.created = u.modified = clock_.NowSeconds();
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::Role role, GetRoleOrError(txn, u.role_id));
    BW_RETURN_IF_ERROR(access::CheckCanManageUser(p, u, role));
    BW_ASSIGN_OR_RETURN(auto org, txn.GetOrganisation(u.org_id));
    if (!org) return MakeError(ErrorCode::kInvalid, "organisation " + std::to_string(u.org_id) + " does not exist", "org_id");
    BW_RETURN_IF_ERROR(txn.InsertUser(u));
    return Audit(txn, p, clock_.NowMicros(), "add", "User", u.id, "", "User " + u.email + " created");
  });
  if (!st.ok()) return std::move(st).error();
  return u;
}

Result<model::User> Hub::EditUser(const Principal& p, const std::string& ref, misp::UserInput input) {
  model::User out;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::User u, FindUser(txn, p, ref));
    BW_ASSIGN_OR_RETURN(model::Role current_role, GetRoleOrError(txn, u.role_id));
    BW_RETURN_IF_ERROR(access::CheckCanManageUser(p, u, current_role));
    const auto& has = input.present;
    if (has.count("email")) {
      BW_RETURN_IF_ERROR(ValidateEmail(input.user.email));
      u.email = input.user.email;
    }
    if (has.count("disabled")) u.disabled = input.user.disabled;
    if (has.count("org_id")) u.org_id = input.user.org_id;
    if (has.count("role_id")) u.role_id = input.user.role_id;
    BW_ASSIGN_OR_RETURN(model::Role new_role, GetRoleOrError(txn, u.role_id));
    BW_RETURN_IF_ERROR(access::CheckCanManageUser(p, u, new_role));
    BW_ASSIGN_OR_RETURN(auto org, txn.GetOrganisation(u.org_id));
    if (!org) return MakeError(ErrorCode::kInvalid, "organisation " + std::to_string(u.org_id) + " does not exist", "org_id");
    u.modified = clock_.NowSeconds();
    BW_RETURN_IF_ERROR(txn.UpdateUser(u));
    out = u;
    return Audit(txn, p, clock_.NowMicros(), "edit", "User", u.id, "", "User " + u.email + " edited");
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Status Hub::DeleteUser(const Principal& p, const std::string& ref) {
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::User u, FindUser(txn, p, ref));
    if (u.id == p.user.id) return MakeError(ErrorCode::kConflict, "you cannot delete yourself");
    BW_ASSIGN_OR_RETURN(model::Role role, GetRoleOrError(txn, u.role_id));
    BW_RETURN_IF_ERROR(access::CheckCanManageUser(p, u, role));
    BW_RETURN_IF_ERROR(txn.DeleteUser(u.id));
    return Audit(txn, p, clock_.NowMicros(), "delete", "User", u.id, "", "User " + u.email + " deleted");
  });
}

Result<CreatedKey> Hub::AddApiKey(const Principal& p, const std::string& user_ref, const KeyRequest& req) {
  CreatedKey created;
  const int64_t now = clock_.NowSeconds();
  if (req.expiration && *req.expiration <= now) {
    return MakeError(ErrorCode::kInvalid, "the expiration is in the past", "expiration");
  }
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::User u, FindUser(txn, p, user_ref));
    if (u.id != p.user.id) {
      BW_ASSIGN_OR_RETURN(model::Role role, GetRoleOrError(txn, u.role_id));
      BW_RETURN_IF_ERROR(access::CheckCanManageUser(p, u, role));
    } else if (p.read_only) {
      return MakeError(ErrorCode::kForbidden, "a read-only key cannot create keys");
    }
    created.clear_key = NewApiKey();
    created.key.uuid = NewUuidV4();
    created.key.user_id = u.id;
    created.key.key_hash = Sha256Hex(created.clear_key);
    created.key.key_start = created.clear_key.substr(0, 4);
    created.key.key_end = created.clear_key.substr(36);
    created.key.expiration = req.expiration;
    created.key.read_only = req.read_only;
    created.key.comment = req.comment;
    created.key.created = now;
    BW_RETURN_IF_ERROR(txn.InsertApiKey(created.key));
    return Audit(txn, p, clock_.NowMicros(), "add", "AuthKey", created.key.id, created.key.uuid,
                 "API key " + created.key.key_start + "..." + created.key.key_end + " created for " + u.email);
  });
  if (!st.ok()) return std::move(st).error();
  return created;
}

Result<std::vector<model::Role>> Hub::ListRoles(const Principal& p) {
  (void)p;
  std::vector<model::Role> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, txn.ListRoles());
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

// ---- Sharing groups

Result<std::vector<model::SharingGroup>> Hub::ListSharingGroups(const Principal& p) {
  std::vector<model::SharingGroup> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(auto all, txn.ListSharingGroups());
    for (auto& sg : all) {
      if (access::CanSeeSharingGroup(p, sg)) out.push_back(std::move(sg));
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<model::SharingGroup> Hub::ViewSharingGroup(const Principal& p, const std::string& ref) {
  model::SharingGroup out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, FindSharingGroup(txn, p, ref));
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

namespace {

// Resolves the member organisations named in the input (id, uuid or name; unknown names with a uuid are
// created as known remote organisations).
Status ResolveMembers(store::WriteTxn& txn, const misp::SharingGroupInput& input, model::SharingGroup& sg, int64_t now) {
  for (size_t i = 0; i < input.orgs.size(); ++i) {
    const auto& ref = input.orgs[i];
    std::optional<model::Organisation> o;
    if (ref.id > 0) {
      BW_ASSIGN_OR_RETURN(o, txn.GetOrganisation(ref.id));
    }
    if (!o && !ref.uuid.empty()) {
      BW_ASSIGN_OR_RETURN(o, txn.FindOrganisationByUuid(ref.uuid));
    }
    if (!o && !ref.name.empty()) {
      BW_ASSIGN_OR_RETURN(o, txn.FindOrganisationByName(ref.name));
    }
    if (!o) {
      if (ref.uuid.empty() || ref.name.empty()) {
        return MakeError(ErrorCode::kInvalid, "unknown member organisation", "SharingGroupOrg[" + std::to_string(i) + "]");
      }
      model::Organisation created;
      created.uuid = ref.uuid;
      created.name = ref.name;
      created.local = false;
      created.created = created.modified = now;
      BW_RETURN_IF_ERROR(txn.InsertOrganisation(created));
      o = created;
    }
    auto it = std::find_if(sg.orgs.begin(), sg.orgs.end(), [&](const auto& m) { return m.org_id == o->id; });
    if (it == sg.orgs.end()) {
      sg.orgs.push_back({o->id, ref.extend});
    } else {
      it->extend = ref.extend;
    }
  }
  return Ok();
}

}  // namespace

Result<model::SharingGroup> Hub::AddSharingGroup(const Principal& p, misp::SharingGroupInput input) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kSharingGroup, "create sharing groups"));
  model::SharingGroup sg = std::move(input.sg);
  if (sg.name.empty() || sg.name.size() > 255) {
    return MakeError(ErrorCode::kInvalid, "a sharing group needs a name of 1 to 255 characters", "name");
  }
  if (sg.uuid.empty()) sg.uuid = NewUuidV4();
  sg.id = 0;
  sg.org_id = p.org.id;
  sg.created = sg.modified = clock_.NowSeconds();
  sg.orgs.clear();
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_RETURN_IF_ERROR(ResolveMembers(txn, input, sg, sg.created));
    // The creating organisation is always a member, with the right to extend.
    auto it = std::find_if(sg.orgs.begin(), sg.orgs.end(), [&](const auto& m) { return m.org_id == p.org.id; });
    if (it == sg.orgs.end()) sg.orgs.push_back({p.org.id, true});
    if (sg.servers.empty()) sg.servers.push_back({0, false});
    BW_RETURN_IF_ERROR(txn.InsertSharingGroup(sg));
    return Audit(txn, p, clock_.NowMicros(), "add", "SharingGroup", sg.id, sg.uuid, "Sharing group " + sg.name + " created");
  });
  if (!st.ok()) return std::move(st).error();
  return sg;
}

Result<model::SharingGroup> Hub::EditSharingGroup(const Principal& p, const std::string& ref,
                                                  misp::SharingGroupInput input) {
  model::SharingGroup out;
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::SharingGroup sg, FindSharingGroup(txn, p, ref));
    BW_RETURN_IF_ERROR(access::CheckCanManageSharingGroup(p, sg));
    const auto& has = input.present;
    if (has.count("name")) {
      if (input.sg.name.empty()) return MakeError(ErrorCode::kInvalid, "a sharing group needs a name", "name");
      sg.name = input.sg.name;
    }
    if (has.count("description")) sg.description = input.sg.description;
    if (has.count("releasability")) sg.releasability = input.sg.releasability;
    if (has.count("active")) sg.active = input.sg.active;
    if (has.count("roaming")) sg.roaming = input.sg.roaming;
    sg.modified = clock_.NowSeconds();
    BW_RETURN_IF_ERROR(ResolveMembers(txn, input, sg, sg.modified));
    BW_RETURN_IF_ERROR(txn.UpdateSharingGroup(sg));
    out = sg;
    return Audit(txn, p, clock_.NowMicros(), "edit", "SharingGroup", sg.id, sg.uuid, "Sharing group " + sg.name + " edited");
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Status Hub::DeleteSharingGroup(const Principal& p, const std::string& ref) {
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::SharingGroup sg, FindSharingGroup(txn, p, ref));
    if (!p.IsSiteAdmin() && sg.org_id != p.org.id) {
      return MakeError(ErrorCode::kForbidden, "only the creator organisation can delete a sharing group");
    }
    BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kSharingGroup, "delete sharing groups"));
    BW_RETURN_IF_ERROR(txn.DeleteSharingGroup(sg.id));
    return Audit(txn, p, clock_.NowMicros(), "delete", "SharingGroup", sg.id, sg.uuid, "Sharing group " + sg.name + " deleted");
  });
}

Status Hub::AddSharingGroupOrg(const Principal& p, const std::string& sg_ref, const std::string& org_ref, bool extend) {
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::SharingGroup sg, FindSharingGroup(txn, p, sg_ref));
    BW_RETURN_IF_ERROR(access::CheckCanManageSharingGroup(p, sg));
    BW_ASSIGN_OR_RETURN(model::Organisation o, FindOrg(txn, org_ref));
    auto it = std::find_if(sg.orgs.begin(), sg.orgs.end(), [&](const auto& m) { return m.org_id == o.id; });
    if (it != sg.orgs.end()) {
      it->extend = extend;
    } else {
      sg.orgs.push_back({o.id, extend});
    }
    sg.modified = clock_.NowSeconds();
    BW_RETURN_IF_ERROR(txn.UpdateSharingGroup(sg));
    return Audit(txn, p, clock_.NowMicros(), "edit", "SharingGroup", sg.id, sg.uuid, o.name + " added to sharing group " + sg.name);
  });
}

Status Hub::RemoveSharingGroupOrg(const Principal& p, const std::string& sg_ref, const std::string& org_ref) {
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(model::SharingGroup sg, FindSharingGroup(txn, p, sg_ref));
    BW_RETURN_IF_ERROR(access::CheckCanManageSharingGroup(p, sg));
    BW_ASSIGN_OR_RETURN(model::Organisation o, FindOrg(txn, org_ref));
    auto it = std::find_if(sg.orgs.begin(), sg.orgs.end(), [&](const auto& m) { return m.org_id == o.id; });
    if (it == sg.orgs.end()) return NotFound("member organisation", org_ref);
    if (o.id == sg.org_id) return MakeError(ErrorCode::kConflict, "the creator organisation cannot be removed");
    sg.orgs.erase(it);
    sg.modified = clock_.NowSeconds();
    BW_RETURN_IF_ERROR(txn.UpdateSharingGroup(sg));
    return Audit(txn, p, clock_.NowMicros(), "edit", "SharingGroup", sg.id, sg.uuid, o.name + " removed from sharing group " + sg.name);
  });
}

// ---- Audit and change logs

Result<std::vector<model::AuditEntry>> Hub::ListAudit(const Principal& p, Id after_id, size_t limit) {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kAudit, "read the audit log"));
  std::vector<model::AuditEntry> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    // Org admins with perm_audit see their own organisation's lines; site admins see all. Scan on until the
    // page is full, so filtering never yields a short page while more lines exist.
    Id cursor = after_id;
    while (out.size() < limit) {
      BW_ASSIGN_OR_RETURN(auto batch, txn.ListAudit(cursor, limit));
      if (batch.empty()) break;
      cursor = batch.back().id;
      for (auto& a : batch) {
        if (p.IsSiteAdmin() || a.org_id == p.org.id) out.push_back(std::move(a));
        if (out.size() == limit) break;
      }
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<std::vector<model::Change>> Hub::ReadChanges(const Principal& p, int64_t after_seq, size_t limit) {
  // The raw change log names entities that a user may not see: site admins and sync users only.
  if (!p.IsSiteAdmin() && !p.Can(model::Permission::kSync)) {
    return MakeError(ErrorCode::kForbidden, "reading the change log needs the site admin or sync permission");
  }
  std::vector<model::Change> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, txn.ReadChanges(after_seq, limit));
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

}  // namespace bulwark::hub
