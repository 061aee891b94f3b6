#include "correlate/keys.h"

#include <algorithm>

#include "model/attribute_types.h"

namespace bulwark::correlate {
namespace {

using model::ValueKind;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Decodes %XX of unreserved characters and uppercases the hex of the other escapes.
void AppendPercentNormalised(std::string_view s, std::string& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexDigit(s[i + 1]);
      int lo = HexDigit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        char decoded = static_cast<char>(hi * 16 + lo);
        if (IsUnreserved(decoded)) {
          out += decoded;
        } else {
          static constexpr char kHex[] = "0123456789ABCDEF";
          out += '%';
          out += kHex[hi];
          out += kHex[lo];
        }
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
}

std::string_view DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return "80";
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

struct UrlParts {
  std::string_view scheme;     // empty without "scheme://"
  std::string_view userinfo;   // without the '@'
  std::string_view host;       // as written, brackets of an IPv6 literal included
  std::string_view port;       // without the ':'
  std::string_view rest;       // path, query and fragment
  bool has_userinfo = false;
  bool has_port = false;
};

UrlParts SplitUrl(std::string_view url) {
  UrlParts p;
  std::string_view s = url;
  size_t sep = s.find("://");
  if (sep != std::string_view::npos && sep > 0) {
    bool scheme_ok = true;
    for (char c : s.substr(0, sep)) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                c == '-' || c == '.';
      scheme_ok = scheme_ok && ok;
    }
    if (scheme_ok) {
      p.scheme = s.substr(0, sep);
      s.remove_prefix(sep + 3);
    }
  }
  size_t end = s.find_first_of("/?#");
  std::string_view authority = s.substr(0, end);
  p.rest = end == std::string_view::npos ? std::string_view() : s.substr(end);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    p.userinfo = authority.substr(0, at);
    p.has_userinfo = true;
    authority.remove_prefix(at + 1);
  }
  size_t colon = authority.rfind(':');
  size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    p.port = authority.substr(colon + 1);
    p.has_port = true;
    authority = authority.substr(0, colon);
  }
  p.host = authority;
  return p;
}

std::string NormaliseHost(std::string_view host) {
  std::string h = LowerAscii(host);
  if (h.size() > 1 && h.back() == '.') h.pop_back();
  return h;
}

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

void AddHalf(ValueKind kind, std::string_view value, Facets& f) {
  switch (kind) {
    case ValueKind::kUrl: {
      AddUnique(f.values, NormaliseUrl(value));
      std::string host = UrlHost(value);
      if (IsDnsName(host)) AddUnique(f.url_hosts, std::move(host));
      return;
    }
    case ValueKind::kEmail:
      AddUnique(f.values, LowerAscii(value));
      return;
    case ValueKind::kDomain:
    case ValueKind::kHostname: {
      AddUnique(f.values, std::string(value));
      std::string name = NormaliseHost(value);
      if (IsDnsName(name)) AddUnique(f.names, std::move(name));
      return;
    }
    case ValueKind::kIpAddress:
    case ValueKind::kIpOrCidr: {
      AddUnique(f.values, std::string(value));
      if (value.find('/') != std::string_view::npos) {
        auto cidr = Cidr::ParseMasked(value);
        if (!cidr.ok()) return;
        if (cidr->IsHost()) {
          f.ips.push_back(cidr->network());
        } else {
          f.cidrs.push_back(*cidr);
        }
      } else if (auto ip = IpAddress::Parse(value); ip.ok()) {
        f.ips.push_back(*ip);
      }
      return;
    }
    default:
      AddUnique(f.values, std::string(value));
  }
}

}  // namespace

Result<Exclusion> ParseExclusion(std::string_view text) {
  Exclusion e;
  bool lead = !text.empty() && text.front() == '%';
  bool trail = text.size() > 1 && text.back() == '%';
  std::string_view core = text;
  if (lead) core.remove_prefix(1);
  if (trail && !core.empty()) core.remove_suffix(1);
  if (lead && trail) {
    e.kind = ExclusionKind::kContains;
  } else if (lead) {
    e.kind = ExclusionKind::kSuffix;
  } else if (trail) {
    e.kind = ExclusionKind::kPrefix;
  } else {
    e.kind = ExclusionKind::kExact;
  }
  if (core.empty()) return MakeError(ErrorCode::kInvalid, "a correlation exclusion must not be empty", "value");
  e.text = std::string(core);
  return e;
}

bool IsExcluded(const std::vector<Exclusion>& exclusions, std::string_view value) {
  for (const auto& e : exclusions) {
    switch (e.kind) {
      case ExclusionKind::kExact:
        if (value == e.text) return true;
        break;
      case ExclusionKind::kPrefix:
        if (value.starts_with(e.text)) return true;
        break;
      case ExclusionKind::kSuffix:
        if (value.ends_with(e.text)) return true;
        break;
      case ExclusionKind::kContains:
        if (value.find(e.text) != std::string_view::npos) return true;
        break;
    }
  }
  return false;
}

std::string NormaliseUrl(std::string_view url) {
  UrlParts p = SplitUrl(url);
  std::string out;
  out.reserve(url.size() + 1);
  if (p.scheme.empty()) {
    AppendPercentNormalised(url, out);
    return out;
  }
  std::string scheme = LowerAscii(p.scheme);
  out += scheme;
  out += "://";
  if (p.has_userinfo) {
    AppendPercentNormalised(p.userinfo, out);
    out += '@';
  }
  out += NormaliseHost(p.host);
  if (p.has_port && !p.port.empty() && p.port != DefaultPort(scheme)) {
    out += ':';
    out += p.port;
  }
  if (p.rest.empty() || p.rest.front() != '/') out += '/';
  AppendPercentNormalised(p.rest, out);
  return out;
}

std::string UrlHost(std::string_view url) {
  UrlParts p = SplitUrl(url);
  std::string_view host = p.host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return NormaliseHost(host);
}

bool IsDnsName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t labels = 0;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    size_t end = dot == std::string_view::npos ? name.size() : dot;
    if (end == start || end - start > 63) return false;
    for (size_t i = start; i < end; ++i) {
      unsigned char c = static_cast<unsigned char>(name[i]);
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '_' || c >= 0x80;
      if (!ok) return false;
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return false;
  // An IPv4 address is four numeric labels: not a name.
  return !IpAddress::Parse(name).ok();
}

std::vector<std::string_view> ParentDomains(std::string_view name) {
  std::vector<std::string_view> out;
  size_t pos = name.find('.');
  while (pos != std::string_view::npos) {
    std::string_view parent = name.substr(pos + 1);
    if (parent.find('.') == std::string_view::npos) break;  // one label left: a TLD
    out.push_back(parent);
    pos = name.find('.', pos + 1);
  }
  return out;
}

Facets ExtractFacets(const model::Attribute& attribute, const std::vector<Exclusion>& exclusions) {
  Facets f;
  const model::AttributeTypeInfo* info = model::AttributeTypes::Get().Find(attribute.type);
  if (info == nullptr || !info->correlates()) return f;
  if (!attribute.value1.empty() && !IsExcluded(exclusions, attribute.value1)) {
    AddHalf(info->kind, attribute.value1, f);
  }
  bool second = info->composite && info->correlation == model::Correlation::kFull;
  if (second && !attribute.value2.empty() && !IsExcluded(exclusions, attribute.value2)) {
    AddHalf(info->kind2, attribute.value2, f);
  }
  return f;
}

}  // namespace bulwark::correlate
