#include "taxii/cursor.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <charconv>

#include "common/crypto.h"

namespace bulwark::taxii {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kVersion = "c1";
constexpr size_t kMaxCursorBytes = 512;

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string Hmac(std::string_view secret, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

Error BadCursor(std::string why) {
  return MakeError(ErrorCode::kBadRequest, "invalid 'next' value: " + std::move(why), "next");
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() % 4 == 1) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int d = DecodeChar(c);
    if (d < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, so each byte string has exactly one encoding.
  return (acc & ((1u << bits) - 1)) == 0;
}

std::string RequestFingerprint(std::string_view canonical_request) {
  return Sha256Hex(canonical_request).substr(0, 32);
}

std::string SignCursor(std::string_view secret, int64_t last_seq, std::string_view fingerprint) {
  std::string payload(kVersion);
  payload += '|';
  payload += std::to_string(last_seq);
  payload += '|';
  payload += fingerprint;
  return Base64UrlEncode(payload) + "." + Base64UrlEncode(Hmac(secret, payload));
}

Result<int64_t> VerifyCursor(std::string_view secret, std::string_view cursor, std::string_view fingerprint) {
  if (cursor.empty() || cursor.size() > kMaxCursorBytes) return BadCursor("empty or too long");
  const size_t dot = cursor.find('.');
  if (dot == std::string_view::npos) return BadCursor("not a cursor issued by this server");
  std::string payload;
  std::string mac;
  if (!Base64UrlDecode(cursor.substr(0, dot), payload) || !Base64UrlDecode(cursor.substr(dot + 1), mac)) {
    return BadCursor("not a cursor issued by this server");
  }
  if (!ConstantTimeEquals(mac, Hmac(secret, payload))) return BadCursor("signature does not verify");
  // payload: "c1|<seq>|<fingerprint>"
  const size_t bar1 = payload.find('|');
  const size_t bar2 = bar1 == std::string::npos ? std::string::npos : payload.find('|', bar1 + 1);
  if (bar2 == std::string::npos || std::string_view(payload).substr(0, bar1) != kVersion) {
    return BadCursor("unknown cursor version");
  }
  int64_t seq = 0;
  const char* first = payload.data() + bar1 + 1;
  const char* last = payload.data() + bar2;
  auto [p, ec] = std::from_chars(first, last, seq);
  if (ec != std::errc() || p != last || seq < 0) return BadCursor("malformed position");
  if (std::string_view(payload).substr(bar2 + 1) != fingerprint) {
    return BadCursor("it was issued for a different request: repeat the same filters with 'next'");
  }
  return seq;
}

}  // namespace bulwark::taxii
