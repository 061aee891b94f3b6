#include "stix/pattern/regex.h"

#include <unicode/normalizer2.h>
#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

namespace bulwark::stix::pattern {
namespace {

// ICU's time limit unit is a "time step" of about a few million matcher operations.
constexpr int32_t kRegexTimeLimit = 50;
// ICU's backtracking stack, in bytes.
constexpr int32_t kRegexStackLimit = 8 << 20;

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<uint8_t>(c) >= 0x80) return false;
  }
  return true;
}

bool Search(const icu::RegexPattern& pattern, const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> m(pattern.matcher(text, status));
  if (U_FAILURE(status) || !m) return false;
  m->setTimeLimit(kRegexTimeLimit, status);
  m->setStackLimit(kRegexStackLimit, status);
  status = U_ZERO_ERROR;
  bool found = m->find(status);
  return U_SUCCESS(status) && found;
}

}  // namespace

struct Regex::Impl {
  std::unique_ptr<icu::RegexPattern> pattern;
};

Result<Regex> Regex::Compile(std::string_view utf8_pattern) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError perr;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8_pattern.data(), static_cast<int32_t>(utf8_pattern.size())));
  std::unique_ptr<icu::RegexPattern> p(icu::RegexPattern::compile(text, 0, perr, status));
  if (U_FAILURE(status) || !p) {
    std::string shown(utf8_pattern.substr(0, 80));
    return MakeError(ErrorCode::kInvalid,
                     "invalid regular expression '" + shown + "' (" + u_errorName(status) + ")");
  }
  auto impl = std::make_shared<Impl>();
  impl->pattern = std::move(p);
  Regex r;
  r.impl_ = std::move(impl);
  return r;
}

bool Regex::SearchUtf8(std::string_view utf8_text) const {
  return Search(*impl_->pattern, icu::UnicodeString::fromUTF8(icu::StringPiece(
                                     utf8_text.data(), static_cast<int32_t>(utf8_text.size()))));
}

bool Regex::SearchLatin1(std::string_view bytes) const {
  icu::UnicodeString text;
  for (char c : bytes) text.append(static_cast<char16_t>(static_cast<uint8_t>(c)));
  return Search(*impl_->pattern, text);
}

std::string NormalizeNfc(std::string_view utf8) {
  if (IsAscii(utf8)) return std::string(utf8);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(utf8);
  icu::UnicodeString in =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString out = nfc->normalize(in, status);
  if (U_FAILURE(status)) return std::string(utf8);
  std::string result;
  out.toUTF8String(result);
  return result;
}

bool Utf8ToLatin1(std::string_view utf8, std::string& latin1) {
  latin1.clear();
  for (size_t i = 0; i < utf8.size(); ++i) {
    auto c = static_cast<uint8_t>(utf8[i]);
    if (c < 0x80) {
      latin1 += static_cast<char>(c);
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
      latin1 += static_cast<char>(((c & 0x1F) << 6) | (static_cast<uint8_t>(utf8[i + 1]) & 0x3F));
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace bulwark::stix::pattern
