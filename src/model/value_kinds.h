// Internal to model/value.cc: the validator of each ValueKind. Each takes a value that is already valid
// UTF-8, trimmed, non-empty and within its size limit, and returns its normal form or a kInvalid error whose
// message says what is wrong (without naming the attribute type; the caller adds that).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace bulwark::model::kinds {

Error Invalid(std::string message);
// At most `max` bytes of `s` in double quotes, for messages ("..." appended when cut).
std::string Quote(std::string_view s, size_t max = 64);

std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);
bool IsHex(std::string_view s);
bool IsDigits(std::string_view s);

// Network kinds (value_network.cc).
Result<std::string> IpAddressValue(std::string_view s);
Result<std::string> IpOrCidrValue(std::string_view s);
Result<std::string> DomainValue(std::string_view s);
Result<std::string> OnionValue(std::string_view s);
Result<std::string> UrlValue(std::string_view s, bool require_scheme);
Result<std::string> UriValue(std::string_view s);
Result<std::string> EmailValue(std::string_view s);
Result<std::string> PortValue(std::string_view s);
Result<std::string> AsnValue(std::string_view s);
Result<std::string> MacValue(std::string_view s, size_t bytes);
Result<std::string> HttpMethodValue(std::string_view s);
Result<std::string> SshFingerprintValue(std::string_view s);

// Digests and fuzzy hashes (value_kinds.cc).
Result<std::string> DigestValue(std::string_view s, size_t hex_length, bool allow_colons);
Result<std::string> CdhashValue(std::string_view s);
Result<std::string> TelfhashValue(std::string_view s);
Result<std::string> TlshValue(std::string_view s);
Result<std::string> SsdeepValue(std::string_view s);
Result<std::string> ImpfuzzyValue(std::string_view s);
Result<std::string> HexValue(std::string_view s);

// Scalars and identifiers (value_kinds.cc).
Result<std::string> IntegerValue(std::string_view s);
Result<std::string> CountValue(std::string_view s);
Result<std::string> FloatValue(std::string_view s);
Result<std::string> BooleanValue(std::string_view s);
Result<std::string> DateTimeValue(std::string_view s);
Result<std::string> UuidValue(std::string_view s);
Result<std::string> CveValue(std::string_view s);
Result<std::string> CweValue(std::string_view s);
Result<std::string> WindowsServiceNameValue(std::string_view s);
Result<std::string> PhoneNumberValue(std::string_view s);
Result<std::string> CardNumberValue(std::string_view s);
Result<std::string> BankCodeValue(std::string_view s);
Result<std::string> AlphanumericValue(std::string_view s);
Result<std::string> DigitsValue(std::string_view s);
Result<std::string> JsonValue(std::string_view s);
Result<std::string> SingleLineValue(std::string_view s);

}  // namespace bulwark::model::kinds
