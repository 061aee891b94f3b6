// STIX 2.1 timestamps (spec §3.2, "timestamp" type): "YYYY-MM-DDTHH:MM:SS[.s+]Z", UTC only, with a real
// calendar date. The textual form is what STIX objects carry and what versioning compares; this parser
// gives the numeric value for ordering (created <= modified, first_seen <= last_seen) without losing it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bulwark::stix {

struct Timestamp {
  int64_t seconds = 0;      // since the Unix epoch, UTC
  uint32_t nanos = 0;       // fractional part, truncated past nanoseconds
  int fraction_digits = 0;  // digits after the decimal point as written (0 when there is none)

  friend bool operator==(const Timestamp& a, const Timestamp& b) {
    return a.seconds == b.seconds && a.nanos == b.nanos;
  }
  friend bool operator<(const Timestamp& a, const Timestamp& b) {
    return a.seconds < b.seconds || (a.seconds == b.seconds && a.nanos < b.nanos);
  }
  friend bool operator<=(const Timestamp& a, const Timestamp& b) { return !(b < a); }
};

// Parses the strict STIX form. Rejects offsets other than 'Z', a lowercase 'z' or 't', a bare decimal point,
// impossible dates (Feb 30), hours > 23 and minutes > 59; second 60 (leap second) is accepted. Thread-safe.
std::optional<Timestamp> ParseTimestamp(std::string_view text);

}  // namespace bulwark::stix
