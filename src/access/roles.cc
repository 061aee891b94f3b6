#include "access/roles.h"

namespace bulwark::access {
namespace {

using model::Permission;

constexpr uint32_t Bits(std::initializer_list<Permission> perms) {
  uint32_t v = 0;
  for (Permission p : perms) v |= static_cast<uint32_t>(p);
  return v;
}

}  // namespace

std::vector<model::Role> DefaultRoles() {
  const uint32_t user = Bits({Permission::kAdd, Permission::kModify, Permission::kModifyOrg, Permission::kAuth,
                              Permission::kTagger, Permission::kSighting});
  const uint32_t publisher = user | Bits({Permission::kPublish, Permission::kDelegate});
  const uint32_t org_admin =
      publisher | Bits({Permission::kAdmin, Permission::kAudit, Permission::kTemplate, Permission::kSharingGroup,
                        Permission::kTagEditor, Permission::kGalaxyEditor, Permission::kDecaying});
  const uint32_t sync = publisher | Bits({Permission::kSync, Permission::kSharingGroup, Permission::kTagEditor});
  const uint32_t everything = 0xFFFFFu;  // every flag defined in model::Permission
  return {
      {kRoleSiteAdmin, "admin", everything, false, 0, 0},
      {kRoleOrgAdmin, "Org Admin", org_admin, false, 0, 0},
      {kRoleUser, "User", user, true, 0, 0},
      {kRolePublisher, "Publisher", publisher, false, 0, 0},
      {kRoleSyncUser, "Sync user", sync, false, 0, 0},
      {kRoleReadOnly, "Read Only", Bits({Permission::kAuth}), false, 0, 0},
  };
}

}  // namespace bulwark::access
