#include "common/periodic.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace bulwark {
namespace {

using namespace std::chrono_literals;

template <typename Pred>
bool WaitUntil(Pred pred) {
  for (int i = 0; i < 500 && !pred(); ++i) std::this_thread::sleep_for(10ms);
  return pred();
}

TEST(PeriodicThreadTest, RunsAtOnceThenEveryInterval) {
  std::atomic<int> runs{0};
  PeriodicThread t;
  t.Start(20ms, PeriodicThread::First::kAtOnce, [&] { ++runs; });
  EXPECT_TRUE(t.running());
  EXPECT_TRUE(WaitUntil([&] { return runs >= 3; }));
  t.Stop();
  EXPECT_FALSE(t.running());
  const int after = runs;
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(runs, after);  // nothing runs once stopped
}

TEST(PeriodicThreadTest, AfterIntervalWaitsAndStopWakesItAtOnce) {
  std::atomic<int> runs{0};
  PeriodicThread t;
  t.Start(std::chrono::hours(1), PeriodicThread::First::kAfterInterval, [&] { ++runs; });
  const auto start = std::chrono::steady_clock::now();
  t.Stop();  // must not wait the hour
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(runs, 0);
  t.Stop();  // idempotent
  t.Start(20ms, PeriodicThread::First::kAtOnce, [&] { ++runs; });  // and it can start again
  EXPECT_TRUE(WaitUntil([&] { return runs >= 1; }));
}

}  // namespace
}  // namespace bulwark
