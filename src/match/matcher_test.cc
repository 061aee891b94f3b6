#include "match/matcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "match/file_source.h"
#include "match/match_test_util.h"

namespace bulwark::match {
namespace {

using ::testing::ElementsAre;
using testing::Ind;

class MemorySource : public IndicatorSource {
 public:
  Result<IndicatorBatch> Load() override {
    ++loads;
    if (unavailable) return MakeError(ErrorCode::kUnavailable, "hub away");
    IndicatorBatch b;
    b.full = true;
    b.events = events;
    b.cursor = load_cursor;
    return b;
  }
  Result<IndicatorBatch> Poll(int64_t cursor) override {
    polled_from.push_back(cursor);
    if (unavailable) return MakeError(ErrorCode::kUnavailable, "hub away");
    if (poll_error) return *poll_error;
    IndicatorBatch b;
    b.cursor = cursor + 1;
    b.events = std::move(next);
    next.clear();
    return b;
  }
  std::vector<EventIndicators> events;
  std::vector<EventIndicators> next;
  bool unavailable = false;
  std::optional<Error> poll_error;  // what Poll answers (after `unavailable`)
  int64_t load_cursor = 1;
  int loads = 0;
  std::vector<int64_t> polled_from;
};

class RecordingSink : public SightingSink {
 public:
  Status Add(std::vector<SightingReport> reports) override {
    for (auto& r : reports) got.push_back(std::move(r));
    return Ok();
  }
  Status Flush() override { return Ok(); }
  std::vector<SightingReport> got;
};

std::vector<boost::json::object> ReadJsonLines(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::vector<boost::json::object> out;
  char buf[8192];
  while (std::fgets(buf, sizeof buf, f) != nullptr) out.push_back(boost::json::parse(buf).as_object());
  return out;
}

std::string TempDir() {
  auto dir = std::filesystem::temp_directory_path() / ("bulwark_match_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(MatcherTest, JsonLinesCarryPositionAndContextAndSightings) {
  MemorySource src;
  src.events.push_back(EventIndicators{"ev-1", {Ind("domain", "evil.example", "attr-1", "ev-1")}});
  std::FILE* out = std::tmpfile();
  RecordingSink sink;
  MatcherOptions opt;
  opt.out = out;
  opt.sink = &sink;
  opt.sensor = "s1";
  opt.now = [] { return int64_t{1700000000}; };
  Matcher m(&src, opt);
  ASSERT_TRUE(m.Load().ok());
  ASSERT_TRUE(m.MatchText("nothing\nquery www.evil.example A\n", "mem").ok());
  auto lines = ReadJsonLines(out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(boost::json::serialize(lines[0]),
            "{\"input\":\"mem\",\"line\":2,\"offset\":14,\"format\":\"text\",\"field\":\"text\",\"observed\":"
            "\"www.evil.example\",\"indicator\":\"evil.example\",\"type\":\"domain\",\"match\":\"domain\","
            "\"attribute_uuid\":\"attr-1\",\"event_uuid\":\"ev-1\",\"event_info\":\"test event\",\"threat_level\":1,"
            "\"tags\":[\"tlp:amber\"],\"tlp\":\"tlp:amber\",\"time\":1700000000}");
  ASSERT_EQ(sink.got.size(), 1u);
  EXPECT_EQ(sink.got[0].attribute_uuid, "attr-1");
  EXPECT_EQ(sink.got[0].value, "www.evil.example");
  EXPECT_EQ(sink.got[0].source, "s1");
  auto st = m.stats();
  EXPECT_EQ(st.lines, 2u);
  EXPECT_EQ(st.matches, 1u);
  std::fclose(out);
}

TEST(MatcherTest, PollAppliesDeltasAndKeepsSnapshotWhenUnavailable) {
  MemorySource src;
  src.events.push_back(EventIndicators{"ev-1", {Ind("domain", "one.example", "a1", "ev-1")}});
  MatcherOptions opt;
  opt.out = nullptr;
  Matcher m(&src, opt);
  ASSERT_TRUE(m.Load().ok());
  src.next.push_back(EventIndicators{"ev-2", {Ind("ip-dst", "192.0.2.1", "a2", "ev-2")}});
  ASSERT_TRUE(m.PollOnce().ok());
  EXPECT_EQ(m.indicators()->stats().indicators, 2u);
  src.unavailable = true;
  EXPECT_EQ(m.PollOnce().error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(m.indicators()->stats().indicators, 2u);
  ASSERT_TRUE(m.MatchText("one.example 192.0.2.1\n", "mem").ok());
  EXPECT_EQ(m.stats().matches, 2u);
  EXPECT_EQ(m.stats().poll_failures, 1u);
  EXPECT_EQ(m.stats().swaps, 1u);
}

// The sets handed to on_snapshot (what the CLI persists): after Load and after polls that changed something.
TEST(MatcherTest, EveryNewSetIsHandedToOnSnapshot) {
  MemorySource src;
  src.events.push_back(EventIndicators{"ev-1", {Ind("domain", "one.example", "a1", "ev-1")}});
  src.load_cursor = 10;
  std::vector<std::pair<size_t, int64_t>> handed;  // (indicators, cursor)
  MatcherOptions opt;
  opt.out = nullptr;
  opt.on_snapshot = [&](std::shared_ptr<const IndicatorSet> set) { handed.emplace_back(set->size(), set->cursor()); };
  Matcher m(&src, opt);
  ASSERT_TRUE(m.Load().ok());
  ASSERT_TRUE(m.PollOnce().ok());  // nothing changed: nothing to persist
  src.next.push_back(EventIndicators{"ev-2", {Ind("ip-dst", "192.0.2.1", "a2", "ev-2")}});
  ASSERT_TRUE(m.PollOnce().ok());
  src.unavailable = true;
  EXPECT_FALSE(m.PollOnce().ok());
  EXPECT_EQ(handed, (std::vector<std::pair<size_t, int64_t>>{{1, 10}, {2, 12}}));
}

// A matcher restored from a persisted snapshot matches at once, polls the delta from the snapshot's cursor, and
// picks up what was published meanwhile; the restore itself is not persisted again.
TEST(MatcherTest, RestoredSnapshotMatchesAndCatchesUpFromItsCursor) {
  MemorySource src;
  src.unavailable = true;
  int handed = 0;
  MatcherOptions opt;
  opt.out = nullptr;
  opt.on_snapshot = [&](std::shared_ptr<const IndicatorSet>) { ++handed; };
  Matcher m(&src, opt);
  ASSERT_EQ(m.Load().error().code, ErrorCode::kUnavailable);
  IndicatorBatch stored;
  stored.cursor = 40;
  stored.events.push_back(EventIndicators{"ev-1", {Ind("domain", "one.example", "a1", "ev-1")}});
  m.Restore(std::move(stored));
  EXPECT_EQ(handed, 0);
  ASSERT_TRUE(m.MatchText("www.one.example\n", "mem").ok());
  EXPECT_EQ(m.stats().matches, 1u);
  EXPECT_EQ(m.PollOnce().error().code, ErrorCode::kUnavailable);
  src.unavailable = false;
  src.next.push_back(EventIndicators{"ev-2", {Ind("domain", "two.example", "a2", "ev-2")}});
  ASSERT_TRUE(m.PollOnce().ok());
  EXPECT_EQ(src.polled_from, (std::vector<int64_t>{40, 40}));
  EXPECT_EQ(src.loads, 1);  // only the failed first Load: the delta was enough
  EXPECT_EQ(handed, 1);
  ASSERT_TRUE(m.MatchText("one.example two.example\n", "mem").ok());
  EXPECT_EQ(m.stats().matches, 3u);
  ASSERT_TRUE(m.PollOnce().ok());
  EXPECT_EQ(src.polled_from.back(), 41);
}

// The source refuses the stored cursor (kInvalid/kNotFound): a full load replaces the stored set.
TEST(MatcherTest, RestoredSnapshotReloadsFullyWhenTheCursorIsRefused) {
  MemorySource src;
  src.events.push_back(EventIndicators{"ev-9", {Ind("domain", "fresh.example", "a9", "ev-9")}});
  src.load_cursor = 7;
  src.poll_error = MakeError(ErrorCode::kInvalid, "after: unknown change sequence");
  MatcherOptions opt;
  opt.out = nullptr;
  Matcher m(&src, opt);
  IndicatorBatch stored;
  stored.cursor = 900;
  stored.events.push_back(EventIndicators{"ev-1", {Ind("domain", "stale.example", "a1", "ev-1")}});
  m.Restore(std::move(stored));
  ASSERT_TRUE(m.PollOnce().ok());
  EXPECT_EQ(src.loads, 1);
  ASSERT_TRUE(m.MatchText("stale.example fresh.example\n", "mem").ok());
  EXPECT_EQ(m.stats().matches, 1u);  // only the reloaded set's indicator
  // Confirmed now: a later refusal is an ordinary poll failure, not another full load.
  EXPECT_EQ(m.PollOnce().error().code, ErrorCode::kInvalid);
  EXPECT_EQ(src.loads, 1);
  EXPECT_EQ(src.polled_from, (std::vector<int64_t>{900, 7}));
}

// A revoked key must not keep a stale snapshot running unnoticed: the first refusal is reported.
TEST(MatcherTest, RestoredSnapshotReportsARefusedKey) {
  for (ErrorCode code : {ErrorCode::kUnauthenticated, ErrorCode::kForbidden}) {
    MemorySource src;
    src.poll_error = MakeError(code, "the hub answered HTTP 401");
    std::vector<ErrorCode> refused;
    MatcherOptions opt;
    opt.out = nullptr;
    opt.on_key_refused = [&](const Error& e) { refused.push_back(e.code); };
    Matcher m(&src, opt);
    IndicatorBatch stored;
    stored.cursor = 3;
    m.Restore(std::move(stored));
    EXPECT_EQ(m.PollOnce().error().code, code);
    EXPECT_EQ(refused, std::vector<ErrorCode>{code});
    EXPECT_EQ(src.loads, 0);
  }
}

// A key revoked while a normally started sensor runs is reported the same way; other poll failures are not.
TEST(MatcherTest, ALoadedMatcherReportsAKeyRefusedLater) {
  MemorySource src;
  std::vector<ErrorCode> refused;
  MatcherOptions opt;
  opt.out = nullptr;
  opt.on_key_refused = [&](const Error& e) { refused.push_back(e.code); };
  Matcher m(&src, opt);
  ASSERT_TRUE(m.Load().ok());
  src.poll_error = MakeError(ErrorCode::kUnavailable, "connection refused");
  EXPECT_FALSE(m.PollOnce().ok());
  src.poll_error = MakeError(ErrorCode::kInvalid, "cursor out of range");
  EXPECT_FALSE(m.PollOnce().ok());
  EXPECT_TRUE(refused.empty());
  EXPECT_EQ(src.loads, 1);  // a refused cursor after a real load is an ordinary failure, not a reload
  src.poll_error = MakeError(ErrorCode::kForbidden, "the hub answered HTTP 403");
  EXPECT_EQ(m.PollOnce().error().code, ErrorCode::kForbidden);
  EXPECT_EQ(refused, std::vector<ErrorCode>{ErrorCode::kForbidden});
  EXPECT_EQ(m.stats().poll_failures, 3u);
}

// Two sets with the same two domains under different events: a line matched while the snapshot is swapped
// must report both of its matches from one set.
TEST(MatcherTest, SnapshotSwapDuringMatchingNeverTearsALine) {
  auto make = [](const std::string& ev) {
    IndicatorBatch b;
    b.full = true;
    b.events.push_back(EventIndicators{ev, {Ind("domain", "one.example", "", ev), Ind("domain", "two.example", "", ev)}});
    return IndicatorSet::Apply(nullptr, std::move(b));
  };
  auto a = make("A"), b = make("B");
  std::FILE* out = std::tmpfile();
  MatcherOptions opt;
  opt.out = out;
  Matcher m(nullptr, opt);
  m.snapshot().Store(a);
  std::string block;
  for (int i = 0; i < 2000; ++i) block += "x.one.example y.two.example\n";
  std::atomic<bool> done{false};
  std::thread swapper([&] {
    for (int i = 0; !done.load(); ++i) m.snapshot().Store(i % 2 ? a : b);
  });
  for (int round = 0; round < 20; ++round) ASSERT_TRUE(m.MatchText(block, "mem").ok());
  done = true;
  swapper.join();
  auto lines = ReadJsonLines(out);
  ASSERT_EQ(lines.size(), 2u * 2000 * 20);
  for (size_t i = 0; i < lines.size(); i += 2) {
    ASSERT_EQ(lines[i].at("line"), lines[i + 1].at("line"));
    ASSERT_EQ(lines[i].at("event_uuid"), lines[i + 1].at("event_uuid")) << "torn at " << i;
  }
  std::fclose(out);
}

TEST(MatcherTest, FileSourceGuessesTypesAndReloadsOnChange) {
  std::string dir = TempDir();
  std::string path = dir + "/ind.txt";
  {
    std::ofstream f(path);
    f << "# comment\nevil.example\n203.0.113.0/24\nhttp://x.example/a\nbob@evil.example\n"
      << std::string(32, 'a') << "\nnot-a-thing\n";
  }
  FileSource src(path);
  auto b = src.Load();
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->events.size(), 1u);
  std::vector<std::string> types;
  for (const auto& i : b->events[0].indicators) types.push_back(i.type);
  EXPECT_THAT(types, ElementsAre("domain", "ip-dst", "url", "email-src", "md5", "text"));
  EXPECT_EQ(b->events[0].indicators[0].attribute_uuid, path + ":2");
  auto none = src.Poll(b->cursor);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->full);
  {
    std::ofstream f(path);
    f << "{\"type\":\"domain\",\"value\":\"j.example\",\"attribute_uuid\":\"u1\",\"event_uuid\":\"e1\","
         "\"threat_level\":2,\"tags\":[\"tlp:red\",\"x\"]}\n";
  }
  auto again = src.Poll(b->cursor);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->full);
  ASSERT_EQ(again->events.size(), 1u);
  EXPECT_EQ(again->events[0].event_uuid, "e1");
  EXPECT_EQ(again->events[0].indicators[0].tlp, "tlp:red");
  EXPECT_EQ(again->events[0].indicators[0].threat_level, 2);
  {
    std::ofstream f(path);
    f << "{\"type\":\"domain\"}\n";
  }
  EXPECT_EQ(src.Load().error().code, ErrorCode::kInvalid);
  std::filesystem::remove_all(dir);
}

// Waits (bounded) until `pred` holds; the matcher runs on another thread.
template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

size_t CountLines(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  size_t n = 0;
  while (std::getline(f, line)) ++n;
  return n;
}

TEST(MatcherTest, FollowHandlesAppendRotationAndTruncation) {
  std::string dir = TempDir();
  std::string log = dir + "/app.log", out_path = dir + "/out.jsonl";
  { std::ofstream(log) << "first evil.example\n"; }
  MemorySource src;
  src.events.push_back(EventIndicators{"ev", {Ind("domain", "evil.example", "a", "ev")}});
  std::FILE* out = std::fopen(out_path.c_str(), "wb");
  MatcherOptions opt;
  opt.out = out;
  opt.follow_interval = std::chrono::milliseconds(10);
  Matcher m(&src, opt);
  ASSERT_TRUE(m.Load().ok());
  std::atomic<bool> stop{false};
  Status result = Ok();
  std::thread t([&] { result = m.Follow(log, stop); });
  EXPECT_TRUE(Eventually([&] { return CountLines(out_path) == 1; }));
  { std::ofstream(log, std::ios::app) << "second a.evil.example\npartial b.evil.ex"; }
  EXPECT_TRUE(Eventually([&] { return CountLines(out_path) == 2; }));
  { std::ofstream(log, std::ios::app) << "ample\n"; }
  EXPECT_TRUE(Eventually([&] { return CountLines(out_path) == 3; }));
  std::filesystem::rename(log, log + ".1");
  { std::ofstream(log) << "rotated c.evil.example\n"; }
  EXPECT_TRUE(Eventually([&] { return CountLines(out_path) == 4; }));
  { std::ofstream(log, std::ios::trunc) << "d.evil.example\n"; }  // shorter than what was read: truncated
  EXPECT_TRUE(Eventually([&] { return CountLines(out_path) == 5; }));
  stop = true;
  t.join();
  EXPECT_TRUE(result.ok());
  std::fclose(out);
  std::ifstream f(out_path);
  std::string line;
  std::vector<std::string> observed;
  while (std::getline(f, line)) observed.emplace_back(boost::json::parse(line).at("observed").as_string());
  EXPECT_THAT(observed, ElementsAre("evil.example", "a.evil.example", "b.evil.example", "c.evil.example", "d.evil.example"));
  std::filesystem::remove_all(dir);
}

TEST(MatcherTest, UdpSyslog) {
  MemorySource src;
  src.events.push_back(EventIndicators{"ev", {Ind("ip-dst", "203.0.113.66", "a", "ev")}});
  std::FILE* out = std::tmpfile();
  MatcherOptions opt;
  opt.out = out;
  Matcher m(&src, opt);
  ASSERT_TRUE(m.Load().ok());
  std::atomic<bool> stop{false};
  std::atomic<int> port{0};
  Status result = Ok();
  std::thread t([&] { result = m.ListenUdp("127.0.0.1:0", stop, &port); });
  ASSERT_TRUE(Eventually([&] { return port.load() != 0; }));
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port.load()));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  std::string msg = "<34>Oct 11 22:14:15 host sshd[1]: Failed password from 203.0.113.66 port 22";
  ::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  ::close(fd);
  EXPECT_TRUE(Eventually([&] {
    std::fflush(out);
    return std::ftell(out) > 0;
  }));
  stop = true;
  t.join();
  EXPECT_TRUE(result.ok());
  auto lines = ReadJsonLines(out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("format"), "syslog");
  EXPECT_EQ(lines[0].at("observed"), "203.0.113.66");
  EXPECT_FALSE(m.ListenUdp("nonsense", stop).ok());
  std::fclose(out);
}

}  // namespace
}  // namespace bulwark::match
