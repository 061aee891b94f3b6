// Searches: request parsing (MISP RestSearch parameters) and the access-filtered attribute and event scans.
#include "hub/search.h"

#include <boost/json.hpp>

#include <charconv>
#include <set>
#include <span>
#include <unordered_map>

#include "common/uuid.h"
#include "hub/hub.h"
#include "hub/internal.h"
#include "lifecycle/model_overrides.h"
#include "warninglist/warninglist_set.h"

namespace bulwark::hub {

using namespace internal;
namespace json = boost::json;

namespace {

Error BadParam(const std::string& name, const std::string& what) {
  return MakeError(ErrorCode::kBadRequest, "parameter '" + name + "' " + what, name);
}

// A scalar parameter as text: strings as they are, integers and booleans as decimal text.
Result<std::optional<std::string>> ScalarText(const json::value& v, const std::string& name) {
  if (v.is_null()) return std::optional<std::string>();
  if (v.is_string()) return std::optional<std::string>(std::string(v.get_string()));
  if (v.is_int64()) return std::optional<std::string>(std::to_string(v.get_int64()));
  if (v.is_uint64()) return std::optional<std::string>(std::to_string(v.get_uint64()));
  if (v.is_bool()) return std::optional<std::string>(v.get_bool() ? "1" : "0");
  if (v.is_double()) return BadParam(name, "must not be a fractional number");
  return BadParam(name, "must be a string or a number");
}

// A parameter that may be a scalar or a list of scalars. "A||B" in a string is MISP's list shorthand.
Result<std::vector<std::string>> TextList(const json::value& v, const std::string& name) {
  std::vector<std::string> out;
  auto add_split = [&](const std::string& s) {
    size_t start = 0;
    while (true) {
      size_t pos = s.find("||", start);
      std::string part = s.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
      if (!part.empty()) out.push_back(std::move(part));
      if (pos == std::string::npos) break;
      start = pos + 2;
    }
  };
  if (v.is_array()) {
    if (v.get_array().size() > 10000) return BadParam(name, "has more than 10000 entries");
    for (const auto& item : v.get_array()) {
      BW_ASSIGN_OR_RETURN(auto s, ScalarText(item, name));
      if (s) out.push_back(std::move(*s));
    }
    return out;
  }
  BW_ASSIGN_OR_RETURN(auto s, ScalarText(v, name));
  if (s) add_split(*s);
  return out;
}

Result<std::optional<bool>> BoolParam(const json::value& v, const std::string& name) {
  if (v.is_null()) return std::optional<bool>();
  if (v.is_bool()) return std::optional<bool>(v.get_bool());
  if (v.is_array()) {
    // [0,1] means "both": no condition.
    return std::optional<bool>();
  }
  BW_ASSIGN_OR_RETURN(auto s, ScalarText(v, name));
  if (!s || s->empty()) return std::optional<bool>();
  if (*s == "1" || *s == "true") return std::optional<bool>(true);
  if (*s == "0" || *s == "false") return std::optional<bool>(false);
  return BadParam(name, "must be true/false or 1/0");
}

// A point in time: epoch seconds, a relative duration ("5d" = now - 5 days), or a date/date-time.
Result<int64_t> TimePoint(const std::string& s, const std::string& name, const Clock& clock) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec == std::errc() && ptr == s.data() + s.size()) return n;
  if (auto d = ParseDurationSeconds(s)) return clock.NowSeconds() - *d;
  if (auto t = ParseDateTimeMicros(s)) return *t / 1'000'000;
  return BadParam(name, "must be epoch seconds, a duration such as 7d, or a date YYYY-MM-DD: '" + s.substr(0, 40) + "'");
}

// timestamp-like ranges: a single value (a lower bound) or [from, to].
Status TimeRange(const json::value& v, const std::string& name, const Clock& clock, std::optional<int64_t>& from,
                 std::optional<int64_t>& to) {
  if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.size() != 2) return BadParam(name, "as a list must be [from, to]");
    BW_ASSIGN_OR_RETURN(auto f, ScalarText(a[0], name));
    BW_ASSIGN_OR_RETURN(auto t, ScalarText(a[1], name));
    if (f && !f->empty()) {
      BW_ASSIGN_OR_RETURN(from, TimePoint(*f, name, clock));
    }
    if (t && !t->empty()) {
      BW_ASSIGN_OR_RETURN(to, TimePoint(*t, name, clock));
    }
    return Ok();
  }
  BW_ASSIGN_OR_RETURN(auto s, ScalarText(v, name));
  if (s && !s->empty()) {
    BW_ASSIGN_OR_RETURN(from, TimePoint(*s, name, clock));
  }
  return Ok();
}

Status ParseTags(const json::value& v, TagTerms& out) {
  if (v.is_object()) {
    for (const auto& [key, value] : v.get_object()) {
      BW_ASSIGN_OR_RETURN(auto names, TextList(value, "tags"));
      if (key == "AND" || key == "and") {
        out.all_of.insert(out.all_of.end(), names.begin(), names.end());
      } else if (key == "OR" || key == "or") {
        out.any_of.insert(out.any_of.end(), names.begin(), names.end());
      } else if (key == "NOT" || key == "not") {
        out.none_of.insert(out.none_of.end(), names.begin(), names.end());
      } else {
        return BadParam("tags", "accepts only the keys AND, OR and NOT");
      }
    }
    return Ok();
  }
  BW_ASSIGN_OR_RETURN(auto names, TextList(v, "tags"));
  for (auto& n : names) {
    if (n.size() > 1 && n[0] == '!') {
      out.none_of.push_back(n.substr(1));
    } else {
      out.any_of.push_back(std::move(n));
    }
  }
  return Ok();
}

Result<size_t> SizeParam(const json::value& v, const std::string& name, size_t max) {
  BW_ASSIGN_OR_RETURN(auto s, ScalarText(v, name));
  if (!s || s->empty()) return size_t{0};
  size_t n = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
  if (ec != std::errc() || ptr != s->data() + s->size() || n > max) {
    return BadParam(name, "must be a whole number from 0 to " + std::to_string(max));
  }
  return n;
}

}  // namespace

Result<SearchRequest> ParseSearchRequest(const json::value& body, const Clock& clock) {
  SearchRequest r;
  if (body.is_null()) return r;
  if (!body.is_object()) return MakeError(ErrorCode::kBadRequest, "the search body must be a JSON object");
  const json::object* o = &body.get_object();
  if (auto it = o->find("request"); it != o->end() && it->value().is_object()) o = &it->value().get_object();
  for (const auto& [k, v] : *o) {
    const std::string key(k);
    if (key == "value" || key == "values") {
      BW_ASSIGN_OR_RETURN(auto vals, TextList(v, key));
      r.values.insert(r.values.end(), vals.begin(), vals.end());
    } else if (key == "type") {
      BW_ASSIGN_OR_RETURN(r.types, TextList(v, key));
    } else if (key == "category") {
      BW_ASSIGN_OR_RETURN(r.categories, TextList(v, key));
    } else if (key == "org") {
      BW_ASSIGN_OR_RETURN(r.orgs, TextList(v, key));
    } else if (key == "eventid" || key == "event_id") {
      BW_ASSIGN_OR_RETURN(r.events, TextList(v, key));
    } else if (key == "uuid") {
      BW_ASSIGN_OR_RETURN(r.uuids, TextList(v, key));
    } else if (key == "tags" || key == "tag" || key == "event_tags") {
      BW_RETURN_IF_ERROR(ParseTags(v, r.tags));
    } else if (key == "from" || key == "to") {
      BW_ASSIGN_OR_RETURN(auto s, ScalarText(v, key));
      if (s && !s->empty()) {
        BW_ASSIGN_OR_RETURN(int64_t t, TimePoint(*s, key, clock));
        (key == "from" ? r.date_from : r.date_to) = t;
      }
    } else if (key == "last") {
      BW_ASSIGN_OR_RETURN(auto s, ScalarText(v, key));
      if (s && !s->empty()) {
        int64_t secs = 0;
        auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), secs);
        if (ec == std::errc() && ptr == s->data() + s->size()) {
          // A negative span is meaningless, and now - INT64_MIN overflows.
          if (secs < 0) return BadParam(key, "must not be negative");
          r.publish_timestamp_from = clock.NowSeconds() - secs;
        } else if (auto d = ParseDurationSeconds(*s)) {
          r.publish_timestamp_from = clock.NowSeconds() - *d;
        } else {
          return BadParam(key, "must be a duration such as 7d or a number of seconds");
        }
      }
    } else if (key == "timestamp" || key == "attribute_timestamp") {
      BW_RETURN_IF_ERROR(TimeRange(v, key, clock, r.timestamp_from, r.timestamp_to));
    } else if (key == "publish_timestamp") {
      BW_RETURN_IF_ERROR(TimeRange(v, key, clock, r.publish_timestamp_from, r.publish_timestamp_to));
    } else if (key == "published") {
      BW_ASSIGN_OR_RETURN(r.published, BoolParam(v, key));
    } else if (key == "to_ids") {
      BW_ASSIGN_OR_RETURN(r.to_ids, BoolParam(v, key));
    } else if (key == "deleted") {
      if (v.is_array()) {
        r.deleted = store::DeletedFilter::kInclude;
      } else {
        BW_ASSIGN_OR_RETURN(auto s, ScalarText(v, key));
        if (!s || s->empty() || *s == "0" || *s == "false") {
          r.deleted = store::DeletedFilter::kExclude;
        } else if (*s == "1" || *s == "true" || *s == "only") {
          r.deleted = store::DeletedFilter::kOnly;
        } else {
          return BadParam(key, "must be 0, 1, only or [0,1]");
        }
      }
    } else if (key == "limit") {
      BW_ASSIGN_OR_RETURN(r.limit, SizeParam(v, key, 1'000'000'000));
    } else if (key == "page") {
      BW_ASSIGN_OR_RETURN(r.page, SizeParam(v, key, 1'000'000'000));
      if (r.page == 0) r.page = 1;
    } else if (key == "returnFormat") {
      BW_ASSIGN_OR_RETURN(auto s, ScalarText(v, key));
      if (s) r.return_format = *s;
    } else if (key == "enforceWarninglist" || key == "enforce_warninglist") {
      BW_ASSIGN_OR_RETURN(auto b, BoolParam(v, key));
      r.enforce_warninglist = b.value_or(false);
    } else if (key == "includeDecayScore") {
      BW_ASSIGN_OR_RETURN(auto b, BoolParam(v, key));
      r.include_decay_score = b.value_or(false);
    } else if (key == "decayingModel") {
      // A model id or a list of them (numbers or numeric strings); which exist is checked against the hub's
      // models when the search runs (CheckDecayingModels).
      const json::array single{v};
      for (const json::value& item : v.is_array() ? v.get_array() : single) {
        BW_ASSIGN_OR_RETURN(auto id, ScalarText(item, key));
        if (!id || id->empty() || id->size() > 20 ||
            id->find_first_not_of("0123456789") != std::string::npos) {
          return BadParam(key, "takes a decaying model id or a list of ids");
        }
        r.decaying_models.push_back(*id);
      }
    } else if (key == "modelOverrides") {
      BW_ASSIGN_OR_RETURN(lifecycle::ModelOverrides overrides, lifecycle::ParseModelOverrides(v));
      if (!overrides.empty()) r.model_overrides = std::make_shared<const lifecycle::ModelOverrides>(std::move(overrides));
    } else if (key == "includeCorrelations") {
      BW_ASSIGN_OR_RETURN(auto b, BoolParam(v, key));
      r.include_correlations = b.value_or(false);
    } else if (key == "excludeDecayed") {
      BW_ASSIGN_OR_RETURN(auto b, BoolParam(v, key));
      r.exclude_decayed = b.value_or(false);
    } else if (key == "excludeExpired") {
      BW_ASSIGN_OR_RETURN(r.exclude_expired, BoolParam(v, key));
    }
    // Other MISP parameters (includeContext, ...) are accepted and ignored for now;
    // docs/misp-compatibility.md lists them.
  }
  return r;
}

namespace {

// Resolved, store-level form of the parts of a SearchRequest shared by both scans.
struct ResolvedFilters {
  bool impossible = false;  // a condition no row can satisfy (e.g. an unknown tag in AND)
  store::TagFilter tags;
  std::vector<Id> orgc_ids;
  std::vector<Id> event_ids;
  std::vector<std::string> event_uuids;
};

Result<ResolvedFilters> Resolve(store::ReadTxn& txn, const SearchRequest& r) {
  ResolvedFilters f;
  auto tag_id = [&](const std::string& name) -> Result<std::optional<Id>> {
    BW_ASSIGN_OR_RETURN(auto t, txn.FindTagByName(name));
    if (!t) return std::optional<Id>();
    return std::optional<Id>(t->id);
  };
  for (const auto& n : r.tags.all_of) {
    BW_ASSIGN_OR_RETURN(auto id, tag_id(n));
    if (!id) f.impossible = true; else f.tags.all_of.push_back(*id);
  }
  for (const auto& n : r.tags.any_of) {
    BW_ASSIGN_OR_RETURN(auto id, tag_id(n));
    if (id) f.tags.any_of.push_back(*id);
  }
  if (!r.tags.any_of.empty() && f.tags.any_of.empty()) f.impossible = true;
  for (const auto& n : r.tags.none_of) {
    BW_ASSIGN_OR_RETURN(auto id, tag_id(n));
    if (id) f.tags.none_of.push_back(*id);
  }
  for (const auto& o : r.orgs) {
    Id id = 0;
    std::optional<model::Organisation> org;
    if (ParseId(o, id)) {
      f.orgc_ids.push_back(id);
      continue;
    }
    if (IsUuid(o)) {
      BW_ASSIGN_OR_RETURN(org, txn.FindOrganisationByUuid(NormaliseUuid(o)));
    } else {
      BW_ASSIGN_OR_RETURN(org, txn.FindOrganisationByName(o));
    }
    if (org) f.orgc_ids.push_back(org->id);
  }
  if (!r.orgs.empty() && f.orgc_ids.empty()) f.impossible = true;
  for (const auto& e : r.events) {
    Id id = 0;
    if (ParseId(e, id)) {
      f.event_ids.push_back(id);
    } else if (IsUuid(e)) {
      f.event_uuids.push_back(NormaliseUuid(e));
    } else {
      return MakeError(ErrorCode::kBadRequest, "eventid must hold event ids or uuids", "eventid");
    }
  }
  return f;
}

std::optional<std::string> DateText(const std::optional<int64_t>& t) {
  if (!t) return std::nullopt;
  return FormatDate(*t);
}

// Pages MISP-style (limit + page) over a stream of visible results.
class Pager {
 public:
  explicit Pager(const SearchRequest& r)
      : skip_(r.limit > 0 ? (r.page - 1) * r.limit : 0), limit_(r.limit) {}
  // Returns whether this result is on the page; sets done() once the page is full.
  bool Take() {
    if (skip_ > 0) {
      --skip_;
      return false;
    }
    ++taken_;
    return true;
  }
  bool done() const { return limit_ > 0 && taken_ >= limit_; }

 private:
  size_t skip_;
  size_t limit_;
  size_t taken_ = 0;
};

// The event-level conditions shared by EventQuery and AttributeQuery.
template <typename Query>
void CopyEventFilters(const SearchRequest& r, const ResolvedFilters& f, Query& q) {
  q.orgc_ids = f.orgc_ids;
  q.published = r.published;
  q.publish_timestamp_from = r.publish_timestamp_from;
  q.publish_timestamp_to = r.publish_timestamp_to;
  q.date_from = DateText(r.date_from);
  q.date_to = DateText(r.date_to);
  q.tags = f.tags;
  q.after_id = r.after_id;
}

bool HasAttributeConditions(const SearchRequest& r) {
  return !r.values.empty() || !r.types.empty() || !r.categories.empty() || r.to_ids.has_value() ||
         (!r.timestamp_is_event && (r.timestamp_from || r.timestamp_to));
}

// excludeDecayed / excludeExpired on one attribute's evaluation, under the models decayingModel names.
bool LifecycleExcludes(const SearchRequest& r, lifecycle::Evaluation e) {
  e.KeepModels(r.decaying_models);
  return (r.exclude_decayed && e.Decayed()) || (r.exclude_expired.value_or(false) && e.expiry.expired);
}

}  // namespace

Status Hub::CheckDecayingModels(const SearchRequest& r) const {
  if (r.decaying_models.empty()) return Ok();
  const auto evaluator = LifecycleEvaluator();
  std::string known;
  for (const auto& m : evaluator->models()) known += (known.empty() ? "" : ", ") + m.id + " (" + m.name + ")";
  for (const auto& id : r.decaying_models) {
    const bool found = std::any_of(evaluator->models().begin(), evaluator->models().end(),
                                   [&](const lifecycle::DecayModel& m) { return m.id == id; });
    if (!found) {
      return MakeError(ErrorCode::kInvalid, "decayingModel " + id + ": no such model on this hub (its models: " +
                                                (known.empty() ? "none" : known) + ")",
                       "decayingModel");
    }
  }
  return Ok();
}

std::shared_ptr<const lifecycle::Evaluator> Hub::LifecycleEvaluatorFor(const SearchRequest& r) const {
  auto evaluator = LifecycleEvaluator();
  if (!r.model_overrides) return evaluator;
  std::vector<lifecycle::DecayModel> models = evaluator->models();
  for (lifecycle::DecayModel& m : models) {
    const bool used = r.decaying_models.empty() ||
                      std::find(r.decaying_models.begin(), r.decaying_models.end(), m.id) != r.decaying_models.end();
    if (used) m = lifecycle::ApplyOverrides(std::move(m), *r.model_overrides);
  }
  return std::make_shared<const lifecycle::Evaluator>(evaluator->WithModels(std::move(models)));
}

Status Hub::SearchAttributes(const Principal& p, const SearchRequest& r,
                             const std::function<bool(const store::AttributeRow&)>& visit) {
  BW_RETURN_IF_ERROR(CheckDecayingModels(r));
  return store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(ResolvedFilters f, Resolve(txn, r));
    if (f.impossible) return Ok();
    store::AttributeQuery q;
    for (const auto& v : r.values) {
      (v.find('%') != std::string::npos ? q.value_likes : q.values).push_back(v);
    }
    q.types = r.types;
    q.categories = r.categories;
    q.uuids.reserve(r.uuids.size());
    for (const auto& u : r.uuids) q.uuids.push_back(NormaliseUuid(u));
    q.event_ids = f.event_ids;
    q.event_uuids = f.event_uuids;
    CopyEventFilters(r, f, q);
    q.to_ids = r.to_ids;
    q.deleted = r.deleted;
    if (r.timestamp_is_event) {
      q.event_timestamp_from = r.timestamp_from;
      q.event_timestamp_to = r.timestamp_to;
    } else {
      q.timestamp_from = r.timestamp_from;
      q.timestamp_to = r.timestamp_to;
    }
    Pager pager(r);
    const auto warninglists = r.enforce_warninglist ? Warninglists() : nullptr;
    const auto evaluator = r.FiltersLifecycle() ? LifecycleEvaluatorFor(r) : nullptr;
    const int64_t now = clock_.NowSeconds();
    Status lifecycle_error = Ok();
    BW_RETURN_IF_ERROR(txn.ScanAttributes(q, [&](const store::AttributeRow& row) {
      if (!access::CanSeeEvent(p, row.event) || !access::CanSeeAttribute(p, row.event, row.object, row.attribute)) {
        return true;
      }
      if (warninglists && warninglist::Warned(*warninglists, row.attribute)) return true;
      if (evaluator) {
        // Sightings are read only for events that have any (the event header keeps the newest sighting's
        // time), so filtering a never-sighted corpus costs no extra query per attribute.
        std::vector<model::Sighting> sightings;
        if (row.event.sighting_timestamp > 0) {
          store::SightingQuery sq;
          sq.attribute_ids.push_back(row.attribute.id);
          auto found = txn.ListSightings(sq);
          if (!found.ok()) {
            lifecycle_error = std::move(found).error();
            return false;
          }
          sightings = std::move(found).value();
          std::erase_if(sightings, [&](const model::Sighting& s) { return !access::CanSeeSighting(p, row.event, s); });
        }
        if (LifecycleExcludes(r, evaluator->Evaluate(row.event, row.attribute, sightings, now))) return true;
      }
      if (!pager.Take()) return true;
      bool local_hidden = false;
      for (const auto& t : row.attribute.tags) local_hidden |= !access::CanSeeTag(p, row.event, t);
      bool go_on;
      if (local_hidden) {
        model::Attribute copy = row.attribute;
        copy.tags.erase(std::remove_if(copy.tags.begin(), copy.tags.end(),
                                       [&](const model::AppliedTag& t) { return !access::CanSeeTag(p, row.event, t); }),
                        copy.tags.end());
        go_on = visit(store::AttributeRow{copy, row.event, row.object});
      } else {
        go_on = visit(row);
      }
      return go_on && !pager.done();
    }));
    return lifecycle_error;
  });
}

Status Hub::IndexEvents(const Principal& p, const SearchRequest& r,
                        const std::function<bool(const model::Event&)>& visit) {
  return store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(ResolvedFilters f, Resolve(txn, r));
    if (f.impossible) return Ok();
    store::EventQuery q;
    q.ids = f.event_ids;
    q.uuids = f.event_uuids;
    for (const auto& u : r.uuids) q.uuids.push_back(NormaliseUuid(u));
    CopyEventFilters(r, f, q);
    q.timestamp_from = r.timestamp_from;
    q.timestamp_to = r.timestamp_to;
    q.attribute_values = r.values;
    Pager pager(r);
    std::vector<Id> page;
    BW_RETURN_IF_ERROR(txn.ScanEvents(q, [&](const model::Event& e) {
      if (!access::CanSeeEvent(p, e)) return true;
      if (pager.Take()) page.push_back(e.id);
      return !pager.done() && page.size() < 1'000'000;
    }));
    for (Id id : page) {
      BW_ASSIGN_OR_RETURN(auto e, txn.LoadEvent(id, store::EventLoad{false, store::DeletedFilter::kExclude}));
      if (!e) continue;
      access::FilterEvent(p, *e);
      if (!visit(*e)) break;
    }
    return Ok();
  });
}

namespace {

// enforceWarninglist on whole events: the event's and its objects' attributes that a list warns about go.
void DropWarned(const warninglist::WarninglistSet& lists, model::Event& e) {
  auto warned = [&](const model::Attribute& a) { return warninglist::Warned(lists, a); };
  std::erase_if(e.attributes, warned);
  for (auto& o : e.objects) std::erase_if(o.attributes, warned);
}

}  // namespace

// excludeDecayed / excludeExpired on whole events: one sightings query for the event, then each attribute.
Status Hub::DropOutOfLifecycle(const Principal& p, const SearchRequest& r, model::Event& e) {
  std::vector<model::Sighting> sightings;
  if (e.sighting_timestamp > 0) {  // the event has sightings: read them once
    store::SightingQuery q;
    q.event_ids.push_back(e.id);
    BW_RETURN_IF_ERROR(store_.Read([&](store::ReadTxn& txn) -> Status {
      BW_ASSIGN_OR_RETURN(sightings, txn.ListSightings(q));
      return Ok();
    }));
  }
  std::unordered_map<Id, std::vector<model::Sighting>> by_attribute;
  for (auto& s : sightings) {
    if (access::CanSeeSighting(p, e, s)) by_attribute[s.attribute_id].push_back(std::move(s));
  }
  const auto evaluator = LifecycleEvaluatorFor(r);
  const int64_t now = clock_.NowSeconds();
  auto out = [&](const model::Attribute& a) {
    auto it = by_attribute.find(a.id);
    std::span<const model::Sighting> own;
    if (it != by_attribute.end()) own = it->second;
    return LifecycleExcludes(r, evaluator->Evaluate(e, a, own, now));
  };
  std::erase_if(e.attributes, out);
  for (auto& o : e.objects) std::erase_if(o.attributes, out);
  return Ok();
}

Status Hub::SearchEvents(const Principal& p, const SearchRequest& request,
                         const std::function<bool(model::Event&)>& visit) {
  BW_RETURN_IF_ERROR(CheckDecayingModels(request));
  SearchRequest r = request;
  r.timestamp_is_event = true;  // events/restSearch: `timestamp` is the event's
  if (!HasAttributeConditions(r)) {
    // Event-level conditions only: walk the index and load each page entry whole.
    SearchRequest index_request = r;
    std::vector<Id> ids;
    BW_RETURN_IF_ERROR(IndexEvents(p, index_request, [&](const model::Event& e) {
      ids.push_back(e.id);
      return true;
    }));
    for (Id id : ids) {
      auto e = ViewEvent(p, EventRef{std::to_string(id)}, r.deleted);
      if (!e.ok()) continue;  // deleted meanwhile
      if (r.enforce_warninglist) DropWarned(*Warninglists(), e.value());
      if (r.FiltersLifecycle()) BW_RETURN_IF_ERROR(DropOutOfLifecycle(p, r, e.value()));
      if (!visit(e.value())) break;
    }
    return Ok();
  }
  // Attribute conditions: an event matches when one of its visible attributes does.
  SearchRequest attr_request = r;
  attr_request.limit = 0;
  attr_request.page = 1;
  attr_request.after_id = 0;
  std::set<Id> event_ids;
  BW_RETURN_IF_ERROR(SearchAttributes(p, attr_request, [&](const store::AttributeRow& row) {
    if (row.event.id > r.after_id) event_ids.insert(row.event.id);
    return true;
  }));
  Pager pager(r);
  for (Id id : event_ids) {
    if (!pager.Take()) continue;
    auto e = ViewEvent(p, EventRef{std::to_string(id)},
                       r.deleted == store::DeletedFilter::kExclude ? store::DeletedFilter::kExclude
                                                                   : store::DeletedFilter::kInclude);
    if (!e.ok()) continue;
    if (r.enforce_warninglist) DropWarned(*Warninglists(), e.value());
    if (r.FiltersLifecycle()) BW_RETURN_IF_ERROR(DropOutOfLifecycle(p, r, e.value()));
    if (!visit(e.value()) || pager.done()) break;
  }
  return Ok();
}

}  // namespace bulwark::hub
