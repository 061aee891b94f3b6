#include "access/access.h"

#include <gtest/gtest.h>

#include "access/roles.h"

namespace bulwark::access {
namespace {

using model::Distribution;

model::Role RoleById(model::Id id) {
  for (const auto& r : DefaultRoles()) {
    if (r.id == id) return r;
  }
  return {};
}

Principal MakePrincipal(model::Id user_id, model::Id org_id, model::Id role_id, std::vector<model::Id> sgs = {}) {
  Principal p;
  p.user.id = user_id;
  p.user.org_id = org_id;
  p.org.id = org_id;
  p.role = RoleById(role_id);
  p.sharing_group_ids = std::move(sgs);
  return p;
}

model::Event MakeEvent(model::Id org, Distribution d, model::Id sg = 0) {
  model::Event e;
  e.id = 1;
  e.org_id = org;
  e.orgc_id = org;
  e.user_id = 100;
  e.distribution = d;
  e.sharing_group_id = sg;
  return e;
}

TEST(Access, EventDistributionLevels) {
  Principal owner = MakePrincipal(100, 1, kRoleUser);
  Principal other = MakePrincipal(200, 2, kRoleUser);
  Principal member = MakePrincipal(300, 3, kRoleUser, {7});
  Principal admin = MakePrincipal(1, 9, kRoleSiteAdmin);
  for (auto d : {Distribution::kCommunity, Distribution::kConnected, Distribution::kAll}) {
    EXPECT_TRUE(CanSeeEvent(other, MakeEvent(1, d)));
  }
  EXPECT_TRUE(CanSeeEvent(owner, MakeEvent(1, Distribution::kOrganisation)));
  EXPECT_FALSE(CanSeeEvent(other, MakeEvent(1, Distribution::kOrganisation)));
  EXPECT_TRUE(CanSeeEvent(admin, MakeEvent(1, Distribution::kOrganisation)));
  EXPECT_TRUE(CanSeeEvent(member, MakeEvent(1, Distribution::kSharingGroup, 7)));
  EXPECT_FALSE(CanSeeEvent(other, MakeEvent(1, Distribution::kSharingGroup, 7)));
  EXPECT_FALSE(CanSeeEvent(member, MakeEvent(1, Distribution::kSharingGroup, 8)));
}

TEST(Access, AttributeCappedByEventAndNarrowed) {
  Principal other = MakePrincipal(200, 2, kRoleUser);
  Principal member = MakePrincipal(300, 3, kRoleUser, {7});
  model::Event e = MakeEvent(1, Distribution::kAll);
  model::Attribute a;
  a.distribution = Distribution::kOrganisation;
  EXPECT_FALSE(CanSeeAttribute(other, e, nullptr, a));
  a.distribution = Distribution::kSharingGroup;
  a.sharing_group_id = 7;
  EXPECT_TRUE(CanSeeAttribute(member, e, nullptr, a));
  EXPECT_FALSE(CanSeeAttribute(other, e, nullptr, a));
  a.distribution = Distribution::kInherit;
  EXPECT_TRUE(CanSeeAttribute(other, e, nullptr, a));
  // An object at org level hides its attributes even when they say "all".
  model::Object o;
  o.distribution = Distribution::kOrganisation;
  a.distribution = Distribution::kAll;
  EXPECT_FALSE(CanSeeAttribute(other, e, &o, a));
}

TEST(Access, FilterEventRemovesHiddenChildrenAndLocalTags) {
  Principal other = MakePrincipal(200, 2, kRoleUser);
  model::Event e = MakeEvent(1, Distribution::kCommunity);
  model::Attribute visible;
  visible.distribution = Distribution::kInherit;
  visible.value1 = "1.2.3.4";
  model::Attribute hidden = visible;
  hidden.distribution = Distribution::kOrganisation;
  hidden.value1 = "5.6.7.8";
  e.attributes = {visible, hidden};
  model::AppliedTag local_tag{{}, true};
  local_tag.tag.name = "internal:triage";
  model::AppliedTag global_tag{{}, false};
  global_tag.tag.name = "tlp:green";
  e.tags = {local_tag, global_tag};
  model::Object obj;
  obj.distribution = Distribution::kOrganisation;
  obj.attributes = {visible};
  e.objects = {obj};
  FilterEvent(other, e);
  ASSERT_EQ(e.attributes.size(), 1u);
  EXPECT_EQ(e.attributes[0].value1, "1.2.3.4");
  ASSERT_EQ(e.tags.size(), 1u);
  EXPECT_EQ(e.tags[0].tag.name, "tlp:green");
  EXPECT_TRUE(e.objects.empty());
  EXPECT_EQ(e.attribute_count, 1);
}

// An event of org 1 shared with the community: attribute "hidden" and object "private" are for org 1 only; the
// shared object references both, the shared attribute, and the private object references the shared attribute.
model::Event EventWithReferences() {
  model::Event e = MakeEvent(1, Distribution::kCommunity);
  model::Attribute shared;
  shared.uuid = "00000000-0000-4000-8000-0000000000a1";
  shared.distribution = Distribution::kInherit;
  model::Attribute hidden = shared;
  hidden.uuid = "00000000-0000-4000-8000-0000000000a2";
  hidden.distribution = Distribution::kOrganisation;
  e.attributes = {shared, hidden};
  auto ref = [](std::string uuid, std::string target) {
    model::ObjectReference r;
    r.uuid = std::move(uuid);
    r.referenced_uuid = std::move(target);
    return r;
  };
  model::Object open;
  open.uuid = "00000000-0000-4000-8000-0000000000b1";
  open.distribution = Distribution::kInherit;
  model::Object closed;
  closed.uuid = "00000000-0000-4000-8000-0000000000b2";
  closed.distribution = Distribution::kOrganisation;
  open.references = {ref("to-hidden", hidden.uuid), ref("to-shared", shared.uuid), ref("to-closed", closed.uuid)};
  closed.references = {ref("from-closed", shared.uuid)};
  e.objects = {open, closed};
  return e;
}

std::vector<std::string> ReferenceUuids(const model::Event& e) {
  std::vector<std::string> out;
  for (const auto& o : e.objects) {
    for (const auto& r : o.references) out.push_back(r.uuid);
  }
  return out;
}

TEST(Access, FilterEventDropsReferencesToWhatThePrincipalMayNotSee) {
  Principal other = MakePrincipal(200, 2, kRoleUser);
  model::Event e = EventWithReferences();
  FilterEvent(other, e);
  ASSERT_EQ(e.objects.size(), 1u);  // the private object goes, with its own reference
  EXPECT_EQ(ReferenceUuids(e), (std::vector<std::string>{"to-shared"}));

  Principal owner = MakePrincipal(100, 1, kRoleUser);
  model::Event mine = EventWithReferences();
  FilterEvent(owner, mine);
  EXPECT_EQ(ReferenceUuids(mine), (std::vector<std::string>{"to-hidden", "to-shared", "to-closed", "from-closed"}));

  Principal admin = MakePrincipal(1, 9, kRoleSiteAdmin);
  model::Event all = EventWithReferences();
  FilterEvent(admin, all);
  EXPECT_EQ(ReferenceUuids(all).size(), 4u);
}

TEST(Access, AReferenceToATargetTheAnswerLeavesOutGoesForEveryone) {
  // A target not loaded (soft-deleted, not asked for) is not named either, even to a site admin.
  Principal admin = MakePrincipal(1, 9, kRoleSiteAdmin);
  model::Event e = EventWithReferences();
  e.attributes.erase(e.attributes.begin() + 1);  // "hidden" was not loaded
  FilterEvent(admin, e);
  EXPECT_EQ(ReferenceUuids(e), (std::vector<std::string>{"to-shared", "to-closed", "from-closed"}));

  model::Event narrowed = EventWithReferences();
  narrowed.objects.pop_back();
  DropReferencesToAbsentTargets(narrowed);
  EXPECT_EQ(ReferenceUuids(narrowed), (std::vector<std::string>{"to-hidden", "to-shared"}));

  model::Object o = EventWithReferences().objects[0];
  DropReferencesToHiddenTargets(o, [](const std::string& uuid) { return uuid.ends_with("a1"); });
  ASSERT_EQ(o.references.size(), 1u);
  EXPECT_EQ(o.references[0].uuid, "to-shared");
}

TEST(Access, ModifyAndPublishRules) {
  Principal creator = MakePrincipal(100, 1, kRoleUser);
  Principal colleague = MakePrincipal(101, 1, kRoleUser);
  Principal publisher = MakePrincipal(102, 1, kRolePublisher);
  Principal outsider = MakePrincipal(200, 2, kRoleOrgAdmin);
  Principal readonly = MakePrincipal(103, 1, kRoleReadOnly);
  model::Event e = MakeEvent(1, Distribution::kCommunity);
  EXPECT_TRUE(CheckCanModifyEvent(creator, e).ok());
  EXPECT_TRUE(CheckCanModifyEvent(colleague, e).ok());  // User has perm_modify_org in MISP's defaults
  EXPECT_EQ(CheckCanModifyEvent(outsider, e).error().code, ErrorCode::kForbidden);
  EXPECT_FALSE(CheckCanPublishEvent(creator, e).ok());
  EXPECT_TRUE(CheckCanPublishEvent(publisher, e).ok());
  EXPECT_FALSE(CheckCanModifyEvent(readonly, e).ok());
  Principal ro_key = publisher;
  ro_key.read_only = true;
  EXPECT_FALSE(ro_key.Can(model::Permission::kAdd));
  EXPECT_FALSE(ro_key.Can(model::Permission::kPublish));
}

TEST(Access, LocalTagsOnlyByOwner) {
  Principal other = MakePrincipal(200, 2, kRoleUser);
  Principal owner = MakePrincipal(100, 1, kRoleUser);
  model::Event e = MakeEvent(1, Distribution::kAll);
  EXPECT_TRUE(CheckCanTagEvent(owner, e, true).ok());
  EXPECT_FALSE(CheckCanTagEvent(other, e, true).ok());
}

TEST(Access, UserManagement) {
  Principal org_admin = MakePrincipal(100, 1, kRoleOrgAdmin);
  model::User target;
  target.org_id = 1;
  EXPECT_TRUE(CheckCanManageUser(org_admin, target, RoleById(kRoleUser)).ok());
  EXPECT_FALSE(CheckCanManageUser(org_admin, target, RoleById(kRoleSiteAdmin)).ok());
  target.org_id = 2;
  EXPECT_FALSE(CheckCanManageUser(org_admin, target, RoleById(kRoleUser)).ok());
}

TEST(Access, DefaultRolesHaveMispIds) {
  auto roles = DefaultRoles();
  ASSERT_EQ(roles.size(), 6u);
  for (size_t i = 0; i < roles.size(); ++i) EXPECT_EQ(roles[i].id, static_cast<model::Id>(i + 1));
  EXPECT_TRUE(model::Has(roles[0].permissions, model::Permission::kSiteAdmin));
  EXPECT_FALSE(model::Has(roles[1].permissions, model::Permission::kSiteAdmin));
  EXPECT_TRUE(model::Has(roles[3].permissions, model::Permission::kPublish));
  EXPECT_FALSE(model::Has(roles[2].permissions, model::Permission::kPublish));
  EXPECT_TRUE(model::Has(roles[4].permissions, model::Permission::kSync));
  EXPECT_FALSE(model::Has(roles[5].permissions, model::Permission::kAdd));
}

}  // namespace
}  // namespace bulwark::access
