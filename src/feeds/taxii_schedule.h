// Scheduled TAXII pulls inside `bulwark serve` (configured as [[taxii_pull]] tables, docs/configuration.md).
//
// Each pull runs feeds::PullTaxii at start and then `interval` after its previous run ended, as the given
// principal, with its cursor in the same state file `bulwark import taxii` uses for that (API root,
// collection): a manual import and the schedule continue each other. Pulls run one at a time on one thread
// (they are network-bound and import through the hub's single write path). A failed run (network, HTTP
// status, bad envelope) is logged, counted and retried at the next due time; objects imported before the
// failure stay imported and the cursor stays after them.
//
// Metrics (registered by the constructor): bulwark_taxii_pull_runs_total{pull,result="ok"|"error"},
// bulwark_taxii_pull_objects_total{pull}.
//
// Thread-safety: Start, Stop and Statuses may be called from any thread. Stop (and the destructor) cancels a
// running pull between two pages (what was pulled is imported and the cursor saved) and joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "common/metrics.h"
#include "feeds/taxii_client.h"

namespace bulwark::feeds {

struct ScheduledPull {
  std::string name;          // label in logs, status and metrics
  TaxiiPullOptions options;  // url, collection, credentials, page size, HTTP client options
  std::chrono::seconds interval{300};
};

struct PullStatus {
  std::string name;
  int64_t runs = 0;
  int64_t failures = 0;
  int64_t last_started = 0;   // epoch seconds; 0: never
  int64_t last_finished = 0;  // epoch seconds; 0: never
  size_t last_objects = 0;    // objects pulled by the last run
  std::string last_error;     // empty after a successful run
  std::string cursor;         // X-TAXII-Date-Added-Last of the last imported page
};

class TaxiiScheduler {
 public:
  TaxiiScheduler(hub::Hub& hub, access::Principal principal, std::string data_dir, const Clock& clock, Logger log,
                 Metrics& metrics, std::vector<ScheduledPull> pulls);
  ~TaxiiScheduler();
  TaxiiScheduler(const TaxiiScheduler&) = delete;
  TaxiiScheduler& operator=(const TaxiiScheduler&) = delete;

  void Start();  // idempotent
  void Stop();   // idempotent
  std::vector<PullStatus> Statuses() const;

 private:
  void Run(std::stop_token stop);
  void RunOne(size_t index, const std::stop_token& stop);

  hub::Hub& hub_;
  access::Principal principal_;
  std::string data_dir_;
  const Clock& clock_;
  Logger log_;
  std::vector<ScheduledPull> pulls_;
  std::vector<Counter*> ok_runs_;
  std::vector<Counter*> failed_runs_;
  std::vector<Counter*> objects_;

  mutable std::mutex mu_;
  std::condition_variable_any wake_;
  std::vector<PullStatus> status_;
  std::jthread thread_;
};

}  // namespace bulwark::feeds
