// Router and the Boost-free helpers of http.h.
#include <algorithm>
#include <stdexcept>

#include "api/http/http.h"
#include "common/json_text.h"

namespace bulwark::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits a path on '/', dropping the leading empty segment and a trailing empty one ("/a/b/" -> a, b).
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view HttpRequest::Param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Text(int status, std::string body, std::string content_type) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}



HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message, std::string_view url,
                           std::string_view field) {
  const std::string msg = JsonQuoted(message);
  std::string body = "{\"name\":" + msg + ",\"message\":" + msg + ",\"url\":" + JsonQuoted(url) +
                     ",\"error\":{\"code\":" + JsonQuoted(code) + ",\"message\":" + msg +
                     ",\"field\":" + JsonQuoted(field) + "}}";
  return HttpResponse::Json(status, std::move(body));
}

HttpResponse ErrorResponse(const Error& error, std::string_view url) {
  return ErrorResponse(HttpStatusFor(error.code), ErrorCodeName(error.code), error.message, url, error.field);
}

std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

HeaderList ParseQuery(std::string_view query) {
  HeaderList out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view k = part.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    auto dk = PercentDecode(k, true);
    auto dv = PercentDecode(v, true);
    out.emplace_back(dk ? *dk : std::string(k), dv ? *dv : std::string(v));
  }
  return out;
}

void Router::Add(std::string method, std::string pattern, std::string route_name, Handler handler) {
  Route route;
  for (std::string_view seg : SplitPath(pattern)) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view name = seg.substr(1, seg.size() - 2);
      Segment::Kind kind = Segment::Kind::kParam;
      if (!name.empty() && name.back() == '*') {
        kind = Segment::Kind::kRest;
        name.remove_suffix(1);
      }
      if (name.empty()) throw std::logic_error("route " + pattern + ": empty parameter name");
      route.segments.push_back({kind, std::string(name)});
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        throw std::logic_error("route " + pattern + ": malformed segment");
      }
      route.segments.push_back({Segment::Kind::kLiteral, std::string(seg)});
    }
  }
  for (size_t i = 0; i + 1 < route.segments.size(); ++i) {
    if (route.segments[i].kind == Segment::Kind::kRest) {
      throw std::logic_error("route " + pattern + ": {name*} must be the last segment");
    }
  }
  for (const Route& r : routes_) {
    if (r.info.method == method && r.info.pattern == pattern) {
      throw std::logic_error("route " + method + " " + pattern + " added twice");
    }
  }
  route.info = RouteInfo{std::move(method), std::move(pattern), std::move(route_name)};
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

bool Router::MatchRoute(const Route& route, const std::vector<std::string>& segments,
                        std::map<std::string, std::string>* params) {
  size_t i = 0;
  for (const Segment& s : route.segments) {
    if (s.kind == Segment::Kind::kRest) {
      std::string rest;
      for (size_t j = i; j < segments.size(); ++j) {
        if (j > i) rest += '/';
        rest += segments[j];
      }
      (*params)[s.text] = std::move(rest);
      return true;
    }
    if (i >= segments.size()) return false;
    if (s.kind == Segment::Kind::kLiteral) {
      if (segments[i] != s.text) return false;
    } else {
      if (segments[i].empty()) return false;
      (*params)[s.text] = segments[i];
    }
    ++i;
  }
  return i == segments.size();
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(path)) {
    auto decoded = PercentDecode(raw, false);
    if (!decoded) return m;  // a malformed escape matches nothing: 404
    segments.push_back(std::move(*decoded));
  }
  const Route* best = nullptr;
  std::vector<int> best_rank;
  std::vector<std::string> allowed;
  const bool head = method == "HEAD";
  for (int pass = 0; pass < 2 && best == nullptr; ++pass) {
    // Pass 0: exact method; pass 1 (HEAD only): the GET routes.
    if (pass == 1 && !head) break;
    std::string_view want = pass == 0 ? method : std::string_view("GET");
    for (const Route& r : routes_) {
      std::map<std::string, std::string> params;
      if (!MatchRoute(r, segments, &params)) continue;
      if (r.info.method != want) {
        if (pass == 0) allowed.push_back(r.info.method);
        continue;
      }
      // Lower is more specific (literal 0, parameter 1, rest 2), compared from the left.
      std::vector<int> rank;
      for (const Segment& s : r.segments) rank.push_back(static_cast<int>(s.kind));
      if (best == nullptr || rank < best_rank) {
        best = &r;
        best_rank = std::move(rank);
        m.params = std::move(params);
      }
    }
  }
  if (best != nullptr) {
    m.kind = Match::Kind::kFound;
    m.handler = &best->handler;
    m.route_name = best->info.name;
    return m;
  }
  m.params.clear();
  if (!allowed.empty()) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end() &&
        std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end()) {
      allowed.push_back("HEAD");
      std::sort(allowed.begin(), allowed.end());
    }
    m.kind = Match::Kind::kMethodNotAllowed;
    m.allowed_methods = std::move(allowed);
  }
  return m;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back(r.info);
  return out;
}

}  // namespace bulwark::http
