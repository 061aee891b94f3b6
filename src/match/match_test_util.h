// Helpers shared by the matcher's unit tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "match/indicator_set.h"
#include "match/line_matcher.h"

namespace bulwark::match::testing {

inline Indicator Ind(std::string type, std::string value, std::string uuid = {}, std::string event = "ev-1") {
  Indicator i;
  i.type = std::move(type);
  i.value = std::move(value);
  i.attribute_uuid = uuid.empty() ? "attr-" + i.value : std::move(uuid);
  i.event_uuid = std::move(event);
  i.event_info = "test event";
  i.threat_level = 1;
  i.tags = {"tlp:amber"};
  i.tlp = "tlp:amber";
  return i;
}

inline std::shared_ptr<const IndicatorSet> SetOf(std::vector<Indicator> inds, std::string event = "ev-1") {
  IndicatorBatch b;
  b.full = true;
  b.events.push_back(EventIndicators{std::move(event), std::move(inds)});
  return IndicatorSet::Apply(nullptr, std::move(b));
}

struct Seen {
  std::string field;
  std::string observed;
  std::string indicator;
  uint64_t offset = 0;
  bool operator==(const Seen&) const = default;
};

class CollectingEmitter : public MatchEmitter {
 public:
  void OnMatch(const MatchRecord& r) override {
    seen.push_back(Seen{std::string(r.field), std::string(r.observed), r.hit.indicator->value, r.offset});
  }
  // "observed->indicator" strings, in order.
  std::vector<std::string> Pairs() const {
    std::vector<std::string> out;
    for (const Seen& s : seen) out.push_back(s.field + ":" + s.observed + "->" + s.indicator);
    return out;
  }
  std::vector<Seen> seen;
};

}  // namespace bulwark::match::testing
