// JsonMatchWriter: the MatchEmitter that writes one JSON object per match, one per line, and collects the
// matches as SightingReports for a SightingSink. Buffered: call Flush() to push to the file and the sink.
// Not thread-safe (one per reading thread, or guarded by the caller).
//
// Line shape (keys in this order):
//   {"input":"FILE","line":N,"offset":BYTES,"format":"zeek","field":"query","observed":"a.evil.com",
//    "indicator":"evil.com","type":"domain","attribute_uuid":"...","event_uuid":"...","event_info":"...",
//    "threat_level":1,"tags":["tlp:amber"],"tlp":"tlp:amber","time":1700000000}
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "match/indicator.h"
#include "match/line_matcher.h"

namespace bulwark::match {

class JsonMatchWriter : public MatchEmitter {
 public:
  // `out` may be null (no JSON lines); `sink` may be null (no sightings). `now` gives the report time (seconds).
  JsonMatchWriter(std::FILE* out, SightingSink* sink, std::string sensor, std::function<int64_t()> now);

  void OnMatch(const MatchRecord& record) override;
  // Writes buffered lines and hands queued sightings to the sink. Errors: kInternal when writing fails.
  Status Flush();
  size_t buffered_bytes() const { return buffer_.size(); }

 private:
  std::FILE* out_;
  SightingSink* sink_;
  std::string sensor_;
  std::function<int64_t()> now_;
  std::string buffer_;
  std::vector<SightingReport> pending_;
  uint64_t sink_errors_ = 0;
};

}  // namespace bulwark::match
