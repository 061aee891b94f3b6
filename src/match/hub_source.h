// HubSource: the hub's sensor feed over HTTP (`bulwark match --hub URL --key KEY`). Load() walks
// GET /api/v1/sensor/indicators page by page (a full load) and keeps the first page's change sequence as the
// cursor; Poll(cursor) follows the delta from there until the hub says there is no more. The sensor's API key
// decides what it sees (its organisation's view, applied by the hub).
//
// Errors: kUnavailable when the hub cannot be reached, times out, or answers 5xx/429 (the caller keeps its
// snapshot and retries); kUnauthenticated / kForbidden for 401 / 403; kBadRequest for a response that is not
// the feed's format; kTooLarge past max_indicators. Never crashes on what the network sends.
// Thread-compatible: one caller at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "api/http/client.h"
#include "match/indicator.h"

namespace bulwark::match {

struct HubSourceOptions {
  std::string url;                     // the hub's base URL, e.g. "https://hub.example:8443"
  std::string api_key;                 // the sensor's key
  size_t page_limit = 50'000;          // Default: 50,000 indicators per request
  size_t max_indicators = 50'000'000;  // Default: 50 million per load or poll (a bound on memory)
  size_t max_requests = 100'000;       // Default: requests per Load/Poll before giving up (a loop guard)
  http::ClientOptions http;            // timeouts, TLS; max_body_bytes bounds one page
};

// kInvalid for a malformed URL or an empty key. Does not contact the hub.
Result<std::unique_ptr<IndicatorSource>> OpenHubSource(HubSourceOptions options);

// The error for a non-2xx answer of the hub: 401 -> kUnauthenticated, 403 -> kForbidden, 404 -> kNotFound,
// 400/413/422 -> kInvalid, 429 and 5xx -> kUnavailable; the message carries the hub's own message if any.
Error HubResponseError(const http::ClientResponse& response, std::string_view what);

}  // namespace bulwark::match
