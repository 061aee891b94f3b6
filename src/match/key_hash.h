// Hashing of match keys, shared by the compiler (indicator_set.cc) and the hot path (scan, lookups).
//
// A key is (kind, bytes). Its hash is a polynomial over the bytes taken from the LAST byte to the first, each
// byte ASCII-lower-cased, finished with a 64-bit mixer and the kind. Right-to-left makes the hashes of every
// suffix of a domain fall out of one pass ("com", "evil.com", "a.evil.com"): the scanner finalises the running
// value at each label boundary. Pure functions, header-only so they inline into the scanner.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bulwark::match {

// What a key is compared as. The numbering is part of the hash (a domain and a filename with the same text are
// different keys).
enum class KeyKind : uint8_t {
  kDomain = 1,    // lower case, no trailing dot; matches itself and every subdomain
  kUrl = 2,       // NormalizeUrl form (no scheme)
  kEmail = 3,     // lower case
  kHash = 4,      // lower-case hex (md5, sha1, sha256, sha512)
  kFilename = 5,  // lower case
  kJa3 = 6,       // lower-case hex (JA3 / JA3S)
  kIp = 7,        // family byte, masked address bytes (4 or 16), prefix length byte
  kUserAgent = 8, // a substring (Vectorscan), never hashed
};

namespace detail {

constexpr std::array<uint8_t, 256> MakeLowerTable() {
  std::array<uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[static_cast<size_t>(i)] = static_cast<uint8_t>(i >= 'A' && i <= 'Z' ? i + 32 : i);
  return t;
}
inline constexpr std::array<uint8_t, 256> kLower = MakeLowerTable();
inline constexpr uint64_t kPolyMul = 0x9E3779B97F4A7C15ull;

}  // namespace detail

inline uint8_t AsciiLower(uint8_t c) { return detail::kLower[c]; }

// The running value after one more byte (taken right to left).
inline uint64_t HashStep(uint64_t h, uint8_t c) { return (h + detail::kLower[c] + 1) * detail::kPolyMul; }

// The final hash of a running value for a key kind.
inline uint64_t HashFinish(uint64_t h, KeyKind kind) {
  h ^= static_cast<uint64_t>(kind) * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

inline uint64_t KeyHash(KeyKind kind, std::string_view bytes) {
  uint64_t h = 0;
  for (size_t i = bytes.size(); i > 0; --i) h = HashStep(h, static_cast<uint8_t>(bytes[i - 1]));
  return HashFinish(h, kind);
}

// The hash of an IP key (exact bytes, no case folding): family, masked address, prefix length.
inline uint64_t IpKeyHash(std::string_view key_bytes) {
  uint64_t h = 0;
  for (char c : key_bytes) h = (h + static_cast<uint8_t>(c) + 1) * detail::kPolyMul;
  return HashFinish(h, KeyKind::kIp);
}

// True when `observed` equals the lower-case `key` ignoring ASCII case.
inline bool EqualsFolded(std::string_view observed, std::string_view key) {
  if (observed.size() != key.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    if (detail::kLower[static_cast<uint8_t>(observed[i])] != static_cast<uint8_t>(key[i])) return false;
  }
  return true;
}

}  // namespace bulwark::match
