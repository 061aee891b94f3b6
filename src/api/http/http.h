// The HTTP server framework the hub's API runs on: request/response values, a router, and a server.
// The hub registers handlers on a Router and starts an HttpServer with it; nothing here exposes Boost types
// (Beast/Asio stay inside src/api/http/*.cc, which keeps every other translation unit fast to compile).
//
// Threading: network I/O runs on `io_threads`; handlers (which may block on the database) and streamed body
// producers run on `worker_threads`. A handler must be safe to call concurrently from several workers.
// A handler only ever sees a request that passed every limit (header size, body size, decompressed size).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/log.h"
#include "common/metrics.h"
#include "common/result.h"

namespace bulwark::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;          // as sent, e.g. "GET"
  std::string target;          // the raw request-target, e.g. "/events/view/5?x=1"
  std::string path;            // percent-decoded path, no query
  HeaderList query;            // decoded query parameters in order ('+' is a space); repeated names kept
  HeaderList headers;          // as received (names in their original case)
  std::string body;            // decompressed when Content-Encoding was gzip/deflate
  std::string remote_address;  // "ip:port" of the peer
  std::map<std::string, std::string> params;  // router path parameters, decoded

  // The first header with this name (ASCII case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The first query parameter with this name (exact), or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
  // The path parameter, or "" when the route has none of that name.
  std::string_view Param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;  // extra headers; Content-Length/Transfer-Encoding/Connection are set by the server
  std::string body;
  // Streaming: when set, `body` is ignored and the body is produced by calling `stream` (on a worker thread)
  // until it returns false, each time with an empty `chunk` to fill; what it leaves there is sent with chunked
  // transfer encoding, consecutive pieces gathered into writes of at least 256 KiB (and gzip-compressed, flushed
  // per write, when the client accepts gzip). The chunk it fills when
  // returning false is sent too. If it throws, the connection is closed without the terminating chunk so the
  // client sees a truncated body.
  std::function<bool(std::string& chunk)> stream;

  static HttpResponse Json(int status, std::string body);
  static HttpResponse Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// The JSON error body every server-made error uses, readable by both native and MISP clients:
//   {"name":<message>,"message":<message>,"url":<path>,"error":{"code":"too_large","message":...,"field":...}}
// with the status from HttpStatusFor(error.code).
HttpResponse ErrorResponse(const Error& error, std::string_view url);
// The same body with an explicit status and code, for HTTP-level errors without an ErrorCode of their own
// (405 "method_not_allowed", 431 "too_large").
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message, std::string_view url,
                           std::string_view field = {});

using Handler = std::function<HttpResponse(HttpRequest&)>;

struct RouteInfo {
  std::string method;
  std::string pattern;
  std::string name;
};

// Maps (method, path) to a handler. Patterns are paths whose segments are literals, `{name}` (one segment)
// or, as the last segment only, `{name*}` (the rest of the path, possibly empty, slashes kept). Literal
// segments win over parameters, parameters over the rest-wildcard, compared from the left. A trailing slash
// is not significant ("/taxii2/" and "/taxii2" are the same). HEAD falls back to the GET route (the server
// sends the headers without the body). Thread-safety: Add is for start-up; Find and Routes are const and may
// run concurrently.
class Router {
 public:
  // Throws std::logic_error on a malformed pattern or a duplicate (method, pattern): these are programmer
  // errors found at start-up.
  void Add(std::string method, std::string pattern, std::string route_name, Handler handler);

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed };
    Kind kind = Kind::kNotFound;
    const Handler* handler = nullptr;  // valid while the Router lives; set when kFound
    std::string route_name;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;  // for kMethodNotAllowed (the Allow header), sorted
  };
  // `path` is the request path without the query, percent-encoded as sent; it is split on '/' before each
  // segment is decoded, so "%2F" stays inside one parameter.
  Match Find(std::string_view method, std::string_view path) const;

  std::vector<RouteInfo> Routes() const;

 private:
  struct Segment {
    enum class Kind { kLiteral, kParam, kRest } kind;
    std::string text;  // literal text or parameter name
  };
  struct Route {
    RouteInfo info;
    std::vector<Segment> segments;
    Handler handler;
  };
  static bool MatchRoute(const Route& route, const std::vector<std::string>& segments,
                         std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IP address (v4 or v6) to bind
  uint16_t port = 8080;            // 0 = the OS picks; see HttpServer::Endpoint()
  int io_threads = 2;
  int worker_threads = 4;
  size_t max_header_bytes = 16 * 1024;         // over: 431
  size_t max_body_bytes = 64 * 1024 * 1024;    // over (raw or decompressed): 413
  int max_connections = 1024;                  // over: 503 and close
  std::chrono::seconds read_timeout{30};       // for the header, then again for the body, of one request
  std::chrono::seconds idle_timeout{60};       // keep-alive wait for the next request; also per write
  std::chrono::seconds shutdown_timeout{10};   // Stop(): how long in-flight responses may take to finish
  size_t gzip_min_bytes = 1024;                // gzip responses at least this big when the client accepts it
  std::string tls_cert_file;                   // PEM certificate chain; with tls_key_file set: HTTPS
  std::string tls_key_file;                    // PEM private key
  bool access_log = true;                      // one info line per request through the Logger
};

// An HTTP/1.1 server (keep-alive, chunked streaming, gzip, optional TLS) over a Router.
// Metrics it keeps: bulwark_http_requests_total{route,method,status},
// bulwark_http_request_duration_seconds{route} (histogram), bulwark_http_connections (gauge),
// bulwark_http_rejected_total{reason} with reason one of connections, header_too_large, body_too_large,
// bad_request, timeout, unsupported_encoding, tls_handshake.
class HttpServer {
 public:
  class Impl;

  // Binds, listens and starts the threads. The router is copied; `metrics` must outlive the server.
  // Errors: kInvalid for a bad host or unreadable/mismatched TLS files, kUnavailable when binding fails.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, const Router& router,
                                                   Metrics& metrics, Logger logger);
  ~HttpServer();  // calls Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "127.0.0.1:41234" or "[::1]:41234": the address actually bound.
  std::string Endpoint() const;
  uint16_t Port() const;
  // Graceful: stops accepting, closes idle connections, lets requests already being handled finish (their
  // responses carry "Connection: close"), then after shutdown_timeout closes whatever is left. Waits for
  // running handlers to return (they cannot be interrupted). Idempotent; callable from any thread except an
  // I/O or worker thread of this server.
  void Stop();
  // Blocks until Stop() has completed (e.g. called from a signal-handling thread).
  void Wait();

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Helpers shared by the server and usable by handlers (no Boost types).
// Percent-decodes; `plus_as_space` for query strings. Returns nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space);
// Splits "a=1&b=x%20y" into decoded pairs; malformed escapes are kept verbatim.
HeaderList ParseQuery(std::string_view query);

}  // namespace bulwark::http
