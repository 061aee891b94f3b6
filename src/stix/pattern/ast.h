// The abstract syntax tree of a STIX 2.1 pattern (STIX 2.1 spec section 9, grammar STIXPattern.g4).
//
// Plain value types, produced by Parse() (parser.h) and walked by the matcher, the log matcher's AsSimple()
// (simple.h) and the MISP<->STIX mapping. Thread-compatible; no invariants beyond those Parse() establishes:
//   - AND/OR/FOLLOWEDBY nodes are n-ary (>= 2 children) and never have a child of their own kind
//     ("[a] AND ([b] AND [c])" is one AND with three children; the operators are associative);
//   - parentheses leave no trace; qualifiers are unary nodes around the expression they qualify, innermost
//     first ("[a] REPEATS 2 TIMES WITHIN 5 SECONDS" is WITHIN(REPEATS([a]))).
// operator== compares structure and values (not source positions), so Parse(ToString(p)) == p.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bulwark::stix::pattern {

// A point in time, UTC: seconds since 1970-01-01T00:00:00Z (negative before) plus nanoseconds [0, 1e9).
struct Timestamp {
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// A literal from the pattern. Exactly the member that `kind` names is meaningful.
struct Literal {
  enum class Kind : uint8_t { kInt, kFloat, kString, kBool, kBinary, kHex, kTimestamp };
  Kind kind = Kind::kInt;
  int64_t int_value = 0;      // kInt
  double float_value = 0;     // kFloat
  bool bool_value = false;    // kBool
  std::string bytes;          // kString: UTF-8 text, escapes resolved; kBinary/kHex: the decoded bytes
  Timestamp timestamp;        // kTimestamp

  bool is_numeric() const { return kind == Kind::kInt || kind == Kind::kFloat; }
  bool is_binary() const { return kind == Kind::kBinary || kind == Kind::kHex; }
  friend bool operator==(const Literal&, const Literal&) = default;
};

// One step of an object path after the object type: `.key` (or the first component), `[n]`, `[*]`.
struct PathStep {
  enum class Kind : uint8_t { kKey, kIndex, kAnyIndex };
  Kind kind = Kind::kKey;
  std::string key;    // kKey: the property name, unquoted
  int64_t index = 0;  // kIndex: may be negative (counts from the end of the list)
  friend bool operator==(const PathStep&, const PathStep&) = default;
};

// `type:first.second[0]...`: steps[0] is always a kKey (the first path component).
struct ObjectPath {
  std::string object_type;
  std::vector<PathStep> steps;
  friend bool operator==(const ObjectPath&, const ObjectPath&) = default;
};

enum class CompareOp : uint8_t {
  kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual,
  kIn, kLike, kMatches, kIsSubset, kIsSuperset, kExists
};

// A single property test: `path [NOT] op value`, `path [NOT] IN (set)` or `[NOT] EXISTS path`.
struct Comparison {
  ObjectPath path;
  CompareOp op = CompareOp::kEqual;
  bool negated = false;       // the NOT prefix
  Literal value;              // unused for kIn and kExists; a kString for LIKE/MATCHES/ISSUBSET/ISSUPERSET
  std::vector<Literal> set;   // kIn only; homogeneous (all numeric, or all of one kind)
  friend bool operator==(const Comparison&, const Comparison&) = default;
};

// The inside of `[...]`: a tree of AND/OR over comparisons.
struct ComparisonExpr {
  enum class Kind : uint8_t { kComparison, kAnd, kOr };
  Kind kind = Kind::kComparison;
  Comparison comparison;                  // kComparison
  std::vector<ComparisonExpr> children;   // kAnd / kOr: two or more
  bool operator==(const ComparisonExpr& other) const;
};

// An observation expression: `[...]`, an n-ary AND/OR/FOLLOWEDBY, or a qualifier around one child.
struct ObservationExpr {
  enum class Kind : uint8_t { kObservation, kAnd, kOr, kFollowedBy, kWithin, kRepeats, kStartStop };
  Kind kind = Kind::kObservation;
  ComparisonExpr comparison;              // kObservation
  std::vector<ObservationExpr> children;  // kAnd/kOr/kFollowedBy: two or more, in order; qualifiers: exactly one
  double within_seconds = 0;              // kWithin: > 0
  int64_t repeats = 0;                    // kRepeats: >= 1
  Timestamp start, stop;                  // kStartStop: start < stop
  bool operator==(const ObservationExpr& other) const;
};

struct Pattern {
  ObservationExpr root;
  friend bool operator==(const Pattern&, const Pattern&) = default;
};

// Canonical text of a pattern: single spaces, minimal parentheses, quoted path components only where needed,
// literals in one spelling (h'..' lower case, floats in shortest round-trip form). Parse(ToString(p)) == p.
std::string ToString(const Pattern& pattern);
std::string ToString(const ObservationExpr& expr);
std::string ToString(const ComparisonExpr& expr);
std::string ToString(const ObjectPath& path);
// The path without the object type and colon, e.g. "hashes.'SHA-256'" or "extensions.x[*].y".
std::string PropertyPathToString(const ObjectPath& path);
std::string ToString(const Literal& literal);
std::string_view CompareOpName(CompareOp op);  // "=", "!=", "<", ..., "IN", "LIKE", ..., "EXISTS"

}  // namespace bulwark::stix::pattern
