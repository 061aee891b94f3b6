// Compaction of a snapshot's levels (index.h, index_levels.h): merging runs, merging runs into a new base, and
// the Compactor that does both on threads of its own.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <limits>
#include <thread>

#include "correlate/index.h"
#include "correlate/index_base.h"
#include "correlate/index_levels.h"

namespace bulwark::correlate {

namespace internal {

namespace {

// The version of an attribute in the levels below run `end` of `s`: whether there is one (an entry, live or a
// tombstone, or a base attribute), and the counted keys of the live one (when `keys` is not null).
struct OlderVersion {
  bool exists = false;
  bool live = false;
};

OlderVersion VersionBelow(const std::vector<std::shared_ptr<const Run>>& runs, const Base* base, Id id, size_t end,
                          std::vector<std::string>* keys) {
  for (size_t r = end; r-- > 0;) {
    auto it = runs[r]->attributes.find(id);
    if (it == runs[r]->attributes.end()) continue;
    const auto& facets = it->second.facets;
    if (facets && keys != nullptr) {
      for (auto& key : RunKeysOf(*facets)) {
        if (CountedKey(key)) keys->push_back(std::move(key));
      }
    }
    return {true, facets != nullptr};
  }
  const uint32_t a = base != nullptr ? base->IndexOf(id) : kNone;
  if (a == kNone) return {};
  if (keys != nullptr) {
    for (uint32_t k : base->KeysAt(a)) {
      std::string_view key = base->keys().Get(k);
      if (CountedKey(key)) keys->emplace_back(key);
    }
  }
  return {true, true};
}

}  // namespace

std::shared_ptr<const Run> Merger::MergeRuns(const Snapshot& s, size_t begin, size_t end) {
  const auto& runs = s.runs_;
  const Base* base = s.base_.get();
  // The newest entry of each attribute wins.
  boost::unordered_flat_map<Id, size_t> winner;
  size_t entries = 0;
  for (size_t r = begin; r < end; ++r) entries += runs[r]->attributes.size();
  winner.reserve(entries);
  for (size_t r = end; r-- > begin;) {
    for (const auto& [id, entry] : runs[r]->attributes) winner.try_emplace(id, r);
  }
  auto out = std::make_shared<Run>();
  out->attributes.reserve(winner.size());
  std::vector<std::string> hidden_keys;
  for (const auto& [id, r] : winner) {
    const RunAttribute& entry = runs[r]->attributes.find(id)->second;
    hidden_keys.clear();
    const OlderVersion older = VersionBelow(runs, base, id, begin, &hidden_keys);
    if (!entry.facets && !older.live) continue;  // a tombstone with nothing left to hide
    out->attributes.emplace(id, entry);
    if (older.exists) out->hides = true;
    for (auto& key : hidden_keys) ++out->keys[std::move(key)].hidden;
    if (entry.facets) out->events[entry.head.event_id].attributes.push_back(id);
  }
  for (size_t r = begin; r < end; ++r) {
    for (const auto& [key, rk] : runs[r]->keys) {
      RunKey* merged = nullptr;
      for (const Posting& p : rk.postings) {
        if (winner.find(p.attribute_id)->second != r) continue;
        if (merged == nullptr) merged = &out->keys[key];
        merged->postings.push_back(p);
      }
    }
    for (const auto& [event, e] : runs[r]->events) {
      if (e.disabled >= 0) out->events[event].disabled = e.disabled;
    }
  }
  for (auto& [event, e] : out->events) std::sort(e.attributes.begin(), e.attributes.end());
  return out;
}

std::shared_ptr<const Base> Merger::MergeBase(const Snapshot& s, size_t end) {
  const auto& runs = s.runs_;
  boost::unordered_flat_map<Id, const RunAttribute*> winner;
  for (size_t r = end; r-- > 0;) {
    for (const auto& [id, entry] : runs[r]->attributes) winner.try_emplace(id, &entry);
  }
  std::vector<std::pair<Id, const RunAttribute*>> added;
  added.reserve(winner.size());
  for (const auto& [id, entry] : winner) {
    if (entry->facets) added.emplace_back(id, entry);
  }
  std::sort(added.begin(), added.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // The new base starts from a copy of the old one's keys: its attributes are added by key id, and only the
  // runs' keys are interned.
  BaseBuilder builder = s.base_ ? BaseBuilder(s.base_->keys()) : BaseBuilder();
  size_t next_added = 0;
  auto add_runs_before = [&](Id limit) {
    for (; next_added < added.size() && added[next_added].first < limit; ++next_added) {
      const RunAttribute& e = *added[next_added].second;
      builder.Add(added[next_added].first, e.head.event_id, *e.facets);
    }
  };
  if (s.base_) {
    const Base& base = *s.base_;
    for (uint32_t a = 0; a < base.attribute_count(); ++a) {
      const Id id = base.IdAt(a);
      add_runs_before(id);
      if (!winner.contains(id)) builder.AddKeyIds(id, base.HeadAt(a).event_id, base.KeysAt(a));
    }
    for (Id e : base.disabled_events()) builder.SetEventDisabled(e, true);
  }
  add_runs_before(std::numeric_limits<Id>::max());
  if (next_added < added.size()) {
    const RunAttribute& e = *added.back().second;
    builder.Add(added.back().first, e.head.event_id, *e.facets);
  }
  for (size_t r = 0; r < end; ++r) {
    for (const auto& [event, e] : runs[r]->events) {
      if (e.disabled >= 0) builder.SetEventDisabled(event, e.disabled != 0);
    }
  }
  return builder.Build();
}

bool Merger::BaseDue(const Snapshot& s) {
  const size_t base_size = s.base_ ? s.base_->attribute_count() : 0;
  const size_t min = s.options_->delta_merge_min;
  return s.delta_attributes_ > std::max(min, std::min(base_size / 8, 4 * min));
}

size_t Merger::RunMergeBegin(const Snapshot& s, size_t first) {
  const auto& runs = s.runs_;
  if (runs.size() < first + 2) return runs.size();
  size_t i = runs.size() - 1;
  size_t newer = runs[i]->attributes.size();
  while (i > first && runs[i - 1]->attributes.size() <= newer) {
    --i;
    newer += runs[i]->attributes.size();
  }
  return i;
}

void Merger::ReplaceRuns(Snapshot& s, size_t begin, size_t end, std::shared_ptr<const Run> run) {
  auto& runs = s.runs_;
  runs.erase(runs.begin() + static_cast<ptrdiff_t>(begin), runs.begin() + static_cast<ptrdiff_t>(end));
  if (!run->empty()) runs.insert(runs.begin() + static_cast<ptrdiff_t>(begin), std::move(run));
  s.IndexHidingRuns();
}

void Merger::ReplaceBase(Snapshot& s, size_t end, std::shared_ptr<const Base> base) {
  s.runs_.erase(s.runs_.begin(), s.runs_.begin() + static_cast<ptrdiff_t>(end));
  s.base_ = std::move(base);
  s.IndexHidingRuns();
}

void Merger::MergeDue(Snapshot& s) {
  if (s.runs_.empty()) return;
  if (BaseDue(s)) {
    ReplaceBase(s, s.runs_.size(), MergeBase(s, s.runs_.size()));
    return;
  }
  const size_t begin = RunMergeBegin(s, 0);
  if (begin + 1 < s.runs_.size()) ReplaceRuns(s, begin, s.runs_.size(), MergeRuns(s, begin, s.runs_.size()));
}

}  // namespace internal

using internal::Merger;
using internal::Run;

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

// A merge: runs [begin, end) of `from` (a run merge), or its base and runs [0, end) (a base merge).
struct Compactor::Job {
  std::shared_ptr<const Snapshot> from;
  size_t begin = 0;
  size_t end = 0;
  std::shared_ptr<const Run> run;              // the result of a run merge
  std::shared_ptr<const internal::Base> base;  // the result of a base merge
};

// One merge thread and its job (one at a time): queued, then running, then done until Apply takes it.
struct Compactor::Lane {
  enum class State { kIdle, kQueued, kRunning, kDone };
  bool merges_base = false;
  State state = State::kIdle;
  std::unique_ptr<Job> job;
  std::condition_variable wake;
  std::thread thread;
};

Compactor::Compactor() : runs_lane_(std::make_unique<Lane>()), base_lane_(std::make_unique<Lane>()) {
  base_lane_->merges_base = true;
  runs_lane_->thread = std::thread([this] { Work(*runs_lane_); });
  base_lane_->thread = std::thread([this] { Work(*base_lane_); });
}

Compactor::~Compactor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  runs_lane_->wake.notify_all();
  base_lane_->wake.notify_all();
  runs_lane_->thread.join();
  base_lane_->thread.join();
}

void Compactor::Work(Lane& lane) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    auto ready = [&] { return stopping_ || lane.state == Lane::State::kQueued || (!lane.merges_base && sweep_); };
    if (!lane.merges_base && !graveyard_.empty()) {
      // Levels wait for their last readers: look again every so often, also when nothing is published.
      if (!lane.wake.wait_for(lock, std::chrono::milliseconds(200), ready)) sweep_ = true;
    } else {
      lane.wake.wait(lock, ready);
    }
    if (stopping_) return;
    if (!lane.merges_base && sweep_) {
      sweep_ = false;
      std::vector<std::shared_ptr<const void>> last;  // levels only the graveyard still holds
      auto held = std::partition(graveyard_.begin(), graveyard_.end(), [](const auto& p) { return p.use_count() > 1; });
      std::move(held, graveyard_.end(), std::back_inserter(last));
      graveyard_.erase(held, graveyard_.end());
      lock.unlock();
      last.clear();
      lock.lock();
      continue;
    }
    lane.state = Lane::State::kRunning;
    Job& job = *lane.job;  // the lane's until Apply takes it, which waits for kDone
    lock.unlock();
    const double cpu = ThreadCpuSeconds();
    if (lane.merges_base) {
      job.base = Merger::MergeBase(*job.from, job.end);
    } else {
      job.run = Merger::MergeRuns(*job.from, job.begin, job.end);
    }
    const double spent = ThreadCpuSeconds() - cpu;
    lock.lock();
    lane.state = Lane::State::kDone;
    stats_.cpu_seconds += spent;
    ++(lane.merges_base ? stats_.base_merges : stats_.run_merges);
    idle_.notify_all();
  }
}

void Compactor::Schedule(const std::shared_ptr<const Snapshot>& snapshot) {
  const auto& runs = Merger::runs(*snapshot);
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  if (!graveyard_.empty()) {
    sweep_ = true;
    runs_lane_->wake.notify_one();
  }
  if (runs.empty()) return;
  // Runs of `snapshot` a job holds: a job's runs are consecutive in every snapshot published after it.
  std::vector<bool> claimed(runs.size(), false);
  for (const Lane* lane : {runs_lane_.get(), base_lane_.get()}) {
    if (lane->state == Lane::State::kIdle) continue;
    const Job* job = lane->job.get();
    const auto& theirs = Merger::runs(*job->from);
    for (size_t r = 0; r < runs.size(); ++r) {
      for (size_t i = job->begin; i < job->end; ++i) {
        if (theirs[i] == runs[r]) claimed[r] = true;
      }
    }
  }
  if (base_lane_->state == Lane::State::kIdle && Merger::BaseDue(*snapshot)) {
    size_t end = 0;
    while (end < runs.size() && !claimed[end]) claimed[end++] = true;
    if (end > 0) {
      base_lane_->job = std::make_unique<Job>(Job{snapshot, 0, end, nullptr, nullptr});
      base_lane_->state = Lane::State::kQueued;
      base_lane_->wake.notify_one();
    }
  }
  if (runs_lane_->state == Lane::State::kIdle) {
    size_t first = runs.size();
    while (first > 0 && !claimed[first - 1]) --first;
    const size_t begin = Merger::RunMergeBegin(*snapshot, first);
    if (begin + 1 < runs.size()) {
      runs_lane_->job = std::make_unique<Job>(Job{snapshot, begin, runs.size(), nullptr, nullptr});
      runs_lane_->state = Lane::State::kQueued;
      runs_lane_->wake.notify_one();
    }
  }
}

void Compactor::Apply(Snapshot& snapshot) {
  std::vector<std::unique_ptr<Job>> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Lane* lane : {base_lane_.get(), runs_lane_.get()}) {
      if (lane->state != Lane::State::kDone) continue;
      done.push_back(std::move(lane->job));
      lane->state = Lane::State::kIdle;
    }
  }
  int64_t dropped = 0;
  std::vector<std::shared_ptr<const void>> replaced;
  for (const auto& job : done) {
    const auto& theirs = Merger::runs(*job->from);
    const auto& ours = Merger::runs(snapshot);
    auto at = std::find(ours.begin(), ours.end(), theirs[job->begin]);
    const auto pos = static_cast<size_t>(at - ours.begin());
    bool found = at != ours.end() && pos + (job->end - job->begin) <= ours.size();
    for (size_t i = job->begin; found && i < job->end; ++i) found = ours[pos + i - job->begin] == theirs[i];
    if (job->base) found = found && pos == 0 && Merger::base(snapshot) == Merger::base(*job->from);
    if (found) {
      replaced.insert(replaced.end(), theirs.begin() + static_cast<ptrdiff_t>(job->begin),
                      theirs.begin() + static_cast<ptrdiff_t>(job->end));
      if (job->base) replaced.push_back(Merger::base(*job->from));
    }
    if (!found) {
      ++dropped;
    } else if (job->base) {
      Merger::ReplaceBase(snapshot, job->end, job->base);
    } else {
      Merger::ReplaceRuns(snapshot, pos, pos + job->end - job->begin, job->run);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_.dropped += dropped;
  for (auto& level : replaced) graveyard_.push_back(std::move(level));
}

bool Compactor::has_finished() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_lane_->state == Lane::State::kDone || base_lane_->state == Lane::State::kDone;
}

void Compactor::WaitIdle() const {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] {
    for (const Lane* lane : {runs_lane_.get(), base_lane_.get()}) {
      if (lane->state == Lane::State::kQueued || lane->state == Lane::State::kRunning) return false;
    }
    return true;
  });
}

Compactor::Stats Compactor::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace bulwark::correlate
