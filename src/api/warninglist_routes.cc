// Warninglist routes: MISP's POST /warninglists/checkValue and the native POST /api/v1/warninglists/check.
// Both answer from the published WarninglistSet snapshot (ctx.warninglists), which is loaded from the store's
// library documents when the routes are registered if nobody built it before.
#include <memory>
#include <string>
#include <vector>

#include "api/api_util.h"
#include "api/routes_internal.h"
#include "warninglist/warninglist_set.h"

namespace bulwark::api {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr size_t kMaxValuesPerRequest = 10000;

struct Query {
  std::string value;
  std::string type;  // empty: every list applies
};

std::string Trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

Status CheckCount(size_t n) {
  if (n > kMaxValuesPerRequest) {
    return MakeError(ErrorCode::kTooLarge,
                     "at most " + std::to_string(kMaxValuesPerRequest) + " values per request (got " +
                         std::to_string(n) + ")");
  }
  return Ok();
}

// MISP's body: a value, a list of values, {"Warninglist": value-or-list}, {"[]": list}, or any object whose
// values are the values to check (PHP iterates the decoded array).
Result<std::vector<Query>> MispValues(const json::value& body) {
  const json::value* data = &body;
  if (data->is_object()) {
    const json::object& o = data->get_object();
    if (auto it = o.find("Warninglist"); it != o.end()) data = &it->value();
  }
  if (data->is_object()) {
    const json::object& o = data->get_object();
    if (auto it = o.find("[]"); it != o.end()) data = &it->value();
  }
  std::vector<const json::value*> items;
  if (data->is_string()) {
    items.push_back(data);
  } else if (data->is_array()) {
    for (const json::value& v : data->get_array()) items.push_back(&v);
  } else if (data->is_object()) {
    for (const auto& kv : data->get_object()) items.push_back(&kv.value());
  }
  if (items.empty()) {
    return MakeError(ErrorCode::kBadRequest, "No valid data received: send a value or a list of values");
  }
  BW_RETURN_IF_ERROR(CheckCount(items.size()));
  std::vector<Query> out;
  out.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i]->is_string()) {
      return MakeError(ErrorCode::kBadRequest, "each value must be a string", "[" + std::to_string(i) + "]");
    }
    out.push_back({Trimmed(items[i]->get_string()), {}});
  }
  return out;
}

// Native body: {"values": ["v", {"value": "v", "type": "ip-dst"}, ...], "type": "default type"}.
Result<std::vector<Query>> NativeValues(const json::value& body) {
  if (!body.is_object()) return MakeError(ErrorCode::kBadRequest, "the body must be a JSON object with \"values\"");
  const json::object& o = body.get_object();
  std::string default_type;
  if (auto it = o.find("type"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_string()) return MakeError(ErrorCode::kBadRequest, "must be a string", "type");
    default_type = Trimmed(it->value().get_string());
  }
  auto it = o.find("values");
  if (it == o.end() || !it->value().is_array()) {
    return MakeError(ErrorCode::kBadRequest, "\"values\" must be an array of values", "values");
  }
  const json::array& a = it->value().get_array();
  if (a.empty()) return MakeError(ErrorCode::kBadRequest, "\"values\" is empty", "values");
  BW_RETURN_IF_ERROR(CheckCount(a.size()));
  std::vector<Query> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string field = "values[" + std::to_string(i) + "]";
    if (a[i].is_string()) {
      out.push_back({Trimmed(a[i].get_string()), default_type});
      continue;
    }
    if (!a[i].is_object()) return MakeError(ErrorCode::kBadRequest, "must be a string or an object", field);
    const json::object& q = a[i].get_object();
    auto v = q.find("value");
    if (v == q.end() || !v->value().is_string()) {
      return MakeError(ErrorCode::kBadRequest, "\"value\" must be a string", field + ".value");
    }
    Query query{Trimmed(v->value().get_string()), default_type};
    if (auto t = q.find("type"); t != q.end() && !t->value().is_null()) {
      if (!t->value().is_string()) return MakeError(ErrorCode::kBadRequest, "must be a string", field + ".type");
      query.type = Trimmed(t->value().get_string());
    }
    out.push_back(std::move(query));
  }
  return out;
}

json::object NativeHit(const warninglist::Hit& h) {
  json::object o;
  o["id"] = h.list_id;
  o["name"] = h.name;
  o["category"] = warninglist::CategoryName(h.category);
  o["matched"] = h.matched;
  o["value"] = h.value;
  return o;
}

}  // namespace

void RegisterWarninglistRoutes(http::Router& r, ApiContext& ctx) {
  if (!ctx.warninglists) ctx.warninglists = ctx.hub.WarninglistSnapshot();  // the hub's, loaded once
  std::shared_ptr<warninglist::WarninglistSnapshot> snapshot = ctx.warninglists;

  auto check_value = [&ctx, snapshot](HttpRequest& req, const access::Principal&) -> Result<HttpResponse> {
    BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
    BW_ASSIGN_OR_RETURN(std::vector<Query> queries, MispValues(body));
    const auto set = snapshot->Get();
    json::object hits;
    for (const Query& q : queries) {
      auto found = set->Check(q.type, q.value);
      if (found.empty()) continue;
      json::array& lists = hits[q.value].emplace_array();
      for (const auto& h : found) {
        json::object o;
        o["id"] = std::to_string(h.list_id);
        o["name"] = h.name;
        o["matched"] = h.matched;
        o["category"] = warninglist::CategoryName(h.category);
        lists.push_back(std::move(o));
      }
    }
    // PHP encodes an empty array as [] (MISP answers [] when nothing matched).
    if (hits.empty()) return JsonResponse(200, json::array());
    return JsonResponse(200, hits);
  };
  r.Add("POST", "/warninglists/checkValue", "misp.warninglists.checkValue", Authed(ctx, check_value));

  r.Add("POST", "/api/v1/warninglists/check", "v1.warninglists.check",
        Authed(ctx, [&ctx, snapshot](HttpRequest& req, const access::Principal&) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
          BW_ASSIGN_OR_RETURN(std::vector<Query> queries, NativeValues(body));
          const auto set = snapshot->Get();
          json::array data;
          data.reserve(queries.size());
          for (const Query& q : queries) {
            json::object item;
            item["value"] = q.value;
            if (!q.type.empty()) item["type"] = q.type;
            json::array& hits = item["hits"].emplace_array();
            for (const auto& h : set->Check(q.type, q.value)) hits.push_back(NativeHit(h));
            data.push_back(std::move(item));
          }
          json::object o;
          o["data"] = std::move(data);
          return JsonResponse(200, o);
        }));
}

}  // namespace bulwark::api
