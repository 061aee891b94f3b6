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
// thread-safe and lock-free. Its content has two layers:
//   - a base: compact and immutable, built in bulk (keys interned once, posting lists and per-attribute key
//     lists as flat arrays of 32-bit ids; see index_base.h), shared by every snapshot derived from it;
//   - a write overlay (the delta) for incremental changes: kShardCount shards (a key, an attribute, an event
//     goes to the shard of its hash) reached through kGroupCount groups of kGroupSize shard pointers. An edit
//     clones only the overlay shards it touches and their groups (copy-on-write) and shares the rest, so a
//     reader keeps a consistent view while writers publish new ones. A base attribute that is edited or
//     removed is hidden by an overlay entry (a tombstone when removed).
// Lookups consult both layers. An editor started without a base (a full build) collects attributes in bulk
// and builds a base at Publish; an editor on a snapshot writes to the overlay, and Publish merges base and
// overlay into a new base when the overlay holds more than max(m, min(base size / 8, 4 m)) attributes, m being
// Options::delta_merge_min. That Publish rebuilds the base's arrays (about 6 s of CPU at 10M attributes, two bases
// in memory meanwhile); the others cost about what they change plus copies of the overlay shards they touch,
// which grow with the overlay.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <string>
#include <unordered_map>
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
  // Governs when the write overlay is merged into a new base (see above). Default 65536.
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

struct Shard;
struct ShardGroup;
struct LookupState;
struct DeltaKey;
struct DeltaAttribute;
namespace internal {
class Base;
class BaseBuilder;
}  // namespace internal

class Snapshot {
 public:
  static constexpr size_t kGroupSize = 512;
  static constexpr size_t kGroupCount = 512;
  static constexpr size_t kShardCount = kGroupSize * kGroupCount;

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
  // Attributes in the write overlay (edited or added since the base was built, tombstones included).
  size_t delta_attribute_count() const { return delta_attributes_; }
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

  // A key's postings in both layers: `base` (may be empty) and `delta` (may be null), and the live count.
  struct KeyView {
    std::span<const uint32_t> base;
    const DeltaKey* delta = nullptr;
    size_t live = 0;
  };
  KeyView ViewKey(std::string_view key) const;
  bool BaseLive(uint32_t attr_index) const;
  template <typename F>
  void ForEachLive(const KeyView& view, F&& f) const;  // f(attribute id, event id)
  void LookupKey(std::string_view key, LinkKind kind, std::string_view via, LookupState& st) const;
  void LookupCidr(const Cidr& cidr, LookupState& st) const;
  void CollectDeltaBucket(const std::string& key, const Cidr& cidr, std::vector<Posting>& out) const;
  const DeltaAttribute* FindDelta(Id attribute_id) const;

  const Shard& shard(size_t index) const;
  template <typename F>
  void ForEachShard(F&& f) const;

  std::shared_ptr<const internal::Base> base_;
  std::vector<std::shared_ptr<const ShardGroup>> groups_;
  std::array<uint32_t, 33> v4_prefixes_{};   // CIDR facets per prefix length (saturating)
  std::array<uint32_t, 129> v6_prefixes_{};
  std::shared_ptr<const Options> options_;
  int64_t seq_ = 0;
  size_t attribute_count_ = 0;
  size_t key_count_ = 0;
  size_t delta_attributes_ = 0;  // overlay attribute entries, tombstones included
  size_t hidden_base_ = 0;       // base attributes hidden by the overlay
};

// Builds the next snapshot from a previous one. Not thread-safe; one editor at a time per index.
class SnapshotEditor {
 public:
  // From `base` (nullptr: an empty index with `options`, collected in bulk and built at Publish).
  SnapshotEditor(std::shared_ptr<const Snapshot> base, std::shared_ptr<const Options> options);
  ~SnapshotEditor();

  void Remove(Id attribute_id);
  // Replaces the attribute's entry; facets that are empty remove it. In bulk mode, an attribute beyond the
  // base's capacity (index_base.h) is not indexed.
  void Upsert(Id attribute_id, Id event_id, Facets facets);
  void RemoveEvent(Id event_id);
  void SetEventCorrelationDisabled(Id event_id, bool disabled);
  // Number of shards cloned so far (for measurements).
  size_t cloned_shards() const { return cloned_; }

  // The new snapshot. The editor is spent afterwards: call nothing else on it.
  std::shared_ptr<const Snapshot> Publish(int64_t seq);

 private:
  Shard& Mutable(size_t index);
  void AddKeys(Id attribute_id, Id event_id, const Facets& facets);
  void RemoveKeys(Id attribute_id, const Facets& facets);
  void HideBase(Id attribute_id, uint32_t attr_index);
  void ChangeLiveCount(std::string_view key, const Snapshot::KeyView& before, const Snapshot::KeyView& after);
  void InstallBase(std::shared_ptr<const internal::Base> base);
  void Materialize();  // bulk mode: builds the collected attributes into a base, then edits go to the overlay
  void MergeIntoNewBase();

  std::shared_ptr<Snapshot> next_;
  std::unique_ptr<internal::BaseBuilder> bulk_;  // non-null in bulk mode (no base to start from)
  std::vector<ShardGroup*> owned_groups_;  // non-null: the group is this editor's private copy
  std::vector<Shard*> owned_;  // per shard, non-null: the shard is this editor's private copy
  size_t cloned_ = 0;
};

}  // namespace bulwark::correlate
