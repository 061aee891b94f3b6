// The one-pass scanner that finds every IPv4/IPv6 address, domain or host name, URL, e-mail address and
// md5/sha1/sha256/sha512 hash in a line of free text. It walks the bytes once with a character-class table,
// allocates nothing, and reports each token to a visitor as a view into the line:
//   visitor.OnIpv4(uint32_t address_host_order, std::string_view text, size_t offset)
//   visitor.OnIp(const IpAddress&, std::string_view text, size_t offset)          // IPv6
//   visitor.OnDomain(std::string_view name, size_t offset)         // no trailing dot; at least one dot
//   visitor.OnUrl(std::string_view url, size_t offset)             // "scheme://..." up to a space or quote
//   visitor.OnEmail(std::string_view address, size_t offset)
//   visitor.OnHash(std::string_view hex, size_t offset)
// The host of a URL and the domain of an e-mail address are reported too (OnDomain/OnIp). A domain needs a
// last label of 2-63 characters with a letter; "1.2.3.4" is an IP, never a domain. Tokens longer than
// kMaxTokenBytes are skipped. Pure, thread-safe; work is linear in the line length.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/ip.h"

namespace bulwark::match {

inline constexpr size_t kMaxTokenBytes = 4096;

namespace scan_detail {

enum : uint8_t {
  kDigit = 1,
  kHexLetter = 2,
  kAlpha = 4,        // letters (hex letters included)
  kDom = 8,          // letters, digits, '-', '_', '.'
  kUrl = 16,         // may appear inside a URL
  kEmailLocal = 32,  // may appear in the local part of an address
  kDot = 64,
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    uint8_t v = 0;
    bool digit = c >= '0' && c <= '9';
    bool lower = c >= 'a' && c <= 'z';
    bool upper = c >= 'A' && c <= 'Z';
    if (digit) v |= kDigit;
    if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= kHexLetter;
    if (lower || upper) v |= kAlpha;
    if (digit || lower || upper || c == '-' || c == '_' || c == '.') v |= kDom;
    if (c == '.') v |= kDot;
    if (c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' && c != '{' &&
        c != '}' && c != '|' && c != '\\' && c != '^') {
      v |= kUrl;
    }
    if (digit || lower || upper || c == '.' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' ||
        c == '*' || c == '+' || c == '/' || c == '=' || c == '?' || c == '^' || c == '_' || c == '`' ||
        c == '{' || c == '|' || c == '}' || c == '~' || c == '-') {
      v |= kEmailLocal;
    }
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}

inline constexpr std::array<uint8_t, 256> kClass = MakeClasses();

inline uint8_t Class(char c) { return kClass[static_cast<uint8_t>(c)]; }

// What a run of domain characters (letters, digits, '-', '_', '.') holds.
struct Run {
  size_t end = 0;  // one past its last byte
  bool has_dot = false;
  bool has_alpha = false;
  bool all_alpha = true;  // letters only
};

// The run of domain characters that starts at b[start] (a domain character). Sixteen bytes at a time with SSE2
// (baseline on x86-64) while sixteen bytes remain, then byte by byte: the end of a run is where a byte loop
// mispredicts, once per token. kWide = false: byte by byte throughout (the tests' oracle for the wide loop).
template <bool kWide = true>
inline Run DomainRun(const char* b, size_t start, size_t n) {
  Run r;
  size_t i = start;
#if defined(__SSE2__)
  if constexpr (kWide) {
    const __m128i below_digits = _mm_set1_epi8('0' - 1), above_digits = _mm_set1_epi8('9' + 1);
    const __m128i case_bit = _mm_set1_epi8(0x20);
    const __m128i below_letters = _mm_set1_epi8('a' - 1), above_letters = _mm_set1_epi8('z' + 1);
    const __m128i dash = _mm_set1_epi8('-'), underscore = _mm_set1_epi8('_'), dot = _mm_set1_epi8('.');
    while (i + 16 <= n) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
      // Signed compares: bytes >= 0x80 are negative, so never digits or letters.
      const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, below_digits), _mm_cmplt_epi8(x, above_digits));
      const __m128i folded = _mm_or_si128(x, case_bit);
      const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(folded, below_letters), _mm_cmplt_epi8(folded, above_letters));
      const __m128i dots = _mm_cmpeq_epi8(x, dot);
      const __m128i punct = _mm_or_si128(_mm_cmpeq_epi8(x, dash), _mm_cmpeq_epi8(x, underscore));
      const __m128i dom = _mm_or_si128(_mm_or_si128(digit, alpha), _mm_or_si128(dots, punct));
      const auto stop = static_cast<uint32_t>(~_mm_movemask_epi8(dom) & 0xFFFF);
      const uint32_t take = stop != 0 ? (1u << __builtin_ctz(stop)) - 1 : 0xFFFFu;
      const auto alpha_bits = static_cast<uint32_t>(_mm_movemask_epi8(alpha)) & take;
      r.has_dot |= (static_cast<uint32_t>(_mm_movemask_epi8(dots)) & take) != 0;
      r.has_alpha |= alpha_bits != 0;
      r.all_alpha &= alpha_bits == take;
      if (stop != 0) {
        r.end = i + static_cast<size_t>(__builtin_ctz(stop));
        return r;
      }
      i += 16;
    }
  }
#endif
  for (; i < n; ++i) {
    const uint8_t c = Class(b[i]);
    if ((c & kDom) == 0) break;
    r.has_dot |= (c & kDot) != 0;
    r.has_alpha |= (c & kAlpha) != 0;
    r.all_alpha &= (c & kAlpha) != 0;
  }
  r.end = i;
  return r;
}

// Dotted quad with 1-3 digit parts 0-255 and no leading zeros; false otherwise.
bool ParseIpv4(std::string_view s, uint32_t* out);
#if defined(__SSE2__)
// The same as ParseIpv4 for the `n` bytes at `p`, when 16 bytes from `p` may be read (the scanner knows how much of
// the line is left): the bytes are classified in one SSE2 compare instead of a digit loop that mispredicts at the
// end of every octet.
bool ParseIpv4Wide(const char* p, size_t n, uint32_t* out);
#endif
// RFC 4291 text (no zone, no brackets); false otherwise. Cheap rejection of times and MAC addresses first.
bool ParseIpv6(std::string_view s, IpAddress* out);

// True when `s` (no trailing dot) looks like a domain name: 2+ labels of 1-63 bytes, last label 2-63 bytes
// with a letter and no '_'.
inline bool LooksLikeDomain(std::string_view s) {
  if (s.size() < 4 || s.size() > 253) return false;
  size_t last_dot = s.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return false;
  size_t tld = s.size() - last_dot - 1;
  if (tld < 2 || tld > 63) return false;
  bool letter = false;
  for (size_t i = last_dot + 1; i < s.size(); ++i) {
    uint8_t c = Class(s[i]);
    if (s[i] == '_') return false;
    letter |= (c & kAlpha) != 0;
  }
  if (!letter) return false;
  size_t label = 0;
  for (char ch : s) {
    if (ch == '.') {
      if (label == 0 || label > 63) return false;
      label = 0;
    } else {
      ++label;
    }
  }
  return true;
}

// ScanText with its wide (SSE2) paths on or off: kWide = false is the byte-at-a-time scanner they replaced, the
// tests' oracle (same tokens, same offsets).
template <bool kWide, typename Visitor>
void ScanTextRuns(std::string_view line, Visitor& visitor) {
  const char* b = line.data();
  const size_t n = line.size();
  size_t i = 0;
  while (i < n) {
    // Skip to the next run of domain characters; a "::" may start an IPv6 address.
    while (i < n && (Class(b[i]) & kDom) == 0) {
      if (b[i] == ':' && i + 1 < n && b[i + 1] == ':') {
        size_t j = i;
        while (j < n && ((Class(b[j]) & (kDigit | kHexLetter | kDot)) != 0 || b[j] == ':')) ++j;
        IpAddress a;
        if (ParseIpv6(std::string_view(b + i, j - i), &a)) visitor.OnIp(a, std::string_view(b + i, j - i), i);
        i = j;
        continue;
      }
      ++i;
    }
    if (i >= n) break;
    const size_t start = i;
    const Run r = DomainRun<kWide>(b, start, n);
    i = r.end;
    const size_t run_end = i;
    std::string_view run(b + start, run_end - start);
    if (run.size() > kMaxTokenBytes) continue;
    char next = i < n ? b[i] : '\0';
    if (next == ':') {
      // scheme://
      if (i + 2 < n && b[i + 1] == '/' && b[i + 2] == '/' && r.all_alpha && run.size() <= 10) {
        size_t j = i + 3;
        while (j < n && (Class(b[j]) & kUrl) != 0) ++j;
        std::string_view url(b + start, j - start);
        if (j > i + 3 && url.size() <= kMaxTokenBytes) {
          visitor.OnUrl(url, start);
          // The host: after userinfo, before port/path.
          size_t h = i + 3;
          size_t auth_end = h;
          while (auth_end < j && b[auth_end] != '/' && b[auth_end] != '?' && b[auth_end] != '#') ++auth_end;
          for (size_t k = h; k < auth_end; ++k) {
            if (b[k] == '@') h = k + 1;
          }
          if (h < auth_end && b[h] == '[') {
            size_t close = h;
            while (close < auth_end && b[close] != ']') ++close;
            IpAddress a;
            std::string_view text(b + h + 1, close - h - 1);
            if (close < auth_end && ParseIpv6(text, &a)) visitor.OnIp(a, text, h + 1);
          } else {
            size_t e = h;
            while (e < auth_end && (Class(b[e]) & kDom) != 0) ++e;
            std::string_view host(b + h, e - h);
            while (!host.empty() && host.back() == '.') host.remove_suffix(1);
            uint32_t v4;
            if (ParseIpv4(host, &v4)) {
              visitor.OnIpv4(v4, host, h);
            } else if (LooksLikeDomain(host)) {
              visitor.OnDomain(host, h);
            }
          }
        }
        i = j;
        continue;
      }
      // IPv6: a run of hex digits followed by ':'.
      if (!r.has_dot && run.size() <= 4) {
        bool hex_only = true;
        for (char c : run) hex_only &= (Class(c) & (kDigit | kHexLetter)) != 0;
        if (hex_only) {
          size_t j = start;
          while (j < n && ((Class(b[j]) & (kDigit | kHexLetter | kDot)) != 0 || b[j] == ':')) ++j;
          IpAddress a;
          if (ParseIpv6(std::string_view(b + start, j - start), &a)) {
            visitor.OnIp(a, std::string_view(b + start, j - start), start);
            i = j;
            continue;
          }
        }
      }
    } else if (next == '@' && run.size() > 0) {
      size_t local = start;
      while (local > 0 && (Class(b[local - 1]) & kEmailLocal) != 0) --local;
      size_t j = i + 1;
      while (j < n && (Class(b[j]) & kDom) != 0) ++j;
      std::string_view domain(b + i + 1, j - i - 1);
      while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
      if (LooksLikeDomain(domain)) {
        visitor.OnEmail(std::string_view(b + local, i + 1 + domain.size() - local), local);
        visitor.OnDomain(domain, i + 1);
        i = j;
        continue;
      }
    }
    if (!r.has_dot) {
      // No dot: a hash or nothing.
      {
        size_t len = run.size();
        if (len == 32 || len == 40 || len == 64 || len == 128) {
          bool hex = true;
          for (char c : run) hex &= (Class(c) & (kDigit | kHexLetter)) != 0;
          if (hex) visitor.OnHash(run, start);
        }
      }
      continue;
    }
    // Trim dots and dashes at the ends ("evil.com." at the end of a sentence, "-x.com").
    size_t s = 0, e = run.size();
    while (s < e && (run[s] == '.' || run[s] == '-')) ++s;
    while (e > s && run[e - 1] == '.') --e;
    std::string_view tok = run.substr(s, e - s);
    if (!r.has_alpha) {
      uint32_t v4;
#if defined(__SSE2__)
      const bool ip = kWide && start + s + 16 <= n ? ParseIpv4Wide(tok.data(), tok.size(), &v4) : ParseIpv4(tok, &v4);
#else
      const bool ip = ParseIpv4(tok, &v4);
#endif
      if (ip) visitor.OnIpv4(v4, tok, start + s);
      continue;
    }
    if (LooksLikeDomain(tok)) visitor.OnDomain(tok, start + s);
  }
}

}  // namespace scan_detail

// Scans `line`; offsets passed to the visitor are relative to the start of `line`.
template <typename Visitor>
void ScanText(std::string_view line, Visitor& visitor) {
  scan_detail::ScanTextRuns<true>(line, visitor);
}

}  // namespace bulwark::match
