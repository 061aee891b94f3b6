// Fuzzes the matcher's log readers (Zeek TSV, Zeek JSON, Suricata eve, syslog/CEF) and format detection: the
// input is split into lines and fed to every reader in turn; nothing may crash, assert or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "match/indicator_set.h"
#include "match/inputs.h"
#include "match/line_matcher.h"

namespace {

using namespace bulwark::match;

class Null : public MatchEmitter {
 public:
  void OnMatch(const MatchRecord&) override {}
};

std::shared_ptr<const IndicatorSet> Fixed() {
  IndicatorBatch b;
  b.full = true;
  EventIndicators e{"ev", {}};
  for (auto [type, value] : {std::pair{"domain", "evil.com"}, {"ip-dst", "10.0.0.1"}, {"url", "a.b/c"},
                             {"ja3-fingerprint-md5", "e7d705a3286e19ea42f587b344ee6865"}, {"filename", "x.exe"}}) {
    Indicator i;
    i.type = type;
    i.value = value;
    e.indicators.push_back(i);
  }
  b.events.push_back(std::move(e));
  return IndicatorSet::Apply(nullptr, std::move(b));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const auto set = Fixed();
  Null null;
  LineMatcher m(&null);
  m.set_indicators(set.get());
  for (Format f : {Format::kZeek, Format::kZeekJson, Format::kEve, Format::kSyslog, Format::kText}) {
    auto reader = MakeReader(f);
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      (void)DetectFormat(line);
      reader->Line(line, m);
      pos = nl + 1;
    }
  }
  return 0;
}
