// The sensor feed's reads (full pages, deltas), its batched sighting write path, and its JSON wire format
// (pages are written straight into a string, no JSON tree: a page may hold 100,000+ indicators; they are read
// back with boost::json and strict type checks).
#include "hub/sensor_feed.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "common/uuid.h"
#include "hub/internal.h"
#include "warninglist/warninglist_set.h"

namespace bulwark::hub {
namespace {

// Namespace of the sighting uuids derived from (org, batch, index).
constexpr std::string_view kSensorSightingNamespace = "6d1e3b0a-5c2f-5e8b-9a41-3f0c7d2b8e15";

bool IsTlp(const std::string& name) {
  return name.size() > 4 && (name[0] == 't' || name[0] == 'T') && (name[1] == 'l' || name[1] == 'L') &&
         (name[2] == 'p' || name[2] == 'P') && name[3] == ':';
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Visible tag names of `tags`, and the first TLP among them (lowercased) into `tlp` when it is still empty.
std::vector<std::string> VisibleTags(const Principal& p, const model::Event& e,
                                     const std::vector<model::AppliedTag>& tags, std::string& tlp) {
  std::vector<std::string> out;
  for (const auto& t : tags) {
    if (!access::CanSeeTag(p, e, t)) continue;
    if (tlp.empty() && IsTlp(t.tag.name)) tlp = Lower(t.tag.name);
    out.push_back(t.tag.name);
  }
  return out;
}

FeedEvent EventHeader(const Principal& p, const model::Event& e) {
  FeedEvent fe;
  fe.id = e.id;
  fe.uuid = e.uuid;
  fe.info = e.info;
  fe.threat_level = static_cast<int>(e.threat_level);
  std::string ignored;
  fe.tags = VisibleTags(p, e, e.tags, ignored);
  return fe;
}

std::string EventTlp(const Principal& p, const model::Event& e) {
  std::string tlp;
  for (const auto& t : e.tags) {
    if (IsTlp(t.tag.name) && access::CanSeeTag(p, e, t)) return Lower(t.tag.name);
  }
  return tlp;
}

}  // namespace

Result<std::vector<model::Alert>> SensorFeed::Alerts(const Principal& p, Id after_id, size_t limit) const {
  std::vector<model::Alert> out;
  Status st = hub_.store().Read([&](store::ReadTxn& txn) -> Status {
    std::unordered_map<Id, std::optional<model::Event>> events;  // visible events by id
    Id cursor = after_id;
    while (out.size() < limit) {
      BW_ASSIGN_OR_RETURN(auto batch, txn.ListAlerts(cursor, 1000));
      if (batch.empty()) break;
      cursor = batch.back().id;
      for (auto& alert : batch) {
        auto it = events.find(alert.event_id);
        if (it == events.end()) {
          BW_ASSIGN_OR_RETURN(auto e, txn.GetEvent(alert.event_id));
          if (e && !access::CanSeeEvent(p, *e)) e.reset();
          it = events.emplace(alert.event_id, std::move(e)).first;
        }
        if (!it->second) continue;
        BW_ASSIGN_OR_RETURN(auto a, txn.GetAttribute(alert.attribute_id));
        if (!a) continue;
        std::optional<model::Object> o;
        if (a->object_id) {
          BW_ASSIGN_OR_RETURN(o, txn.GetObject(a->object_id));
        }
        if (!access::CanSeeAttribute(p, *it->second, o ? &*o : nullptr, *a)) continue;
        out.push_back(std::move(alert));
        if (out.size() == limit) break;
      }
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<model::Alert> SensorFeed::AcknowledgeAlert(const Principal& p, Id id) const {
  if (!p.Can(model::Permission::kSighting) && !p.Can(model::Permission::kModify)) {
    return MakeError(ErrorCode::kForbidden, "acknowledging alerts needs the sighting or modify permission");
  }
  // Visibility first: an alert the caller may not see is "not found", as if it did not exist.
  BW_ASSIGN_OR_RETURN(auto visible, Alerts(p, id - 1, 1));
  if (visible.empty() || visible.front().id != id) {
    return MakeError(ErrorCode::kNotFound, "alert " + std::to_string(id) + " not found");
  }
  const int64_t now = hub_.clock().NowSeconds();
  Status st = hub_.store().Write([&](store::WriteTxn& txn) -> Status {
    BW_RETURN_IF_ERROR(txn.AcknowledgeAlert(id, p.user.id, now));
    return internal::Audit(txn, p, hub_.clock().NowMicros(), "edit", "Alert", id, visible.front().attribute_uuid,
                           "alert " + std::to_string(id) + " acknowledged");
  });
  if (!st.ok()) return std::move(st).error();
  model::Alert a = visible.front();
  a.acknowledged = true;
  a.acknowledged_by = p.user.id;
  a.acknowledged_at = now;
  return a;
}

ExclusionHook DetectionExclusion(Hub& hub) {
  return [&hub](store::ReadTxn& txn, const model::Event& e, const model::Attribute& a) -> std::optional<std::string> {
    const auto lists = hub.Warninglists();
    if (lists) {
      auto hits = lists->CheckParts(a.type, a.value1, a.value2);
      if (!hits.empty()) return "warninglisted: " + std::string(hits.front().name);
    }
    std::vector<model::Sighting> sightings;
    if (e.sighting_timestamp > 0) {
      store::SightingQuery q;
      q.attribute_ids.push_back(a.id);
      auto found = txn.ListSightings(q);
      if (found.ok()) sightings = std::move(found).value();  // unreadable: judged as never sighted
    }
    const auto evaluator = hub.LifecycleEvaluator();
    return evaluator->Evaluate(e, a, sightings, hub.clock().NowSeconds()).ExclusionReason();
  };
}

SensorFeed::SensorFeed(Hub& hub, ExclusionHook exclude, SensorFeedOptions options)
    : hub_(hub), exclude_(std::move(exclude)), options_(options) {}

namespace {

// Fills the indicators of `events` (visible, published event headers with their tags) from one attribute
// query. Returns the events in the order given, each with its indicators (possibly none).
Status FillIndicators(store::ReadTxn& txn, const Principal& p, const ExclusionHook& exclude,
                      const std::vector<model::Event>& events, std::vector<FeedEvent>& out,
                      std::map<std::string, int64_t>& excluded) {
  if (events.empty()) return Ok();
  std::unordered_map<Id, size_t> slot;
  std::vector<std::string> event_tlp;
  store::AttributeQuery q;
  for (const auto& e : events) {
    slot.emplace(e.id, out.size());
    out.push_back(EventHeader(p, e));
    event_tlp.push_back(EventTlp(p, e));
    q.event_ids.push_back(e.id);
  }
  const size_t first = out.size() - events.size();
  q.to_ids = true;
  q.deleted = store::DeletedFilter::kExclude;
  q.load_tags = true;
  return txn.ScanAttributes(q, [&](const store::AttributeRow& row) {
    auto it = slot.find(row.attribute.event_id);
    if (it == slot.end()) return true;
    const model::Event& e = events[it->second - first];
    // The row's event header has no tags; the hook and the tag checks need the one we loaded.
    if (!access::CanSeeAttribute(p, e, row.object, row.attribute)) return true;
    if (exclude) {
      if (std::optional<std::string> reason = exclude(txn, e, row.attribute)) {
        ++excluded[reason->substr(0, reason->find(':'))];
        return true;
      }
    }
    FeedIndicator ind;
    ind.attribute_uuid = row.attribute.uuid;
    ind.type = row.attribute.type;
    ind.value = row.attribute.Value();
    ind.tags = VisibleTags(p, e, row.attribute.tags, ind.tlp);
    if (ind.tlp.empty()) ind.tlp = event_tlp[it->second - first];
    out[it->second].indicators.push_back(std::move(ind));
    return true;
  });
}

size_t CountIndicators(const std::vector<FeedEvent>& events, size_t from) {
  size_t n = 0;
  for (size_t i = from; i < events.size(); ++i) n += events[i].indicators.size();
  return n;
}

Status CheckLimit(size_t limit, size_t max) {
  if (limit == 0 || limit > max) {
    return MakeError(ErrorCode::kBadRequest, "limit must be from 1 to " + std::to_string(max), "limit");
  }
  return Ok();
}

}  // namespace

Result<FeedPage> SensorFeed::FullPage(const Principal& p, Id after_event, size_t limit) const {
  BW_RETURN_IF_ERROR(CheckLimit(limit, options_.max_limit));
  if (after_event < 0) return MakeError(ErrorCode::kBadRequest, "page_after_event must be >= 0", "page_after_event");
  FeedPage page;
  page.full = true;
  Status st = hub_.store().Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(page.cursor, txn.LastChangeSeq());
    Id last = after_event;
    size_t examined = 0;
    size_t indicators = 0;
    // Events per attribute query: starts at the configured chunk and shrinks to what the remaining limit
    // likely needs, so that events with many indicators do not make a page read far more than it returns.
    size_t chunk_size = std::max<size_t>(1, std::min(options_.event_chunk, limit));
    page.more = true;
    while (indicators < limit && examined < options_.max_events_examined) {
      store::EventQuery eq;
      eq.published = true;
      eq.after_id = last;
      eq.limit = std::min(chunk_size, options_.max_events_examined - examined);
      std::vector<model::Event> visible;
      size_t seen = 0;
      Id chunk_last = last;
      BW_RETURN_IF_ERROR(txn.ScanEvents(eq, [&](const model::Event& e) {
        ++seen;
        chunk_last = e.id;
        if (access::CanSeeEvent(p, e)) visible.push_back(e);
        return true;
      }));
      std::vector<FeedEvent> chunk;
      BW_RETURN_IF_ERROR(FillIndicators(txn, p, exclude_, visible, chunk, page.excluded));
      size_t chunk_indicators = 0;
      bool cut = false;
      for (auto& fe : chunk) {
        if (fe.indicators.empty()) continue;
        indicators += fe.indicators.size();
        chunk_indicators += fe.indicators.size();
        const Id id = fe.id;
        page.events.push_back(std::move(fe));
        if (indicators >= limit) {
          last = id;  // the rest of the chunk is read again by the next page
          cut = true;
          break;
        }
      }
      if (cut) break;
      examined += seen;
      last = chunk_last;
      if (seen < eq.limit) {
        page.more = false;
        break;
      }
      const size_t per_event = std::max<size_t>(1, chunk_indicators / std::max<size_t>(1, visible.size()));
      chunk_size = std::clamp<size_t>((limit - indicators) / per_event, 1, options_.event_chunk);
    }
    page.next_page_after_event = last;
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return page;
}

Result<FeedPage> SensorFeed::Delta(const Principal& p, int64_t after_seq, size_t limit) const {
  BW_RETURN_IF_ERROR(CheckLimit(limit, options_.max_limit));
  if (after_seq < 0) return MakeError(ErrorCode::kBadRequest, "after must be >= 0", "after");
  FeedPage page;
  Status st = hub_.store().Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(auto changes, txn.ReadChanges(after_seq, options_.max_changes));
    page.more = changes.size() == options_.max_changes;
    page.cursor = changes.empty() ? after_seq : changes.back().seq;
    // Touched events in order of their first change; whether the event itself changed; uuids of events
    // that may be gone (hard deletes).
    struct Touch {
      int64_t first_seq = 0;
      bool header_changed = false;
      std::string uuid;
    };
    std::vector<Id> order;
    std::unordered_map<Id, Touch> touched;
    for (const auto& c : changes) {
      if (c.event_id <= 0) continue;
      auto [it, inserted] = touched.try_emplace(c.event_id);
      if (inserted) {
        it->second.first_seq = c.seq;
        order.push_back(c.event_id);
      }
      if (c.entity == "event") {
        it->second.header_changed = true;
        it->second.uuid = c.uuid;
      }
    }
    size_t indicators = 0;
    for (size_t i = 0; i < order.size(); ++i) {
      if (indicators >= limit) {
        // Cut here: every change before this event's first change has been answered for.
        page.cursor = touched[order[i]].first_seq - 1;
        page.more = true;
        break;
      }
      const Touch& t = touched[order[i]];
      BW_ASSIGN_OR_RETURN(auto e, txn.GetEvent(order[i]));
      const bool visible = e && access::CanSeeEvent(p, *e);
      if (!e || !visible || !e->published) {
        if (!e && t.header_changed) {
          page.events.push_back(FeedEvent{order[i], t.uuid, "", 4, {}, {}});
        } else if (e && (visible || t.header_changed)) {
          FeedEvent fe = visible ? EventHeader(p, *e) : FeedEvent{e->id, e->uuid, "", 4, {}, {}};
          page.events.push_back(std::move(fe));
        }
        continue;
      }
      // GetEvent returns the header without tags; the tag checks and the hook need them.
      BW_ASSIGN_OR_RETURN(auto full, txn.LoadEvent(order[i], store::EventLoad{false, store::DeletedFilter::kExclude}));
      if (!full) continue;
      const size_t before = page.events.size();
      BW_RETURN_IF_ERROR(FillIndicators(txn, p, exclude_, {*full}, page.events, page.excluded));
      indicators += CountIndicators(page.events, before);
    }
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return page;
}

namespace {

bool ValidBatchId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
  });
}

Status ValidateBatch(const SightingBatch& batch) {
  if (!ValidBatchId(batch.batch_id)) {
    return MakeError(ErrorCode::kInvalid, "batch_id must be 1-128 characters of A-Z a-z 0-9 . _ : -", "batch_id");
  }
  if (batch.sightings.size() > kMaxSightingBatch) {
    return MakeError(ErrorCode::kTooLarge, "a batch holds at most " + std::to_string(kMaxSightingBatch) + " sightings",
                     "sightings");
  }
  for (size_t i = 0; i < batch.sightings.size(); ++i) {
    const auto& s = batch.sightings[i];
    const std::string field = "sightings[" + std::to_string(i) + "]";
    if (!IsUuid(s.attribute_uuid))
      return MakeError(ErrorCode::kInvalid, "attribute_uuid must be a uuid", field + ".attribute_uuid");
    if (s.time_seconds < 0) return MakeError(ErrorCode::kInvalid, "time must be >= 0", field + ".time");
    if (s.source.size() > 255) return MakeError(ErrorCode::kInvalid, "source is at most 255 bytes", field + ".source");
  }
  return Ok();
}

}  // namespace

Result<SightingBatchResult> SensorFeed::RecordSightings(const Principal& p, const SightingBatch& batch) const {
  BW_RETURN_IF_ERROR(access::CheckPermission(p, model::Permission::kSighting, "add sightings"));
  BW_RETURN_IF_ERROR(ValidateBatch(batch));
  const int64_t now = hub_.clock().NowSeconds();
  SightingBatchResult result;
  Status st = hub_.store().Write([&](store::WriteTxn& txn) -> Status {
    result = SightingBatchResult{};
    std::unordered_map<Id, std::optional<model::Event>> events;  // visible events by id (nullopt: invisible)
    std::map<Id, int64_t> newest;                                // event id -> newest sighting time
    std::set<std::string> high;
    size_t alerts = 0;
    Id first_id = 0;
    std::string first_uuid;
    for (size_t i = 0; i < batch.sightings.size(); ++i) {
      const SensorSighting& in = batch.sightings[i];
      const std::string uuid =
          UuidV5(kSensorSightingNamespace, p.org.uuid + "/" + batch.batch_id + "/" + std::to_string(i));
      BW_ASSIGN_OR_RETURN(auto existing, txn.FindSightingByUuid(uuid));
      if (existing) {
        ++result.duplicates;
        continue;
      }
      BW_ASSIGN_OR_RETURN(auto a, txn.FindAttributeByUuid(NormaliseUuid(in.attribute_uuid)));
      if (!a) {
        ++result.rejected;
        continue;
      }
      auto it = events.find(a->event_id);
      if (it == events.end()) {
        BW_ASSIGN_OR_RETURN(auto e, txn.GetEvent(a->event_id));
        if (e && !access::CanSeeEvent(p, *e)) e.reset();
        it = events.emplace(a->event_id, std::move(e)).first;
      }
      if (!it->second) {
        ++result.rejected;
        continue;
      }
      std::optional<model::Object> o;
      if (a->object_id) {
        BW_ASSIGN_OR_RETURN(o, txn.GetObject(a->object_id));
      }
      if (!access::CanSeeAttribute(p, *it->second, o ? &*o : nullptr, *a)) {
        ++result.rejected;
        continue;
      }
      model::Sighting s;
      s.uuid = uuid;
      s.attribute_id = a->id;
      s.event_id = a->event_id;
      s.org_id = p.org.id;
      s.date_sighting = in.time_seconds > 0 ? in.time_seconds : now;
      s.source = in.source;
      s.type = model::SightingType::kSighting;
      BW_RETURN_IF_ERROR(txn.InsertSighting(s));
      if (first_id == 0) {
        first_id = s.id;
        first_uuid = s.uuid;
      }
      ++result.added;
      int64_t& n = newest[a->event_id];
      n = std::max(n, s.date_sighting);
      if (it->second->threat_level == model::ThreatLevel::kHigh) {
        // A match on a high-threat event raises an alert, once per recorded sighting (a retried batch
        // records nothing new, so it raises nothing new).
        high.insert(a->uuid);
        model::Alert alert;
        alert.created = now;
        alert.org_id = p.org.id;
        alert.user_id = p.user.id;
        alert.source = in.source;
        alert.event_id = a->event_id;
        alert.event_uuid = it->second->uuid;
        alert.attribute_id = a->id;
        alert.attribute_uuid = a->uuid;
        alert.value = in.value;
        alert.sighting_id = s.id;
        BW_RETURN_IF_ERROR(txn.InsertAlert(alert));
        ++alerts;
      }
    }
    result.alerts_raised = alerts;
    for (const auto& [event_id, time] : newest) {
      model::Event& e = *events[event_id];
      if (time <= e.sighting_timestamp) continue;
      e.sighting_timestamp = time;
      BW_RETURN_IF_ERROR(txn.UpdateEventHeader(e, model::ChangeAction::kEdit));
    }
    result.high_threat_attribute_uuids.assign(high.begin(), high.end());
    if (result.added == 0) return Ok();
    return internal::Audit(txn, p, hub_.clock().NowMicros(), "add", "Sighting", first_id, first_uuid,
                           std::to_string(result.added) + " sighting(s) added by sensor batch " + batch.batch_id);
  });
  if (!st.ok()) return std::move(st).error();
  return result;
}

Result<Principal> PrincipalForUser(store::Store& store, const std::string& email) {
  Principal p;
  Status st = store.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(auto user, txn.FindUserByEmail(email));
    if (!user || user->disabled) return MakeError(ErrorCode::kNotFound, "no enabled user '" + email + "'", "email");
    BW_ASSIGN_OR_RETURN(auto org, txn.GetOrganisation(user->org_id));
    BW_ASSIGN_OR_RETURN(auto role, txn.GetRole(user->role_id));
    if (!org || !role) return MakeError(ErrorCode::kInternal, "user '" + email + "' has no organisation or role");
    BW_ASSIGN_OR_RETURN(p.sharing_group_ids, txn.SharingGroupIdsForOrg(org->id));
    std::sort(p.sharing_group_ids.begin(), p.sharing_group_ids.end());
    p.user = std::move(*user);
    p.org = std::move(*org);
    p.role = std::move(*role);
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return p;
}

// ---- Wire format

namespace json = boost::json;

namespace {

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;  // UTF-8 passes through: stored values were validated on the way in
        }
    }
  }
  out += '"';
}

void AppendStrings(std::string& out, const std::vector<std::string>& v) {
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    AppendString(out, v[i]);
  }
  out += ']';
}

Error Bad(std::string field, std::string what) {
  return MakeError(ErrorCode::kBadRequest, field + " " + what, std::move(field));
}

Result<std::string> Str(const json::object& o, std::string_view key, const std::string& path, bool required,
                        size_t max_bytes = 1 << 20) {
  const json::value* v = o.if_contains(key);
  const std::string field = path.empty() ? std::string(key) : path + "." + std::string(key);
  if (!v || v->is_null()) {
    if (required) return Bad(field, "is required");
    return std::string();
  }
  if (!v->is_string()) return Bad(field, "must be a string");
  if (v->get_string().size() > max_bytes) return Bad(field, "is too long");
  return std::string(v->get_string());
}

Result<int64_t> Int(const json::object& o, std::string_view key, const std::string& path, int64_t def) {
  const json::value* v = o.if_contains(key);
  const std::string field = path.empty() ? std::string(key) : path + "." + std::string(key);
  if (!v || v->is_null()) return def;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(v->get_uint64());
  return Bad(field, "must be an integer");
}

Result<std::vector<std::string>> Strs(const json::object& o, std::string_view key, const std::string& path) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  const std::string field = path + "." + std::string(key);
  if (!v->is_array()) return Bad(field, "must be an array of strings");
  for (const auto& x : v->get_array()) {
    if (!x.is_string()) return Bad(field, "must be an array of strings");
    out.emplace_back(x.get_string());
  }
  return out;
}

Result<json::value> ParseText(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) return MakeError(ErrorCode::kBadRequest, "malformed JSON: " + ec.message());
  if (!v.is_object()) return MakeError(ErrorCode::kBadRequest, "the body must be a JSON object");
  return v;
}

Result<FeedEvent> ParseEvent(const json::object& o, const std::string& path, size_t& budget) {
  FeedEvent e;
  BW_ASSIGN_OR_RETURN(e.id, Int(o, "id", path, 0));
  BW_ASSIGN_OR_RETURN(e.uuid, Str(o, "uuid", path, true));
  if (!IsUuid(e.uuid)) return Bad(path + ".uuid", "must be a uuid");
  e.uuid = NormaliseUuid(e.uuid);
  BW_ASSIGN_OR_RETURN(e.info, Str(o, "info", path, false));
  BW_ASSIGN_OR_RETURN(int64_t tl, Int(o, "threat_level", path, 4));
  if (tl < 1 || tl > 4) return Bad(path + ".threat_level", "must be 1-4");
  e.threat_level = static_cast<int>(tl);
  BW_ASSIGN_OR_RETURN(e.tags, Strs(o, "tags", path));
  const json::value* inds = o.if_contains("indicators");
  if (!inds || inds->is_null()) return e;
  if (!inds->is_array()) return Bad(path + ".indicators", "must be an array");
  const auto& arr = inds->get_array();
  if (arr.size() > budget) return MakeError(ErrorCode::kTooLarge, "the page holds more indicators than allowed");
  budget -= arr.size();
  e.indicators.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string ipath = path + ".indicators[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return Bad(ipath, "must be an object");
    const auto& io = arr[i].get_object();
    FeedIndicator ind;
    BW_ASSIGN_OR_RETURN(ind.attribute_uuid, Str(io, "uuid", ipath, true));
    BW_ASSIGN_OR_RETURN(ind.type, Str(io, "type", ipath, true, 256));
    BW_ASSIGN_OR_RETURN(ind.value, Str(io, "value", ipath, true));
    BW_ASSIGN_OR_RETURN(ind.tags, Strs(io, "tags", ipath));
    BW_ASSIGN_OR_RETURN(ind.tlp, Str(io, "tlp", ipath, false, 256));
    e.indicators.push_back(std::move(ind));
  }
  return e;
}

}  // namespace

std::string RenderFeedPage(const FeedPage& page) {
  std::string out;
  out.reserve(256 + page.events.size() * 256);
  out += "{\"full\":";
  out += page.full ? "true" : "false";
  out += ",\"cursor\":" + std::to_string(page.cursor);
  out += ",\"more\":";
  out += page.more ? "true" : "false";
  out += ",\"next_page_after_event\":";
  out += page.full && page.more ? std::to_string(page.next_page_after_event) : "null";
  out += ",\"excluded\":{";
  bool first = true;
  for (const auto& [reason, n] : page.excluded) {
    if (!first) out += ',';
    first = false;
    AppendString(out, reason);
    out += ':' + std::to_string(n);
  }
  out += "},\"events\":[";
  for (size_t i = 0; i < page.events.size(); ++i) {
    const FeedEvent& e = page.events[i];
    if (i) out += ',';
    out += "{\"id\":" + std::to_string(e.id) + ",\"uuid\":";
    AppendString(out, e.uuid);
    out += ",\"info\":";
    AppendString(out, e.info);
    out += ",\"threat_level\":" + std::to_string(e.threat_level) + ",\"tags\":";
    AppendStrings(out, e.tags);
    out += ",\"indicators\":[";
    for (size_t j = 0; j < e.indicators.size(); ++j) {
      const FeedIndicator& ind = e.indicators[j];
      if (j) out += ',';
      out += "{\"uuid\":";
      AppendString(out, ind.attribute_uuid);
      out += ",\"type\":";
      AppendString(out, ind.type);
      out += ",\"value\":";
      AppendString(out, ind.value);
      if (!ind.tags.empty()) {
        out += ",\"tags\":";
        AppendStrings(out, ind.tags);
      }
      if (!ind.tlp.empty()) {
        out += ",\"tlp\":";
        AppendString(out, ind.tlp);
      }
      out += '}';
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

Result<FeedPage> ParseFeedPage(std::string_view text, size_t max_indicators) {
  BW_ASSIGN_OR_RETURN(json::value v, ParseText(text));
  const json::object* root = &v.get_object();
  if (const json::value* data = root->if_contains("data"); data && data->is_object()) root = &data->get_object();
  const json::object& o = *root;
  FeedPage page;
  const json::value* full = o.if_contains("full");
  const json::value* more = o.if_contains("more");
  if (!full || !full->is_bool()) return Bad("full", "must be a boolean");
  if (!more || !more->is_bool()) return Bad("more", "must be a boolean");
  page.full = full->get_bool();
  page.more = more->get_bool();
  BW_ASSIGN_OR_RETURN(page.cursor, Int(o, "cursor", "", -1));
  if (page.cursor < 0) return Bad("cursor", "must be a non-negative integer");
  BW_ASSIGN_OR_RETURN(page.next_page_after_event, Int(o, "next_page_after_event", "", 0));
  if (const json::value* ex = o.if_contains("excluded"); ex && ex->is_object()) {
    for (const auto& kv : ex->get_object()) {
      if (!kv.value().is_int64()) return Bad("excluded", "must map reasons to counts");
      page.excluded[std::string(kv.key())] = kv.value().get_int64();
    }
  }
  const json::value* events = o.if_contains("events");
  if (!events || !events->is_array()) return Bad("events", "must be an array");
  size_t budget = max_indicators;
  const auto& arr = events->get_array();
  page.events.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string path = "events[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return Bad(path, "must be an object");
    BW_ASSIGN_OR_RETURN(FeedEvent e, ParseEvent(arr[i].get_object(), path, budget));
    page.events.push_back(std::move(e));
  }
  return page;
}

std::string RenderSightingBatch(const SightingBatch& batch) {
  std::string out = "{\"batch_id\":";
  AppendString(out, batch.batch_id);
  out += ",\"sightings\":[";
  for (size_t i = 0; i < batch.sightings.size(); ++i) {
    const SensorSighting& s = batch.sightings[i];
    if (i) out += ',';
    out += "{\"attribute_uuid\":";
    AppendString(out, s.attribute_uuid);
    out += ",\"value\":";
    AppendString(out, s.value);
    out += ",\"time\":" + std::to_string(s.time_seconds) + ",\"source\":";
    AppendString(out, s.source);
    out += '}';
  }
  out += "]}";
  return out;
}

Result<SightingBatch> ParseSightingBatch(std::string_view text) {
  BW_ASSIGN_OR_RETURN(json::value v, ParseText(text));
  return SightingBatchFromJson(v);
}

Result<SightingBatch> SightingBatchFromJson(const json::value& v) {
  if (!v.is_object()) return MakeError(ErrorCode::kBadRequest, "the body must be a JSON object");
  const json::object& o = v.get_object();
  SightingBatch batch;
  BW_ASSIGN_OR_RETURN(batch.batch_id, Str(o, "batch_id", "", true, 128));
  const json::value* arr = o.if_contains("sightings");
  if (!arr || !arr->is_array()) return Bad("sightings", "must be an array");
  if (arr->get_array().size() > kMaxSightingBatch) {
    return MakeError(ErrorCode::kTooLarge, "a batch holds at most " + std::to_string(kMaxSightingBatch) + " sightings",
                     "sightings");
  }
  for (size_t i = 0; i < arr->get_array().size(); ++i) {
    const std::string path = "sightings[" + std::to_string(i) + "]";
    const json::value& item = arr->get_array()[i];
    if (!item.is_object()) return Bad(path, "must be an object");
    const auto& so = item.get_object();
    SensorSighting s;
    BW_ASSIGN_OR_RETURN(s.attribute_uuid, Str(so, "attribute_uuid", path, true, 64));
    BW_ASSIGN_OR_RETURN(s.value, Str(so, "value", path, false, 1 << 16));
    BW_ASSIGN_OR_RETURN(s.time_seconds, Int(so, "time", path, 0));
    BW_ASSIGN_OR_RETURN(s.source, Str(so, "source", path, false, 255));
    batch.sightings.push_back(std::move(s));
  }
  return batch;
}

std::string RenderSightingBatchResult(const std::string& batch_id, const SightingBatchResult& r) {
  std::string out = "{\"batch_id\":";
  AppendString(out, batch_id);
  out += ",\"added\":" + std::to_string(r.added) + ",\"duplicates\":" + std::to_string(r.duplicates) +
         ",\"rejected\":" + std::to_string(r.rejected) + ",\"alerts\":" + std::to_string(r.alerts_raised) + "}";
  return out;
}

}  // namespace bulwark::hub
