#include "match/hub_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>

#include "access/roles.h"
#include "common/uuid.h"
#include "hub/sensor_feed.h"
#include "match/sighting_queue.h"
#include "hub/hub_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::match {
namespace {

namespace fs = std::filesystem;

// A hub on SQLite served over loopback HTTP with the two sensor routes as the API module registers them
// (same feed, same wire format), so the HTTP sources are tested against a real server and a real store.
class HubSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t_.AddOrgUser("Sensor Org", "sensor@s.test", access::kRoleUser);
    key_ = hub_->AddApiKey(admin_, "sensor@s.test", {}).value().clear_key;
    feed_ = std::make_unique<hub::SensorFeed>(*hub_);
    StartServer();
  }
  void TearDown() override { server_.reset(); }  // before the hub it serves

  void StartServer() {
    http::Router router;
    auto error = [](const Error& e, const http::HttpRequest& req) { return http::ErrorResponse(e, req.path); };
    router.Add("GET", "/api/v1/sensor/indicators", "indicators", [this, error](http::HttpRequest& req) {
      if (garbage_) return http::HttpResponse::Json(200, "{\"data\":{\"full\":\"yes\"}}");
      auto p = hub_->Authenticate(req.Header("Authorization").value_or(""));
      if (!p.ok()) return error(p.error(), req);
      auto num = [&](std::string_view name) -> std::optional<int64_t> {
        auto v = req.Query(name);
        if (!v) return std::nullopt;
        return std::stoll(std::string(*v));
      };
      ++requests_;
      const size_t limit = static_cast<size_t>(num("limit").value_or(1000));
      auto page = num("after") ? feed_->Delta(*p, *num("after"), limit)
                               : feed_->FullPage(*p, num("page_after_event").value_or(0), limit);
      if (!page.ok()) return error(page.error(), req);
      return http::HttpResponse::Json(200, "{\"data\":" + hub::RenderFeedPage(*page) + "}");
    });
    router.Add("POST", "/api/v1/sensor/sightings", "sightings", [this, error](http::HttpRequest& req) {
      auto p = hub_->Authenticate(req.Header("Authorization").value_or(""));
      if (!p.ok()) return error(p.error(), req);
      auto batch = hub::ParseSightingBatch(req.body);
      if (!batch.ok()) return error(batch.error(), req);
      auto r = feed_->RecordSightings(*p, *batch);
      if (!r.ok()) return error(r.error(), req);
      last_result_ = *r;
      if (lose_ack_) return http::HttpResponse::Json(503, "{}");
      return http::HttpResponse::Json(200, "{\"data\":" + hub::RenderSightingBatchResult(batch->batch_id, *r) + "}");
    });
    http::HttpServerOptions so;
    so.port = 0;
    so.access_log = false;
    server_ = http::HttpServer::Start(so, router, metrics_, MakeNullLogger()).value();
    url_ = "http://127.0.0.1:" + std::to_string(server_->Port());
  }

  model::Event Add(const std::string& json) {
    auto e = hub_->AddEvent(admin_, misp::ParseEvent(boost::json::parse(json)).value());
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
    EXPECT_TRUE(hub_->PublishEvent(admin_, hub::EventRef{e->uuid}, true).ok());
    return std::move(e).value();
  }

  HubSourceOptions Options(size_t page_limit = 2) {
    HubSourceOptions o;
    o.url = url_ + "/";
    o.api_key = key_;
    o.page_limit = page_limit;
    o.http.connect_timeout = std::chrono::milliseconds(2000);
    o.http.timeout = std::chrono::milliseconds(10000);
    return o;
  }

  size_t SightingCount() {
    size_t n = 0;
    EXPECT_TRUE(hub_->SearchSightings(admin_, {}, [&](const model::Sighting&) { return ++n, true; }).ok());
    return n;
  }

  hub::test_support::TestHub t_{"hub-source-test"};
  fs::path& dir_ = t_.dir;
  std::unique_ptr<hub::Hub>& hub_ = t_.hub;
  access::Principal& admin_ = t_.admin;
  Metrics metrics_;
  std::unique_ptr<hub::SensorFeed> feed_;
  std::unique_ptr<http::HttpServer> server_;
  std::string key_, url_;
  std::atomic<int> requests_{0};
  std::atomic<bool> garbage_{false};
  std::atomic<bool> lose_ack_{false};
  hub::SightingBatchResult last_result_;
};

TEST_F(HubSourceTest, LoadsPageByPageAndPollsTheDelta) {
  std::set<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    auto e = Add(R"({"info": "e)" + std::to_string(i) + R"(", "Attribute": [{"type": "domain", "value": "d)" +
                 std::to_string(i) + R"(.example"}]})");
    expected.insert(e.uuid);
  }
  auto source = OpenHubSource(Options(2)).value();
  auto full = source->Load();
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_TRUE(full->full);
  std::set<std::string> got;
  for (const auto& e : full->events) got.insert(e.event_uuid);
  EXPECT_EQ(got, expected);
  EXPECT_GE(requests_.load(), 3);  // 5 indicators, 2 per page

  auto added = Add(R"({"info": "late", "Attribute": [{"type": "ip-src", "value": "192.0.2.44"}]})");
  auto delta = source->Poll(full->cursor);
  ASSERT_TRUE(delta.ok()) << delta.error().message;
  ASSERT_EQ(delta->events.size(), 1u);
  EXPECT_EQ(delta->events[0].event_uuid, added.uuid);
  EXPECT_EQ(delta->events[0].indicators[0].value, "192.0.2.44");
  EXPECT_EQ(delta->events[0].indicators[0].event_info, "late");
  auto again = source->Poll(delta->cursor).value();
  EXPECT_TRUE(again.events.empty());
  EXPECT_EQ(again.cursor, delta->cursor);
}

TEST_F(HubSourceTest, ReportsAnUnreachableOrHostileHubAsErrors) {
  auto bad_key = Options();
  bad_key.api_key = std::string(40, 'x');
  EXPECT_EQ(OpenHubSource(bad_key).value()->Load().error().code, ErrorCode::kUnauthenticated);

  garbage_ = true;
  EXPECT_EQ(OpenHubSource(Options()).value()->Load().error().code, ErrorCode::kBadRequest);
  garbage_ = false;

  auto source = OpenHubSource(Options()).value();
  server_.reset();  // the hub goes away
  auto down = source->Poll(0);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);

  HubSourceOptions no_url;
  no_url.url = "not a url";
  no_url.api_key = key_;
  EXPECT_FALSE(OpenHubSource(no_url).ok());
}

TEST_F(HubSourceTest, QueuedSightingsSurviveAnOutageAndAreCountedOnceByTheHub) {
  auto e = Add(R"({"info": "s", "threat_level_id": 1, "Attribute": [{"type": "domain", "value": "seen.example"}]})");
  const std::string queue_dir = (dir_ / "queue").string();
  const std::string attr = e.attributes[0].uuid;
  {
    auto sink = OpenHubSightingQueue(Options(), queue_dir, 10).value();
    ASSERT_TRUE(sink->Add({{attr, "x.seen.example", 1'760'000'000, "dns"}, {attr, "y.seen.example", 0, "dns"}}).ok());
    // The hub records the batch but the answer never arrives: the segment stays and is redelivered.
    lose_ack_ = true;
    EXPECT_FALSE(sink->Flush().ok());
    EXPECT_EQ(SightingCount(), 2u);
    EXPECT_EQ(last_result_.added, 2u);
    ASSERT_TRUE(sink->Add({{attr, "z.seen.example", 0, "dns"}}).ok());
  }  // the sensor is killed before the retry
  lose_ack_ = false;
  auto sink = OpenHubSightingQueue(Options(), queue_dir, 10).value();
  ASSERT_TRUE(sink->Flush().ok());
  EXPECT_EQ(SightingCount(), 3u);  // the redelivered batch added nothing

  server_.reset();
  ASSERT_TRUE(sink->Add({{attr, "w.seen.example", 0, "dns"}}).ok());
  EXPECT_EQ(sink->Flush().error().code, ErrorCode::kUnavailable);
  StartServer();  // a new port: a new sink pointing there drains the same queue directory
  sink.reset();
  auto later = OpenHubSightingQueue(Options(), queue_dir, 10).value();
  ASSERT_TRUE(later->Flush().ok());
  EXPECT_EQ(SightingCount(), 4u);
}

}  // namespace
}  // namespace bulwark::match
