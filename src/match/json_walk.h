// A lazy walker over one JSON object on one line (Zeek JSON logs, Suricata eve.json): it visits every string
// value with its dotted key path ("dns.rrname", "tls.ja3.hash"; arrays are transparent, so
// "dns.answers.rdata") without building a document. Strings are unescaped only when they contain a backslash
// (into a buffer the walker reuses), so the common case is a view into the line. Numbers, booleans and null are
// skipped. Nesting is bounded (kMaxJsonDepth) and paths longer than kMaxJsonPath bytes are not visited.
// Not thread-safe (one walker per thread); no allocation once its buffers have grown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace bulwark::match {

inline constexpr int kMaxJsonDepth = 32;
inline constexpr size_t kMaxJsonPath = 256;

class JsonWalker {
 public:
  // Calls visit(path, value, offset_of_value_in_line) for every string value. Returns false when the line is
  // not one well-formed JSON object (what was visited before the error stays visited).
  template <typename Visit>
  bool Walk(std::string_view line, Visit&& visit);

 private:
  struct Callback {
    void* self;
    void (*fn)(void*, std::string_view, std::string_view, size_t);
  };
  bool WalkImpl(std::string_view line, Callback cb);
  // `top_key` is the key of a top-level member (the whole path, not yet copied into path_); empty elsewhere.
  bool Value(Callback cb, int depth, std::string_view top_key);
  bool Object(Callback cb, int depth);
  bool Array(Callback cb, int depth);
  // Parses a string at pos_ (at the opening quote). *out is a view into the line or into `buffer`.
  bool String(std::string_view* out, std::string& buffer);
  bool SkipScalar();
  void SkipSpace();

  std::string_view s_;
  size_t pos_ = 0;
  std::string path_;
  std::string key_buf_;
  std::string value_buf_;
};

template <typename Visit>
bool JsonWalker::Walk(std::string_view line, Visit&& visit) {
  using V = std::remove_reference_t<Visit>;
  Callback cb{static_cast<void*>(&visit), [](void* self, std::string_view path, std::string_view value, size_t off) {
                (*static_cast<V*>(self))(path, value, off);
              }};
  return WalkImpl(line, cb);
}

}  // namespace bulwark::match
