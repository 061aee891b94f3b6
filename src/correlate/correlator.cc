#include "correlate/correlator.h"

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <optional>
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

// The same for an offered attribute (an offer folds its object's deletion into `deleted`).
void ApplyOffered(const model::Attribute& a, bool event_disable_correlation, const Options& options,
                  SnapshotEditor& ed) {
  if (!a.deleted && !a.disable_correlation && !event_disable_correlation) {
    ed.Upsert(a.id, a.event_id, ExtractFacets(a, options.exclusions));
  } else {
    ed.Remove(a.id);
  }
}

// Re-reads an event: drops what the index holds for it and indexes its current attributes.
Status ReloadEvent(store::ReadTxn& t, Id event_id, const Options& options, SnapshotEditor& ed, int64_t& rows_read) {
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
    ++rows_read;
    Apply(row, options, ed);
    return true;
  });
}

// What a run of changes asks for, with the last sequence that touched each event and each attribute (an
// offer stands in for a re-read only when it is at least that new).
struct Work {
  std::set<Id> reload_events;
  std::set<Id> edited_events;
  std::vector<std::pair<std::string, Id>> attributes;  // (uuid, event id), in change order
  boost::unordered_flat_map<Id, int64_t> event_seq;    // event id -> last change touching the event
  boost::unordered_flat_map<std::string, int64_t> attribute_seq;  // uuid -> last change of the attribute

  void Add(const model::Change& c) {
    if (c.event_id != 0) {
      int64_t& seq = event_seq[c.event_id];
      seq = std::max(seq, c.seq);
    }
    if (c.entity == "event") {
      if (c.action == ChangeAction::kEdit) {
        edited_events.insert(c.event_id);
      } else if (c.action == ChangeAction::kAdd || c.action == ChangeAction::kDelete ||
                 c.action == ChangeAction::kRestore) {
        reload_events.insert(c.event_id);
      }
    } else if (c.entity == "attribute") {
      attributes.emplace_back(c.uuid, c.event_id);
      int64_t& seq = attribute_seq[c.uuid];
      seq = std::max(seq, c.seq);
    }
  }
};

// The offers of one CatchUp, indexed: the newest whole-event offer per event and the newest offered state per
// attribute uuid. Views into the offers, which outlive it.
struct OfferIndex {
  struct Attribute {
    int64_t seq;
    const model::Attribute* attribute;
    bool event_disable_correlation;
  };
  boost::unordered_flat_map<Id, const WrittenState*> events;             // whole-event offers
  boost::unordered_flat_map<Id, const WrittenState*> newest;             // any offer, by event
  boost::unordered_flat_map<std::string_view, Attribute> attributes;

  explicit OfferIndex(const std::vector<WrittenState>& offers) {
    for (const WrittenState& o : offers) {
      if (auto [it, fresh] = newest.emplace(o.event_id, &o); !fresh && it->second->seq < o.seq) it->second = &o;
      if (o.whole_event) {
        auto [it, fresh] = events.emplace(o.event_id, &o);
        if (!fresh && it->second->seq < o.seq) it->second = &o;
        continue;
      }
      for (const model::Attribute& a : o.attributes) {
        auto [it, fresh] = attributes.emplace(a.uuid, Attribute{o.seq, &a, o.event_disable_correlation});
        if (!fresh && it->second.seq < o.seq) it->second = Attribute{o.seq, &a, o.event_disable_correlation};
      }
    }
  }

  // The whole-event offer for `event_id` if it reflects every change `work` read for the event.
  const WrittenState* Event(Id event_id, const Work& work) const {
    auto it = events.find(event_id);
    if (it == events.end()) return nullptr;
    auto seq = work.event_seq.find(event_id);
    return seq == work.event_seq.end() || it->second->seq >= seq->second ? it->second : nullptr;
  }
  // The event's disable_correlation as the newest offer for it left it, if that offer reflects every change
  // `work` read for the event.
  std::optional<bool> EventDisabled(Id event_id, const Work& work) const {
    auto it = newest.find(event_id);
    if (it == newest.end()) return std::nullopt;
    auto seq = work.event_seq.find(event_id);
    if (seq != work.event_seq.end() && it->second->seq < seq->second) return std::nullopt;
    return it->second->event_disable_correlation;
  }
  const Attribute* Find(const std::string& uuid, const Work& work) const {
    auto it = attributes.find(std::string_view(uuid));
    if (it == attributes.end()) return nullptr;
    auto seq = work.attribute_seq.find(uuid);
    return seq == work.attribute_seq.end() || it->second.seq >= seq->second ? &it->second : nullptr;
  }
};

void AddOfferedAttributes(WrittenState& out, const std::vector<model::Attribute>& attributes, bool object_deleted) {
  for (const model::Attribute& a : attributes) {
    model::Attribute slim;
    slim.id = a.id;
    slim.event_id = out.event_id;
    slim.uuid = a.uuid;
    slim.type = a.type;
    slim.value1 = a.value1;
    slim.value2 = a.value2;
    slim.deleted = a.deleted || object_deleted;
    slim.disable_correlation = a.disable_correlation;
    out.attributes.push_back(std::move(slim));
  }
}

}  // namespace

WrittenState WrittenStateOf(int64_t seq, const model::Event& event, const std::vector<model::Attribute>& attributes,
                            const std::vector<model::Object>* objects, bool whole_event) {
  WrittenState out;
  out.seq = seq;
  out.event_id = event.id;
  out.event_disable_correlation = event.disable_correlation;
  out.whole_event = whole_event;
  size_t n = attributes.size();
  if (objects != nullptr) {
    for (const model::Object& o : *objects) n += o.attributes.size();
  }
  out.attributes.reserve(n);
  AddOfferedAttributes(out, attributes, false);
  if (objects != nullptr) {
    for (const model::Object& o : *objects) AddOfferedAttributes(out, o.attributes, o.deleted);
  }
  return out;
}

void Correlator::Offer(WrittenState state) {
  std::lock_guard<std::mutex> lock(offers_mu_);
  if (offered_attributes_ + state.attributes.size() > kMaxOfferedAttributes) return;
  offered_attributes_ += state.attributes.size();
  offers_.push_back(std::move(state));
}

std::vector<WrittenState> Correlator::TakeOffers() {
  std::lock_guard<std::mutex> lock(offers_mu_);
  offered_attributes_ = 0;
  return std::exchange(offers_, {});
}

void Correlator::KeepOffers(std::vector<WrittenState> newer) {
  std::lock_guard<std::mutex> lock(offers_mu_);
  for (WrittenState& o : newer) {
    offered_attributes_ += o.attributes.size();
    offers_.push_back(std::move(o));
  }
}

Correlator::Correlator(Options options)
    : options_(std::make_shared<const Options>(std::move(options))) {
  SnapshotEditor empty(nullptr, options_);
  snapshot_.store(empty.Publish(0));
}

CorrelatorStats Correlator::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

void Correlator::Publish(std::shared_ptr<const Snapshot> next, size_t written) {
  snapshot_.store(std::move(next));
  std::lock_guard<std::mutex> lock(stats_mu_);
  stats_.last_written_entries = written;
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
  {  // offers the build already reflects are of no further use
    std::vector<WrittenState> offers = TakeOffers();
    std::erase_if(offers, [&](const WrittenState& o) { return o.seq <= seq; });
    KeepOffers(std::move(offers));
  }
  size_t written = ed.written_entries();
  Publish(ed.Publish(seq), written);
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
  if (last == base->seq()) {
    if (compactor_.has_finished()) {  // swap in finished merges; the content stays the same
      SnapshotEditor ed(base, options_, &compactor_);
      snapshot_.store(ed.Publish(last));
    }
    return Ok();
  }

  // Offers are taken after the changes were read, so that those of the writes just read are there. Offers
  // newer than this run are used too (newer state is fine, as for a re-read) and kept for the next run, whose
  // changes they also cover.
  std::vector<WrittenState> offers = TakeOffers();
  const OfferIndex offered(offers);
  int64_t rows_read = 0;
  int64_t offered_used = 0;
  SnapshotEditor ed(base, options_, &compactor_);
  Status read = store.Read([&](store::ReadTxn& t) -> Status {
    for (Id e : work.edited_events) {
      if (work.reload_events.count(e) != 0) continue;
      bool disabled = false;
      if (std::optional<bool> flag = offered.EventDisabled(e, work)) {
        disabled = *flag;
      } else {
        BW_ASSIGN_OR_RETURN(auto event, t.GetEvent(e));
        if (!event) {
          work.reload_events.insert(e);
          continue;
        }
        disabled = event->disable_correlation;
      }
      if (disabled != base->EventCorrelationDisabled(e)) work.reload_events.insert(e);
    }
    for (Id e : work.reload_events) {
      if (const WrittenState* o = offered.Event(e, work); o != nullptr) {
        ed.RemoveEvent(e);
        ed.SetEventCorrelationDisabled(e, o->event_disable_correlation);
        if (o->event_disable_correlation) continue;
        for (const model::Attribute& a : o->attributes) ApplyOffered(a, false, *options_, ed);
        offered_used += static_cast<int64_t>(o->attributes.size());
        continue;
      }
      BW_RETURN_IF_ERROR(ReloadEvent(t, e, *options_, ed, rows_read));
    }

    std::set<Id> gone_events;
    constexpr size_t kBatch = 256;
    // Each changed attribute that no offer covers is re-read once, in batches by uuid. The keys are views into
    // work.attributes (which outlives this loop): hash sets of views, not ordered sets of string copies.
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
        ++rows_read;
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
      if (const OfferIndex::Attribute* o = offered.Find(uuid, work); o != nullptr) {
        ApplyOffered(*o->attribute, o->event_disable_correlation, *options_, ed);
        ++offered_used;
        continue;
      }
      batch.push_back(uuid);
      pending.emplace(uuid, std::pair<Id, bool>{event_id, false});
      if (batch.size() >= kBatch) BW_RETURN_IF_ERROR(flush());
    }
    BW_RETURN_IF_ERROR(flush());
    for (Id e : gone_events) BW_RETURN_IF_ERROR(ReloadEvent(t, e, *options_, ed, rows_read));
    return Ok();
  });
  if (!read.ok()) {  // the snapshot stays where it was: the same changes are read again, offers still apply
    KeepOffers(std::move(offers));
    return read;
  }
  std::vector<WrittenState> newer;
  for (WrittenState& o : offers) {
    if (o.seq > last) newer.push_back(std::move(o));
  }
  KeepOffers(std::move(newer));
  size_t written = ed.written_entries();
  Publish(ed.Publish(last), written);
  std::lock_guard<std::mutex> stats_lock(stats_mu_);
  ++stats_.catch_ups;
  stats_.changes_read += static_cast<int64_t>(total);
  stats_.rows_read += rows_read;
  stats_.offered_rows_used += offered_used;
  return Ok();
}

}  // namespace bulwark::correlate
