#include "access/access.h"

#include <unordered_set>

namespace bulwark::access {
namespace {

using model::Distribution;
using model::Permission;

bool IsCommunityLevel(Distribution d) {
  return d == Distribution::kCommunity || d == Distribution::kConnected || d == Distribution::kAll;
}

// The child-level condition shared by objects and attributes.
bool ChildVisible(const Principal& p, Distribution d, Id sharing_group_id) {
  if (IsCommunityLevel(d) || d == Distribution::kInherit) return true;
  if (d == Distribution::kSharingGroup) return p.InSharingGroup(sharing_group_id);
  return false;  // kOrganisation: owner only, handled by the caller
}

bool Owns(const Principal& p, const model::Event& event) { return p.org.id != 0 && p.org.id == event.org_id; }

constexpr uint32_t kWritePermissions =
    static_cast<uint32_t>(Permission::kAdd) | static_cast<uint32_t>(Permission::kModify) |
    static_cast<uint32_t>(Permission::kModifyOrg) | static_cast<uint32_t>(Permission::kPublish) |
    static_cast<uint32_t>(Permission::kDelegate) | static_cast<uint32_t>(Permission::kSync) |
    static_cast<uint32_t>(Permission::kAdmin) | static_cast<uint32_t>(Permission::kSiteAdmin) |
    static_cast<uint32_t>(Permission::kTagger) | static_cast<uint32_t>(Permission::kTemplate) |
    static_cast<uint32_t>(Permission::kSharingGroup) | static_cast<uint32_t>(Permission::kTagEditor) |
    static_cast<uint32_t>(Permission::kSighting) | static_cast<uint32_t>(Permission::kObjectTemplate) |
    static_cast<uint32_t>(Permission::kGalaxyEditor) | static_cast<uint32_t>(Permission::kWarninglist) |
    static_cast<uint32_t>(Permission::kDecaying) | static_cast<uint32_t>(Permission::kRegexpAccess);

Error Forbidden(std::string message) { return MakeError(ErrorCode::kForbidden, std::move(message)); }

}  // namespace

bool Principal::Can(Permission perm) const {
  if (read_only && (static_cast<uint32_t>(perm) & kWritePermissions) != 0) return false;
  if (IsSiteAdmin()) return true;
  return model::Has(role.permissions, perm);
}

bool CanSeeEvent(const Principal& p, const model::Event& event) {
  if (p.IsSiteAdmin() || Owns(p, event)) return true;
  if (IsCommunityLevel(event.distribution)) return true;
  if (event.distribution == Distribution::kSharingGroup) return p.InSharingGroup(event.sharing_group_id);
  return false;
}

bool CanSeeObject(const Principal& p, const model::Event& event, const model::Object& object) {
  if (p.IsSiteAdmin() || Owns(p, event)) return true;
  return ChildVisible(p, object.distribution, object.sharing_group_id);
}

bool CanSeeAttribute(const Principal& p, const model::Event& event, const model::Object* object,
                     const model::Attribute& attribute) {
  if (p.IsSiteAdmin() || Owns(p, event)) return true;
  if (object != nullptr && !ChildVisible(p, object->distribution, object->sharing_group_id)) return false;
  return ChildVisible(p, attribute.distribution, attribute.sharing_group_id);
}

bool CanSeeTag(const Principal& p, const model::Event& event, const model::AppliedTag& tag) {
  if (!tag.local) return true;
  return p.IsSiteAdmin() || Owns(p, event);
}

bool CanSeeSighting(const Principal& p, const model::Event& event, const model::Sighting& sighting) {
  // MISP's default sightings policy: the event's owner org sees every sighting, others their own.
  return p.IsSiteAdmin() || Owns(p, event) || sighting.org_id == p.org.id;
}

bool CanSeeSharingGroup(const Principal& p, const model::SharingGroup& sg) {
  if (p.IsSiteAdmin() || sg.org_id == p.org.id) return true;
  return p.InSharingGroup(sg.id);
}

bool CanSeeUser(const Principal& p, const model::User& user) {
  if (p.IsSiteAdmin() || user.id == p.user.id) return true;
  return model::Has(p.role.permissions, Permission::kAdmin) && user.org_id == p.org.id;
}

void DropReferencesToHiddenTargets(model::Object& object,
                                   const std::function<bool(const std::string& uuid)>& target_shown) {
  std::erase_if(object.references, [&](const model::ObjectReference& r) { return !target_shown(r.referenced_uuid); });
}

void DropReferencesToAbsentTargets(model::Event& event) {
  bool any = false;
  for (const auto& o : event.objects) any |= !o.references.empty();
  if (!any) return;
  std::unordered_set<std::string_view> shown;
  for (const auto& a : event.attributes) shown.insert(a.uuid);
  for (const auto& o : event.objects) {
    shown.insert(o.uuid);
    for (const auto& a : o.attributes) shown.insert(a.uuid);
  }
  // Stored uuids are lower case (normalised on write), so an exact comparison is the right one.
  auto target_shown = [&](const std::string& uuid) { return shown.count(uuid) > 0; };
  for (auto& o : event.objects) DropReferencesToHiddenTargets(o, target_shown);
}

void FilterEvent(const Principal& p, model::Event& event) {
  if (p.IsSiteAdmin()) {
    DropReferencesToAbsentTargets(event);  // nothing is hidden, but a target the answer leaves out may be
    return;
  }
  auto hidden_tag = [&](const model::AppliedTag& t) { return !CanSeeTag(p, event, t); };
  auto filter_tags = [&](std::vector<model::AppliedTag>& tags) {
    tags.erase(std::remove_if(tags.begin(), tags.end(), hidden_tag), tags.end());
  };
  filter_tags(event.tags);
  int64_t count = 0;
  auto filter_attributes = [&](std::vector<model::Attribute>& attributes, const model::Object* object) {
    attributes.erase(std::remove_if(attributes.begin(), attributes.end(),
                                    [&](const model::Attribute& a) { return !CanSeeAttribute(p, event, object, a); }),
                     attributes.end());
    for (auto& a : attributes) {
      filter_tags(a.tags);
      if (!a.deleted) ++count;
    }
  };
  filter_attributes(event.attributes, nullptr);
  event.objects.erase(std::remove_if(event.objects.begin(), event.objects.end(),
                                     [&](const model::Object& o) { return !CanSeeObject(p, event, o); }),
                      event.objects.end());
  for (auto& o : event.objects) filter_attributes(o.attributes, &o);
  event.attribute_count = count;
  DropReferencesToAbsentTargets(event);
}

Status CheckPermission(const Principal& p, Permission perm, std::string_view action) {
  if (p.Can(perm)) return Ok();
  if (p.read_only) return Forbidden("this API key is read-only and cannot " + std::string(action));
  return Forbidden("your role '" + p.role.name + "' does not allow you to " + std::string(action));
}

Status CheckCanModifyEvent(const Principal& p, const model::Event& event) {
  if (p.read_only) return Forbidden("this API key is read-only and cannot modify events");
  if (p.IsSiteAdmin()) return Ok();
  // Sync users keep the copies they brought in up to date, whoever created the event (MISP: locked events).
  if (event.locked && p.Can(Permission::kSync) && event.org_id == p.org.id) return Ok();
  if (event.orgc_id != p.org.id) return Forbidden("only the organisation that created the event can modify it");
  if (p.Can(Permission::kModifyOrg)) return Ok();
  if (p.Can(Permission::kModify) && event.user_id == p.user.id) return Ok();
  return Forbidden("your role '" + p.role.name + "' does not allow you to modify this event");
}

Status CheckCanPublishEvent(const Principal& p, const model::Event& event) {
  BW_RETURN_IF_ERROR(CheckCanModifyEvent(p, event));
  return CheckPermission(p, Permission::kPublish, "publish events");
}

Status CheckCanTagEvent(const Principal& p, const model::Event& event, bool local) {
  BW_RETURN_IF_ERROR(CheckPermission(p, Permission::kTagger, "tag events and attributes"));
  if (local) {
    if (p.IsSiteAdmin() || Owns(p, event)) return Ok();
    return Forbidden("local tags can only be attached by the organisation that holds the event");
  }
  return CheckCanModifyEvent(p, event);
}

Status CheckCanManageSharingGroup(const Principal& p, const model::SharingGroup& sg) {
  BW_RETURN_IF_ERROR(CheckPermission(p, Permission::kSharingGroup, "manage sharing groups"));
  if (p.IsSiteAdmin() || sg.org_id == p.org.id) return Ok();
  for (const auto& member : sg.orgs) {
    if (member.org_id == p.org.id && member.extend) return Ok();
  }
  return Forbidden("only the sharing group's creator or a member with the extend flag can change it");
}

Status CheckCanManageUser(const Principal& p, const model::User& target, const model::Role& target_role) {
  if (p.Can(Permission::kSiteAdmin)) return Ok();
  BW_RETURN_IF_ERROR(CheckPermission(p, Permission::kAdmin, "manage users"));
  if (target.org_id != p.org.id) return Forbidden("organisation admins can only manage users of their own organisation");
  if (model::Has(target_role.permissions, Permission::kSiteAdmin)) {
    return Forbidden("only site admins can create or change site admin users");
  }
  return Ok();
}

}  // namespace bulwark::access
