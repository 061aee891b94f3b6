#include "stix/pattern/timestamp.h"

#include <cmath>
#include <cstdio>

namespace bulwark::stix::pattern {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

constexpr int64_t kMaxSeconds = int64_t{1} << 62;

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, month) || s[7] != '-' ||
      !Digits(s, 8, 2, day) || s[10] != 'T' || !Digits(s, 11, 2, hour) || s[13] != ':' ||
      !Digits(s, 14, 2, minute) || s[16] != ':' || !Digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int32_t nanos = 0;
  if (s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (size_t i = digits; i < 9; ++i) nanos *= 10;
  }
  if (pos + 1 != s.size() || s[pos] != 'Z') return std::nullopt;
  Timestamp ts;
  ts.seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  ts.nanos = nanos;
  return ts;
}

std::string FormatTimestamp(const Timestamp& ts) {
  int64_t days = ts.seconds >= 0 ? ts.seconds / 86400 : -((-ts.seconds + 86399) / 86400);
  int64_t rem = ts.seconds - days * 86400;
  int64_t year;
  int month, day;
  CivilFromDays(days, year, month, day);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(year), month, day,
                static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60), static_cast<int>(rem % 60));
  std::string out = buf;
  if (ts.nanos != 0) {
    std::snprintf(buf, sizeof(buf), ".%09d", static_cast<int>(ts.nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += 'Z';
  return out;
}

Timestamp AddSeconds(const Timestamp& a, double seconds) {
  if (!(std::fabs(seconds) < 1e15)) seconds = seconds < 0 ? -1e15 : 1e15;
  double whole = std::floor(seconds);
  auto extra_nanos = static_cast<int64_t>(std::llround((seconds - whole) * 1e9));
  Timestamp r;
  int64_t s = a.seconds + static_cast<int64_t>(whole);
  int64_t n = a.nanos + extra_nanos;
  s += n / 1000000000;
  n %= 1000000000;
  if (s > kMaxSeconds) s = kMaxSeconds;
  if (s < -kMaxSeconds) s = -kMaxSeconds;
  r.seconds = s;
  r.nanos = static_cast<int32_t>(n);
  return r;
}

}  // namespace bulwark::stix::pattern
