#include "match/normalize.h"

#include "match/key_hash.h"

namespace bulwark::match {
namespace {

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

char UpperHex(int v) { return static_cast<char>(v < 10 ? '0' + v : 'A' + v - 10); }

bool IsDomainByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

std::string_view DefaultPort(std::string_view scheme) {
  if (scheme.size() == 4 && EqualsFolded(scheme, "http")) return "80";
  if (scheme.size() == 5 && EqualsFolded(scheme, "https")) return "443";
  if (scheme.size() == 3 && EqualsFolded(scheme, "ftp")) return "21";
  return {};
}

}  // namespace

bool NormalizeDomain(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() >= 2 && text[0] == '*' && text[1] == '.') text.remove_prefix(2);
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 253) return false;
  char prev = '.';
  for (char c : text) {
    if (!IsDomainByte(c)) return false;
    if (c == '.' && prev == '.') return false;
    out.push_back(static_cast<char>(AsciiLower(static_cast<uint8_t>(c))));
    prev = c;
  }
  return true;
}

bool NormalizeUrl(std::string_view text, std::string& out, std::string_view* host_out) {
  out.clear();
  if (text.empty() || text.size() > kMaxKeyBytes) return false;
  std::string_view scheme;
  // A scheme is at most 16 bytes: only the head is searched (a "://" further on, as in "?u=http://x", is no scheme
  // either way).
  size_t sep = text.substr(0, 19).find("://");
  if (sep != std::string_view::npos && sep > 0 && sep <= 16) {
    scheme = text.substr(0, sep);
    text.remove_prefix(sep + 3);
  }
  // A plain loop: find_first_of with a set searches the set once per byte (a memchr call each).
  size_t auth_end = 0;
  while (auth_end < text.size() && text[auth_end] != '/' && text[auth_end] != '?' && text[auth_end] != '#') {
    ++auth_end;
  }
  std::string_view authority = text.substr(0, auth_end);
  std::string_view rest = text.substr(auth_end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return false;
  out.resize(host.size());
  for (size_t i = 0; i < host.size(); ++i) out[i] = static_cast<char>(AsciiLower(static_cast<uint8_t>(host[i])));
  if (host_out != nullptr) *host_out = host;
  if (!port.empty() && port != DefaultPort(scheme)) {
    out.push_back(':');
    out.append(port);
  }
  if (rest.empty() || rest[0] != '/') out.push_back('/');
  if (rest.find('%') == std::string_view::npos) {
    out.append(rest);
    return true;
  }
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == '%' && i + 2 < rest.size() && IsHex(rest[i + 1]) && IsHex(rest[i + 2])) {
      int v = HexValue(rest[i + 1]) * 16 + HexValue(rest[i + 2]);
      if (IsUnreserved(static_cast<unsigned char>(v))) {
        out.push_back(static_cast<char>(v));
      } else {
        out.push_back('%');
        out.push_back(UpperHex(v >> 4));
        out.push_back(UpperHex(v & 15));
      }
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  return true;
}

bool NormalizeHash(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() != 32 && text.size() != 40 && text.size() != 64 && text.size() != 128) return false;
  for (char c : text) {
    if (!IsHex(c)) return false;
    out.push_back(static_cast<char>(AsciiLower(static_cast<uint8_t>(c))));
  }
  return true;
}

bool NormalizeEmail(std::string_view text, std::string& out) {
  out.clear();
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size() || text.size() > 320) return false;
  std::string domain;
  if (!NormalizeDomain(text.substr(at + 1), domain)) return false;
  for (char c : text.substr(0, at)) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '"') return false;
    out.push_back(static_cast<char>(AsciiLower(static_cast<uint8_t>(c))));
  }
  out.push_back('@');
  out.append(domain);
  return true;
}

bool NormalizeFolded(std::string_view text, std::string& out) {
  out.clear();
  if (text.empty() || text.size() > kMaxKeyBytes) return false;
  for (char c : text) out.push_back(static_cast<char>(AsciiLower(static_cast<uint8_t>(c))));
  return true;
}

}  // namespace bulwark::match
