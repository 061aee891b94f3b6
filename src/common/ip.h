// IP addresses and CIDR prefixes: one value type for IPv4 and IPv6, never two parallel code paths.
//
// IpAddress holds 16 bytes plus a family. An IPv4 address is stored as its IPv4-mapped IPv6 form
// (::ffff:a.b.c.d) with family kV4, so every algorithm works on the same 16 bytes; an IPv6 address that
// happens to be IPv4-mapped keeps family kV6 and stays distinct from the IPv4 address (it prints as
// "::ffff:a.b.c.d"). Ordering: all IPv4 addresses sort before all IPv6 addresses, then by bytes.
//
// Text forms (Parse):
//   - IPv4: exactly four decimal parts 0-255, 1-3 digits each, no leading zeros ("01.2.3.4" is rejected, as
//     glibc inet_pton rejects it; it is ambiguous with the octal reading of inet_aton).
//   - IPv6: RFC 4291 section 2.2 (hex groups, one "::", an optional trailing dotted IPv4), either case.
//     Zone identifiers ("%eth0"), brackets, prefixes and surrounding whitespace are rejected.
// ToString() is canonical: dotted quad for IPv4, RFC 5952 for IPv6 (lowercase, no leading zeros, the
// longest run of two or more zero groups compressed, the first on a tie; IPv4-mapped as ::ffff:a.b.c.d).
//
// Cidr is a network prefix: an address whose host bits are all zero plus a prefix length (0-32 for IPv4,
// 0-128 for IPv6). Cidr::Parse rejects host bits ("10.0.0.1/8" is an error: it is usually a typo);
// Cidr::ParseMasked accepts them and clears them. Both accept a bare address as a /32 or /128.
//
// All types are plain values: immutable operations, thread-compatible, no allocation except ToString().
// Errors are ErrorCode::kInvalid with a message that quotes the offending text (truncated).
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace bulwark {

enum class IpFamily : uint8_t { kV4 = 4, kV6 = 6 };

class IpAddress {
 public:
  using Bytes = std::array<uint8_t, 16>;

  // 0.0.0.0
  IpAddress();

  // An IPv4 address from its 32-bit value in host order (0x7f000001 is 127.0.0.1).
  static IpAddress V4(uint32_t value);
  // An IPv4 address from its four bytes in network order.
  static IpAddress V4Bytes(const std::array<uint8_t, 4>& bytes);
  // An IPv6 address from its 16 bytes in network order.
  static IpAddress V6(const Bytes& bytes);
  // Parses the text forms above. Errors: kInvalid.
  static Result<IpAddress> Parse(std::string_view text);

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::kV4; }
  bool is_v6() const { return family_ == IpFamily::kV6; }
  // 32 or 128.
  int bit_width() const { return is_v4() ? 32 : 128; }
  // The 16 bytes in network order (IPv4 as ::ffff:a.b.c.d).
  const Bytes& bytes() const { return bytes_; }
  // The IPv4 value in host order; 0 for an IPv6 address.
  uint32_t v4_value() const;
  // True when bit `index` (0 = most significant bit of the family's address) is set.
  bool Bit(int index) const;

  // The address with every bit after the first `prefix_length` cleared; prefix_length is clamped to
  // [0, bit_width()].
  IpAddress Masked(int prefix_length) const;

  std::string ToString() const;
  size_t Hash() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b);

 private:
  IpAddress(const Bytes& bytes, IpFamily family) : bytes_(bytes), family_(family) {}

  Bytes bytes_;
  IpFamily family_;
};

class Cidr {
 public:
  // 0.0.0.0/0
  Cidr() = default;

  // A prefix from a network address and a length. Errors: kInvalid if the length is out of range for the
  // family or host bits are set.
  static Result<Cidr> Make(const IpAddress& network, int prefix_length);
  // Like Make, but clears host bits instead of rejecting them.
  static Result<Cidr> MakeMasked(const IpAddress& address, int prefix_length);
  // "10.0.0.0/8", "2001:db8::/32", or a bare address (a host prefix). Errors: kInvalid, also for host bits.
  static Result<Cidr> Parse(std::string_view text);
  // Like Parse, but "10.1.2.3/8" is accepted as 10.0.0.0/8.
  static Result<Cidr> ParseMasked(std::string_view text);

  const IpAddress& network() const { return network_; }
  int prefix_length() const { return prefix_length_; }
  IpFamily family() const { return network_.family(); }
  // True for a /32 (IPv4) or /128 (IPv6).
  bool IsHost() const { return prefix_length_ == network_.bit_width(); }

  // True when the address is of the same family and inside the prefix.
  bool Contains(const IpAddress& address) const;
  // True when `other` is of the same family and entirely inside this prefix (a prefix contains itself).
  bool Contains(const Cidr& other) const;

  // "network/length", the network in canonical form; always with the length, also for a host prefix.
  std::string ToString() const;
  size_t Hash() const;

  friend bool operator==(const Cidr&, const Cidr&) = default;
  friend std::strong_ordering operator<=>(const Cidr& a, const Cidr& b);

 private:
  Cidr(const IpAddress& network, int prefix_length) : network_(network), prefix_length_(prefix_length) {}

  IpAddress network_;
  int prefix_length_ = 0;
};

}  // namespace bulwark

template <>
struct std::hash<bulwark::IpAddress> {
  size_t operator()(const bulwark::IpAddress& a) const noexcept { return a.Hash(); }
};

template <>
struct std::hash<bulwark::Cidr> {
  size_t operator()(const bulwark::Cidr& c) const noexcept { return c.Hash(); }
};
