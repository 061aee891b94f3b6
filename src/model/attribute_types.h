// The MISP attribute type registry: every attribute type MISP knows (194, as PyMISP's describeTypes.json
// lists them), the 16 categories, which types each category allows, each type's defaults, and how its
// value is validated (ValueKind, see model/value.h).
//
// The registry is a compiled-in, immutable table: AttributeTypes::Get() is thread-safe and the returned
// object and every pointer and view it hands out live for the whole program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace bulwark::model {

// What a value (or one half of a composite value) must look like. See NormaliseValue in model/value.h for
// the exact rules and normal form of each kind.
enum class ValueKind : uint8_t {
  kNone,  // no second half (non-composite types)
  // Text.
  kText,            // any valid UTF-8, newlines allowed (comments, rules, keys, bodies)
  kSingleLineText,  // valid UTF-8 without CR or LF
  kFilename,        // like kSingleLineText (a file name or path)
  kJson,            // a JSON document (cortex)
  // Network.
  kIpAddress,       // one IPv4 or IPv6 address
  kIpOrCidr,        // an address or a CIDR prefix (ip-src, ip-dst)
  kDomain,          // a DNS name with at least two labels
  kHostname,        // same rules as kDomain
  kOnionAddress,    // v2 (16) or v3 (56 base32 characters) followed by ".onion"
  kUrl,             // a URL, with scheme ("http://x/y") or without ("x/y", as MISP accepts)
  kUri,             // a URI or URI path ("/index.php?a=b")
  kLink,            // an absolute URL with a scheme (external references)
  kEmail,           // local@domain
  kPort,            // 1-65535
  kAsn,             // an autonomous system number, 0-4294967295 ("AS1234", "1234", asdot "1.10")
  kMacAddress,      // 48-bit MAC
  kMacEui64,        // 64-bit EUI
  kHttpMethod,      // a known HTTP method
  kSshFingerprint,  // "SHA256:<base64>" or an MD5 hex fingerprint ("MD5:" and colons optional)
  // Digests: exact lowercase hex of the algorithm's length.
  kMd5,
  kSha1,
  kSha224,
  kSha256,
  kSha384,
  kSha512,
  kSha512_224,
  kSha512_256,
  kSha3_224,
  kSha3_256,
  kSha3_384,
  kSha3_512,
  kFingerprintMd5,  // MD5 hex, colon-separated pairs accepted (x509 fingerprints)
  kFingerprintSha1,
  kFingerprintSha256,
  kJarm,      // 62 hex
  kCdhash,    // 40 or more hex
  kTelfhash,  // 70 hex, or "t1" and 70 hex
  kTlsh,      // more than 35 hex, optionally after a "t1"-style leading 't'
  kSsdeep,    // blocksize:hash:hash
  kImpfuzzy,  // imports:hash:hash
  kHex,       // any even or odd count of hex digits, normalised to uppercase as MISP does
  // Numbers and other scalars.
  kInteger,   // a signed 64-bit decimal integer
  kCount,     // a non-negative 64-bit decimal integer (size-in-bytes, counter)
  kFloat,     // a finite decimal number
  kBoolean,   // 1/0/true/false
  kDateTime,  // ISO 8601 / RFC 3339
  kUuid,      // an RFC 4122 UUID
  // Identifiers.
  kCve,                 // CVE-YYYY-NNNN...
  kCwe,                 // CWE-N...
  kWindowsServiceName,  // <= 256 bytes, no slashes
  kPhoneNumber,         // digits with an optional leading '+'
  kCardNumber,          // digits (cc-number, bin); separators are removed
  kBankCode,            // uppercase letters and digits (iban, bic); separators are removed
  kAlphanumeric,        // letters and digits (btc, dash, xmr)
  kDigits,              // digits only (bank-account-nr, aba-rtn)
};

// A stable name for a kind ("ip-or-cidr", "sha256", ...), for messages and tests.
std::string_view ValueKindName(ValueKind kind);

// How MISP correlates values of a type.
enum class Correlation : uint8_t {
  kFull,           // value1 and value2 take part in correlation
  kFirstHalfOnly,  // only value1 correlates (ip-src|port, ip-dst|port, hostname|port)
  kNever,          // MISP's NON_CORRELATING_TYPES (comment, port, integer, float, boolean, ...)
};

struct AttributeTypeInfo {
  std::string_view name;
  std::string_view default_category;
  bool default_to_ids = false;
  ValueKind kind = ValueKind::kText;   // the whole value, or the first half of a composite
  ValueKind kind2 = ValueKind::kNone;  // the second half of a composite
  bool composite = false;              // the value is "first|second", stored as value1 and value2
  Correlation correlation = Correlation::kFull;
  uint32_t categories = 0;  // bit i set: allowed in Categories()[i]

  bool correlates() const { return correlation != Correlation::kNever; }
};

class AttributeTypes {
 public:
  static const AttributeTypes& Get();

  // The type's entry, or nullptr for an unknown type. Type names are case-sensitive ("AS", "named pipe").
  const AttributeTypeInfo* Find(std::string_view type) const;
  bool IsValidType(std::string_view type) const { return Find(type) != nullptr; }
  bool IsValidCategory(std::string_view category) const { return CategoryIndex(category) >= 0; }
  // True when both are known and MISP allows the type in the category.
  bool CategoryAllows(std::string_view category, std::string_view type) const;

  // The 16 categories in MISP's order.
  std::span<const std::string_view> Categories() const;
  // Every type in describeTypes.json order.
  std::span<const AttributeTypeInfo> Types() const;
  // The types a category allows, in MISP's order; empty for an unknown category.
  std::span<const std::string_view> TypesOfCategory(std::string_view category) const;
  // Index of the category in Categories(), or -1.
  int CategoryIndex(std::string_view category) const;
  size_t size() const { return Types().size(); }

 private:
  AttributeTypes();
};

}  // namespace bulwark::model
