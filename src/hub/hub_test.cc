#include "hub/hub.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "access/roles.h"
#include "common/uuid.h"
#include "hub/hub_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::hub {
namespace {

using test_support::EventJson;

namespace fs = std::filesystem;

// A hub on a fresh SQLite file with two organisations and a publisher in each.
class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = t_.AddOrgUser("Org A", "a@a.test", access::kRolePublisher);
    b_ = t_.AddOrgUser("Org B", "b@b.test", access::kRolePublisher);
  }

  int64_t Changes() {
    int64_t seq = 0;
    EXPECT_TRUE(store_->Read([&](store::ReadTxn& txn) -> Status {
      seq = txn.LastChangeSeq().value();
      return Ok();
    }).ok());
    return seq;
  }

  test_support::TestHub t_{"hub-test"};
  FakeClock& clock_ = t_.clock;
  std::unique_ptr<store::Store>& store_ = t_.store;
  std::unique_ptr<Hub>& hub_ = t_.hub;
  Principal& admin_ = t_.admin;
  Principal a_, b_;
};

TEST_F(HubTest, AddEventNormalisesAndAppliesDefaults) {
  auto e = hub_->AddEvent(a_, EventJson(R"({"Event": {"info": "phishing wave", "Attribute": [
      {"type": "domain", "value": "Evil.EXAMPLE."},
      {"type": "ip-dst|port", "value": "198.51.100.1|443"},
      {"type": "md5", "value": "D41D8CD98F00B204E9800998ECF8427E", "to_ids": false}]}})"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->attributes.size(), 3u);
  EXPECT_EQ(e->attributes[0].value1, "evil.example");
  EXPECT_EQ(e->attributes[0].category, "Network activity");
  EXPECT_TRUE(e->attributes[0].to_ids);  // MISP's default for domain
  EXPECT_EQ(e->attributes[1].value1, "198.51.100.1");
  EXPECT_EQ(e->attributes[1].value2, "443");
  EXPECT_EQ(e->attributes[2].value1, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_FALSE(e->attributes[2].to_ids);
  EXPECT_EQ(e->distribution, model::Distribution::kCommunity);
  EXPECT_EQ(e->orgc_id, a_.org.id);
  EXPECT_EQ(e->org_id, a_.org.id);
  EXPECT_EQ(e->attribute_count, 3);
  EXPECT_EQ(e->date, "2025-10-09");
}

TEST_F(HubTest, RejectedEventWritesNothing) {
  const int64_t before = Changes();
  auto e = hub_->AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [
      {"type": "ip-dst", "value": "198.51.100.1"},
      {"type": "ip-dst", "value": "not-an-ip"}]})"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(e.error().field, "Attribute[1].value");
  auto unknown = hub_->AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [{"type": "nope", "value": "1"}]})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "Attribute[0].type");
  auto bad_category = hub_->AddEvent(
      a_, EventJson(R"({"info": "x", "Attribute": [{"type": "md5", "category": "Person", "value": "x"}]})"));
  ASSERT_FALSE(bad_category.ok());
  EXPECT_EQ(bad_category.error().field, "Attribute[0].category");
  EXPECT_EQ(Changes(), before);
}

TEST_F(HubTest, DuplicateUuidIsAConflict) {
  const std::string uuid = NewUuidV4();
  const std::string body = R"({"info": "x", "uuid": ")" + uuid + R"("})";
  ASSERT_TRUE(hub_->AddEvent(a_, EventJson(body)).ok());
  auto again = hub_->AddEvent(a_, EventJson(body));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(HubTest, OrgOnlyEventInvisibleToOthers) {
  auto e = hub_->AddEvent(a_, EventJson(R"({"info": "internal", "distribution": 0,
      "Attribute": [{"type": "ip-src", "value": "192.0.2.1"}]})"));
  ASSERT_TRUE(e.ok());
  const std::string ref = std::to_string(e->id);
  EXPECT_TRUE(hub_->ViewEvent(a_, EventRef{ref}, store::DeletedFilter::kExclude).ok());
  EXPECT_TRUE(hub_->ViewEvent(admin_, EventRef{ref}, store::DeletedFilter::kExclude).ok());
  auto hidden = hub_->ViewEvent(b_, EventRef{ref}, store::DeletedFilter::kExclude);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  SearchRequest req;
  req.values = {"192.0.2.1"};
  int seen = 0;
  ASSERT_TRUE(hub_->SearchAttributes(b_, req, [&](const store::AttributeRow&) {
    ++seen;
    return true;
  }).ok());
  EXPECT_EQ(seen, 0);
  ASSERT_TRUE(hub_->SearchAttributes(a_, req, [&](const store::AttributeRow&) {
    ++seen;
    return true;
  }).ok());
  EXPECT_EQ(seen, 1);
}

TEST_F(HubTest, OnlyTheCreatorOrgEdits) {
  auto e = hub_->AddEvent(a_, EventJson(R"({"info": "shared", "distribution": 3})"));
  ASSERT_TRUE(e.ok());
  auto edit = hub_->EditEvent(b_, EventRef{e->uuid}, EventJson(R"({"info": "hijacked"})"));
  ASSERT_FALSE(edit.ok());
  EXPECT_EQ(edit.error().code, ErrorCode::kForbidden);
  auto own = hub_->EditEvent(a_, EventRef{e->uuid}, EventJson(R"({"info": "renamed",
      "Attribute": [{"type": "url", "value": "https://bad.example/x"}]})"));
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->info, "renamed");
  EXPECT_EQ(own->attributes.size(), 1u);
}

TEST_F(HubTest, ExclusiveTaxonomyEnforcedOnAttach) {
  auto e = hub_->AddEvent(a_, EventJson(R"({"info": "t", "Tag": [{"name": "tlp:green"}]})"));
  ASSERT_TRUE(e.ok());
  auto clash = hub_->AttachTag(a_, e->uuid, "tlp:red", false);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(hub_->AttachTag(a_, e->uuid, "PAP:AMBER", false).ok());
  auto both = hub_->AddEvent(a_, EventJson(R"({"info": "t2", "Tag": ["tlp:green", "tlp:amber"]})"));
  EXPECT_FALSE(both.ok());
}

TEST_F(HubTest, SoftDeleteAndRestoreKeepCounts) {
  auto e = hub_->AddEvent(a_, EventJson(R"({"info": "c", "Attribute": [
      {"type": "domain", "value": "one.example"}, {"type": "domain", "value": "two.example"}]})"));
  ASSERT_TRUE(e.ok());
  const std::string attr = e->attributes[0].uuid;
  ASSERT_TRUE(hub_->DeleteAttribute(a_, attr, Hub::DeleteMode::kSoft).ok());
  auto after = hub_->ViewEvent(a_, EventRef{e->uuid}, store::DeletedFilter::kExclude);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->attributes.size(), 1u);
  EXPECT_EQ(after->attribute_count, 1);
  ASSERT_TRUE(hub_->RestoreAttribute(a_, attr).ok());
  after = hub_->ViewEvent(a_, EventRef{e->uuid}, store::DeletedFilter::kExclude);
  EXPECT_EQ(after->attributes.size(), 2u);
  EXPECT_EQ(after->attribute_count, 2);
  EXPECT_FALSE(hub_->DeleteAttribute(b_, attr, Hub::DeleteMode::kHard).ok());
}

TEST_F(HubTest, PublishNeedsPermission) {
  auto e = hub_->AddEvent(a_, EventJson(R"({"info": "p"})"));
  ASSERT_TRUE(e.ok());
  Principal user = a_;
  user.role = access::DefaultRoles()[access::kRoleUser - 1];
  auto denied = hub_->PublishEvent(user, EventRef{e->uuid}, true);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, ErrorCode::kForbidden);
  auto published = hub_->PublishEvent(a_, EventRef{e->uuid}, true);
  ASSERT_TRUE(published.ok());
  EXPECT_TRUE(published->published);
  EXPECT_EQ(published->publish_timestamp, clock_.NowSeconds());
}

TEST_F(HubTest, SightingsByValueReachOnlyVisibleAttributes) {
  ASSERT_TRUE(hub_->AddEvent(a_, EventJson(R"({"info": "s1", "distribution": 0,
      "Attribute": [{"type": "ip-dst", "value": "203.0.113.5"}]})")).ok());
  ASSERT_TRUE(hub_->AddEvent(a_, EventJson(R"({"info": "s2", "distribution": 1,
      "Attribute": [{"type": "ip-dst", "value": "203.0.113.5"}]})")).ok());
  misp::SightingInput s;
  s.value = "203.0.113.5";
  auto added = hub_->AddSightings(b_, s);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added->size(), 1u);  // the org-only copy is not B's to sight
}

TEST_F(HubTest, AuthenticateChecksKeyStateAndExpiry) {
  Hub::KeyRequest req;
  req.expiration = clock_.NowSeconds() + 60;
  auto key = hub_->AddApiKey(admin_, "a@a.test", req);
  ASSERT_TRUE(key.ok());
  auto p = hub_->Authenticate(key->clear_key);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->org.name, "Org A");
  clock_.AdvanceSeconds(120);
  auto expired = hub_->Authenticate(key->clear_key);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(hub_->Authenticate("short").ok());
  EXPECT_FALSE(hub_->Authenticate(std::string(40, 'A')).ok());
}

// Lifecycle over the injected clock: an ip-dst expires 30 days after it was last seen (docs/lifecycle.md), a
// sighting brings it back, and the default decay model (lifetime 120 days) takes it out under excludeDecayed.
TEST_F(HubTest, LifecycleFiltersFollowTheClock) {
  auto e = hub_->AddEvent(a_, EventJson(R"({"info": "ddos sources", "distribution": 1,
      "Attribute": [{"type": "ip-dst", "value": "198.51.100.9"}, {"type": "sha256",
      "value": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]})"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  auto values = [&](SearchRequest r) {
    std::vector<std::string> out;
    EXPECT_TRUE(hub_->SearchAttributes(b_, r, [&](const store::AttributeRow& row) {
      out.push_back(row.attribute.value1);
      return true;
    }).ok());
    return out;
  };
  SearchRequest expired;
  expired.exclude_expired = true;
  SearchRequest decayed;
  decayed.exclude_decayed = true;
  EXPECT_EQ(values(expired).size(), 2u);
  clock_.AdvanceSeconds(31 * 86400);
  // The IP expired; the hash never does. Without the filter nothing changes.
  EXPECT_EQ(values(expired), std::vector<std::string>{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"});
  EXPECT_EQ(values(SearchRequest{}).size(), 2u);
  auto lc = hub_->AttributeLifecycle(b_, *e, e->attributes[0]);
  ASSERT_TRUE(lc.ok());
  EXPECT_TRUE(lc->evaluation.expiry.expired);
  ASSERT_TRUE(lc->evaluation.ExclusionReason().has_value());
  EXPECT_NE(lc->evaluation.ExclusionReason()->find("expired"), std::string::npos);
  // A sighting restarts its life: reversible.
  misp::SightingInput s;
  s.value = "198.51.100.9";
  ASSERT_TRUE(hub_->AddSightings(b_, s).ok());
  EXPECT_EQ(values(expired).size(), 2u);
  // 121 days after that sighting, the default decay model (lifetime 120 d) scores the IP 0: decayed. Hashes
  // are not in the model's types: never decayed.
  EXPECT_EQ(values(decayed).size(), 2u);
  clock_.AdvanceSeconds(121 * 86400);
  EXPECT_EQ(values(decayed), std::vector<std::string>{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"});
  // The same filters on whole events drop the attributes from the event.
  SearchRequest events;
  events.exclude_expired = true;
  events.events.push_back(std::to_string(e->id));
  size_t seen = 0;
  ASSERT_TRUE(hub_->SearchEvents(b_, events, [&](model::Event& ev) {
    ++seen;
    EXPECT_EQ(ev.attributes.size(), 1u);  // the hash stays
    return true;
  }).ok());
  EXPECT_EQ(seen, 1u);
}

// The lifecycle counts only the sightings the caller may see (MISP's default sightings policy: the event's
// owner and site admins see all, others their own): org B's sighting keeps org A's expired IP alive for B, A
// and the site admin, but not for org C, whose view and exports must not reveal that somebody sighted it.
TEST_F(HubTest, LifecycleCountsOnlySightingsTheCallerMaySee) {
  Principal c = t_.AddOrgUser("Org C", "c@c.test", access::kRolePublisher);
  auto e = hub_->AddEvent(a_, EventJson(R"({"info": "scanners", "distribution": 1,
      "Attribute": [{"type": "ip-dst", "value": "198.51.100.23"}]})"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  clock_.AdvanceSeconds(31 * 86400);  // ip-dst expires 30 days after it was last seen
  misp::SightingInput s;
  s.value = "198.51.100.23";
  ASSERT_TRUE(hub_->AddSightings(b_, s).ok());
  auto expired_for = [&](const Principal& p) {
    auto lc = hub_->AttributeLifecycle(p, *e, e->attributes[0]);
    EXPECT_TRUE(lc.ok());
    return lc.ok() && lc->evaluation.expiry.expired;
  };
  EXPECT_FALSE(expired_for(b_));      // its own sighting
  EXPECT_FALSE(expired_for(a_));      // the event's owner sees every sighting
  EXPECT_FALSE(expired_for(admin_));
  EXPECT_TRUE(expired_for(c));        // sees no sighting: still expired
  SearchRequest live;
  live.exclude_expired = true;
  auto count = [&](const Principal& p) {
    size_t n = 0;
    EXPECT_TRUE(hub_->SearchAttributes(p, live, [&](const store::AttributeRow&) { return ++n, true; }).ok());
    size_t in_events = 0;
    EXPECT_TRUE(hub_->SearchEvents(p, live, [&](model::Event& ev) {
      in_events += ev.attributes.size();
      return true;
    }).ok());
    EXPECT_EQ(n, in_events);
    return n;
  };
  EXPECT_EQ(count(b_), 1u);
  EXPECT_EQ(count(a_), 1u);
  EXPECT_EQ(count(c), 0u);
}

}  // namespace
}  // namespace bulwark::hub
