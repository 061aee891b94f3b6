// Helpers shared by the route files: authentication, JSON bodies, responses and errors.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <string>

#include "api/api.h"

namespace bulwark::api {

namespace json = boost::json;

// Reads the API key from `Authorization` (the raw key as MISP expects, or "Bearer <key>") or `X-MISP-AUTH`,
// and resolves it to a principal. kUnauthenticated when missing or invalid.
Result<access::Principal> Authenticate(ApiContext& ctx, const http::HttpRequest& req);

// Parses the request body as JSON. A Content-Type other than JSON is a 415; malformed JSON, invalid UTF-8
// and nesting deeper than ctx.max_json_depth are 400s that say where. An empty body gives null.
Result<json::value> ParseJsonBody(const ApiContext& ctx, const http::HttpRequest& req);

// For routes whose body is optional: like ParseJsonBody, but anything other than an object or no body is a
// 400, so a mistaken body is never silently ignored.
Result<json::value> ParseOptionalObjectBody(const ApiContext& ctx, const http::HttpRequest& req);

http::HttpResponse JsonResponse(int status, const json::value& v);
// {key: inner}: MISP's envelopes ({"Event": ...}, {"Tag": [...]}, {"response": ...}).
json::object Enveloped(const char* key, json::value inner);
// MISP's reply to an action: {"saved": true, "success": true, "name": m, "message": m, "url": path[, "id": id]}.
http::HttpResponse ActionReply(const http::HttpRequest& req, const std::string& message, const std::string& id = {});
http::HttpResponse ErrorFor(const Error& e, const http::HttpRequest& req);

// A path parameter that names an entity: MISP clients sometimes append ".json"; it is dropped.
std::string RefParam(const http::HttpRequest& req, std::string_view name);

using AuthedHandler = std::function<Result<http::HttpResponse>(http::HttpRequest&, const access::Principal&)>;
// Wraps a handler with authentication and error mapping; a failed Result becomes the JSON error response.
http::Handler Authed(ApiContext& ctx, AuthedHandler handler);

// Streams a JSON array (or any text) produced piecewise: `next` appends the next piece to `out` and
// returns false once done. Used for large search results so memory stays bounded.
http::HttpResponse Streamed(int status, std::function<bool(std::string& out)> next);

}  // namespace bulwark::api
