// A TAXII 2.1 client that pulls one collection into the hub (taxii-v2.1 §3.4-3.5, §5.4): GET
// {api-root}/collections/{id}/objects/ with Accept: application/taxii+json;version=2.1, limit, added_after;
// follows `next` while `more` is true, or, when a page says more without a next, continues with
// added_after = X-TAXII-Date-Added-Last. Objects are mapped with stix::mapping::StixToEvents in batches and
// imported through EventImporter.
//
// Incremental and resumable: after each imported batch the page's X-TAXII-Date-Added-Last is saved as the
// FeedState cursor (keyed by api root + collection); the next run starts with added_after = cursor, so an
// interrupted pull resumes after the last batch that reached the hub.
//
// Authentication: HTTP Basic (user + password), or an API key sent as "Authorization: Bearer <key>".
// Limits: each page is bounded by http::ClientOptions::max_body_bytes; a server that keeps answering
// more:true with empty pages and no progress is stopped after kMaxEmptyPages.
//
// Known limit: references between objects of different batches (kBatchObjects apart) are not resolved by the
// mapping (each batch is mapped on its own); objects whose report is in another batch land in the batch's
// loose-objects event (one event per pulled collection, merged across batches and runs).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "api/http/client.h"
#include "common/clock.h"
#include "common/result.h"
#include "feeds/feed_state.h"
#include "feeds/stix_import.h"

namespace bulwark::feeds {

inline constexpr size_t kMaxEmptyPages = 3;

struct TaxiiPullOptions {
  std::string url;         // the API root (".../taxii2/root/") or the discovery URL (".../taxii2/": default root)
  std::string collection;  // collection id
  std::string user;        // Basic auth user (with password)
  std::string password;
  std::string key;         // API key (Bearer), when no user is given
  std::optional<std::string> added_after;  // overrides the saved cursor
  size_t page_size = 1000;                 // Default: 1000 objects per request
  size_t batch_objects = 20'000;           // Default: objects mapped and imported together
  http::ClientOptions http;
  ProgressFn progress;
  std::function<Status(const FeedState&)> save_state;  // may be empty
  // Asked before each page request (may be empty): true ends the pull early, after importing what was pulled
  // and saving the cursor, with TaxiiReport::cancelled set. For shutdown of scheduled pulls.
  std::function<bool()> cancelled;
};

struct TaxiiReport {
  StixReport stix;
  size_t pages = 0;
  size_t objects = 0;
  std::string objects_url;
  std::string cursor;  // the last X-TAXII-Date-Added-Last imported
  bool cancelled = false;
};

// The key under which the cursor of (api root, collection) is saved.
std::string TaxiiStateKey(const std::string& objects_url);

// Resolves the objects URL of the collection (fetching the discovery resource when `url` is one).
Result<std::string> TaxiiObjectsUrl(const TaxiiPullOptions& options);

// Pulls and imports. Errors: kUnavailable for network errors and HTTP statuses other than 200 (the message
// carries the status and the start of the TAXII error body), kBadRequest for a response that is not an
// envelope, and fatal hub errors. Objects already imported stay imported when a later page fails.
Result<TaxiiReport> PullTaxii(hub::Hub& hub, const access::Principal& principal, const TaxiiPullOptions& options,
                              FeedState& state);

// PullTaxii with the cursor remembered in `data_dir` for this (API root, collection): loaded before the pull
// (options.added_after, when set, still overrides it) and saved after each imported batch. What
// `bulwark import taxii` and the scheduled pulls of `serve` (feeds/taxii_schedule.h) run, so they continue each
// other. options.save_state is replaced. Errors: those of TaxiiObjectsUrl, LoadFeedState and PullTaxii.
Result<TaxiiReport> PullTaxiiResuming(hub::Hub& hub, const access::Principal& principal, TaxiiPullOptions options,
                                      const std::string& data_dir, const Clock& clock);

}  // namespace bulwark::feeds
