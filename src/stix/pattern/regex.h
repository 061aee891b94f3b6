// MATCHES support (internal): a compiled, Perl-compatible regular expression (ICU regex engine), searched
// (not anchored) against UTF-8 text or against bytes read as Latin-1 code points. Each search is bounded by
// ICU's time limit (kRegexTimeLimit steps of ~a few million operations); hitting it counts as "no match".
// A compiled Regex is immutable and may be shared between threads; each Search() makes its own matcher.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace bulwark::stix::pattern {

class Regex {
 public:
  // Errors: kInvalid with ICU's reason, e.g. "invalid regular expression '(' (U_REGEX_MISMATCHED_PAREN)".
  static Result<Regex> Compile(std::string_view utf8_pattern);

  // True when the pattern occurs somewhere in `utf8_text`.
  bool SearchUtf8(std::string_view utf8_text) const;
  // True when the pattern occurs in `bytes`, each byte read as the code point of the same value.
  bool SearchLatin1(std::string_view bytes) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// NFC-normalises UTF-8 text (ASCII is returned as is without work).
std::string NormalizeNfc(std::string_view utf8);
// True when every code point of the UTF-8 text is below U+0100; `latin1` receives those code points as bytes.
bool Utf8ToLatin1(std::string_view utf8, std::string& latin1);

}  // namespace bulwark::stix::pattern
