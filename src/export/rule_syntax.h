// A small parser and checker for Snort/Suricata rule lines, as the export writes them: one line,
// `action proto src sport direction dst dport (key:value; key; ...)`. Used to validate user-supplied
// `snort` attributes before they are re-emitted, and by the tests on every rule the writers produce.
//
// It checks structure, not semantics: 7 header fields with a known action and "->" / "<>", options
// `key[:value];` up to the closing ')' with nothing after it, quotes balanced (backslash escapes honoured),
// no control characters; msg quoted; content/uricontent/pcre quoted with well-formed |hex| groups; sid and
// rev present and decimal (sid 1-4294967295). Keyword names are not checked against a keyword list.
//
// Thread-safe, pure; the views in ParsedRule point into the input line.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"

namespace bulwark::exporter {

struct RuleOption {
  std::string_view key;
  std::string_view value;  // trimmed; empty when the option has no value
  bool has_value = false;
};

struct ParsedRule {
  std::string_view action, proto, src, sport, direction, dst, dport;
  std::vector<RuleOption> options;
};

// The structure of one rule line. Errors: kInvalid naming what is wrong.
Result<ParsedRule> ParseRule(std::string_view line);

// ParseRule plus the option checks above. Errors: kInvalid.
Status CheckRuleSyntax(std::string_view line);

}  // namespace bulwark::exporter
