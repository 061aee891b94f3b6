// The "simple pattern" view used by the streaming log matcher: a pattern that is one observation expression
// whose comparison expression is an OR of equality tests, e.g.
//   [ipv4-addr:value = '1.2.3.4' OR domain-name:value = 'x.com']
// flattens to (object type, property path, value) triples; any log record field equal to one of the values
// (for the given type and property) satisfies the pattern. Pure function, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stix/pattern/ast.h"

namespace bulwark::stix::pattern {

struct SimpleComparison {
  std::string object_type;       // "ipv4-addr"
  std::string property_path;     // canonical rendering, e.g. "value" or "hashes.'SHA-256'"
  std::vector<PathStep> steps;   // the same path, structured
  Literal value;                 // the literal compared with (any kind)
  friend bool operator==(const SimpleComparison&, const SimpleComparison&) = default;
};

// The triples, in pattern order, when `pattern` is a single `[...]` (no qualifier) holding one `=` comparison
// or an OR of `=` comparisons (no NOT, no AND, no other operator); nullopt otherwise.
std::optional<std::vector<SimpleComparison>> AsSimple(const Pattern& pattern);

}  // namespace bulwark::stix::pattern
