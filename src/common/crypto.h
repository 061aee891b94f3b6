// Hashing and secrets, on OpenSSL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bulwark {

// Lowercase hex SHA-256 of the input.
std::string Sha256Hex(std::string_view data);
// Lowercase hex MD5, for MISP's malware-sample values (not for security).
std::string Md5Hex(std::string_view data);
// Decodes standard base64 (whitespace and line breaks ignored); nullopt when the text is not base64.
std::optional<std::string> Base64Decode(std::string_view text);
// Standard base64 with padding, no line breaks (MISP's attribute `data`).
std::string Base64Encode(std::string_view bytes);
// A MISP-style API key: 40 characters from [A-Za-z0-9], drawn from the OpenSSL CSPRNG without modulo bias.
std::string NewApiKey();
// Constant-time equality, for comparing secrets and their hashes.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace bulwark
