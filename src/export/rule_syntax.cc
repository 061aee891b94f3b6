#include "export/rule_syntax.h"

#include <array>
#include <string>

namespace bulwark::exporter {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

constexpr std::array<std::string_view, 11> kActions = {
    "alert", "drop", "pass", "reject", "log", "sdrop", "rejectsrc", "rejectdst", "rejectboth", "activate", "dynamic"};

// `"..."` whose inside has no unescaped quote; returns the inside.
Result<std::string_view> QuotedBody(std::string_view value, std::string_view key) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    return Invalid(std::string(key) + " must be a quoted string");
  }
  std::string_view body = value.substr(1, value.size() - 2);
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\') {
      if (++i >= body.size()) return Invalid(std::string(key) + " ends with a lone backslash");
    } else if (body[i] == '"' || body[i] == ';') {
      return Invalid(std::string(key) + " has an unescaped '" + body[i] + "'");
    }
  }
  return body;
}

Status CheckContentBody(std::string_view body) {
  bool in_hex = false;
  int digits = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '|') {
      if (in_hex && digits % 2 != 0) return Invalid("content hex group has an odd number of digits");
      in_hex = !in_hex;
      digits = 0;
    } else if (in_hex) {
      if (IsHexDigit(c)) {
        ++digits;
      } else if (c != ' ') {
        return Invalid("content hex group holds a non-hex character");
      }
    } else if (c == '\\') {
      const char n = i + 1 < body.size() ? body[i + 1] : '\0';
      if (n != '"' && n != ';' && n != '\\' && n != '|' && n != ':') return Invalid("content has a bad escape");
      ++i;
    }
  }
  if (in_hex) return Invalid("content has an unclosed hex group");
  return Ok();
}

bool IsDecimal(std::string_view s, uint64_t max, uint64_t min) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v >= min && v <= max;
}

}  // namespace

Result<ParsedRule> ParseRule(std::string_view line) {
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return Invalid("rule contains a control character or line break");
  }
  const size_t open = line.find('(');
  if (open == std::string_view::npos) return Invalid("rule has no '('");
  ParsedRule rule;
  std::array<std::string_view*, 7> header = {&rule.action,    &rule.proto, &rule.src,  &rule.sport,
                                             &rule.direction, &rule.dst,   &rule.dport};
  std::string_view h = Trim(line.substr(0, open));
  size_t n = 0;
  while (!h.empty()) {
    size_t end = 0;
    while (end < h.size() && !IsSpace(h[end])) ++end;
    if (n == header.size()) return Invalid("rule header has more than 7 fields");
    *header[n++] = h.substr(0, end);
    h = Trim(h.substr(end));
  }
  if (n != header.size()) return Invalid("rule header needs 7 fields");
  for (auto* f : header) {
    if (f->find_first_of(");\"") != std::string_view::npos) return Invalid("rule header field has ')', ';' or '\"'");
  }
  bool known = false;
  for (auto a : kActions) known = known || a == rule.action;
  if (!known) return Invalid("unknown rule action");
  if (rule.direction != "->" && rule.direction != "<>") return Invalid("rule direction must be -> or <>");

  size_t i = open + 1;
  while (true) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i >= line.size()) return Invalid("rule has no closing ')'");
    if (line[i] == ')') {
      ++i;
      break;
    }
    const size_t key_start = i;
    while (i < line.size() && IsKeyChar(line[i])) ++i;
    if (i == key_start) return Invalid("rule option has no keyword");
    RuleOption opt;
    opt.key = line.substr(key_start, i - key_start);
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i < line.size() && line[i] == ';') {
      ++i;
      rule.options.push_back(opt);
      continue;
    }
    if (i >= line.size() || line[i] != ':')
      return Invalid("rule option '" + std::string(opt.key) + "' lacks ':' or ';'");
    const size_t value_start = ++i;
    bool in_quote = false;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quote = !in_quote;
      } else if (c == ';' && !in_quote) {
        break;
      }
    }
    if (i >= line.size()) return Invalid("rule option '" + std::string(opt.key) + "' is not terminated by ';'");
    opt.value = Trim(line.substr(value_start, i - value_start));
    opt.has_value = true;
    if (opt.value.empty()) return Invalid("rule option '" + std::string(opt.key) + "' has an empty value");
    ++i;  // ';'
    rule.options.push_back(opt);
  }
  if (!Trim(line.substr(i)).empty()) return Invalid("text after the closing ')'");
  if (rule.options.empty()) return Invalid("rule has no options");
  return rule;
}

Status CheckRuleSyntax(std::string_view line) {
  BW_ASSIGN_OR_RETURN(ParsedRule rule, ParseRule(line));
  bool has_msg = false, has_sid = false, has_rev = false;
  for (const RuleOption& o : rule.options) {
    if (o.key == "msg") {
      BW_RETURN_IF_ERROR(QuotedBody(o.value, "msg"));
      has_msg = true;
    } else if (o.key == "content" || o.key == "uricontent") {
      std::string_view v = o.value;
      if (!v.empty() && v.front() == '!') v = Trim(v.substr(1));
      BW_ASSIGN_OR_RETURN(std::string_view body, QuotedBody(v, o.key));
      BW_RETURN_IF_ERROR(CheckContentBody(body));
    } else if (o.key == "pcre") {
      std::string_view v = o.value;
      if (!v.empty() && v.front() == '!') v = Trim(v.substr(1));
      BW_ASSIGN_OR_RETURN(std::string_view body, QuotedBody(v, "pcre"));
      if (body.size() < 2 || body.front() != '/' || body.rfind('/') == 0) return Invalid("pcre must be /.../flags");
    } else if (o.key == "sid") {
      if (!IsDecimal(o.value, 4294967295ull, 1)) return Invalid("sid must be a number 1-4294967295");
      has_sid = true;
    } else if (o.key == "rev") {
      if (!IsDecimal(o.value, 4294967295ull, 0)) return Invalid("rev must be a number");
      has_rev = true;
    }
  }
  if (!has_msg) return Invalid("rule has no msg");
  if (!has_sid) return Invalid("rule has no sid");
  if (!has_rev) return Invalid("rule has no rev");
  return Ok();
}

}  // namespace bulwark::exporter
