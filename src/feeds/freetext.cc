#include "feeds/freetext.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "common/uuid.h"
#include "model/value.h"

namespace bulwark::feeds {
namespace {

// Namespace of value-feed event uuids (UUIDv5): a fixed random UUID, never to change.
constexpr std::string_view kValueFeedNamespace = "6f0c3c55-2f4e-4a8c-9f41-0b6f1e7d2a93";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

bool Valid(model::ValueKind kind, std::string_view v) { return model::NormaliseKind(kind, v).ok(); }

bool AllHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool IsComment(std::string_view line) {
  return line.empty() || line.front() == '#' || line.substr(0, 2) == "//";
}

}  // namespace

std::string Refang(std::string_view value) {
  std::string s(Trim(value));
  if (StartsWithNoCase(s, "hxxps")) {
    s.replace(0, 5, "https");
  } else if (StartsWithNoCase(s, "hxxp")) {
    s.replace(0, 4, "http");
  } else if (StartsWithNoCase(s, "fxp")) {
    s.replace(0, 3, "ftp");
  }
  ReplaceAll(s, "[://]", "://");
  ReplaceAll(s, "[.]", ".");
  ReplaceAll(s, "(.)", ".");
  ReplaceAll(s, "{.}", ".");
  ReplaceAll(s, "[dot]", ".");
  ReplaceAll(s, "[:]", ":");
  ReplaceAll(s, "[@]", "@");
  ReplaceAll(s, "[at]", "@");
  return s;
}

std::optional<std::string> DetectType(std::string_view v) {
  if (v.empty() || v.size() > model::kMaxTextValueBytes) return std::nullopt;
  if (const size_t scheme = v.find("://"); scheme != std::string_view::npos && scheme > 0) {
    const bool scheme_ok = std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(scheme), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    if (scheme_ok && Valid(model::ValueKind::kLink, v)) return "url";
    return std::nullopt;
  }
  if (Valid(model::ValueKind::kIpAddress, v)) return "ip-dst";
  if (v.find('/') != std::string_view::npos && Valid(model::ValueKind::kIpOrCidr, v)) return "ip-dst";
  if (v.find('@') != std::string_view::npos && v.find('/') == std::string_view::npos && Valid(model::ValueKind::kEmail, v)) {
    return "email";
  }
  if (AllHex(v)) {
    switch (v.size()) {
      case 32: return "md5";
      case 40: return "sha1";
      case 56: return "sha224";
      case 64: return "sha256";
      case 96: return "sha384";
      case 128: return "sha512";
      default: break;
    }
  }
  if (Valid(model::ValueKind::kDomain, v)) {
    std::string_view name = v;
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return std::count(name.begin(), name.end(), '.') == 1 ? "domain" : "hostname";
  }
  if (const size_t slash = v.find('/'); slash != std::string_view::npos && slash > 0) {
    std::string_view host = v.substr(0, slash);
    if (const size_t colon = host.rfind(':'); colon != std::string_view::npos && host.find(':') == colon) {
      host = host.substr(0, colon);  // host:port/path
    }
    if ((Valid(model::ValueKind::kDomain, host) || Valid(model::ValueKind::kIpAddress, host)) && Valid(model::ValueKind::kUrl, v)) {
      return "url";
    }
  }
  return std::nullopt;
}

Result<std::vector<std::string>> SplitCsvLine(std::string_view line, char delimiter) {
  std::vector<std::string> fields;
  std::string cur;
  bool quoted = false;
  bool was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"' && cur.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else if (c == delimiter) {
      if (fields.size() >= kMaxCsvFields) return MakeError(ErrorCode::kBadRequest, "more than 1024 fields");
      fields.push_back(std::move(cur));
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  if (quoted) return MakeError(ErrorCode::kBadRequest, "unterminated quoted field");
  if (fields.size() >= kMaxCsvFields) return MakeError(ErrorCode::kBadRequest, "more than 1024 fields");
  fields.push_back(std::move(cur));
  return fields;
}

Status ParseValueFeed(std::string_view text, const ValueFeedOptions& options, std::vector<ValueLine>& values) {
  size_t pos = 0;
  size_t line_no = 0;
  bool header_pending = options.format == ValueFeedFormat::kCsv && options.skip_header;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // UTF-8 byte order mark
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (IsComment(line)) continue;
    std::string raw;
    if (options.format == ValueFeedFormat::kCsv) {
      auto fields = SplitCsvLine(line, options.delimiter);
      if (!fields.ok()) {
        return MakeError(ErrorCode::kBadRequest, "line " + std::to_string(line_no) + ": " + fields.error().message);
      }
      if (header_pending) {
        header_pending = false;
        continue;
      }
      if (options.value_column == 0 || options.value_column > fields->size()) {
        values.push_back(ValueLine{line_no, std::string(line.substr(0, 200)), ""});
        continue;
      }
      raw = (*fields)[options.value_column - 1];
    } else {
      raw = std::string(line);
    }
    ValueLine v;
    v.line = line_no;
    v.value = Refang(raw);
    if (!options.type.empty()) {
      v.type = options.type;
    } else if (auto t = DetectType(v.value)) {
      v.type = *t;
    }
    values.push_back(std::move(v));
  }
  return Ok();
}

std::string ValueFeedEventUuid(const std::string& name) { return UuidV5(kValueFeedNamespace, "bulwark-value-feed:" + name); }

Result<ImportStats> ImportValueFeed(hub::Hub& hub, const access::Principal& principal, std::string_view text,
                                    const ValueFeedOptions& options) {
  std::vector<ValueLine> lines;
  BW_RETURN_IF_ERROR(ParseValueFeed(text, options, lines));
  ImportStats stats;
  stats.attributes_offered = lines.size();
  const std::string event_uuid = ValueFeedEventUuid(options.name);
  std::unordered_set<std::string> held;
  auto existing = hub.ViewEvent(principal, hub::EventRef{event_uuid}, store::DeletedFilter::kInclude);
  if (existing.ok()) {
    for (const auto& a : existing->attributes) held.insert(a.uuid);
    stats.events_updated = 1;
  } else if (existing.error().code == ErrorCode::kNotFound) {
    misp::EventInput ev;
    ev.event.uuid = event_uuid;
    ev.event.info = "Feed: " + options.name;
    ev.event.distribution = model::Distribution::kOrganisation;
    ev.event.analysis = model::Analysis::kOngoing;
    ev.present = {"uuid", "info", "distribution", "analysis"};
    BW_RETURN_IF_ERROR(hub.AddEvent(principal, std::move(ev)));
    stats.events_added = 1;
  } else {
    return existing.error();
  }

  std::vector<misp::AttributeInput> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Ok();
    auto added = hub.AddAttributes(principal, hub::EventRef{event_uuid}, batch);
    if (added.ok()) {
      stats.attributes_stored += batch.size();
    } else {
      if (added.error().code == ErrorCode::kInternal || added.error().code == ErrorCode::kForbidden) return added.error();
      // One at a time, to find the ones the hub refuses.
      for (auto& a : batch) {
        auto one = hub.AddAttributes(principal, hub::EventRef{event_uuid}, {a});
        if (one.ok()) {
          stats.attributes_stored++;
        } else {
          stats.attributes_rejected++;
          stats.Reject({event_uuid, "Attribute " + a.attribute.uuid + " (" + a.attribute.type + " " + a.raw_value + ")",
                        one.error().message});
        }
      }
    }
    if (options.progress) options.progress(std::to_string(stats.attributes_stored) + " values added");
    batch.clear();
    return Ok();
  };
  for (auto& l : lines) {
    const std::string item = "line " + std::to_string(l.line) + " (" + l.value.substr(0, 200) + ")";
    if (l.type.empty()) {
      stats.attributes_rejected++;
      stats.Reject({event_uuid, item, "cannot tell the type of this value; give --type"});
      continue;
    }
    auto norm = model::NormaliseValue(l.type, l.value);
    if (!norm.ok()) {
      stats.attributes_rejected++;
      stats.Reject({event_uuid, item, norm.error().message});
      continue;
    }
    const std::string value = norm->value2.empty() ? norm->value1 : norm->value1 + "|" + norm->value2;
    const std::string uuid = UuidV5(event_uuid, l.type + "|" + value);
    if (!held.insert(uuid).second) {
      stats.attributes_unchanged++;  // already in the event, or repeated in this feed
      continue;
    }
    misp::AttributeInput a;
    a.attribute.uuid = uuid;
    a.attribute.type = l.type;
    a.attribute.value1 = value;
    a.raw_value = value;
    a.present = {"uuid", "type", "value"};
    if (options.to_ids) {
      a.attribute.to_ids = *options.to_ids;
      a.present.insert("to_ids");
    }
    batch.push_back(std::move(a));
    if (batch.size() >= kAttributeBatch) BW_RETURN_IF_ERROR(flush());
  }
  BW_RETURN_IF_ERROR(flush());
  return stats;
}

}  // namespace bulwark::feeds
