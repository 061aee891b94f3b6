// `bulwark serve`: the hub's HTTP server until SIGTERM or SIGINT.
#include <malloc.h>

#include <csignal>
#include <cstdio>

#include "api/api.h"
#include "api/rate_limit.h"
#include "cli/app.h"
#include "cli/attachments.h"
#include "correlate/service.h"
#include "feeds/taxii_schedule.h"

namespace bulwark::cli {

namespace {

// glibc's defaults return freed memory to the kernel eagerly and serve every block over 128 KiB-32 MiB (its
// dynamic threshold) with mmap: a 10,000-attribute request builds and frees tens of MiB of small JSON nodes, so
// the allocator spent ~20% of ingest CPU in trimming, consolidation and page faults. Keep freed memory for reuse.
void TuneAllocator() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
}

// The [[taxii_pull]] tables as a scheduler acting as the operator (the hub's first site admin, as for
// `bulwark import taxii`).
Result<std::unique_ptr<feeds::TaxiiScheduler>> ScheduledPulls(App& app, const Config& config) {
  BW_ASSIGN_OR_RETURN(access::Principal principal, OperatorPrincipal(app));
  std::vector<feeds::ScheduledPull> pulls;
  for (const TaxiiPullConfig& c : config.taxii_pulls) {
    feeds::ScheduledPull p;
    p.name = c.name;
    p.options.url = c.url;
    p.options.collection = c.collection;
    p.options.user = c.user;
    p.options.password = c.password;
    p.options.key = c.key;
    p.options.page_size = static_cast<size_t>(c.page_size);
    p.interval = std::chrono::seconds(c.interval_seconds);
    pulls.push_back(std::move(p));
  }
  return std::make_unique<feeds::TaxiiScheduler>(*app.hub, std::move(principal), config.data_dir, app.clock, app.log,
                                                 app.metrics, std::move(pulls));
}

}  // namespace

int RunServe(const Config& config) {
  TuneAllocator();
  // Block the stop signals in every thread (the server's threads inherit the mask); main waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) {
    std::fprintf(stderr, "bulwark serve: %s\n", app.error().message.c_str());
    return ExitCodeFor(app.error());
  }
  Metrics& metrics = app.value()->metrics;
  api::ApiContext ctx{*app.value()->hub, metrics, app.value()->clock, app.value()->log, BULWARK_VERSION};
  std::unique_ptr<api::RateLimiter> limiter;
  if (config.rate_limit_per_second > 0) {
    limiter = std::make_unique<api::RateLimiter>(config.rate_limit_per_second, config.rate_limit_burst);
    ctx.rate_limiter = limiter.get();
  }
  // The correlation index: built now (so the first events/view is fast), then kept current by a follower
  // thread that a hub listener pokes on every publish/unpublish/delete and that polls the change log each second.
  correlate::Options correlation_options;
  correlation_options.correlation_limit = static_cast<size_t>(config.correlation_limit);
  for (const auto& text : config.correlation_exclusions) {
    auto exclusion = correlate::ParseExclusion(text);
    if (!exclusion.ok()) {
      std::fprintf(stderr, "bulwark serve: [correlation] exclusions: \"%s\": %s\n", text.c_str(),
                   exclusion.error().message.c_str());
      return kExitUsage;
    }
    correlation_options.exclusions.push_back(*exclusion);
  }
  ctx.correlation =
      std::make_shared<correlate::CorrelationService>(*app.value()->store, std::move(correlation_options));
  if (Status st = ctx.correlation->Start(); !st.ok()) {
    std::fprintf(stderr, "bulwark serve: building the correlation index: %s\n", st.error().message.c_str());
    return ExitCodeFor(st.error());
  }
  ctx.correlation->StartFollower();
  app.value()->hub->AddEventListener(
      [weak = std::weak_ptr<correlate::CorrelationService>(ctx.correlation)](const hub::Hub::EventNotice&) {
        if (auto service = weak.lock()) service->Poke();
      });
  // What events/add and attributes/add wrote goes to the follower as is: it then need not read it back.
  app.value()->hub->AddAttributesListener(
      [weak = std::weak_ptr<correlate::CorrelationService>(ctx.correlation)](const hub::Hub::AttributesNotice& n) {
        if (auto service = weak.lock()) {
          service->Offer(correlate::WrittenStateOf(n.seq, n.event, n.attributes, n.objects, n.whole_event));
        }
      });
  http::Router router;
  api::RegisterRoutes(router, ctx);
  auto server = http::HttpServer::Start(config.http, router, metrics, app.value()->log);
  if (!server.ok()) {
    std::fprintf(stderr, "bulwark serve: %s\n", server.error().message.c_str());
    return kExitFailure;
  }
  const std::string scheme = config.http.tls_cert_file.empty() ? "http" : "https";
  std::printf("bulwark %s serving %s on %s://%s/\n", BULWARK_VERSION, config.data_dir.c_str(), scheme.c_str(),
              server.value()->Endpoint().c_str());
  std::fflush(stdout);
  std::unique_ptr<feeds::TaxiiScheduler> pulls;
  if (!config.taxii_pulls.empty()) {
    auto scheduled = ScheduledPulls(*app.value(), config);
    if (!scheduled.ok()) {
      std::fprintf(stderr, "bulwark serve: [[taxii_pull]]: %s\n", scheduled.error().message.c_str());
      server.value()->Stop();
      return ExitCodeFor(scheduled.error());
    }
    pulls = std::move(scheduled).value();
    pulls->Start();
  }
  // Orphaned attachment files: swept now and every [attachments] sweep_interval_hours.
  std::unique_ptr<AttachmentSweeper> sweeper;
  if (config.attachment_sweep_hours > 0) {
    sweeper = std::make_unique<AttachmentSweeper>(*app.value(), config.data_dir,
                                                  std::chrono::hours(config.attachment_sweep_hours),
                                                  config.attachment_grace_hours * 3600);
    sweeper->Start();
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  app.value()->log->info("received signal {}, shutting down", sig);
  if (sweeper) sweeper->Stop();
  if (pulls) pulls->Stop();
  server.value()->Stop();
  app.value()->log->info("stopped cleanly");
  return kExitOk;
}

}  // namespace bulwark::cli
