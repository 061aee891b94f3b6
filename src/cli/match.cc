// `bulwark match`: the streaming indicator matcher. Loads indicators (from a file with --indicators; the hub
// feed with --hub/--data-dir), then reads logs (FILE..., stdin, --follow FILE, --udp HOST:PORT) and writes one
// JSON line per match. --stats prints counters on stderr at the end. --follow and --udp run until SIGINT or
// SIGTERM. With --hub, --queue-dir is the sensor's state directory: the sighting queue and the last indicator
// snapshot, from which the sensor starts when the hub is unreachable at start (docs/match.md).
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/app.h"
#include "cli/verbs.h"
#include "match/file_source.h"
#include "match/hub_source.h"
#include "match/matcher.h"
#include "match/sighting_queue.h"
#include "match/snapshot_file.h"
#include "match/store_source.h"

namespace bulwark::cli {
namespace {

struct MatchArgs {
  std::string hub_url;
  std::string key;
  std::string data_dir;
  std::string as_user;  // --data-dir: match as this user (default: the hub's site admin)
  std::string queue_dir;
  std::string indicators;
  std::string format = "auto";
  bool follow = false;
  std::string udp;
  std::string output;
  std::string sensor = "bulwark-match";
  bool stats = false;
  std::vector<std::string> files;
};

// Set by SIGINT/SIGTERM to end --follow and --udp (a signal handler can only reach a static).
std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

void PrintStats(const match::Matcher& m) {
  match::MatchStats s = m.stats();
  auto set = m.indicators();
  const match::CompileStats& c = set->stats();
  double mb = static_cast<double>(s.bytes) / 1e6;
  std::fprintf(stderr,
               "bulwark match: %llu lines, %llu bytes, %llu matches in %.3f s (%.1f MB/s, %.0f lines/s, 1 thread); "
               "cpu %.3f s (%.1f MB/s, %.0f lines/s per CPU second)\n",
               static_cast<unsigned long long>(s.lines), static_cast<unsigned long long>(s.bytes),
               static_cast<unsigned long long>(s.matches), s.seconds, s.seconds > 0 ? mb / s.seconds : 0.0,
               s.seconds > 0 ? static_cast<double>(s.lines) / s.seconds : 0.0, s.cpu_seconds,
               s.cpu_seconds > 0 ? mb / s.cpu_seconds : 0.0,
               s.cpu_seconds > 0 ? static_cast<double>(s.lines) / s.cpu_seconds : 0.0);
  std::fprintf(stderr, "bulwark match: indicators %zu in %zu events, %zu keys, %zu user agents, %zu not compiled\n",
               c.indicators, c.events, c.keys, c.user_agents, c.not_compiled);
  for (const auto& [reason, n] : c.not_compiled_by_reason) {
    std::fprintf(stderr, "bulwark match:   not compiled: %zu %s\n", n, reason.c_str());
  }
  for (const auto& [format, n] : s.parse_errors) {
    std::fprintf(stderr, "bulwark match: parse errors (%s): %llu\n", format.c_str(),
                 static_cast<unsigned long long>(n));
  }
  if (s.long_lines > 0) {
    std::fprintf(stderr, "bulwark match: lines over 1 MiB skipped: %llu\n", static_cast<unsigned long long>(s.long_lines));
  }
  std::fprintf(stderr, "bulwark match: snapshot swaps %llu, failed polls %llu\n",
               static_cast<unsigned long long>(s.swaps), static_cast<unsigned long long>(s.poll_failures));
}

int Fail(const Error& e) {
  std::fprintf(stderr, "bulwark match: %s\n", e.message.c_str());
  return ExitCodeFor(e);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "45 s", "12 min", "3 h 12 min", "2 d 4 h".
std::string Age(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 60) return std::to_string(seconds) + " s";
  if (seconds < 3600) return std::to_string(seconds / 60) + " min";
  if (seconds < 86400) return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
  return std::to_string(seconds / 86400) + " d " + std::to_string(seconds % 86400 / 3600) + " h";
}

// The hub was unreachable at start (`unreachable`): start from the snapshot persisted in the state directory if
// there is one of this hub and key. Returns false (with the reason on stderr) when there is none.
bool StartFromSnapshot(const MatchArgs& a, const match::SnapshotOrigin& origin, const Error& unreachable,
                       match::Matcher& matcher) {
  if (a.queue_dir.empty()) {
    std::fprintf(stderr,
                 "bulwark match: the hub at %s is unreachable (%s); with --queue-dir DIR the sensor keeps its last "
                 "indicator snapshot there and starts from it the next time the hub is unreachable\n",
                 a.hub_url.c_str(), unreachable.message.c_str());
    return false;
  }
  auto stored = match::ReadSnapshot(a.queue_dir, origin);
  if (!stored.ok()) {
    if (stored.error().code != ErrorCode::kNotFound) {
      std::fprintf(stderr, "bulwark match: warning: ignoring the indicator snapshot in %s: %s\n", a.queue_dir.c_str(),
                   stored.error().message.c_str());
    }
    std::fprintf(stderr,
                 "bulwark match: the hub at %s is unreachable (%s) and %s holds no usable indicator snapshot "
                 "(one is saved after the first successful load)\n",
                 a.hub_url.c_str(), unreachable.message.c_str(), a.queue_dir.c_str());
    return false;
  }
  const size_t indicators = stored->indicators;
  const size_t events = stored->batch.events.size();
  const int64_t cursor = stored->batch.cursor;
  std::fprintf(stderr,
               "bulwark match: warning: the hub at %s is unreachable (%s); matching with the indicator snapshot "
               "saved %s ago in %s (%zu indicators in %zu events, change cursor %lld); sightings are queued and the "
               "snapshot catches up when the hub answers\n",
               a.hub_url.c_str(), unreachable.message.c_str(), Age(NowSeconds() - stored->saved_at).c_str(),
               a.queue_dir.c_str(), indicators, events, static_cast<long long>(cursor));
  matcher.Restore(std::move(stored->batch));
  return true;
}

int RunMatch(const MatchArgs& a) {
  int sources = (!a.hub_url.empty() ? 1 : 0) + (!a.data_dir.empty() ? 1 : 0) + (!a.indicators.empty() ? 1 : 0);
  if (sources != 1) {
    std::fprintf(stderr, "bulwark match: give exactly one of --hub URL --key KEY, --data-dir DIR, --indicators FILE\n");
    return kExitUsage;
  }
  if (!a.hub_url.empty() && a.key.empty()) {
    std::fprintf(stderr, "bulwark match: --hub needs --key\n");
    return kExitUsage;
  }
  auto format = match::ParseFormat(a.format);
  if (!format.ok()) {
    std::fprintf(stderr, "bulwark match: %s\n", format.error().message.c_str());
    return kExitUsage;
  }
  if (a.follow && a.files.size() != 1) {
    std::fprintf(stderr, "bulwark match: --follow takes exactly one FILE\n");
    return kExitUsage;
  }
  if (!a.udp.empty() && (!a.files.empty() || a.follow)) {
    std::fprintf(stderr, "bulwark match: --udp reads no FILE and does not combine with --follow\n");
    return kExitUsage;
  }
  // The indicator source and the sighting sink: a file (no sightings), the hub over HTTP (sightings queued in
  // --queue-dir when given), or a data directory in-process (sightings written through the hub).
  std::unique_ptr<match::IndicatorSource> source;
  std::unique_ptr<match::SightingSink> sink;
  std::unique_ptr<App> app;
  if (!a.indicators.empty()) {
    source = std::make_unique<match::FileSource>(a.indicators);
  } else if (!a.hub_url.empty()) {
    match::HubSourceOptions hub;
    hub.url = a.hub_url;
    hub.api_key = a.key;
    auto src = match::OpenHubSource(hub);
    if (!src.ok()) return Fail(src.error());
    source = std::move(src).value();
    if (!a.queue_dir.empty()) {
      auto q = match::OpenHubSightingQueue(hub, a.queue_dir);
      if (!q.ok()) return Fail(q.error());
      sink = std::move(q).value();
    }
  } else {
    Config config;
    config.data_dir = a.data_dir;
    auto opened = OpenApp(config, CreateIfMissing::kNo);
    if (!opened.ok()) {
      std::fprintf(stderr, "bulwark match: %s\n", opened.error().message.c_str());
      return kExitNotReady;
    }
    app = std::move(opened).value();
    auto principal = a.as_user.empty() ? OperatorPrincipal(*app) : hub::PrincipalForUser(*app->store, a.as_user);
    if (!principal.ok()) return Fail(principal.error());
    // The same exclusions as the hub's sensor routes: warninglisted, expired and decayed indicators stay out.
    auto src = match::OpenStoreSource(*app->hub, *principal, hub::DetectionExclusion(*app->hub));
    if (!src.ok()) return Fail(src.error());
    source = std::move(src).value();
    auto s = match::OpenStoreSightingSink(*app->hub, *principal);
    if (!s.ok()) return Fail(s.error());
    sink = std::move(s).value();
  }
  std::FILE* out = stdout;
  if (!a.output.empty()) {
    out = std::fopen(a.output.c_str(), "ab");
    if (out == nullptr) {
      std::fprintf(stderr, "bulwark match: cannot write %s\n", a.output.c_str());
      return kExitFailure;
    }
  }
  match::MatcherOptions options;
  options.format = *format;
  options.sensor = a.sensor;
  options.out = out;
  // --hub with --queue-dir: every set the hub gives is persisted there (off the matching thread, at most every
  // 30 s) so that the next start can match while the hub is unreachable.
  match::SnapshotOrigin origin = match::OriginFor(a.hub_url, a.key);
  std::unique_ptr<match::SnapshotWriter> snapshots;
  if (!a.hub_url.empty() && !a.queue_dir.empty()) {
    match::SnapshotWriterOptions w;
    w.dir = a.queue_dir;
    w.origin = origin;
    w.on_error = [](const Error& e) {
      std::fprintf(stderr, "bulwark match: warning: the indicator snapshot was not saved: %s\n", e.message.c_str());
    };
    snapshots = std::make_unique<match::SnapshotWriter>(std::move(w));
    options.on_snapshot = [w = snapshots.get()](std::shared_ptr<const match::IndicatorSet> set) {
      w->Submit(std::move(set));
    };
  }
  // A sensor stops when the hub refuses its key (revoked, expired, disabled), however it started.
  std::mutex refused_mu;
  std::optional<Error> refused;
  options.on_key_refused = [&refused_mu, &refused](const Error& e) {
    std::lock_guard lock(refused_mu);
    if (!refused) refused = e;
    g_stop.store(true);
  };
  int rc = kExitOk;
  {
    options.sink = sink.get();
    match::Matcher matcher(source.get(), options);
    if (Status st = matcher.Load(); !st.ok()) {
      const bool unreachable_hub = !a.hub_url.empty() && st.error().code == ErrorCode::kUnavailable;
      if (!unreachable_hub || !StartFromSnapshot(a, origin, st.error(), matcher)) {
        if (out != stdout) std::fclose(out);
        if (unreachable_hub) return ExitCodeFor(st.error());
        return Fail(st.error());
      }
    }
    const bool long_running = a.follow || !a.udp.empty();
    if (long_running) {
      std::signal(SIGINT, OnStopSignal);
      std::signal(SIGTERM, OnStopSignal);
      matcher.StartPolling();
    }
    Status st = Ok();
    if (!a.udp.empty()) {
      st = matcher.ListenUdp(a.udp, g_stop);
    } else if (a.follow) {
      st = matcher.Follow(a.files[0], g_stop);
    } else if (a.files.empty()) {
      st = matcher.MatchFile("-");
    } else {
      for (const std::string& f : a.files) {
        st = matcher.MatchFile(f);
        if (!st.ok()) break;
      }
    }
    matcher.StopPolling();
    if (snapshots != nullptr) (void)snapshots->Close();  // writes a pending snapshot; failures were reported
    if (sink != nullptr) {
      if (Status fs = sink->Flush(); !fs.ok()) {
        std::fprintf(stderr, "bulwark match: sightings not delivered yet (kept queued): %s\n",
                     fs.error().message.c_str());
      }
    }
    if (a.stats) PrintStats(matcher);
    if (!st.ok()) rc = Fail(st.error());
    std::lock_guard lock(refused_mu);
    if (refused) {
      std::fprintf(stderr,
                   "bulwark match: stopped: the hub refused the sensor's key, so its indicator set is not "
                   "used any longer\n");
      rc = Fail(*refused);
    }
  }
  if (out != stdout && std::fclose(out) != 0) rc = kExitFailure;
  return rc;
}

}  // namespace

VerbRunner AddMatchCommands(CLI::App& app) {
  auto args = std::make_shared<MatchArgs>();
  auto* cmd = app.add_subcommand("match", "match logs against indicators and report every hit as a JSON line");
  cmd->add_option("--hub", args->hub_url, "the hub's base URL (with --key)");
  cmd->add_option("--key", args->key, "the sensor's API key for --hub");
  cmd->add_option("--data-dir", args->data_dir, "a hub data directory, read in-process (sightings recorded in it)");
  cmd->add_option("--as-user", args->as_user,
                  "with --data-dir: match what this user's organisation may see (default: the site admin)");
  cmd->add_option("--queue-dir", args->queue_dir,
                  "with --hub: the sensor's state directory: sightings queued on disk and posted in batches, and the "
                  "last indicator snapshot, used to start when the hub is unreachable (default: none)");
  cmd->add_option("--indicators", args->indicators,
                  "a file of indicators: JSON lines (type, value, ...) or one value per line (type guessed)");
  cmd->add_option("--format", args->format, "auto (default), text, zeek, zeek-json, eve or syslog");
  cmd->add_flag("--follow", args->follow, "follow FILE as it grows (like tail -F); stop with SIGINT/SIGTERM");
  cmd->add_option("--udp", args->udp, "receive syslog on UDP HOST:PORT");
  cmd->add_option("--output,-o", args->output, "append matches to this file (default: standard output)");
  cmd->add_option("--sensor", args->sensor, "the sensor name in sighting reports");
  cmd->add_flag("--stats", args->stats, "print counters on standard error at the end");
  cmd->add_option("files", args->files, "log files (default: standard input; - is standard input)");
  return [=]() -> std::optional<int> {
    if (!cmd->parsed()) return std::nullopt;
    return RunMatch(*args);
  };
}

}  // namespace bulwark::cli
