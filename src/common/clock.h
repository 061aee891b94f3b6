// Time as the hub sees it. Code that needs "now" takes a Clock&, so tests inject a fixed clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bulwark {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch (UTC).
  virtual int64_t NowMicros() const = 0;
  int64_t NowSeconds() const { return NowMicros() / 1'000'000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
};

// A clock that only moves when told to; thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t micros) : now_(micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void Set(int64_t micros) { now_.store(micros); }
  void AdvanceSeconds(int64_t s) { now_.fetch_add(s * 1'000'000); }

 private:
  std::atomic<int64_t> now_;
};

// "YYYY-MM-DD" for the UTC day containing the given epoch seconds.
std::string FormatDate(int64_t epoch_seconds);
// RFC 3339 UTC with microseconds: "2024-05-01T12:00:00.123456Z".
std::string FormatRfc3339Micros(int64_t epoch_micros);
// Parses "YYYY-MM-DD" (a real calendar date) to the epoch seconds of its midnight UTC.
std::optional<int64_t> ParseDate(std::string_view s);
// Parses RFC 3339 / ISO 8601 date-times ("2024-05-01T12:00:00Z", "+02:00" offsets, fractional seconds,
// "2024-05-01 12:00:00") to epoch microseconds. A bare date is accepted as midnight UTC.
std::optional<int64_t> ParseDateTimeMicros(std::string_view s);
// Parses MISP's relative durations ("5d", "12h", "30m", "2w", "90s") to seconds.
std::optional<int64_t> ParseDurationSeconds(std::string_view s);

}  // namespace bulwark
