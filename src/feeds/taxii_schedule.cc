#include "feeds/taxii_schedule.h"

#include <algorithm>
#include <utility>

namespace bulwark::feeds {

TaxiiScheduler::TaxiiScheduler(hub::Hub& hub, access::Principal principal, std::string data_dir,
                               const Clock& clock, Logger log, Metrics& metrics, std::vector<ScheduledPull> pulls)
    : hub_(hub),
      principal_(std::move(principal)),
      data_dir_(std::move(data_dir)),
      clock_(clock),
      log_(std::move(log)),
      pulls_(std::move(pulls)) {
  CounterFamily& runs =
      metrics.RegisterCounter("bulwark_taxii_pull_runs_total", "Scheduled TAXII pull runs.", {"pull", "result"});
  CounterFamily& objects =
      metrics.RegisterCounter("bulwark_taxii_pull_objects_total", "Objects pulled by scheduled TAXII pulls.", {"pull"});
  for (const ScheduledPull& p : pulls_) {
    ok_runs_.push_back(&runs.WithLabels({p.name, "ok"}));
    failed_runs_.push_back(&runs.WithLabels({p.name, "error"}));
    objects_.push_back(&objects.WithLabels({p.name}));
    PullStatus s;
    s.name = p.name;
    status_.push_back(std::move(s));
  }
}

TaxiiScheduler::~TaxiiScheduler() { Stop(); }

void TaxiiScheduler::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || pulls_.empty()) return;
  thread_ = std::jthread([this](std::stop_token stop) { Run(std::move(stop)); });
}

void TaxiiScheduler::Stop() {
  std::jthread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    thread = std::move(thread_);
  }
  if (!thread.joinable()) return;
  thread.request_stop();
  wake_.notify_all();
  thread.join();
}

std::vector<PullStatus> TaxiiScheduler::Statuses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void TaxiiScheduler::Run(std::stop_token stop) {
  using SteadyClock = std::chrono::steady_clock;
  std::vector<SteadyClock::time_point> due(pulls_.size(), SteadyClock::now());
  while (!stop.stop_requested()) {
    const size_t next = static_cast<size_t>(std::min_element(due.begin(), due.end()) - due.begin());
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_until(lock, stop, due[next], [] { return false; });  // until due, or until stopped
    }
    if (stop.stop_requested()) break;
    RunOne(next, stop);
    due[next] = SteadyClock::now() + pulls_[next].interval;
  }
}

void TaxiiScheduler::RunOne(size_t index, const std::stop_token& stop) {
  const ScheduledPull& pull = pulls_[index];
  const int64_t started = clock_.NowSeconds();
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_[index].last_started = started;
  }
  TaxiiPullOptions options = pull.options;
  options.cancelled = [&stop] { return stop.stop_requested(); };
  options.progress = [this, &pull](const std::string& line) { log_->debug("taxii pull {}: {}", pull.name, line); };
  Result<TaxiiReport> report = PullTaxiiResuming(hub_, principal_, std::move(options), data_dir_, clock_);
  std::lock_guard<std::mutex> lock(mu_);
  PullStatus& s = status_[index];
  ++s.runs;
  s.last_finished = clock_.NowSeconds();
  if (report.ok()) {
    ok_runs_[index]->Inc();
    objects_[index]->Inc(report->objects);
    s.last_objects = report->objects;
    s.last_error.clear();
    if (!report->cursor.empty()) s.cursor = report->cursor;
    log_->info("taxii pull {}: {} objects in {} pages{}; cursor {}", pull.name, report->objects, report->pages,
               report->cancelled ? " (stopped by shutdown)" : "", s.cursor.empty() ? "-" : s.cursor);
  } else {
    failed_runs_[index]->Inc();
    ++s.failures;
    s.last_objects = 0;
    s.last_error = report.error().message;
    log_->warn("taxii pull {} failed (next try in {} s): {}", pull.name, pull.interval.count(), s.last_error);
  }
}

}  // namespace bulwark::feeds
