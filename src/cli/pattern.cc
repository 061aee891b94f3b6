// `bulwark pattern check|match`: the STIX patterning language from the command line (docs/cli.md).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/verbs.h"
#include "stix/pattern/matcher.h"
#include "stix/pattern/parser.h"

namespace bulwark::cli {
namespace {

// Exit codes of `pattern check` and `pattern match`, as the issue fixes them (also in docs/cli.md).
constexpr int kPatternValidOrMatch = 0;
constexpr int kPatternNoMatch = 1;
constexpr int kPatternInvalid = 2;

int Check(const std::string& text) {
  auto parsed = stix::pattern::Parse(text);
  if (!parsed.ok()) {
    std::fprintf(stderr, "invalid pattern: %s\n", parsed.error().message.c_str());
    return kPatternInvalid;
  }
  if (auto compiled = stix::pattern::Matcher::Compile(*parsed); !compiled.ok()) {
    std::fprintf(stderr, "invalid pattern: %s\n", compiled.error().message.c_str());
    return kPatternInvalid;
  }
  std::printf("valid\n");
  return kPatternValidOrMatch;
}

Result<boost::json::value> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text.str(), ec);
  if (ec) return MakeError(ErrorCode::kInvalid, path + " is not valid JSON: " + ec.message());
  return v;
}

int Match(const std::string& text, const std::string& observed_file) {
  auto parsed = stix::pattern::Parse(text);
  if (!parsed.ok()) {
    std::fprintf(stderr, "invalid pattern: %s\n", parsed.error().message.c_str());
    return kPatternInvalid;
  }
  auto json = ReadJsonFile(observed_file);
  if (!json.ok()) {
    std::fprintf(stderr, "bulwark pattern match: %s\n", json.error().message.c_str());
    return kPatternInvalid;
  }
  auto observations = stix::pattern::ObservationSet::FromJson(std::move(*json));
  if (!observations.ok()) {
    std::fprintf(stderr, "bulwark pattern match: %s: %s\n", observed_file.c_str(),
                 observations.error().message.c_str());
    return kPatternInvalid;
  }
  auto matched = stix::pattern::Matches(*parsed, *observations);
  if (!matched.ok()) {
    std::fprintf(stderr, "bulwark pattern match: %s\n", matched.error().message.c_str());
    return kPatternInvalid;
  }
  std::printf("%s\n", *matched ? "match" : "no-match");
  return *matched ? kPatternValidOrMatch : kPatternNoMatch;
}

}  // namespace

VerbRunner AddPatternCommands(CLI::App& app) {
  auto* pattern = app.add_subcommand("pattern", "check STIX 2.1 patterns and match them against observed data");
  pattern->require_subcommand(1);
  auto text = std::make_shared<std::string>();
  auto observed = std::make_shared<std::string>();
  auto* check = pattern->add_subcommand("check", "validate PATTERN: prints 'valid' (exit 0) or the error with "
                                                  "its column (exit 2)");
  check->add_option("pattern", *text, "a STIX 2.1 pattern, e.g. \"[ipv4-addr:value = '198.51.100.1']\"")
      ->required();
  auto* match = pattern->add_subcommand("match", "evaluate PATTERN over the observed-data in FILE: prints "
                                                  "'match' (exit 0) or 'no-match' (exit 1); exit 2 on error");
  match->add_option("--observed", *observed, "a STIX bundle, or a JSON list of bundles, holding observed-data")
      ->required();
  match->add_option("pattern", *text, "a STIX 2.1 pattern")->required();
  return [=]() -> std::optional<int> {
    if (check->parsed()) return Check(*text);
    if (match->parsed()) return Match(*text, *observed);
    return std::nullopt;
  };
}

}  // namespace bulwark::cli
