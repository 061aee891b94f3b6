// The sensor's last indicator snapshot on disk, so that `bulwark match --hub URL --key KEY --queue-dir DIR` can
// start matching while the hub is unreachable (a sensor host rebooted during a hub outage) and catch up from
// the snapshot's change cursor once the hub answers.
//
// On disk: DIR/indicator-snapshot, JSON lines (version 1):
//   {"format":"bulwark-sensor-snapshot","version":1,"hub":URL,"key_sha256":HEX,"cursor":N,"saved_at":T,
//    "events":E,"indicators":I}
//   {"event":UUID,"info":TEXT,"threat_level":N,"indicators":K}            one line per event, then its K
//   {"uuid":UUID,"type":TYPE,"value":VALUE,"tags":[...],"tlp":TLP}        indicators, as the hub sent them
//   {"end":true,"sha256":HEX}                                              SHA-256 of every byte before this line
// The hub URL (trailing '/' removed) and the SHA-256 of the API key (never the key) say whose view it is: a
// snapshot of another hub or another key is refused. The file is replaced atomically (DIR/indicator-snapshot.tmp
// written, fdatasync'd, renamed over it, DIR fsync'd), so a crash leaves the previous snapshot or the new one.
//
// Errors (ReadSnapshot): kNotFound when there is no snapshot; kConflict for another hub or key; kInvalid for a
// damaged file (the message says where); kTooLarge past max_indicators; kInternal for I/O. WriteSnapshot:
// kInternal for I/O (the previous snapshot stays in place).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "match/indicator.h"
#include "match/indicator_set.h"

namespace bulwark::match {

inline constexpr char kSnapshotFileName[] = "indicator-snapshot";

// Whose view a snapshot holds.
struct SnapshotOrigin {
  std::string hub_url;     // trailing '/' removed
  std::string key_sha256;  // lower-case hex SHA-256 of the API key
  bool operator==(const SnapshotOrigin&) const = default;
};

SnapshotOrigin OriginFor(std::string_view hub_url, std::string_view api_key);

// A snapshot read back: a full batch (cursor = the change sequence it reflects) and when it was saved.
struct StoredSnapshot {
  IndicatorBatch batch;  // full = true
  int64_t saved_at = 0;  // seconds since the epoch
  size_t indicators = 0;
};

// Writes `set` (its events and cursor()) as DIR's snapshot. `saved_at` in seconds since the epoch.
Status WriteSnapshot(const std::string& dir, const SnapshotOrigin& origin, const IndicatorSet& set, int64_t saved_at);

// Reads DIR's snapshot if it belongs to `expected`. Default bound: the HubSource's 50 million indicators.
Result<StoredSnapshot> ReadSnapshot(const std::string& dir, const SnapshotOrigin& expected,
                                    size_t max_indicators = 50'000'000);

struct SnapshotWriterOptions {
  std::string dir;
  SnapshotOrigin origin;
  // Default: at most one write per 30 s; sets submitted meanwhile are coalesced (the newest is written).
  std::chrono::milliseconds min_interval{30'000};
  std::function<int64_t()> now;                // saved_at in seconds; default: the system clock
  std::function<void(const Error&)> on_error;  // a failed write (called on the writer's thread); may be empty
};

// Persists snapshots off the matching thread: Submit hands a set over and returns at once; a background thread
// writes the newest submitted set, at most once per min_interval. Close (and the destructor) writes what is
// still pending without waiting for the interval, then stops the thread.
// Thread-safety: Submit may be called from any thread; Close from one.
class SnapshotWriter {
 public:
  explicit SnapshotWriter(SnapshotWriterOptions options);
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  void Submit(std::shared_ptr<const IndicatorSet> set);
  // Writes the pending set now and stops. Returns the error of the last write, if it failed.
  Status Close();

  uint64_t writes() const;  // snapshots written

 private:
  void Run();

  SnapshotWriterOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const IndicatorSet> pending_;
  bool closing_ = false;
  uint64_t writes_ = 0;
  std::optional<Error> last_error_;
  std::thread thread_;
};

}  // namespace bulwark::match
