// Sensor routes under /api/v1/sensor: the indicator feed a sensor loads and follows, and the batched
// sightings it reports back. Any authenticated user may call them; each sees what its organisation may see
// (hub::SensorFeed applies the access decision). The wire format is defined in hub/sensor_feed.h.
//
//   GET  /api/v1/sensor/indicators?page_after_event=ID&limit=N   a page of the full load
//   GET  /api/v1/sensor/indicators?after=SEQ&limit=N             the delta after change sequence SEQ
//   POST /api/v1/sensor/sightings                                {"batch_id", "sightings": [...]}, idempotent
//
// Indicators in the feed leave out what hub::DetectionExclusion excludes: warninglisted, expired or decayed
// (counted by reason in the page's "excluded").
#include <charconv>
#include <memory>

#include "api/api_util.h"
#include "api/routes_internal.h"
#include "hub/sensor_feed.h"

namespace bulwark::api {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr int64_t kDefaultFeedLimit = 50'000;

Result<std::optional<int64_t>> OptionalQueryInt(const HttpRequest& req, std::string_view name, int64_t min,
                                                int64_t max) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<int64_t>();
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || ptr != v->data() + v->size() || n < min || n > max) {
    return MakeError(ErrorCode::kBadRequest,
                     "query parameter '" + std::string(name) + "' must be a whole number from " + std::to_string(min) +
                         " to " + std::to_string(max),
                     std::string(name));
  }
  return std::optional<int64_t>(n);
}

}  // namespace

void RegisterSensorRoutes(http::Router& r, ApiContext& ctx) {
  auto feed = std::make_shared<hub::SensorFeed>(ctx.hub, hub::DetectionExclusion(ctx.hub));

  r.Add("GET", "/api/v1/sensor/indicators", "v1.sensor.indicators",
        Authed(ctx, [feed](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          const auto max = static_cast<int64_t>(feed->options().max_limit);
          BW_ASSIGN_OR_RETURN(auto after, OptionalQueryInt(req, "after", 0, INT64_MAX));
          BW_ASSIGN_OR_RETURN(auto page_after, OptionalQueryInt(req, "page_after_event", 0, INT64_MAX));
          BW_ASSIGN_OR_RETURN(auto limit, OptionalQueryInt(req, "limit", 1, max));
          if (after && page_after) {
            return MakeError(ErrorCode::kBadRequest, "give either after (a delta) or page_after_event (a full load)",
                             "after");
          }
          const size_t n = static_cast<size_t>(limit.value_or(std::min(kDefaultFeedLimit, max)));
          hub::FeedPage page;
          if (after) {
            BW_ASSIGN_OR_RETURN(page, feed->Delta(p, *after, n));
          } else {
            BW_ASSIGN_OR_RETURN(page, feed->FullPage(p, page_after.value_or(0), n));
          }
          return HttpResponse::Json(200, "{\"data\":" + hub::RenderFeedPage(page) + "}");
        }));

  r.Add("POST", "/api/v1/sensor/sightings", "v1.sensor.sightings",
        Authed(ctx, [&ctx, feed](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
          BW_ASSIGN_OR_RETURN(hub::SightingBatch batch, hub::SightingBatchFromJson(body));
          BW_ASSIGN_OR_RETURN(hub::SightingBatchResult result, feed->RecordSightings(p, batch));
          if (!result.high_threat_attribute_uuids.empty()) {
            ctx.log->info("sensor batch {} from {}: {} high-threat attribute(s) sighted", batch.batch_id, p.org.name,
                          result.high_threat_attribute_uuids.size());
          }
          return HttpResponse::Json(200, "{\"data\":" + hub::RenderSightingBatchResult(batch.batch_id, result) + "}");
        }));
}

}  // namespace bulwark::api
