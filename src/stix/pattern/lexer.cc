#include "stix/pattern/lexer.h"

#include <array>
#include <charconv>
#include <utility>

#include "stix/pattern/timestamp.h"

namespace bulwark::stix::pattern {
namespace {

struct Keyword {
  std::string_view text;
  TokenKind kind;
};

constexpr std::array<Keyword, 19> kKeywords = {{
    {"AND", TokenKind::kAnd},           {"OR", TokenKind::kOr},         {"NOT", TokenKind::kNot},
    {"FOLLOWEDBY", TokenKind::kFollowedBy}, {"LIKE", TokenKind::kLike}, {"MATCHES", TokenKind::kMatches},
    {"ISSUPERSET", TokenKind::kIsSuperset}, {"ISSUBSET", TokenKind::kIsSubset}, {"EXISTS", TokenKind::kExists},
    {"LAST", TokenKind::kLast},         {"IN", TokenKind::kIn},         {"START", TokenKind::kStart},
    {"STOP", TokenKind::kStop},         {"SECONDS", TokenKind::kSeconds}, {"WITHIN", TokenKind::kWithin},
    {"REPEATS", TokenKind::kRepeats},   {"TIMES", TokenKind::kTimes},   {"true", TokenKind::kLiteral},
    {"false", TokenKind::kLiteral},
}};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Length in bytes of a valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogates
  if (n == 4 && c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
  if (n == 4 && c == 0xF4 && b(i + 1) >= 0x90) return 0;  // > U+10FFFF
  return n;
}

// Byte length of Unicode whitespace (per the grammar's WS rule) at s[i], or 0.
size_t WhitespaceLength(std::string_view s, size_t i) {
  char c = s[i];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<uint8_t>(s[i + k]) : 0; };
  if (at(0) == 0xC2 && (at(1) == 0x85 || at(1) == 0xA0)) return 2;
  if (at(0) == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;
  if (at(0) == 0xE2 && at(1) == 0x80 && ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 ||
                                         at(2) == 0xAF)) {
    return 3;
  }
  if (at(0) == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;
  if (at(0) == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;
  return 0;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    for (size_t i = 0; i < s_.size();) {
      if (Utf8Length(s_, i) == 0) return Fail(i, "invalid UTF-8");
      i += Utf8Length(s_, i);
    }
    while (true) {
      BW_RETURN_IF_ERROR(SkipSpaceAndComments());
      Token t;
      t.offset = pos_;
      t.column = Column(pos_);
      if (pos_ >= s_.size()) {
        tokens.push_back(std::move(t));
        return tokens;
      }
      BW_RETURN_IF_ERROR(Next(t));
      t.text = std::string(s_.substr(t.offset, pos_ - t.offset));
      if (t.kind == TokenKind::kIdentifier) t.text = std::string(s_.substr(t.offset, pos_ - t.offset));
      tokens.push_back(std::move(t));
    }
  }

 private:
  size_t Column(size_t offset) {
    // Incremental: columns are requested in increasing offsets.
    for (; col_offset_ < offset && col_offset_ < s_.size(); ++col_offset_) {
      if ((static_cast<uint8_t>(s_[col_offset_]) & 0xC0) != 0x80) ++col_;
    }
    return col_;
  }

  Error Fail(size_t offset, const std::string& what) {
    // Column() only moves forward; compute directly for error offsets.
    size_t col = 1;
    for (size_t k = 0; k < offset && k < s_.size(); ++k) {
      if ((static_cast<uint8_t>(s_[k]) & 0xC0) != 0x80) ++col;
    }
    return MakeError(ErrorCode::kInvalid, what + " at column " + std::to_string(col));
  }

  Status SkipSpaceAndComments() {
    while (pos_ < s_.size()) {
      if (size_t n = WhitespaceLength(s_, pos_); n > 0) {
        pos_ += n;
      } else if (s_.substr(pos_, 2) == "/*") {
        size_t end = s_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) return Fail(pos_, "unterminated comment");
        pos_ = end + 2;
      } else if (s_.substr(pos_, 2) == "//") {
        while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') ++pos_;
      } else {
        break;
      }
    }
    return Ok();
  }

  char Peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }

  Status Next(Token& t) {
    char c = Peek();
    auto single = [&](TokenKind k) {
      t.kind = k;
      ++pos_;
      return Ok();
    };
    auto two = [&](TokenKind k) {
      t.kind = k;
      pos_ += 2;
      return Ok();
    };
    switch (c) {
      case '[': return single(TokenKind::kLBracket);
      case ']': return single(TokenKind::kRBracket);
      case '(': return single(TokenKind::kLParen);
      case ')': return single(TokenKind::kRParen);
      case ':': return single(TokenKind::kColon);
      case ',': return single(TokenKind::kComma);
      case '*': return single(TokenKind::kAsterisk);
      case '=': return Peek(1) == '=' ? two(TokenKind::kEq) : single(TokenKind::kEq);
      case '!':
        if (Peek(1) == '=') return two(TokenKind::kNeq);
        return Fail(pos_, "unexpected '!'");
      case '<':
        if (Peek(1) == '=') return two(TokenKind::kLe);
        if (Peek(1) == '>') return two(TokenKind::kNeq);
        return single(TokenKind::kLt);
      case '>': return Peek(1) == '=' ? two(TokenKind::kGe) : single(TokenKind::kGt);
      case '\'': return LexString(t);
      default: break;
    }
    if (c == '.' && !IsDigit(Peek(1))) return single(TokenKind::kDot);
    if (IsDigit(c) || c == '.' || c == '+' || c == '-') return LexNumber(t);
    if ((c == 't' || c == 'b' || c == 'h') && Peek(1) == '\'') return LexPrefixed(t, c);
    if (IsIdentStart(c)) return LexIdentifier(t);
    if (static_cast<uint8_t>(c) >= 0x80) return Fail(pos_, "unexpected character");
    return Fail(pos_, std::string("unexpected character '") + c + "'");
  }

  // Reads a quoted body starting at the opening quote; resolves \' and \\ escapes.
  Result<std::string> QuotedBody() {
    size_t start = pos_;
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) return Fail(start, "unterminated string literal");
      char c = s_[pos_];
      if (c == '\'') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        char n = Peek(1);
        if (n != '\'' && n != '\\') return Fail(pos_, "invalid escape in string literal (only \\' and \\\\)");
        out += n;
        pos_ += 2;
        continue;
      }
      out += c;
      ++pos_;
    }
  }

  Status LexString(Token& t) {
    BW_ASSIGN_OR_RETURN(std::string body, QuotedBody());
    t.kind = TokenKind::kLiteral;
    t.literal.kind = Literal::Kind::kString;
    t.literal.bytes = std::move(body);
    return Ok();
  }

  Status LexPrefixed(Token& t, char prefix) {
    size_t start = pos_;
    ++pos_;
    size_t body_start = pos_ + 1;
    size_t end = s_.find('\'', body_start);
    if (end == std::string_view::npos) return Fail(start, "unterminated literal");
    std::string_view body = s_.substr(body_start, end - body_start);
    pos_ = end + 1;
    t.kind = TokenKind::kLiteral;
    if (prefix == 't') {
      auto ts = ParseTimestamp(body);
      if (!ts) return Fail(start, "invalid timestamp literal (want t'YYYY-MM-DDTHH:MM:SS[.s]Z')");
      t.literal.kind = Literal::Kind::kTimestamp;
      t.literal.timestamp = *ts;
      return Ok();
    }
    if (prefix == 'h') {
      if (body.size() % 2 != 0) return Fail(start, "hex literal needs an even number of digits");
      t.literal.kind = Literal::Kind::kHex;
      for (size_t i = 0; i < body.size(); i += 2) {
        int hi = HexValue(body[i]), lo = HexValue(body[i + 1]);
        if (hi < 0 || lo < 0) return Fail(body_start + i, "invalid hex digit");
        t.literal.bytes += static_cast<char>(hi * 16 + lo);
      }
      return Ok();
    }
    return DecodeBase64(body, body_start, t);
  }

  Status DecodeBase64(std::string_view body, size_t body_start, Token& t) {
    if (body.empty() || body.size() % 4 != 0) return Fail(body_start, "invalid base64 in binary literal");
    t.literal.kind = Literal::Kind::kBinary;
    for (size_t i = 0; i < body.size(); i += 4) {
      bool last = i + 4 == body.size();
      int v[4];
      int pad = 0;
      for (int k = 0; k < 4; ++k) {
        char c = body[i + k];
        if (c == '=' && last && k >= 2 && (k == 3 || body[i + 3] == '=')) {
          v[k] = 0;
          ++pad;
          continue;
        }
        v[k] = Base64Value(c);
        if (v[k] < 0 || pad > 0) return Fail(body_start + i + k, "invalid base64 in binary literal");
      }
      uint32_t bits = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
      t.literal.bytes += static_cast<char>(bits >> 16);
      if (pad < 2) t.literal.bytes += static_cast<char>((bits >> 8) & 0xFF);
      if (pad < 1) t.literal.bytes += static_cast<char>(bits & 0xFF);
    }
    return Ok();
  }

  Status LexNumber(Token& t) {
    size_t start = pos_;
    bool negative = false;
    if (Peek() == '+' || Peek() == '-') {
      negative = Peek() == '-';
      ++pos_;
    }
    size_t int_start = pos_;
    while (IsDigit(Peek())) ++pos_;
    size_t int_end = pos_;
    t.kind = TokenKind::kLiteral;
    t.negative = negative;
    if (Peek() == '.' && IsDigit(Peek(1))) {
      ++pos_;
      while (IsDigit(Peek())) ++pos_;
      std::string_view digits = s_.substr(int_start, pos_ - int_start);
      double v = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || p != digits.data() + digits.size()) return Fail(start, "invalid float literal");
      t.literal.kind = Literal::Kind::kFloat;
      t.literal.float_value = negative ? -v : v;
      return Ok();
    }
    if (int_end == int_start) return Fail(start, std::string("unexpected '") + s_[start] + "'");
    if (s_[int_start] == '0' && int_end - int_start > 1) return Fail(start, "integer literal with a leading zero");
    std::string digits(negative ? "-" : "");
    digits += s_.substr(int_start, int_end - int_start);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || p != digits.data() + digits.size()) return Fail(start, "integer literal out of range");
    t.literal.kind = Literal::Kind::kInt;
    t.literal.int_value = v;
    return Ok();
  }

  Status LexIdentifier(Token& t) {
    size_t start = pos_;
    while (IsIdentChar(Peek()) || Peek() == '-') {
      if (Peek() == '-') t.has_hyphen = true;
      ++pos_;
    }
    std::string_view word = s_.substr(start, pos_ - start);
    t.kind = TokenKind::kIdentifier;
    if (!t.has_hyphen) {
      for (const Keyword& k : kKeywords) {
        if (k.text == word) t.kind = k.kind;
      }
      if (t.kind == TokenKind::kLiteral) {
        t.literal.kind = Literal::Kind::kBool;
        t.literal.bool_value = word == "true";
      }
    }
    return Ok();
  }

  std::string_view s_;
  size_t pos_ = 0;
  size_t col_offset_ = 0;
  size_t col_ = 1;
};

}  // namespace

Result<std::vector<Token>> Tokenize(std::string_view text) { return Lexer(text).Run(); }

bool IsPlainPropertyName(std::string_view name) {
  if (name.empty() || !IsIdentStart(name[0])) return false;
  for (char c : name) {
    if (!IsIdentChar(c)) return false;
  }
  for (const Keyword& k : kKeywords) {
    if (k.text == name) return false;
  }
  // A one-letter t/b/h would still lex as an identifier unless a quote follows; keys are followed by . [ or
  // an operator, never a quote, so they are safe.
  return true;
}

std::string TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd: return "end of input";
    case TokenKind::kLBracket: return "'['";
    case TokenKind::kRBracket: return "']'";
    case TokenKind::kLParen: return "'('";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kColon: return "':'";
    case TokenKind::kDot: return "'.'";
    case TokenKind::kComma: return "','";
    case TokenKind::kAsterisk: return "'*'";
    case TokenKind::kEq: return "'='";
    case TokenKind::kNeq: return "'!='";
    case TokenKind::kLt: return "'<'";
    case TokenKind::kLe: return "'<='";
    case TokenKind::kGt: return "'>'";
    case TokenKind::kGe: return "'>='";
    case TokenKind::kIdentifier: return "identifier";
    case TokenKind::kLiteral: return "literal";
    default: break;
  }
  for (const Keyword& k : kKeywords) {
    if (k.kind == kind) return "'" + std::string(k.text) + "'";
  }
  return "token";
}

}  // namespace bulwark::stix::pattern
