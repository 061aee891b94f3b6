// The hub's HTTP surface: native API (/api/v1), MISP-compatible routes at MISP's paths, /healthz, /metrics.
// Handlers translate HTTP to hub::Hub calls and back; no business rule lives here.
#pragma once

#include <memory>
#include <string>

#include "api/http/http.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/metrics.h"
#include "hub/hub.h"

namespace bulwark::api {
class RateLimiter;
}
namespace bulwark::correlate {
class CorrelationService;
}
namespace bulwark::warninglist {
class WarninglistSnapshot;
}

namespace bulwark::api {

inline constexpr const char* kMispCompatVersion = "2.5.1";  // the MISP version whose API we answer as

struct ApiContext {
  hub::Hub& hub;
  Metrics& metrics;
  const Clock& clock;
  Logger log;
  std::string version;          // Bulwark's own version
  size_t max_json_depth = 64;   // deeper request bodies are rejected with 400
  RateLimiter* rate_limiter = nullptr;  // per API key; nullptr: no limit
  // The correlation index for the correlation routes; nullptr: RegisterRoutes creates one over hub.store().
  std::shared_ptr<correlate::CorrelationService> correlation = nullptr;
  // The published warninglists; when null at start, the routes use the hub's (Hub::WarninglistSnapshot).
  std::shared_ptr<warninglist::WarninglistSnapshot> warninglists = nullptr;
};

// Registers every route of the hub on the router.
void RegisterRoutes(http::Router& router, ApiContext& ctx);

// The OpenAPI 3 description of /api/v1 and the MISP-compatible routes, as served at /api/v1/openapi.json.
std::string OpenApiDocument(const std::string& version);

}  // namespace bulwark::api
