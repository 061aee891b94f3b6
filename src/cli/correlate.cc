// `bulwark correlate rebuild --data-dir D`: builds the correlation index of a data directory from scratch and
// reports its size, build time and most correlated values. The index lives in memory: a serving hub builds
// its own at start and follows the change log; this verb checks a store offline (and measures it).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/app.h"
#include "cli/verbs.h"
#include "correlate/correlator.h"

namespace bulwark::cli {
namespace {

struct CorrelateArgs {
  std::string data_dir;
  size_t limit = 20;
  size_t top = 10;
  std::vector<std::string> exclusions;
};

int RunRebuild(const CorrelateArgs& a) {
  Config config;
  config.data_dir = a.data_dir;
  config.log_level = "warn";
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) {
    std::fprintf(stderr, "bulwark correlate rebuild: %s\n", app.error().message.c_str());
    return kExitNotReady;
  }
  correlate::Options options;
  options.correlation_limit = a.limit;
  for (const auto& text : a.exclusions) {
    auto e = correlate::ParseExclusion(text);
    if (!e.ok()) {
      std::fprintf(stderr, "bulwark correlate rebuild: --exclude %s: %s\n", text.c_str(), e.error().message.c_str());
      return kExitUsage;
    }
    options.exclusions.push_back(*e);
  }
  correlate::Correlator correlator(std::move(options));
  const auto start = std::chrono::steady_clock::now();
  Status st = correlator.Build(*(*app)->store);
  if (!st.ok()) {
    std::fprintf(stderr, "bulwark correlate rebuild: %s\n", st.error().message.c_str());
    return ExitCodeFor(st.error());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto snap = correlator.snapshot();
  std::printf("indexed %zu attributes, %zu keys, change sequence %lld, in %.2f s\n", snap->attribute_count(),
              snap->key_count(), static_cast<long long>(snap->seq()), seconds);
  for (const auto& t : snap->TopValues(a.top)) {
    std::printf("%8zu attributes %6zu events%s  %s\n", t.attributes, t.events, t.over_correlating ? " (over)" : "       ",
                t.value.c_str());
  }
  return kExitOk;
}

}  // namespace

VerbRunner AddCorrelateCommands(CLI::App& app) {
  auto args = std::make_shared<CorrelateArgs>();
  auto* cmd = app.add_subcommand("correlate", "the correlation index");
  cmd->require_subcommand(1);
  auto* rebuild = cmd->add_subcommand("rebuild", "build the correlation index from the store and report on it");
  rebuild->add_option("--data-dir", args->data_dir, "hub data directory")->required();
  rebuild->add_option("--correlation-limit", args->limit, "over-correlation threshold (default 20, as MISP)");
  rebuild->add_option("--exclude", args->exclusions, "a correlation exclusion: exact, x% prefix, %x suffix, %x% contains");
  rebuild->add_option("--top", args->top, "how many top values to print (default 10)");
  return [=]() -> std::optional<int> {
    if (rebuild->parsed()) return RunRebuild(*args);
    return std::nullopt;
  };
}

}  // namespace bulwark::cli
