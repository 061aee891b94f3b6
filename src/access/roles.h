// MISP's six default roles, with MISP's ids (PyMISP and MISP clients hard-code ids 1-6).
#pragma once

#include <vector>

#include "model/entities.h"

namespace bulwark::access {

inline constexpr model::Id kRoleSiteAdmin = 1;
inline constexpr model::Id kRoleOrgAdmin = 2;
inline constexpr model::Id kRoleUser = 3;
inline constexpr model::Id kRolePublisher = 4;
inline constexpr model::Id kRoleSyncUser = 5;
inline constexpr model::Id kRoleReadOnly = 6;

// The default roles in id order; `User` (3) is the default role for new users.
std::vector<model::Role> DefaultRoles();

}  // namespace bulwark::access
