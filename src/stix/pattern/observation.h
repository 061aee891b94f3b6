// The observed data a pattern is matched against.
//
// ObservationSet::FromJson accepts, as `bulwark pattern match --observed FILE` reads:
//   - a STIX bundle ({"type":"bundle","objects":[...]}), a list of bundles, an observed-data object, a list
//     of observed-data objects, or a list mixing these;
//   - STIX 2.1 observed-data with "object_refs" (ids of SCOs in the same bundle), or 2.0-style observed-data
//     with an embedded "objects" dictionary (used when there are no object_refs).
// Each observed-data becomes one Observation: its time interval [first_observed, last_observed], its
// number_observed (it stands for that many observations with the same interval), its root objects (the
// referenced or embedded SCOs; SDOs and unreferenced objects are never roots) and the objects that `_ref`
// / `_refs` properties may resolve to (the same set: object_refs ids, or the keys of "objects").
//
// Errors: kBadRequest for a structure that is not one of the above, kInvalid for a bad first_observed /
// last_observed (not a STIX timestamp, or last before first) or number_observed (not an integer >= 1).
// At most kMaxObservations observed-data objects. Immutable after construction; thread-safe to share.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "common/result.h"
#include "stix/pattern/ast.h"

namespace bulwark::stix::pattern {

inline constexpr size_t kMaxObservations = 1'000'000;
inline constexpr int64_t kMaxNumberObserved = int64_t{1} << 40;

struct Observation {
  Timestamp first_observed;
  Timestamp last_observed;
  int64_t number_observed = 1;
  std::vector<const boost::json::value*> roots;  // each is a JSON object
  // Sorted by id, for reference resolution.
  std::vector<std::pair<std::string_view, const boost::json::value*>> referable;

  // The object a reference names, or nullptr.
  const boost::json::value* Resolve(std::string_view id) const;
};

class ObservationSet {
 public:
  static Result<ObservationSet> FromJson(boost::json::value json);

  const std::vector<Observation>& observations() const { return observations_; }

 private:
  std::unique_ptr<boost::json::value> json_;  // owns the objects the observations point into
  std::vector<Observation> observations_;
};

}  // namespace bulwark::stix::pattern
