// Matching a parsed pattern against observed data (STIX 2.1 section 9, semantics of the OASIS reference
// matcher cti-pattern-matcher; see compare.h for the comparison rules).
//
// An observation expression `[...]` matches an observed-data object when one of its root SCOs satisfies the
// whole comparison expression (AND'd comparisons apply to the same root). An observed-data object with
// number_observed N stands for N observations with the same interval. A pattern matches when observations
// can be bound to its observation expressions such that:
//   - AND / FOLLOWEDBY operands use different observations (OR needs one side only);
//   - FOLLOWEDBY: the latest first_observed on the left <= the earliest last_observed on the right;
//   - WITHIN d: there are times within each bound observation's interval that fit in d seconds
//     (max first_observed - min last_observed <= d);
//   - START s STOP t: every bound observation's interval meets [s, t) (last_observed >= s, first < t);
//   - REPEATS n: n bindings of the qualified expression that use different observations.
//
// Complexity bound (the reference matcher enumerates all combinations and is exponential in REPEATS and in
// the number of AND operands): every sub-expression keeps at most kMaxBindings candidate bindings (sets of
// observations with their time bounds; duplicates removed; joins enumerate pairs diagonally so that a
// cut-off keeps candidates spread over the data), each binary
// join and each REPEATS is cut off after kMaxWork elementary steps, and REPEATS is solved greedily (for each
// candidate in time order, absorb the following compatible candidates until n are collected). The cost is
// therefore O(size(pattern) * (kMaxBindings^2 + kMaxWork)) plus one pass of the comparisons over the data;
// memory O(size(pattern) * kMaxBindings * bindings' size). The price of the bound: a pattern may fail to
// match when a match needs a candidate that was cut off (a false negative, never a false positive).
// Patterns whose observation expression is a single `[...]` (or an OR of them) are decided by a plain scan.
//
// Thread-safety: a Matcher is immutable; Matches() may be called concurrently.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "common/result.h"
#include "stix/pattern/ast.h"
#include "stix/pattern/observation.h"

namespace bulwark::stix::pattern {

inline constexpr size_t kMaxBindings = 4096;
inline constexpr size_t kMaxWork = size_t{1} << 22;

class Matcher {
 public:
  // Compiles regular expressions and CIDR operands once. Errors: kInvalid (as Parse would report).
  static Result<Matcher> Compile(const Pattern& pattern);

  // Errors: kInvalid when the data cannot be compared as the pattern asks (see compare.h).
  Result<bool> Matches(const ObservationSet& observations) const;

  // The indices (into observations()) of the observed-data objects that satisfy the comparison expression
  // of a single-observation pattern `[...]`; error kInvalid if the pattern is not a single observation.
  Result<std::vector<size_t>> MatchingObservations(const ObservationSet& observations) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// Compile + Matches.
Result<bool> Matches(const Pattern& pattern, const ObservationSet& observations);

}  // namespace bulwark::stix::pattern
