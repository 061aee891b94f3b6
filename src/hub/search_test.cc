// Tests of the restSearch body parser (ParseSearchRequest): the shapes MISP clients send, and the inputs the
// rest_search fuzz target found.
#include "hub/search.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "lifecycle/model_overrides.h"

namespace bulwark::hub {
namespace {

const FakeClock kClock(1'714'564'800'000'000);  // 2024-05-01T12:00:00Z

Result<SearchRequest> Parse(std::string_view json) { return ParseSearchRequest(boost::json::parse(json), kClock); }

TEST(ParseSearchRequest, LastIsRelativeToNow) {
  auto seconds = Parse(R"({"last": 3600})");
  ASSERT_TRUE(seconds.ok()) << seconds.error().message;
  EXPECT_EQ(seconds->publish_timestamp_from, 1'714'564'800 - 3600);
  auto days = Parse(R"({"request": {"last": "7d"}})");
  ASSERT_TRUE(days.ok()) << days.error().message;
  EXPECT_EQ(days->publish_timestamp_from, 1'714'564'800 - 7 * 86400);
}

// Fuzz finding (fuzz/corpus/rest_search/crash-last-int64-min): now - INT64_MIN overflowed (UBSan).
TEST(ParseSearchRequest, NegativeLastIsRejected) {
  for (const char* body : {R"({"last": -9223372036854775808})", R"({"last": "-1"})"}) {
    auto r = Parse(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(r.error().field, "last");
  }
}

TEST(ParseSearchRequest, LimitAndPageBounds) {
  auto r = Parse(R"({"limit": "10", "page": 0})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->limit, 10u);
  EXPECT_EQ(r->page, 1u);
  auto big = Parse(R"({"limit": 1000000001})");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().field, "limit");
}

TEST(ParseSearchRequest, ModelOverrides) {
  auto none = Parse(R"({"modelOverrides": {}})");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(none->model_overrides, nullptr);
  auto r = Parse(R"({"modelOverrides": {"threshold": "50", "lifetime": 30}, "includeDecayScore": 1})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_NE(r->model_overrides, nullptr);
  EXPECT_EQ(r->model_overrides->threshold, 50.0);
  EXPECT_EQ(r->model_overrides->lifetime_days, 30.0);
  EXPECT_FALSE(r->model_overrides->decay_speed.has_value());
  auto bad = Parse(R"({"modelOverrides": {"threshold": 500}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(bad.error().field, "modelOverrides.threshold");
}

}  // namespace
}  // namespace bulwark::hub
