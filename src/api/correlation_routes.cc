// Native correlation routes over correlate::CorrelationService:
//   GET /api/v1/attributes/{id}/correlations   an attribute's correlations (id or uuid)
//   GET /api/v1/events/{id}/correlations       an event's RelatedEvent list and per-attribute correlations
//   GET /api/v1/correlations/top?limit=N       the most correlated values (1-1000, default 20)
// Shapes follow MISP's events/view (RelatedEvent: [{"Event": {...}}], per attribute RelatedAttribute: [...])
// inside the native {"data": ...} envelope. Access is decided by the service (access module), per caller.
// When serve has not wired a service into ApiContext::correlation, one is created here; each query catches
// the index up with the store's change log first, so results are current either way.
#include <charconv>
#include <map>

#include "api/annotate.h"
#include "api/api_util.h"
#include "api/routes_internal.h"
#include "correlate/service.h"
#include "misp/misp_json.h"

namespace bulwark::api {
namespace {

using http::HttpRequest;
using http::HttpResponse;

std::string IdText(model::Id id) { return std::to_string(id); }

HttpResponse Data(json::value v) {
  json::object o;
  o["data"] = std::move(v);
  return JsonResponse(200, o);
}

std::optional<model::Id> NumericId(const std::string& text) {
  model::Id id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

correlate::CorrelationService& Service(ApiContext& ctx) { return *ctx.correlation; }

Result<model::Id> ResolveEventId(ApiContext& ctx, const std::string& ref) {
  if (auto id = NumericId(ref)) return *id;
  std::optional<model::Event> event;
  Status read = ctx.hub.store().Read([&](store::ReadTxn& t) -> Status {
    BW_ASSIGN_OR_RETURN(event, t.FindEventByUuid(ref));
    return Ok();
  });
  BW_RETURN_IF_ERROR(read);
  if (!event) return MakeError(ErrorCode::kNotFound, "event not found");
  return event->id;
}

}  // namespace

void RegisterCorrelationRoutes(http::Router& r, ApiContext& ctx) {
  if (!ctx.correlation) ctx.correlation = std::make_shared<correlate::CorrelationService>(ctx.hub.store());
  const std::string v1 = "/api/v1";
  auto add = [&](const std::string& path, const std::string& name, AuthedHandler h) {
    r.Add("GET", v1 + path, "v1." + name, Authed(ctx, std::move(h)));
  };

  add("/attributes/{id}/correlations", "attributes.correlations",
      [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
        std::string ref = RefParam(req, "id");
        auto id = NumericId(ref);
        BW_ASSIGN_OR_RETURN(auto ac, id ? Service(ctx).ForAttribute(p, *id) : Service(ctx).ForAttributeUuid(p, ref));
        return Data(RenderAttributeCorrelations(ac));
      });

  add("/events/{id}/correlations", "events.correlations",
      [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
        BW_ASSIGN_OR_RETURN(model::Id event_id, ResolveEventId(ctx, RefParam(req, "id")));
        BW_ASSIGN_OR_RETURN(auto ec, Service(ctx).ForEvent(p, event_id));
        std::map<model::Id, std::optional<model::Organisation>> orgs;
        misp::RenderContext rc;
        rc.org = [&](model::Id org_id) -> const model::Organisation* {
          auto [it, inserted] = orgs.try_emplace(org_id);
          if (inserted) {
            auto org = ctx.hub.GetOrganisation(org_id);
            if (org.ok()) it->second = *org;
          }
          return it->second ? &*it->second : nullptr;
        };
        json::array related_events = RenderRelatedEvents(ec.related_events, rc);
        for (size_t i = 0; i < related_events.size(); ++i) {
          related_events[i].as_object()["links"] = ec.related_events[i].links;
        }
        json::array attributes;
        for (const auto& ac : ec.attributes) attributes.push_back(RenderAttributeCorrelations(ac));
        json::object out;
        out["event_id"] = IdText(ec.event_id);
        out["RelatedEvent"] = std::move(related_events);
        out["Attribute"] = std::move(attributes);
        return Data(std::move(out));
      });

  add("/correlations/top", "correlations.top", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    int64_t limit = 20;
    if (auto v = req.Query("limit"); v && !v->empty()) {
      auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), limit);
      if (ec != std::errc() || ptr != v->data() + v->size() || limit < 1 || limit > 1000) {
        return MakeError(ErrorCode::kBadRequest, "query parameter 'limit' must be a whole number from 1 to 1000",
                         "limit");
      }
    }
    BW_ASSIGN_OR_RETURN(auto top, Service(ctx).Top(p, static_cast<size_t>(limit)));
    json::array out;
    for (const auto& t : top) {
      json::object o;
      o["value"] = t.value;
      o["attributes"] = t.attributes;
      o["events"] = t.events;
      o["over_correlating"] = t.over_correlating;
      out.push_back(std::move(o));
    }
    return Data(std::move(out));
  });
}

}  // namespace bulwark::api
