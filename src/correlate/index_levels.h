// Private to correlate/index*.cc: the runs a snapshot stacks on its base (see index.h), and the merges that
// compact them.
//
// A run is written by one SnapshotEditor and immutable once published. For each attribute it has an entry for,
// it hides that attribute's versions in older levels (the base and older runs): a newer entry replaces them, a
// tombstone (null facets) removes them. Its postings are those of its live entries. For a key of a counted kind
// (index_base.h: CountedKey), `hidden` is how many postings of that key older levels hold for versions the run
// hides, so that a key's live count is the sum of postings over the levels minus the sum of hidden.
// Addresses are indexed as 'i' keys in a base and as 'b' buckets in runs; neither carries hidden counts (CIDR
// lookups check each posting instead).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "correlate/index.h"
#include "correlate/index_base.h"

namespace bulwark::correlate::internal {

// A key with its hash computed once, to be looked up in every level: std::hash of the bytes (the runs' hash;
// KeyDictionary uses its upper half).
struct HashedKey {
  explicit HashedKey(std::string_view t) : text(t), hash(std::hash<std::string_view>()(t)) {}
  std::string_view text;
  size_t hash;
};

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  size_t operator()(const HashedKey& k) const { return k.hash; }
};

struct KeyEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  bool operator()(const HashedKey& a, std::string_view b) const { return a.text == b; }
  bool operator()(std::string_view a, const HashedKey& b) const { return a == b.text; }
};

struct RunKey {
  std::vector<Posting> postings;  // the run's live entries carrying the key
  uint32_t hidden = 0;
};

// Facets are shared, never changed in place: merging runs copies a pointer per attribute, not its strings.
struct RunAttribute {
  IndexedAttribute head;
  std::shared_ptr<const Facets> facets;  // null: a tombstone
};

struct RunEvent {
  std::vector<Id> attributes;  // the run's live entries of the event, ascending
  int8_t disabled = -1;        // -1: as older levels say
};

struct Run {
  boost::unordered_flat_map<std::string, RunKey, KeyHash, KeyEqual> keys;
  boost::unordered_flat_map<Id, RunAttribute> attributes;
  boost::unordered_flat_map<Id, RunEvent> events;
  bool hides = false;  // some entry is for an attribute an older level has an entry or a version for

  bool empty() const { return attributes.empty() && keys.empty() && events.empty(); }
};

// The run keys of a facet set, without duplicates: the base's kinds without 'i', plus IP buckets.
std::vector<std::string> RunKeysOf(const Facets& f);
// The bucket key of an address ('b', family, the leading 16 bits of IPv4 or 32 bits of IPv6).
std::string BucketKey(const IpAddress& ip);

// The merges, on immutable inputs: safe to run on any thread while the snapshot is read elsewhere.
class Merger {
 public:
  // Runs [begin, end) of `s` as one run, answering as they do on top of the levels below `begin`.
  static std::shared_ptr<const Run> MergeRuns(const Snapshot& s, size_t begin, size_t end);
  // The base of `s` and its runs [0, end) as one base.
  static std::shared_ptr<const Base> MergeBase(const Snapshot& s, size_t end);

  // Whether the runs of `s` are due for a merge into a new base (index.h).
  static bool BaseDue(const Snapshot& s);
  // The first run of the suffix of runs [first, size) due for a merge into one: each older run at most as large
  // as the newer ones together. A result above size - 2 means none is due.
  static size_t RunMergeBegin(const Snapshot& s, size_t first);

  // Replaces runs [begin, end) of `s` by `run` (nothing if it is empty), or its base and runs [0, end) by `base`.
  static void ReplaceRuns(Snapshot& s, size_t begin, size_t end, std::shared_ptr<const Run> run);
  static void ReplaceBase(Snapshot& s, size_t end, std::shared_ptr<const Base> base);
  // Merges inline what `s` is due for (a SnapshotEditor without a Compactor).
  static void MergeDue(Snapshot& s);

  static const std::vector<std::shared_ptr<const Run>>& runs(const Snapshot& s) { return s.runs_; }
  static const std::shared_ptr<const Base>& base(const Snapshot& s) { return s.base_; }
};

}  // namespace bulwark::correlate::internal
