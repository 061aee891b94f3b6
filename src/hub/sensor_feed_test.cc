#include "hub/sensor_feed.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <set>

#include "access/roles.h"
#include "common/uuid.h"
#include "hub/hub_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::hub {
namespace {

namespace fs = std::filesystem;

// A hub on a fresh SQLite file with a site admin and two organisations, each with a publisher.
class SensorFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = t_.AddOrgUser("Org A", "a@a.test", access::kRolePublisher);
    b_ = t_.AddOrgUser("Org B", "b@b.test", access::kRolePublisher);
  }

  model::Event Add(const Principal& p, const std::string& json, bool publish = true) {
    auto parsed = misp::ParseEvent(boost::json::parse(json));
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
    auto e = hub_->AddEvent(p, std::move(parsed).value());
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
    if (publish) {
      EXPECT_TRUE(hub_->PublishEvent(p, EventRef{e->uuid}, true).ok());
    }
    return std::move(e).value();
  }

  // Every indicator of a full load, paging through it, as "event-info/value" strings.
  std::set<std::string> LoadAll(const SensorFeed& feed, const Principal& p, size_t limit, int* pages = nullptr) {
    std::set<std::string> out;
    Id after = 0;
    int n = 0;
    while (true) {
      auto page = feed.FullPage(p, after, limit);
      EXPECT_TRUE(page.ok()) << page.error().message;
      if (!page.ok()) break;
      ++n;
      for (const auto& e : page->events) {
        for (const auto& i : e.indicators) EXPECT_TRUE(out.insert(e.info + "/" + i.value).second) << i.value;
      }
      if (!page->more) break;
      EXPECT_GT(page->next_page_after_event, after);
      after = page->next_page_after_event;
    }
    if (pages) *pages = n;
    return out;
  }

  static const FeedEvent* FindEvent(const FeedPage& page, const std::string& uuid) {
    for (const auto& e : page.events) {
      if (e.uuid == uuid) return &e;
    }
    return nullptr;
  }

  test_support::TestHub t_{"sensor-feed-test"};
  FakeClock& clock_ = t_.clock;
  std::unique_ptr<store::Store>& store_ = t_.store;
  std::unique_ptr<Hub>& hub_ = t_.hub;
  Principal& admin_ = t_.admin;
  Principal a_, b_;
};

TEST_F(SensorFeedTest, FullLoadHoldsOnlyActionableAttributesOfPublishedEvents) {
  auto e = Add(a_, R"({"info": "wave", "threat_level_id": 1, "Tag": [{"name": "tlp:amber"}, {"name": "campaign"}],
      "Attribute": [
        {"type": "domain", "value": "evil.example", "Tag": [{"name": "kill-chain:delivery"}]},
        {"type": "ip-dst", "value": "198.51.100.7", "Tag": [{"name": "tlp:red"}]},
        {"type": "comment", "value": "not actionable", "to_ids": false},
        {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e", "to_ids": false}]})");
  Add(a_, R"({"info": "draft", "Attribute": [{"type": "domain", "value": "draft.example"}]})", false);
  ASSERT_TRUE(hub_->DeleteAttribute(a_, e.attributes[1].uuid, Hub::DeleteMode::kSoft).ok());
  auto withdrawn = Add(a_, R"({"info": "gone", "Attribute": [{"type": "domain", "value": "gone.example"}]})");
  ASSERT_TRUE(hub_->DeleteAttribute(a_, withdrawn.attributes[0].uuid, Hub::DeleteMode::kSoft).ok());
  // Deleting an attribute unpublishes its event (MISP's edit semantics): publish both again.
  ASSERT_TRUE(hub_->PublishEvent(a_, EventRef{e.uuid}, true).ok());
  ASSERT_TRUE(hub_->PublishEvent(a_, EventRef{withdrawn.uuid}, true).ok());

  SensorFeed feed(*hub_);
  auto page = feed.FullPage(a_, 0, 1000);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_TRUE(page->full);
  EXPECT_FALSE(page->more);
  ASSERT_EQ(page->events.size(), 1u);  // "draft" is unpublished, "gone" has no indicator left
  const FeedEvent& fe = page->events[0];
  EXPECT_EQ(fe.uuid, e.uuid);
  EXPECT_EQ(fe.info, "wave");
  EXPECT_EQ(fe.threat_level, 1);
  EXPECT_EQ(fe.tags, (std::vector<std::string>{"tlp:amber", "campaign"}));
  ASSERT_EQ(fe.indicators.size(), 1u);
  EXPECT_EQ(fe.indicators[0].attribute_uuid, e.attributes[0].uuid);
  EXPECT_EQ(fe.indicators[0].type, "domain");
  EXPECT_EQ(fe.indicators[0].value, "evil.example");
  EXPECT_EQ(fe.indicators[0].tags, std::vector<std::string>{"kill-chain:delivery"});
  EXPECT_EQ(fe.indicators[0].tlp, "tlp:amber");  // inherited from the event
  int64_t seq = 0;
  ASSERT_TRUE(store_
                  ->Read([&](store::ReadTxn& txn) -> Status {
                    seq = txn.LastChangeSeq().value();
                    return Ok();
                  })
                  .ok());
  EXPECT_EQ(page->cursor, seq);
}

TEST_F(SensorFeedTest, AttributeTlpOverridesTheEventsAndCompositeValuesKeepBothHalves) {
  auto e = Add(a_, R"({"info": "x", "Tag": [{"name": "tlp:green"}], "Attribute": [
      {"type": "ip-dst|port", "value": "198.51.100.1|443", "to_ids": true, "Tag": [{"name": "TLP:RED"}]}]})");
  SensorFeed feed(*hub_);
  auto page = feed.FullPage(b_, 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 1u);
  ASSERT_EQ(page->events[0].indicators.size(), 1u);
  EXPECT_EQ(page->events[0].indicators[0].value, "198.51.100.1|443");
  EXPECT_EQ(page->events[0].indicators[0].tlp, "tlp:red");
}

TEST_F(SensorFeedTest, VisibilityFollowsTheDecisionFunctionAcrossTwoOrgs) {
  auto org_only =
      Add(a_, R"({"info": "a-only", "distribution": 0, "Attribute": [{"type": "domain", "value": "a.example"}]})");
  auto shared = Add(a_, R"({"info": "shared", "distribution": 1, "Attribute": [
      {"type": "domain", "value": "shared.example"},
      {"type": "domain", "value": "narrowed.example", "distribution": 0}]})");
  ASSERT_TRUE(hub_->AttachTag(a_, shared.uuid, "a-internal", true).ok());
  Add(b_, R"({"info": "b-own", "distribution": 0, "Attribute": [{"type": "url", "value": "http://b.example/x"}]})");

  SensorFeed feed(*hub_);
  EXPECT_EQ(LoadAll(feed, a_, 100),
            (std::set<std::string>{"a-only/a.example", "shared/shared.example", "shared/narrowed.example"}));
  EXPECT_EQ(LoadAll(feed, b_, 100), (std::set<std::string>{"shared/shared.example", "b-own/http://b.example/x"}));
  EXPECT_EQ(LoadAll(feed, admin_, 100).size(), 4u);

  auto for_b = feed.FullPage(b_, 0, 100).value();
  const FeedEvent* e = FindEvent(for_b, shared.uuid);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->tags.empty());  // the local tag is A's
  EXPECT_EQ(FindEvent(for_b, org_only.uuid), nullptr);
  auto for_a = feed.FullPage(a_, 0, 100).value();
  ASSERT_NE(FindEvent(for_a, shared.uuid), nullptr);
  EXPECT_EQ(FindEvent(for_a, shared.uuid)->tags, std::vector<std::string>{"a-internal"});
}

TEST_F(SensorFeedTest, DeltaDeliversPublishedEventsAndWithdrawsUnpublishedOnes) {
  SensorFeed feed(*hub_);
  auto start = feed.FullPage(b_, 0, 100).value();
  EXPECT_TRUE(start.events.empty());

  auto e = Add(a_, R"({"info": "new", "Attribute": [{"type": "domain", "value": "new.example"}]})");
  auto d1 = feed.Delta(b_, start.cursor, 1000);
  ASSERT_TRUE(d1.ok()) << d1.error().message;
  EXPECT_FALSE(d1->full);
  EXPECT_FALSE(d1->more);
  ASSERT_EQ(d1->events.size(), 1u);
  EXPECT_EQ(d1->events[0].uuid, e.uuid);
  ASSERT_EQ(d1->events[0].indicators.size(), 1u);
  EXPECT_EQ(d1->events[0].indicators[0].value, "new.example");
  EXPECT_GT(d1->cursor, start.cursor);

  auto none = feed.Delta(b_, d1->cursor, 1000).value();
  EXPECT_TRUE(none.events.empty());
  EXPECT_EQ(none.cursor, d1->cursor);

  ASSERT_TRUE(hub_->PublishEvent(a_, EventRef{e.uuid}, false).ok());
  auto d2 = feed.Delta(b_, d1->cursor, 1000).value();
  ASSERT_EQ(d2.events.size(), 1u);
  EXPECT_EQ(d2.events[0].uuid, e.uuid);
  EXPECT_TRUE(d2.events[0].indicators.empty());

  ASSERT_TRUE(hub_->PublishEvent(a_, EventRef{e.uuid}, true).ok());
  auto d3 = feed.Delta(b_, d2.cursor, 1000).value();
  ASSERT_EQ(d3.events.size(), 1u);
  EXPECT_EQ(d3.events[0].indicators.size(), 1u);

  ASSERT_TRUE(hub_->DeleteEvent(a_, EventRef{e.uuid}).ok());
  auto d4 = feed.Delta(b_, d3.cursor, 1000).value();
  ASSERT_EQ(d4.events.size(), 1u);
  EXPECT_EQ(d4.events[0].uuid, e.uuid);
  EXPECT_TRUE(d4.events[0].indicators.empty());
}

TEST_F(SensorFeedTest, DeltaHidesChangesInsideInvisibleEventsButWithdrawsNarrowedOnes) {
  SensorFeed feed(*hub_);
  const int64_t start = feed.FullPage(b_, 0, 10).value().cursor;
  auto hidden =
      Add(a_, R"({"info": "hidden", "distribution": 0, "Attribute": [{"type": "domain", "value": "h.example"}]})");
  auto more = misp::ParseAttribute(boost::json::parse(R"({"type": "domain", "value": "h2.example"})")).value();
  ASSERT_TRUE(hub_->AddAttributes(a_, EventRef{hidden.uuid}, {more}).ok());
  // Publishing is an event-header change: B learns only that the event has nothing for it.
  auto d = feed.Delta(b_, start, 1000).value();
  for (const auto& e : d.events) EXPECT_TRUE(e.indicators.empty()) << e.info;
  for (const auto& e : d.events) EXPECT_TRUE(e.info.empty());

  auto shared = Add(a_, R"({"info": "shared", "Attribute": [{"type": "domain", "value": "s.example"}]})");
  const int64_t after_share = feed.Delta(b_, d.cursor, 1000).value().cursor;
  auto narrow = misp::ParseEvent(boost::json::parse(R"({"distribution": 0, "published": true})")).value();
  ASSERT_TRUE(hub_->EditEvent(a_, EventRef{shared.uuid}, narrow).ok());
  auto d2 = feed.Delta(b_, after_share, 1000).value();
  const FeedEvent* w = FindEvent(d2, shared.uuid);
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->indicators.empty());
  // A still sees it, with its indicator.
  auto da = feed.Delta(a_, after_share, 1000).value();
  ASSERT_NE(FindEvent(da, shared.uuid), nullptr);
  EXPECT_EQ(FindEvent(da, shared.uuid)->indicators.size(), 1u);
}

TEST_F(SensorFeedTest, ExclusionHookLeavesIndicatorsOutAndCountsThemByReason) {
  Add(a_, R"({"info": "x", "Attribute": [
      {"type": "domain", "value": "keep.example"},
      {"type": "domain", "value": "google.com"},
      {"type": "ip-dst", "value": "8.8.8.8"},
      {"type": "domain", "value": "old.example"}]})");
  SensorFeed feed(*hub_, [](store::ReadTxn&, const model::Event&, const model::Attribute& a) -> std::optional<std::string> {
    if (a.value1 == "google.com" || a.value1 == "8.8.8.8") return "warninglisted";
    if (a.value1 == "old.example") return "expired";
    return std::nullopt;
  });
  auto page = feed.FullPage(b_, 0, 100).value();
  ASSERT_EQ(page.events.size(), 1u);
  ASSERT_EQ(page.events[0].indicators.size(), 1u);
  EXPECT_EQ(page.events[0].indicators[0].value, "keep.example");
  EXPECT_EQ(page.excluded, (std::map<std::string, int64_t>{{"expired", 1}, {"warninglisted", 2}}));
  auto delta = feed.Delta(b_, 0, 1000).value();
  EXPECT_EQ(delta.excluded, page.excluded);
}

// The hub's own exclusion: an ip-dst not seen for 30 days leaves the feed as "expired" and comes back when a
// sighting arrives (read through the feed's transaction); a hash never expires.
TEST_F(SensorFeedTest, DetectionExclusionFollowsTheLifecycle) {
  Add(a_, R"({"info": "aging", "Attribute": [
      {"type": "ip-dst", "value": "198.51.100.44"},
      {"type": "md5", "value": "0123456789abcdef0123456789abcdef"}]})");
  SensorFeed feed(*hub_, DetectionExclusion(*hub_));
  EXPECT_EQ(feed.FullPage(b_, 0, 100).value().events.at(0).indicators.size(), 2u);
  clock_.AdvanceSeconds(31 * 86400);
  auto page = feed.FullPage(b_, 0, 100).value();
  ASSERT_EQ(page.events.size(), 1u);
  ASSERT_EQ(page.events[0].indicators.size(), 1u);
  EXPECT_EQ(page.events[0].indicators[0].type, "md5");
  EXPECT_EQ(page.excluded, (std::map<std::string, int64_t>{{"expired", 1}}));
  misp::SightingInput s;
  s.value = "198.51.100.44";
  ASSERT_TRUE(hub_->AddSightings(b_, s).ok());
  EXPECT_EQ(feed.FullPage(b_, 0, 100).value().events.at(0).indicators.size(), 2u);
}

TEST_F(SensorFeedTest, FullLoadPagesCoverEverythingOnceAtEveryBoundary) {
  std::set<std::string> expected;
  for (int i = 0; i < 7; ++i) {
    const std::string info = "e" + std::to_string(i);
    std::string json = R"({"info": ")" + info + R"(", "Attribute": [)";
    for (int j = 0; j <= i % 3; ++j) {
      const std::string v = "h" + std::to_string(i) + "-" + std::to_string(j) + ".example";
      json += std::string(j ? "," : "") + R"({"type": "domain", "value": ")" + v + R"("})";
      expected.insert(info + "/" + v);
    }
    Add(a_, json + "]}", /*publish=*/i != 3);
    if (i == 3) expected.erase("e3/h3-0.example");
  }
  for (size_t chunk : {1u, 2u, 3u, 512u}) {
    for (size_t limit : {1u, 2u, 5u, 100u}) {
      SensorFeedOptions o;
      o.event_chunk = chunk;
      SensorFeed feed(*hub_, {}, o);
      int pages = 0;
      EXPECT_EQ(LoadAll(feed, b_, limit, &pages), expected) << "chunk " << chunk << " limit " << limit;
      if (chunk == 1 && limit == 1) {
        EXPECT_GE(pages, 6);
      }
      if (chunk == 512 && limit == 100) {
        EXPECT_EQ(pages, 1);
      }
    }
  }
  SensorFeedOptions few;
  few.max_events_examined = 2;
  few.event_chunk = 10;
  SensorFeed bounded(*hub_, {}, few);
  auto first = bounded.FullPage(b_, 0, 1000).value();
  EXPECT_TRUE(first.more);
  EXPECT_EQ(first.events.size(), 2u);
  EXPECT_EQ(LoadAll(bounded, b_, 1000), expected);
  EXPECT_FALSE(bounded.FullPage(b_, 0, 0).ok());
  EXPECT_FALSE(bounded.FullPage(b_, 0, few.max_limit + 1).ok());
}

TEST_F(SensorFeedTest, DeltaCutsAtAnEventBoundaryAndResumesWithoutLoss) {
  SensorFeed feed(*hub_);
  const int64_t start = feed.FullPage(b_, 0, 10).value().cursor;
  std::set<std::string> expected;
  for (int i = 0; i < 4; ++i) {
    auto e = Add(a_, R"({"info": "d)" + std::to_string(i) + R"(", "Attribute": [
        {"type": "domain", "value": "a)" +
                         std::to_string(i) + R"(.example"},
        {"type": "domain", "value": "b)" +
                         std::to_string(i) + R"(.example"}]})");
    expected.insert(e.uuid);
  }
  std::set<std::string> got;
  int64_t cursor = start;
  int requests = 0;
  while (true) {
    auto d = feed.Delta(b_, cursor, 3).value();
    ++requests;
    for (const auto& e : d.events) {
      if (!e.indicators.empty()) got.insert(e.uuid);
    }
    EXPECT_LE(d.events.size(), 2u);  // 2 indicators per event, cut once 3 are reached
    if (!d.more) break;
    ASSERT_GT(d.cursor, cursor);
    cursor = d.cursor;
  }
  EXPECT_EQ(got, expected);
  EXPECT_GE(requests, 2);

  SensorFeedOptions tiny;
  tiny.max_changes = 2;
  SensorFeed small(*hub_, {}, tiny);
  auto d = small.Delta(b_, start, 1000).value();
  EXPECT_TRUE(d.more);
  EXPECT_EQ(d.cursor, start + 2);
}

TEST_F(SensorFeedTest, SightingBatchIsCountedOnceWhenRetried) {
  auto e = Add(a_, R"({"info": "hi", "threat_level_id": 1, "Attribute": [
      {"type": "domain", "value": "s.example"}, {"type": "ip-dst", "value": "192.0.2.9"}]})");
  auto hidden = Add(a_, R"({"info": "o", "distribution": 0, "threat_level_id": 3, "Attribute": [
      {"type": "domain", "value": "o.example"}]})");
  SightingBatch batch;
  batch.batch_id = "sensor-1:000042";
  batch.sightings = {{e.attributes[0].uuid, "www.s.example", 1'760'000'100, "dns-sensor"},
                     {e.attributes[1].uuid, "192.0.2.9", 0, "dns-sensor"},
                     {hidden.attributes[0].uuid, "o.example", 0, "dns-sensor"},
                     {NewUuidV4(), "nowhere", 0, "dns-sensor"}};
  SensorFeed feed(*hub_);
  auto r1 = feed.RecordSightings(b_, batch);
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->added, 2u);
  EXPECT_EQ(r1->duplicates, 0u);
  EXPECT_EQ(r1->rejected, 2u);
  std::vector<std::string> high = {e.attributes[0].uuid, e.attributes[1].uuid};
  std::sort(high.begin(), high.end());
  EXPECT_EQ(r1->high_threat_attribute_uuids, high);
  EXPECT_EQ(r1->alerts_raised, 2u);
  auto alerts = feed.Alerts(b_, 0, 100);
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u);
  EXPECT_EQ(alerts->at(0).event_uuid, e.uuid);
  EXPECT_EQ(alerts->at(0).org_id, b_.org.id);
  EXPECT_FALSE(alerts->at(0).acknowledged);
  auto acked = feed.AcknowledgeAlert(b_, alerts->at(0).id);
  ASSERT_TRUE(acked.ok()) << acked.error().message;
  EXPECT_TRUE(feed.Alerts(b_, 0, 100)->at(0).acknowledged);
  EXPECT_EQ(feed.Alerts(b_, 0, 100)->at(0).acknowledged_by, b_.user.id);
  EXPECT_EQ(feed.AcknowledgeAlert(b_, 999999).error().code, ErrorCode::kNotFound);

  auto r2 = feed.RecordSightings(b_, batch);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->added, 0u);
  EXPECT_EQ(r2->duplicates, 2u);
  EXPECT_EQ(r2->alerts_raised, 0u);  // a retried batch raises nothing new
  EXPECT_EQ(feed.Alerts(b_, 0, 100)->size(), 2u);
  EXPECT_EQ(r2->rejected, 2u);

  // Another org's batch with the same id is its own.
  batch.sightings.resize(1);
  auto r3 = feed.RecordSightings(a_, batch);
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->added, 1u);

  std::vector<model::Sighting> all;
  ASSERT_TRUE(hub_->SearchSightings(admin_, {},
                                    [&](const model::Sighting& s) {
                                      all.push_back(s);
                                      return true;
                                    })
                  .ok());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].date_sighting, 1'760'000'100);
  EXPECT_EQ(all[0].source, "dns-sensor");
  EXPECT_EQ(all[0].org_id, b_.org.id);
  EXPECT_EQ(all[1].date_sighting, clock_.NowSeconds());
  EXPECT_EQ(hub_->ViewEvent(a_, EventRef{e.uuid}, store::DeletedFilter::kExclude)->sighting_timestamp, 1'760'000'100);
}

TEST_F(SensorFeedTest, SightingBatchesAreValidatedAndNeedThePermission) {
  SensorFeed feed(*hub_);
  SightingBatch bad;
  bad.batch_id = "has space";
  EXPECT_EQ(feed.RecordSightings(b_, bad).error().code, ErrorCode::kInvalid);
  bad.batch_id = "ok";
  bad.sightings = {{"not-a-uuid", "v", 0, "s"}};
  EXPECT_EQ(feed.RecordSightings(b_, bad).error().field, "sightings[0].attribute_uuid");
  bad.sightings.assign(kMaxSightingBatch + 1, {NewUuidV4(), "v", 0, "s"});
  EXPECT_EQ(feed.RecordSightings(b_, bad).error().code, ErrorCode::kTooLarge);
  Principal ro = b_;
  ro.role = access::DefaultRoles()[access::kRoleReadOnly - 1];
  bad.sightings.clear();
  EXPECT_EQ(feed.RecordSightings(ro, bad).error().code, ErrorCode::kForbidden);
}

TEST_F(SensorFeedTest, WireFormatRoundTripsAndRejectsHostilePages) {
  FeedPage page;
  page.full = true;
  page.more = true;
  page.cursor = 42;
  page.next_page_after_event = 7;
  page.excluded = {{"decayed", 3}};
  FeedEvent e{7, "0b8e4e2c-1c1d-4d6f-9a8b-1a2b3c4d5e6f", "quote \" and \\ and \n", 1, {"tlp:amber"}, {}};
  e.indicators.push_back({"1b8e4e2c-1c1d-4d6f-9a8b-1a2b3c4d5e6f", "domain", "evil.example", {"x"}, "tlp:amber"});
  e.indicators.push_back({"2b8e4e2c-1c1d-4d6f-9a8b-1a2b3c4d5e6f", "url", "http://e.example/\x01", {}, ""});
  page.events.push_back(e);
  const std::string text = RenderFeedPage(page);
  EXPECT_NE(text.find(R"("next_page_after_event":7)"), std::string::npos);
  EXPECT_NE(text.find(R"(\u0001)"), std::string::npos);
  auto back = ParseFeedPage(text, 100);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->cursor, 42);
  EXPECT_TRUE(back->more);
  EXPECT_EQ(back->excluded, page.excluded);
  ASSERT_EQ(back->events.size(), 1u);
  EXPECT_EQ(back->events[0].info, e.info);
  ASSERT_EQ(back->events[0].indicators.size(), 2u);
  EXPECT_EQ(back->events[0].indicators[1].value, "http://e.example/\x01");
  EXPECT_EQ(back->events[0].indicators[0].tlp, "tlp:amber");

  EXPECT_EQ(ParseFeedPage(text, 1).error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(ParseFeedPage("[1]", 10).error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(ParseFeedPage("{\"full\":true,\"more\":false,\"cursor\":\"1\",\"events\":[]}", 10).error().field, "cursor");
  EXPECT_EQ(
      ParseFeedPage("{\"full\":true,\"more\":false,\"cursor\":1,\"events\":[{\"uuid\":\"x\"}]}", 10).error().field,
      "events[0].uuid");
  EXPECT_FALSE(ParseFeedPage(std::string(100, '['), 10).ok());
  EXPECT_FALSE(ParseFeedPage("{\"full\":true", 10).ok());

  SightingBatch batch{"b-1", {{"1b8e4e2c-1c1d-4d6f-9a8b-1a2b3c4d5e6f", "v\"x", 5, "src"}}};
  auto sb = ParseSightingBatch(RenderSightingBatch(batch));
  ASSERT_TRUE(sb.ok());
  EXPECT_EQ(sb->batch_id, "b-1");
  ASSERT_EQ(sb->sightings.size(), 1u);
  EXPECT_EQ(sb->sightings[0].value, "v\"x");
  EXPECT_EQ(sb->sightings[0].time_seconds, 5);
  EXPECT_EQ(ParseSightingBatch("{\"batch_id\":1,\"sightings\":[]}").error().field, "batch_id");
  EXPECT_EQ(ParseSightingBatch("{\"batch_id\":\"x\",\"sightings\":[{\"attribute_uuid\":3}]}").error().field,
            "sightings[0].attribute_uuid");
}

}  // namespace
}  // namespace bulwark::hub
