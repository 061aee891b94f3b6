// `bulwark import stix|misp|feed|taxii`: imports into the hub on a data directory, as the operator, through
// the hub's services (src/feeds). See docs/import.md.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/app.h"
#include "cli/config.h"
#include "cli/verbs.h"
#include "common/clock.h"
#include "feeds/feed_state.h"
#include "feeds/freetext.h"
#include "feeds/misp_feed.h"
#include "feeds/stix_import.h"
#include "feeds/taxii_client.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::cli {
namespace {

struct ImportFlags {
  std::vector<std::string> files;
  std::string source;
  std::string name;
  std::string since;
  std::string format = "misp";
  size_t value_column = 1;
  std::string type;
  std::string delimiter = ",";
  bool header = false;
  std::string to_ids;  // "", "true", "false"
  std::string collection;
  std::string user;
  std::string password;
  std::string key;
  std::string added_after;
  size_t page_size = 1000;
  bool insecure = false;
  std::string ca_file;
  int timeout_seconds = 120;
  size_t max_listed = 100;
};

int Fail(const std::string& verb, const Error& e) {
  std::fprintf(stderr, "bulwark import %s: %s%s\n", verb.c_str(), e.message.c_str(),
               e.field.empty() ? "" : (" (field " + e.field + ")").c_str());
  return kExitFailure;
}

// Opening the data directory: exit 3 when it is not initialised, as every verb (docs/cli.md).
int FailOpen(const std::string& verb, const Error& e) {
  Fail(verb, e);
  return ExitCodeFor(e);
}

int Usage(const std::string& verb, const std::string& message) {
  std::fprintf(stderr, "bulwark import %s: %s\n", verb.c_str(), message.c_str());
  return kExitUsage;
}

feeds::ProgressFn Progress(const std::string& verb) {
  return [verb](const std::string& line) { std::fprintf(stderr, "bulwark import %s: %s\n", verb.c_str(), line.c_str()); };
}

// Epoch seconds, or an ISO 8601 date / date-time.
std::optional<int64_t> ParseTime(const std::string& s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && ptr == s.data() + s.size()) return v;
  if (auto micros = ParseDateTimeMicros(s)) return *micros / 1'000'000;
  return std::nullopt;
}

http::ClientOptions HttpOptions(const ImportFlags& f) {
  http::ClientOptions o;
  o.tls = f.insecure ? http::TlsVerify::kInsecure : http::TlsVerify::kVerify;
  o.ca_file = f.ca_file;
  o.timeout = std::chrono::seconds(f.timeout_seconds);
  o.user_agent = std::string("bulwark/") + BULWARK_VERSION;
  return o;
}

void PrintStats(const feeds::ImportStats& s, size_t max_listed) {
  std::printf("%s\n", feeds::Summary(s).c_str());
  size_t shown = 0;
  for (const auto& r : s.rejections) {
    if (shown++ >= max_listed) break;
    std::printf("rejected\t%s\t%s\t%s\n", r.event_uuid.c_str(), r.item.c_str(), r.reason.c_str());
  }
  if (s.rejections_total > shown) {
    std::printf("(%zu more rejections not listed; raise --list-rejections)\n", s.rejections_total - shown);
  }
}

void PrintStix(const feeds::StixReport& r) {
  size_t unmapped = 0;
  for (const auto& [type, n] : r.unmapped) unmapped += n;
  std::printf("objects: %zu seen, %zu mapped, %zu unmapped; %zu events\n", r.objects_seen, r.objects_mapped, unmapped,
              r.events);
  for (const auto& [type, n] : r.unmapped) std::printf("unmapped\t%s\t%zu\n", type.c_str(), n);
}

struct Opened {
  std::unique_ptr<App> app;
  access::Principal principal;
};

Result<Opened> Open(const Config& config) {
  BW_ASSIGN_OR_RETURN(auto app, OpenApp(config, CreateIfMissing::kNo));
  BW_ASSIGN_OR_RETURN(auto p, OperatorPrincipal(*app));
  return Opened{std::move(app), std::move(p)};
}

// The store commits without an fsync each (durability "normal") and syncs its log once per file, before the
// file's report is printed: whatever a report counts as stored is as durable as with an fsync per commit, for
// one fsync per file instead of one or more per event (docs/import.md, "Performance").
int RunStix(Config config, const ImportFlags& f) {
  config.durability = "normal";
  auto opened = Open(config);
  if (!opened.ok()) return FailOpen("stix", opened.error());
  int rc = kExitOk;
  for (const auto& file : f.files) {
    const int64_t start = opened->app->clock.NowMicros();
    auto r = feeds::ImportStixFile(*opened->app->hub, opened->principal, file, 0, Progress("stix"));
    Status synced = store::SyncCommitted(*opened->app->store);
    if (r.ok() && !synced.ok()) r = synced.error();
    if (!r.ok()) {
      rc = Fail("stix", Error{r.error().code, file + ": " + r.error().message, r.error().field});
      continue;
    }
    const double secs = static_cast<double>(opened->app->clock.NowMicros() - start) / 1e6;
    std::printf("%s\n", file.c_str());
    PrintStix(*r);
    PrintStats(r->stats, f.max_listed);
    std::printf("time: %.3f s (%.0f objects/s)\n", secs, secs > 0 ? static_cast<double>(r->objects_seen) / secs : 0.0);
  }
  return rc;
}

int RunMisp(const Config& config, const ImportFlags& f) {
  auto opened = Open(config);
  if (!opened.ok()) return FailOpen("misp", opened.error());
  int rc = kExitOk;
  feeds::EventImporter importer(*opened->app->hub, opened->principal);
  for (const auto& file : f.files) {
    auto text = feeds::ReadLocalFile(file, feeds::kMaxEventFileBytes);
    if (!text.ok()) {
      rc = Fail("misp", text.error());
      continue;
    }
    boost::json::parse_options popts;
    popts.max_depth = 64;
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(*text, ec, {}, popts);
    if (ec) {
      rc = Fail("misp", MakeError(ErrorCode::kBadRequest, file + " is not valid JSON: " + ec.message()));
      continue;
    }
    Status st = feeds::ImportMispDocument(importer, doc);
    if (!st.ok()) return Fail("misp", st.error());
  }
  PrintStats(importer.stats(), f.max_listed);
  return rc;
}

int RunFeed(const Config& config, const ImportFlags& f) {
  std::optional<int64_t> since;
  if (!f.since.empty()) {
    since = ParseTime(f.since);
    if (!since) return Usage("feed", "--since takes epoch seconds or a date such as 2025-01-31");
  }
  if (f.format != "misp" && f.format != "freetext" && f.format != "csv") {
    return Usage("feed", "--format is misp, freetext or csv");
  }
  if (f.delimiter.size() != 1) return Usage("feed", "--delimiter is one character");
  auto opened = Open(config);
  if (!opened.ok()) return FailOpen("feed", opened.error());
  auto& app = *opened->app;
  const std::string name = f.name.empty() ? f.source : f.name;
  feeds::FeedSource source = feeds::FeedSource::Open(f.source, HttpOptions(f));
  if (f.format == "misp") {
    auto state = feeds::LoadFeedState(config.data_dir, "misp-feed", name);
    if (!state.ok()) return Fail("feed", state.error());
    feeds::MispFeedOptions opts;
    opts.since = since;
    opts.progress = Progress("feed");
    opts.save_state = [&](const feeds::FeedState& s) { return feeds::SaveFeedState(config.data_dir, s, app.clock.NowSeconds()); };
    auto r = feeds::ImportMispFeed(*app.hub, opened->principal, source, *state, opts);
    if (!r.ok()) return Fail("feed", r.error());
    std::printf("feed %s: %zu events in the manifest, %zu fetched, %zu already imported, %zu older than --since, "
                "%zu missing, %zu unparseable; hashes.csv: %zu checked, %zu mismatches\n",
                name.c_str(), r->manifest_events, r->fetched, r->skipped_known, r->skipped_since, r->missing_files,
                r->unparseable_files, r->hashes_checked, r->hash_mismatches);
    PrintStats(r->stats, f.max_listed);
    return kExitOk;
  }
  feeds::ValueFeedOptions opts;
  opts.format = f.format == "csv" ? feeds::ValueFeedFormat::kCsv : feeds::ValueFeedFormat::kFreetext;
  opts.name = name;
  opts.value_column = f.value_column;
  opts.type = f.type;
  opts.delimiter = f.delimiter[0];
  opts.skip_header = f.header;
  if (f.to_ids == "true") opts.to_ids = true;
  if (f.to_ids == "false") opts.to_ids = false;
  opts.progress = Progress("feed");
  auto text = source.Get("", feeds::kMaxValueFeedBytes);
  if (!text.ok()) return Fail("feed", text.error());
  if (!*text) return Fail("feed", MakeError(ErrorCode::kNotFound, f.source + " does not exist"));
  auto r = feeds::ImportValueFeed(*app.hub, opened->principal, **text, opts);
  if (!r.ok()) return Fail("feed", r.error());
  std::printf("feed %s: event %s\n", name.c_str(), feeds::ValueFeedEventUuid(name).c_str());
  PrintStats(*r, f.max_listed);
  return kExitOk;
}

int RunTaxii(const Config& config, const ImportFlags& f) {
  if (!f.user.empty() && !f.key.empty()) return Usage("taxii", "give --user/--password or --key, not both");
  if (!f.added_after.empty() && !ParseDateTimeMicros(f.added_after)) {
    return Usage("taxii", "--added-after takes a timestamp such as 2025-01-31T00:00:00.000000Z");
  }
  auto opened = Open(config);
  if (!opened.ok()) return FailOpen("taxii", opened.error());
  auto& app = *opened->app;
  feeds::TaxiiPullOptions opts;
  opts.url = f.source;
  opts.collection = f.collection;
  opts.user = f.user;
  opts.password = f.password;
  opts.key = f.key;
  if (!f.added_after.empty()) opts.added_after = f.added_after;
  opts.page_size = f.page_size;
  opts.http = HttpOptions(f);
  opts.progress = Progress("taxii");
  auto r = feeds::PullTaxiiResuming(*app.hub, opened->principal, std::move(opts), config.data_dir, app.clock);
  if (!r.ok()) return Fail("taxii", r.error());
  std::printf("taxii %s: %zu objects in %zu pages; cursor %s\n", r->objects_url.c_str(), r->objects, r->pages,
              r->cursor.empty() ? "-" : r->cursor.c_str());
  PrintStix(r->stix);
  PrintStats(r->stix.stats, f.max_listed);
  return kExitOk;
}

}  // namespace

VerbRunner AddImportCommands(CLI::App& app) {
  auto f = std::make_shared<ImportFlags>();
  auto config = std::make_shared<Config>();
  auto* import = app.add_subcommand("import", "import STIX, MISP events, MISP/freetext/CSV feeds or a TAXII collection");
  import->require_subcommand(1);
  auto common = [config, f](CLI::App* sub) {
    sub->add_option("--data-dir", config->data_dir, "hub data directory")->capture_default_str();
    sub->add_option("--log-level", config->log_level, "trace, debug, info, warn, error or off")->capture_default_str();
    sub->add_option("--list-rejections", f->max_listed, "how many rejected items to list")->capture_default_str();
  };
  auto network = [f](CLI::App* sub) {
    sub->add_flag("--insecure", f->insecure, "do not verify the server's TLS certificate (testing only)");
    sub->add_option("--ca-file", f->ca_file, "PEM CA bundle to trust in addition to the system's");
    sub->add_option("--timeout", f->timeout_seconds, "seconds per HTTP request")->capture_default_str()->check(CLI::Range(1, 86400));
  };

  auto* stix = import->add_subcommand("stix", "import STIX 2.1 bundles: objects mapped to MISP events (docs/stix-mapping.md)");
  common(stix);
  stix->add_option("files", f->files, "STIX 2.1 bundle files (a bundle, a list of objects or one object)")->required();

  auto* misp = import->add_subcommand("misp", "import MISP event JSON: {\"Event\":...}, a list, or {\"response\":[...]}");
  common(misp);
  misp->add_option("files", f->files, "MISP JSON files")->required();

  auto* feed = import->add_subcommand(
      "feed", "import a MISP feed (manifest.json, <uuid>.json, hashes.csv) or a freetext/CSV feed, incrementally");
  common(feed);
  network(feed);
  feed->add_option("source", f->source, "feed URL (http/https) or local directory (MISP) or file (freetext/CSV)")->required();
  feed->add_option("--name", f->name, "feed name: keys the saved state and names the freetext/CSV event (default: the source)");
  feed->add_option("--since", f->since, "MISP feeds: only events whose manifest timestamp is at or after this (epoch or date)");
  feed->add_option("--format", f->format, "misp, freetext or csv")->capture_default_str();
  feed->add_option("--value-column", f->value_column, "CSV: 1-based column of the value")->capture_default_str()->check(CLI::Range(1, 1024));
  feed->add_option("--type", f->type, "freetext/CSV: MISP attribute type of every value (default: detected per value)");
  feed->add_option("--delimiter", f->delimiter, "CSV: field delimiter")->capture_default_str();
  feed->add_flag("--header", f->header, "CSV: the first row is a header");
  feed->add_option("--to-ids", f->to_ids, "freetext/CSV: true or false (default: the type's default)")
      ->check(CLI::IsMember({"true", "false"}));

  auto* taxii = import->add_subcommand("taxii", "pull a TAXII 2.1 collection incrementally and map its objects into events");
  common(taxii);
  network(taxii);
  taxii->add_option("url", f->source, "API root URL (e.g. https://host/taxii2/root/) or discovery URL")->required();
  taxii->add_option("--collection", f->collection, "collection id")->required();
  taxii->add_option("--user", f->user, "HTTP Basic user (with --password)");
  taxii->add_option("--password", f->password, "HTTP Basic password");
  taxii->add_option("--key", f->key, "API key, sent as 'Authorization: Bearer KEY'");
  taxii->add_option("--added-after", f->added_after, "start after this date_added (default: where the last pull ended)");
  taxii->add_option("--page-size", f->page_size, "objects per request")->capture_default_str()->check(CLI::Range(1, 100000));

  return [=]() -> std::optional<int> {
    if (!import->parsed()) return std::nullopt;
    if (Status st = ValidateLogLevel(config->log_level); !st.ok()) return Usage("", st.error().message);
    if (stix->parsed()) return RunStix(*config, *f);
    if (misp->parsed()) return RunMisp(*config, *f);
    if (feed->parsed()) return RunFeed(*config, *f);
    if (taxii->parsed()) return RunTaxii(*config, *f);
    return std::nullopt;
  };
}

}  // namespace bulwark::cli
