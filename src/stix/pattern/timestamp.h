// STIX timestamps: "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (RFC 3339, UTC, upper-case T and Z, as the STIX
// patterning grammar's TimestampLiteral). Fields are range-checked (month 01-12, day 01-31, hour 00-23,
// minute 00-59, second 00-60) but not calendar-checked, as the grammar; an out-of-calendar day rolls over.
// Fractions beyond nanoseconds are truncated. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stix/pattern/ast.h"

namespace bulwark::stix::pattern {

// nullopt when `text` is not exactly one timestamp in the form above.
std::optional<Timestamp> ParseTimestamp(std::string_view text);

// The canonical text: fraction digits only when non-zero, trailing zeros removed. Re-parses to the same value.
std::string FormatTimestamp(const Timestamp& ts);

// a + seconds, saturating at +-2^62 seconds. `seconds` may be fractional (nanosecond resolution).
Timestamp AddSeconds(const Timestamp& a, double seconds);

}  // namespace bulwark::stix::pattern
