// FileSource: indicators from a local file, for offline use, tests and the benchmark.
//
// Two formats, told apart by the first non-blank line:
//   - JSON lines: one object per line with the Indicator fields (attribute_uuid, type, value, event_uuid,
//     event_info, threat_level, tags, tlp); `type` and `value` are required. Indicators are grouped by
//     event_uuid (an empty one becomes "file:PATH").
//   - a plain list: one value per line, the type guessed (IP or CIDR -> ip-dst, "scheme://" -> url,
//     local@domain -> email-src, 32/40/64/128 hex digits -> md5/sha1/sha256/sha512, a name with a dot ->
//     domain, anything else -> "text", which is reported as not compiled). Blank lines and lines starting
//     with '#' are skipped. The attribute uuid is "PATH:LINE".
// Load() reads the whole file. Poll() reloads it (as a full batch) when its size or modification time
// changed, else returns an empty batch; the cursor counts reloads. Errors: kNotFound when the file cannot be
// opened, kInvalid for a JSON line that does not parse (with its line number), kTooLarge over max_bytes.
// Thread-compatible (one caller at a time).
#pragma once

#include <cstdint>
#include <string>

#include "match/indicator.h"

namespace bulwark::match {

// The MISP type a bare value most likely has ("ip-dst", "url", "email-src", "md5", "domain", ... or "text").
std::string GuessIndicatorType(std::string_view value);

class FileSource : public IndicatorSource {
 public:
  explicit FileSource(std::string path, uint64_t max_bytes = uint64_t{4} << 30);

  Result<IndicatorBatch> Load() override;
  Result<IndicatorBatch> Poll(int64_t cursor) override;

 private:
  Result<IndicatorBatch> Read();

  std::string path_;
  uint64_t max_bytes_;
  int64_t mtime_ns_ = -1;
  int64_t size_ = -1;
  int64_t loads_ = 0;
};

}  // namespace bulwark::match
