#include "common/ip.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

namespace bulwark {
namespace {

constexpr size_t kMaxQuotedInput = 64;

std::string Quote(std::string_view text) {
  std::string out = "\"";
  if (text.size() > kMaxQuotedInput) {
    out.append(text.substr(0, kMaxQuotedInput));
    out.append("...");
  } else {
    out.append(text);
  }
  out.push_back('"');
  return out;
}

Error InvalidAddress(std::string_view text) {
  return MakeError(ErrorCode::kInvalid, "not a valid IPv4 or IPv6 address: " + Quote(text));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict dotted quad: four parts, 1-3 digits each, value <= 255, no leading zeros.
std::optional<std::array<uint8_t, 4>> ParseV4(std::string_view s) {
  std::array<uint8_t, 4> out{};
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= s.size() || s[pos] != '.') return std::nullopt;
      ++pos;
    }
    size_t start = pos;
    unsigned value = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 3) {
      value = value * 10 + static_cast<unsigned>(s[pos] - '0');
      ++pos;
    }
    size_t len = pos - start;
    if (len == 0 || value > 255) return std::nullopt;
    if (len > 1 && s[start] == '0') return std::nullopt;
    out[part] = static_cast<uint8_t>(value);
  }
  if (pos != s.size()) return std::nullopt;
  return out;
}

// RFC 4291 section 2.2 text form.
std::optional<IpAddress::Bytes> ParseV6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return std::nullopt;
  std::array<uint16_t, 8> groups{};
  int count = 0;  // groups written
  int gap = -1;   // index in groups where "::" was seen
  size_t pos = 0;
  if (s[0] == ':') {
    if (s[1] != ':') return std::nullopt;
    gap = 0;
    pos = 2;
  }
  bool have_v4_tail = false;
  while (pos < s.size()) {
    if (count >= 8) return std::nullopt;
    // Is the rest a dotted IPv4 tail? It must be the last thing and fits in two groups.
    size_t next_colon = s.find(':', pos);
    std::string_view piece = s.substr(pos, next_colon == std::string_view::npos ? s.size() - pos : next_colon - pos);
    if (next_colon == std::string_view::npos && piece.find('.') != std::string_view::npos) {
      if (count > 6) return std::nullopt;
      auto v4 = ParseV4(piece);
      if (!v4) return std::nullopt;
      groups[count++] = static_cast<uint16_t>(((*v4)[0] << 8) | (*v4)[1]);
      groups[count++] = static_cast<uint16_t>(((*v4)[2] << 8) | (*v4)[3]);
      have_v4_tail = true;
      pos = s.size();
      break;
    }
    if (piece.empty() || piece.size() > 4) return std::nullopt;
    unsigned value = 0;
    for (char c : piece) {
      int h = HexValue(c);
      if (h < 0) return std::nullopt;
      value = (value << 4) | static_cast<unsigned>(h);
    }
    groups[count++] = static_cast<uint16_t>(value);
    pos += piece.size();
    if (pos == s.size()) break;
    // pos is at a ':'.
    ++pos;
    if (pos < s.size() && s[pos] == ':') {
      if (gap >= 0) return std::nullopt;  // a second "::"
      gap = count;
      ++pos;
    } else if (pos == s.size()) {
      return std::nullopt;  // trailing single ':'
    }
  }
  (void)have_v4_tail;
  if (gap < 0 && count != 8) return std::nullopt;
  if (gap >= 0 && count > 7) return std::nullopt;  // "::" must stand for at least one group
  IpAddress::Bytes bytes{};
  std::array<uint16_t, 8> full{};
  if (gap < 0) {
    full = groups;
  } else {
    int tail = count - gap;
    for (int i = 0; i < gap; ++i) full[i] = groups[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  }
  for (int i = 0; i < 8; ++i) {
    bytes[2 * i] = static_cast<uint8_t>(full[i] >> 8);
    bytes[2 * i + 1] = static_cast<uint8_t>(full[i] & 0xff);
  }
  return bytes;
}

bool IsV4Mapped(const IpAddress::Bytes& b) {
  for (int i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

void AppendV4(std::string& out, const uint8_t* four) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out.push_back('.');
    out.append(std::to_string(four[i]));
  }
}

std::string FormatV6(const IpAddress::Bytes& b) {
  std::array<uint16_t, 8> g{};
  for (int i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
  // Longest run of zero groups of length >= 2; the first one wins a tie (RFC 5952 section 4.2.3).
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;
  std::string out;
  out.reserve(40);
  if (IsV4Mapped(b)) {
    out = "::ffff:";
    AppendV4(out, &b[12]);
    return out;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out.append("::");
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best_start + best_len) out.push_back(':');
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int nibble = (g[i] >> shift) & 0xf;
      if (nibble != 0 || started || shift == 0) {
        out.push_back(kHex[nibble]);
        started = true;
      }
    }
  }
  return out;
}

// A decimal prefix length, 1-3 digits, no sign; leading zeros are tolerated ("08").
std::optional<int> ParsePrefixLength(std::string_view s) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  int value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

Result<Cidr> ParseCidr(std::string_view text, bool mask) {
  size_t slash = text.find('/');
  std::string_view addr_text = slash == std::string_view::npos ? text : text.substr(0, slash);
  auto addr = IpAddress::Parse(addr_text);
  if (!addr.ok()) return MakeError(ErrorCode::kInvalid, "not a valid CIDR prefix: " + Quote(text));
  int length = addr->bit_width();
  if (slash != std::string_view::npos) {
    auto parsed = ParsePrefixLength(text.substr(slash + 1));
    if (!parsed || *parsed > addr->bit_width()) {
      return MakeError(ErrorCode::kInvalid, "invalid prefix length in " + Quote(text) + " (0-" +
                                                std::to_string(addr->bit_width()) + " expected)");
    }
    length = *parsed;
  }
  return mask ? Cidr::MakeMasked(*addr, length) : Cidr::Make(*addr, length);
}

size_t HashBytes(const IpAddress::Bytes& b, uint64_t seed) {
  // FNV-1a over the bytes, mixed with the seed (family, prefix).
  uint64_t h = 1469598103934665603ull ^ seed;
  for (uint8_t c : b) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h ^ (h >> 29));
}

}  // namespace

IpAddress::IpAddress() : IpAddress(V4(0)) {}

IpAddress IpAddress::V4(uint32_t value) {
  return V4Bytes({static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
                  static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)});
}

IpAddress IpAddress::V4Bytes(const std::array<uint8_t, 4>& bytes) {
  Bytes b{};
  b[10] = 0xff;
  b[11] = 0xff;
  std::copy(bytes.begin(), bytes.end(), b.begin() + 12);
  return IpAddress(b, IpFamily::kV4);
}

IpAddress IpAddress::V6(const Bytes& bytes) { return IpAddress(bytes, IpFamily::kV6); }

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    auto v4 = ParseV4(text);
    if (!v4) return InvalidAddress(text);
    return V4Bytes(*v4);
  }
  auto v6 = ParseV6(text);
  if (!v6) return InvalidAddress(text);
  return V6(*v6);
}

uint32_t IpAddress::v4_value() const {
  if (!is_v4()) return 0;
  return (uint32_t{bytes_[12]} << 24) | (uint32_t{bytes_[13]} << 16) | (uint32_t{bytes_[14]} << 8) | bytes_[15];
}

bool IpAddress::Bit(int index) const {
  if (index < 0 || index >= bit_width()) return false;
  int bit = index + (is_v4() ? 96 : 0);
  return (bytes_[bit / 8] >> (7 - bit % 8)) & 1;
}

IpAddress IpAddress::Masked(int prefix_length) const {
  int width = bit_width();
  prefix_length = std::clamp(prefix_length, 0, width);
  Bytes b = bytes_;
  int keep = prefix_length + (is_v4() ? 96 : 0);  // bits of the 16 bytes to keep
  for (int i = 0; i < 16; ++i) {
    int byte_start = i * 8;
    if (byte_start >= keep) {
      b[i] = 0;
    } else if (byte_start + 8 > keep) {
      int bits = keep - byte_start;
      b[i] = static_cast<uint8_t>(b[i] & (0xff << (8 - bits)));
    }
  }
  return IpAddress(b, family_);
}

std::string IpAddress::ToString() const {
  if (is_v4()) {
    std::string out;
    out.reserve(15);
    AppendV4(out, &bytes_[12]);
    return out;
  }
  return FormatV6(bytes_);
}

size_t IpAddress::Hash() const { return HashBytes(bytes_, static_cast<uint64_t>(family_)); }

std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) {
  if (a.family_ != b.family_) return a.family_ <=> b.family_;
  int c = std::memcmp(a.bytes_.data(), b.bytes_.data(), a.bytes_.size());
  return c <=> 0;
}

Result<Cidr> Cidr::Make(const IpAddress& network, int prefix_length) {
  if (prefix_length < 0 || prefix_length > network.bit_width()) {
    return MakeError(ErrorCode::kInvalid, "prefix length " + std::to_string(prefix_length) + " out of range (0-" +
                                              std::to_string(network.bit_width()) + ")");
  }
  if (network.Masked(prefix_length) != network) {
    return MakeError(ErrorCode::kInvalid, "host bits set in " + network.ToString() + "/" +
                                              std::to_string(prefix_length) + " (the network is " +
                                              network.Masked(prefix_length).ToString() + ")");
  }
  return Cidr(network, prefix_length);
}

Result<Cidr> Cidr::MakeMasked(const IpAddress& address, int prefix_length) {
  if (prefix_length < 0 || prefix_length > address.bit_width()) {
    return MakeError(ErrorCode::kInvalid, "prefix length " + std::to_string(prefix_length) + " out of range (0-" +
                                              std::to_string(address.bit_width()) + ")");
  }
  return Cidr(address.Masked(prefix_length), prefix_length);
}

Result<Cidr> Cidr::Parse(std::string_view text) { return ParseCidr(text, /*mask=*/false); }

Result<Cidr> Cidr::ParseMasked(std::string_view text) { return ParseCidr(text, /*mask=*/true); }

bool Cidr::Contains(const IpAddress& address) const {
  return address.family() == network_.family() && address.Masked(prefix_length_) == network_;
}

bool Cidr::Contains(const Cidr& other) const {
  return other.family() == family() && other.prefix_length_ >= prefix_length_ &&
         other.network_.Masked(prefix_length_) == network_;
}

std::string Cidr::ToString() const { return network_.ToString() + "/" + std::to_string(prefix_length_); }

size_t Cidr::Hash() const {
  return HashBytes(network_.bytes(),
                   (static_cast<uint64_t>(network_.family()) << 8) | static_cast<uint64_t>(prefix_length_));
}

std::strong_ordering operator<=>(const Cidr& a, const Cidr& b) {
  if (auto c = a.network_ <=> b.network_; c != 0) return c;
  return a.prefix_length_ <=> b.prefix_length_;
}

}  // namespace bulwark
