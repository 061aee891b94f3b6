#include "feeds/misp_feed.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>

#include "common/crypto.h"
#include "common/uuid.h"

namespace bulwark::feeds {
namespace {

namespace json = boost::json;

constexpr int kMaxJsonDepth = 64;

Result<json::value> ParseJson(std::string_view text, const std::string& what) {
  json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) return MakeError(ErrorCode::kBadRequest, what + " is not valid JSON: " + ec.message());
  return v;
}

std::optional<int64_t> ToInt(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v.as_uint64());
  if (v.is_string()) {
    std::string_view s = v.as_string();
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && ptr == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::string Str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool IsHex32(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

void HashValue(const json::object& a, std::set<std::string>& out) {
  auto* v = a.if_contains("value");
  if (v == nullptr || !v->is_string()) return;
  std::string_view value = v->as_string();
  const std::string type = Str(a, "type");
  // MISP hashes each half of a composite value (types with '|' in their name, and malware-sample).
  if ((type.find('|') != std::string::npos || type == "malware-sample") && value.find('|') != std::string_view::npos) {
    size_t start = 0;
    while (true) {
      const size_t bar = value.find('|', start);
      out.insert(Md5Hex(value.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start)));
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
    return;
  }
  out.insert(Md5Hex(value));
}

}  // namespace

Result<std::vector<ManifestEntry>> ParseManifest(std::string_view text) {
  BW_ASSIGN_OR_RETURN(json::value v, ParseJson(text, "manifest.json"));
  if (!v.is_object()) return MakeError(ErrorCode::kBadRequest, "manifest.json is not a JSON object keyed by event uuid");
  std::vector<ManifestEntry> out;
  out.reserve(v.as_object().size());
  for (const auto& [key, entry] : v.as_object()) {
    const std::string k(key);
    if (!IsUuid(k)) return MakeError(ErrorCode::kInvalid, "manifest.json key '" + k.substr(0, 64) + "' is not a uuid", k.substr(0, 64));
    if (!entry.is_object()) return MakeError(ErrorCode::kBadRequest, "manifest.json entry " + k + " is not an object", k);
    ManifestEntry e;
    e.uuid = NormaliseUuid(k);
    const json::object& o = entry.as_object();
    if (auto* ts = o.if_contains("timestamp"); ts && !ts->is_null()) {
      auto t = ToInt(*ts);
      if (!t || *t < 0) return MakeError(ErrorCode::kBadRequest, "manifest.json entry " + k + " has a bad timestamp", k + ".timestamp");
      e.timestamp = *t;
    }
    e.info = Str(o, "info").substr(0, 1024);
    e.date = Str(o, "date").substr(0, 32);
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const ManifestEntry& a, const ManifestEntry& b) {
    return a.timestamp != b.timestamp ? a.timestamp < b.timestamp : a.uuid < b.uuid;
  });
  return out;
}

Result<std::map<std::string, std::set<std::string>>> ParseHashesCsv(std::string_view text) {
  std::map<std::string, std::set<std::string>> out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const size_t comma = line.find(',');
    if (comma == std::string_view::npos || !IsHex32(line.substr(0, comma)) || !IsUuid(line.substr(comma + 1))) {
      return MakeError(ErrorCode::kBadRequest, "hashes.csv line " + std::to_string(line_no) +
                                                   " is not '<md5>,<event uuid>'");
    }
    std::string md5(line.substr(0, comma));
    for (char& c : md5) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out[NormaliseUuid(line.substr(comma + 1))].insert(std::move(md5));
  }
  return out;
}

std::set<std::string> EventValueHashes(const json::object& event) {
  std::set<std::string> out;
  if (auto* attrs = event.if_contains("Attribute"); attrs && attrs->is_array()) {
    for (const auto& a : attrs->as_array()) {
      if (a.is_object()) HashValue(a.as_object(), out);
    }
  }
  if (auto* objs = event.if_contains("Object"); objs && objs->is_array()) {
    for (const auto& o : objs->as_array()) {
      if (!o.is_object()) continue;
      if (auto* attrs = o.as_object().if_contains("Attribute"); attrs && attrs->is_array()) {
        for (const auto& a : attrs->as_array()) {
          if (a.is_object()) HashValue(a.as_object(), out);
        }
      }
    }
  }
  return out;
}

Status ForEachMispEvent(const json::value& doc, const std::function<Status(const json::value&)>& visit) {
  if (doc.is_array()) {
    for (const auto& item : doc.as_array()) BW_RETURN_IF_ERROR(visit(item));
    return Ok();
  }
  if (!doc.is_object()) return MakeError(ErrorCode::kBadRequest, "a MISP document is a JSON object or list of events");
  const json::object& o = doc.as_object();
  if (auto* r = o.if_contains("response"); r && !o.contains("Event") && !o.contains("info")) {
    if (r->is_array()) return ForEachMispEvent(*r, visit);
    if (r->is_object()) return visit(*r);
    return MakeError(ErrorCode::kBadRequest, "\"response\" is neither a list nor an event", "response");
  }
  return visit(doc);
}

Status ImportMispDocument(EventImporter& importer, const json::value& doc) {
  return ForEachMispEvent(doc, [&](const json::value& ev) -> Status {
    auto parsed = misp::ParseEvent(ev);
    if (!parsed.ok()) {
      ImportStats& s = importer.stats();
      s.events_rejected++;
      // The attributes of an unparseable event are still accounted for.
      const json::object* body = nullptr;
      if (ev.is_object()) {
        auto* inner = ev.as_object().if_contains("Event");
        body = inner && inner->is_object() ? &inner->as_object() : &ev.as_object();
      }
      size_t n = 0;
      std::string uuid;
      if (body != nullptr) {
        if (auto* a = body->if_contains("Attribute"); a && a->is_array()) n += a->as_array().size();
        if (auto* objs = body->if_contains("Object"); objs && objs->is_array()) {
          for (const auto& ob : objs->as_array()) {
            if (!ob.is_object()) continue;
            if (auto* a = ob.as_object().if_contains("Attribute"); a && a->is_array()) n += a->as_array().size();
          }
        }
        uuid = Str(*body, "uuid").substr(0, 64);
      }
      s.attributes_offered += n;
      s.attributes_rejected += n;
      const Error& e = parsed.error();
      s.Reject({uuid, "Event (" + std::to_string(n) + " attributes)",
                e.message + (e.field.empty() ? "" : " [" + e.field + "]")});
      return Ok();
    }
    return importer.Import(std::move(parsed).value());
  });
}

Result<FeedReport> ImportMispFeed(hub::Hub& hub, const access::Principal& principal, const FeedSource& source,
                                  FeedState& state, const MispFeedOptions& options) {
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  BW_ASSIGN_OR_RETURN(auto manifest_text, source.Get("manifest.json", kMaxManifestBytes));
  if (!manifest_text) return MakeError(ErrorCode::kNotFound, source.location() + " has no manifest.json: not a MISP feed");
  BW_ASSIGN_OR_RETURN(std::vector<ManifestEntry> manifest, ParseManifest(*manifest_text));
  manifest_text.reset();
  FeedReport report;
  report.manifest_events = manifest.size();

  std::vector<const ManifestEntry*> to_import;
  for (const auto& e : manifest) {
    if (options.since && e.timestamp < *options.since) {
      report.skipped_since++;
      continue;
    }
    auto it = state.events.find(e.uuid);
    if (it != state.events.end() && e.timestamp <= it->second) {
      report.skipped_known++;
      continue;
    }
    to_import.push_back(&e);
  }
  progress(std::to_string(manifest.size()) + " events in the manifest, " + std::to_string(to_import.size()) + " to import");
  if (to_import.empty()) {
    if (options.save_state) BW_RETURN_IF_ERROR(options.save_state(state));
    return report;
  }

  std::map<std::string, std::set<std::string>> hashes;
  BW_ASSIGN_OR_RETURN(auto hashes_text, source.Get("hashes.csv", kMaxHashesBytes));
  if (hashes_text) {
    auto parsed = ParseHashesCsv(*hashes_text);
    if (parsed.ok()) {
      hashes = std::move(parsed).value();
    } else {
      progress("hashes.csv ignored: " + parsed.error().message);
    }
  }

  EventImporter importer(hub, principal);
  size_t done = 0;
  for (const ManifestEntry* entry : to_import) {
    BW_ASSIGN_OR_RETURN(auto text, source.Get(entry->uuid + ".json", kMaxEventFileBytes));
    if (!text) {
      report.missing_files++;
      importer.stats().events_rejected++;
      importer.stats().Reject({entry->uuid, "Event", "listed in manifest.json but " + entry->uuid + ".json is missing"});
      continue;
    }
    report.fetched++;
    auto doc = ParseJson(*text, entry->uuid + ".json");
    text.reset();
    if (!doc.ok()) {
      report.unparseable_files++;
      importer.stats().events_rejected++;
      importer.stats().Reject({entry->uuid, "Event", doc.error().message});
      continue;
    }
    const json::value* ev = &doc.value();
    if (ev->is_object()) {
      if (auto* inner = ev->as_object().if_contains("Event"); inner && inner->is_object()) ev = inner;
    }
    if (auto h = hashes.find(entry->uuid); h != hashes.end() && ev->is_object()) {
      report.hashes_checked++;
      if (EventValueHashes(ev->as_object()) != h->second) {
        report.hash_mismatches++;
        progress("warning: " + entry->uuid + ".json does not match its hashes.csv lines (imported anyway)");
      }
    }
    const size_t rejected_before = importer.stats().events_rejected;
    BW_RETURN_IF_ERROR(ImportMispDocument(importer, doc.value()));
    // A wholly rejected event is not remembered, so the next run tries it again.
    if (importer.stats().events_rejected == rejected_before) state.events[entry->uuid] = entry->timestamp;
    ++done;
    if (done % kStateSaveEvery == 0) {
      if (options.save_state) BW_RETURN_IF_ERROR(options.save_state(state));
      progress(std::to_string(done) + "/" + std::to_string(to_import.size()) + " events; " + Summary(importer.stats()));
    }
  }
  if (options.save_state) BW_RETURN_IF_ERROR(options.save_state(state));
  report.stats = importer.stats();
  return report;
}

}  // namespace bulwark::feeds
