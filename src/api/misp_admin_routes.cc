// MISP-compatible routes for tags, sightings, organisations, users, keys, roles, sharing groups and the
// server/version endpoints PyMISP calls on connect.
#include <charconv>

#include "api/api_util.h"
#include "api/render_cache.h"
#include "api/routes_internal.h"
#include "model/attribute_types.h"

namespace bulwark::api {
namespace {

using http::HttpRequest;
using http::HttpResponse;

json::object UserView(ApiContext& ctx, const model::User& u) {
  json::object o;
  o["User"] = misp::RenderUser(u);
  auto org = ctx.hub.GetOrganisation(u.org_id);
  if (org.ok() && org.value()) o["Organisation"] = misp::RenderOrganisationBrief(*org.value());
  return o;
}

json::object SharingGroupView(ApiContext& ctx, const model::SharingGroup& sg) {
  RenderCache cache(ctx.hub);
  auto rendered = misp::RenderSharingGroup(sg, cache.Context());
  json::object o;
  // sharing_groups/view shape: {"SharingGroup": {...}, "Organisation": ..., "SharingGroupOrg": [...], ...}
  json::object inner;
  for (auto& [k, v] : rendered) {
    if (k == "Organisation" || k == "SharingGroupOrg" || k == "SharingGroupServer") {
      o[k] = v;
    } else {
      inner[k] = v;
    }
  }
  o["SharingGroup"] = std::move(inner);
  return o;
}

}  // namespace

json::object DescribeTypes() {
  const auto& types = model::AttributeTypes::Get();
  json::object sane;
  json::array type_names;
  for (const auto& t : types.Types()) {
    json::object d;
    d["default_category"] = t.default_category;
    d["to_ids"] = t.default_to_ids ? 1 : 0;
    sane[t.name] = std::move(d);
    type_names.emplace_back(t.name);
  }
  json::array categories;
  json::object mappings;
  for (auto c : types.Categories()) {
    categories.emplace_back(c);
    json::array ts;
    for (auto t : types.TypesOfCategory(c)) ts.emplace_back(t);
    mappings[c] = std::move(ts);
  }
  json::object result;
  result["sane_defaults"] = std::move(sane);
  result["types"] = std::move(type_names);
  result["categories"] = std::move(categories);
  result["category_type_mappings"] = std::move(mappings);
  return Enveloped("result", std::move(result));
}

void RegisterMispAdminRoutes(http::Router& r, ApiContext& ctx) {
  // ---- Server identity (PyMISP calls these on connect)
  r.Add("GET", "/servers/getPyMISPVersion.json", "misp.servers.getPyMISPVersion", Authed(ctx, [&](HttpRequest&, const access::Principal&) -> Result<HttpResponse> {
    json::object o;
    o["version"] = kMispCompatVersion;
    return JsonResponse(200, o);
  }));
  auto version = [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    json::object o;
    o["version"] = kMispCompatVersion;
    o["pymisp_recommended_version"] = kMispCompatVersion;
    o["perm_sync"] = p.Can(model::Permission::kSync);
    o["perm_sighting"] = p.Can(model::Permission::kSighting);
    o["perm_galaxy_editor"] = p.Can(model::Permission::kGalaxyEditor);
    o["request_encoding"] = json::array{"gzip"};
    o["filter_sightings"] = true;
    o["bulwark_version"] = ctx.version;
    return JsonResponse(200, o);
  };
  r.Add("GET", "/servers/getVersion", "misp.servers.getVersion", Authed(ctx, version));
  r.Add("GET", "/servers/getVersion.json", "misp.servers.getVersion", Authed(ctx, version));

  // ---- Tags
  r.Add("GET", "/tags/index", "misp.tags.index", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    std::optional<std::string> search;
    if (auto s = req.Query("searchall")) search = "%" + std::string(*s) + "%";
    BW_ASSIGN_OR_RETURN(auto tags, ctx.hub.ListTags(p, search));
    json::array list;
    for (const auto& t : tags) list.emplace_back(misp::RenderTag(t));
    return JsonResponse(200, Enveloped("Tag", std::move(list)));
  }));
  r.Add("GET", "/tags/view/{id}", "misp.tags.view", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(model::Tag t, ctx.hub.ViewTag(p, RefParam(req, "id")));
    return JsonResponse(200, misp::RenderTag(t));
  }));
  r.Add("POST", "/tags/add", "misp.tags.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::TagInput in, misp::ParseTag(body));
    BW_ASSIGN_OR_RETURN(model::Tag t, ctx.hub.AddTag(p, std::move(in)));
    return JsonResponse(200, Enveloped("Tag", misp::RenderTag(t)));
  }));
  r.Add("POST", "/tags/edit/{id}", "misp.tags.edit", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::TagInput in, misp::ParseTag(body));
    BW_ASSIGN_OR_RETURN(model::Tag t, ctx.hub.EditTag(p, RefParam(req, "id"), std::move(in)));
    return JsonResponse(200, Enveloped("Tag", misp::RenderTag(t)));
  }));
  r.Add("POST", "/tags/delete/{id}", "misp.tags.delete", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteTag(p, RefParam(req, "id")));
    return ActionReply(req, "Tag deleted.");
  }));
  for (bool attach : {true, false}) {
    r.Add("POST", attach ? "/tags/attachTagToObject" : "/tags/removeTagFromObject",
          attach ? "misp.tags.attachTagToObject" : "misp.tags.removeTagFromObject",
          Authed(ctx, [&ctx, attach](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
            BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
            if (!body.is_object()) return MakeError(ErrorCode::kBadRequest, "the body must be {\"uuid\": ..., \"tag\": ...}");
            BW_ASSIGN_OR_RETURN(auto uuid, misp::GetString(body.get_object(), "uuid", ""));
            BW_ASSIGN_OR_RETURN(auto tag, misp::GetString(body.get_object(), "tag", ""));
            BW_ASSIGN_OR_RETURN(auto local, misp::GetBool(body.get_object(), "local", ""));
            if (!uuid || uuid->empty()) return MakeError(ErrorCode::kInvalid, "give the uuid of the event or attribute", "uuid");
            if (!tag || tag->empty()) return MakeError(ErrorCode::kInvalid, "give the tag name or id", "tag");
            if (attach) {
              BW_RETURN_IF_ERROR(ctx.hub.AttachTag(p, *uuid, *tag, local.value_or(false)));
              json::object o;
              o["saved"] = true;
              o["success"] = "Tag " + *tag + " attached.";
              o["check_publish"] = true;
              return JsonResponse(200, o);
            }
            BW_RETURN_IF_ERROR(ctx.hub.DetachTag(p, *uuid, *tag));
            json::object o;
            o["saved"] = true;
            o["success"] = "Tag " + *tag + " removed.";
            return JsonResponse(200, o);
          }));
  }

  // ---- Sightings
  auto sighting_add = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    misp::SightingInput in;
    if (!body.is_null()) {
      BW_ASSIGN_OR_RETURN(in, misp::ParseSighting(body));
      // In sightings/add, "id" and "uuid" name the attribute (MISP's reading of the body).
      if (in.present.count("id") && in.attribute_id == 0) in.attribute_id = in.sighting.id;
      if (in.present.count("uuid") && in.attribute_uuid.empty()) in.attribute_uuid = in.sighting.uuid;
      in.sighting.id = 0;
      in.sighting.uuid.clear();
    }
    const std::string path_id = RefParam(req, "attribute_id");
    if (!path_id.empty()) {
      model::Id id = 0;
      auto [end, ec] = std::from_chars(path_id.data(), path_id.data() + path_id.size(), id);
      if (ec == std::errc() && end == path_id.data() + path_id.size() && id > 0) {
        in.attribute_id = id;
      } else {
        in.attribute_uuid = path_id;
      }
    }
    BW_ASSIGN_OR_RETURN(auto added, ctx.hub.AddSightings(p, std::move(in)));
    if (added.size() == 1) return JsonResponse(200, Enveloped("Sighting", misp::RenderSighting(added[0], &p.org)));
    json::array list;
    for (const auto& s : added) list.emplace_back(Enveloped("Sighting", misp::RenderSighting(s, &p.org)));
    return JsonResponse(200, list);
  };
  r.Add("POST", "/sightings/add", "misp.sightings.add", Authed(ctx, sighting_add));
  r.Add("POST", "/sightings/add/{attribute_id}", "misp.sightings.add", Authed(ctx, sighting_add));
  auto sighting_search = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    store::SightingQuery q;
    const std::string context(req.Param("context"));
    if (body.is_object()) {
      const auto& o = body.get_object();
      BW_ASSIGN_OR_RETURN(auto id, misp::GetInt(o, "id", ""));
      if (id) (context == "event" ? q.event_ids : q.attribute_ids).push_back(*id);
      BW_ASSIGN_OR_RETURN(auto type, misp::GetInt(o, "type", ""));
      if (type) {
        if (*type < 0 || *type > 2) return MakeError(ErrorCode::kInvalid, "type is 0, 1 or 2", "type");
        q.type = static_cast<model::SightingType>(*type);
      }
      BW_ASSIGN_OR_RETURN(auto source, misp::GetString(o, "source", ""));
      if (source) q.sources.push_back(*source);
      BW_ASSIGN_OR_RETURN(auto from, misp::GetInt(o, "from", ""));
      BW_ASSIGN_OR_RETURN(auto to, misp::GetInt(o, "to", ""));
      q.from = from;
      q.to = to;
      BW_ASSIGN_OR_RETURN(auto limit, misp::GetInt(o, "limit", ""));
      if (limit && *limit > 0) q.limit = static_cast<size_t>(*limit);
    }
    json::array list;
    std::map<model::Id, std::optional<model::Organisation>> orgs;
    BW_RETURN_IF_ERROR(ctx.hub.SearchSightings(p, q, [&](const model::Sighting& s) {
      auto it = orgs.find(s.org_id);
      if (it == orgs.end()) {
        auto org = ctx.hub.GetOrganisation(s.org_id);
        it = orgs.emplace(s.org_id, org.ok() ? org.value() : std::nullopt).first;
      }
      list.emplace_back(Enveloped("Sighting", misp::RenderSighting(s, it->second ? &*it->second : nullptr)));
      return true;
    }));
    return JsonResponse(200, Enveloped("response", std::move(list)));
  };
  r.Add("POST", "/sightings/restSearch", "misp.sightings.restSearch", Authed(ctx, sighting_search));
  r.Add("POST", "/sightings/restSearch/{context}", "misp.sightings.restSearch", Authed(ctx, sighting_search));

  // ---- Organisations
  r.Add("GET", "/organisations/index", "misp.organisations.index", Authed(ctx, [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto orgs, ctx.hub.ListOrganisations(p));
    json::array list;
    for (const auto& o : orgs) list.emplace_back(Enveloped("Organisation", misp::RenderOrganisation(o)));
    return JsonResponse(200, list);
  }));
  r.Add("GET", "/organisations/view/{id}", "misp.organisations.view", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.ViewOrganisation(p, RefParam(req, "id")));
    return JsonResponse(200, Enveloped("Organisation", misp::RenderOrganisation(o)));
  }));
  r.Add("POST", "/admin/organisations/add", "misp.admin.organisations.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::OrganisationInput in, misp::ParseOrganisation(body));
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.AddOrganisation(p, std::move(in)));
    return JsonResponse(200, Enveloped("Organisation", misp::RenderOrganisation(o)));
  }));
  r.Add("POST", "/admin/organisations/edit/{id}", "misp.admin.organisations.edit", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::OrganisationInput in, misp::ParseOrganisation(body));
    BW_ASSIGN_OR_RETURN(auto o, ctx.hub.EditOrganisation(p, RefParam(req, "id"), std::move(in)));
    return JsonResponse(200, Enveloped("Organisation", misp::RenderOrganisation(o)));
  }));
  auto org_delete = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteOrganisation(p, RefParam(req, "id")));
    return ActionReply(req, "Organisation deleted");
  };
  r.Add("POST", "/admin/organisations/delete/{id}", "misp.admin.organisations.delete", Authed(ctx, org_delete));
  r.Add("DELETE", "/admin/organisations/delete/{id}", "misp.admin.organisations.delete", Authed(ctx, org_delete));

  // ---- Users and keys
  auto user_index = [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto users, ctx.hub.ListUsers(p));
    json::array list;
    for (const auto& u : users) list.emplace_back(UserView(ctx, u));
    return JsonResponse(200, list);
  };
  r.Add("GET", "/users/index", "misp.users.index", Authed(ctx, user_index));
  r.Add("GET", "/admin/users/index", "misp.admin.users.index", Authed(ctx, user_index));
  auto user_view = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto u, ctx.hub.ViewUser(p, RefParam(req, "id")));
    json::object o = UserView(ctx, u);
    if (u.id == p.user.id) {
      o["Role"] = misp::RenderRole(p.role);
      o["UserSetting"] = json::array();
    }
    return JsonResponse(200, o);
  };
  r.Add("GET", "/users/view/{id}", "misp.users.view", Authed(ctx, user_view));
  r.Add("GET", "/admin/users/view/{id}", "misp.admin.users.view", Authed(ctx, user_view));
  r.Add("POST", "/admin/users/add", "misp.admin.users.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::UserInput in, misp::ParseUser(body));
    BW_ASSIGN_OR_RETURN(auto u, ctx.hub.AddUser(p, std::move(in)));
    return JsonResponse(200, UserView(ctx, u));
  }));
  r.Add("POST", "/admin/users/edit/{id}", "misp.admin.users.edit", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::UserInput in, misp::ParseUser(body));
    BW_ASSIGN_OR_RETURN(auto u, ctx.hub.EditUser(p, RefParam(req, "id"), std::move(in)));
    return JsonResponse(200, UserView(ctx, u));
  }));
  auto user_delete = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteUser(p, RefParam(req, "id")));
    return ActionReply(req, "User deleted.");
  };
  r.Add("POST", "/admin/users/delete/{id}", "misp.admin.users.delete", Authed(ctx, user_delete));
  r.Add("DELETE", "/admin/users/delete/{id}", "misp.admin.users.delete", Authed(ctx, user_delete));
  r.Add("POST", "/auth_keys/add/{user_id}", "misp.auth_keys.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseOptionalObjectBody(ctx, req));
    hub::Hub::KeyRequest kr;
    if (body.is_object()) {
      const json::object* o = &body.get_object();
      if (auto it = o->find("AuthKey"); it != o->end() && it->value().is_object()) o = &it->value().get_object();
      BW_ASSIGN_OR_RETURN(auto exp, misp::GetString(*o, "expiration", ""));
      if (exp && !exp->empty() && *exp != "0") {
        int64_t secs = 0;
        if (std::from_chars(exp->data(), exp->data() + exp->size(), secs).ec == std::errc() &&
            secs > 0 && std::to_string(secs) == *exp) {
          kr.expiration = secs;
        } else if (auto t = ParseDateTimeMicros(*exp)) {
          kr.expiration = *t / 1'000'000;
        } else {
          return MakeError(ErrorCode::kInvalid, "expiration must be a date (YYYY-MM-DD) or epoch seconds", "expiration");
        }
      }
      BW_ASSIGN_OR_RETURN(auto ro, misp::GetBool(*o, "read_only", ""));
      kr.read_only = ro.value_or(false);
      BW_ASSIGN_OR_RETURN(auto comment, misp::GetString(*o, "comment", ""));
      kr.comment = comment.value_or("");
    }
    BW_ASSIGN_OR_RETURN(auto created, ctx.hub.AddApiKey(p, RefParam(req, "user_id"), kr));
    json::object k;
    k["id"] = std::to_string(created.key.id);
    k["uuid"] = created.key.uuid;
    k["authkey_start"] = created.key.key_start;
    k["authkey_end"] = created.key.key_end;
    k["created"] = std::to_string(created.key.created);
    k["expiration"] = created.key.expiration ? std::to_string(*created.key.expiration) : "0";
    k["read_only"] = created.key.read_only;
    k["comment"] = created.key.comment;
    k["user_id"] = std::to_string(created.key.user_id);
    k["authkey_raw"] = created.clear_key;
    return JsonResponse(200, Enveloped("AuthKey", std::move(k)));
  }));
  r.Add("GET", "/roles/index", "misp.roles.index", Authed(ctx, [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto roles, ctx.hub.ListRoles(p));
    json::array list;
    for (const auto& role : roles) list.emplace_back(Enveloped("Role", misp::RenderRole(role)));
    return JsonResponse(200, list);
  }));

  // ---- Sharing groups
  r.Add("GET", "/sharing_groups/index", "misp.sharing_groups.index", Authed(ctx, [&](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto sgs, ctx.hub.ListSharingGroups(p));
    json::array list;
    for (const auto& sg : sgs) list.emplace_back(SharingGroupView(ctx, sg));
    return JsonResponse(200, Enveloped("response", std::move(list)));
  }));
  r.Add("GET", "/sharing_groups/view/{id}", "misp.sharing_groups.view", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(auto sg, ctx.hub.ViewSharingGroup(p, RefParam(req, "id")));
    return JsonResponse(200, SharingGroupView(ctx, sg));
  }));
  r.Add("POST", "/sharing_groups/add", "misp.sharing_groups.add", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::SharingGroupInput in, misp::ParseSharingGroup(body));
    BW_ASSIGN_OR_RETURN(auto sg, ctx.hub.AddSharingGroup(p, std::move(in)));
    return JsonResponse(200, SharingGroupView(ctx, sg));
  }));
  r.Add("POST", "/sharing_groups/edit/{id}", "misp.sharing_groups.edit", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(misp::SharingGroupInput in, misp::ParseSharingGroup(body));
    BW_ASSIGN_OR_RETURN(auto sg, ctx.hub.EditSharingGroup(p, RefParam(req, "id"), std::move(in)));
    return JsonResponse(200, SharingGroupView(ctx, sg));
  }));
  auto sg_delete = [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.DeleteSharingGroup(p, RefParam(req, "id")));
    return ActionReply(req, "Sharing group deleted.");
  };
  r.Add("POST", "/sharing_groups/delete/{id}", "misp.sharing_groups.delete", Authed(ctx, sg_delete));
  r.Add("DELETE", "/sharing_groups/delete/{id}", "misp.sharing_groups.delete", Authed(ctx, sg_delete));
  r.Add("POST", "/sharing_groups/addOrg/{sg}/{org}", "misp.sharing_groups.addOrg", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseOptionalObjectBody(ctx, req));
    bool extend = false;
    if (body.is_object()) {
      BW_ASSIGN_OR_RETURN(auto e, misp::GetBool(body.get_object(), "extend", ""));
      extend = e.value_or(false);
    }
    BW_RETURN_IF_ERROR(ctx.hub.AddSharingGroupOrg(p, RefParam(req, "sg"), RefParam(req, "org"), extend));
    return ActionReply(req, "Organisation added to the sharing group.");
  }));
  r.Add("POST", "/sharing_groups/removeOrg/{sg}/{org}", "misp.sharing_groups.removeOrg", Authed(ctx, [&](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
    BW_RETURN_IF_ERROR(ctx.hub.RemoveSharingGroupOrg(p, RefParam(req, "sg"), RefParam(req, "org")));
    return ActionReply(req, "Organisation removed from the sharing group.");
  }));
}

}  // namespace bulwark::api
