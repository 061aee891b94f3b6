#include "match/store_source.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "access/roles.h"
#include "common/uuid.h"
#include "hub/hub_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::match {
namespace {

namespace fs = std::filesystem;

class StoreSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { sensor_ = t_.AddOrgUser("Sensor Org", "sensor@s.test", access::kRoleUser); }

  model::Event Add(const std::string& json, bool publish = true) {
    auto e = hub_->AddEvent(admin_, misp::ParseEvent(boost::json::parse(json)).value());
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
    if (publish) {
      EXPECT_TRUE(hub_->PublishEvent(admin_, hub::EventRef{e->uuid}, true).ok());
    }
    return std::move(e).value();
  }

  hub::test_support::TestHub t_{"store-source-test"};
  std::unique_ptr<hub::Hub>& hub_ = t_.hub;
  access::Principal& admin_ = t_.admin;
  access::Principal sensor_;
};

TEST(ToEventIndicatorsTest, CarriesEventContextAndMergesTags) {
  hub::FeedEvent e{5, "ev-uuid", "wave", 1, {"tlp:amber", "campaign"}, {}};
  e.indicators.push_back({"a-uuid", "domain", "evil.example", {"campaign", "kill-chain:delivery"}, "tlp:amber"});
  EventIndicators out = ToEventIndicators(e);
  EXPECT_EQ(out.event_uuid, "ev-uuid");
  ASSERT_EQ(out.indicators.size(), 1u);
  const Indicator& i = out.indicators[0];
  EXPECT_EQ(i.attribute_uuid, "a-uuid");
  EXPECT_EQ(i.type, "domain");
  EXPECT_EQ(i.value, "evil.example");
  EXPECT_EQ(i.event_uuid, "ev-uuid");
  EXPECT_EQ(i.event_info, "wave");
  EXPECT_EQ(i.threat_level, 1);
  EXPECT_EQ(i.tags, (std::vector<std::string>{"campaign", "kill-chain:delivery", "tlp:amber"}));
  EXPECT_EQ(i.tlp, "tlp:amber");
}

TEST_F(StoreSourceTest, LoadsThenFollowsTheChangeLog) {
  auto first =
      Add(R"({"info": "one", "threat_level_id": 2, "Attribute": [{"type": "ip-dst", "value": "203.0.113.5"}]})");
  Add(R"({"info": "org only", "distribution": 0, "Attribute": [{"type": "domain", "value": "secret.example"}]})");
  auto source = OpenStoreSource(*hub_, sensor_).value();
  auto full = source->Load();
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_TRUE(full->full);
  ASSERT_EQ(full->events.size(), 1u);  // the operator's org-only event is not the sensor org's
  EXPECT_EQ(full->events[0].event_uuid, first.uuid);
  EXPECT_EQ(full->events[0].indicators[0].value, "203.0.113.5");
  EXPECT_EQ(full->events[0].indicators[0].threat_level, 2);

  auto nothing = source->Poll(full->cursor).value();
  EXPECT_FALSE(nothing.full);
  EXPECT_TRUE(nothing.events.empty());
  EXPECT_EQ(nothing.cursor, full->cursor);

  auto second = Add(R"({"info": "two", "Attribute": [{"type": "url", "value": "http://bad.example/login"}]})");
  ASSERT_TRUE(hub_->PublishEvent(admin_, hub::EventRef{first.uuid}, false).ok());
  auto delta = source->Poll(full->cursor).value();
  ASSERT_EQ(delta.events.size(), 2u);
  for (const auto& e : delta.events) {
    if (e.event_uuid == first.uuid) {
      EXPECT_TRUE(e.indicators.empty());
    }
    if (e.event_uuid == second.uuid) {
      EXPECT_EQ(e.indicators.size(), 1u);
    }
  }
  EXPECT_GT(delta.cursor, full->cursor);
}

TEST_F(StoreSourceTest, SinkRecordsSightingsThroughTheHub) {
  auto e = Add(R"({"info": "s", "Attribute": [{"type": "domain", "value": "seen.example"}]})");
  auto sink = OpenStoreSightingSink(*hub_, sensor_, 2).value();
  ASSERT_TRUE(sink->Add({{e.attributes[0].uuid, "a.seen.example", 1'760'000'000, "test"}}).ok());
  auto count = [&] {
    size_t n = 0;
    EXPECT_TRUE(hub_->SearchSightings(admin_, {}, [&](const model::Sighting&) { return ++n, true; }).ok());
    return n;
  };
  EXPECT_EQ(count(), 0u);  // buffered until a batch is full or Flush
  ASSERT_TRUE(sink->Add({{e.attributes[0].uuid, "b.seen.example", 1'760'000'001, "test"}}).ok());
  EXPECT_EQ(count(), 2u);
  ASSERT_TRUE(sink->Add({{e.attributes[0].uuid, "c.seen.example", 0, "test"}}).ok());
  ASSERT_TRUE(sink->Flush().ok());
  EXPECT_EQ(count(), 3u);
  ASSERT_TRUE(sink->Flush().ok());
  EXPECT_EQ(count(), 3u);
}

}  // namespace
}  // namespace bulwark::match
