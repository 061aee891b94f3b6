#include "correlate/service.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace bulwark::correlate {
namespace {

struct VisibleRow {
  model::Attribute attribute;
  model::Event event;
};
using VisibleRows = std::unordered_map<Id, VisibleRow>;

// Loads the attributes by id and keeps those the principal may see, by the access module's decision only.
Status LoadVisible(store::ReadTxn& t, const access::Principal& p, const std::vector<Id>& ids, VisibleRows& out) {
  constexpr size_t kBatch = 500;
  for (size_t i = 0; i < ids.size(); i += kBatch) {
    store::AttributeQuery q;
    q.ids.assign(ids.begin() + static_cast<ptrdiff_t>(i),
                 ids.begin() + static_cast<ptrdiff_t>(std::min(ids.size(), i + kBatch)));
    q.load_tags = false;
    BW_RETURN_IF_ERROR(t.ScanAttributes(q, [&](const store::AttributeRow& row) {
      if (access::CanSeeEvent(p, row.event) && access::CanSeeAttribute(p, row.event, row.object, row.attribute)) {
        out.emplace(row.attribute.id, VisibleRow{row.attribute, row.event});
      }
      return true;
    }));
  }
  return Ok();
}

Error NotFound(const char* what) { return MakeError(ErrorCode::kNotFound, std::string(what) + " not found"); }

RelatedAttribute MakeRelated(const VisibleRow& row, const Hit& hit) {
  RelatedAttribute r;
  r.id = row.event.id;
  r.attribute_id = row.attribute.id;
  r.attribute_uuid = row.attribute.uuid;
  r.event_id = row.event.id;
  r.event_uuid = row.event.uuid;
  r.org_id = row.event.org_id;
  r.orgc_id = row.event.orgc_id;
  r.info = row.event.info;
  r.value = row.attribute.Value();
  r.type = row.attribute.type;
  r.category = row.attribute.category;
  r.kind = hit.kind;
  r.via = hit.via;
  return r;
}

AttributeCorrelations Assemble(const VisibleRow& self, const LookupResult& lookup, const VisibleRows& visible) {
  AttributeCorrelations out;
  out.attribute_id = self.attribute.id;
  out.attribute_uuid = self.attribute.uuid;
  out.value = self.attribute.Value();
  out.type = self.attribute.type;
  out.over_correlating = lookup.over_correlating;
  out.truncated = lookup.truncated;
  for (const Hit& h : lookup.hits) {
    auto it = visible.find(h.attribute_id);
    if (it != visible.end()) out.related.push_back(MakeRelated(it->second, h));
  }
  return out;
}

std::vector<Id> HitIds(const LookupResult& lookup) {
  std::vector<Id> ids;
  ids.reserve(lookup.hits.size());
  for (const Hit& h : lookup.hits) ids.push_back(h.attribute_id);
  return ids;
}

}  // namespace

CorrelationService::CorrelationService(store::Store& store, Options options)
    : store_(store), correlator_(std::move(options)) {}

CorrelationService::~CorrelationService() {
  if (follower_.joinable()) {
    follower_.request_stop();
    follower_cv_.notify_all();
    follower_.join();
  }
}

void CorrelationService::StartFollower(std::chrono::milliseconds poll) {
  std::lock_guard<std::mutex> lock(follower_mu_);
  if (follower_.joinable()) return;
  follower_ = std::jthread([this, poll](std::stop_token stop) {
    std::chrono::steady_clock::time_point last_run{};
    while (!stop.stop_requested()) {
      {
        std::unique_lock<std::mutex> wait_lock(follower_mu_);
        follower_cv_.wait_for(wait_lock, poll, [&] { return poked_ || stop.stop_requested(); });
        poked_ = false;
      }
      if (stop.stop_requested()) break;
      // Under a stream of writes, catch up at most once per kFollowerCoalesce: each catch-up publishes a
      // snapshot and adds a run to the index (merged later), while queries catch up by themselves first, so
      // batching costs them no freshness. The first poke after a quiet spell is served at once.
      if (const auto due = last_run + kFollowerCoalesce; std::chrono::steady_clock::now() < due) {
        std::unique_lock<std::mutex> wait_lock(follower_mu_);
        follower_cv_.wait_until(wait_lock, due, [&] { return stop.stop_requested(); });
        poked_ = false;  // what those pokes announced is caught up now
      }
      if (stop.stop_requested()) break;
      if (!EnsureCurrent().ok()) {
        std::lock_guard<std::mutex> error_lock(follower_mu_);
        ++follower_errors_;
      }
      last_run = std::chrono::steady_clock::now();
    }
  });
}

void CorrelationService::Poke() {
  {
    std::lock_guard<std::mutex> lock(follower_mu_);
    poked_ = true;
  }
  follower_cv_.notify_one();
}

int64_t CorrelationService::follower_errors() const {
  std::lock_guard<std::mutex> lock(follower_mu_);
  return follower_errors_;
}

Status CorrelationService::Start() { return correlator_.CatchUp(store_); }
Status CorrelationService::NotifyChanged() { return correlator_.CatchUp(store_); }
Status CorrelationService::Rebuild() { return correlator_.Build(store_); }

Status CorrelationService::EnsureCurrent() {
  if (!correlator_.built()) return correlator_.CatchUp(store_);
  int64_t last = 0;
  BW_RETURN_IF_ERROR(store_.Read([&](store::ReadTxn& t) -> Status {
    BW_ASSIGN_OR_RETURN(last, t.LastChangeSeq());
    return Ok();
  }));
  if (last == correlator_.snapshot()->seq() && !correlator_.merge_finished()) return Ok();
  return correlator_.CatchUp(store_);  // also swaps in finished merges
}

Result<AttributeCorrelations> CorrelationService::ForAttribute(const access::Principal& p, Id attribute_id) {
  BW_RETURN_IF_ERROR(EnsureCurrent());
  std::shared_ptr<const Snapshot> snap = snapshot();
  LookupResult lookup = snap->Correlations(attribute_id);
  VisibleRows self;
  VisibleRows visible;
  Status read = store_.Read([&](store::ReadTxn& t) -> Status {
    BW_RETURN_IF_ERROR(LoadVisible(t, p, {attribute_id}, self));
    if (self.empty()) return Ok();
    return LoadVisible(t, p, HitIds(lookup), visible);
  });
  BW_RETURN_IF_ERROR(read);
  if (self.empty()) return NotFound("attribute");
  return Assemble(self.begin()->second, lookup, visible);
}

Result<AttributeCorrelations> CorrelationService::ForAttributeUuid(const access::Principal& p,
                                                                   const std::string& uuid) {
  std::optional<model::Attribute> a;
  BW_RETURN_IF_ERROR(store_.Read([&](store::ReadTxn& t) -> Status {
    BW_ASSIGN_OR_RETURN(a, t.FindAttributeByUuid(uuid));
    return Ok();
  }));
  if (!a) return NotFound("attribute");
  return ForAttribute(p, a->id);
}

Result<EventCorrelations> CorrelationService::ForEvent(const access::Principal& p, Id event_id) {
  BW_RETURN_IF_ERROR(EnsureCurrent());
  std::shared_ptr<const Snapshot> snap = snapshot();
  EventCorrelations out;
  out.event_id = event_id;
  bool found = false;
  VisibleRows own;
  VisibleRows visible;
  std::vector<std::pair<Id, LookupResult>> lookups;
  Status read = store_.Read([&](store::ReadTxn& t) -> Status {
    BW_ASSIGN_OR_RETURN(auto event, t.GetEvent(event_id));
    if (!event || !access::CanSeeEvent(p, *event)) return Ok();
    found = true;
    // Look up first (index only), then read from the store just the event's attributes that correlate: a
    // 100,000-attribute event with a handful of correlations costs a handful of row reads, not 100,000.
    std::vector<std::pair<Id, LookupResult>> correlating;
    std::vector<Id> correlating_ids;
    for (Id id : snap->AttributesOfEvent(event_id)) {
      LookupResult r = snap->Correlations(id);
      if (r.hits.empty() && r.over_correlating.empty()) continue;
      correlating_ids.push_back(id);
      correlating.emplace_back(id, std::move(r));
    }
    BW_RETURN_IF_ERROR(LoadVisible(t, p, correlating_ids, own));
    std::vector<Id> candidates;
    size_t budget = snap->options().max_hits;
    for (auto& [id, r] : correlating) {
      if (own.count(id) == 0) continue;
      if (r.hits.size() > budget) {
        r.hits.resize(budget);
        r.truncated = true;
      }
      budget -= r.hits.size();
      for (const Hit& h : r.hits) candidates.push_back(h.attribute_id);
      lookups.emplace_back(id, std::move(r));
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    return LoadVisible(t, p, candidates, visible);
  });
  BW_RETURN_IF_ERROR(read);
  if (!found) return NotFound("event");
  std::unordered_map<Id, RelatedEvent> events;
  for (const auto& [id, lookup] : lookups) {
    AttributeCorrelations ac = Assemble(own.at(id), lookup, visible);
    if (ac.related.empty() && ac.over_correlating.empty()) continue;
    std::unordered_set<Id> linked;
    for (const auto& r : ac.related) {
      if (!linked.insert(r.event_id).second) continue;
      auto [it, inserted] = events.try_emplace(r.event_id);
      if (inserted) {
        it->second.event = visible.at(r.attribute_id).event;
        it->second.event.attributes.clear();
        it->second.event.objects.clear();
        it->second.event.tags.clear();
      }
      ++it->second.links;
    }
    out.attributes.push_back(std::move(ac));
  }
  for (auto& [id, re] : events) out.related_events.push_back(std::move(re));
  std::sort(out.related_events.begin(), out.related_events.end(), [](const RelatedEvent& a, const RelatedEvent& b) {
    return a.links != b.links ? a.links > b.links : a.event.id > b.event.id;
  });
  return out;
}

Result<std::vector<RelatedEvent>> CorrelationService::RelatedEvents(const access::Principal& p, Id event_id) {
  BW_ASSIGN_OR_RETURN(EventCorrelations ec, ForEvent(p, event_id));
  return std::move(ec.related_events);
}

Result<std::vector<TopValue>> CorrelationService::Top(const access::Principal& p, size_t limit) {
  BW_RETURN_IF_ERROR(EnsureCurrent());
  std::shared_ptr<const Snapshot> snap = snapshot();
  if (p.IsSiteAdmin()) return snap->TopValues(limit);
  // Others: recount the global leaders over what the principal can see.
  // Bounded work: at most kMaxCandidates values, each recounted over at most kMaxPerValue attributes.
  constexpr size_t kMaxCandidates = 256;
  constexpr size_t kMaxPerValue = 256;
  std::vector<TopValue> candidates = snap->TopValues(std::min(limit * 4 + 16, kMaxCandidates));
  std::vector<TopValue> out;
  Status read = store_.Read([&](store::ReadTxn& t) -> Status {
    for (const TopValue& c : candidates) {
      std::vector<Id> ids;
      for (const Posting& posting : snap->PostingsOfValue(c.value, kMaxPerValue)) ids.push_back(posting.attribute_id);
      VisibleRows visible;
      BW_RETURN_IF_ERROR(LoadVisible(t, p, ids, visible));
      std::unordered_set<Id> events;
      for (const auto& [id, row] : visible) events.insert(row.event.id);
      if (visible.size() < 2 || events.size() < 2) continue;
      out.push_back({c.value, visible.size(), events.size(), c.over_correlating});
    }
    return Ok();
  });
  BW_RETURN_IF_ERROR(read);
  std::stable_sort(out.begin(), out.end(),
                   [](const TopValue& a, const TopValue& b) { return a.attributes > b.attributes; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace bulwark::correlate
