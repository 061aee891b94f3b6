#include "api/http/client.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <vector>

#include "api/http/gzip.h"

namespace bulwark::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using ErrorCodeSys = boost::system::error_code;
using Done = std::function<void(ErrorCodeSys)>;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Base64Encode(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// Runs one asynchronous operation on `ioc` until it completes or `deadline` passes; on a timeout `cancel`
// aborts it (closing the socket) and the context is drained so nothing refers to the stack afterwards.
Status RunOp(asio::io_context& ioc, SteadyClock::time_point deadline, const std::string& what,
             const std::function<void(Done)>& start, const std::function<void()>& cancel, ErrorCodeSys* ec_out = nullptr) {
  bool done = false;
  ErrorCodeSys ec;
  start([&](ErrorCodeSys e) {
    ec = e;
    done = true;
  });
  ioc.restart();
  if (deadline > SteadyClock::now()) ioc.run_until(deadline);
  if (!done) {
    cancel();
    ioc.restart();
    ioc.run();
    return MakeError(ErrorCode::kUnavailable, what + " timed out");
  }
  if (ec_out != nullptr) *ec_out = ec;
  if (ec) return MakeError(ErrorCode::kUnavailable, what + ": " + ec.message());
  return Ok();
}

struct Hop {
  Url url;
  std::string method;
  HeaderList headers;
  std::string body;
};

// Writes the request and reads the response on an established stream.
template <typename Stream>
Result<ClientResponse> Exchange(asio::io_context& ioc, Stream& stream, const Hop& hop, const ClientOptions& options,
                                SteadyClock::time_point deadline, const std::function<void()>& cancel) {
  bhttp::request<bhttp::string_body> req;
  bhttp::verb verb = bhttp::string_to_verb(hop.method);
  if (verb == bhttp::verb::unknown) return MakeError(ErrorCode::kInvalid, "unsupported HTTP method " + hop.method);
  req.method(verb);
  req.target(hop.url.target);
  req.version(11);
  const bool default_port = (hop.url.scheme == "http" && hop.url.port == 80) ||
                            (hop.url.scheme == "https" && hop.url.port == 443);
  const bool v6 = hop.url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + hop.url.host + "]" : hop.url.host;
  if (!default_port) host += ":" + std::to_string(hop.url.port);
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::user_agent, options.user_agent);
  req.set(bhttp::field::accept_encoding, "gzip, deflate");
  req.set(bhttp::field::connection, "close");
  bool has_auth = false;
  for (const auto& [name, value] : hop.headers) {
    if (EqualsIgnoreCase(name, "authorization")) has_auth = true;
    req.set(name, value);
  }
  if (!has_auth && !hop.url.userinfo.empty()) {
    const size_t colon = hop.url.userinfo.find(':');
    auto user = PercentDecode(hop.url.userinfo.substr(0, colon), false).value_or("");
    auto pass = colon == std::string::npos ? std::string() : PercentDecode(hop.url.userinfo.substr(colon + 1), false).value_or("");
    req.set(bhttp::field::authorization, BasicAuthorization(user, pass));
  }
  if (!hop.body.empty() || verb == bhttp::verb::post || verb == bhttp::verb::put) {
    req.body() = hop.body;
    req.prepare_payload();
  }
  BW_RETURN_IF_ERROR(RunOp(
      ioc, deadline, "sending the request to " + hop.url.host,
      [&](Done done) { bhttp::async_write(stream, req, [done](ErrorCodeSys e, size_t) { done(e); }); }, cancel));

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(options.max_body_bytes);
  ErrorCodeSys read_ec;
  Status st = RunOp(
      ioc, deadline, "reading the response of " + hop.url.host,
      [&](Done done) { bhttp::async_read(stream, buffer, parser, [done](ErrorCodeSys e, size_t) { done(e); }); },
      cancel, &read_ec);
  if (!st.ok()) {
    if (read_ec == bhttp::error::body_limit) {
      return MakeError(ErrorCode::kTooLarge, "the response body of " + hop.url.host + " is over " +
                                                 std::to_string(options.max_body_bytes) + " bytes");
    }
    if (read_ec == bhttp::error::header_limit) {
      return MakeError(ErrorCode::kBadRequest, "the response headers of " + hop.url.host + " are over 64 KiB");
    }
    return std::move(st).error();
  }
  auto msg = parser.release();
  ClientResponse out;
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  if (auto enc = out.Header("content-encoding")) {
    const std::string e = Lower(*enc);
    if (e == "gzip" || e == "x-gzip" || e == "deflate") {
      BW_ASSIGN_OR_RETURN(out.body, Inflate(out.body, options.max_body_bytes));
    } else if (e != "identity" && !e.empty()) {
      return MakeError(ErrorCode::kBadRequest, "unsupported Content-Encoding '" + e + "' from " + hop.url.host);
    }
  }
  return out;
}

Result<ClientResponse> OneHop(const Hop& hop, const ClientOptions& options, SteadyClock::time_point deadline) {
  asio::io_context ioc;
  const auto connect_deadline = std::min(deadline, SteadyClock::now() + options.connect_timeout);
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  BW_RETURN_IF_ERROR(RunOp(
      ioc, connect_deadline, "resolving " + hop.url.host,
      [&](Done done) {
        resolver.async_resolve(hop.url.host, std::to_string(hop.url.port),
                               [&endpoints, done](ErrorCodeSys e, tcp::resolver::results_type r) {
                                 endpoints = std::move(r);
                                 done(e);
                               });
      },
      [&] { resolver.cancel(); }));

  if (hop.url.scheme == "http") {
    tcp::socket socket(ioc);
    auto cancel = [&] {
      ErrorCodeSys ignored;
      socket.close(ignored);
    };
    BW_RETURN_IF_ERROR(RunOp(
        ioc, connect_deadline, "connecting to " + hop.url.host,
        [&](Done done) { asio::async_connect(socket, endpoints, [done](ErrorCodeSys e, const tcp::endpoint&) { done(e); }); },
        cancel));
    return Exchange(ioc, socket, hop, options, deadline, cancel);
  }

  ssl::context ctx(ssl::context::tls_client);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ErrorCodeSys ec;
  if (options.tls == TlsVerify::kVerify) {
    ctx.set_default_verify_paths(ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, "cannot load the system's CA certificates: " + ec.message());
    if (!options.ca_file.empty()) {
      ctx.load_verify_file(options.ca_file, ec);
      if (ec) return MakeError(ErrorCode::kInvalid, "cannot load CA file " + options.ca_file + ": " + ec.message());
    }
    ctx.set_verify_mode(ssl::verify_peer);
  } else {
    ctx.set_verify_mode(ssl::verify_none);
  }
  ssl::stream<tcp::socket> stream(ioc, ctx);
  if (options.tls == TlsVerify::kVerify) stream.set_verify_callback(ssl::host_name_verification(hop.url.host));
  if (!SSL_set_tlsext_host_name(stream.native_handle(), hop.url.host.c_str())) {
    return MakeError(ErrorCode::kInvalid, "cannot set the TLS server name " + hop.url.host);
  }
  auto cancel = [&] {
    ErrorCodeSys ignored;
    stream.lowest_layer().close(ignored);
  };
  BW_RETURN_IF_ERROR(RunOp(
      ioc, connect_deadline, "connecting to " + hop.url.host,
      [&](Done done) {
        asio::async_connect(stream.lowest_layer(), endpoints, [done](ErrorCodeSys e, const tcp::endpoint&) { done(e); });
      },
      cancel));
  BW_RETURN_IF_ERROR(RunOp(
      ioc, connect_deadline, "TLS handshake with " + hop.url.host,
      [&](Done done) { stream.async_handshake(ssl::stream_base::client, [done](ErrorCodeSys e) { done(e); }); },
      cancel));
  return Exchange(ioc, stream, hop, options, deadline, cancel);
}

// RFC 3986 §5.2.4, for the path part (the query, if any, is kept as it is).
std::string RemoveDotSegments(std::string_view target) {
  const size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(pos, slash - pos);
    if (seg == "..") {
      if (out.size() > 1) out.pop_back();
    } else if (seg != ".") {
      out.push_back(seg);
    }
    pos = slash + 1;
  }
  std::string result;
  for (size_t i = 0; i < out.size(); ++i) result += (i ? "/" : "") + std::string(out[i]);
  const bool trailing = (path.size() >= 2 && path.substr(path.size() - 2) == "/.") ||
                        (path.size() >= 3 && path.substr(path.size() - 3) == "/..");
  if (trailing) result += '/';
  if (result.empty() || result.front() != '/') result.insert(result.begin(), '/');
  if (q != std::string_view::npos) result += target.substr(q);
  return result;
}

std::string Origin(const Url& u) { return u.scheme + "://" + u.host + ":" + std::to_string(u.port); }

}  // namespace

std::optional<std::string_view> ClientResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

Result<Url> ParseUrl(std::string_view url) {
  Url u;
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos) return MakeError(ErrorCode::kInvalid, "not an absolute URL: " + std::string(url.substr(0, 200)));
  u.scheme = Lower(url.substr(0, colon));
  if (u.scheme != "http" && u.scheme != "https") {
    return MakeError(ErrorCode::kInvalid, "unsupported URL scheme '" + u.scheme.substr(0, 20) + "' (http or https)");
  }
  std::string_view rest = url.substr(colon + 3);
  const size_t path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view target = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if (const size_t hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    u.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return MakeError(ErrorCode::kInvalid, "unterminated IPv6 literal in URL");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return MakeError(ErrorCode::kInvalid, "malformed host in URL");
      port_text = after.substr(1);
    }
  } else {
    const size_t pc = authority.rfind(':');
    u.host = std::string(authority.substr(0, pc));
    if (pc != std::string_view::npos) port_text = authority.substr(pc + 1);
  }
  if (u.host.empty()) return MakeError(ErrorCode::kInvalid, "URL without a host");
  for (char c : u.host) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '\\') return MakeError(ErrorCode::kInvalid, "malformed host in URL");
  }
  u.port = u.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || p == 0 || p > 65535) {
      return MakeError(ErrorCode::kInvalid, "malformed port in URL");
    }
    u.port = static_cast<uint16_t>(p);
  }
  u.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  for (char c : u.target) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return MakeError(ErrorCode::kInvalid, "URL with spaces or control characters");
  }
  return u;
}

std::string ResolveUrl(std::string_view base, std::string_view ref) {
  if (ref.find("://") != std::string_view::npos) {
    const size_t scheme_end = ref.find("://");
    const bool scheme_ok = std::all_of(ref.begin(), ref.begin() + scheme_end, [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    if (scheme_ok && scheme_end > 0) return std::string(ref);
  }
  const size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return std::string(ref);
  if (ref.substr(0, 2) == "//") return std::string(base.substr(0, scheme_end + 1)) + std::string(ref);
  const size_t path_start = base.find('/', scheme_end + 3);
  const std::string origin(path_start == std::string_view::npos ? base : base.substr(0, path_start));
  if (!ref.empty() && ref.front() == '/') return origin + RemoveDotSegments(ref);
  std::string_view path = path_start == std::string_view::npos ? std::string_view("/") : base.substr(path_start);
  path = path.substr(0, path.find_first_of("?#"));
  if (ref.empty()) return origin + std::string(path);
  if (ref.front() == '?') return origin + std::string(path) + std::string(ref);
  return origin + RemoveDotSegments(std::string(path.substr(0, path.rfind('/') + 1)) + std::string(ref));
}

std::string BasicAuthorization(std::string_view user, std::string_view password) {
  return "Basic " + Base64Encode(std::string(user) + ":" + std::string(password));
}

Result<ClientResponse> Fetch(const ClientRequest& request, const ClientOptions& options) {
  const auto deadline = SteadyClock::now() + options.timeout;
  Hop hop;
  BW_ASSIGN_OR_RETURN(hop.url, ParseUrl(request.url));
  hop.method = request.method;
  hop.headers = request.headers;
  hop.body = request.body;
  const std::string origin = Origin(hop.url);
  std::string current = request.url;
  for (int redirects = 0;; ++redirects) {
    BW_ASSIGN_OR_RETURN(ClientResponse resp, OneHop(hop, options, deadline));
    resp.final_url = current;
    const int s = resp.status;
    const bool redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    auto location = resp.Header("location");
    if (!redirect || !location || options.max_redirects == 0) return resp;
    if (redirects >= options.max_redirects) {
      return MakeError(ErrorCode::kBadRequest, "more than " + std::to_string(options.max_redirects) +
                                                   " redirects, last to " + std::string(location->substr(0, 200)));
    }
    current = ResolveUrl(current, *location);
    BW_ASSIGN_OR_RETURN(hop.url, ParseUrl(current));
    if (s == 303 || ((s == 301 || s == 302) && hop.method == "POST")) {
      hop.method = "GET";
      hop.body.clear();
      hop.headers.erase(std::remove_if(hop.headers.begin(), hop.headers.end(),
                                       [](const auto& h) { return EqualsIgnoreCase(h.first, "content-type"); }),
                        hop.headers.end());
    }
    if (Origin(hop.url) != origin) {
      hop.headers.erase(std::remove_if(hop.headers.begin(), hop.headers.end(),
                                       [](const auto& h) { return EqualsIgnoreCase(h.first, "authorization"); }),
                        hop.headers.end());
      hop.url.userinfo.clear();
    }
  }
}

}  // namespace bulwark::http
