// Matcher: the streaming loop of `bulwark match`. It loads indicators from an IndicatorSource into an
// IndicatorSnapshot (or restores a set kept from an earlier run: Restore), hands every new set to on_snapshot
// (to persist it), optionally polls the source from a background thread (every poll_interval; a kUnavailable
// source keeps the last snapshot and is retried), and reads logs from files, stdin, a followed file or a UDP
// syslog port, handing each line to the RecordReader for its format and each match to a JsonMatchWriter
// (JSON lines on `out`, sightings to `sink`).
//
// Reading loads the snapshot once per chunk of input (one atomic load to see whether it changed), so a swap
// never pauses matching and a line is always matched against one set. Lines longer than kMaxLineBytes are
// counted ("long_lines") and skipped.
//
// Thread-safety: the Match*/Follow/ListenUdp calls are made from one thread; the polling thread only swaps the
// snapshot; stats() may be called from any thread after the calls return.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/periodic.h"
#include "match/indicator.h"
#include "match/indicator_set.h"
#include "match/inputs.h"
#include "match/output.h"

namespace bulwark::match {

inline constexpr size_t kMaxLineBytes = 1 << 20;

struct MatcherOptions {
  Format format = Format::kAuto;
  std::string sensor = "bulwark-match";
  std::FILE* out = stdout;              // null: no JSON lines (counting only)
  SightingSink* sink = nullptr;         // null: no sightings
  std::function<int64_t()> now;         // report time in seconds; default: the system clock
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds follow_interval{250};  // how often a followed file is checked for growth/rotation
  // Called with each set the source gave: after Load, after a poll that changed the set, and after a full
  // reload; not after Restore. Runs on the loading thread (the poller's, for polls), so it must not block:
  // SnapshotWriter::Submit hands the set to a writer thread.
  std::function<void(std::shared_ptr<const IndicatorSet>)> on_snapshot;
  // A poll was refused for the key (kUnauthenticated/kForbidden: revoked, expired, disabled, or its role lost
  // the sensor permission), whether the set came from Load or Restore. Called on the poller's thread, once per
  // refused poll; the caller decides to stop (a revoked key must not keep a stale snapshot running unnoticed).
  std::function<void(const Error&)> on_key_refused;
};

struct MatchStats {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t matches = 0;
  uint64_t long_lines = 0;
  std::map<std::string, uint64_t> parse_errors;  // by format name
  uint64_t swaps = 0;          // snapshots published after the first load
  uint64_t poll_failures = 0;  // polls that failed (the last snapshot was kept)
  double seconds = 0;          // wall time spent in Match*/Follow/ListenUdp
  double cpu_seconds = 0;      // CPU time of the matching thread in those calls (the per-core cost)
};

class Matcher {
 public:
  Matcher(IndicatorSource* source, MatcherOptions options);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // The first full load. Errors: whatever the source returns.
  Status Load();
  // Instead of Load: starts from a full batch kept from an earlier run (a persisted snapshot, when the source is
  // unreachable at start). Polls continue from batch.cursor, so the source's delta brings everything that
  // changed since. Until the first poll succeeds, a poll that the source refuses as a bad cursor (kInvalid,
  // kNotFound) is replaced by a full Load. A refused key calls on_key_refused, as after Load.
  void Restore(IndicatorBatch batch);
  // Starts/stops the background poller (idempotent).
  void StartPolling();
  void StopPolling();
  // One poll now, on the calling thread (what the poller does each interval). Returns the source's error.
  Status PollOnce();

  // Reads `fd` to its end. `name` is the input name in match records.
  Status MatchFd(int fd, const std::string& name);
  // A file, or "-" for stdin.
  Status MatchFile(const std::string& path);
  // Like tail -F: reads `path` from its start, then waits for more; reopens it when it is replaced (rotation)
  // or truncated. Returns when `stop` becomes true. Errors: kNotFound if it never appears before stop.
  Status Follow(const std::string& path, const std::atomic<bool>& stop);
  // Syslog over UDP on HOST:PORT, one line per datagram (several when it holds newlines), until `stop`.
  // `bound_port` (may be null) receives the port actually bound (for HOST:0). Errors: kInvalid for a bad
  // address, kUnavailable when the socket cannot be bound.
  Status ListenUdp(const std::string& host_port, const std::atomic<bool>& stop,
                   std::atomic<int>* bound_port = nullptr);

  // Matches lines already in memory (a block of text, '\n'-separated; a last line without '\n' counts).
  Status MatchText(std::string_view text, const std::string& name);

  MatchStats stats() const;
  const IndicatorSnapshot& snapshot() const { return snapshot_; }
  IndicatorSnapshot& snapshot() { return snapshot_; }
  std::shared_ptr<const IndicatorSet> indicators() const { return snapshot_.Load(); }

 private:
  struct Stream;
  void Lines(Stream& s, std::string_view data, bool final_chunk);
  void OneLine(Stream& s, std::string_view line);
  void FlushCarry(Stream& s);
  void Refresh(Stream& s);
  Status FinishChunk(Stream& s);
  void AddErrors(const Stream& s);

  IndicatorSource* source_;
  MatcherOptions options_;
  IndicatorSnapshot snapshot_;
  std::atomic<int64_t> cursor_{0};
  std::atomic<bool> restored_unconfirmed_{false};  // Restore ran and no poll has succeeded since
  JsonMatchWriter writer_;
  LineMatcher line_matcher_;

  mutable std::mutex stats_mu_;
  MatchStats stats_;

  PeriodicThread poller_;
};

}  // namespace bulwark::match
