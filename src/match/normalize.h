// Normal forms of the values the matcher compares, used both when compiling indicators and when looking up
// what a log shows. Pure functions, thread-safe; they write into a caller-owned string (reused on the hot path,
// so no allocation once it has grown) and return false when the text is not a value of that kind.
#pragma once

#include <string>
#include <string_view>

namespace bulwark::match {

inline constexpr size_t kMaxKeyBytes = 4096;  // longer values are not compiled and not looked up

// Domain or hostname: ASCII lower case, one trailing dot removed, a leading "*." removed. Rejects empty labels,
// characters other than letters, digits, '-', '_' and '.', and names over 253 bytes.
bool NormalizeDomain(std::string_view text, std::string& out);

// URL without its scheme: "host[:port]/path[?query][#fragment]" where the host is lower case without a trailing
// dot, the port is dropped when it is the scheme's default (http 80, https 443, ftp 21; only when a scheme is
// given), userinfo is dropped, an empty path becomes "/", percent-encoded unreserved characters (ALPHA DIGIT
// - . _ ~) are decoded and other percent-escapes get upper-case hex. A value without "://" is read as
// "host/path". The scheme is left out so http and https forms of one location are one key. The host part
// (host without port) is returned in *host_out when host_out is not null (a view into `text`).
bool NormalizeUrl(std::string_view text, std::string& out, std::string_view* host_out = nullptr);

// md5/sha1/sha256/sha512 (32, 40, 64, 128 hex digits): lower case. JA3 uses the 32-digit form.
bool NormalizeHash(std::string_view text, std::string& out);

// local@domain, lower case (the whole address; mailbox names are case-insensitive in practice).
bool NormalizeEmail(std::string_view text, std::string& out);

// ASCII lower case, at most kMaxKeyBytes.
bool NormalizeFolded(std::string_view text, std::string& out);

}  // namespace bulwark::match
