// What of an attribute takes part in correlation, and how values are compared (see docs in correlate.h).
//
// Facets are extracted per value half: value1, and value2 unless the type correlates on its first half only
// (ip-src|port, ip-dst|port, hostname|port). Types MISP never correlates (model::Correlation::kNever:
// comment, counter, port, integer, float, boolean, ...) have no facets. A half whose value matches a
// correlation exclusion contributes nothing.
//
//   values     every half, for equality across types as MISP does: the stored value, except URLs (normalised,
//              see NormaliseUrl) and email addresses (lowercased, as MISP stores them);
//   names      DNS names of domain and hostname halves (domain, hostname, domain|ip, hostname|port, ...);
//   url_hosts  the host of a url half when it is a DNS name (IP-literal hosts are not linked);
//   ips        addresses of ip halves (ip-src, ip-dst, ip-*|port, domain|ip, ...), a /32 or /128 included;
//   cidrs      prefixes of ip-src/ip-dst values written as CIDR (host bits cleared for containment).
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip.h"
#include "model/entities.h"

namespace bulwark::correlate {

enum class ExclusionKind : uint8_t { kExact, kPrefix, kSuffix, kContains };

// A correlation exclusion (MISP's correlation_exclusions: exact, "x%", "%x", "%x%"). Case-sensitive, on
// the stored value of each half.
struct Exclusion {
  ExclusionKind kind = ExclusionKind::kExact;
  std::string text;
};

// Parses MISP's notation: "%x%" contains, "x%" prefix, "%x" suffix, anything else exact. Empty text after
// removing the '%' is rejected (kInvalid), since it would exclude every value.
Result<Exclusion> ParseExclusion(std::string_view text);
bool IsExcluded(const std::vector<Exclusion>& exclusions, std::string_view value);

struct Facets {
  std::vector<std::string> values;
  std::vector<std::string> names;
  std::vector<std::string> url_hosts;
  std::vector<IpAddress> ips;
  std::vector<Cidr> cidrs;

  bool empty() const {
    return values.empty() && names.empty() && url_hosts.empty() && ips.empty() && cidrs.empty();
  }
};

// The facets of an attribute (ignores deleted and disable_correlation: the caller decides eligibility).
Facets ExtractFacets(const model::Attribute& attribute, const std::vector<Exclusion>& exclusions);

// URL normal form for equality: scheme and host lowercased, one trailing dot of the host removed, the default
// port of http/https/ftp/ws/wss removed, an empty path after an authority written "/", percent-encoded
// unreserved characters (A-Z a-z 0-9 - . _ ~) decoded and remaining percent-escapes written in uppercase hex
// (RFC 3986 6.2.2). Values without "scheme://" are kept as given except for the percent-encoding rules (a
// URL without a scheme does not equal one with a scheme).
std::string NormaliseUrl(std::string_view url);

// The lowercased host of a URL without port, userinfo or trailing dot; empty if it has none. For
// "scheme://host..." and for scheme-less "host/path".
std::string UrlHost(std::string_view url);

// True when `name` looks like a DNS name with two or more labels (letters, digits, '-', '_', non-ASCII).
bool IsDnsName(std::string_view name);

// The proper ancestors of a DNS name that still have two labels or more: "a.b.c.d" gives "b.c.d", "c.d".
std::vector<std::string_view> ParentDomains(std::string_view name);

}  // namespace bulwark::correlate
