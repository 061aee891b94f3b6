// IndicatorSet: every Indicator a sensor matches against, compiled into read-only lookup tables; and
// IndicatorSnapshot, the atomically swapped pointer through which matching threads read the current set.
//
// Compilation is per event: each event's indicators are normalised once into a CompiledEvent (keys and their
// hashes), and a set keeps its events by uuid. Applying a batch builds a NEW set that shares the unchanged
// events' compiled keys with the old one and only re-inserts hashes into fresh tables, so one changed event
// does not re-normalise a million indicators. Tables:
//   - one open-addressing hash table of (kind, normalised key) for domains (matched on every suffix of an
//     observed name: `evil.com` matches `a.b.evil.com`), URLs (NormalizeUrl form), e-mail addresses, hashes,
//     filenames, JA3/JA3S fingerprints, and IP prefixes (address masked to its length plus the length);
//   - IP lookups are longest-prefix matches: the prefix lengths present are tried longest first, and the hits
//     of the longest matching prefix are reported;
//   - a blocked Bloom filter (one 64-byte line per probe, ~8 bits per key) in front of the table, so the
//     common miss costs one cache line instead of a random access into tens of megabytes;
//   - a Vectorscan literal database of user-agent substrings (case-insensitive).
// What does not compile (unknown type, malformed value, a STIX pattern beyond one `=`/IN comparison or an OR
// of them over the supported paths) is counted in stats(), with samples, never silently dropped.
//
// Thread-safety: an IndicatorSet is immutable after Apply and may be read from any number of threads.
// IndicatorSnapshot::Load/Store may be called concurrently; readers never wait for a compile.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "common/ip.h"
#include "match/indicator.h"
#include "match/key_hash.h"
#include "warninglist/pattern_db.h"

namespace bulwark::match {

struct CompileStats {
  size_t events = 0;
  size_t indicators = 0;    // indicators received
  size_t keys = 0;          // lookup keys compiled (a composite indicator gives two)
  size_t user_agents = 0;   // user-agent substrings
  size_t not_compiled = 0;  // indicators that gave no key at all
  std::map<std::string, size_t> not_compiled_by_reason;  // reason -> count
  std::vector<std::string> not_compiled_samples;         // "attribute_uuid type value: reason", at most 20
};

// One indicator that matched an observed value.
struct IndicatorHit {
  const Indicator* indicator = nullptr;
  KeyKind kind = KeyKind::kDomain;
  std::string_view key;  // the compiled key that matched (binary for kIp)
};

// The compiled form of one event's indicators. Immutable once built; shared between sets.
struct CompiledEvent {
  struct Key {
    uint64_t hash = 0;
    uint32_t indicator = 0;  // index into indicators
    uint32_t offset = 0;     // into arena
    uint32_t length = 0;
    KeyKind kind = KeyKind::kDomain;
  };
  std::string event_uuid;
  std::vector<Indicator> indicators;
  std::vector<Key> keys;
  std::string arena;
  std::vector<std::pair<uint32_t, std::string>> user_agents;  // indicator index, literal
  size_t not_compiled = 0;
  std::vector<std::pair<std::string, std::string>> rejected;   // (sample text, reason), at most 20 kept
  std::map<std::string, size_t> rejected_by_reason;
};

// Compiles one event (exposed for tests and for measuring).
std::shared_ptr<const CompiledEvent> CompileEvent(EventIndicators event);

namespace detail {

class BlockedBloom {
 public:
  void Init(size_t keys);
  void Add(uint64_t h);
  bool MayContain(uint64_t h) const {
    if (blocks_.empty()) return false;
    const uint64_t* block = &blocks_[BlockOf(h) * 8];
    uint64_t hit = ~0ull;
    for (int i = 0; i < 8; ++i) hit &= block[i] >> ((h >> (6 * i)) & 63);
    return (hit & 1) != 0;
  }
  size_t bytes() const { return blocks_.size() * 8; }
  void Prefetch(uint64_t h) const {
    if (!blocks_.empty()) __builtin_prefetch(&blocks_[BlockOf(h) * 8]);
  }

 private:
  size_t BlockOf(uint64_t h) const { return static_cast<size_t>(h >> 48) & block_mask_; }
  std::vector<uint64_t> blocks_;  // 8 words per 64-byte block
  size_t block_mask_ = 0;
};

struct Ref {
  uint64_t hash;
  const Indicator* indicator;
  const char* key;
  uint32_t key_length;
  uint32_t next;  // next Ref with the same hash, or kNone
  KeyKind kind;
};

inline constexpr uint32_t kNone = 0xFFFFFFFFu;

}  // namespace detail

class IndicatorSet {
 public:
  IndicatorSet();
  ~IndicatorSet();
  IndicatorSet(const IndicatorSet&) = delete;
  IndicatorSet& operator=(const IndicatorSet&) = delete;

  static std::shared_ptr<const IndicatorSet> Empty();

  // A new set: `base` (null means empty) with `batch` applied. A full batch replaces everything; otherwise each
  // event in the batch replaces that event (an empty indicator list removes it). Never fails: what does not
  // compile is counted in stats().
  static std::shared_ptr<const IndicatorSet> Apply(const std::shared_ptr<const IndicatorSet>& base,
                                                  IndicatorBatch batch);

  const CompileStats& stats() const { return stats_; }
  size_t size() const { return stats_.indicators; }
  // The compiled events, ordered by event uuid (what a persisted snapshot writes: their indicators as received).
  std::vector<std::shared_ptr<const CompiledEvent>> Events() const;
  int64_t cursor() const { return cursor_; }
  bool has_user_agents() const { return !user_agents_.empty(); }
  bool has_ja3() const { return has_ja3_; }
  bool has_filenames() const { return has_filenames_; }

  // Every indicator whose domain key is `observed` or one of its parent domains. `observed` is raw text (any
  // case, no trailing dot); it is looked up at each label boundary without copying.
  template <typename Fn>
  void MatchDomain(std::string_view observed, Fn&& fn) const;
  // Every indicator whose key of `kind` equals `key` ignoring ASCII case; URL keys must be normalised first and
  // are compared exactly (paths are case-sensitive).
  template <typename Fn>
  void MatchKey(KeyKind kind, std::string_view key, Fn&& fn) const {
    if (key.size() > 4096) return;
    Probe(KeyHash(kind, key), kind, key, fn);
  }
  // Every indicator of the longest prefix that contains `address` (exact addresses are /32 and /128).
  template <typename Fn>
  void MatchIp(const IpAddress& address, Fn&& fn) const;
  // The same for an IPv4 address in host order (no IpAddress on the hot path).
  template <typename Fn>
  void MatchIpv4(uint32_t address, Fn&& fn) const;
  // Every user-agent indicator that is a substring of `text` (case-insensitive).
  template <typename Fn>
  void MatchUserAgent(std::string_view text, Fn&& fn) const;

  // Two-phase lookups for the hot path (LineMatcher): compute a key's hash, Prefetch its Bloom line, and probe
  // later, so the cache misses of the keys of one line overlap.
  void Prefetch(uint64_t hash) const { bloom_.Prefetch(hash); }
  template <typename Fn>
  void ProbeHashed(uint64_t hash, KeyKind kind, std::string_view key, Fn&& fn) const {
    Probe(hash, kind, key, fn);
  }
  const std::vector<uint8_t>& v4_lengths() const { return v4_lengths_; }
  const std::vector<uint8_t>& v6_lengths() const { return v6_lengths_; }
  bool has_domains() const { return has_domains_; }
  int min_domain_labels() const { return min_domain_labels_; }

  // Bytes used by the Bloom filter and the hash table (for the benchmark's report).
  size_t bloom_bytes() const { return bloom_.bytes(); }
  size_t table_bytes() const { return slots_.size() * sizeof(Slot) + refs_.size() * sizeof(detail::Ref); }

 private:
  struct Slot {
    uint64_t hash;
    uint32_t head;  // first Ref, kNone when empty
  };

  void Rebuild();
  void Insert(const detail::Ref& ref);

  template <typename Fn>
  void Probe(uint64_t h, KeyKind kind, std::string_view observed, Fn& fn) const {
    if (!bloom_.MayContain(h)) return;
    size_t i = static_cast<size_t>(h) & slot_mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.head == detail::kNone) return;
      if (s.hash == h) break;
      i = (i + 1) & slot_mask_;
    }
    for (uint32_t r = slots_[i].head; r != detail::kNone; r = refs_[r].next) {
      const detail::Ref& ref = refs_[r];
      if (ref.kind != kind) continue;
      std::string_view key(ref.key, ref.key_length);
      bool equal = kind == KeyKind::kIp || kind == KeyKind::kUrl ? observed == key : EqualsFolded(observed, key);
      if (equal) fn(IndicatorHit{ref.indicator, kind, key});
    }
  }

  std::unordered_map<std::string, std::shared_ptr<const CompiledEvent>> events_;
  CompileStats stats_;
  int64_t cursor_ = 0;
  detail::BlockedBloom bloom_;
  std::vector<Slot> slots_;
  size_t slot_mask_ = 0;
  std::vector<detail::Ref> refs_;
  std::vector<uint8_t> v4_lengths_;  // prefix lengths present, longest first
  std::vector<uint8_t> v6_lengths_;
  warninglist::PatternDb user_agent_db_;
  std::vector<const Indicator*> user_agents_;  // by pattern id
  bool has_ja3_ = false;
  bool has_domains_ = false;
  int min_domain_labels_ = 1;  // labels of the shortest domain key
  bool has_filenames_ = false;
};

// The IP key of a prefix: family byte, the address masked to `length` (4 or 16 bytes), the length. Writes into
// `buf` (at least 18 bytes) and returns the used part.
std::string_view IpKey(const IpAddress& address, int length, char* buf);

template <typename Fn>
void IndicatorSet::MatchDomain(std::string_view observed, Fn&& fn) const {
  if (observed.size() > 253 || observed.empty() || !has_domains_) return;
  uint64_t h = 0;
  int labels = 0;
  for (size_t i = observed.size(); i > 0; --i) {
    h = HashStep(h, static_cast<uint8_t>(observed[i - 1]));
    if (i == 1 || observed[i - 2] == '.') {
      // Suffixes with fewer labels than the shortest domain indicator cannot match ("com" when none is a TLD).
      if (++labels >= min_domain_labels_) {
        Probe(HashFinish(h, KeyKind::kDomain), KeyKind::kDomain, observed.substr(i - 1), fn);
      }
    }
  }
}

template <typename Fn>
void IndicatorSet::MatchIpv4(uint32_t address, Fn&& fn) const {
  char buf[6];
  buf[0] = 4;
  for (uint8_t len : v4_lengths_) {
    uint32_t masked = len == 0 ? 0 : address & (~uint32_t{0} << (32 - len));
    buf[1] = static_cast<char>(masked >> 24);
    buf[2] = static_cast<char>(masked >> 16);
    buf[3] = static_cast<char>(masked >> 8);
    buf[4] = static_cast<char>(masked);
    buf[5] = static_cast<char>(len);
    std::string_view key(buf, 6);
    bool found = false;
    auto wrap = [&](const IndicatorHit& hit) {
      found = true;
      fn(hit);
    };
    Probe(IpKeyHash(key), KeyKind::kIp, key, wrap);
    if (found) return;
  }
}

template <typename Fn>
void IndicatorSet::MatchIp(const IpAddress& address, Fn&& fn) const {
  if (address.is_v4()) return MatchIpv4(address.v4_value(), fn);
  const std::vector<uint8_t>& lengths = address.is_v4() ? v4_lengths_ : v6_lengths_;
  char buf[20];
  for (uint8_t len : lengths) {
    std::string_view key = IpKey(address, len, buf);
    bool found = false;
    auto wrap = [&](const IndicatorHit& hit) {
      found = true;
      fn(hit);
    };
    Probe(IpKeyHash(key), KeyKind::kIp, key, wrap);
    if (found) return;
  }
}

template <typename Fn>
void IndicatorSet::MatchUserAgent(std::string_view text, Fn&& fn) const {
  if (user_agents_.empty() || text.empty()) return;
  using F = std::remove_reference_t<Fn>;
  struct Ctx {
    const IndicatorSet* self;
    F* fn;
  } ctx{this, &fn};
  user_agent_db_.Scan(
      text,
      [](uint32_t id, void* c) {
        auto* x = static_cast<Ctx*>(c);
        const Indicator* ind = x->self->user_agents_[id];
        (*x->fn)(IndicatorHit{ind, KeyKind::kUserAgent, ind->value});
      },
      &ctx);
}

// The current set, swapped atomically. A reader keeps the shared_ptr it loaded for as long as it works on one
// line (or a batch of lines), so a swap never tears a match; the old set is freed when its last reader drops it.
class IndicatorSnapshot {
 public:
  IndicatorSnapshot() : current_(IndicatorSet::Empty()) {}
  std::shared_ptr<const IndicatorSet> Load() const { return std::atomic_load(&current_); }
  void Store(std::shared_ptr<const IndicatorSet> set) {
    std::atomic_store(&current_, std::move(set));
    generation_.fetch_add(1, std::memory_order_release);
  }
  // Increases on every Store: a reader compares it (one atomic load) before reloading.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::shared_ptr<const IndicatorSet> current_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace bulwark::match
