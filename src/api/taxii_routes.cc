// TAXII 2.1 routes (docs/taxii.md): discovery at /taxii2/ and one API root at /taxii2/root/. The logic lives in
// taxii::Service; this file does content negotiation (406/415), authentication (HTTP Basic with the user's
// email and an API key as password, or the API key in Authorization as on the rest of the hub), the TAXII
// error body and the X-TAXII-Date-Added-* headers. Every response carries application/taxii+json;version=2.1.
#include <memory>

#include "api/api_util.h"
#include "api/routes_internal.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "store/sqlite/stix_store.h"
#include "taxii/filters.h"
#include "common/json_text.h"
#include "taxii/service.h"

namespace bulwark::api {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr std::string_view kApiRoot = "/taxii2/root/";
constexpr std::string_view kRealm = "Basic realm=\"Bulwark TAXII\", charset=\"UTF-8\"";

struct TaxiiRoutes {
  explicit TaxiiRoutes(ApiContext& c)
      : ctx(c), stix(store::NewSqliteStixStore(c.hub.store(), c.clock)), service(*stix, c.clock) {}
  ApiContext& ctx;
  std::unique_ptr<store::StixStore> stix;
  taxii::Service service;
};

HttpResponse TaxiiResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(taxii::kTaxiiMediaType);
  r.body = std::move(body);
  return r;
}

std::string_view TitleFor(int status) {
  switch (status) {
    case 400: return "Bad request";
    case 401: return "Authentication required";
    case 403: return "Forbidden";
    case 404: return "Not found";
    case 406: return "Not acceptable";
    case 413: return "Content too large";
    case 415: return "Unsupported media type";
    case 422: return "Unprocessable content";
    case 429: return "Too many requests";
    default: return status >= 500 ? "Internal server error" : "Error";
  }
}

// The TAXII error resource (spec §3.6.1): title, description, error_id, error_code, http_status (a string).
HttpResponse TaxiiError(int status, std::string_view code, std::string_view description, std::string_view field = {}) {
  std::string body = "{\"title\":";
  AppendJsonString(body, TitleFor(status));
  body += ",\"description\":";
  AppendJsonString(body, description);
  body += ",\"error_id\":\"" + NewUuidV4() + "\",\"error_code\":";
  AppendJsonString(body, code);
  body += ",\"http_status\":\"" + std::to_string(status) + "\"";
  if (!field.empty()) {
    body += ",\"details\":{\"field\":";
    AppendJsonString(body, field);
    body += "}";
  }
  body += "}";
  HttpResponse r = TaxiiResponse(status, std::move(body));
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", std::string(kRealm));
  return r;
}

HttpResponse TaxiiErrorFor(const Error& e) {
  return TaxiiError(HttpStatusFor(e.code), ErrorCodeName(e.code), e.message, e.field);
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool EqualNoCase(std::string_view a, std::string_view b) { return a.size() == b.size() && StartsWithNoCase(a, b); }

Error Unauthenticated(std::string message) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(message), "Authorization");
}

// HTTP Basic (email:api-key), "Token <key>" (taxii2-client's TokenAuth), or what the rest of the hub takes.
Result<access::Principal> TaxiiAuthenticate(ApiContext& ctx, const HttpRequest& req) {
  auto header = req.Header("Authorization");
  if (header && StartsWithNoCase(*header, "Basic ")) {
    auto decoded = Base64Decode(header->substr(6));
    const size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return Unauthenticated("malformed Basic credentials");
    const std::string email = decoded->substr(0, colon);
    auto p = ctx.hub.Authenticate(std::string_view(*decoded).substr(colon + 1));
    if (!p.ok()) return Unauthenticated("invalid user name or API key");
    if (!EqualNoCase(p->user.email, email)) return Unauthenticated("invalid user name or API key");
    return p;
  }
  if (header && StartsWithNoCase(*header, "Token ")) {
    std::string_view key = header->substr(6);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    auto p = ctx.hub.Authenticate(key);
    if (!p.ok()) return Unauthenticated("invalid API key");
    return p;
  }
  return Authenticate(ctx, req);
}

using TaxiiHandler = std::function<Result<HttpResponse>(HttpRequest&, const access::Principal&)>;

http::Handler Taxii(const std::shared_ptr<TaxiiRoutes>& t, TaxiiHandler handler) {
  return [t, handler = std::move(handler)](HttpRequest& req) -> HttpResponse {
    // Credentials first: an unauthenticated client learns only that it must authenticate.
    auto p = TaxiiAuthenticate(t->ctx, req);
    if (!p.ok()) return TaxiiErrorFor(p.error());
    if (!taxii::AcceptsTaxii(req.Header("Accept"))) {
      return TaxiiError(406, "not_acceptable",
                        "this server answers application/taxii+json;version=2.1: send it in the Accept header",
                        "Accept");
    }
    auto r = handler(req, *p);
    if (!r.ok()) {
      if (r.error().code == ErrorCode::kInternal) {
        t->ctx.log->error("{} {}: {}", req.method, req.path, r.error().message);
      }
      return TaxiiErrorFor(r.error());
    }
    return std::move(r).value();
  };
}

HttpResponse PageResponse(taxii::Page page) {
  HttpResponse r = TaxiiResponse(200, std::move(page.body));
  // Spec §3.3.1: on every 2xx of these endpoints; absent here only when the page is empty (there is no
  // first or last object to date), as the reference server does.
  if (page.first_added_micros) {
    r.headers.emplace_back("X-TAXII-Date-Added-First", FormatRfc3339Micros(*page.first_added_micros));
    r.headers.emplace_back("X-TAXII-Date-Added-Last", FormatRfc3339Micros(*page.last_added_micros));
  }
  return r;
}

std::string Discovery() {
  std::string body = "{\"title\":\"Bulwark TAXII 2.1\",\"description\":\"TAXII 2.1 server of a Bulwark hub\",";
  body += "\"default\":\"" + std::string(kApiRoot) + "\",\"api_roots\":[\"" + std::string(kApiRoot) + "\"]}";
  return body;
}

std::string ApiRootInfo(const taxii::Service& s) {
  return "{\"title\":\"Bulwark hub\",\"description\":\"The hub's shared intelligence and the collections its "
         "administrators created\",\"versions\":[\"" +
         std::string(taxii::kTaxiiMediaType) + "\"],\"max_content_length\":" +
         std::to_string(s.options().max_content_length) + "}";
}

}  // namespace

void RegisterTaxiiRoutes(http::Router& r, ApiContext& ctx) {
  auto t = std::make_shared<TaxiiRoutes>(ctx);
  taxii::Service& s = t->service;
  const std::string root(kApiRoot);
  const std::string coll = root + "collections/{collection}/";

  r.Add("GET", "/taxii2/", "taxii.discovery",
        Taxii(t, [](HttpRequest&, const access::Principal&) -> Result<HttpResponse> {
          return TaxiiResponse(200, Discovery());
        }));
  r.Add("GET", root, "taxii.api_root", Taxii(t, [&s](HttpRequest&, const access::Principal&) -> Result<HttpResponse> {
          return TaxiiResponse(200, ApiRootInfo(s));
        }));
  r.Add("GET", root + "status/{status}/", "taxii.status",
        Taxii(t, [&s](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(std::string body, s.GetStatus(p, std::string(req.Param("status"))));
          return TaxiiResponse(200, std::move(body));
        }));
  r.Add("GET", root + "collections/", "taxii.collections",
        Taxii(t, [&s](HttpRequest&, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(std::string body, s.ListCollections(p));
          return TaxiiResponse(200, std::move(body));
        }));
  r.Add("GET", coll, "taxii.collection",
        Taxii(t, [&s](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(std::string body, s.GetCollection(p, std::string(req.Param("collection"))));
          return TaxiiResponse(200, std::move(body));
        }));
  r.Add("GET", coll + "manifest/", "taxii.manifest",
        Taxii(t, [&s](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(taxii::Page page, s.GetManifest(p, std::string(req.Param("collection")), req.query));
          return PageResponse(std::move(page));
        }));
  r.Add("GET", coll + "objects/", "taxii.objects",
        Taxii(t, [&s](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(taxii::Page page, s.GetObjects(p, std::string(req.Param("collection")), req.query));
          return PageResponse(std::move(page));
        }));
  r.Add("POST", coll + "objects/", "taxii.objects.add",
        Taxii(t, [&s](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          if (!taxii::IsTaxiiContentType(req.Header("Content-Type"))) {
            return MakeError(ErrorCode::kUnsupportedMedia,
                             "POST an envelope with Content-Type: application/taxii+json;version=2.1", "Content-Type");
          }
          BW_ASSIGN_OR_RETURN(std::string body, s.AddObjects(p, std::string(req.Param("collection")), req.body));
          return TaxiiResponse(202, std::move(body));
        }));
  r.Add("GET", coll + "objects/{object}/", "taxii.object",
        Taxii(t, [&s](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(taxii::Page page, s.GetObject(p, std::string(req.Param("collection")),
                                                            std::string(req.Param("object")), req.query));
          return PageResponse(std::move(page));
        }));
  r.Add("DELETE", coll + "objects/{object}/", "taxii.object.delete",
        Taxii(t, [&s](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_RETURN_IF_ERROR(s.DeleteObject(p, std::string(req.Param("collection")), std::string(req.Param("object")),
                                            req.query));
          return TaxiiResponse(200, "");
        }));
  r.Add("GET", coll + "objects/{object}/versions/", "taxii.versions",
        Taxii(t, [&s](HttpRequest& req, const access::Principal& p) -> Result<HttpResponse> {
          BW_ASSIGN_OR_RETURN(taxii::Page page, s.GetVersions(p, std::string(req.Param("collection")),
                                                              std::string(req.Param("object")), req.query));
          return PageResponse(std::move(page));
        }));
}

}  // namespace bulwark::api
