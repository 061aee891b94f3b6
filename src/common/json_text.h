// Writing JSON text directly into a string, for responses too large or too hot to build as a JSON tree first
// (events of 100,000 attributes, restSearch pages, TAXII pages, matcher output, error bodies).
//
// Thread-safety: free functions over caller-owned strings.
#pragma once

#include <string>
#include <string_view>

namespace bulwark {

// Appends `s` as a quoted JSON string (RFC 8259): '"', '\\' and control characters (and DEL) escaped, valid
// UTF-8 copied as it is; a byte that does not start a valid UTF-8 sequence becomes U+FFFD, so the output is
// always a valid JSON document whatever the input.
void AppendJsonString(std::string& out, std::string_view s);

// `s` as a quoted JSON string (AppendJsonString into a new string).
std::string JsonQuoted(std::string_view s);

// The length of the valid UTF-8 sequence starting at s[i] (2 to 4), or 0 if none starts there: overlong
// forms, surrogates and code points above U+10FFFF are invalid. ASCII bytes return 0 too (callers test them first).
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Writes one JSON object member by member into `out`: `{` on construction, `}` on Close(). Keys are written as
// given (callers pass literal ASCII keys that need no escaping); string values are escaped.
//   JsonObjectWriter w(out);
//   w.String("name", name).Bool("local", local).Close();
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }

  JsonObjectWriter& String(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(out_, value);
    return *this;
  }
  // An integer written as a JSON string ("42"), as MISP writes ids, timestamps and enumerations.
  JsonObjectWriter& IntString(std::string_view key, int64_t value);
  JsonObjectWriter& Bool(std::string_view key, bool value) {
    Key(key);
    out_.append(value ? "true" : "false");
    return *this;
  }
  JsonObjectWriter& Null(std::string_view key) {
    Key(key);
    out_.append("null");
    return *this;
  }
  // `json` must be one complete JSON value.
  JsonObjectWriter& Raw(std::string_view key, std::string_view json) {
    Key(key);
    out_.append(json);
    return *this;
  }
  // Writes the key; the caller appends the value to the returned string.
  std::string& Member(std::string_view key) {
    Key(key);
    return out_;
  }
  void Close() { out_.push_back('}'); }

 private:
  void Key(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(key);
    out_.append("\":");
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace bulwark
