#include "correlate/index.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <unordered_set>

#include "correlate/index_base.h"

namespace bulwark::correlate {

using internal::Base;
using internal::BaseBuilder;
using internal::CountedKey;
using internal::kNone;

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// A key in the write overlay: the overlay attributes carrying it, and how many of the base's postings of the
// same key the overlay hides (their attributes were edited or removed).
struct DeltaKey {
  std::vector<Posting> postings;
  uint32_t base_hidden = 0;
};

// An attribute in the write overlay; `removed` makes it a tombstone that hides the base attribute (its facets
// are then null). Facets are shared, never changed in place: cloning a shard (copy-on-write) copies a pointer
// per attribute instead of its strings.
struct DeltaAttribute {
  IndexedAttribute head;
  std::shared_ptr<const Facets> facets;
  bool removed = false;
};

struct DeltaEvent {
  std::vector<Id> attributes;  // overlay attributes, ascending
  int8_t disabled = -1;        // -1: as the base says
};

struct Shard {
  std::unordered_map<std::string, DeltaKey, TransparentHash, std::equal_to<>> postings;
  std::unordered_map<Id, DeltaAttribute> attributes;
  std::unordered_map<Id, DeltaEvent> events;
};

struct ShardGroup {
  std::array<std::shared_ptr<const Shard>, Snapshot::kGroupSize> shards;
};

struct LookupState {
  Id own_event = 0;
  Id self = 0;
  size_t limit = 0;
  size_t max_hits = 0;
  std::unordered_set<Id> seen;
  LookupResult out;

  // True (and recorded) when `live` attributes make the key over-correlating.
  bool Over(size_t live, LinkKind kind, std::string_view via) {
    if (live <= limit) return false;
    out.over_correlating.push_back({std::string(via), kind, live});
    return true;
  }
  void Hit(Id attribute_id, Id event_id, LinkKind kind, std::string_view via) {
    if (attribute_id == self || (own_event != 0 && event_id == own_event)) return;
    if (out.hits.size() >= max_hits) {
      out.truncated = true;
      return;
    }
    if (!seen.insert(attribute_id).second) return;
    out.hits.push_back({attribute_id, event_id, kind, std::string(via)});
  }
};

namespace {

constexpr int kV4BucketBits = 16;
constexpr int kV6BucketBits = 32;

size_t ShardOfKey(std::string_view key) { return std::hash<std::string_view>()(key) & (Snapshot::kShardCount - 1); }
size_t ShardOfId(Id id, uint64_t salt) {
  uint64_t x = static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ULL + salt;
  x ^= x >> 29;
  return static_cast<size_t>(x) & (Snapshot::kShardCount - 1);
}
size_t ShardOfAttribute(Id id) { return ShardOfId(id, 0x1234567); }
size_t ShardOfEvent(Id id) { return ShardOfId(id, 0x7654321); }

std::string BucketKey(const IpAddress& ip) {
  std::string key = ip.is_v4() ? "b4" : "b6";
  const auto& b = ip.bytes();
  if (ip.is_v4()) {
    key.append(reinterpret_cast<const char*>(b.data()) + 12, 2);
  } else {
    key.append(reinterpret_cast<const char*>(b.data()), 4);
  }
  return key;
}

// The overlay keys of a facet set, without duplicates: the base's kinds without 'i', plus IP buckets.
std::vector<std::string> DeltaKeysOf(const Facets& f) {
  std::vector<std::string> keys;
  internal::ForEachKey(f, false, [&](std::string_view key) { keys.emplace_back(key); });
  for (const auto& ip : f.ips) keys.push_back(BucketKey(ip));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// The last address of a prefix (every host bit set).
IpAddress LastAddress(const Cidr& cidr) {
  IpAddress::Bytes b = cidr.network().bytes();
  const bool v4 = cidr.family() == IpFamily::kV4;
  const int offset = v4 ? 96 : 0;
  for (int bit = cidr.prefix_length(); bit < cidr.network().bit_width(); ++bit) {
    const int i = offset + bit;
    b[static_cast<size_t>(i / 8)] = static_cast<uint8_t>(b[static_cast<size_t>(i / 8)] | (0x80 >> (i % 8)));
  }
  if (v4) return IpAddress::V4Bytes({b[12], b[13], b[14], b[15]});
  return IpAddress::V6(b);
}

void CountPrefix(const Cidr& c, std::array<uint32_t, 33>& v4, std::array<uint32_t, 129>& v6,
                 int delta) {
  uint32_t& slot = c.family() == IpFamily::kV4 ? v4[static_cast<size_t>(c.prefix_length())]
                                               : v6[static_cast<size_t>(c.prefix_length())];
  if (delta > 0 && slot != UINT32_MAX) ++slot;
  if (delta < 0 && slot > 0 && slot != UINT32_MAX) --slot;
}

std::shared_ptr<const ShardGroup> EmptyGroup() {
  auto group = std::make_shared<ShardGroup>();
  group->shards.fill(std::make_shared<const Shard>());
  return group;
}

}  // namespace

const char* LinkKindName(LinkKind kind) {
  switch (kind) {
    case LinkKind::kEqual: return "equal";
    case LinkKind::kCidr: return "cidr";
    case LinkKind::kDomain: return "domain";
    case LinkKind::kUrlHost: return "url-host";
  }
  return "equal";
}

Snapshot::Snapshot() : options_(std::make_shared<Options>()) {}
Snapshot::~Snapshot() = default;

const Shard& Snapshot::shard(size_t index) const {
  return *groups_[index / kGroupSize]->shards[index % kGroupSize];
}

template <typename F>
void Snapshot::ForEachShard(F&& f) const {
  for (const auto& group : groups_) {
    for (const auto& s : group->shards) f(*s);
  }
}

const DeltaAttribute* Snapshot::FindDelta(Id attribute_id) const {
  if (delta_attributes_ == 0) return nullptr;
  const Shard& s = shard(ShardOfAttribute(attribute_id));
  auto it = s.attributes.find(attribute_id);
  return it == s.attributes.end() ? nullptr : &it->second;
}

const IndexedAttribute* Snapshot::Find(Id attribute_id) const {
  if (const DeltaAttribute* d = FindDelta(attribute_id)) return d->removed ? nullptr : &d->head;
  if (!base_) return nullptr;
  const uint32_t a = base_->IndexOf(attribute_id);
  return a == kNone ? nullptr : &base_->HeadAt(a);
}

Facets Snapshot::FacetsOf(Id attribute_id) const {
  if (const DeltaAttribute* d = FindDelta(attribute_id)) return d->removed ? Facets{} : *d->facets;
  if (!base_) return {};
  const uint32_t a = base_->IndexOf(attribute_id);
  return a == kNone ? Facets{} : base_->FacetsAt(a);
}

std::vector<Id> Snapshot::AttributesOfEvent(Id event_id) const {
  std::vector<Id> out;
  if (base_) {
    for (uint32_t a : base_->AttributesOfEvent(event_id)) {
      if (BaseLive(a)) out.push_back(base_->IdAt(a));
    }
  }
  const Shard& s = shard(ShardOfEvent(event_id));
  auto it = s.events.find(event_id);
  if (it != s.events.end() && !it->second.attributes.empty()) {
    const size_t middle = out.size();
    out.insert(out.end(), it->second.attributes.begin(), it->second.attributes.end());
    std::inplace_merge(out.begin(), out.begin() + static_cast<ptrdiff_t>(middle), out.end());
  }
  return out;
}

bool Snapshot::EventCorrelationDisabled(Id event_id) const {
  const Shard& s = shard(ShardOfEvent(event_id));
  auto it = s.events.find(event_id);
  if (it != s.events.end() && it->second.disabled >= 0) return it->second.disabled != 0;
  return base_ && base_->EventDisabled(event_id);
}

bool Snapshot::BaseLive(uint32_t attr_index) const {
  return hidden_base_ == 0 || FindDelta(base_->IdAt(attr_index)) == nullptr;
}

Snapshot::KeyView Snapshot::ViewKey(std::string_view key) const {
  KeyView v;
  if (base_) {
    const uint32_t k = base_->FindKey(key);
    if (k != kNone) v.base = base_->Postings(k);
  }
  v.live = v.base.size();
  if (delta_attributes_ != 0) {
    const Shard& s = shard(ShardOfKey(key));
    auto it = s.postings.find(key);
    if (it != s.postings.end()) {
      v.delta = &it->second;
      v.live = v.live - it->second.base_hidden + it->second.postings.size();
    }
  }
  return v;
}

template <typename F>
void Snapshot::ForEachLive(const KeyView& view, F&& f) const {
  for (uint32_t a : view.base) {
    if (BaseLive(a)) f(base_->IdAt(a), base_->HeadAt(a).event_id);
  }
  if (view.delta != nullptr) {
    for (const Posting& p : view.delta->postings) f(p.attribute_id, p.event_id);
  }
}

void Snapshot::LookupKey(std::string_view key, LinkKind kind, std::string_view via, LookupState& st) const {
  KeyView view = ViewKey(key);
  if (view.live == 0 || st.Over(view.live, kind, via)) return;
  ForEachLive(view, [&](Id attribute, Id event) { st.Hit(attribute, event, kind, via); });
}

void Snapshot::CollectDeltaBucket(const std::string& key, const Cidr& cidr, std::vector<Posting>& out) const {
  const Shard& s = shard(ShardOfKey(key));
  auto it = s.postings.find(key);
  if (it == s.postings.end()) return;
  for (const Posting& p : it->second.postings) {
    const DeltaAttribute* a = FindDelta(p.attribute_id);
    if (a == nullptr || a->removed) continue;
    for (const auto& ip : a->facets->ips) {
      if (cidr.Contains(ip)) {
        out.push_back(p);
        break;
      }
    }
  }
}

void Snapshot::LookupCidr(const Cidr& cidr, LookupState& st) const {
  std::vector<Posting> inside;
  size_t count = 0;
  if (base_) {
    base_->ForEachIpKeyIn(cidr.network(), LastAddress(cidr), [&](uint32_t k) {
      KeyView view{base_->Postings(k), nullptr, base_->Postings(k).size()};
      if (delta_attributes_ != 0) view = ViewKey(base_->keys().Get(k));
      count += view.live;
      if (count > st.limit) return;  // over-correlating: only the count matters from here
      ForEachLive(view, [&](Id attribute, Id event) { inside.push_back({attribute, event}); });
    });
  }
  if (delta_attributes_ != 0) {
    std::vector<Posting> delta_inside;
    const bool v4 = cidr.family() == IpFamily::kV4;
    const int bucket_bits = v4 ? kV4BucketBits : kV6BucketBits;
    const int len = cidr.prefix_length();
    if (len >= bucket_bits) {
      CollectDeltaBucket(BucketKey(cidr.network()), cidr, delta_inside);
    } else if (bucket_bits - len <= 16) {
      // Enumerate the buckets the prefix spans: at most 65536 hash probes.
      const uint64_t buckets = uint64_t{1} << (bucket_bits - len);
      auto bytes = cidr.network().bytes();
      const size_t first = v4 ? 12 : 0;
      const size_t nbytes = v4 ? 2 : 4;
      uint64_t start = 0;
      for (size_t i = 0; i < nbytes; ++i) start = (start << 8) | bytes[first + i];
      for (uint64_t i = 0; i < buckets; ++i) {
        const uint64_t b = start + i;
        std::string key = v4 ? "b4" : "b6";
        for (size_t k = 0; k < nbytes; ++k) key += static_cast<char>((b >> (8 * (nbytes - 1 - k))) & 0xff);
        CollectDeltaBucket(key, cidr, delta_inside);
      }
    } else {
      // A very short IPv6 prefix: scan every IPv6 bucket of the overlay.
      ForEachShard([&](const Shard& s) {
        for (const auto& [key, postings] : s.postings) {
          if (key.size() == 6 && key[0] == 'b' && key[1] == '6') CollectDeltaBucket(key, cidr, delta_inside);
        }
      });
    }
    count += delta_inside.size();
    if (count <= st.limit) inside.insert(inside.end(), delta_inside.begin(), delta_inside.end());
  }
  // The CIDR's own attributes (equal CIDRs) are found through equality, not here.
  if (count == 0) return;
  const std::string via = cidr.ToString();
  if (st.Over(count, LinkKind::kCidr, via)) return;
  for (const Posting& p : inside) st.Hit(p.attribute_id, p.event_id, LinkKind::kCidr, via);
}

LookupResult Snapshot::Correlations(Id attribute_id) const {
  const IndexedAttribute* a = Find(attribute_id);
  if (a == nullptr) return {};
  return CorrelationsOf(FacetsOf(attribute_id), a->event_id, attribute_id);
}

LookupResult Snapshot::CorrelationsOf(const Facets& f, Id own_event, Id self) const {
  LookupState st;
  st.own_event = own_event;
  st.self = self;
  st.limit = options_->correlation_limit;
  st.max_hits = options_->max_hits;
  std::string key;
  auto lookup = [&](char kind, std::string_view text, LinkKind link, std::string_view via) {
    key.assign(1, kind);
    key.append(text);
    LookupKey(key, link, via, st);
  };
  for (const auto& v : f.values) lookup(internal::kValueKey, v, LinkKind::kEqual, v);
  for (const auto& n : f.names) {
    for (auto parent : ParentDomains(n)) lookup(internal::kNameKey, parent, LinkKind::kDomain, parent);
    lookup(internal::kNameParentKey, n, LinkKind::kDomain, n);
    lookup(internal::kHostKey, n, LinkKind::kUrlHost, n);
    lookup(internal::kHostParentKey, n, LinkKind::kUrlHost, n);
  }
  for (const auto& h : f.url_hosts) {
    lookup(internal::kNameKey, h, LinkKind::kUrlHost, h);
    for (auto parent : ParentDomains(h)) lookup(internal::kNameKey, parent, LinkKind::kUrlHost, parent);
  }
  for (const auto& ip : f.ips) {
    const bool v4 = ip.is_v4();
    const int width = ip.bit_width();
    for (int len = 0; len < width; ++len) {
      if ((v4 ? v4_prefixes_[static_cast<size_t>(len)] : v6_prefixes_[static_cast<size_t>(len)]) == 0) continue;
      auto cidr = Cidr::MakeMasked(ip, len);
      if (!cidr.ok()) continue;
      std::string text = cidr->ToString();
      lookup(internal::kCidrKey, text, LinkKind::kCidr, text);
    }
  }
  for (const auto& c : f.cidrs) LookupCidr(c, st);
  return std::move(st.out);
}

std::vector<Posting> Snapshot::PostingsOfValue(const std::string& value, size_t max) const {
  std::vector<Posting> out;
  KeyView view = ViewKey(std::string(1, internal::kValueKey) + value);
  ForEachLive(view, [&](Id attribute, Id event) {
    if (out.size() < max) out.push_back({attribute, event});
  });
  return out;
}

std::vector<TopValue> Snapshot::TopValues(size_t limit) const {
  if (limit == 0) return {};
  using Entry = std::pair<size_t, std::string>;  // (attributes, key)
  auto cmp = [](const Entry& a, const Entry& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
  std::priority_queue<Entry, std::vector<Entry>, decltype(cmp)> heap(cmp);  // min-heap on size
  auto consider = [&](std::string_view key, const KeyView& view) {
    if (view.live < 2 || (heap.size() >= limit && view.live < heap.top().first)) return;
    Id first_event = 0;
    bool any = false;
    bool two_events = false;
    ForEachLive(view, [&](Id, Id event) {
      if (!any) {
        first_event = event;
        any = true;
      } else if (event != first_event) {
        two_events = true;
      }
    });
    if (!two_events) return;
    heap.emplace(view.live, std::string(key));
    if (heap.size() > limit) heap.pop();
  };
  if (base_) {
    const size_t keys = base_->keys().size();
    for (size_t k = 0; k < keys; ++k) {
      auto postings = base_->Postings(static_cast<uint32_t>(k));
      if (postings.empty()) continue;
      std::string_view key = base_->keys().Get(static_cast<uint32_t>(k));
      if (key[0] != internal::kValueKey) continue;
      if (delta_attributes_ == 0) {
        consider(key, KeyView{postings, nullptr, postings.size()});
      } else {
        consider(key, ViewKey(key));
      }
    }
  }
  if (delta_attributes_ != 0) {
    ForEachShard([&](const Shard& s) {
      for (const auto& [key, dk] : s.postings) {
        if (key.empty() || key[0] != internal::kValueKey || dk.postings.empty()) continue;
        if (base_ && base_->FindKey(key) != kNone) continue;  // counted with the base's keys
        consider(key, KeyView{{}, &dk, dk.postings.size()});
      }
    });
  }
  std::vector<TopValue> out;
  while (!heap.empty()) {
    const auto& [n, key] = heap.top();
    std::unordered_set<Id> events;
    ForEachLive(ViewKey(key), [&](Id, Id event) { events.insert(event); });
    out.push_back({key.substr(1), n, events.size(), n > options_->correlation_limit});
    heap.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// ---- SnapshotEditor ----

SnapshotEditor::SnapshotEditor(std::shared_ptr<const Snapshot> base, std::shared_ptr<const Options> options)
    : next_(std::make_shared<Snapshot>()),
      owned_groups_(Snapshot::kGroupCount, nullptr),
      owned_(Snapshot::kShardCount, nullptr) {
  if (!base) {
    bulk_ = std::make_unique<BaseBuilder>();
    next_->groups_.assign(Snapshot::kGroupCount, EmptyGroup());
  } else {
    next_->base_ = base->base_;
    next_->groups_ = base->groups_;
    next_->v4_prefixes_ = base->v4_prefixes_;
    next_->v6_prefixes_ = base->v6_prefixes_;
    next_->attribute_count_ = base->attribute_count_;
    next_->key_count_ = base->key_count_;
    next_->delta_attributes_ = base->delta_attributes_;
    next_->hidden_base_ = base->hidden_base_;
    next_->seq_ = base->seq_;
  }
  next_->options_ = options ? std::move(options) : (base ? base->options_ : std::make_shared<const Options>());
}

SnapshotEditor::~SnapshotEditor() = default;

Shard& SnapshotEditor::Mutable(size_t index) {
  if (owned_[index] != nullptr) return *owned_[index];
  const size_t g = index / Snapshot::kGroupSize;
  if (owned_groups_[g] == nullptr) {
    auto group = std::make_shared<ShardGroup>(*next_->groups_[g]);
    owned_groups_[g] = group.get();
    next_->groups_[g] = std::move(group);
  }
  auto& slot = owned_groups_[g]->shards[index % Snapshot::kGroupSize];
  auto copy = std::make_shared<Shard>(*slot);
  Shard* raw = copy.get();
  slot = std::move(copy);
  owned_[index] = raw;
  ++cloned_;
  return *raw;
}

void SnapshotEditor::InstallBase(std::shared_ptr<const Base> base) {
  Snapshot& s = *next_;
  s.base_ = std::move(base);
  s.groups_.assign(Snapshot::kGroupCount, EmptyGroup());
  std::fill(owned_groups_.begin(), owned_groups_.end(), nullptr);
  std::fill(owned_.begin(), owned_.end(), nullptr);
  s.v4_prefixes_ = s.base_->v4_prefixes();
  s.v6_prefixes_ = s.base_->v6_prefixes();
  s.attribute_count_ = s.base_->attribute_count();
  s.key_count_ = s.base_->key_count();
  s.delta_attributes_ = 0;
  s.hidden_base_ = 0;
}

void SnapshotEditor::Materialize() {
  if (!bulk_) return;
  InstallBase(bulk_->Build());
  bulk_.reset();
}

void SnapshotEditor::AddKeys(Id attribute_id, Id event_id, const Facets& facets) {
  Snapshot& s = *next_;
  for (auto& key : DeltaKeysOf(facets)) {
    if (CountedKey(key) && s.ViewKey(key).live == 0) ++s.key_count_;
    Shard& shard = Mutable(ShardOfKey(key));
    shard.postings[std::move(key)].postings.push_back({attribute_id, event_id});
  }
  for (const auto& c : facets.cidrs) CountPrefix(c, s.v4_prefixes_, s.v6_prefixes_, +1);
}

void SnapshotEditor::RemoveKeys(Id attribute_id, const Facets& facets) {
  Snapshot& s = *next_;
  for (const auto& key : DeltaKeysOf(facets)) {
    Shard& shard = Mutable(ShardOfKey(key));
    auto it = shard.postings.find(key);
    if (it == shard.postings.end()) continue;
    auto& v = it->second.postings;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Posting& p) { return p.attribute_id == attribute_id; }),
            v.end());
    if (v.empty() && it->second.base_hidden == 0) shard.postings.erase(it);
    if (CountedKey(key) && s.ViewKey(key).live == 0) --s.key_count_;
  }
  for (const auto& c : facets.cidrs) CountPrefix(c, s.v4_prefixes_, s.v6_prefixes_, -1);
}

// Hides base attribute `a` behind a tombstone, adjusting the live counts of its keys.
void SnapshotEditor::HideBase(Id attribute_id, uint32_t attr_index) {
  Snapshot& s = *next_;
  const Base& base = *s.base_;
  Mutable(ShardOfAttribute(attribute_id)).attributes[attribute_id] = DeltaAttribute{{}, {}, true};
  ++s.delta_attributes_;
  ++s.hidden_base_;
  --s.attribute_count_;
  for (uint32_t k : base.KeysAt(attr_index)) {
    std::string_view key = base.keys().Get(k);
    if (CountedKey(key) && s.ViewKey(key).live == 1) --s.key_count_;
    Shard& shard = Mutable(ShardOfKey(key));
    auto it = shard.postings.find(key);
    if (it == shard.postings.end()) it = shard.postings.emplace(std::string(key), DeltaKey{}).first;
    ++it->second.base_hidden;
    if (key[0] == internal::kCidrKey) {
      if (auto c = Cidr::Parse(key.substr(1)); c.ok()) CountPrefix(*c, s.v4_prefixes_, s.v6_prefixes_, -1);
    }
  }
}

void SnapshotEditor::Remove(Id attribute_id) {
  if (bulk_) {
    bulk_->Add(attribute_id, 0, Facets{});
    return;
  }
  Snapshot& s = *next_;
  if (const DeltaAttribute* d = s.FindDelta(attribute_id)) {
    if (d->removed) return;
    Shard& shard = Mutable(ShardOfAttribute(attribute_id));
    auto it = shard.attributes.find(attribute_id);
    DeltaAttribute old = std::move(it->second);
    if (s.base_ && s.base_->IndexOf(attribute_id) != kNone) {
      it->second = DeltaAttribute{{}, {}, true};  // the base version stays hidden
    } else {
      shard.attributes.erase(it);
      --s.delta_attributes_;
    }
    --s.attribute_count_;
    RemoveKeys(attribute_id, *old.facets);
    Shard& es = Mutable(ShardOfEvent(old.head.event_id));
    auto ev = es.events.find(old.head.event_id);
    if (ev != es.events.end()) {
      auto& ids = ev->second.attributes;
      auto pos = std::lower_bound(ids.begin(), ids.end(), attribute_id);
      if (pos != ids.end() && *pos == attribute_id) ids.erase(pos);
      if (ids.empty() && ev->second.disabled < 0) es.events.erase(ev);
    }
    return;
  }
  if (!s.base_) return;
  const uint32_t a = s.base_->IndexOf(attribute_id);
  if (a != kNone) HideBase(attribute_id, a);
}

void SnapshotEditor::Upsert(Id attribute_id, Id event_id, Facets facets) {
  if (bulk_) {
    bulk_->Add(attribute_id, event_id, facets);
    return;
  }
  Remove(attribute_id);
  if (facets.empty()) return;
  Snapshot& s = *next_;
  AddKeys(attribute_id, event_id, facets);
  Shard& shard = Mutable(ShardOfAttribute(attribute_id));
  auto [it, inserted] = shard.attributes.try_emplace(attribute_id);
  if (inserted) ++s.delta_attributes_;
  it->second = DeltaAttribute{IndexedAttribute{event_id}, std::make_shared<const Facets>(std::move(facets)), false};
  ++s.attribute_count_;
  auto& ids = Mutable(ShardOfEvent(event_id)).events[event_id].attributes;
  ids.insert(std::lower_bound(ids.begin(), ids.end(), attribute_id), attribute_id);
}

void SnapshotEditor::RemoveEvent(Id event_id) {
  Materialize();
  for (Id id : next_->AttributesOfEvent(event_id)) Remove(id);
}

void SnapshotEditor::SetEventCorrelationDisabled(Id event_id, bool disabled) {
  if (bulk_) {
    bulk_->SetEventDisabled(event_id, disabled);
    return;
  }
  if (next_->EventCorrelationDisabled(event_id) == disabled) return;
  const bool base_flag = next_->base_ && next_->base_->EventDisabled(event_id);
  Shard& es = Mutable(ShardOfEvent(event_id));
  auto& entry = es.events[event_id];
  entry.disabled = disabled == base_flag ? int8_t{-1} : static_cast<int8_t>(disabled);
  if (entry.disabled < 0 && entry.attributes.empty()) es.events.erase(event_id);
}

// A new base with every live attribute of both layers, and an empty overlay.
void SnapshotEditor::MergeIntoNewBase() {
  const Snapshot& s = *next_;
  std::vector<std::pair<Id, const DeltaAttribute*>> added;
  std::vector<std::pair<Id, int8_t>> flags;
  s.ForEachShard([&](const Shard& shard) {
    for (const auto& [id, d] : shard.attributes) {
      if (!d.removed) added.emplace_back(id, &d);
    }
    for (const auto& [event, e] : shard.events) {
      if (e.disabled >= 0) flags.emplace_back(event, e.disabled);
    }
  });
  std::sort(added.begin(), added.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // The new base starts from a copy of the old one's keys: its attributes are added by key id, and only the
  // overlay's keys are interned.
  BaseBuilder builder = s.base_ ? BaseBuilder(s.base_->keys()) : BaseBuilder();
  size_t next_added = 0;
  auto add_delta_before = [&](Id limit) {
    for (; next_added < added.size() && added[next_added].first < limit; ++next_added) {
      const DeltaAttribute& d = *added[next_added].second;
      builder.Add(added[next_added].first, d.head.event_id, *d.facets);
    }
  };
  if (s.base_) {
    const Base& base = *s.base_;
    for (uint32_t a = 0; a < base.attribute_count(); ++a) {
      const Id id = base.IdAt(a);
      add_delta_before(id);
      if (s.BaseLive(a)) builder.AddKeyIds(id, base.HeadAt(a).event_id, base.KeysAt(a));
    }
    for (Id e : base.disabled_events()) builder.SetEventDisabled(e, true);
  }
  add_delta_before(std::numeric_limits<Id>::max());
  if (next_added < added.size()) {
    const DeltaAttribute& d = *added.back().second;
    builder.Add(added.back().first, d.head.event_id, *d.facets);
  }
  for (const auto& [event, disabled] : flags) builder.SetEventDisabled(event, disabled != 0);
  InstallBase(builder.Build());
}

std::shared_ptr<const Snapshot> SnapshotEditor::Publish(int64_t seq) {
  if (bulk_) {
    Materialize();
  } else {
    const size_t base_size = next_->base_ ? next_->base_->attribute_count() : 0;
    const size_t min = next_->options_->delta_merge_min;
    if (next_->delta_attributes_ > std::max(min, std::min(base_size / 8, 4 * min))) MergeIntoNewBase();
  }
  next_->seq_ = seq;
  std::fill(owned_groups_.begin(), owned_groups_.end(), nullptr);
  std::fill(owned_.begin(), owned_.end(), nullptr);
  return std::move(next_);
}

}  // namespace bulwark::correlate
