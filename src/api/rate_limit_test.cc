#include "api/rate_limit.h"

#include <gtest/gtest.h>

namespace bulwark::api {
namespace {

TEST(RateLimiter, BurstThenRate) {
  RateLimiter limiter(2.0, 3.0);  // 2 per second, burst of 3
  int64_t retry = 0;
  const int64_t t0 = 1'000'000'000;
  EXPECT_TRUE(limiter.Allow("k", t0, retry));
  EXPECT_TRUE(limiter.Allow("k", t0, retry));
  EXPECT_TRUE(limiter.Allow("k", t0, retry));
  EXPECT_FALSE(limiter.Allow("k", t0, retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(limiter.Allow("other", t0, retry));  // buckets are per key
  EXPECT_TRUE(limiter.Allow("k", t0 + 500'000, retry));  // half a second later: one token back
  EXPECT_FALSE(limiter.Allow("k", t0 + 500'000, retry));
  EXPECT_TRUE(limiter.Allow("k", t0 + 10'000'000, retry));
}

TEST(RateLimiter, SlowRateRetryAfter) {
  RateLimiter limiter(0.1, 1.0);  // one request per 10 s
  int64_t retry = 0;
  EXPECT_TRUE(limiter.Allow("k", 0, retry));
  EXPECT_FALSE(limiter.Allow("k", 1'000'000, retry));
  EXPECT_EQ(retry, 9);
}

}  // namespace
}  // namespace bulwark::api
