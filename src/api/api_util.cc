#include "api/api_util.h"

#include <boost/json/monotonic_resource.hpp>

#include "api/rate_limit.h"
#include "common/crypto.h"

namespace bulwark::api {

namespace {

// The API key as sent: the raw key (MISP), "Bearer <key>", or X-MISP-AUTH; surrounding blanks dropped.
std::string_view CredentialOf(const http::HttpRequest& req) {
  std::string_view key;
  if (auto h = req.Header("Authorization")) {
    key = *h;
    if (key.size() > 7 && (key.substr(0, 7) == "Bearer " || key.substr(0, 7) == "bearer ")) key.remove_prefix(7);
  } else if (auto x = req.Header("X-MISP-AUTH")) {
    key = *x;
  }
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
  while (!key.empty() && (key.front() == ' ' || key.front() == '\t')) key.remove_prefix(1);
  return key;
}

}  // namespace

Result<access::Principal> Authenticate(ApiContext& ctx, const http::HttpRequest& req) {
  const std::string_view key = CredentialOf(req);
  if (key.empty()) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "no API key: send your 40-character key in the Authorization header", "Authorization");
  }
  auto p = ctx.hub.Authenticate(key);
  if (!p.ok()) {
    auto e = std::move(p).error();
    e.field = "Authorization";
    return e;
  }
  return p;
}

Result<json::value> ParseJsonBody(const ApiContext& ctx, const http::HttpRequest& req) {
  if (auto ct = req.Header("Content-Type")) {
    std::string lower(*ct);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool json_like = lower.find("json") != std::string::npos;
    const bool form_like = lower.find("x-www-form-urlencoded") != std::string::npos;  // curl's default; MISP accepts JSON in it
    if (!json_like && !form_like && !lower.empty()) {
      return MakeError(ErrorCode::kUnsupportedMedia,
                       "this endpoint takes JSON: send Content-Type: application/json (got '" + std::string(*ct) + "')",
                       "Content-Type");
    }
  }
  const std::string& body = req.body;
  size_t i = 0;
  while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
  if (i == body.size()) return json::value(nullptr);
  json::parse_options opt;
  opt.max_depth = ctx.max_json_depth;
  opt.allow_invalid_utf8 = false;
  json::stream_parser parser(json::storage_ptr(), opt);
  // The tree lives as long as the request: one arena for all its nodes (freed at once) instead of an
  // allocation per string, array and object.
  parser.reset(json::make_shared_resource<json::monotonic_resource>());
  boost::system::error_code ec;
  size_t consumed = parser.write_some(body.data(), body.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    std::string why = ec.message();
    if (ec == json::error::too_deep) {
      why = "nesting deeper than " + std::to_string(ctx.max_json_depth) + " levels";
    } else if (ec == json::error::syntax || ec == json::error::extra_data) {
      why = "syntax error";
    }
    return MakeError(ErrorCode::kBadRequest,
                     "the request body is not valid JSON: " + why + " near byte " + std::to_string(consumed), "body");
  }
  return parser.release();
}

Result<json::value> ParseOptionalObjectBody(const ApiContext& ctx, const http::HttpRequest& req) {
  BW_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(ctx, req));
  if (!body.is_null() && !body.is_object()) {
    return MakeError(ErrorCode::kBadRequest, "the request body must be a JSON object (or empty)", "body");
  }
  return body;
}

http::HttpResponse JsonResponse(int status, const json::value& v) {
  return http::HttpResponse::Json(status, json::serialize(v));
}

json::object Enveloped(const char* key, json::value inner) {
  json::object o;
  o[key] = std::move(inner);
  return o;
}

http::HttpResponse ActionReply(const http::HttpRequest& req, const std::string& message, const std::string& id) {
  json::object o;
  o["saved"] = true;
  o["success"] = true;
  o["name"] = message;
  o["message"] = message;
  o["url"] = req.path;
  if (!id.empty()) o["id"] = id;
  return JsonResponse(200, o);
}

http::HttpResponse ErrorFor(const Error& e, const http::HttpRequest& req) {
  return http::ErrorResponse(e, req.path);
}

std::string RefParam(const http::HttpRequest& req, std::string_view name) {
  std::string v(req.Param(name));
  if (v.size() > 5 && v.compare(v.size() - 5, 5, ".json") == 0) v.resize(v.size() - 5);
  return v;
}

http::Handler Authed(ApiContext& ctx, AuthedHandler handler) {
  return [&ctx, handler = std::move(handler)](http::HttpRequest& req) -> http::HttpResponse {
    if (ctx.rate_limiter != nullptr) {
      // Buckets are keyed by a hash of the credential, so the limiter never holds a usable secret.
      int64_t retry_after = 0;
      if (!ctx.rate_limiter->Allow(Sha256Hex(CredentialOf(req)), ctx.clock.NowMicros(), retry_after)) {
        http::HttpResponse limited = ErrorFor(
            MakeError(ErrorCode::kRateLimited,
                      "too many requests with this API key: retry in " + std::to_string(retry_after) + " s"),
            req);
        limited.headers.emplace_back("Retry-After", std::to_string(retry_after));
        return limited;
      }
    }
    auto p = Authenticate(ctx, req);
    if (!p.ok()) return ErrorFor(p.error(), req);
    auto r = handler(req, p.value());
    if (!r.ok()) {
      if (r.error().code == ErrorCode::kInternal) ctx.log->error("{} {}: {}", req.method, req.path, r.error().message);
      return ErrorFor(r.error(), req);
    }
    return std::move(r).value();
  };
}

http::HttpResponse Streamed(int status, std::function<bool(std::string& out)> next) {
  http::HttpResponse r;
  r.status = status;
  r.stream = std::move(next);
  return r;
}

}  // namespace bulwark::api
