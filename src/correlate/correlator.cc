#include "correlate/correlator.h"

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulwark::correlate {
namespace {

using model::ChangeAction;

bool Eligible(const store::AttributeRow& row) {
  return !row.attribute.deleted && !row.attribute.disable_correlation && !row.event.disable_correlation &&
         !(row.object != nullptr && row.object->deleted);
}

void Apply(const store::AttributeRow& row, const Options& options, SnapshotEditor& ed) {
  if (Eligible(row)) {
    ed.Upsert(row.attribute.id, row.event.id, ExtractFacets(row.attribute, options.exclusions));
  } else {
    ed.Remove(row.attribute.id);
  }
}

// Re-reads an event: drops what the index holds for it and indexes its current attributes.
Status ReloadEvent(store::ReadTxn& t, Id event_id, const Options& options, SnapshotEditor& ed) {
  ed.RemoveEvent(event_id);
  BW_ASSIGN_OR_RETURN(auto event, t.GetEvent(event_id));
  if (!event) {
    ed.SetEventCorrelationDisabled(event_id, false);
    return Ok();
  }
  ed.SetEventCorrelationDisabled(event_id, event->disable_correlation);
  if (event->disable_correlation) return Ok();
  store::AttributeQuery q;
  q.event_ids = {event_id};
  q.load_tags = false;
  return t.ScanAttributes(q, [&](const store::AttributeRow& row) {
    Apply(row, options, ed);
    return true;
  });
}

// What a run of changes asks for.
struct Work {
  std::set<Id> reload_events;
  std::set<Id> edited_events;
  std::vector<std::pair<std::string, Id>> attributes;  // (uuid, event id)

  void Add(const model::Change& c) {
    if (c.entity == "event") {
      if (c.action == ChangeAction::kEdit) {
        edited_events.insert(c.event_id);
      } else if (c.action == ChangeAction::kAdd || c.action == ChangeAction::kDelete ||
                 c.action == ChangeAction::kRestore) {
        reload_events.insert(c.event_id);
      }
    } else if (c.entity == "attribute") {
      attributes.emplace_back(c.uuid, c.event_id);
    }
  }
};

}  // namespace

Correlator::Correlator(Options options)
    : options_(std::make_shared<const Options>(std::move(options))) {
  SnapshotEditor empty(nullptr, options_);
  snapshot_.store(empty.Publish(0));
}

CorrelatorStats Correlator::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

void Correlator::Publish(std::shared_ptr<const Snapshot> next, size_t cloned) {
  snapshot_.store(std::move(next));
  std::lock_guard<std::mutex> lock(stats_mu_);
  stats_.last_cloned_shards = cloned;
}

Status Correlator::Build(store::Store& store) {
  std::lock_guard<std::mutex> lock(write_mu_);
  return BuildLocked(store);
}

Status Correlator::BuildLocked(store::Store& store) {
  SnapshotEditor ed(nullptr, options_);
  int64_t seq = 0;
  BW_RETURN_IF_ERROR(store.Read([&](store::ReadTxn& t) -> Status {
    BW_ASSIGN_OR_RETURN(seq, t.LastChangeSeq());
    store::AttributeQuery q;
    q.load_tags = false;
    return t.ScanAttributes(q, [&](const store::AttributeRow& row) {
      if (row.event.disable_correlation) ed.SetEventCorrelationDisabled(row.event.id, true);
      if (Eligible(row)) ed.Upsert(row.attribute.id, row.event.id, ExtractFacets(row.attribute, options_->exclusions));
      return true;
    });
  }));
  size_t cloned = ed.cloned_shards();
  Publish(ed.Publish(seq), cloned);
  built_.store(true);
  std::lock_guard<std::mutex> stats_lock(stats_mu_);
  ++stats_.builds;
  return Ok();
}

Status Correlator::CatchUp(store::Store& store) {
  std::lock_guard<std::mutex> lock(write_mu_);
  if (!built_.load()) return BuildLocked(store);
  std::shared_ptr<const Snapshot> base = snapshot_.load();
  constexpr size_t kPage = 10000;
  int64_t last = base->seq();
  size_t total = 0;
  Work work;
  for (;;) {
    std::vector<model::Change> changes;
    BW_RETURN_IF_ERROR(store.Read([&](store::ReadTxn& t) -> Status {
      BW_ASSIGN_OR_RETURN(changes, t.ReadChanges(last, kPage));
      return Ok();
    }));
    for (const auto& c : changes) {
      last = c.seq;
      work.Add(c);
    }
    total += changes.size();
    if (total > kMaxIncrementalChanges) return BuildLocked(store);
    if (changes.size() < kPage) break;
  }
  if (last == base->seq()) return Ok();

  SnapshotEditor ed(base, options_);
  Status read = store.Read([&](store::ReadTxn& t) -> Status {
    for (Id e : work.edited_events) {
      if (work.reload_events.count(e) != 0) continue;
      BW_ASSIGN_OR_RETURN(auto event, t.GetEvent(e));
      if (!event || event->disable_correlation != base->EventCorrelationDisabled(e)) work.reload_events.insert(e);
    }
    for (Id e : work.reload_events) BW_RETURN_IF_ERROR(ReloadEvent(t, e, *options_, ed));

    std::set<Id> gone_events;
    constexpr size_t kBatch = 256;
    // Each changed attribute is re-read once, in batches by uuid. The keys are views into work.attributes (which
    // outlives this loop): hash sets of views, not ordered sets of string copies (~8% of attributes/add CPU).
    std::vector<std::string> batch;
    boost::unordered_flat_map<std::string_view, std::pair<Id, bool>> pending;  // uuid -> (event id, found)
    auto flush = [&]() -> Status {
      if (batch.empty()) return Ok();
      store::AttributeQuery q;
      q.uuids = std::move(batch);
      batch.clear();
      q.deleted = store::DeletedFilter::kInclude;
      q.load_tags = false;
      BW_RETURN_IF_ERROR(t.ScanAttributes(q, [&](const store::AttributeRow& row) {
        if (auto it = pending.find(row.attribute.uuid); it != pending.end()) it->second.second = true;
        Apply(row, *options_, ed);
        return true;
      }));
      for (const auto& [uuid, entry] : pending) {
        if (!entry.second) gone_events.insert(entry.first);  // hard-deleted: its event is re-read
      }
      pending.clear();
      return Ok();
    };
    boost::unordered_flat_set<std::string_view> queued;
    queued.reserve(work.attributes.size());
    for (const auto& [uuid, event_id] : work.attributes) {
      if (work.reload_events.count(event_id) != 0 || !queued.insert(uuid).second) continue;
      batch.push_back(uuid);
      pending.emplace(uuid, std::pair<Id, bool>{event_id, false});
      if (batch.size() >= kBatch) BW_RETURN_IF_ERROR(flush());
    }
    BW_RETURN_IF_ERROR(flush());
    for (Id e : gone_events) BW_RETURN_IF_ERROR(ReloadEvent(t, e, *options_, ed));
    return Ok();
  });
  BW_RETURN_IF_ERROR(read);
  size_t cloned = ed.cloned_shards();
  Publish(ed.Publish(last), cloned);
  std::lock_guard<std::mutex> stats_lock(stats_mu_);
  ++stats_.catch_ups;
  stats_.changes_read += static_cast<int64_t>(total);
  return Ok();
}

}  // namespace bulwark::correlate
