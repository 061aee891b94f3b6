#include "match/scan.h"

namespace bulwark::match::scan_detail {

bool ParseIpv4(std::string_view s, uint32_t* out) {
  if (s.size() < 7 || s.size() > 15) return false;
  uint32_t value = 0;
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t begin = i;
    uint32_t part = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - begin < 3) {
      part = part * 10 + static_cast<uint32_t>(s[i] - '0');
      ++i;
    }
    size_t len = i - begin;
    if (len == 0 || part > 255 || (len > 1 && s[begin] == '0')) return false;
    value = (value << 8) | part;
    ++parts;
    if (parts == 4) break;
    if (i >= s.size() || s[i] != '.') return false;
    ++i;
  }
  if (i != s.size()) return false;
  *out = value;
  return true;
}

bool ParseIpv6(std::string_view s, IpAddress* out) {
  if (s.size() < 2 || s.size() > 45) return false;
  int colons = 0;
  bool double_colon = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ':') {
      ++colons;
      if (i + 1 < s.size() && s[i + 1] == ':') double_colon = true;
    }
  }
  bool dotted = s.find('.') != std::string_view::npos;
  if (!double_colon && colons != (dotted ? 6 : 7)) return false;  // times (12:30:45), MAC addresses
  auto parsed = IpAddress::Parse(s);
  if (!parsed.ok() || !parsed->is_v6()) return false;
  *out = *parsed;
  return true;
}

}  // namespace bulwark::match::scan_detail
