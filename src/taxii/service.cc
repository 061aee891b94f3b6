#include "taxii/service.h"

#include <boost/json.hpp>

#include <algorithm>

#include "common/uuid.h"
#include "stix/object.h"
#include "stix/pattern/parser.h"
#include "stix/validate.h"
#include "taxii/cursor.h"
#include "common/json_text.h"

namespace bulwark::taxii {
namespace {

namespace json = boost::json;
using store::CollectionKind;

Error NotFound(std::string what) { return MakeError(ErrorCode::kNotFound, std::move(what)); }

const char* EndpointName(Endpoint e) {
  switch (e) {
    case Endpoint::kObjects: return "objects";
    case Endpoint::kManifest: return "manifest";
    case Endpoint::kObject: return "object";
    case Endpoint::kVersions: return "versions";
    case Endpoint::kDelete: return "delete";
  }
  return "?";
}

bool Contains(const std::vector<model::Id>& ids, model::Id id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string CollectionJson(const store::TaxiiCollection& c, bool can_read, bool can_write) {
  json::object o;
  o["id"] = c.id;
  o["title"] = c.title;
  if (!c.description.empty()) o["description"] = c.description;
  o["can_read"] = can_read;
  o["can_write"] = can_write;
  o["media_types"] = json::array{json::string(kStixMediaType)};
  return json::serialize(o);
}

stix::ValidationOptions ValidationWithPatterns() {
  stix::ValidationOptions opts;
  opts.pattern_validator = [](std::string_view pattern, std::string_view pattern_type,
                              std::string_view) -> std::optional<std::string> {
    if (pattern_type != "stix") return std::nullopt;
    auto parsed = stix::pattern::Parse(pattern);
    if (parsed.ok()) return std::nullopt;
    return parsed.error().message;
  };
  return opts;
}

std::string ErrorsOf(const std::vector<stix::Issue>& issues) {
  std::string out;
  int n = 0;
  for (const auto& i : issues) {
    if (i.severity != stix::Severity::kError) continue;
    if (n++ == 3) {
      out += "; ...";
      break;
    }
    if (!out.empty()) out += "; ";
    out += stix::FormatIssue(i);
  }
  return out;
}

// One per-object line of a status resource.
struct Detail {
  std::string id;
  std::string version;
  std::string message;
};

json::array DetailsJson(const std::vector<Detail>& details) {
  json::array a;
  for (const auto& d : details) {
    json::object o;
    o["id"] = d.id;
    o["version"] = d.version;
    if (!d.message.empty()) o["message"] = d.message;
    a.push_back(std::move(o));
  }
  return a;
}

std::string StatusJson(const std::string& id, int64_t request_micros, size_t total,
                       const std::vector<Detail>& successes, const std::vector<Detail>& failures, size_t pending) {
  json::object o;
  o["id"] = id;
  o["status"] = pending > 0 ? "pending" : "complete";
  o["request_timestamp"] = FormatRfc3339Micros(request_micros);
  o["total_count"] = total;
  o["success_count"] = successes.size();
  if (!successes.empty()) o["successes"] = DetailsJson(successes);
  o["failure_count"] = failures.size();
  if (!failures.empty()) o["failures"] = DetailsJson(failures);
  o["pending_count"] = pending;
  return json::serialize(o);
}

}  // namespace

bool CanSeeRow(const access::Principal& p, const store::StixAccess& a) {
  if (p.IsSiteAdmin()) return true;
  auto level = [](int d) { return static_cast<model::Distribution>(d); };
  if (a.event_distribution < 0 || a.event_distribution > 4) return false;
  model::Event event;
  event.id = a.event_id;
  event.org_id = a.org_id;
  event.orgc_id = a.org_id;
  event.distribution = level(a.event_distribution);
  event.sharing_group_id = a.event_sharing_group_id;
  if (!access::CanSeeEvent(p, event)) return false;
  std::optional<model::Object> object;
  if (a.object_distribution >= 0) {
    if (a.object_distribution > 5) return false;
    object.emplace();
    object->distribution = level(a.object_distribution);
    object->sharing_group_id = a.object_sharing_group_id;
  }
  if (a.attribute_distribution >= 0) {
    if (a.attribute_distribution > 5) return false;
    model::Attribute attribute;
    attribute.distribution = level(a.attribute_distribution);
    attribute.sharing_group_id = a.attribute_sharing_group_id;
    return access::CanSeeAttribute(p, event, object ? &*object : nullptr, attribute);
  }
  if (object) return access::CanSeeObject(p, event, *object);
  return true;
}

Service::Service(store::StixStore& stix, const Clock& clock, ServiceOptions options)
    : stix_(stix), clock_(clock), options_(std::move(options)) {}

Status Service::EnsureStarted() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return Ok();
  BW_RETURN_IF_ERROR(
      stix_.EnsureHubCollection(options_.hub_collection_title, options_.hub_collection_description));
  started_ = true;
  return Ok();
}

Result<std::string> Service::Secret() {
  std::lock_guard<std::mutex> lock(mu_);
  if (secret_.empty()) {
    BW_ASSIGN_OR_RETURN(secret_, stix_.CursorSecret());
  }
  return secret_;
}

Service::Rights Service::RightsOf(const access::Principal& p, store::TaxiiCollection c) const {
  Rights r;
  const bool admin = p.IsSiteAdmin();
  if (c.kind == CollectionKind::kHub) {
    r.can_read = true;  // row by row through CanSeeRow
    r.can_write = false;
  } else {
    r.can_read = admin || c.read_all_orgs || Contains(c.read_orgs, p.org.id);
    r.can_write = (admin || Contains(c.write_orgs, p.org.id)) && p.Can(model::Permission::kAdd);
  }
  r.collection = std::move(c);
  return r;
}

Result<Service::Rights> Service::Resolve(const access::Principal& p, const std::string& collection) {
  BW_RETURN_IF_ERROR(EnsureStarted());
  BW_ASSIGN_OR_RETURN(auto found, stix_.GetCollection(collection));
  if (!found) return NotFound("no collection '" + collection + "' in this API root");
  Rights r = RightsOf(p, std::move(*found));
  if (!r.can_read && !r.can_write) return NotFound("no collection '" + collection + "' in this API root");
  return r;
}

Result<std::string> Service::ListCollections(const access::Principal& p) {
  BW_RETURN_IF_ERROR(EnsureStarted());
  BW_ASSIGN_OR_RETURN(auto all, stix_.ListCollections());
  std::string items;
  for (auto& c : all) {
    Rights r = RightsOf(p, std::move(c));
    if (!r.can_read && !r.can_write) continue;
    if (!items.empty()) items += ',';
    items += CollectionJson(r.collection, r.can_read, r.can_write);
  }
  if (items.empty()) return std::string("{}");  // spec §2: no empty lists
  return "{\"collections\":[" + items + "]}";
}

Result<std::string> Service::GetCollection(const access::Principal& p, const std::string& collection) {
  BW_ASSIGN_OR_RETURN(Rights r, Resolve(p, collection));
  return CollectionJson(r.collection, r.can_read, r.can_write);
}

Result<Page> Service::GetObjects(const access::Principal& p, const std::string& collection, const QueryParams& q) {
  BW_ASSIGN_OR_RETURN(Rights r, Resolve(p, collection));
  return RunPage(p, r, Endpoint::kObjects, Shape::kEnvelope, "", q);
}

Result<Page> Service::GetManifest(const access::Principal& p, const std::string& collection, const QueryParams& q) {
  BW_ASSIGN_OR_RETURN(Rights r, Resolve(p, collection));
  return RunPage(p, r, Endpoint::kManifest, Shape::kManifest, "", q);
}

Result<Page> Service::GetObject(const access::Principal& p, const std::string& collection,
                                const std::string& object_id, const QueryParams& q) {
  BW_ASSIGN_OR_RETURN(Rights r, Resolve(p, collection));
  return RunPage(p, r, Endpoint::kObject, Shape::kEnvelope, object_id, q);
}

Result<Page> Service::GetVersions(const access::Principal& p, const std::string& collection,
                                  const std::string& object_id, const QueryParams& q) {
  BW_ASSIGN_OR_RETURN(Rights r, Resolve(p, collection));
  return RunPage(p, r, Endpoint::kVersions, Shape::kVersions, object_id, q);
}

Result<Page> Service::RunPage(const access::Principal& p, const Rights& rights, Endpoint endpoint, Shape shape,
                              const std::string& object_id, const QueryParams& query) {
  if (!rights.can_read) {
    return MakeError(ErrorCode::kForbidden, "you may not read collection '" + rights.collection.id + "'");
  }
  BW_ASSIGN_OR_RETURN(Filters f, ParseFilters(endpoint, query));
  const size_t limit = std::min(f.limit.value_or(options_.default_page_size), options_.max_page_size);
  const std::string fingerprint =
      RequestFingerprint(std::string(EndpointName(endpoint)) + "\n" + rights.collection.id + "\n" + object_id +
                         "\n" + std::to_string(p.user.id) + "\n" + f.canonical);
  store::StixQuery q;
  q.collection = rights.collection.id;
  if (!f.next.empty()) {
    BW_ASSIGN_OR_RETURN(std::string secret, Secret());
    BW_ASSIGN_OR_RETURN(q.after_seq, VerifyCursor(secret, f.next, fingerprint));
  }
  q.added_after_micros = f.added_after_micros;
  q.ids = object_id.empty() ? f.ids : std::vector<std::string>{object_id};
  q.types = f.types;
  q.spec_versions = f.spec_versions;
  q.versions = f.versions;
  if (endpoint == Endpoint::kVersions) q.versions = store::VersionMatch{true, false, false, {}};
  q.with_json = shape == Shape::kEnvelope;
  const bool per_row = rights.collection.kind == CollectionKind::kHub;

  Page page;
  // The items are written straight into the body; `more` and `next` follow them (member order is free in JSON),
  // so a page of a thousand objects is copied once.
  std::string& items = page.body;
  items = shape == Shape::kVersions ? "{\"versions\":[" : "{\"objects\":[";
  size_t count = 0;
  int64_t last_seq = 0;
  bool more = false;
  BW_RETURN_IF_ERROR(stix_.ScanObjects(q, [&](const store::StixRow& row) {
    if (per_row && !CanSeeRow(p, row.access)) return true;
    if (count == limit) {
      more = true;
      return false;
    }
    if (count++ > 0) items += ',';
    switch (shape) {
      case Shape::kEnvelope:
        items += row.json;
        break;
      case Shape::kManifest:
        items += "{\"id\":";
        AppendJsonString(items, row.stix_id);
        items += ",\"date_added\":\"" + FormatRfc3339Micros(row.date_added_micros) + "\",\"version\":";
        AppendJsonString(items, row.version);
        items += ",\"media_type\":\"";
        items += kStixMediaType;
        items += "\"}";
        break;
      case Shape::kVersions:
        AppendJsonString(items, row.version);
        break;
    }
    if (!page.first_added_micros) page.first_added_micros = row.date_added_micros;
    page.last_added_micros = row.date_added_micros;
    last_seq = row.seq;
    return true;
  }));

  if (count == 0 && q.after_seq == 0 && !object_id.empty()) {
    // The object endpoints answer 404 for an id the caller cannot see in the collection at all.
    store::StixQuery exists;
    exists.collection = q.collection;
    exists.ids = {object_id};
    exists.versions.all = true;
    exists.with_json = false;
    bool found = false;
    BW_RETURN_IF_ERROR(stix_.ScanObjects(exists, [&](const store::StixRow& row) {
      found = !per_row || CanSeeRow(p, row.access);
      return !found;
    }));
    if (!found) return NotFound("no object '" + object_id + "' in collection '" + rights.collection.id + "'");
  }

  if (count == 0) {
    items = "{\"more\":false}";
    return page;
  }
  items += more ? "],\"more\":true" : "],\"more\":false";
  if (more) {
    BW_ASSIGN_OR_RETURN(std::string secret, Secret());
    items += ",\"next\":\"" + SignCursor(secret, last_seq, fingerprint) + "\"";
  }
  items += '}';
  return page;
}

Result<std::string> Service::AddObjects(const access::Principal& p, const std::string& collection,
                                        std::string_view body) {
  BW_ASSIGN_OR_RETURN(Rights r, Resolve(p, collection));
  if (!r.can_write) return MakeError(ErrorCode::kForbidden, "you may not add objects to collection '" + collection + "'");
  if (body.size() > options_.max_content_length) {
    return MakeError(ErrorCode::kTooLarge, "the envelope is larger than max_content_length");
  }
  json::parse_options popts;
  popts.max_depth = 64;
  boost::system::error_code ec;
  json::value doc = json::parse(json::string_view(body.data(), body.size()), ec, {}, popts);
  if (ec) return MakeError(ErrorCode::kBadRequest, "the body is not valid JSON: " + ec.message());
  if (!doc.is_object()) return MakeError(ErrorCode::kInvalid, "the body must be a TAXII envelope (a JSON object)");
  json::object& envelope = doc.as_object();
  json::array none;
  json::array* objects = &none;
  if (auto* it = envelope.if_contains("objects")) {
    if (!it->is_array()) return MakeError(ErrorCode::kInvalid, "the envelope's 'objects' must be a list");
    objects = &it->as_array();
  }

  const int64_t request_micros = clock_.NowMicros();
  const std::string status_id = NewUuidV4();
  const size_t total = objects->size();
  std::vector<Detail> successes;
  std::vector<Detail> failures;
  // The pending status is stored first, so a client polling the id never sees a 404 while we work.
  BW_RETURN_IF_ERROR(stix_.PutStatus(
      {status_id, collection, request_micros, StatusJson(status_id, request_micros, total, {}, {}, total)},
      request_micros - options_.status_retention_micros));

  const stix::ValidationOptions vopts = ValidationWithPatterns();
  std::vector<store::StixObjectInput> inputs;
  std::vector<std::string> input_versions;  // the status-details version per input
  inputs.reserve(total);
  for (size_t i = 0; i < objects->size(); ++i) {
    json::value& v = (*objects)[i];
    if (!v.is_object()) {
      failures.push_back({"", "", "objects[" + std::to_string(i) + "] is not a JSON object"});
      continue;
    }
    stix::Object obj = stix::MakeObject(std::move(v.as_object()));
    const std::vector<stix::Issue> issues = stix::Validate(obj, vopts);
    std::string version_text = obj.modified.empty() ? obj.created : obj.modified;
    if (stix::HasErrors(issues)) {
      failures.push_back({obj.id, version_text, ErrorsOf(issues)});
      continue;
    }
    store::StixObjectInput in;
    in.stix_id = obj.id;
    in.type = obj.type;
    in.spec_version = obj.spec_version.empty() ? "2.1" : obj.spec_version;
    if (!version_text.empty()) {
      auto ns = TimestampNanos(version_text);
      if (!ns) {
        failures.push_back({obj.id, version_text, "the version timestamp is out of range"});
        continue;
      }
      in.version = version_text;
      in.version_ns = *ns;
    }
    in.json = json::serialize(obj.json);
    inputs.push_back(std::move(in));
  }

  auto status_of = [&](const std::vector<store::AppendResult>& results) {
    std::vector<Detail> ok = successes;
    std::vector<Detail> bad = failures;
    for (size_t i = 0; i < results.size() && i < inputs.size(); ++i) {
      const auto& res = results[i];
      switch (res.outcome) {
        case store::AppendOutcome::kAdded:
        case store::AppendOutcome::kReplaced:
          ok.push_back({inputs[i].stix_id, res.version, ""});
          break;
        case store::AppendOutcome::kDuplicate:
          ok.push_back({inputs[i].stix_id, res.version, "already in the collection (identical object)"});
          break;
        case store::AppendOutcome::kConflict:
          bad.push_back({inputs[i].stix_id, res.version,
                         "a different object with this id and version is already in the collection"});
          break;
      }
    }
    return store::TaxiiStatusRecord{status_id, collection, request_micros,
                                    StatusJson(status_id, request_micros, total, ok, bad, 0)};
  };
  std::string final_json;
  BW_ASSIGN_OR_RETURN(auto results, stix_.AppendObjects(collection, inputs, [&](const auto& res) {
    store::TaxiiStatusRecord rec = status_of(res);
    final_json = rec.json;
    return rec;
  }));
  (void)results;
  return final_json;
}

Status Service::DeleteObject(const access::Principal& p, const std::string& collection, const std::string& object_id,
                             const QueryParams& query) {
  BW_ASSIGN_OR_RETURN(Rights r, Resolve(p, collection));
  // Spec §5.7's table: neither right → 404 (Resolve), exactly one → 403, both → delete.
  if (!r.can_read || !r.can_write) {
    return MakeError(ErrorCode::kForbidden, "deleting from collection '" + collection + "' needs read and write");
  }
  BW_ASSIGN_OR_RETURN(Filters f, ParseFilters(Endpoint::kDelete, query));
  BW_ASSIGN_OR_RETURN(int64_t n, stix_.DeleteObject(collection, object_id, f.versions, f.spec_versions));
  if (n == 0) return NotFound("no object '" + object_id + "' matching the filters in collection '" + collection + "'");
  return Ok();
}

Result<std::string> Service::GetStatus(const access::Principal& p, const std::string& status_id) {
  BW_RETURN_IF_ERROR(EnsureStarted());
  BW_ASSIGN_OR_RETURN(auto rec, stix_.GetStatus(status_id));
  if (!rec || rec->created_micros < clock_.NowMicros() - options_.status_retention_micros) {
    return NotFound("no status '" + status_id + "'");
  }
  BW_ASSIGN_OR_RETURN(auto c, stix_.GetCollection(rec->collection_id));
  if (!p.IsSiteAdmin()) {
    if (!c) return NotFound("no status '" + status_id + "'");
    Rights r = RightsOf(p, std::move(*c));
    if (!r.can_write && !r.can_read) return NotFound("no status '" + status_id + "'");
  }
  return rec->json;
}

}  // namespace bulwark::taxii
