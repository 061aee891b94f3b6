// Who may see and change what. This module holds THE decision function of the hub: every read path (event
// view and index, both restSearch routes, native search, exports, correlation) asks CanSee*; every write
// path asks Check*. Pure functions over values: no I/O, thread-safe.
//
// Visibility follows MISP's distribution semantics exactly (docs/access-control.md):
//   event: site admin, or the event's owner org (org_id), or distribution 1-3, or distribution 4 and the
//          user's org is in the event's sharing group;
//   object/attribute: the event must be visible, and then the owner org sees all; others need the child's
//          own distribution in {1,2,3,5(inherit)}, or 4 with membership of the child's sharing group. A child
//          can therefore narrow its event's audience but never widen it (the effective level is capped).
//   local tags: only the event's owner org and site admins.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/entities.h"

namespace bulwark::access {

using model::Id;

// The authenticated caller of a request, as resolved from an API key.
struct Principal {
  model::User user;
  model::Organisation org;
  model::Role role;
  std::vector<Id> sharing_group_ids;  // active sharing groups the org belongs to, sorted ascending
  bool read_only = false;             // authenticated with a read-only API key

  bool IsSiteAdmin() const { return model::Has(role.permissions, model::Permission::kSiteAdmin); }
  // Whether the role grants p. Site admins hold every permission; a read-only key holds none that write.
  bool Can(model::Permission p) const;
  bool InSharingGroup(Id sg) const { return std::binary_search(sharing_group_ids.begin(), sharing_group_ids.end(), sg); }
};

bool CanSeeEvent(const Principal& p, const model::Event& event);
// REQUIRES: CanSeeEvent(p, event).
bool CanSeeObject(const Principal& p, const model::Event& event, const model::Object& object);
// REQUIRES: CanSeeEvent(p, event). `object` is the attribute's object, or nullptr.
bool CanSeeAttribute(const Principal& p, const model::Event& event, const model::Object* object,
                     const model::Attribute& attribute);
bool CanSeeTag(const Principal& p, const model::Event& event, const model::AppliedTag& tag);
bool CanSeeSighting(const Principal& p, const model::Event& event, const model::Sighting& sighting);
bool CanSeeSharingGroup(const Principal& p, const model::SharingGroup& sg);
bool CanSeeUser(const Principal& p, const model::User& user);

// Removes from a visible event every attribute, object, object attribute and tag the principal may not see,
// then every object reference whose target is no longer in the event (DropReferencesToAbsentTargets), and
// recomputes attribute_count for what remains. REQUIRES: CanSeeEvent(p, event).
void FilterEvent(const Principal& p, model::Event& event);

// The one rule for object references on every read path: a reference is shown only when its target
// (referenced_uuid) is shown too, so an answer never names the uuid of an attribute or object the caller may not
// see (narrower distribution, another sharing group) or that the answer leaves out (soft-deleted, not asked for).
// Removes from `object` every reference for which `target_shown(referenced_uuid)` is false.
void DropReferencesToHiddenTargets(model::Object& object,
                                   const std::function<bool(const std::string& uuid)>& target_shown);
// The same for a whole event: the targets shown are the event's attributes, objects and object attributes as they
// are now (after FilterEvent, or any further narrowing such as the TAXII hub collection's).
void DropReferencesToAbsentTargets(model::Event& event);

// Write decisions; kForbidden with a message that says which permission or ownership is missing.
Status CheckPermission(const Principal& p, model::Permission perm, std::string_view action);
Status CheckCanModifyEvent(const Principal& p, const model::Event& event);
Status CheckCanPublishEvent(const Principal& p, const model::Event& event);
// Global tags need CheckCanModifyEvent and perm_tagger; local tags need perm_tagger and ownership (org_id).
Status CheckCanTagEvent(const Principal& p, const model::Event& event, bool local);
Status CheckCanManageSharingGroup(const Principal& p, const model::SharingGroup& sg);
// Site admins manage every user; org admins (perm_admin) manage users of their own org who are not site admins.
Status CheckCanManageUser(const Principal& p, const model::User& target, const model::Role& target_role);

}  // namespace bulwark::access
