#include "stix/pattern/simple.h"

namespace bulwark::stix::pattern {
namespace {

bool Collect(const ComparisonExpr& e, std::vector<SimpleComparison>& out) {
  if (e.kind == ComparisonExpr::Kind::kOr) {
    for (const auto& c : e.children) {
      if (!Collect(c, out)) return false;
    }
    return true;
  }
  if (e.kind != ComparisonExpr::Kind::kComparison) return false;
  const Comparison& c = e.comparison;
  if (c.op != CompareOp::kEqual || c.negated) return false;
  out.push_back(SimpleComparison{c.path.object_type, PropertyPathToString(c.path), c.path.steps, c.value});
  return true;
}

}  // namespace

std::optional<std::vector<SimpleComparison>> AsSimple(const Pattern& pattern) {
  if (pattern.root.kind != ObservationExpr::Kind::kObservation) return std::nullopt;
  std::vector<SimpleComparison> out;
  if (!Collect(pattern.root.comparison, out)) return std::nullopt;
  return out;
}

}  // namespace bulwark::stix::pattern
