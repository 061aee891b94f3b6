#include "match/snapshot_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/uuid.h"
#include "match/match_test_util.h"

namespace bulwark::match {
namespace {

namespace fs = std::filesystem;
using testing::Ind;

class SnapshotFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("bulwark_snapshot_test_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path() const { return (fs::path(dir_) / kSnapshotFileName).string(); }
  std::string Contents() const {
    std::ifstream in(Path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void Overwrite(const std::string& text) const {
    std::ofstream out(Path(), std::ios::binary | std::ios::trunc);
    out << text;
  }

  // Two events: a domain with tags and TLP, a composite, an IPv6 prefix; the second event has another
  // threat level and info.
  static std::shared_ptr<const IndicatorSet> TwoEvents(int64_t cursor) {
    IndicatorBatch b;
    b.full = true;
    b.cursor = cursor;
    Indicator d = Ind("domain", "login-vote.example", "a-1", "ev-1");
    d.tags = {"tlp:amber", "election:phishing \"wave\""};
    Indicator c = Ind("domain|ip", "ballot.example|192.0.2.7", "a-2", "ev-1");
    Indicator v6 = Ind("ip-dst", "2001:db8::/32", "a-3", "ev-2");
    v6.event_info = "second wave \xc3\xa9";
    v6.threat_level = 3;
    v6.tags = {};
    v6.tlp = "";
    b.events.push_back(EventIndicators{"ev-1", {d, c}});
    b.events.push_back(EventIndicators{"ev-2", {v6}});
    return IndicatorSet::Apply(nullptr, std::move(b));
  }

  std::string dir_;
  SnapshotOrigin origin_ = OriginFor("https://hub.example:8443/", "sensor-key-1");
};

TEST_F(SnapshotFileTest, RoundTripRebuildsTheSameIndicators) {
  auto set = TwoEvents(4242);
  ASSERT_TRUE(WriteSnapshot(dir_, origin_, *set, 1'764'300'000).ok());
  auto got = ReadSnapshot(dir_, OriginFor("https://hub.example:8443", "sensor-key-1"));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_TRUE(got->batch.full);
  EXPECT_EQ(got->batch.cursor, 4242);
  EXPECT_EQ(got->saved_at, 1'764'300'000);
  EXPECT_EQ(got->indicators, 3u);
  ASSERT_EQ(got->batch.events.size(), 2u);
  const EventIndicators& e1 = got->batch.events[0];
  EXPECT_EQ(e1.event_uuid, "ev-1");
  ASSERT_EQ(e1.indicators.size(), 2u);
  EXPECT_EQ(e1.indicators[0].attribute_uuid, "a-1");
  EXPECT_EQ(e1.indicators[0].type, "domain");
  EXPECT_EQ(e1.indicators[0].value, "login-vote.example");
  EXPECT_EQ(e1.indicators[0].tags, (std::vector<std::string>{"tlp:amber", "election:phishing \"wave\""}));
  EXPECT_EQ(e1.indicators[0].tlp, "tlp:amber");
  EXPECT_EQ(e1.indicators[0].event_uuid, "ev-1");
  EXPECT_EQ(e1.indicators[0].event_info, "test event");
  EXPECT_EQ(e1.indicators[0].threat_level, 1);
  EXPECT_EQ(e1.indicators[1].value, "ballot.example|192.0.2.7");
  const Indicator& v6 = got->batch.events[1].indicators.at(0);
  EXPECT_EQ(v6.event_info, "second wave \xc3\xa9");
  EXPECT_EQ(v6.threat_level, 3);
  EXPECT_TRUE(v6.tags.empty());
  EXPECT_EQ(v6.tlp, "");

  // The rebuilt set matches what the original matched, and writing it again gives the same bytes.
  auto rebuilt = IndicatorSet::Apply(nullptr, std::move(got->batch));
  EXPECT_EQ(rebuilt->size(), set->size());
  EXPECT_EQ(rebuilt->cursor(), 4242);
  int hits = 0;
  rebuilt->MatchDomain("www.login-vote.example", [&](const IndicatorHit& h) {
    ++hits;
    EXPECT_EQ(h.indicator->attribute_uuid, "a-1");
  });
  rebuilt->MatchIp(*IpAddress::Parse("2001:db8:1::5"), [&](const IndicatorHit&) { ++hits; });
  rebuilt->MatchIpv4(0xC0000207u, [&](const IndicatorHit&) { ++hits; });
  EXPECT_EQ(hits, 3);
  const std::string first = Contents();
  ASSERT_TRUE(WriteSnapshot(dir_, origin_, *rebuilt, 1'764'300'000).ok());
  EXPECT_EQ(Contents(), first);
  // The key itself is never written, only its hash.
  EXPECT_EQ(first.find("sensor-key-1"), std::string::npos);
  EXPECT_NE(first.find(origin_.key_sha256), std::string::npos);
}

TEST_F(SnapshotFileTest, EmptySetRoundTrips) {
  auto set = IndicatorSet::Apply(nullptr, IndicatorBatch{true, {}, 7});
  ASSERT_TRUE(WriteSnapshot(dir_, origin_, *set, 5).ok());
  auto got = ReadSnapshot(dir_, origin_);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_TRUE(got->batch.events.empty());
  EXPECT_EQ(got->batch.cursor, 7);
}

TEST_F(SnapshotFileTest, MissingSnapshotIsNotFound) {
  auto got = ReadSnapshot(dir_, origin_);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
}

TEST_F(SnapshotFileTest, CorruptSnapshotsAreRefusedWithTheReason) {
  ASSERT_TRUE(WriteSnapshot(dir_, origin_, *TwoEvents(9), 100).ok());
  const std::string good = Contents();

  struct Case {
    std::string name;
    std::string text;
    std::string reason;
  };
  std::string flipped = good;
  flipped[flipped.find("login-vote")] = 'L';  // still valid JSON: only the checksum can tell
  std::string bad_json = good;
  bad_json.insert(good.find('\n') + 1, "{not json\n");
  std::string no_end = good.substr(0, good.rfind("{\"end\""));
  std::string extra = good + "{\"end\":true}\n";
  std::string wrong_count = good;
  wrong_count.replace(wrong_count.find("\"indicators\":3"), 14, "\"indicators\":2");
  std::string wrong_type = good;
  wrong_type.replace(wrong_type.find("\"threat_level\":1"), 16, "\"threat_level\":\"1\"");
  const std::vector<Case> cases = {
      {"flipped byte", flipped, "checksum"},
      {"not JSON", bad_json, "line 2: not a JSON object"},
      {"truncated", no_end, "truncated"},
      {"torn last line", good.substr(0, good.size() - 5), "ends inside a line"},
      {"data after the end", extra, "after the end line"},
      {"counts disagree", wrong_count, "line"},
      {"wrong field type", wrong_type, "threat_level"},
      {"empty file", "", "truncated"},
      {"another format", "{\"format\":\"something-else\"}\n", "not a sensor snapshot"},
      {"binary garbage", std::string("\x00\x01\xff\n", 4), "not a JSON object"},
  };
  for (const Case& c : cases) {
    Overwrite(c.text);
    auto got = ReadSnapshot(dir_, origin_);
    ASSERT_FALSE(got.ok()) << c.name;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalid) << c.name << ": " << got.error().message;
    EXPECT_NE(got.error().message.find(c.reason), std::string::npos) << c.name << ": " << got.error().message;
  }
  // A line far past the bound is refused without reading it whole into one string.
  Overwrite(std::string(9u << 20, 'x'));
  auto huge = ReadSnapshot(dir_, origin_);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("longer than 8 MiB"), std::string::npos) << huge.error().message;
}

TEST_F(SnapshotFileTest, SnapshotOfAnotherHubOrKeyIsRefused) {
  ASSERT_TRUE(WriteSnapshot(dir_, origin_, *TwoEvents(9), 100).ok());
  auto other_hub = ReadSnapshot(dir_, OriginFor("https://other-hub.example:8443", "sensor-key-1"));
  ASSERT_FALSE(other_hub.ok());
  EXPECT_EQ(other_hub.error().code, ErrorCode::kConflict);
  EXPECT_NE(other_hub.error().message.find("another hub (https://hub.example:8443)"), std::string::npos);
  auto other_key = ReadSnapshot(dir_, OriginFor("https://hub.example:8443", "sensor-key-2"));
  ASSERT_FALSE(other_key.ok());
  EXPECT_EQ(other_key.error().code, ErrorCode::kConflict);
  EXPECT_NE(other_key.error().message.find("another API key"), std::string::npos);
  EXPECT_TRUE(ReadSnapshot(dir_, origin_).ok());
}

TEST_F(SnapshotFileTest, TooManyIndicatorsAreRefusedBeforeReading) {
  ASSERT_TRUE(WriteSnapshot(dir_, origin_, *TwoEvents(9), 100).ok());
  auto got = ReadSnapshot(dir_, origin_, 2);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kTooLarge);
}

TEST_F(SnapshotFileTest, ReplaceIsAtomic) {
  ASSERT_TRUE(WriteSnapshot(dir_, origin_, *TwoEvents(1), 100).ok());
  // A crash in the middle of the next write leaves a partial temporary file: the snapshot is still the old one.
  const std::string torn_path =
      (fs::path(dir_) / ("." + std::string(kSnapshotFileName) + "." + NewUuidV4() + ".tmp")).string();
  {
    std::ofstream torn(torn_path, std::ios::binary);
    torn << "{\"format\":\"bulwark-sensor-snapshot\",\"vers";
  }
  auto old = ReadSnapshot(dir_, origin_);
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(old->batch.cursor, 1);
  // The next write replaces the snapshot whole (the torn file is garbage, removed by the sensor's state
  // directory sweep: SightingQueueTest.ATemporaryFileLeftByACrashIsRemovedAndTheRestKept).
  ASSERT_TRUE(WriteSnapshot(dir_, origin_, *TwoEvents(2), 200).ok());
  auto now = ReadSnapshot(dir_, origin_);
  ASSERT_TRUE(now.ok()) << now.error().message;
  EXPECT_EQ(now->batch.cursor, 2);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    ++files;
    EXPECT_TRUE(e.path().string() == Path() || e.path().string() == torn_path) << e.path();
  }
  EXPECT_EQ(files, 2u);
  // A failed write leaves the previous file in place: DurableFileTest.AFailedWriteLeavesTheOldFileAndNoTemporaryFile.
}

TEST_F(SnapshotFileTest, WriterPersistsTheNewestSubmittedSetOffTheCallersThread) {
  SnapshotWriterOptions o;
  o.dir = dir_;
  o.origin = origin_;
  o.min_interval = std::chrono::hours(1);  // everything after the first write waits for Close
  o.now = [] { return int64_t{1234}; };
  SnapshotWriter w(o);
  w.Submit(TwoEvents(1));
  w.Submit(TwoEvents(2));
  w.Submit(TwoEvents(3));
  ASSERT_TRUE(w.Close().ok());
  // Either the first set was written before the others arrived (2 writes) or all three coalesced (1 write);
  // in both cases the file holds the newest.
  EXPECT_GE(w.writes(), 1u);
  EXPECT_LE(w.writes(), 2u);
  auto got = ReadSnapshot(dir_, origin_);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->batch.cursor, 3);
  EXPECT_EQ(got->saved_at, 1234);
}

TEST_F(SnapshotFileTest, WriterReportsAFailedWrite) {
  fs::remove_all(dir_);
  std::ofstream(dir_) << "a file where the state directory should be";
  std::vector<std::string> errors;
  SnapshotWriterOptions o;
  o.dir = dir_;
  o.origin = origin_;
  o.min_interval = std::chrono::milliseconds(0);
  o.on_error = [&](const Error& e) { errors.push_back(e.message); };
  SnapshotWriter w(o);
  w.Submit(TwoEvents(1));
  Status st = w.Close();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(w.writes(), 0u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("cannot create"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace bulwark::match
