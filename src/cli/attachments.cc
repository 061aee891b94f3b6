// `bulwark attachments sweep --data-dir D [--dry-run] [--grace-hours H]`: removes attachment files no attribute
// references any more (and leftover temporary files), older than the grace period, and prints each one with the
// bytes freed. `bulwark serve` runs the same sweep periodically (AttachmentSweeper).
#include "cli/attachments.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "cli/verbs.h"

namespace bulwark::cli {

Result<hub::SweepReport> SweepAttachments(App& app, const std::string& data_dir, hub::SweepMode mode,
                                          int64_t grace_seconds) {
  const hub::AttachmentStore files(std::filesystem::path(data_dir) / "attachments");  // where OpenApp keeps them
  hub::SweepOptions options;
  options.now_seconds = app.clock.NowSeconds();
  options.grace_seconds = grace_seconds;
  options.mode = mode;
  return files.Sweep(*app.store, options);
}

void AttachmentSweeper::Start() {
  thread_.Start(std::chrono::duration_cast<std::chrono::milliseconds>(interval_), PeriodicThread::First::kAtOnce,
                [this] { SweepOnce(); });
}

void AttachmentSweeper::Stop() { thread_.Stop(); }

void AttachmentSweeper::SweepOnce() {
  auto report = SweepAttachments(app_, data_dir_, hub::SweepMode::kRemove, grace_seconds_);
  if (!report.ok()) {
    app_.log->error("attachment sweep failed: {}", report.error().message);
    return;
  }
  app_.log->info("attachment sweep: removed {} files, {} bytes freed ({} referenced and {} recent files kept)",
                 report->removed.size(), report->bytes_freed, report->referenced, report->recent);
}

namespace {

struct SweepArgs {
  std::string data_dir;
  bool dry_run = false;
  int64_t grace_hours = 24;
};

int RunSweep(const SweepArgs& a) {
  Config config;
  config.data_dir = a.data_dir;
  config.log_level = "warn";
  config.attribute_index_at_open = false;  // the sweep looks attachments up by hash, never attributes by value
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) {
    std::fprintf(stderr, "bulwark attachments sweep: %s\n", app.error().message.c_str());
    return kExitNotReady;
  }
  const hub::SweepMode mode = a.dry_run ? hub::SweepMode::kDryRun : hub::SweepMode::kRemove;
  auto report = SweepAttachments(**app, a.data_dir, mode, a.grace_hours * 3600);
  if (!report.ok()) {
    std::fprintf(stderr, "bulwark attachments sweep: %s\n", report.error().message.c_str());
    return ExitCodeFor(report.error());
  }
  const char* verb = a.dry_run ? "would remove" : "removed";
  for (const hub::SweptFile& f : report->removed) {
    std::printf("%s %s (%lld bytes%s)\n", verb, f.path.c_str(), static_cast<long long>(f.bytes),
                f.temporary ? ", leftover temporary file" : "");
  }
  std::printf("%s %zu files, %lld bytes freed; kept %lld referenced and %lld recent files (grace %lld hours)\n", verb,
              report->removed.size(), static_cast<long long>(report->bytes_freed),
              static_cast<long long>(report->referenced), static_cast<long long>(report->recent),
              static_cast<long long>(a.grace_hours));
  return kExitOk;
}

}  // namespace

VerbRunner AddAttachmentCommands(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand("attachments", "attachment files under <data-dir>/attachments");
  cmd->require_subcommand(1);
  auto* sweep = cmd->add_subcommand(
      "sweep",
      "remove attachment files no attribute references (and leftover temporary files) older than the grace "
      "period; prints each file and the bytes freed");
  sweep->add_option("--data-dir", args->data_dir, "hub data directory")->required();
  sweep->add_flag("--dry-run", args->dry_run, "print what would be removed, remove nothing");
  sweep
      ->add_option("--grace-hours", args->grace_hours,
                   "keep files modified within this many hours, referenced or not (default 24)")
      ->check(CLI::Range(int64_t{1}, int64_t{24 * 365}));
  return [=]() -> std::optional<int> {
    if (sweep->parsed()) return RunSweep(*args);
    return std::nullopt;
  };
}

}  // namespace bulwark::cli
