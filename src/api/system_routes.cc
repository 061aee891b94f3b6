// Unauthenticated operational routes: /healthz, /metrics, the OpenAPI document and the index at /.
#include "api/api_util.h"
#include "api/routes_internal.h"

namespace bulwark::api {

void RegisterSystemRoutes(http::Router& r, ApiContext& ctx) {
  r.Add("GET", "/healthz", "healthz", [&ctx](http::HttpRequest&) {
    json::object o;
    Status st = ctx.hub.store().Read([](store::ReadTxn& txn) -> Status {
      auto seq = txn.LastChangeSeq();
      if (!seq.ok()) return std::move(seq).error();
      return Ok();
    });
    o["status"] = st.ok() ? "ok" : "unavailable";
    o["version"] = ctx.version;
    o["schema_version"] = ctx.hub.store().SchemaVersion();
    if (!st.ok()) o["error"] = st.error().message;
    return JsonResponse(st.ok() ? 200 : 503, o);
  });
  r.Add("GET", "/metrics", "metrics", [&ctx](http::HttpRequest&) {
    return http::HttpResponse::Text(200, ctx.metrics.RenderPrometheus(), "text/plain; version=0.0.4; charset=utf-8");
  });
  r.Add("GET", "/api/v1/openapi.json", "v1.openapi", [&ctx](http::HttpRequest&) {
    return http::HttpResponse::Json(200, OpenApiDocument(ctx.version));
  });
  r.Add("GET", "/", "index", [&ctx](http::HttpRequest&) {
    json::object o;
    o["name"] = "Bulwark";
    o["version"] = ctx.version;
    o["api"] = "/api/v1";
    o["openapi"] = "/api/v1/openapi.json";
    o["misp_compatible_version"] = kMispCompatVersion;
    o["health"] = "/healthz";
    return JsonResponse(200, o);
  });
}

void RegisterRoutes(http::Router& router, ApiContext& ctx) {
  RegisterSystemRoutes(router, ctx);
  RegisterNativeRoutes(router, ctx);
  RegisterMispEventRoutes(router, ctx);
  RegisterMispAdminRoutes(router, ctx);
  RegisterTaxiiRoutes(router, ctx);
  RegisterCorrelationRoutes(router, ctx);
  RegisterWarninglistRoutes(router, ctx);
  RegisterSensorRoutes(router, ctx);
}

}  // namespace bulwark::api
