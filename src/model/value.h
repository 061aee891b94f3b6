// Validation and normalisation of attribute values for their MISP type. Every value that enters the hub
// (API, MISP import, sync, sensors) goes through NormaliseValue before it is stored or correlated, so equal
// indicators compare equal as strings.
//
// Rules common to all types:
//   - the value must be valid UTF-8 without NUL bytes (checked before anything else);
//   - surrounding ASCII whitespace is trimmed (also around each half of a composite);
//   - the value must not be empty;
//   - size limits, in bytes, checked on the raw value: kMaxTextValueBytes for the text-like kinds (text,
//     single-line text, filename, json, url, uri, link) and kMaxStructuredValueBytes for all other kinds;
//   - composite types ("filename|md5", "domain|ip", "ip-dst|port", "malware-sample", ...) need exactly one
//     '|' (as MISP requires); the halves become value1 and value2 and are validated by their own kinds.
//     ip-src|port and ip-dst|port also accept "1.2.3.4:80" and "[2001:db8::1]:80"; hostname|port also
//     accepts "host:80" (MISP accepts these forms and stores them with '|').
//
// Normal forms per kind (see ValueKind in model/attribute_types.h), chosen to agree with what MISP stores:
//   - ip: canonical text (RFC 5952 for IPv6). ip-src/ip-dst also take CIDR: the address is canonicalised,
//     the prefix written in decimal, host bits are kept as given (MISP keeps "10.1.2.3/8"), and a /32 or
//     /128 becomes the bare address (as MISP does).
//   - domain, hostname: ASCII letters lowercased, one trailing dot removed; at least two labels, each 1-63
//     bytes of letters, digits, '-', '_' (no '_' in the last label, which has 2 or more bytes), 253 bytes
//     at most. Punycode (xn--) labels are kept as they are; Unicode labels (any non-ASCII UTF-8) are
//     accepted and kept as they are (no IDNA mapping is done here).
//   - url: kept as given (MISP keeps URLs), except that with a "scheme://" prefix the scheme and the host
//     are lowercased. Without a scheme the value must look like host[/path] (MISP accepts "host/path",
//     "file.exe"). No CR, LF or other control characters; no whitespace before the path.
//   - link: like url, but a scheme and a host are required and no whitespace is allowed anywhere.
//   - email: local@domain (split at the last '@'); the domain checked and lowercased as a domain, the local
//     part kept as given (MISP lowercases the whole address for email/email-src/email-dst; we do not,
//     because local parts are case-sensitive).
//   - digests (md5, sha*, imphash, ...): exact hex length for the algorithm, lowercased; x509 fingerprints
//     may have colons, which are removed. tlsh, telfhash, cdhash, jarm lowercased; ssdeep and impfuzzy
//     checked and kept (base64 is case-sensitive). hex is uppercased (as MISP does).
//   - port: 1-65535 (MISP rejects 0), decimal without leading zeros.
//   - AS: "AS1234", "as1234", "1234" and asdot "1.10" (= 65546) are all stored as the plain decimal number,
//     0-4294967295, as MISP stores AS attributes ("AS" prefix removed).
//   - datetime: ISO 8601 / RFC 3339 (common/clock.h ParseDateTimeMicros), stored in MISP's normal form
//     "YYYY-MM-DDTHH:MM:SS.ffffff+0000" (UTC).
//   - integer: signed 64-bit; size-in-bytes/counter: unsigned 64-bit; both re-written in plain decimal.
//     float: a finite decimal number, kept as written. boolean: 1/0/true/false, stored as "1" or "0".
//   - mac-address / mac-eui-64: separators '.', ':', '-' and spaces removed, lowercase, re-written as
//     colon-separated pairs. uuid: lowercased. vulnerability (CVE-...) and weakness (CWE-...): uppercased.
//   - phone numbers: "00" prefix becomes '+', "(0)" and separators removed (MISP's rule); iban/bic: spaces
//     and dashes removed, uppercased; cc-number/bin: spaces and dashes removed.
//   - free text kinds: any valid UTF-8; single-line kinds reject CR and LF.
//
// Errors: ErrorCode::kInvalid, field "value" (field "type" for an unknown type), with a message that names
// the type and says what is wrong. All functions are pure, thread-safe, and run in time linear in the input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/attribute_types.h"

namespace bulwark::model {

inline constexpr size_t kMaxTextValueBytes = 128 * 1024;
inline constexpr size_t kMaxStructuredValueBytes = 2048;

struct NormalisedValue {
  std::string value1;
  std::string value2;  // empty unless the type is composite

  friend bool operator==(const NormalisedValue&, const NormalisedValue&) = default;
};

// Validates and normalises `raw` for the MISP attribute type `type` (see the rules above).
Result<NormalisedValue> NormaliseValue(std::string_view type, std::string_view raw);

// Validates and normalises one value (or one half of a composite) of the given kind. The message of an
// error says what is wrong without naming a type. kNone is always an error.
Result<std::string> NormaliseKind(ValueKind kind, std::string_view raw);

// The size limit that applies to a kind.
size_t MaxValueBytes(ValueKind kind);

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace bulwark::model
