// Hashing of match keys, shared by the compiler (indicator_set.cc) and the hot path (scan, lookups).
//
// A key is (kind, bytes). A domain key's hash is a polynomial over the bytes taken from the LAST byte to the
// first, each byte ASCII-lower-cased, finished with a 64-bit mixer and the kind. Right-to-left makes the hashes of
// every suffix of a domain fall out of one pass ("com", "evil.com", "a.evil.com"): the scanner finalises the
// running value at each label boundary. Every other kind needs no suffixes, so its hash takes eight bytes per
// step (ASCII case folded word-wide; IP keys unfolded), which is several times cheaper on a 60-byte URL.
// Hashes live only in memory (never stored), so both sides of a lookup always use these same functions. Pure
// functions, header-only so they inline into the scanner.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

// Eight bytes with every ASCII upper-case letter turned lower case (other bytes, >= 0x80 too, unchanged).
inline uint64_t FoldWord(uint64_t x) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t low7 = x & 0x7F7F7F7F7F7F7F7Full;
  const uint64_t at_least_a = low7 + 0x3F3F3F3F3F3F3F3Full;  // high bit set when the byte >= 'A'
  const uint64_t above_z = low7 + 0x2525252525252525ull;     // high bit set when the byte > 'Z'
  const uint64_t upper = at_least_a & ~above_z & ~x & kHigh;
  return x | (upper >> 2);  // 0x80 >> 2 == 0x20, the case bit
}

enum class CaseFold : uint8_t { kFold, kExact };

// The word-at-a-time hash of a non-domain key.
inline uint64_t WordHash(std::string_view bytes, CaseFold fold, KeyKind kind) {
  const char* p = bytes.data();
  const size_t n = bytes.size();
  uint64_t h = (n + 1) * detail::kPolyMul;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (fold == CaseFold::kFold) w = FoldWord(w);
    h = (h ^ w) * detail::kPolyMul;
    h ^= h >> 31;
  }
  if (i < n) {
    uint64_t w = 0;
    for (size_t k = 0; i + k < n; ++k) w |= static_cast<uint64_t>(static_cast<uint8_t>(p[i + k])) << (8 * k);
    if (fold == CaseFold::kFold) w = FoldWord(w);
    h = (h ^ w) * detail::kPolyMul;
  }
  return HashFinish(h, kind);
}

// The hash of a key of `kind` (any case): what the compiler stores and every lookup computes.
inline uint64_t KeyHash(KeyKind kind, std::string_view bytes) {
  if (kind != KeyKind::kDomain) return WordHash(bytes, CaseFold::kFold, kind);
  uint64_t h = 0;
  for (size_t i = bytes.size(); i > 0; --i) h = HashStep(h, static_cast<uint8_t>(bytes[i - 1]));
  return HashFinish(h, kind);
}

// The hash of an IP key (exact bytes, no case folding): family, masked address, prefix length.
inline uint64_t IpKeyHash(std::string_view key_bytes) { return WordHash(key_bytes, CaseFold::kExact, KeyKind::kIp); }

// True when `observed` equals the lower-case `key` ignoring ASCII case.
inline bool EqualsFolded(std::string_view observed, std::string_view key) {
  if (observed.size() != key.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    if (detail::kLower[static_cast<uint8_t>(observed[i])] != static_cast<uint8_t>(key[i])) return false;
  }
  return true;
}

}  // namespace bulwark::match
