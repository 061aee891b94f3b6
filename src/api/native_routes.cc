// The native API under /api/v1: the same services as the MISP routes with consistent envelopes:
//   success  {"data": <object or list>}         lists of unbounded size add "next_cursor" (null at the end)
//   error    {"error": {"code", "message", "field"}, ...}
// Bodies use the MISP core format shapes (bare or enveloped), so one parser serves both surfaces.
#include <charconv>

#include "api/annotate.h"
#include "api/api_util.h"
#include "api/attachments.h"
#include "api/render_cache.h"
#include "api/routes_internal.h"
#include "misp/misp_write.h"

namespace bulwark::api {
namespace {

using http::HttpRequest;
using http::HttpResponse;

HttpResponse Data(int status, json::value v) {
  json::object o;
  o["data"] = std::move(v);
  return JsonResponse(status, o);
}

HttpResponse Deleted() {
  json::object o;
  o["deleted"] = true;
  return Data(200, std::move(o));
}

Result<int64_t> QueryInt(const HttpRequest& req, std::string_view name, int64_t def, int64_t min, int64_t max) {
  auto v = req.Query(name);
  if (!v || v->empty()) return def;
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || ptr != v->data() + v->size() || n < min || n > max) {
    return MakeError(ErrorCode::kBadRequest,
                     "query parameter '" + std::string(name) + "' must be a whole number from " + std::to_string(min) +
                         " to " + std::to_string(max),
                     std::string(name));
  }
  return n;
}

// Search bodies are RestSearch parameters plus "cursor" (an opaque string from next_cursor) and "limit".
Result<hub::SearchRequest> NativeSearch(ApiContext& ctx, const HttpRequest& req) {
  BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
  BW_ASSIGN_OR_RETURN(hub::SearchRequest sr, hub::ParseSearchRequest(body, ctx.clock));
  if (body.is_object()) {
    BW_ASSIGN_OR_RETURN(auto cursor, misp::GetString(body.get_object(), "cursor", ""));
    if (cursor && !cursor->empty()) {
      int64_t after = 0;
      auto [ptr, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), after);
      if (ec != std::errc() || ptr != cursor->data() + cursor->size() || after < 0) {
        return MakeError(ErrorCode::kBadRequest, "cursor is not one this server issued", "cursor");
      }
      sr.after_id = after;
    }
  }
  sr.page = 1;
  if (sr.limit == 0 || sr.limit > 10000) sr.limit = sr.limit == 0 ? 1000 : 10000;
  return sr;
}

// Appends `"next_cursor": ...}` closing a {"data": [...] stream.
void CloseWithCursor(std::string& out, bool more, int64_t last_id) {
  out += "],\"next_cursor\":";
  out += more ? "\"" + std::to_string(last_id) + "\"" : "null";
  out += "}";
}

}  // namespace

void RegisterNativeRoutes(http::Router& r, ApiContext& ctx) {
  const std::string v1 = "/api/v1";
  auto add = [&](const char* method, const std::string& path, const std::string& name, AuthedHandler h) {
    r.Add(method, v1 + path, "v1." + name, Authed(ctx, std::move(h)));
  };

  add("GET", "/me", "me", [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    json::object o;
    o["User"] = misp::RenderUser(p.user);
    o["Organisation"] = misp::RenderOrganisation(p.org);
    o["Role"] = misp::RenderRole(p.role);
    o["read_only_key"] = p.read_only;
    return Data(200, std::move(o));
  });

  // ---- Organisations
  add("GET", "/organisations", "organisations.list", [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto orgs, ctx.hub.ListOrganisations(p));
    json::array a;
    for (const auto& o : orgs) a.emplace_back(misp::RenderOrganisation(o));
    return Data(200, std::move(a));
  });
  add("GET", "/organisations/{id}", "organisations.get", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.ViewOrganisation(p, std::string(req.Param("id"))));
    return Data(200, misp::RenderOrganisation(o));
  });
  add("POST", "/organisations", "organisations.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseOrganisation(body));
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.AddOrganisation(p, std::move(in)));
    return Data(201, misp::RenderOrganisation(o));
  });
  add("PATCH", "/organisations/{id}", "organisations.update", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseOrganisation(body));
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.EditOrganisation(p, std::string(req.Param("id")), std::move(in)));
    return Data(200, misp::RenderOrganisation(o));
  });
  add("DELETE", "/organisations/{id}", "organisations.delete", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteOrganisation(p, std::string(req.Param("id"))));
    return Deleted();
  });

  // ---- Users, keys, roles
  add("GET", "/users", "users.list", [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto users, ctx.hub.ListUsers(p));
    json::array a;
    for (const auto& u : users) a.emplace_back(misp::RenderUser(u));
    return Data(200, std::move(a));
  });
  add("GET", "/users/{id}", "users.get", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto u, ctx.hub.ViewUser(p, std::string(req.Param("id"))));
    return Data(200, misp::RenderUser(u));
  });
  add("POST", "/users", "users.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseUser(body));
    BW_ASSIGN_OR_RETURN(auto u, ctx.hub.AddUser(p, std::move(in)));
    return Data(201, misp::RenderUser(u));
  });
  add("PATCH", "/users/{id}", "users.update", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseUser(body));
    BW_ASSIGN_OR_RETURN(auto u, ctx.hub.EditUser(p, std::string(req.Param("id")), std::move(in)));
    return Data(200, misp::RenderUser(u));
  });
  add("DELETE", "/users/{id}", "users.delete", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteUser(p, std::string(req.Param("id"))));
    return Deleted();
  });
  add("POST", "/users/{id}/keys", "users.keys.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseOptionalObjectBody(ctx, req));
    hub::Hub::KeyRequest kr;
    if (body.is_object()) {
      BW_ASSIGN_OR_RETURN(auto exp, misp::GetInt(body.get_object(), "expiration", ""));
      kr.expiration = exp;
      BW_ASSIGN_OR_RETURN(auto ro, misp::GetBool(body.get_object(), "read_only", ""));
      kr.read_only = ro.value_or(false);
      BW_ASSIGN_OR_RETURN(auto comment, misp::GetString(body.get_object(), "comment", ""));
      kr.comment = comment.value_or("");
    }
    BW_ASSIGN_OR_RETURN(auto created, ctx.hub.AddApiKey(p, std::string(req.Param("id")), kr));
    json::object k;
    k["id"] = created.key.id;
    k["uuid"] = created.key.uuid;
    k["user_id"] = created.key.user_id;
    k["key"] = created.clear_key;
    k["read_only"] = created.key.read_only;
    k["expiration"] = created.key.expiration ? json::value(*created.key.expiration) : json::value(nullptr);
    k["comment"] = created.key.comment;
    return Data(201, std::move(k));
  });
  add("GET", "/roles", "roles.list", [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto roles, ctx.hub.ListRoles(p));
    json::array a;
    for (const auto& role : roles) a.emplace_back(misp::RenderRole(role));
    return Data(200, std::move(a));
  });

  // ---- Sharing groups
  add("GET", "/sharing-groups", "sharing_groups.list", [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto sgs, ctx.hub.ListSharingGroups(p));
    RenderCache cache(ctx.hub);
    json::array a;
    for (const auto& sg : sgs) a.emplace_back(misp::RenderSharingGroup(sg, cache.Context()));
    return Data(200, std::move(a));
  });
  add("GET", "/sharing-groups/{id}", "sharing_groups.get", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto sg, ctx.hub.ViewSharingGroup(p, std::string(req.Param("id"))));
    RenderCache cache(ctx.hub);
    return Data(200, misp::RenderSharingGroup(sg, cache.Context()));
  });
  add("POST", "/sharing-groups", "sharing_groups.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseSharingGroup(body));
    BW_ASSIGN_OR_RETURN(auto sg, ctx.hub.AddSharingGroup(p, std::move(in)));
    RenderCache cache(ctx.hub);
    return Data(201, misp::RenderSharingGroup(sg, cache.Context()));
  });
  add("PATCH", "/sharing-groups/{id}", "sharing_groups.update", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseSharingGroup(body));
    BW_ASSIGN_OR_RETURN(auto sg, ctx.hub.EditSharingGroup(p, std::string(req.Param("id")), std::move(in)));
    RenderCache cache(ctx.hub);
    return Data(200, misp::RenderSharingGroup(sg, cache.Context()));
  });
  add("DELETE", "/sharing-groups/{id}", "sharing_groups.delete", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteSharingGroup(p, std::string(req.Param("id"))));
    return Deleted();
  });
  add("PUT", "/sharing-groups/{id}/organisations/{org}", "sharing_groups.orgs.add", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(int64_t extend, QueryInt(req, "extend", 0, 0, 1));
    BW_RETURN_IF_ERROR(ctx.hub.AddSharingGroupOrg(p, std::string(req.Param("id")), std::string(req.Param("org")), extend == 1));
    BW_ASSIGN_OR_RETURN(auto sg, ctx.hub.ViewSharingGroup(p, std::string(req.Param("id"))));
    RenderCache cache(ctx.hub);
    return Data(200, misp::RenderSharingGroup(sg, cache.Context()));
  });
  add("DELETE", "/sharing-groups/{id}/organisations/{org}", "sharing_groups.orgs.remove", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.RemoveSharingGroupOrg(p, std::string(req.Param("id")), std::string(req.Param("org"))));
    return Deleted();
  });

  // ---- Events
  add("GET", "/events", "events.list", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    hub::SearchRequest sr;
    BW_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 100, 1, 10000));
    BW_ASSIGN_OR_RETURN(int64_t after, QueryInt(req, "cursor", 0, 0, INT64_MAX));
    sr.limit = static_cast<size_t>(limit);
    sr.after_id = after;
    if (auto pub = req.Query("published")) sr.published = *pub == "1" || *pub == "true";
    RenderCache cache(ctx.hub);
    auto rctx = cache.Context(false);
    json::array a;
    int64_t last = 0;
    BW_RETURN_IF_ERROR(ctx.hub.IndexEvents(p, sr, [&](const model::Event& e) {
      a.emplace_back(misp::RenderEventIndexEntry(e, rctx));
      last = e.id;
      return true;
    }));
    json::object o;
    const bool more = a.size() == sr.limit;
    o["data"] = std::move(a);
    o["next_cursor"] = more ? json::value(std::to_string(last)) : json::value(nullptr);
    return JsonResponse(200, o);
  });
  add("POST", "/events", "events.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    if (!body.is_object()) return MakeError(ErrorCode::kBadRequest, "the body must be an event object");
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseEvent(body));
    BW_ASSIGN_OR_RETURN(auto e, ctx.hub.AddEvent(p, std::move(in)));
    RenderCache cache(ctx.hub);
    return Data(201, misp::RenderEvent(e, cache.Context()));
  });
  add("GET", "/events/{id}", "events.get", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    const auto deleted = req.Query("deleted") == "1" ? store::DeletedFilter::kInclude : store::DeletedFilter::kExclude;
    BW_ASSIGN_OR_RETURN(auto e, ctx.hub.ViewEvent(p, hub::EventRef{std::string(req.Param("id"))}, deleted));
    RenderCache cache(ctx.hub);
    return Data(200, misp::RenderEvent(e, cache.Context()));
  });
  add("PATCH", "/events/{id}", "events.update", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    if (!body.is_object()) return MakeError(ErrorCode::kBadRequest, "the body must be an event object");
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseEvent(body));
    BW_ASSIGN_OR_RETURN(auto e, ctx.hub.EditEvent(p, hub::EventRef{std::string(req.Param("id"))}, std::move(in)));
    RenderCache cache(ctx.hub);
    return Data(200, misp::RenderEvent(e, cache.Context()));
  });
  add("DELETE", "/events/{id}", "events.delete", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteEvent(p, hub::EventRef{std::string(req.Param("id"))}));
    return Deleted();
  });
  for (bool publish : {true, false}) {
    add("POST", publish ? "/events/{id}/publish" : "/events/{id}/unpublish", publish ? "events.publish" : "events.unpublish",
        [&ctx, publish](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(auto e, ctx.hub.PublishEvent(p, hub::EventRef{std::string(req.Param("id"))}, publish));
          RenderCache cache(ctx.hub);
          return Data(200, misp::RenderEventIndexEntry(e, cache.Context(false)));
        });
  }

  // ---- Attributes and objects
  add("POST", "/events/{id}/attributes", "attributes.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseAttributeList(body));
    BW_ASSIGN_OR_RETURN(auto added, ctx.hub.AddAttributes(p, hub::EventRef{std::string(req.Param("id"))}, std::move(in)));
    json::array a;
    for (const auto& attr : added) a.emplace_back(misp::RenderAttribute(attr, nullptr));
    return Data(201, std::move(a));
  });
  add("GET", "/attributes/{id}", "attributes.get", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto v, ctx.hub.ViewAttribute(p, std::string(req.Param("id"))));
    return Data(200, misp::RenderAttribute(v.attribute, &v.event));
  });
  // The attribute's indicator lifecycle now: decay scores, expiry, and why it is out of detection if it is.
  add("GET", "/attributes/{id}/attachment", "attributes.attachment", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(hub::Hub::AttachmentFile file, ctx.hub.DownloadAttachment(p, std::string(req.Param("id"))));
    return AttachmentDownload(std::move(file), DownloadForm::kStored);
  });
  add("GET", "/attributes/{id}/lifecycle", "attributes.lifecycle", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto v, ctx.hub.ViewAttribute(p, std::string(req.Param("id"))));
    json::object o;
    o["id"] = std::to_string(v.attribute.id);
    o["uuid"] = v.attribute.uuid;
    o["type"] = v.attribute.type;
    o["value"] = v.attribute.Value();
    Annotator(ctx, p).AddDecayScore(v.event, v.attribute, o);
    if (!o.contains("lifecycle")) return MakeError(ErrorCode::kInternal, "the attribute's sightings could not be read");
    if (!o.contains("decay_score")) o["decay_score"] = json::array();
    return Data(200, std::move(o));
  });
  add("PATCH", "/attributes/{id}", "attributes.update", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseAttribute(body));
    BW_ASSIGN_OR_RETURN(auto a, ctx.hub.EditAttribute(p, std::string(req.Param("id")), std::move(in)));
    return Data(200, misp::RenderAttribute(a, nullptr));
  });
  add("DELETE", "/attributes/{id}", "attributes.delete", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(int64_t hard, QueryInt(req, "hard", 0, 0, 1));
    BW_RETURN_IF_ERROR(ctx.hub.DeleteAttribute(p, std::string(req.Param("id")),
                                               hard ? hub::Hub::DeleteMode::kHard : hub::Hub::DeleteMode::kSoft));
    return Deleted();
  });
  add("POST", "/attributes/{id}/restore", "attributes.restore", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto a, ctx.hub.RestoreAttribute(p, std::string(req.Param("id"))));
    return Data(200, misp::RenderAttribute(a, nullptr));
  });
  add("POST", "/events/{id}/objects", "objects.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseObject(body));
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.AddObject(p, hub::EventRef{std::string(req.Param("id"))}, std::move(in)));
    RenderCache cache(ctx.hub);
    return Data(201, misp::RenderObject(o, cache.Context()));
  });
  add("PATCH", "/objects/{id}", "objects.update", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseObject(body));
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.EditObject(p, std::string(req.Param("id")), std::move(in)));
    RenderCache cache(ctx.hub);
    return Data(200, misp::RenderObject(o, cache.Context()));
  });
  add("DELETE", "/objects/{id}", "objects.delete", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(int64_t hard, QueryInt(req, "hard", 0, 0, 1));
    BW_RETURN_IF_ERROR(ctx.hub.DeleteObject(p, std::string(req.Param("id")),
                                            hard ? hub::Hub::DeleteMode::kHard : hub::Hub::DeleteMode::kSoft));
    return Deleted();
  });
  add("GET", "/objects/{id}", "objects.get", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(int64_t deleted, QueryInt(req, "deleted", 0, 0, 1));
    const auto filter = deleted ? store::DeletedFilter::kInclude : store::DeletedFilter::kExclude;
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.ViewObject(p, std::string(req.Param("id")), filter));
    RenderCache cache(ctx.hub);
    return Data(200, misp::RenderObject(o, cache.Context()));
  });
  add("POST", "/objects/{id}/references", "object_references.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseObjectReference(body));
    BW_ASSIGN_OR_RETURN(auto ref, ctx.hub.AddObjectReference(p, std::string(req.Param("id")), std::move(in)));
    return Data(201, misp::RenderObjectReference(ref));
  });
  add("DELETE", "/object-references/{id}", "object_references.delete", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(int64_t hard, QueryInt(req, "hard", 0, 0, 1));
    BW_RETURN_IF_ERROR(ctx.hub.DeleteObjectReference(p, std::string(req.Param("id")),
                                                     hard ? hub::Hub::DeleteMode::kHard : hub::Hub::DeleteMode::kSoft));
    return Deleted();
  });

  // ---- Tags
  add("GET", "/tags", "tags.list", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    std::optional<std::string> search;
    if (auto s = req.Query("search")) search = "%" + std::string(*s) + "%";
    BW_ASSIGN_OR_RETURN(auto tags, ctx.hub.ListTags(p, search));
    json::array a;
    for (const auto& t : tags) a.emplace_back(misp::RenderTag(t));
    return Data(200, std::move(a));
  });
  add("GET", "/tags/{id}", "tags.get", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto t, ctx.hub.ViewTag(p, std::string(req.Param("id"))));
    return Data(200, misp::RenderTag(t));
  });
  add("POST", "/tags", "tags.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseTag(body));
    BW_ASSIGN_OR_RETURN(auto t, ctx.hub.AddTag(p, std::move(in)));
    return Data(201, misp::RenderTag(t));
  });
  add("PATCH", "/tags/{id}", "tags.update", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseTag(body));
    BW_ASSIGN_OR_RETURN(auto t, ctx.hub.EditTag(p, std::string(req.Param("id")), std::move(in)));
    return Data(200, misp::RenderTag(t));
  });
  add("DELETE", "/tags/{id}", "tags.delete", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteTag(p, std::string(req.Param("id"))));
    return Deleted();
  });
  for (bool attach : {true, false}) {
    add("POST", attach ? "/tags/attach" : "/tags/detach", attach ? "tags.attach" : "tags.detach",
        [&ctx, attach](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
          if (!body.is_object()) return MakeError(ErrorCode::kBadRequest, "the body must be {\"uuid\":..., \"tag\":...}");
          BW_ASSIGN_OR_RETURN(auto uuid, misp::GetString(body.get_object(), "uuid", ""));
          BW_ASSIGN_OR_RETURN(auto tag, misp::GetString(body.get_object(), "tag", ""));
          BW_ASSIGN_OR_RETURN(auto local, misp::GetBool(body.get_object(), "local", ""));
          if (!uuid || uuid->empty()) return MakeError(ErrorCode::kInvalid, "uuid is required", "uuid");
          if (!tag || tag->empty()) return MakeError(ErrorCode::kInvalid, "tag is required", "tag");
          if (attach) {
            BW_RETURN_IF_ERROR(ctx.hub.AttachTag(p, *uuid, *tag, local.value_or(false)));
          } else {
            BW_RETURN_IF_ERROR(ctx.hub.DetachTag(p, *uuid, *tag));
          }
          json::object o;
          o["uuid"] = *uuid;
          o["tag"] = *tag;
          o["attached"] = attach;
          return Data(200, std::move(o));
        });
  }

  // ---- Sightings
  add("POST", "/sightings", "sightings.create", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(auto in, misp::ParseSighting(body));
    BW_ASSIGN_OR_RETURN(auto added, ctx.hub.AddSightings(p, std::move(in)));
    json::array a;
    for (const auto& s : added) a.emplace_back(misp::RenderSighting(s, &p.org));
    return Data(201, std::move(a));
  });
  add("GET", "/sightings", "sightings.list", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    store::SightingQuery q;
    BW_ASSIGN_OR_RETURN(int64_t attr, QueryInt(req, "attribute_id", 0, 0, INT64_MAX));
    BW_ASSIGN_OR_RETURN(int64_t event, QueryInt(req, "event_id", 0, 0, INT64_MAX));
    BW_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 1000, 1, 10000));
    BW_ASSIGN_OR_RETURN(int64_t after, QueryInt(req, "cursor", 0, 0, INT64_MAX));
    if (attr) q.attribute_ids.push_back(attr);
    if (event) q.event_ids.push_back(event);
    q.limit = static_cast<size_t>(limit);
    q.after_id = after;
    json::array a;
    int64_t last = 0;
    size_t seen = 0;
    BW_RETURN_IF_ERROR(ctx.hub.SearchSightings(p, q, [&](const model::Sighting& s) {
      a.emplace_back(misp::RenderSighting(s, nullptr));
      last = s.id;
      ++seen;
      return true;
    }));
    json::object o;
    o["data"] = std::move(a);
    o["next_cursor"] = seen == q.limit ? json::value(std::to_string(last)) : json::value(nullptr);
    return JsonResponse(200, o);
  });

  // ---- Search (streamed, cursor-paged)
  add("POST", "/search/attributes", "search.attributes", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(hub::SearchRequest sr, NativeSearch(ctx, req));
    // One page (at most 10,000 rows) per request; rendered row by row into the body.
    std::string body = "{\"data\":[";
    size_t n = 0;
    int64_t last = 0;
    BW_RETURN_IF_ERROR(ctx.hub.SearchAttributes(p, sr, [&](const store::AttributeRow& row) {
      if (n++) body += ",";
      misp::WriteAttribute(body, row.attribute, &row.event);
      last = row.attribute.id;
      return true;
    }));
    CloseWithCursor(body, n == sr.limit, last);
    return http::HttpResponse::Json(200, std::move(body));
  });
  add("POST", "/search/events", "search.events", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(hub::SearchRequest sr, NativeSearch(ctx, req));
    if (sr.limit > 100) sr.limit = 100;  // whole events: smaller pages
    std::string body = "{\"data\":[";
    size_t n = 0;
    int64_t last = 0;
    RenderCache cache(ctx.hub);
    auto rctx = cache.Context();
    BW_RETURN_IF_ERROR(ctx.hub.SearchEvents(p, sr, [&](model::Event& e) {
      if (n++) body += ",";
      misp::WriteEvent(body, e, rctx);
      last = e.id;
      return true;
    }));
    CloseWithCursor(body, n == sr.limit, last);
    return http::HttpResponse::Json(200, std::move(body));
  });

  // ---- Audit and change logs
  add("GET", "/audit", "audit.list", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(int64_t after, QueryInt(req, "cursor", 0, 0, INT64_MAX));
    BW_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 100, 1, 10000));
    BW_ASSIGN_OR_RETURN(auto entries, ctx.hub.ListAudit(p, after, static_cast<size_t>(limit)));
    json::array a;
    for (const auto& e : entries) a.emplace_back(misp::RenderAuditEntry(e));
    json::object o;
    const bool more = entries.size() == static_cast<size_t>(limit);
    o["data"] = std::move(a);
    o["next_cursor"] = more ? json::value(std::to_string(entries.back().id)) : json::value(nullptr);
    return JsonResponse(200, o);
  });
  add("GET", "/changes", "changes.list", [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(int64_t after, QueryInt(req, "cursor", 0, 0, INT64_MAX));
    BW_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 1000, 1, 10000));
    BW_ASSIGN_OR_RETURN(auto changes, ctx.hub.ReadChanges(p, after, static_cast<size_t>(limit)));
    json::array a;
    for (const auto& c : changes) {
      json::object o;
      o["seq"] = c.seq;
      o["entity"] = c.entity;
      o["uuid"] = c.uuid;
      o["event_id"] = c.event_id;
      o["action"] = model::ChangeActionName(c.action);
      o["time"] = FormatRfc3339Micros(c.time_micros);
      a.emplace_back(std::move(o));
    }
    json::object o;
    const bool more = changes.size() == static_cast<size_t>(limit);
    o["data"] = std::move(a);
    o["next_cursor"] = more ? json::value(std::to_string(changes.back().seq)) : json::value(nullptr);
    return JsonResponse(200, o);
  });
}

}  // namespace bulwark::api
