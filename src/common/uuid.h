// UUIDs as canonical lowercase strings ("8-4-4-4-12"), the form MISP and STIX exchange.
#pragma once

#include <string>
#include <string_view>

namespace bulwark {

// A random (version 4) UUID from the OpenSSL CSPRNG.
std::string NewUuidV4();
// A name-based (version 5, SHA-1) UUID: deterministic for (namespace, name), as STIX SCO ids need.
std::string UuidV5(std::string_view namespace_uuid, std::string_view name);
// True for any RFC 4122 textual UUID (hex digits and dashes in 8-4-4-4-12), either case.
bool IsUuid(std::string_view s);
// Lowercases a UUID that IsUuid accepts.
std::string NormaliseUuid(std::string_view s);

}  // namespace bulwark
