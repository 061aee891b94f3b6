#include "match/sighting_queue.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/uuid.h"

namespace bulwark::match {
namespace {

namespace fs = std::filesystem;

// A receiver that records batches the way the hub does: per (batch id, index), so redeliveries are counted
// as duplicates. It can be made unreachable, or to record and then lose its acknowledgement.
struct FakeHub {
  std::map<std::string, hub::SensorSighting> recorded;  // "batch/index" -> sighting
  std::vector<std::string> deliveries;                  // batch ids, in delivery order
  size_t duplicates = 0;
  bool reachable = true;
  bool lose_ack = false;
  ErrorCode refuse = ErrorCode::kInternal;  // kInternal: accept

  Status Deliver(const hub::SightingBatch& b) {
    if (!reachable) return MakeError(ErrorCode::kUnavailable, "connection refused");
    deliveries.push_back(b.batch_id);
    if (refuse != ErrorCode::kInternal) return MakeError(refuse, "refused");
    for (size_t i = 0; i < b.sightings.size(); ++i) {
      if (!recorded.emplace(b.batch_id + "/" + std::to_string(i), b.sightings[i]).second) ++duplicates;
    }
    if (lose_ack) return MakeError(ErrorCode::kUnavailable, "timeout waiting for the answer");
    return Ok();
  }
};

class SightingQueueTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fs::temp_directory_path() / ("bulwark-sighting-queue-test-" + NewUuidV4()); }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<SightingQueue> Open(size_t batch_size = 3) {
    SightingQueueOptions o;
    o.dir = dir_.string();
    o.batch_size = batch_size;
    auto q = SightingQueue::Open(o, [this](const hub::SightingBatch& b) { return hub_.Deliver(b); });
    EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().message);
    return std::move(q).value();
  }

  static std::vector<SightingReport> Reports(int from, int n) {
    std::vector<SightingReport> out;
    for (int i = from; i < from + n; ++i) {
      out.push_back({"0b8e4e2c-1c1d-4d6f-9a8b-" + std::to_string(100000000000 + i), "v" + std::to_string(i),
                     1'760'000'000 + i, "sensor-1"});
    }
    return out;
  }

  std::set<std::string> Values() const {
    std::set<std::string> out;
    for (const auto& [k, s] : hub_.recorded) out.insert(s.value);
    return out;
  }

  fs::path dir_;
  FakeHub hub_;
};

TEST_F(SightingQueueTest, BatchesSegmentsAndDeletesThemOnlyAfterTheAck) {
  auto q = Open(3);
  ASSERT_TRUE(q->Add(Reports(0, 7)).ok());
  EXPECT_EQ(q->ReadySegments(), 2u);
  EXPECT_EQ(q->OpenReports(), 1u);
  EXPECT_TRUE(hub_.deliveries.empty());  // Add never talks to the hub
  ASSERT_TRUE(q->Flush().ok());
  EXPECT_EQ(hub_.deliveries.size(), 3u);
  EXPECT_EQ(hub_.deliveries[0], q->instance_id() + ":1");
  EXPECT_EQ(hub_.deliveries[2], q->instance_id() + ":3");
  EXPECT_EQ(Values().size(), 7u);
  EXPECT_EQ(hub_.recorded.at(q->instance_id() + ":1/0").time_seconds, 1'760'000'000);
  EXPECT_EQ(hub_.recorded.at(q->instance_id() + ":1/0").source, "sensor-1");
  EXPECT_EQ(q->ReadySegments(), 0u);
  ASSERT_TRUE(q->Flush().ok());
  EXPECT_EQ(hub_.deliveries.size(), 3u);
}

TEST_F(SightingQueueTest, KeepsEverythingThroughAnOutageAndCatchesUp) {
  auto q = Open(2);
  hub_.reachable = false;
  ASSERT_TRUE(q->Add(Reports(0, 3)).ok());
  auto st = q->Flush();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(q->Add(Reports(3, 2)).ok());
  EXPECT_EQ(q->ReadySegments(), 3u);
  hub_.reachable = true;
  ASSERT_TRUE(q->Flush().ok());
  EXPECT_EQ(Values(), (std::set<std::string>{"v0", "v1", "v2", "v3", "v4"}));
  EXPECT_EQ(hub_.duplicates, 0u);
}

TEST_F(SightingQueueTest, KilledBetweenAppendAndAckRedeliversTheSameBatchOnce) {
  std::string instance;
  {
    auto q = Open(10);
    instance = q->instance_id();
    ASSERT_TRUE(q->Add(Reports(0, 4)).ok());
    // The process dies here: the segment is still open, nothing was sent.
  }
  // A torn write at the moment of the kill: half a line after the last whole one.
  fs::path open_file;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().extension() == ".open") open_file = e.path();
  }
  ASSERT_FALSE(open_file.empty());
  std::ofstream(open_file, std::ios::app) << "{\"attribute_uuid\":\"0b8e";
  {
    auto q = Open(10);
    EXPECT_EQ(q->instance_id(), instance);
    EXPECT_EQ(q->ReadySegments(), 1u);
    // Delivered, recorded by the hub, but the answer is lost: the segment stays.
    hub_.lose_ack = true;
    EXPECT_FALSE(q->Flush().ok());
    EXPECT_EQ(q->ReadySegments(), 1u);
    ASSERT_TRUE(q->Add(Reports(4, 1)).ok());
    // Killed again before the retry.
  }
  hub_.lose_ack = false;
  auto q = Open(10);
  ASSERT_TRUE(q->Flush().ok());
  ASSERT_EQ(hub_.deliveries.size(), 3u);
  EXPECT_EQ(hub_.deliveries[0], instance + ":1");
  EXPECT_EQ(hub_.deliveries[1], instance + ":1");  // the same id again: the hub counts it once
  EXPECT_EQ(hub_.deliveries[2], instance + ":2");
  EXPECT_EQ(hub_.duplicates, 4u);
  EXPECT_EQ(Values(), (std::set<std::string>{"v0", "v1", "v2", "v3", "v4"}));
  EXPECT_EQ(q->ReadySegments(), 0u);
}

TEST_F(SightingQueueTest, ATemporaryFileLeftByACrashIsRemovedAndTheRestKept) {
  {
    auto q = Open(2);
    ASSERT_TRUE(q->Add(Reports(0, 2)).ok());  // one sealed segment
  }
  // The process died while sealing another segment: its temporary file was never renamed.
  const fs::path leftover = dir_ / (".00000009.ready." + NewUuidV4() + ".tmp");
  std::ofstream(leftover) << "{\"attribute_uuid\":\"half";
  auto q = Open(2);
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_EQ(q->ReadySegments(), 1u);
  ASSERT_TRUE(q->Flush().ok());
  EXPECT_EQ(Values(), (std::set<std::string>{"v0", "v1"}));
}

TEST_F(SightingQueueTest, RefusedBatchesAreSetAsideAndDoNotBlockTheRest) {
  auto q = Open(1);
  ASSERT_TRUE(q->Add(Reports(0, 2)).ok());
  hub_.refuse = ErrorCode::kInvalid;
  ASSERT_TRUE(q->Flush().ok());
  EXPECT_EQ(q->ReadySegments(), 0u);
  size_t rejected = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "rejected")) rejected += e.is_regular_file();
  EXPECT_EQ(rejected, 2u);
  // A refused key is not the batch's fault: it stays queued.
  hub_.refuse = ErrorCode::kUnauthenticated;
  ASSERT_TRUE(q->Add(Reports(2, 1)).ok());
  EXPECT_EQ(q->Flush().error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(q->ReadySegments(), 1u);
}

TEST_F(SightingQueueTest, BoundsTheBytesOnDisk) {
  SightingQueueOptions o;
  o.dir = dir_.string();
  o.batch_size = 100;
  o.max_queued_bytes = 400;
  auto q = SightingQueue::Open(o, [this](const hub::SightingBatch& b) { return hub_.Deliver(b); }).value();
  ASSERT_TRUE(q->Add(Reports(0, 2)).ok());
  auto full = q->Add(Reports(2, 10));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kTooLarge);
  ASSERT_TRUE(q->Flush().ok());
  EXPECT_TRUE(q->Add(Reports(2, 2)).ok());  // delivered bytes are freed
}

}  // namespace
}  // namespace bulwark::match
