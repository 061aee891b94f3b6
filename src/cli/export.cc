// `bulwark export --format F`: the hub's intelligence in an export format, as the operator (a site admin) sees
// it, optionally filtered with a restSearch body. Streams: memory stays bounded whatever the size.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/export_stream.h"
#include "cli/app.h"
#include "cli/verbs.h"
#include "feeds/feed_writer.h"

namespace bulwark::cli {
namespace {

struct ExportArgs {
  std::string format;
  std::string filter;  // a restSearch JSON body, or @FILE
  std::string scope = "attributes";
  std::string output;  // file; stdout when empty
  std::string data_dir;
  std::string log_level = "warn";
};

Result<boost::json::value> FilterBody(const std::string& filter) {
  if (filter.empty()) return boost::json::value(boost::json::object());
  std::string text = filter;
  if (filter[0] == '@') {
    std::ifstream in(filter.substr(1), std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "cannot open filter file " + filter.substr(1), "filter");
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return MakeError(ErrorCode::kInvalid, "--filter must be a JSON object", "filter");
  return v;
}

// Writes the export's chunks to `out` on a thread of its own, so the store scan that makes the next chunk goes on
// while the last one is written (a pipe to a slower reader blocks the writer, not the scan). At most kDepth
// chunks wait, so memory stays bounded; chunk buffers are reused.
class ChunkWriter {
 public:
  static constexpr size_t kDepth = 2;

  explicit ChunkWriter(std::FILE* out) : out_(out), thread_([this] { Run(); }) {}
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;
  ~ChunkWriter() { (void)Finish(); }

  // Queues `chunk` for writing and leaves an empty buffer in its place. Fails once a write failed.
  Status Push(std::string& chunk) {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [&] { return queue_.size() < kDepth || failed_; });
    if (failed_) return WriteError();
    queue_.push_back(std::move(chunk));
    chunk = std::string();
    if (!spare_.empty()) {
      chunk = std::move(spare_.back());
      spare_.pop_back();
    }
    chunk.clear();
    ready_.notify_one();
    return Ok();
  }

  // Waits until every queued chunk is written and flushed; the first write error, if any.
  Status Finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (done_) return failed_ ? WriteError() : Ok();
      done_ = true;
    }
    ready_.notify_one();
    thread_.join();
    if (!failed_ && std::fflush(out_) != 0) return MakeError(ErrorCode::kInternal, "flushing the export failed");
    return failed_ ? WriteError() : Ok();
  }

 private:
  static Error WriteError() {
    return Error{ErrorCode::kInternal, "writing the export failed (disk full or closed pipe?)", ""};
  }

  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      ready_.wait(lock, [&] { return !queue_.empty() || done_; });
      if (queue_.empty()) return;  // done_ and drained
      std::string chunk = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      const bool ok = std::fwrite(chunk.data(), 1, chunk.size(), out_) == chunk.size();
      lock.lock();
      if (!ok) failed_ = true;
      if (spare_.size() < kDepth) spare_.push_back(std::move(chunk));
      space_.notify_one();
      if (failed_) return;
    }
  }

  std::FILE* out_;
  std::mutex mu_;
  std::condition_variable ready_;  // a chunk was queued, or done_
  std::condition_variable space_;  // a chunk was written
  std::deque<std::string> queue_;
  std::vector<std::string> spare_;
  bool done_ = false;
  bool failed_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

Status RunExportTo(App& app, const ExportArgs& a, std::FILE* out, size_t& bytes) {
  BW_ASSIGN_OR_RETURN(access::Principal p, OperatorPrincipal(app));
  BW_ASSIGN_OR_RETURN(boost::json::value body, FilterBody(a.filter));
  BW_ASSIGN_OR_RETURN(hub::SearchRequest req, hub::ParseSearchRequest(body, app.clock));
  const api::ExportScope scope = a.scope == "events" ? api::ExportScope::kEvents : api::ExportScope::kAttributes;
  // A file export carries everything the hub holds, attachment and sample data included (stix2 artifacts).
  BW_ASSIGN_OR_RETURN(auto cursor, api::ExportCursor::Open(*app.hub, p, std::move(req), scope, a.format,
                                                           exporter::ExportOptions{}, api::AttachmentContent::kInclude));
  std::string chunk;
  ChunkWriter writer(out);
  auto last_report = std::chrono::steady_clock::now();
  while (true) {
    BW_ASSIGN_OR_RETURN(bool more, cursor->Next(chunk));
    bytes += chunk.size();
    if (!chunk.empty()) BW_RETURN_IF_ERROR(writer.Push(chunk));
    auto now = std::chrono::steady_clock::now();
    if (out != stdout && now - last_report > std::chrono::seconds(2)) {
      std::fprintf(stderr, "bulwark export: %zu MiB written\n", bytes >> 20);
      last_report = now;
    }
    if (!more) break;
  }
  return writer.Finish();
}

// A MISP feed (manifest.json, <uuid>.json, hashes.csv) in directory a.output.
Status RunFeedExport(App& app, const ExportArgs& a) {
  BW_ASSIGN_OR_RETURN(access::Principal p, OperatorPrincipal(app));
  BW_ASSIGN_OR_RETURN(boost::json::value body, FilterBody(a.filter));
  BW_ASSIGN_OR_RETURN(hub::SearchRequest req, hub::ParseSearchRequest(body, app.clock));
  BW_ASSIGN_OR_RETURN(feeds::FeedWriteReport report,
                      feeds::WriteMispFeed(*app.hub, p, req, a.output, [](std::string_view line) {
                        std::fprintf(stderr, "bulwark export: %.*s\n", static_cast<int>(line.size()), line.data());
                      }));
  std::fprintf(stderr, "bulwark export: misp-feed in %s: %zu events, %zu attributes, %zu hashes\n",
               a.output.c_str(), report.events, report.attributes, report.hashes);
  return Ok();
}

int RunExport(const ExportArgs& a) {
  Config config;
  config.data_dir = a.data_dir;
  config.log_level = a.log_level;
  // An export scans; only a uuid or value filter needs the attribute index, which is then built on first use.
  config.attribute_index_at_open = false;
  if (Status st = ValidateLogLevel(a.log_level); !st.ok()) {
    std::fprintf(stderr, "bulwark export: %s\n", st.error().message.c_str());
    return kExitUsage;
  }
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) {
    std::fprintf(stderr, "bulwark export: %s\n", app.error().message.c_str());
    return kExitNotReady;
  }
  if (a.format == "misp-feed") {
    if (a.output.empty()) {
      std::fprintf(stderr, "bulwark export: misp-feed needs a directory (-o DIR)\n");
      return kExitUsage;
    }
    Status st = RunFeedExport(**app, a);
    if (!st.ok()) {
      std::fprintf(stderr, "bulwark export: %s\n", st.error().message.c_str());
      return ExitCodeFor(st.error());
    }
    return kExitOk;
  }
  std::FILE* out = stdout;
  if (!a.output.empty()) {
    out = std::fopen(a.output.c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "bulwark export: cannot write %s\n", a.output.c_str());
      return kExitFailure;
    }
  }
  size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  Status st = RunExportTo(**app, a, out, bytes);
  if (out != stdout) std::fclose(out);
  if (!st.ok()) {
    std::fprintf(stderr, "bulwark export: %s%s%s\n", st.error().message.c_str(),
                 st.error().field.empty() ? "" : " (field ", st.error().field.empty() ? "" : (st.error().field + ")").c_str());
    return ExitCodeFor(st.error());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "bulwark export: %s, %zu bytes in %.2f s\n", a.format.c_str(), bytes, seconds);
  return kExitOk;
}

}  // namespace

VerbRunner AddExportCommands(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand("export", "write the hub's intelligence in an export format (streams)");
  cmd->add_option("--data-dir", args->data_dir, "hub data directory")->required();
  cmd->add_option("--format", args->format,
                  "csv, text, hashes, suricata, snort, zeek, rpz, stix2, or misp-feed (-o DIR); detection formats "
                  "default to to_ids attributes of published events");
  auto feed_args = std::make_shared<std::string>();
  auto* feed = cmd->add_subcommand("misp-feed", "write a MISP feed (manifest.json, <uuid>.json, hashes.csv) to DIR");
  feed->add_option("dir", *feed_args, "output directory (created if missing)")->required();
  feed->fallthrough();  // --data-dir and --filter may follow the subcommand
  cmd->add_option("--filter", args->filter, "a restSearch JSON body (or @FILE), e.g. '{\"tags\": [\"tlp:clear\"]}'");
  cmd->add_option("--scope", args->scope, "attributes (as attributes/restSearch) or events (as events/restSearch)")
      ->check(CLI::IsMember({"attributes", "events"}));
  cmd->add_option("--output,-o", args->output, "output file (default: standard output)");
  cmd->add_option("--log-level", args->log_level, "trace, debug, info, warn (default), error");
  return [=]() -> std::optional<int> {
    if (!cmd->parsed()) return std::nullopt;
    if (feed->parsed()) {
      args->format = "misp-feed";
      args->output = *feed_args;
    }
    if (args->format.empty()) {
      std::fprintf(stderr, "bulwark export: give --format F or the misp-feed subcommand (see --help)\n");
      return kExitUsage;
    }
    return RunExport(*args);
  };
}

}  // namespace bulwark::cli
