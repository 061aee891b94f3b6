// MISP-compatible routes for events, attributes and objects, at MISP's own paths and in MISP's envelopes.
#include <memory>
#include <stdexcept>

#include <charconv>

#include "api/annotate.h"
#include "api/api_util.h"
#include "api/attachments.h"
#include "api/export_stream.h"
#include "api/render_cache.h"
#include "api/routes_internal.h"
#include "misp/misp_write.h"

namespace bulwark::api {
namespace {

using http::HttpRequest;
using http::HttpResponse;

// With attachment data, streamed replies stop filling a chunk once it holds this much, so that a search over
// many samples never holds more than about one chunk (plus one sample) of data.
constexpr size_t kAttachmentChunkBytes = 4u << 20;

Result<bool> HardDelete(const HttpRequest& req, const json::value& body) {
  if (req.Param("hard") == "1" || req.Query("hard") == "1") return true;
  if (body.is_object()) {
    BW_ASSIGN_OR_RETURN(auto hard, misp::GetBool(body.get_object(), "hard", ""));
    return hard.value_or(false);
  }
  return false;
}

// Streams {"response":[{"Event":...},...]}: events are fetched a batch at a time (a MISP page, limit + page,
// is one batch) and rendered a few per chunk, so memory stays bounded by the batch. The first batch is fetched
// before the response starts, so a bad request is a proper 4xx; a failure on a later batch closes the
// connection without the final chunk, which the client sees as a truncated body.
Result<HttpResponse> StreamEvents(ApiContext& ctx, const access::Principal& p, hub::SearchRequest req,
                                  bool with_attachments) {
  struct State {
    hub::SearchRequest req;
    bool with_attachments = false;
    std::unique_ptr<Annotator> annotator;  // includeDecayScore or includeCorrelations only
    std::vector<model::Event> batch;
    size_t pos = 0;
    bool first = true;
    bool exhausted = false;
  };
  auto state = std::make_shared<State>();
  const bool paged = req.limit > 0;  // MISP paging: exactly one page, fetched at once
  if (!paged) req.limit = 100;
  state->req = std::move(req);
  state->with_attachments = with_attachments;
  if (state->req.include_decay_score || state->req.include_correlations) {
    state->annotator = std::make_unique<Annotator>(ctx, p);
    state->annotator->set_decaying_models(state->req.decaying_models);
    state->annotator->set_lifecycle_evaluator(ctx.hub.LifecycleEvaluatorFor(state->req));
  }
  auto fetch = [&ctx, p, state, paged]() -> Status {
    state->batch.clear();
    state->pos = 0;
    BW_RETURN_IF_ERROR(ctx.hub.SearchEvents(p, state->req, [&](model::Event& e) {
      state->batch.push_back(std::move(e));
      return true;
    }));
    if (paged || state->batch.size() < state->req.limit) state->exhausted = true;
    if (!state->batch.empty()) state->req.after_id = state->batch.back().id;
    return Ok();
  };
  BW_RETURN_IF_ERROR(fetch());
  return Streamed(200, [&ctx, state, fetch](std::string& out) {
    if (state->first) out += "{\"response\":[";
    if (state->pos == state->batch.size() && !state->exhausted) {
      Status st = fetch();
      if (!st.ok()) throw std::runtime_error("events/restSearch: " + st.error().message);
    }
    RenderCache cache(ctx.hub);
    auto rctx = cache.Context();
    const int per_chunk = state->with_attachments ? 1 : 8;  // an event with its samples can be large
    for (int n = 0; n < per_chunk && state->pos < state->batch.size(); ++n) {
      if (!state->first) out += ",";
      state->first = false;
      out += "{\"Event\":";
      const model::Event& e = state->batch[state->pos++];
      if (state->annotator || state->with_attachments) {
        json::object rendered = misp::RenderEvent(e, rctx);
        if (state->req.include_decay_score) state->annotator->AddDecayScores(e, rendered);
        if (state->req.include_correlations) state->annotator->AddEventCorrelations(e, rendered, rctx);
        if (state->with_attachments) {
          Status st = AddEventAttachmentData(ctx.hub, e, rendered);
          if (!st.ok()) throw std::runtime_error("events/restSearch: " + st.error().message);
        }
        out += json::serialize(rendered);
      } else {
        misp::WriteEvent(out, e, rctx);
      }
      out += "}";
    }
    state->first = false;
    const bool done = state->pos == state->batch.size() && state->exhausted;
    if (done) out += "]}";
    return !done;
  });
}

// Streams {"response":{"Attribute":[...]}} in id order, 2,000 attributes per batch. MISP paging (limit and
// page) gives one bounded page. Errors as for StreamEvents.
Result<HttpResponse> StreamAttributes(ApiContext& ctx, const access::Principal& p, hub::SearchRequest req,
                                      bool with_attachments) {
  struct State {
    hub::SearchRequest req;
    bool with_attachments = false;
    // withAttachments, includeCorrelations: rows copied out of the scan and rendered after it (reading the data or
    // the correlations reads the store again), a few per chunk so that at most about kAttachmentChunkBytes of
    // data is held at once.
    std::vector<std::pair<model::Attribute, model::Event>> rows;
    size_t next_row = 0;
    std::unique_ptr<Annotator> annotator;  // includeDecayScore or includeCorrelations only
    std::string pending;  // rendered rows not yet handed out
    bool first = true;
    bool exhausted = false;
    size_t remaining = SIZE_MAX;
  };
  auto state = std::make_shared<State>();
  const bool misp_page = req.limit > 0 && req.page > 1;
  if (req.limit > 0) state->remaining = req.limit;
  state->req = std::move(req);
  state->with_attachments = with_attachments;
  if (state->req.include_decay_score || state->req.include_correlations) {
    state->annotator = std::make_unique<Annotator>(ctx, p);
    state->annotator->set_decaying_models(state->req.decaying_models);
    state->annotator->set_lifecycle_evaluator(ctx.hub.LifecycleEvaluatorFor(state->req));
  }
  auto write = [&ctx, state](const model::Attribute& attribute, const model::Event& event) -> Status {
    if (!state->first) state->pending += ",";
    state->first = false;
    misp::WriteAttribute(state->pending, attribute, &event);
    json::object extra;
    if (state->req.include_decay_score) state->annotator->AddDecayScore(event, attribute, extra);
    if (state->req.include_correlations) state->annotator->AddAttributeCorrelations(attribute, extra);
    if (state->with_attachments) BW_RETURN_IF_ERROR(AddAttachmentData(ctx.hub, attribute, extra));
    if (!extra.empty()) misp::AppendMembers(state->pending, extra);
    return Ok();
  };
  auto fetch = [&ctx, p, state, misp_page, write]() -> Status {
    hub::SearchRequest batch = state->req;
    if (!misp_page) {
      batch.page = 1;
      batch.limit = std::min<size_t>(state->remaining, 2000);
    }
    size_t n = 0;
    BW_RETURN_IF_ERROR(ctx.hub.SearchAttributes(p, batch, [&](const store::AttributeRow& row) {
      state->req.after_id = row.attribute.id;
      ++n;
      if (state->with_attachments || state->req.include_correlations) {
        state->rows.emplace_back(row.attribute, row.event);  // annotated after the scan: both read the store
        return true;
      }
      return write(row.attribute, row.event).ok();  // without attachments, writing cannot fail
    }));
    if (state->remaining != SIZE_MAX) state->remaining -= std::min(n, state->remaining);
    if (misp_page || n < batch.limit || state->remaining == 0) state->exhausted = true;
    return Ok();
  };
  BW_RETURN_IF_ERROR(fetch());
  bool started = false;
  return Streamed(200, [state, fetch, write, started](std::string& out) mutable {
    if (!started) {
      out += "{\"response\":{\"Attribute\":[";
      started = true;
    } else if (!state->exhausted && state->next_row == state->rows.size()) {
      state->rows.clear();
      state->next_row = 0;
      Status st = fetch();
      if (!st.ok()) throw std::runtime_error("attributes/restSearch: " + st.error().message);
    }
    while (state->next_row < state->rows.size() && state->pending.size() < kAttachmentChunkBytes) {
      const auto& [attribute, event] = state->rows[state->next_row++];
      Status st = write(attribute, event);
      if (!st.ok()) throw std::runtime_error("attributes/restSearch: " + st.error().message);
    }
    out += state->pending;
    state->pending.clear();
    if (state->exhausted && state->next_row == state->rows.size()) {
      out += "]}}";
      return false;
    }
    return true;
  });
}

// A restSearch answer in an export format (returnFormat other than json), streamed batch by batch.
Result<HttpResponse> StreamExport(ApiContext& ctx, const access::Principal& p, hub::SearchRequest req,
                                  ExportScope scope, bool with_attachments) {
  const std::string format = req.return_format;
  BW_ASSIGN_OR_RETURN(std::unique_ptr<ExportCursor> opened,
                      ExportCursor::Open(ctx.hub, p, std::move(req), scope, format, exporter::ExportOptions{},
                                         with_attachments ? AttachmentContent::kInclude : AttachmentContent::kOmit));
  std::shared_ptr<ExportCursor> cursor = std::move(opened);
  HttpResponse r = Streamed(200, [cursor, format](std::string& out) {
    Result<bool> more = cursor->Next(out);
    if (!more.ok()) throw std::runtime_error(format + " export: " + more.error().message);
    return *more;
  });
  r.content_type = std::string(cursor->ContentType());
  return r;
}

// {controller}/delete/{id}[/{hard}] by POST or DELETE: soft delete, or hard with /1, ?hard=1 or {"hard": 1}.
using DeleteFn = Status (hub::Hub::*)(const access::Principal&, const std::string&, hub::Hub::DeleteMode);
void RegisterDeleteRoutes(http::Router& r, ApiContext& ctx, const std::string& controller, const std::string& noun,
                          DeleteFn del) {
  auto handler = [&ctx, noun, del](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseOptionalObjectBody(ctx, req));
    BW_ASSIGN_OR_RETURN(const bool hard, HardDelete(req, body));
    BW_RETURN_IF_ERROR((ctx.hub.*del)(p, RefParam(req, "id"), hard ? hub::Hub::DeleteMode::kHard : hub::Hub::DeleteMode::kSoft));
    json::object o;
    o["message"] = noun + (hard ? " permanently deleted." : " deleted.");
    return JsonResponse(200, o);
  };
  for (const std::string suffix : {"/delete/{id}", "/delete/{id}/{hard}"}) {
    r.Add("POST", "/" + controller + suffix, "misp." + controller + ".delete", Authed(ctx, handler));
    r.Add("DELETE", "/" + controller + suffix, "misp." + controller + ".delete", Authed(ctx, handler));
  }
}

// attributes/add|edit: the attribute as attributes/view writes it, with its warninglist hits.
void WriteWithWarnings(std::string& out, const Annotator& annotator, const model::Attribute& a) {
  misp::WriteAttribute(out, a, nullptr);
  json::object extra;
  annotator.AddWarnings(a, extra);
  misp::AppendMembers(out, extra);
}

// With `attachments_from` (may be null), the attribute's data too.
Result<http::HttpResponse> AttributeReply(const Annotator& annotator, const model::Attribute& a,
                                          hub::Hub* attachments_from = nullptr) {
  std::string body = "{\"Attribute\":";
  WriteWithWarnings(body, annotator, a);
  if (attachments_from) {
    json::object extra;
    BW_RETURN_IF_ERROR(AddAttachmentData(*attachments_from, a, extra));
    if (!extra.empty()) misp::AppendMembers(body, extra);
  }
  body += '}';
  return http::HttpResponse::Json(200, std::move(body));
}

// The rendered object's "Attribute" list is in the order of o.attributes.
void AnnotateObjectAttributes(const Annotator& annotator, const model::Object& o, json::object& rendered) {
  auto* list = rendered.if_contains("Attribute");
  if (list == nullptr || !list->is_array()) return;
  auto& arr = list->get_array();
  for (size_t i = 0; i < arr.size() && i < o.attributes.size(); ++i) {
    if (arr[i].is_object()) annotator.Annotate(o.attributes[i], arr[i].get_object());
  }
}

}  // namespace

HttpResponse StreamEventView(RenderCache& cache, model::Event event, std::shared_ptr<const Annotator> annotator,
                             hub::Hub* attachments_from) {
  // The header (everything but the children) is rendered once as a tree, so annotations can join it; the
  // children are written as text into its empty "Attribute":[] and "Object":[] a few hundred at a time, so no
  // JSON tree of the whole event is ever built.
  const misp::RenderContext header_context = cache.Context(false);
  json::object rendered = misp::RenderEvent(event, header_context);
  if (annotator) annotator->AddRelatedEvents(rendered, header_context);
  Result<misp::EventFrame> frame = misp::FrameEvent(Enveloped("Event", std::move(rendered)));
  if (!frame.ok()) return http::ErrorResponse(frame.error(), "");  // not expected: RenderEvent always has both
  struct State {
    model::Event event;
    std::shared_ptr<const Annotator> annotator;
    hub::Hub* attachments_from = nullptr;
    misp::EventFrame frame;
    int stage = 0;  // 0 head, 1 attributes, 2 middle, 3 objects, 4 tail
    size_t pos = 0;
  };
  auto st = std::make_shared<State>();
  st->event = std::move(event);
  st->annotator = std::move(annotator);
  st->attachments_from = attachments_from;
  st->frame = std::move(frame).value();
  return Streamed(200, [st](std::string& out) {
    constexpr size_t kPerChunk = 256;
    switch (st->stage) {
      case 0:
        out += st->frame.head;
        st->stage = 1;
        return true;
      case 1:
        for (size_t n = 0; n < kPerChunk && st->pos < st->event.attributes.size() && out.size() < kAttachmentChunkBytes;
             ++n, ++st->pos) {
          if (st->pos > 0) out += ',';
          const model::Attribute& a = st->event.attributes[st->pos];
          misp::WriteEventAttribute(out, a);
          json::object extra;
          if (st->annotator) st->annotator->Annotate(a, extra);
          if (st->attachments_from) {
            Status added = AddAttachmentData(*st->attachments_from, a, extra);
            if (!added.ok()) throw std::runtime_error("event view: " + added.error().message);
          }
          if (!extra.empty()) misp::AppendMembers(out, extra);
        }
        if (st->pos == st->event.attributes.size()) {
          st->stage = 2;
          st->pos = 0;
        }
        return true;
      case 2:
        out += st->frame.middle;
        st->stage = 3;
        return true;
      case 3:
        for (size_t n = 0;
             n < kPerChunk / 8 && st->pos < st->event.objects.size() && out.size() < kAttachmentChunkBytes;
             ++n, ++st->pos) {
          if (st->pos > 0) out += ',';
          const model::Object& o = st->event.objects[st->pos];
          if (st->annotator || st->attachments_from) {
            json::object rendered_object = misp::RenderEventObject(o);
            if (st->annotator) AnnotateObjectAttributes(*st->annotator, o, rendered_object);
            if (st->attachments_from) {
              Status added = AddObjectAttachmentData(*st->attachments_from, o, rendered_object);
              if (!added.ok()) throw std::runtime_error("event view: " + added.error().message);
            }
            out += json::serialize(rendered_object);
          } else {
            misp::WriteObject(out, o, true);
          }
        }
        if (st->pos == st->event.objects.size()) st->stage = 4;
        return true;
      default:
        out += st->frame.tail;
        return false;
    }
  });
}

void RegisterMispEventRoutes(http::Router& r, ApiContext& ctx) {
  // ---- Events
  r.Add("POST", "/events/add", "misp.events.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    if (!body.is_object()) return MakeError(ErrorCode::kBadRequest, "events/add takes an Event JSON object");
    BW_ASSIGN_OR_RETURN(misp::EventInput in, misp::ParseEvent(body));
    BW_ASSIGN_OR_RETURN(model::Event e, ctx.hub.AddEvent(p, std::move(in)));
    RenderCache cache(ctx.hub);
    return StreamEventView(cache, std::move(e), nullptr);
  }));
  auto edit = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    if (!body.is_object()) return MakeError(ErrorCode::kBadRequest, "events/edit takes an Event JSON object");
    BW_ASSIGN_OR_RETURN(misp::EventInput in, misp::ParseEvent(body));
    BW_ASSIGN_OR_RETURN(model::Event e, ctx.hub.EditEvent(p, hub::EventRef{RefParam(req, "id")}, std::move(in)));
    RenderCache cache(ctx.hub);
    return StreamEventView(cache, std::move(e), nullptr);
  };
  r.Add("POST", "/events/edit/{id}", "misp.events.edit", Authed(ctx, edit));
  r.Add("PUT", "/events/edit/{id}", "misp.events.edit", Authed(ctx, edit));
  auto del = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    const std::string id = RefParam(req, "id");
    BW_RETURN_IF_ERROR(ctx.hub.DeleteEvent(p, hub::EventRef{id}));
    return ActionReply(req, "Event deleted.", id);
  };
  r.Add("POST", "/events/delete/{id}", "misp.events.delete", Authed(ctx, del));
  r.Add("DELETE", "/events/delete/{id}", "misp.events.delete", Authed(ctx, del));
  for (bool publish : {true, false}) {
    r.Add("POST", publish ? "/events/publish/{id}" : "/events/unpublish/{id}",
          publish ? "misp.events.publish" : "misp.events.unpublish",
          Authed(ctx, [&ctx, publish](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
            const std::string id = RefParam(req, "id");
            BW_ASSIGN_OR_RETURN(model::Event e, ctx.hub.PublishEvent(p, hub::EventRef{id}, publish));
            return ActionReply(req, publish ? "Event published." : "Event unpublished.", std::to_string(e.id));
          }));
  }
  r.Add("GET", "/events/view/{id}", "misp.events.view", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    const auto deleted = req.Query("deleted") == "1" ? store::DeletedFilter::kInclude : store::DeletedFilter::kExclude;
    // MISP's REST events/view embeds attachment data unless told not to (includeAttachments:0).
    BW_ASSIGN_OR_RETURN(const bool with_attachments, WantsAttachments(req, json::value(nullptr), true));
    BW_ASSIGN_OR_RETURN(model::Event e, ctx.hub.ViewEvent(p, hub::EventRef{RefParam(req, "id")}, deleted));
    RenderCache cache(ctx.hub);
    auto annotator = std::make_shared<Annotator>(ctx, p);
    annotator->LoadEventCorrelations(e.id);
    return StreamEventView(cache, std::move(e), std::move(annotator), with_attachments ? &ctx.hub : nullptr);
  }));
  auto index = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    json::value body(nullptr);
    if (req.method == "POST") {
      BW_ASSIGN_OR_RETURN(body, ParseJsonBody(ctx, req));
    }
    BW_ASSIGN_OR_RETURN(hub::SearchRequest sr, hub::ParseSearchRequest(body, ctx.clock));
    if (auto l = req.Query("limit")) {
      size_t n = 0;
      if (std::from_chars(l->data(), l->data() + l->size(), n).ec == std::errc()) sr.limit = n;
    }
    if (auto pg = req.Query("page")) {
      size_t n = 0;
      if (std::from_chars(pg->data(), pg->data() + pg->size(), n).ec == std::errc() && n > 0) sr.page = n;
    }
    json::array out;
    RenderCache cache(ctx.hub);
    auto rctx = cache.Context(false);
    BW_RETURN_IF_ERROR(ctx.hub.IndexEvents(p, sr, [&](const model::Event& e) {
      out.emplace_back(misp::RenderEventIndexEntry(e, rctx));
      return true;
    }));
    HttpResponse resp = JsonResponse(200, out);
    resp.headers.emplace_back("X-Result-Count", std::to_string(out.size()));
    return resp;
  };
  r.Add("GET", "/events/index", "misp.events.index", Authed(ctx, index));
  r.Add("POST", "/events/index", "misp.events.index", Authed(ctx, index));
  r.Add("POST", "/events/restSearch", "misp.events.restSearch", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(hub::SearchRequest sr, hub::ParseSearchRequest(body, ctx.clock));
    BW_ASSIGN_OR_RETURN(const bool with_attachments, WantsAttachments(req, body, false));
    if (sr.return_format != "json") return StreamExport(ctx, p, std::move(sr), ExportScope::kEvents, with_attachments);
    return StreamEvents(ctx, p, std::move(sr), with_attachments);
  }));

  // ---- Attributes
  r.Add("POST", "/attributes/add/{event_id}", "misp.attributes.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    const bool is_list = body.is_array() ||
                         (body.is_object() && body.get_object().contains("Attribute") && body.get_object().at("Attribute").is_array());
    BW_ASSIGN_OR_RETURN(std::vector<misp::AttributeInput> in, misp::ParseAttributeList(body));
    BW_ASSIGN_OR_RETURN(auto added, ctx.hub.AddAttributes(p, hub::EventRef{RefParam(req, "event_id")}, std::move(in)));
    const Annotator annotator(ctx, p);
    if (!is_list && added.size() == 1) return AttributeReply(annotator, added[0]);
    std::string reply = "{\"Attribute\":[";
    for (size_t i = 0; i < added.size(); ++i) {
      if (i > 0) reply += ',';
      WriteWithWarnings(reply, annotator, added[i]);
    }
    reply += "]}";
    return http::HttpResponse::Json(200, std::move(reply));
  }));
  auto attr_edit = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::AttributeInput in, misp::ParseAttribute(body));
    BW_ASSIGN_OR_RETURN(model::Attribute a, ctx.hub.EditAttribute(p, RefParam(req, "id"), std::move(in)));
    return AttributeReply(Annotator(ctx, p), a);
  };
  r.Add("POST", "/attributes/edit/{id}", "misp.attributes.edit", Authed(ctx, attr_edit));
  r.Add("PUT", "/attributes/edit/{id}", "misp.attributes.edit", Authed(ctx, attr_edit));
  RegisterDeleteRoutes(r, ctx, "attributes", "Attribute", &hub::Hub::DeleteAttribute);
  r.Add("POST", "/attributes/restore/{id}", "misp.attributes.restore", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(model::Attribute a, ctx.hub.RestoreAttribute(p, RefParam(req, "id")));
    return JsonResponse(200, Enveloped("Attribute", misp::RenderAttribute(a, nullptr)));
  }));
  r.Add("GET", "/attributes/view/{id}", "misp.attributes.view", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    // MISP's REST attributes/view always embeds attachment data; ?withAttachments=0 leaves it out.
    BW_ASSIGN_OR_RETURN(const bool with_attachments, WantsAttachments(req, json::value(nullptr), true));
    BW_ASSIGN_OR_RETURN(auto v, ctx.hub.ViewAttribute(p, RefParam(req, "id")));
    return AttributeReply(Annotator(ctx, p), v.attribute, with_attachments ? &ctx.hub : nullptr);
  }));
  r.Add("GET", "/attributes/downloadAttachment/download/{id}", "misp.attributes.downloadAttachment",
        Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(hub::Hub::AttachmentFile file, ctx.hub.DownloadAttachment(p, RefParam(req, "id")));
          return AttachmentDownload(std::move(file), DownloadForm::kMisp);
        }));
  r.Add("POST", "/attributes/restSearch", "misp.attributes.restSearch", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(hub::SearchRequest sr, hub::ParseSearchRequest(body, ctx.clock));
    BW_ASSIGN_OR_RETURN(const bool with_attachments, WantsAttachments(req, body, false));
    if (sr.return_format != "json") return StreamExport(ctx, p, std::move(sr), ExportScope::kAttributes, with_attachments);
    return StreamAttributes(ctx, p, std::move(sr), with_attachments);
  }));
  r.Add("GET", "/attributes/describeTypes.json", "misp.attributes.describeTypes", Authed(ctx, [&](HttpRequest&, const access::Principal&) -> Result<HttpResponse> {
    return JsonResponse(200, DescribeTypes());
  }));

  // ---- Objects
  r.Add("POST", "/objects/add/{event_id}", "misp.objects.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::ObjectInput in, misp::ParseObject(body));
    BW_ASSIGN_OR_RETURN(model::Object o, ctx.hub.AddObject(p, hub::EventRef{RefParam(req, "event_id")}, std::move(in)));
    RenderCache cache(ctx.hub);
    return JsonResponse(200, Enveloped("Object", misp::RenderObject(o, cache.Context())));
  }));
  auto obj_edit = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::ObjectInput in, misp::ParseObject(body));
    BW_ASSIGN_OR_RETURN(model::Object o, ctx.hub.EditObject(p, RefParam(req, "id"), std::move(in)));
    RenderCache cache(ctx.hub);
    return JsonResponse(200, Enveloped("Object", misp::RenderObject(o, cache.Context())));
  };
  r.Add("POST", "/objects/edit/{id}", "misp.objects.edit", Authed(ctx, obj_edit));
  r.Add("PUT", "/objects/edit/{id}", "misp.objects.edit", Authed(ctx, obj_edit));
  RegisterDeleteRoutes(r, ctx, "objects", "Object", &hub::Hub::DeleteObject);

  // ---- Object views and references
  r.Add("GET", "/objects/view/{id}", "misp.objects.view", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    const auto deleted = req.Query("deleted") == "1" ? store::DeletedFilter::kInclude : store::DeletedFilter::kExclude;
    BW_ASSIGN_OR_RETURN(model::Object o, ctx.hub.ViewObject(p, RefParam(req, "id"), deleted));
    RenderCache cache(ctx.hub);
    return JsonResponse(200, Enveloped("Object", misp::RenderObject(o, cache.Context())));
  }));
  r.Add("POST", "/objectReferences/add/{object_id}", "misp.objectReferences.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::ObjectReferenceInput in, misp::ParseObjectReference(body));
    BW_ASSIGN_OR_RETURN(model::ObjectReference ref,
                        ctx.hub.AddObjectReference(p, RefParam(req, "object_id"), std::move(in)));
    return JsonResponse(200, Enveloped("ObjectReference", misp::RenderObjectReference(ref)));
  }));
  RegisterDeleteRoutes(r, ctx, "objectReferences", "Object reference", &hub::Hub::DeleteObjectReference);
}

}  // namespace bulwark::api
