// Validators for network kinds: IPs, domains, URLs, e-mail addresses, ports, AS numbers, MACs. See
// model/value.h for the rules.
#include <cctype>
#include <charconv>
#include <cstdint>
#include <system_error>

#include "common/ip.h"
#include "model/value_kinds.h"

namespace bulwark::model::kinds {
namespace {

constexpr size_t kMaxDomainBytes = 253;
constexpr size_t kMaxLabelBytes = 63;

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool HasControl(std::string_view s) {
  for (char c : s) {
    if (IsControl(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

bool HasSpaceOrControl(std::string_view s) {
  for (char c : s) {
    if (c == ' ' || IsControl(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

bool IsLabelChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80;
}

// Checks a lowercased domain without its trailing dot; returns an empty string when it is fine.
std::string DomainProblem(std::string_view d) {
  if (d.size() > kMaxDomainBytes) return "longer than 253 bytes";
  size_t labels = 0;
  size_t start = 0;
  std::string_view last;
  while (true) {
    size_t dot = d.find('.', start);
    std::string_view label = d.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return "has an empty label";
    if (label.size() > kMaxLabelBytes) return "has a label longer than 63 bytes";
    for (char c : label) {
      if (!IsLabelChar(static_cast<unsigned char>(c))) {
        return std::string("has a character that is not allowed in a domain name: ") + Quote(std::string_view(&c, 1));
      }
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return "needs at least two labels (like example.com)";
  if (last.size() < 2 || last.find('_') != std::string_view::npos) return "has an invalid top-level label";
  return {};
}

// Lowercases the ASCII letters of a URL's scheme and host (the authority after any userinfo, port included).
std::string LowercaseSchemeAndHost(std::string_view s, size_t scheme_end, size_t authority_start,
                                   size_t authority_end) {
  std::string out(s);
  auto lower = [&out](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
    }
  };
  lower(0, scheme_end);
  std::string_view authority = s.substr(authority_start, authority_end - authority_start);
  size_t at = authority.rfind('@');
  size_t host_start = authority_start + (at == std::string_view::npos ? 0 : at + 1);
  lower(host_start, authority_end);
  return out;
}

}  // namespace

Result<std::string> IpAddressValue(std::string_view s) {
  auto ip = IpAddress::Parse(s);
  if (!ip.ok()) return Invalid("expected an IPv4 or IPv6 address, got " + Quote(s));
  return ip->ToString();
}

Result<std::string> IpOrCidrValue(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return IpAddressValue(s);
  auto ip = IpAddress::Parse(s.substr(0, slash));
  std::string_view prefix = s.substr(slash + 1);
  unsigned length = 0;
  auto [ptr, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), length);
  if (!ip.ok() || !IsDigits(prefix) || prefix.size() > 3 || ec != std::errc() || ptr != prefix.data() + prefix.size() ||
      static_cast<int>(length) > ip->bit_width()) {
    return Invalid("expected an IP address or a CIDR prefix (like 10.0.0.0/8), got " + Quote(s));
  }
  if (static_cast<int>(length) == ip->bit_width()) return ip->ToString();
  return ip->ToString() + "/" + std::to_string(length);
}

Result<std::string> DomainValue(std::string_view s) {
  std::string d = AsciiLower(s);
  if (!d.empty() && d.back() == '.') d.pop_back();
  std::string problem = DomainProblem(d);
  if (!problem.empty()) return Invalid("domain name " + Quote(s) + " " + problem);
  return d;
}

Result<std::string> OnionValue(std::string_view s) {
  std::string v = AsciiLower(s);
  constexpr std::string_view kSuffix = ".onion";
  std::string_view name = v;
  bool ok = name.size() > kSuffix.size() && name.substr(name.size() - kSuffix.size()) == kSuffix;
  if (ok) {
    name.remove_suffix(kSuffix.size());
    ok = name.size() == 16 || name.size() == 56;
    for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'));
  }
  if (!ok) return Invalid("expected 16 or 56 base32 characters followed by .onion, got " + Quote(s));
  return v;
}

Result<std::string> UrlValue(std::string_view s, bool require_scheme) {
  if (HasControl(s)) return Invalid("URL must not contain control characters or line breaks");
  if (require_scheme && s.find(' ') != std::string_view::npos) return Invalid("URL must not contain spaces");
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://".
  size_t i = 0;
  bool alpha_start = !s.empty() && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
  if (alpha_start) {
    while (i < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
      ++i;
    }
  }
  bool has_scheme = alpha_start && s.substr(i, 3) == "://";
  if (!has_scheme) {
    if (require_scheme) return Invalid("expected an absolute URL with a scheme (like https://host/path)");
    size_t end = s.find_first_of("/?#");
    std::string_view host = s.substr(0, end);
    if (host.empty() || HasSpaceOrControl(host)) {
      return Invalid("expected a URL (scheme://host/path) or host/path, got " + Quote(s));
    }
    return std::string(s);
  }
  size_t scheme_end = i;
  size_t authority_start = i + 3;
  size_t authority_end = s.find_first_of("/?#", authority_start);
  if (authority_end == std::string_view::npos) authority_end = s.size();
  std::string_view authority = s.substr(authority_start, authority_end - authority_start);
  size_t at = authority.rfind('@');
  std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (host.empty() || host.front() == ':' || HasSpaceOrControl(authority)) {
    return Invalid("URL " + Quote(s) + " has no valid host");
  }
  return LowercaseSchemeAndHost(s, scheme_end, authority_start, authority_end);
}

Result<std::string> UriValue(std::string_view s) {
  if (HasControl(s)) return Invalid("URI must not contain control characters or line breaks");
  return std::string(s);
}

Result<std::string> EmailValue(std::string_view s) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0)
    return Invalid("expected an e-mail address local@domain, got " + Quote(s));
  std::string_view local = s.substr(0, at);
  if (HasSpaceOrControl(local))
    return Invalid("the local part of " + Quote(s) + " contains spaces or control characters");
  bool quoted = local.size() >= 2 && local.front() == '"' && local.back() == '"';
  if (!quoted && local.find('@') != std::string_view::npos) return Invalid("more than one '@' in " + Quote(s));
  auto domain = DomainValue(s.substr(at + 1));
  if (!domain.ok()) return Invalid("e-mail address " + Quote(s) + ": " + domain.error().message);
  return std::string(local) + "@" + *domain;
}

Result<std::string> PortValue(std::string_view s) {
  uint32_t port = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  if (!IsDigits(s) || ec != std::errc() || ptr != s.data() + s.size() || port < 1 || port > 65535) {
    return Invalid("expected a port number between 1 and 65535, got " + Quote(s));
  }
  return std::to_string(port);
}

Result<std::string> AsnValue(std::string_view s) {
  std::string_view v = s;
  if (v.size() >= 2 && (v[0] == 'A' || v[0] == 'a') && (v[1] == 'S' || v[1] == 's')) v.remove_prefix(2);
  auto parse = [](std::string_view digits, uint64_t max, uint64_t& out) {
    if (!IsDigits(digits) || digits.size() > 10) return false;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc() && ptr == digits.data() + digits.size() && out <= max;
  };
  uint64_t value = 0;
  bool ok;
  size_t dot = v.find('.');
  if (dot != std::string_view::npos) {  // asdot: high.low
    uint64_t high = 0, low = 0;
    ok = parse(v.substr(0, dot), 65535, high) && parse(v.substr(dot + 1), 65535, low);
    value = high * 65536 + low;
  } else {
    ok = parse(v, 4294967295u, value);
  }
  if (!ok) return Invalid("expected an AS number (AS1234, 1234 or 1.10) between 0 and 4294967295, got " + Quote(s));
  return std::to_string(value);
}

Result<std::string> MacValue(std::string_view s, size_t bytes) {
  std::string hex;
  hex.reserve(s.size());
  for (char c : s) {
    if (c != '.' && c != ':' && c != '-' && c != ' ') hex.push_back(c);
  }
  if (hex.size() != bytes * 2 || !IsHex(hex)) {
    return Invalid("expected " + std::to_string(bytes) + " bytes in hexadecimal (like " +
                   (bytes == 6 ? "00:1a:2b:3c:4d:5e" : "00:1a:2b:ff:fe:3c:4d:5e") + "), got " + Quote(s));
  }
  hex = AsciiLower(hex);
  std::string out;
  out.reserve(bytes * 3);
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out.push_back(':');
    out.append(hex, i, 2);
  }
  return out;
}

Result<std::string> HttpMethodValue(std::string_view s) {
  static constexpr std::string_view kMethods[] = {
      "OPTIONS",         "GET",        "HEAD",     "POST",     "PUT",
      "DELETE",          "TRACE",      "CONNECT",  "PROPFIND", "PROPPATCH",
      "MKCOL",           "COPY",       "MOVE",     "LOCK",     "UNLOCK",
      "VERSION-CONTROL", "REPORT",     "CHECKOUT", "CHECKIN",  "UNCHECKOUT",
      "MKWORKSPACE",     "UPDATE",     "LABEL",    "MERGE",    "BASELINE-CONTROL",
      "MKACTIVITY",      "ORDERPATCH", "ACL",      "PATCH",    "SEARCH"};
  std::string v = AsciiUpper(s);
  for (std::string_view m : kMethods) {
    if (v == m) return v;
  }
  return Invalid("unknown HTTP method " + Quote(s));
}

Result<std::string> SshFingerprintValue(std::string_view s) {
  constexpr std::string_view kSha256 = "SHA256:";
  if (s.substr(0, kSha256.size()) == kSha256) {
    std::string_view b64 = s.substr(kSha256.size());
    if (b64.size() == 44 && b64.back() == '=') b64.remove_suffix(1);
    bool ok = b64.size() == 43;  // 32 bytes in unpadded base64
    for (char c : b64) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/');
    if (ok) return std::string(s);
    return Invalid("expected SHA256: and 43 base64 characters, got " + Quote(s));
  }
  std::string_view hex = s;
  if (hex.substr(0, 4) == "MD5:") hex.remove_prefix(4);
  std::string digits;
  for (char c : hex) {
    if (c != ':') digits.push_back(c);
  }
  if (digits.size() != 32 || !IsHex(digits)) {
    return Invalid("expected an SSH fingerprint in SHA256:base64 or MD5 hexadecimal form, got " + Quote(s));
  }
  return std::string(s);
}

}  // namespace bulwark::model::kinds
