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
