#include "stix/jcs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace bulwark::stix {
namespace {

void AppendString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

// UTF-16 code units of a UTF-8 key (boost::json validated the UTF-8 when parsing; a malformed byte is
// taken as its own unit so that sorting stays total).
std::u16string Utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < s.size()) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      len = 2;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void AppendObject(const boost::json::object& obj, std::string& out) {
  std::vector<const boost::json::key_value_pair*> members;
  members.reserve(obj.size());
  bool ascii = true;
  for (const auto& kv : obj) {
    members.push_back(&kv);
    ascii = ascii && IsAscii(kv.key());
  }
  if (ascii) {
    // For ASCII, byte order equals UTF-16 code unit order.
    std::sort(members.begin(), members.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
  } else {
    std::vector<std::pair<std::u16string, const boost::json::key_value_pair*>> keyed;
    keyed.reserve(members.size());
    for (const auto* m : members) keyed.emplace_back(Utf16(m->key()), m);
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < keyed.size(); ++i) members[i] = keyed[i].second;
  }
  out.push_back('{');
  bool first = true;
  for (const auto* m : members) {
    if (!first) out.push_back(',');
    first = false;
    AppendString(m->key(), out);
    out.push_back(':');
    AppendCanonicalJson(m->value(), out);
  }
  out.push_back('}');
}

}  // namespace

std::string EcmaScriptNumber(double d) {
  if (std::isnan(d) || std::isinf(d)) return "null";
  if (d == 0) return "0";  // also -0
  std::string out;
  if (d < 0) {
    out.push_back('-');
    d = -d;
  }
  // Shortest round-trip digits in scientific form: "d[.ddd]e[+-]x".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exp10 = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;  // position of the decimal point relative to the digits
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

void AppendCanonicalJson(const boost::json::value& value, std::string& out) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: {
      const int64_t v = value.get_int64();
      constexpr int64_t kExact = int64_t{1} << 53;
      if (v >= -kExact && v <= kExact) {
        out += std::to_string(v);
      } else {
        out += EcmaScriptNumber(static_cast<double>(v));
      }
      break;
    }
    case boost::json::kind::uint64: {
      const uint64_t v = value.get_uint64();
      if (v <= (uint64_t{1} << 53)) {
        out += std::to_string(v);
      } else {
        out += EcmaScriptNumber(static_cast<double>(v));
      }
      break;
    }
    case boost::json::kind::double_: out += EcmaScriptNumber(value.get_double()); break;
    case boost::json::kind::string: AppendString(value.get_string(), out); break;
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& v : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        AppendCanonicalJson(v, out);
      }
      out.push_back(']');
      break;
    }
    case boost::json::kind::object: AppendObject(value.get_object(), out); break;
  }
}

std::string CanonicalJson(const boost::json::value& value) {
  std::string out;
  AppendCanonicalJson(value, out);
  return out;
}

}  // namespace bulwark::stix
