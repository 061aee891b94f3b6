// Tokenizer for STIX patterns (internal to the module; the parser is its only user).
// Follows the lexer rules of STIXPattern.g4: upper-case keywords, identifiers with or without hyphens,
// literals (string with \' and \\ escapes, int, float, b'base64', h'hex', t'timestamp', true/false),
// whitespace including the Unicode spaces, /* */ and // comments. Errors carry the 1-based column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "stix/pattern/ast.h"

namespace bulwark::stix::pattern {

enum class TokenKind : uint8_t {
  kEnd, kLBracket, kRBracket, kLParen, kRParen, kColon, kDot, kComma, kAsterisk,
  kEq, kNeq, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNot, kFollowedBy, kLike, kMatches, kIsSuperset, kIsSubset, kExists, kLast, kIn,
  kStart, kStop, kSeconds, kWithin, kRepeats, kTimes,
  kIdentifier,  // text in `text`; has_hyphen tells IdentifierWithHyphen from IdentifierWithoutHyphen
  kLiteral,     // value in `literal` (strings, numbers, bools, binary, hex, timestamps)
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;   // byte offset in the input
  size_t column = 1;   // 1-based, counted in code points
  std::string text;    // kIdentifier: the name; otherwise the source text of the token
  bool has_hyphen = false;
  bool negative = false;  // kLiteral numbers: written with a leading '-'
  Literal literal;
};

// Splits `text` into tokens, ending with one kEnd. Errors: kInvalid "... at column N".
Result<std::vector<Token>> Tokenize(std::string_view text);

// A human-readable name of a token kind for error messages ("']'", "'AND'", "identifier", ...).
std::string TokenKindName(TokenKind kind);

// True when `name` would lex as one IdentifierWithoutHyphen that is not a keyword (so it needs no quotes).
bool IsPlainPropertyName(std::string_view name);

}  // namespace bulwark::stix::pattern
