#include "match/scan.h"

#include <bit>

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

#if defined(__SSE2__)
bool ParseIpv4Wide(const char* p, size_t n, uint32_t* out) {
  if (n < 7 || n > 15) return false;
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i digit =
      _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
  const uint32_t used = (1u << n) - 1;
  const uint32_t dots = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')))) & used;
  const uint32_t digits = static_cast<uint32_t>(_mm_movemask_epi8(digit)) & used;
  if ((dots | digits) != used) return false;
  // The three dots (countr_zero(0) is 32, which fails the length checks below).
  uint32_t rest = dots;
  const auto d1 = static_cast<uint32_t>(std::countr_zero(rest));
  rest &= rest - 1;
  const auto d2 = static_cast<uint32_t>(std::countr_zero(rest));
  rest &= rest - 1;
  const auto d3 = static_cast<uint32_t>(std::countr_zero(rest));
  rest &= rest - 1;
  const uint32_t n32 = static_cast<uint32_t>(n);
  const uint32_t len[4] = {d1, d2 - d1 - 1, d3 - d2 - 1, n32 - d3 - 1};
  // Octet lengths 1-3 (0 wraps around); no fourth dot.
  if (rest != 0 || len[0] - 1 > 2 || len[1] - 1 > 2 || len[2] - 1 > 2 || len[3] - 1 > 2) return false;
  const uint32_t begin[4] = {0, d1 + 1, d2 + 1, d3 + 1};
  // Multipliers of an octet's first, second and third byte by its length; bytes past it are multiplied by 0.
  static constexpr uint32_t kFirst[4] = {0, 1, 10, 100};
  static constexpr uint32_t kSecond[4] = {0, 0, 1, 10};
  static constexpr uint32_t kThird[4] = {0, 0, 0, 1};
  alignas(16) uint8_t bytes[32] = {};  // the 16 bytes, and zeros where a short last octet looks past them
  _mm_store_si128(reinterpret_cast<__m128i*>(bytes), x);
  const auto byte = [&](uint32_t i) { return static_cast<uint32_t>(bytes[i]) - '0'; };
  uint32_t value = 0;
  bool bad = false;
  for (int k = 0; k < 4; ++k) {
    const uint32_t b = begin[k], l = len[k];
    const uint32_t first = byte(b);
    const uint32_t octet = first * kFirst[l] + byte(b + 1) * kSecond[l] + byte(b + 2) * kThird[l];
    bad |= (octet > 255) | ((l > 1) & (first == 0));
    value = (value << 8) | (octet & 0xFF);
  }
  if (bad) return false;
  *out = value;
  return true;
}
#endif

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
