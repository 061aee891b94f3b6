// Fuzzes the matcher's text scanner and URL/domain normal forms: every token the scanner reports must lie
// inside the input, an IPv4 address the parser accepts prints back as the input, and the line is also matched
// against a small fixed indicator set.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "match/indicator_set.h"
#include "match/line_matcher.h"
#include "match/normalize.h"
#include "match/scan.h"

namespace {

using namespace bulwark::match;

struct Checker {
  std::string_view line;
  void Inside(std::string_view t, size_t off) const {
    if (off > line.size() || t.size() > line.size() - off) std::abort();
  }
  void OnIpv4(uint32_t, std::string_view t, size_t off) { Inside(t, off); }
  void OnIp(const bulwark::IpAddress&, std::string_view t, size_t off) { Inside(t, off); }
  void OnDomain(std::string_view t, size_t off) { Inside(t, off); }
  void OnUrl(std::string_view t, size_t off) {
    Inside(t, off);
    std::string out;
    (void)NormalizeUrl(t, out);
  }
  void OnEmail(std::string_view t, size_t off) { Inside(t, off); }
  void OnHash(std::string_view t, size_t off) { Inside(t, off); }
};

std::shared_ptr<const IndicatorSet> Fixed() {
  IndicatorBatch b;
  b.full = true;
  EventIndicators e{"ev", {}};
  for (auto [type, value] : {std::pair{"domain", "evil.com"}, {"ip-dst", "10.0.0.0/8"}, {"ip-src", "2001:db8::/32"},
                             {"url", "http://a.b/c"}, {"md5", "d41d8cd98f00b204e9800998ecf8427e"},
                             {"email-src", "a@b.cd"}, {"user-agent", "Bot"}}) {
    Indicator i;
    i.type = type;
    i.value = value;
    e.indicators.push_back(i);
  }
  b.events.push_back(std::move(e));
  return IndicatorSet::Apply(nullptr, std::move(b));
}

class Null : public MatchEmitter {
 public:
  void OnMatch(const MatchRecord&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  Checker c{line};
  ScanText(line, c);
  static const auto set = Fixed();
  Null null;
  LineMatcher m(&null);
  m.set_indicators(set.get());
  m.Match(FieldKind::kText, "text", line, 0);
  m.Match(FieldKind::kUserAgent, "ua", line, 0);
  m.Match(FieldKind::kFilename, "f", line, 0);
  // An accepted IPv4 address has exactly one spelling (no leading zeros): printing it back gives the input.
  uint32_t v4 = 0;
  if (scan_detail::ParseIpv4(line, &v4) && bulwark::IpAddress::V4(v4).ToString() != line) std::abort();
  std::string out;
  (void)NormalizeDomain(line, out);
  (void)NormalizeEmail(line, out);
  return 0;
}
