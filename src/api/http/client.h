// A small blocking HTTP/1.1 client for the hub's outgoing requests (MISP feeds, TAXII servers, partner hubs).
// One request per call on a fresh connection (no pooling): GET/POST with headers and a body, http:// and
// https:// (OpenSSL; the server certificate and host name are verified unless TlsVerify::kInsecure is asked
// for explicitly), a connect timeout and an overall deadline, a bounded number of redirects, a bound on the
// response body (also after gzip decompression), gzip/deflate accepted. Nothing here exposes Boost types
// (Beast/Asio stay in client.cc).
//
// Thread-safety: Fetch is reentrant; calls on different threads share nothing.
// Errors: kInvalid for a malformed URL or unsupported scheme, kUnavailable for DNS/connect/TLS/IO failures
// and timeouts (the message says which), kTooLarge when the body passes max_body_bytes, kBadRequest for a
// malformed response or too many redirects. An HTTP error status (4xx/5xx) is NOT an error: it is returned
// in ClientResponse::status for the caller to judge.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/http.h"
#include "common/result.h"

namespace bulwark::http {

enum class TlsVerify { kVerify, kInsecure };

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};  // Default: 10 s for DNS + TCP connect + TLS handshake
  std::chrono::milliseconds timeout{120'000};         // Default: 120 s for the whole exchange, redirects included
  int max_redirects = 5;                              // Default: 5; 0 = return the 3xx as it is
  size_t max_body_bytes = 256u << 20;                 // Default: 256 MiB (decoded)
  TlsVerify tls = TlsVerify::kVerify;                 // Default: verify the chain and the host name
  std::string ca_file;                                // PEM bundle to trust in addition to the system's
  std::string user_agent = "bulwark";
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;  // sent as given; Host, User-Agent, Accept-Encoding and Content-Length are added
  std::string body;    // sent when non-empty or when method is POST/PUT
};

struct ClientResponse {
  int status = 0;
  HeaderList headers;
  std::string body;       // decompressed when the server sent gzip/deflate
  std::string final_url;  // after redirects

  // The first header with this name (ASCII case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
};

// The parts of an absolute http(s) URL.
struct Url {
  std::string scheme;  // "http" or "https", lowercase
  std::string host;    // without brackets for IPv6 literals
  uint16_t port = 0;   // explicit or the scheme's default
  std::string target;  // path and query, at least "/"
  std::string userinfo;  // "user:password" when the URL carries one (sent as Basic auth)
};

// Parses an absolute http:// or https:// URL. kInvalid otherwise.
Result<Url> ParseUrl(std::string_view url);
// Resolves `ref` (absolute, scheme-relative "//h/p", absolute-path "/p" or relative "p") against `base`.
std::string ResolveUrl(std::string_view base, std::string_view ref);
// "Basic base64(user:password)".
std::string BasicAuthorization(std::string_view user, std::string_view password);

// Sends the request, follows redirects (301/302/303 turn POST into GET; 307/308 keep the method; the
// Authorization header is dropped when a redirect leaves the original scheme://host:port).
Result<ClientResponse> Fetch(const ClientRequest& request, const ClientOptions& options = {});

}  // namespace bulwark::http
