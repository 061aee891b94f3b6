#include "model/value.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "model/value_kinds.h"

namespace bulwark::model {
namespace {

using namespace kinds;  // NOLINT(google-build-using-namespace): the per-kind validators

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsTextLike(ValueKind kind) {
  switch (kind) {
    case ValueKind::kText:
    case ValueKind::kSingleLineText:
    case ValueKind::kFilename:
    case ValueKind::kJson:
    case ValueKind::kUrl:
    case ValueKind::kUri:
    case ValueKind::kLink:
      return true;
    default:
      return false;
  }
}

Result<std::string> Dispatch(ValueKind kind, std::string_view s) {
  switch (kind) {
    case ValueKind::kNone:
      return Invalid("no value expected");
    case ValueKind::kText:
      return std::string(s);
    case ValueKind::kSingleLineText:
    case ValueKind::kFilename:
      return SingleLineValue(s);
    case ValueKind::kJson:
      return JsonValue(s);
    case ValueKind::kIpAddress:
      return IpAddressValue(s);
    case ValueKind::kIpOrCidr:
      return IpOrCidrValue(s);
    case ValueKind::kDomain:
    case ValueKind::kHostname:
      return DomainValue(s);
    case ValueKind::kOnionAddress:
      return OnionValue(s);
    case ValueKind::kUrl:
      return UrlValue(s, /*require_scheme=*/false);
    case ValueKind::kLink:
      return UrlValue(s, /*require_scheme=*/true);
    case ValueKind::kUri:
      return UriValue(s);
    case ValueKind::kEmail:
      return EmailValue(s);
    case ValueKind::kPort:
      return PortValue(s);
    case ValueKind::kAsn:
      return AsnValue(s);
    case ValueKind::kMacAddress:
      return MacValue(s, 6);
    case ValueKind::kMacEui64:
      return MacValue(s, 8);
    case ValueKind::kHttpMethod:
      return HttpMethodValue(s);
    case ValueKind::kSshFingerprint:
      return SshFingerprintValue(s);
    case ValueKind::kMd5:
      return DigestValue(s, 32, false);
    case ValueKind::kSha1:
      return DigestValue(s, 40, false);
    case ValueKind::kSha224:
      return DigestValue(s, 56, false);
    case ValueKind::kSha256:
      return DigestValue(s, 64, false);
    case ValueKind::kSha384:
      return DigestValue(s, 96, false);
    case ValueKind::kSha512:
      return DigestValue(s, 128, false);
    case ValueKind::kSha512_224:
      return DigestValue(s, 56, false);
    case ValueKind::kSha512_256:
      return DigestValue(s, 64, false);
    case ValueKind::kSha3_224:
      return DigestValue(s, 56, false);
    case ValueKind::kSha3_256:
      return DigestValue(s, 64, false);
    case ValueKind::kSha3_384:
      return DigestValue(s, 96, false);
    case ValueKind::kSha3_512:
      return DigestValue(s, 128, false);
    case ValueKind::kFingerprintMd5:
      return DigestValue(s, 32, true);
    case ValueKind::kFingerprintSha1:
      return DigestValue(s, 40, true);
    case ValueKind::kFingerprintSha256:
      return DigestValue(s, 64, true);
    case ValueKind::kJarm:
      return DigestValue(s, 62, false);
    case ValueKind::kCdhash:
      return CdhashValue(s);
    case ValueKind::kTelfhash:
      return TelfhashValue(s);
    case ValueKind::kTlsh:
      return TlshValue(s);
    case ValueKind::kSsdeep:
      return SsdeepValue(s);
    case ValueKind::kImpfuzzy:
      return ImpfuzzyValue(s);
    case ValueKind::kHex:
      return HexValue(s);
    case ValueKind::kInteger:
      return IntegerValue(s);
    case ValueKind::kCount:
      return CountValue(s);
    case ValueKind::kFloat:
      return FloatValue(s);
    case ValueKind::kBoolean:
      return BooleanValue(s);
    case ValueKind::kDateTime:
      return DateTimeValue(s);
    case ValueKind::kUuid:
      return UuidValue(s);
    case ValueKind::kCve:
      return CveValue(s);
    case ValueKind::kCwe:
      return CweValue(s);
    case ValueKind::kWindowsServiceName:
      return WindowsServiceNameValue(s);
    case ValueKind::kPhoneNumber:
      return PhoneNumberValue(s);
    case ValueKind::kCardNumber:
      return CardNumberValue(s);
    case ValueKind::kBankCode:
      return BankCodeValue(s);
    case ValueKind::kAlphanumeric:
      return AlphanumericValue(s);
    case ValueKind::kDigits:
      return DigitsValue(s);
  }
  return Invalid("unsupported value kind");
}

// Checks encoding and size, trims, and dispatches; `s` is one whole value or one half.
Result<std::string> CheckAndNormalise(ValueKind kind, std::string_view s) {
  if (s.size() > MaxValueBytes(kind)) {
    return Invalid("value is " + std::to_string(s.size()) + " bytes, more than the " +
                   std::to_string(MaxValueBytes(kind)) + " allowed");
  }
  if (s.find('\0') != std::string_view::npos) return Invalid("value contains a NUL byte");
  if (!IsValidUtf8(s)) return Invalid("value is not valid UTF-8");
  s = Trim(s);
  if (s.empty()) return Invalid("value is empty");
  return Dispatch(kind, s);
}

// The two halves of a composite value.
struct Split {
  std::string_view first;
  std::string_view second;
};

// Splits at the only '|', or nullopt when the value is not in the composite format. For the *|port types
// the host:port forms MISP accepts are split too ("1.2.3.4:80", "[2001:db8::1]:80", "host:25").
std::optional<Split> SplitComposite(std::string_view type, std::string_view s) {
  size_t pipe = s.find('|');
  if (pipe != std::string_view::npos) {
    if (s.find('|', pipe + 1) != std::string_view::npos) return std::nullopt;
    return Split{s.substr(0, pipe), s.substr(pipe + 1)};
  }
  bool ip_port = type == "ip-src|port" || type == "ip-dst|port";
  bool host_port = type == "hostname|port";
  if (!ip_port && !host_port) return std::nullopt;
  // "[v6]:port"
  if (ip_port && !s.empty() && s.front() == '[') {
    size_t close = s.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    return Split{s.substr(1, close - 1), s.substr(close + 2)};
  }
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  // "a.b.c.d:port" or "host:port": exactly one ':' (an IPv6 address needs brackets or '|').
  if (s.find(':') != colon) return std::nullopt;
  return Split{s.substr(0, colon), s.substr(colon + 1)};
}

Error ForType(std::string_view type, std::string_view part, Error e) {
  std::string message = "invalid value for type '" + std::string(type) + "': ";
  if (!part.empty()) message += std::string(part) + ": ";
  message += e.message;
  return MakeError(ErrorCode::kInvalid, std::move(message), "value");
}

}  // namespace

size_t MaxValueBytes(ValueKind kind) { return IsTextLike(kind) ? kMaxTextValueBytes : kMaxStructuredValueBytes; }

Result<std::string> NormaliseKind(ValueKind kind, std::string_view raw) { return CheckAndNormalise(kind, raw); }

Result<NormalisedValue> NormaliseValue(std::string_view type, std::string_view raw) {
  const AttributeTypeInfo* info = AttributeTypes::Get().Find(type);
  if (info == nullptr) {
    return MakeError(ErrorCode::kInvalid, "unknown attribute type " + Quote(type), "type");
  }
  if (!info->composite) {
    auto v = CheckAndNormalise(info->kind, raw);
    if (!v.ok()) return ForType(type, "", std::move(v).error());
    return NormalisedValue{std::move(v).value(), {}};
  }
  size_t limit = std::max(MaxValueBytes(info->kind), MaxValueBytes(info->kind2));
  if (raw.size() > limit) {
    return ForType(type, "",
                   Invalid("value is " + std::to_string(raw.size()) + " bytes, more than the " + std::to_string(limit) +
                           " allowed"));
  }
  std::string_view s = Trim(raw);
  auto split = SplitComposite(type, s);
  if (!split) {
    return ForType(type, "", Invalid("expected two parts separated by exactly one '|'"));
  }
  auto first = CheckAndNormalise(info->kind, split->first);
  if (!first.ok()) return ForType(type, "first part", std::move(first).error());
  auto second = CheckAndNormalise(info->kind2, split->second);
  if (!second.ok()) return ForType(type, "second part", std::move(second).error());
  return NormalisedValue{std::move(first).value(), std::move(second).value()};
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte, overlong lead (c0, c1) or above f4
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = p[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    i += len;
  }
  return true;
}

}  // namespace bulwark::model
