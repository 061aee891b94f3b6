#include "warninglist/literal_filter.h"

#include <algorithm>
#include <array>
#include <bit>

namespace bulwark::warninglist {
namespace {

// Bits per literal in the bitmap (about 1.5% of the bits set), and its bounds.
constexpr size_t kBitsPerLiteral = 64;
constexpr size_t kMinBits = size_t{1} << 12;
constexpr size_t kMaxBits = size_t{1} << 22;

// ASCII lower-casing by table: no branch per byte in MayMatch's loop.
constexpr std::array<uint8_t, 256> kFold = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = static_cast<uint8_t>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  return t;
}();

uint64_t Fold(unsigned char c) { return kFold[c]; }

// The first `width` bytes of `s`, folded, as one little-endian word (byte 0 in the low bits).
uint64_t FirstWindow(std::string_view s, size_t width) {
  uint64_t w = 0;
  for (size_t i = 0; i < width; ++i) w |= Fold(static_cast<unsigned char>(s[i])) << (8 * i);
  return w;
}

}  // namespace

LiteralFilter LiteralFilter::Build(const std::vector<std::string_view>& literals) {
  LiteralFilter f;
  if (literals.empty()) return f;
  f.empty_ = false;
  size_t shortest = SIZE_MAX;
  for (std::string_view l : literals) shortest = std::min(shortest, l.size());
  if (shortest < kMinWidth) {
    f.always_ = true;
    return f;
  }
  f.width_ = std::min(shortest, kMaxWidth);
  const size_t bits = std::clamp(std::bit_ceil(literals.size() * kBitsPerLiteral), kMinBits, kMaxBits);
  f.shift_ = static_cast<uint32_t>(64 - std::countr_zero(bits));
  f.bits_.assign(bits / 64, 0);
  for (std::string_view l : literals) {
    const size_t slot = f.Slot(FirstWindow(l, f.width_));
    f.bits_[slot >> 6] |= uint64_t{1} << (slot & 63);
  }
  return f;
}

bool LiteralFilter::MayMatch(std::string_view value) const {
  if (empty_) return false;
  if (always_) return true;
  if (value.size() < width_) return false;
  // A rolling window of the last width_ folded bytes: byte i - width_ + 1 in the low bits.
  const unsigned top = static_cast<unsigned>(8 * (width_ - 1));
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  uint64_t w = 0;
  for (size_t i = 0; i + 1 < width_; ++i) w = (w >> 8) | (Fold(p[i]) << top);
  for (size_t i = width_ - 1; i < value.size(); ++i) {
    w = (w >> 8) | (Fold(p[i]) << top);
    const size_t slot = Slot(w);
    if ((bits_[slot >> 6] >> (slot & 63)) & 1) return true;
  }
  return false;
}

}  // namespace bulwark::warninglist
