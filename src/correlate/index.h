// The correlation index: which attributes of other events share a value with, contain, or are contained in
// an attribute's values. Values are interned as keys of one key space, each with a posting list of
// (attribute id, event id).
//
// What correlates (two attributes of DIFFERENT events, as MISP never correlates within one event):
//   kEqual    equal values (see correlate/keys.h for the per-kind normal forms), across types, both halves of
//             composite types (first half only for ip|port and hostname|port);
//   kCidr     an IP address with every CIDR attribute containing it, IPv4 and IPv6, both directions. As in
//             MISP's CIDR correlation, a CIDR links to the addresses inside it, not to other (overlapping or
//             enclosing) CIDRs; equal CIDRs correlate as equal values;
//   kDomain   a domain or hostname with its subdomains ("evil.com" and "a.b.evil.com"), both directions;
//             siblings ("a.evil.com", "b.evil.com") do not correlate;
//   kUrlHost  a domain or hostname with the URLs whose host is that name or one of its subdomains. Two URLs
//             correlate only when their normalised forms are equal (not by sharing a host).
//
// Over-correlation: a key carried by more than Options::correlation_limit attributes is over-correlating; a
// lookup through it reports the key and its count (OverCorrelating) and lists none of its attributes. For a
// CIDR, the count is the number of indexed addresses inside it.
//
// Snapshots: a Snapshot is immutable and shared (std::shared_ptr<const Snapshot>); every method is
// thread-safe and lock-free. Its content is a stack of levels, newest last, each immutable once published:
//   - a base: compact, built in bulk (keys interned once, posting lists and per-attribute key lists as flat
//     arrays of 32-bit ids; see index_base.h), shared by every snapshot derived from it;
//   - runs (LSM-style): each publication of incremental edits adds one run holding what it changed (attribute
//     entries, tombstones for removed ones, postings, event entries). A run hides the older versions of the
//     attributes it has entries for; per key it records how many older postings it hides, so live counts stay
//     O(levels). Publishing costs what the edits change, never a copy of older levels.
// Lookups consult every level. An editor started without a base (a full build) collects attributes in bulk and
// builds a base at Publish.
// Compaction keeps the levels few: consecutive runs are merged into one (newest first, when the older run is at
// most as large as the newer ones together: sizes stay geometric, at most about log2(overlay / update) runs),
// and base and runs are merged into a new base when the runs hold more than max(m, min(base size / 8, 4 m))
// attribute entries, m being Options::delta_merge_min (about 6 s of CPU at 10M attributes, two bases in memory
// meanwhile). A merge never changes what a snapshot answers. Without a Compactor, Publish merges inline; with
// one (the Correlator's), merges run on the compactor's threads from published snapshots and a later Publish
// swaps their results in by pointer: neither the writer nor readers wait for them.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "correlate/keys.h"
#include "model/entities.h"

namespace bulwark::correlate {

using model::Id;

enum class LinkKind : uint8_t { kEqual, kCidr, kDomain, kUrlHost };
const char* LinkKindName(LinkKind kind);

struct Options {
  // A value carried by more attributes than this is over-correlating (MISP.correlation_limit). Default 20.
  size_t correlation_limit = 20;
  // Values that never correlate. Changing them needs a rebuild (as in MISP).
  std::vector<Exclusion> exclusions;
  // At most this many hits per lookup (MISP.max_correlations_per_event). Default 5000.
  size_t max_hits = 5000;
  // Governs when the runs are merged into a new base (see above). Default 65536.
  size_t delta_merge_min = 65536;
};

struct Posting {
  Id attribute_id = 0;
  Id event_id = 0;
};

// One correlation of an attribute, before any access decision.
struct Hit {
  Id attribute_id = 0;
  Id event_id = 0;
  LinkKind kind = LinkKind::kEqual;
  std::string via;  // the value that links them: the equal value, the CIDR, the parent domain, the host
};

struct OverCorrelating {
  std::string value;
  LinkKind kind = LinkKind::kEqual;
  size_t count = 0;  // attributes (or addresses inside the CIDR) carrying it, all events and orgs
};

struct LookupResult {
  std::vector<Hit> hits;  // each attribute once, in discovery order
  std::vector<OverCorrelating> over_correlating;
  bool truncated = false;  // more than Options::max_hits
};

struct TopValue {
  std::string value;
  size_t attributes = 0;  // attributes carrying the value
  size_t events = 0;      // distinct events among them
  bool over_correlating = false;
};

// What the index keeps of an attribute beyond its keys.
struct IndexedAttribute {
  Id event_id = 0;
};

struct LookupState;
class Compactor;
namespace internal {
class Base;
class BaseBuilder;
struct Run;
struct RunKey;
struct RunAttribute;
class Merger;
}  // namespace internal

class Snapshot {
 public:
  Snapshot();  // not usable: snapshots come from SnapshotEditor::Publish
  ~Snapshot();

  int64_t seq() const { return seq_; }  // the change-log sequence this snapshot reflects
  size_t attribute_count() const { return attribute_count_; }
  size_t key_count() const { return key_count_; }
  const Options& options() const { return *options_; }

  // The indexed attribute, or nullptr (not indexed: unknown, deleted, non-correlating, disabled, excluded).
  const IndexedAttribute* Find(Id attribute_id) const;
  // The facets an indexed attribute is indexed with (values, names, url hosts, addresses, CIDRs, each in
  // ExtractFacets' order); empty if it is not indexed.
  Facets FacetsOf(Id attribute_id) const;
  // Attribute entries in the runs (edited or added since the base was built, tombstones included).
  size_t delta_attribute_count() const { return delta_attributes_; }
  // Runs above the base.
  size_t run_count() const { return runs_.size(); }
  // Ids of the indexed attributes of an event, ascending.
  std::vector<Id> AttributesOfEvent(Id event_id) const;
  bool EventCorrelationDisabled(Id event_id) const;

  // The correlations of an indexed attribute (empty if it is not indexed).
  LookupResult Correlations(Id attribute_id) const;
  // The correlations of arbitrary facets, ignoring attributes of `own_event` (0: none ignored) and
  // `self` (0: none).
  LookupResult CorrelationsOf(const Facets& facets, Id own_event, Id self) const;
  // The values (equality keys) carried by the most attributes across at least two events, most first.
  std::vector<TopValue> TopValues(size_t limit) const;
  // The attributes carrying an equality value (for TopValues callers), at most `max`.
  std::vector<Posting> PostingsOfValue(const std::string& value, size_t max) const;

 private:
  friend class SnapshotEditor;
  friend class internal::Merger;
  static constexpr size_t kBaseLevel = SIZE_MAX;  // the level of the base in the functions below

  // A key's postings in every level: `base` (may be empty), the runs' (run index, entry), and the live count.
  struct KeyView {
    std::span<const uint32_t> base;
    std::vector<std::pair<size_t, const internal::RunKey*>> runs;
    size_t live = 0;
  };
  KeyView ViewKey(std::string_view key) const;
  size_t LiveCount(std::string_view key) const;  // ViewKey(key).live
  // The newest entry for an attribute in runs [0, end), with its run index in `run`; nullptr if none.
  const internal::RunAttribute* FindEntry(Id attribute_id, size_t end, size_t* run) const;
  // Whether the version of an attribute at `level` (a run index or kBaseLevel) is not hidden by a newer run.
  bool LiveAt(Id attribute_id, size_t level) const;
  bool BaseLive(uint32_t attr_index) const;
  template <typename F>
  void ForEachLive(const KeyView& view, F&& f) const;  // f(attribute id, event id)
  void LookupKey(std::string_view key, LinkKind kind, std::string_view via, LookupState& st) const;
  void LookupCidr(const Cidr& cidr, LookupState& st) const;
  void CollectRunBucket(size_t run, const std::string& key, const Cidr& cidr, std::vector<Posting>& out) const;
  void IndexHidingRuns();

  std::shared_ptr<const internal::Base> base_;
  std::vector<std::shared_ptr<const internal::Run>> runs_;  // oldest first
  std::vector<size_t> hiding_runs_;  // indices of the runs that hide older versions, ascending
  std::array<uint32_t, 33> v4_prefixes_{};   // CIDR facets per prefix length (saturating)
  std::array<uint32_t, 129> v6_prefixes_{};
  std::shared_ptr<const Options> options_;
  int64_t seq_ = 0;
  size_t attribute_count_ = 0;
  size_t key_count_ = 0;
  size_t delta_attributes_ = 0;  // run attribute entries, tombstones included
};

// Builds the next snapshot from a previous one. Not thread-safe; one editor at a time per index.
class SnapshotEditor {
 public:
  // From `base` (nullptr: an empty index with `options`, collected in bulk and built at Publish). With a
  // `compactor` (which must outlive the editor), Publish swaps in the compactor's finished merges and hands it
  // the new snapshot instead of merging inline.
  SnapshotEditor(std::shared_ptr<const Snapshot> base, std::shared_ptr<const Options> options,
                 Compactor* compactor = nullptr);
  ~SnapshotEditor();

  void Remove(Id attribute_id);
  // Replaces the attribute's entry; facets that are empty remove it. In bulk mode, an attribute beyond the
  // base's capacity (index_base.h) is not indexed.
  void Upsert(Id attribute_id, Id event_id, Facets facets);
  void RemoveEvent(Id event_id);
  void SetEventCorrelationDisabled(Id event_id, bool disabled);
  // Entries (attributes, keys, events) the new run holds so far: what publishing the edits writes.
  size_t written_entries() const;

  // The new snapshot. The editor is spent afterwards: call nothing else on it.
  std::shared_ptr<const Snapshot> Publish(int64_t seq);

 private:
  internal::Run& Head();
  void AddKeys(Id attribute_id, Id event_id, const Facets& facets);
  void RemoveKeys(Id attribute_id, const Facets& facets);
  // Remove, returning whether the levels below the head have an entry or a version of the attribute.
  bool RemoveFromHead(Id attribute_id);
  bool HideOlder(Id attribute_id);
  void MarkHiding();
  void InstallBase(std::shared_ptr<const internal::Base> base);
  void Materialize();  // bulk mode: builds the collected attributes into a base, then edits go to a run

  std::shared_ptr<Snapshot> next_;
  std::unique_ptr<internal::BaseBuilder> bulk_;  // non-null in bulk mode (no base to start from)
  std::shared_ptr<internal::Run> head_;  // the run being written, the last of next_->runs_ once created
  Compactor* compactor_ = nullptr;
};

// Merges the levels of published snapshots on two threads of its own: one merges runs, the other base and
// runs into a new base (a long job that must not hold up the first). SnapshotEditor::Publish hands it each new
// snapshot (Schedule) and swaps in what it has finished (Apply): a merge result replaces its inputs when they
// are still levels of the snapshot being published (a result whose inputs are gone, after a rebuild, is
// dropped). Thread-safe.
class Compactor {
 public:
  Compactor();
  ~Compactor();  // waits for the running merges
  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;

  // Starts the merges `snapshot` is due for that do not overlap a running one.
  void Schedule(const std::shared_ptr<const Snapshot>& snapshot);
  // Whether a finished merge waits to be swapped in.
  bool has_finished() const;
  // Blocks until no merge runs (for tests and benchmarks; merges finished meanwhile wait to be applied).
  void WaitIdle() const;

  struct Stats {
    int64_t run_merges = 0;
    int64_t base_merges = 0;
    int64_t dropped = 0;     // results whose inputs were gone when applied
    double cpu_seconds = 0;  // CPU time of the merge threads
  };
  Stats stats() const;

 private:
  friend class SnapshotEditor;
  struct Job;
  struct Lane;
  // Swaps finished merges into `snapshot` (an editor's, not yet published).
  void Apply(Snapshot& snapshot);
  void Work(Lane& lane);

  mutable std::mutex mu_;
  mutable std::condition_variable idle_;
  std::unique_ptr<Lane> runs_lane_;
  std::unique_ptr<Lane> base_lane_;
  // Levels replaced by merges (runs, bases): released on the runs lane's thread once it holds their last
  // reference, so that the writer and readers never pay for freeing them.
  std::vector<std::shared_ptr<const void>> graveyard_;
  bool sweep_ = false;
  Stats stats_;
  bool stopping_ = false;
};

}  // namespace bulwark::correlate
