// Parser and validator for STIX 2.1 patterns.
//
// Parse() accepts exactly the language of STIXPattern.g4 (hand-written lexer + recursive descent) and then
// applies the spec's semantic rules:
//   - object type names: at most 250 characters, no "--", not ending in '-';
//   - WITHIN: a positive number of seconds (at most kMaxWithinSeconds); REPEATS: 1..kMaxRepeats;
//     START < STOP; timestamps RFC 3339 "YYYY-MM-DDTHH:MM:SS[.s]Z" with range-checked fields;
//   - MATCHES: the regular expression compiles (ICU, Perl-compatible syntax);
//   - ISSUBSET / ISSUPERSET: the operand is an IPv4 or IPv6 address or CIDR prefix;
//   - IN: the set is homogeneous (all numbers, or all of one other literal kind);
//   - ordering operators take no booleans; LIKE/MATCHES/ISSUBSET/ISSUPERSET take strings only.
// Hostile input: at most kMaxPatternBytes of text and kMaxNestingDepth levels of nesting (brackets,
// parentheses and qualifiers together), so recursion depth and work are linear in a bounded input.
//
// Errors: kTooLarge for oversized input, kInvalid otherwise; the message names the problem and its 1-based
// column (code points), e.g. "expected ']' but found 'AND' at column 37". Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "stix/pattern/ast.h"

namespace bulwark::stix::pattern {

inline constexpr size_t kMaxPatternBytes = 1 << 20;
inline constexpr int kMaxNestingDepth = 64;
inline constexpr int64_t kMaxRepeats = 1'000'000;
inline constexpr double kMaxWithinSeconds = 1e12;

Result<Pattern> Parse(std::string_view text);

}  // namespace bulwark::stix::pattern
