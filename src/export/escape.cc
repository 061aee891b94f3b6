#include "export/escape.h"

#include <functional>

namespace bulwark::exporter::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr char kHex[] = "0123456789abcdef";

bool NeedsContentEscape(unsigned char c) {
  return c < 0x20 || c > 0x7e || c == '|' || c == '"' || c == ';' || c == ':' || c == '\\';
}

}  // namespace

bool IsPhpNumeric(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = 0;
  while (i < n && IsDigit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && IsDigit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < n && IsDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

void AppendCsvQuoted(Sink& sink, std::string_view s) {
  sink.Append('"');
  size_t start = 0;
  for (size_t q = s.find('"'); q != std::string_view::npos; q = s.find('"', start)) {
    sink.Append(s.substr(start, q + 1 - start));  // includes the quote, which is then doubled
    sink.Append('"');
    start = q + 1;
  }
  sink.Append(s.substr(start));
  sink.Append('"');
}

void AppendCsvField(Sink& sink, std::string_view s) {
  if (IsPhpNumeric(s)) {
    sink.Append(s);
  } else {
    AppendCsvQuoted(sink, s);
  }
}

void AppendContentEscaped(Sink& sink, std::string_view s) {
  size_t start = 0;
  bool in_hex = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!NeedsContentEscape(c)) {
      if (in_hex) {
        sink.Append('|');
        in_hex = false;
        start = i;
      }
      continue;
    }
    if (!in_hex) {
      sink.Append(s.substr(start, i - start));
      sink.Append('|');
      in_hex = true;
    } else {
      sink.Append(' ');
    }
    const char hex[2] = {kHex[c >> 4], kHex[c & 0xf]};
    sink.Append(std::string_view(hex, 2));
  }
  if (in_hex) {
    sink.Append('|');
  } else {
    sink.Append(s.substr(start));
  }
}

void AppendMsgEscaped(Sink& sink, std::string_view s, size_t max_bytes) {
  bool cut = false;
  if (s.size() > max_bytes) {
    size_t end = max_bytes;
    // Do not cut inside a UTF-8 sequence: back up over continuation bytes.
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    s = s.substr(0, end);
    cut = true;
  }
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == ';' || c == '\\') {
      sink.Append(s.substr(start, i - start));
      sink.Append('\\');
      start = i;  // the character itself follows
    } else if (c < 0x20 || c == 0x7f) {
      sink.Append(s.substr(start, i - start));
      sink.Append(' ');
      start = i + 1;
    }
  }
  sink.Append(s.substr(start));
  if (cut) sink.Append("...");
}

void AppendZeekText(Sink& sink, std::string_view s) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      sink.Append(s.substr(start, i - start));
      sink.Append(' ');
      start = i + 1;
    }
  }
  sink.Append(s.substr(start));
}

void AppendZeekField(Sink& sink, std::string_view s) {
  if (s.empty()) {
    sink.Append('-');
  } else {
    AppendZeekText(sink, s);
  }
}

bool IsDnsName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

bool ParsePort(std::string_view s, uint16_t* port) {
  if (s.empty() || s.size() > 5 || s[0] == '0') return false;
  uint32_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v == 0 || v > 65535) return false;
  *port = static_cast<uint16_t>(v);
  return true;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool SeenSet::Insert(uint8_t kind, std::string_view value) {
  uint64_t fnv = 1469598103934665603ull ^ kind;
  for (char c : value) {
    fnv ^= static_cast<unsigned char>(c);
    fnv *= 1099511628211ull;
  }
  const uint64_t h = static_cast<uint64_t>(std::hash<std::string_view>{}(value)) + kind * 0x9E3779B97F4A7C15ull;
  return set_.emplace(fnv, h).second;
}

}  // namespace bulwark::exporter::internal
