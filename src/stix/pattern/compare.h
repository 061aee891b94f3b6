// Evaluation of comparison expressions against one root object of one observation (internal to the module).
//
// Semantics (STIX 2.1 section 9.5-9.7, as the OASIS reference matcher implements them):
//   - a path selects zero or more values; a comparison holds when it holds for at least one value (NOT
//     negates the test per value; a path selecting nothing makes every comparison false, EXISTS aside);
//   - `_ref` / `_refs` properties are followed to the observation's referable objects; `_hex` / `_bin`
//     properties are compared as bytes;
//   - numbers compare numerically (ints and floats mix); strings by code point (no normalisation);
//     binary against a string only when the string's code points are all < U+0100; a timestamp literal
//     reads a JSON string as a timestamp (an invalid one is an error); other type mixes are "incomparable":
//     = and ordering are false, != is true;
//   - LIKE (SQL % and _) and MATCHES (regex search) NFC-normalise both sides; on binary values they work on
//     bytes when the pattern is Latin-1; ISSUBSET / ISSUPERSET on IPv4/IPv6 addresses and CIDR prefixes.
// No allocation per comparison on the common paths (ASCII strings, numbers); NFC and regex allocate.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "common/ip.h"
#include "common/result.h"
#include "stix/pattern/ast.h"
#include "stix/pattern/observation.h"
#include "stix/pattern/regex.h"

namespace bulwark::stix::pattern {

struct CompiledComparison {
  const Comparison* source = nullptr;
  std::optional<Regex> regex;        // MATCHES
  bool pattern_latin1 = false;       // LIKE/MATCHES/string literal: all code points < U+0100
  std::string latin1;                // ... and those code points as bytes
  std::string like_nfc;              // LIKE: the NFC pattern
  Cidr cidr;                         // ISSUBSET / ISSUPERSET
};

struct CompiledCompExpr {
  ComparisonExpr::Kind kind = ComparisonExpr::Kind::kComparison;
  CompiledComparison comparison;
  std::vector<CompiledCompExpr> children;
};

Result<CompiledCompExpr> CompileComparisonExpr(const ComparisonExpr& expr);

// Scratch buffers reused between evaluations (one per evaluating thread).
struct EvalScratch {
  std::string bytes;
  std::string text;
};

// Whether `root` (a JSON object of `obs`) satisfies `expr`. Errors: kInvalid for data the comparison cannot
// read (a JSON string that is not a timestamp compared with a timestamp literal, bad hex/base64 in a
// `_hex`/`_bin` property, a reference that is not a string).
Result<bool> EvalOnRoot(const CompiledCompExpr& expr, const boost::json::value& root, const Observation& obs,
                        EvalScratch& scratch);

// SQL LIKE over UTF-8 (`_` is one code point) or over bytes (`_` is one byte).
bool LikeMatch(std::string_view text, std::string_view pattern, bool utf8);

}  // namespace bulwark::stix::pattern
