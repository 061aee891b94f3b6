// LiteralFilter: a quick, exact "no" for case-insensitive substring search over a set of literals, checked
// before the Vectorscan scan of the same literals. Every literal is at least width() bytes long (the shortest
// literal's length, at most 8); the filter is a bitmap of the hashed first width() bytes of each literal, ASCII
// lower-cased. A value that contains a literal contains that literal's first window, so when none of the
// value's windows is in the bitmap, no literal occurs in it. "Yes" may be wrong (hash collisions, a shared
// prefix): the caller scans then. A set with a literal shorter than kMinWidth bytes cannot be filtered and
// always answers yes; an empty set always answers no.
// Thread-safety: immutable after Build(); concurrent calls are safe. Costs one step per byte of the value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bulwark::warninglist {

class LiteralFilter {
 public:
  static constexpr size_t kMinWidth = 3;
  static constexpr size_t kMaxWidth = 8;

  // A filter that answers no for every value (no literals).
  LiteralFilter() = default;
  static LiteralFilter Build(const std::vector<std::string_view>& literals);

  // False when no literal can occur in `value` (ASCII case folded); true when one may.
  bool MayMatch(std::string_view value) const;

  size_t width() const { return width_; }

 private:
  size_t Slot(uint64_t window) const { return static_cast<size_t>((window * 0x9E3779B97F4A7C15ull) >> shift_); }

  std::vector<uint64_t> bits_;
  uint32_t shift_ = 63;
  size_t width_ = 0;
  bool empty_ = true;
  bool always_ = false;
};

}  // namespace bulwark::warninglist
