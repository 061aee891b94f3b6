// Validators for digests, scalars and identifiers. See model/value.h for the rules.
#include "model/value_kinds.h"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

#include "common/clock.h"
#include "common/uuid.h"

namespace bulwark::model::kinds {
namespace {

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsBase64Char(char c) { return IsAsciiAlnum(c) || c == '+' || c == '/'; }

// Removes every occurrence of the given ASCII separators.
std::string WithoutChars(std::string_view s, std::string_view separators) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (separators.find(c) == std::string_view::npos) out.push_back(c);
  }
  return out;
}

}  // namespace

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message), "value"); }

std::string Quote(std::string_view s, size_t max) {
  std::string out = "\"";
  if (s.size() > max) {
    // Cut at a character boundary so the message stays valid UTF-8.
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    out.append(s.substr(0, cut));
    out.append("...");
  } else {
    out.append(s);
  }
  out.push_back('"');
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool IsHex(std::string_view s) {
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<std::string> SingleLineValue(std::string_view s) {
  if (s.find_first_of("\r\n") != std::string_view::npos) return Invalid("value must not contain a line break");
  return std::string(s);
}

Result<std::string> JsonValue(std::string_view s) {
  boost::system::error_code ec;
  boost::json::parse(s, ec);
  if (ec) return Invalid("not a valid JSON document (" + ec.message() + ")");
  return std::string(s);
}

Result<std::string> DigestValue(std::string_view s, size_t hex_length, bool allow_colons) {
  std::string v = allow_colons ? WithoutChars(s, ":") : std::string(s);
  if (v.size() != hex_length || !IsHex(v)) {
    return Invalid("expected " + std::to_string(hex_length) + " hexadecimal characters" +
                   (allow_colons ? std::string(" (colons allowed)") : std::string()) + ", got " + Quote(s));
  }
  return AsciiLower(v);
}

Result<std::string> CdhashValue(std::string_view s) {
  if (s.size() < 40 || !IsHex(s)) return Invalid("expected 40 or more hexadecimal characters, got " + Quote(s));
  return AsciiLower(s);
}

Result<std::string> TelfhashValue(std::string_view s) {
  std::string v = AsciiLower(s);
  std::string_view hex = v;
  if (hex.size() == 72 && hex.substr(0, 2) == "t1") hex.remove_prefix(2);
  if (hex.size() != 70 || !IsHex(hex)) {
    return Invalid("expected 70 hexadecimal characters, optionally after \"t1\", got " + Quote(s));
  }
  return v;
}

Result<std::string> TlshValue(std::string_view s) {
  std::string v = AsciiLower(s);
  std::string_view hex = v;
  if (!hex.empty() && hex.front() == 't') hex.remove_prefix(1);  // "T1..." version prefix, as MISP allows
  if (hex.size() <= 35 || !IsHex(hex)) {
    return Invalid("expected more than 35 hexadecimal characters, optionally after \"T1\", got " + Quote(s));
  }
  return v;
}

// blocksize:hash:hash, the hashes in base64 characters (MISP: ^[0-9]+:[0-9a-zA-Z/+]*:[0-9a-zA-Z/+]*$).
Result<std::string> SsdeepValue(std::string_view s) {
  size_t c1 = s.find(':');
  size_t c2 = c1 == std::string_view::npos ? c1 : s.find(':', c1 + 1);
  bool ok = c2 != std::string_view::npos && s.find(':', c2 + 1) == std::string_view::npos;
  if (ok) {
    std::string_view block = s.substr(0, c1);
    ok = IsDigits(block) && block.size() <= 10;
    for (char c : s.substr(c1 + 1)) {
      if (c != ':' && !IsBase64Char(c)) ok = false;
    }
  }
  if (!ok) return Invalid("expected an ssdeep hash blocksize:hash:hash, got " + Quote(s));
  return std::string(s);
}

Result<std::string> ImpfuzzyValue(std::string_view s) {
  size_t c1 = s.find(':');
  size_t c2 = c1 == std::string_view::npos ? c1 : s.find(':', c1 + 1);
  bool ok = c2 != std::string_view::npos && s.find(':', c2 + 1) == std::string_view::npos && IsDigits(s.substr(0, c1));
  if (ok) {
    for (char c : s.substr(c1 + 1)) {
      if (c != ':' && !IsBase64Char(c)) ok = false;
    }
  }
  if (!ok) return Invalid("expected an impfuzzy hash imports:hash:hash, got " + Quote(s));
  return std::string(s);
}

Result<std::string> HexValue(std::string_view s) {
  if (!IsHex(s)) return Invalid("expected hexadecimal characters only, got " + Quote(s));
  return AsciiUpper(s);
}

Result<std::string> IntegerValue(std::string_view s) {
  std::string_view digits = s;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  bool sign_ok = digits == s || (!digits.empty() && digits.front() != '-');  // no "+-1"
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || !sign_ok || ec != std::errc() || ptr != digits.data() + digits.size()) {
    return Invalid("expected a whole number between -9223372036854775808 and 9223372036854775807, got " + Quote(s));
  }
  return std::to_string(value);
}

Result<std::string> CountValue(std::string_view s) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (!IsDigits(s) || ec != std::errc() || ptr != s.data() + s.size()) {
    return Invalid("expected a whole number greater than or equal to 0, got " + Quote(s));
  }
  return std::to_string(value);
}

Result<std::string> FloatValue(std::string_view s) {
  std::string_view body = s;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, std::chars_format::general);
  bool numeric = !body.empty() && (std::isdigit(static_cast<unsigned char>(body.front())) || body.front() == '.');
  if (!numeric || ec != std::errc() || ptr != body.data() + body.size() || !std::isfinite(value)) {
    return Invalid("expected a decimal number, got " + Quote(s));
  }
  return std::string(s);
}

Result<std::string> BooleanValue(std::string_view s) {
  std::string v = AsciiLower(s);
  if (v == "1" || v == "true") return std::string("1");
  if (v == "0" || v == "false") return std::string("0");
  return Invalid("expected 1, 0, true or false, got " + Quote(s));
}

Result<std::string> DateTimeValue(std::string_view s) {
  auto micros = ParseDateTimeMicros(s);
  if (!micros) return Invalid("expected an ISO 8601 date-time such as 2024-05-01T12:00:00Z, got " + Quote(s));
  std::string out = FormatRfc3339Micros(*micros);
  if (!out.empty() && out.back() == 'Z') {
    out.pop_back();
    out += "+0000";
  }
  return out;
}

Result<std::string> UuidValue(std::string_view s) {
  if (!IsUuid(s)) return Invalid("expected a UUID (8-4-4-4-12 hexadecimal digits), got " + Quote(s));
  return NormaliseUuid(s);
}

namespace {

// "PREFIX-" then digits with the given minimum counts, as in CVE-2024-12345; en-dashes are read as '-'.
Result<std::string> PrefixedId(std::string_view s, std::string_view prefix, bool with_year) {
  std::string v;
  v.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "\xe2\x80\x93") {  // U+2013 EN DASH
      v.push_back('-');
      i += 2;
    } else {
      v.push_back(s[i]);
    }
  }
  v = AsciiUpper(v);
  std::string_view rest = v;
  bool ok = rest.substr(0, prefix.size()) == prefix;
  if (ok) {
    rest.remove_prefix(prefix.size());
    if (with_year) {
      ok = rest.size() > 5 && IsDigits(rest.substr(0, 4)) && rest[4] == '-' && IsDigits(rest.substr(5)) &&
           rest.size() - 5 >= 4;
    } else {
      ok = IsDigits(rest);
    }
  }
  if (!ok) {
    return Invalid(std::string("expected ") + (with_year ? "CVE-YYYY-NNNN" : "CWE-N") + ", got " + Quote(s));
  }
  return v;
}

}  // namespace

Result<std::string> CveValue(std::string_view s) { return PrefixedId(s, "CVE-", true); }
Result<std::string> CweValue(std::string_view s) { return PrefixedId(s, "CWE-", false); }

Result<std::string> WindowsServiceNameValue(std::string_view s) {
  if (s.size() > 256 || s.find_first_of("/\\\r\n") != std::string_view::npos) {
    return Invalid("expected at most 256 bytes without slashes or line breaks");
  }
  return std::string(s);
}

// MISP's phone rule, in an order that makes it idempotent: drop "(0)" and separators, then a leading "00"
// becomes '+'.
Result<std::string> PhoneNumberValue(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "(0)") {
      i += 2;
      continue;
    }
    char c = s[i];
    if ((c >= '0' && c <= '9') || c == '+') {
      out.push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
      return Invalid("expected a phone number (digits, an optional leading '+', separators), got " + Quote(s));
    }
  }
  if (out.size() >= 2 && out[0] == '0' && out[1] == '0') out = "+" + out.substr(2);
  std::string_view digits = out;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (!IsDigits(digits)) {
    return Invalid("expected a phone number (digits, an optional leading '+', separators), got " + Quote(s));
  }
  return out;
}

Result<std::string> CardNumberValue(std::string_view s) {
  std::string v = WithoutChars(s, " -");
  if (!IsDigits(v)) return Invalid("expected digits (spaces and dashes allowed), got " + Quote(s));
  return v;
}

Result<std::string> BankCodeValue(std::string_view s) {
  std::string v = AsciiUpper(WithoutChars(s, " -"));
  bool ok = !v.empty();
  for (char c : v) ok = ok && IsAsciiAlnum(c);
  if (!ok) return Invalid("expected letters and digits (spaces and dashes allowed), got " + Quote(s));
  return v;
}

Result<std::string> AlphanumericValue(std::string_view s) {
  for (char c : s) {
    if (!IsAsciiAlnum(c)) return Invalid("expected letters and digits only, got " + Quote(s));
  }
  return std::string(s);
}

Result<std::string> DigitsValue(std::string_view s) {
  if (!IsDigits(s)) return Invalid("expected digits only, got " + Quote(s));
  return std::string(s);
}

}  // namespace bulwark::model::kinds
