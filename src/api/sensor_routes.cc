// Sensor routes under /api/v1/sensor: the indicator feed a sensor loads and follows, and the batched
// sightings it reports back. Any authenticated user may call them; each sees what its organisation may see
// (hub::SensorFeed applies the access decision). The wire format is defined in hub/sensor_feed.h.
//
//   GET  /api/v1/sensor/indicators?page_after_event=ID&limit=N   a page of the full load
//   GET  /api/v1/sensor/indicators?after=SEQ&limit=N             the delta after change sequence SEQ
//   POST /api/v1/sensor/sightings                                {"batch_id", "sightings": [...]}, idempotent
//   GET  /api/v1/alerts?after=ID&limit=N                         alerts the caller may see (sensor matches on
//                                                                attributes of high-threat events)
//   POST /api/v1/alerts/{id}/ack                                 acknowledge one
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

json::object RenderAlert(const model::Alert& a) {
  json::object o;
  o["id"] = std::to_string(a.id);
  o["created"] = a.created;
  o["org_id"] = std::to_string(a.org_id);
  o["user_id"] = std::to_string(a.user_id);
  o["source"] = a.source;
  o["event_id"] = std::to_string(a.event_id);
  o["event_uuid"] = a.event_uuid;
  o["attribute_id"] = std::to_string(a.attribute_id);
  o["attribute_uuid"] = a.attribute_uuid;
  o["value"] = a.value;
  o["acknowledged"] = a.acknowledged;
  if (a.acknowledged) {
    o["acknowledged_by"] = std::to_string(a.acknowledged_by);
    o["acknowledged_at"] = a.acknowledged_at;
  }
  return o;
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
          if (result.alerts_raised > 0) {
            ctx.log->warn("sensor batch {} from {}: {} alert(s) on high-threat event attributes", batch.batch_id,
                          p.org.name, result.alerts_raised);
          }
          return HttpResponse::Json(200, "{\"data\":" + hub::RenderSightingBatchResult(batch.batch_id, result) + "}");
        }));

  r.Add("GET", "/api/v1/alerts", "v1.alerts.list",
        Authed(ctx, [feed](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(auto after, OptionalQueryInt(req, "after", 0, INT64_MAX));
          BW_ASSIGN_OR_RETURN(auto limit, OptionalQueryInt(req, "limit", 1, 10'000));
          const size_t n = static_cast<size_t>(limit.value_or(100));
          BW_ASSIGN_OR_RETURN(auto alerts, feed->Alerts(p, after.value_or(0), n));
          json::array list;
          for (const auto& a : alerts) list.push_back(RenderAlert(a));
          json::object o;
          o["next_cursor"] = alerts.size() == n ? json::value(std::to_string(alerts.back().id)) : json::value(nullptr);
          o["data"] = std::move(list);
          return JsonResponse(200, o);
        }));

  r.Add("POST", "/api/v1/alerts/{id}/ack", "v1.alerts.ack",
        Authed(ctx, [feed](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          int64_t id = 0;
          const std::string ref = RefParam(req, "id");
          auto [ptr, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
          if (ec != std::errc() || ptr != ref.data() + ref.size() || id <= 0) {
            return MakeError(ErrorCode::kBadRequest, "the alert id must be a positive whole number", "id");
          }
          BW_ASSIGN_OR_RETURN(auto a, feed->AcknowledgeAlert(p, id));
          json::object o;
          o["data"] = RenderAlert(a);
          return JsonResponse(200, o);
        }));
}

}  // namespace bulwark::api
