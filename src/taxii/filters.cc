#include "taxii/filters.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "stix/object.h"
#include "stix/timestamp.h"

namespace bulwark::taxii {
namespace {

Error Bad(const std::string& param, const std::string& why) {
  return MakeError(ErrorCode::kBadRequest, "invalid query parameter '" + param + "': " + why, param);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<std::vector<std::string>> SplitList(const std::string& param, std::string_view value) {
  std::vector<std::string> out;
  while (true) {
    const size_t comma = value.find(',');
    std::string_view part = value.substr(0, comma);
    if (part.empty()) return Bad(param, "empty value in the list");
    if (out.size() == kMaxListValues) return Bad(param, "more than 1000 values");
    out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

bool IsSpecVersion(std::string_view v) {
  return v.size() == 3 && std::isdigit(static_cast<unsigned char>(v[0])) && v[1] == '.' &&
         std::isdigit(static_cast<unsigned char>(v[2]));
}

Status ParseVersions(const std::string& param, std::string_view value, store::VersionMatch& out) {
  BW_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitList(param, value));
  out = store::VersionMatch{};
  for (const std::string& v : parts) {
    if (v == "all") {
      if (parts.size() > 1) return Bad(param, "'all' cannot be combined with other values");
      out.all = true;
    } else if (v == "first" || v == "last") {
      bool& flag = v == "first" ? out.first : out.last;
      if (flag) return Bad(param, "'" + v + "' given twice");
      flag = true;
    } else {
      auto ns = TimestampNanos(v);
      if (!ns) return Bad(param, "'" + v + "' is neither first, last, all nor a timestamp");
      out.exact_ns.push_back(*ns);
    }
  }
  return Ok();
}

bool Supports(Endpoint e, std::string_view name) {
  const bool paged = e != Endpoint::kDelete;
  if (name == "added_after" || name == "limit" || name == "next") return paged;
  if (name == "match[spec_version]") return true;
  if (name == "match[version]") return e != Endpoint::kVersions;
  if (name == "match[id]" || name == "match[type]") return e == Endpoint::kObjects || e == Endpoint::kManifest;
  return false;
}

}  // namespace

std::optional<int64_t> TimestampNanos(std::string_view text) {
  auto ts = stix::ParseTimestamp(text);
  if (!ts) return std::nullopt;
  // Representable until 2262; STIX data beyond that is rejected rather than wrapped.
  if (ts->seconds < -9'000'000'000LL || ts->seconds > 9'000'000'000LL) return std::nullopt;
  return ts->seconds * 1'000'000'000LL + static_cast<int64_t>(ts->nanos);
}

Result<Filters> ParseFilters(Endpoint endpoint, const QueryParams& query) {
  Filters f;
  f.versions.last = endpoint != Endpoint::kDelete;
  f.versions.all = endpoint == Endpoint::kDelete;
  std::map<std::string, std::string> seen;
  for (const auto& [name, value] : query) {
    if (!Supports(endpoint, name)) continue;
    if (!seen.emplace(name, value).second) return Bad(name, "given more than once");
    if (value.empty()) return Bad(name, "empty value");
  }
  for (const auto& [name, value] : seen) {
    if (name == "added_after") {
      auto ns = TimestampNanos(value);
      if (!ns) return Bad(name, "not an RFC 3339 UTC timestamp such as 2024-05-01T12:00:00.000000Z");
      // Floor to microseconds: date_added > floor(t) is the same set as date_added > t for whole microseconds.
      f.added_after_micros = *ns >= 0 ? *ns / 1000 : -((-*ns + 999) / 1000);
    } else if (name == "limit") {
      size_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n == 0) {
        return Bad(name, "must be a positive integer");
      }
      f.limit = n;
    } else if (name == "next") {
      f.next = value;
    } else if (name == "match[id]") {
      BW_ASSIGN_OR_RETURN(f.ids, SplitList(name, value));
      for (const auto& id : f.ids) {
        if (!stix::IsIdentifier(id)) return Bad(name, "'" + id + "' is not a STIX identifier");
      }
    } else if (name == "match[type]") {
      BW_ASSIGN_OR_RETURN(f.types, SplitList(name, value));
      for (const auto& t : f.types) {
        if (!stix::IsValidTypeName(t)) return Bad(name, "'" + t + "' is not a STIX type name");
      }
    } else if (name == "match[spec_version]") {
      BW_ASSIGN_OR_RETURN(f.spec_versions, SplitList(name, value));
      for (const auto& v : f.spec_versions) {
        if (!IsSpecVersion(v)) return Bad(name, "'" + v + "' is not a version such as 2.1");
      }
    } else if (name == "match[version]") {
      BW_RETURN_IF_ERROR(ParseVersions(name, value, f.versions));
    }
    if (name != "next" && name != "limit") f.canonical += name + "=" + value + "\n";
  }
  return f;
}

bool AcceptsTaxii(std::optional<std::string_view> accept) {
  if (!accept || Trim(*accept).empty()) return true;
  std::string_view rest = *accept;
  while (true) {
    const size_t comma = rest.find(',');
    std::string_view range = rest.substr(0, comma);
    // media-type *( ";" parameter )
    const size_t semi = range.find(';');
    const std::string type = Lower(Trim(range.substr(0, semi)));
    bool version_ok = true;
    bool q_zero = false;
    std::string_view params = semi == std::string_view::npos ? std::string_view() : range.substr(semi + 1);
    while (!params.empty()) {
      const size_t next = params.find(';');
      std::string_view param = Trim(params.substr(0, next));
      const size_t eq = param.find('=');
      const std::string key = Lower(Trim(param.substr(0, eq)));
      std::string_view val = eq == std::string_view::npos ? std::string_view() : Trim(param.substr(eq + 1));
      if (val.size() >= 2 && val.front() == '"' && val.back() == '"') val = val.substr(1, val.size() - 2);
      if (key == "version" && val != "2.1") version_ok = false;
      if (key == "q" && (val == "0" || val == "0.0" || val == "0.00" || val == "0.000")) q_zero = true;
      if (next == std::string_view::npos) break;
      params.remove_prefix(next + 1);
    }
    if (!q_zero) {
      if (type == "*/*" || type == "application/*") return true;
      if (type == "application/taxii+json" && version_ok) return true;
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

bool IsTaxiiContentType(std::optional<std::string_view> content_type) {
  if (!content_type) return false;
  std::string_view ct = *content_type;
  const size_t semi = ct.find(';');
  if (Lower(Trim(ct.substr(0, semi))) != "application/taxii+json") return false;
  std::string_view params = semi == std::string_view::npos ? std::string_view() : ct.substr(semi + 1);
  while (!params.empty()) {
    const size_t next = params.find(';');
    std::string_view param = Trim(params.substr(0, next));
    const size_t eq = param.find('=');
    const std::string key = Lower(Trim(param.substr(0, eq)));
    std::string_view val = eq == std::string_view::npos ? std::string_view() : Trim(param.substr(eq + 1));
    if (val.size() >= 2 && val.front() == '"' && val.back() == '"') val = val.substr(1, val.size() - 2);
    if (key == "version" && val != "2.1") return false;
    if (next == std::string_view::npos) break;
    params.remove_prefix(next + 1);
  }
  return true;
}

}  // namespace bulwark::taxii
