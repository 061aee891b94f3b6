#include "match/json_walk.h"

#include <array>
#include <cstdint>

namespace bulwark::match {
namespace {

int Hex4(std::string_view s, size_t pos) {
  if (pos + 4 > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Byte classes for the hot loops: one table load per byte instead of a chain of comparisons.
enum : uint8_t {
  kStringStop = 1,  // '"', '\\' or a control character: ends the fast scan of a string
  kScalar = 2,      // may appear in a number, true, false or null
  kSpace = 4,       // JSON whitespace
};

constexpr std::array<uint8_t, 256> MakeJsonClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    uint8_t v = 0;
    if (c == '"' || c == '\\' || c < 0x20) v |= kStringStop;
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= 'a' && c <= 'z')) {
      v |= kScalar;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') v |= kSpace;
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}

constexpr std::array<uint8_t, 256> kJsonClass = MakeJsonClasses();

inline uint8_t JsonClass(char c) { return kJsonClass[static_cast<uint8_t>(c)]; }

}  // namespace

void JsonWalker::SkipSpace() {
  while (pos_ < s_.size() && (JsonClass(s_[pos_]) & kSpace) != 0) ++pos_;
}

bool JsonWalker::WalkImpl(std::string_view line, Callback cb) {
  s_ = line;
  pos_ = 0;
  path_.clear();
  SkipSpace();
  if (pos_ >= s_.size() || s_[pos_] != '{') return false;
  if (!Object(cb, 0)) return false;
  SkipSpace();
  return pos_ == s_.size();
}

bool JsonWalker::String(std::string_view* out, std::string& buffer) {
  ++pos_;  // opening quote
  const size_t start = pos_;
  const char* p = s_.data();
  const size_t n = s_.size();
  size_t i = pos_;
  while (i + 4 <= n && ((JsonClass(p[i]) | JsonClass(p[i + 1]) | JsonClass(p[i + 2]) | JsonClass(p[i + 3])) &
                        kStringStop) == 0) {
    i += 4;
  }
  while (i < n && (JsonClass(p[i]) & kStringStop) == 0) ++i;
  pos_ = i;
  if (pos_ >= n) return false;
  if (p[i] == '"') {
    *out = s_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  if (p[i] != '\\') return false;  // a control character
  // Slow path: unescape.
  buffer.assign(s_.substr(start, pos_ - start));
  while (pos_ < s_.size()) {
    char c = s_[pos_];
    if (c == '"') {
      ++pos_;
      *out = buffer;
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20) return false;
    if (c != '\\') {
      buffer.push_back(c);
      ++pos_;
      continue;
    }
    if (pos_ + 1 >= s_.size()) return false;
    char e = s_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '"': buffer.push_back('"'); break;
      case '\\': buffer.push_back('\\'); break;
      case '/': buffer.push_back('/'); break;
      case 'b': buffer.push_back('\b'); break;
      case 'f': buffer.push_back('\f'); break;
      case 'n': buffer.push_back('\n'); break;
      case 'r': buffer.push_back('\r'); break;
      case 't': buffer.push_back('\t'); break;
      case 'u': {
        int cp = Hex4(s_, pos_);
        if (cp < 0) return false;
        pos_ += 4;
        uint32_t code = static_cast<uint32_t>(cp);
        if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 6 <= s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
          int lo = Hex4(s_, pos_ + 2);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            code = 0x10000 + ((static_cast<uint32_t>(cp) - 0xD800) << 10) + (static_cast<uint32_t>(lo) - 0xDC00);
            pos_ += 6;
          } else {
            code = 0xFFFD;
          }
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
          code = 0xFFFD;
        }
        AppendUtf8(buffer, code);
        break;
      }
      default: return false;
    }
  }
  return false;
}

bool JsonWalker::SkipScalar() {
  const size_t start = pos_;
  while (pos_ < s_.size() && (JsonClass(s_[pos_]) & kScalar) != 0) ++pos_;
  if (pos_ < s_.size()) {
    char c = s_[pos_];
    if (c != ',' && c != '}' && c != ']' && (JsonClass(c) & kSpace) == 0) return false;
  }
  return pos_ > start;
}

bool JsonWalker::Value(Callback cb, int depth, std::string_view top_key) {
  SkipSpace();
  if (pos_ >= s_.size()) return false;
  char c = s_[pos_];
  if (c == '{' || c == '[') {
    if (!top_key.empty()) path_.assign(top_key);
    return c == '{' ? Object(cb, depth + 1) : Array(cb, depth + 1);
  }
  if (c == '"') {
    const size_t off = pos_ + 1;
    std::string_view v;
    if (!String(&v, value_buf_)) return false;
    std::string_view path = top_key.empty() ? std::string_view(path_) : top_key;
    if (path.size() <= kMaxJsonPath) cb.fn(cb.self, path, v, off);
    return true;
  }
  return SkipScalar();
}

bool JsonWalker::Object(Callback cb, int depth) {
  if (depth > kMaxJsonDepth) return false;
  ++pos_;  // '{'
  const size_t path_len = path_.size();
  SkipSpace();
  if (pos_ < s_.size() && s_[pos_] == '}') {
    ++pos_;
    return true;
  }
  while (true) {
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    std::string_view key;
    if (!String(&key, key_buf_)) return false;
    // A top-level key is the whole path: no copy unless the value nests.
    std::string_view top_key;
    if (path_len > 0) {
      path_.push_back('.');
      path_.append(key);
    } else {
      top_key = key;
    }
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != ':') return false;
    ++pos_;
    if (!Value(cb, depth, top_key)) return false;
    path_.resize(path_len);
    SkipSpace();
    if (pos_ >= s_.size()) return false;
    if (s_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    return false;
  }
}

bool JsonWalker::Array(Callback cb, int depth) {
  if (depth > kMaxJsonDepth) return false;
  ++pos_;  // '['
  SkipSpace();
  if (pos_ < s_.size() && s_[pos_] == ']') {
    ++pos_;
    return true;
  }
  while (true) {
    if (!Value(cb, depth, {})) return false;
    SkipSpace();
    if (pos_ >= s_.size()) return false;
    if (s_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    return false;
  }
}

}  // namespace bulwark::match
