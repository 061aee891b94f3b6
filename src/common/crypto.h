// Hashing and secrets, on OpenSSL.
#pragma once

#include <string>
#include <string_view>

namespace bulwark {

// Lowercase hex SHA-256 of the input.
std::string Sha256Hex(std::string_view data);
// A MISP-style API key: 40 characters from [A-Za-z0-9], drawn from the OpenSSL CSPRNG without modulo bias.
std::string NewApiKey();
// Constant-time equality, for comparing secrets and their hashes.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace bulwark
