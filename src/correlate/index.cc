#include "correlate/index.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <unordered_set>

namespace bulwark::correlate {

struct EventEntry {
  std::vector<Id> attributes;  // ascending
  bool correlation_disabled = false;
};

struct Shard {
  std::unordered_map<std::string, std::vector<Posting>> postings;
  std::unordered_map<Id, IndexedAttribute> attributes;
  std::unordered_map<Id, EventEntry> events;
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

  void Add(const std::vector<Posting>& postings, LinkKind kind, std::string_view via) {
    if (postings.size() > limit) {
      out.over_correlating.push_back({std::string(via), kind, postings.size()});
      return;
    }
    for (const Posting& p : postings) {
      if (p.attribute_id == self || (own_event != 0 && p.event_id == own_event)) continue;
      if (!seen.insert(p.attribute_id).second) continue;
      if (out.hits.size() >= max_hits) {
        out.truncated = true;
        return;
      }
      out.hits.push_back({p.attribute_id, p.event_id, kind, std::string(via)});
    }
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

// The posting keys of a facet set, without duplicates.
std::vector<std::string> KeysOf(const Facets& f) {
  std::vector<std::string> keys;
  for (const auto& v : f.values) keys.push_back("v" + v);
  for (const auto& n : f.names) {
    keys.push_back("d" + n);
    for (auto parent : ParentDomains(n)) keys.push_back("s" + std::string(parent));
  }
  for (const auto& h : f.url_hosts) {
    keys.push_back("h" + h);
    for (auto parent : ParentDomains(h)) keys.push_back("u" + std::string(parent));
  }
  for (const auto& ip : f.ips) keys.push_back(BucketKey(ip));
  for (const auto& c : f.cidrs) keys.push_back("c" + c.ToString());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
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

const Shard& Snapshot::shard(size_t index) const {
  return *groups_[index / kGroupSize]->shards[index % kGroupSize];
}

template <typename F>
void Snapshot::ForEachShard(F&& f) const {
  for (const auto& group : groups_) {
    for (const auto& s : group->shards) f(*s);
  }
}

Snapshot::~Snapshot() = default;

const IndexedAttribute* Snapshot::Find(Id attribute_id) const {
  const Shard& s = shard(ShardOfAttribute(attribute_id));
  auto it = s.attributes.find(attribute_id);
  return it == s.attributes.end() ? nullptr : &it->second;
}

std::vector<Id> Snapshot::AttributesOfEvent(Id event_id) const {
  const Shard& s = shard(ShardOfEvent(event_id));
  auto it = s.events.find(event_id);
  return it == s.events.end() ? std::vector<Id>{} : it->second.attributes;
}

bool Snapshot::EventCorrelationDisabled(Id event_id) const {
  const Shard& s = shard(ShardOfEvent(event_id));
  auto it = s.events.find(event_id);
  return it != s.events.end() && it->second.correlation_disabled;
}

const std::vector<Posting>* Snapshot::FindPostings(const std::string& key) const {
  const Shard& s = shard(ShardOfKey(key));
  auto it = s.postings.find(key);
  return it == s.postings.end() ? nullptr : &it->second;
}

void Snapshot::LookupKey(const std::string& key, LinkKind kind, std::string_view via, LookupState& st) const {
  if (const auto* p = FindPostings(key)) st.Add(*p, kind, via);
}

void Snapshot::CollectBucket(const std::string& key, const Cidr& cidr, std::vector<Posting>& out) const {
  const auto* postings = FindPostings(key);
  if (postings == nullptr) return;
  for (const Posting& p : *postings) {
    const IndexedAttribute* a = Find(p.attribute_id);
    if (a == nullptr) continue;
    for (const auto& ip : a->facets.ips) {
      if (cidr.Contains(ip)) {
        out.push_back(p);
        break;
      }
    }
  }
}

void Snapshot::LookupCidr(const Cidr& cidr, LookupState& st) const {
  std::vector<Posting> inside;
  const bool v4 = cidr.family() == IpFamily::kV4;
  const int bucket_bits = v4 ? kV4BucketBits : kV6BucketBits;
  const int len = cidr.prefix_length();
  if (len >= bucket_bits) {
    CollectBucket(BucketKey(cidr.network()), cidr, inside);
  } else if (bucket_bits - len <= 16) {
    // Enumerate the buckets the prefix spans: at most 65536 hash probes.
    const uint64_t count = uint64_t{1} << (bucket_bits - len);
    auto bytes = cidr.network().bytes();
    const size_t first = v4 ? 12 : 0;
    const size_t nbytes = v4 ? 2 : 4;
    uint64_t base = 0;
    for (size_t i = 0; i < nbytes; ++i) base = (base << 8) | bytes[first + i];
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t b = base + i;
      std::string key = v4 ? "b4" : "b6";
      for (size_t k = 0; k < nbytes; ++k) key += static_cast<char>((b >> (8 * (nbytes - 1 - k))) & 0xff);
      CollectBucket(key, cidr, inside);
    }
  } else {
    // A very short IPv6 prefix: scan every IPv6 bucket.
    ForEachShard([&](const Shard& s) {
      for (const auto& [key, postings] : s.postings) {
        if (key.size() == 6 && key[0] == 'b' && key[1] == '6') CollectBucket(key, cidr, inside);
      }
    });
  }
  // The CIDR's own attributes (equal CIDRs) are found through equality, not here.
  st.Add(inside, LinkKind::kCidr, cidr.ToString());
}

LookupResult Snapshot::Correlations(Id attribute_id) const {
  const IndexedAttribute* a = Find(attribute_id);
  if (a == nullptr) return {};
  return CorrelationsOf(a->facets, a->event_id, attribute_id);
}

LookupResult Snapshot::CorrelationsOf(const Facets& f, Id own_event, Id self) const {
  LookupState st;
  st.own_event = own_event;
  st.self = self;
  st.limit = options_->correlation_limit;
  st.max_hits = options_->max_hits;
  for (const auto& v : f.values) LookupKey("v" + v, LinkKind::kEqual, v, st);
  for (const auto& n : f.names) {
    for (auto parent : ParentDomains(n)) LookupKey("d" + std::string(parent), LinkKind::kDomain, parent, st);
    LookupKey("s" + n, LinkKind::kDomain, n, st);
    LookupKey("h" + n, LinkKind::kUrlHost, n, st);
    LookupKey("u" + n, LinkKind::kUrlHost, n, st);
  }
  for (const auto& h : f.url_hosts) {
    LookupKey("d" + h, LinkKind::kUrlHost, h, st);
    for (auto parent : ParentDomains(h)) LookupKey("d" + std::string(parent), LinkKind::kUrlHost, parent, st);
  }
  for (const auto& ip : f.ips) {
    const bool v4 = ip.is_v4();
    const int width = ip.bit_width();
    for (int len = 0; len < width; ++len) {
      if ((v4 ? v4_prefixes_[len] : v6_prefixes_[len]) == 0) continue;
      auto cidr = Cidr::MakeMasked(ip, len);
      if (!cidr.ok()) continue;
      std::string text = cidr->ToString();
      LookupKey("c" + text, LinkKind::kCidr, text, st);
    }
  }
  for (const auto& c : f.cidrs) LookupCidr(c, st);
  return std::move(st.out);
}

std::vector<Posting> Snapshot::PostingsOfValue(const std::string& value, size_t max) const {
  const auto* p = FindPostings("v" + value);
  if (p == nullptr) return {};
  return std::vector<Posting>(p->begin(), p->begin() + static_cast<ptrdiff_t>(std::min(max, p->size())));
}

std::vector<TopValue> Snapshot::TopValues(size_t limit) const {
  if (limit == 0) return {};
  using Entry = std::pair<size_t, const std::string*>;  // (attributes, key)
  auto cmp = [](const Entry& a, const Entry& b) { return a.first > b.first || (a.first == b.first && *a.second < *b.second); };
  std::priority_queue<Entry, std::vector<Entry>, decltype(cmp)> heap(cmp);  // min-heap on size
  ForEachShard([&](const Shard& s) {
    for (const auto& [key, postings] : s.postings) {
      if (key.empty() || key[0] != 'v' || postings.size() < 2) continue;
      if (heap.size() >= limit && postings.size() < heap.top().first) continue;
      const Id first_event = postings.front().event_id;
      bool two_events = std::any_of(postings.begin(), postings.end(),
                                    [&](const Posting& p) { return p.event_id != first_event; });
      if (!two_events) continue;
      heap.emplace(postings.size(), &key);
      if (heap.size() > limit) heap.pop();
    }
  });
  std::vector<TopValue> out;
  while (!heap.empty()) {
    const auto& [n, key] = heap.top();
    const auto* postings = FindPostings(*key);
    std::unordered_set<Id> events;
    for (const Posting& p : *postings) events.insert(p.event_id);
    out.push_back({key->substr(1), n, events.size(), n > options_->correlation_limit});
    heap.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// ---- SnapshotEditor ----

SnapshotEditor::SnapshotEditor(std::shared_ptr<const Snapshot> base, std::shared_ptr<const Options> options)
    : next_(std::make_shared<Snapshot>()), owned_groups_(Snapshot::kGroupCount, nullptr) {
  if (!base) {
    auto group = std::make_shared<ShardGroup>();
    group->shards.fill(std::make_shared<const Shard>());
    next_->groups_.assign(Snapshot::kGroupCount, group);
  } else {
    next_->groups_ = base->groups_;
    next_->v4_prefixes_ = base->v4_prefixes_;
    next_->v6_prefixes_ = base->v6_prefixes_;
    next_->attribute_count_ = base->attribute_count_;
    next_->key_count_ = base->key_count_;
    next_->seq_ = base->seq_;
  }
  next_->options_ = options ? std::move(options) : (base ? base->options_ : std::make_shared<const Options>());
}

Shard& SnapshotEditor::Mutable(size_t index) {
  auto it = owned_.find(index);
  if (it != owned_.end()) return *it->second;
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
  owned_.emplace(index, raw);
  ++cloned_;
  return *raw;
}

void SnapshotEditor::AddKeys(Id attribute_id, Id event_id, const Facets& facets) {
  for (auto& key : KeysOf(facets)) {
    Shard& s = Mutable(ShardOfKey(key));
    auto [it, inserted] = s.postings.try_emplace(std::move(key));
    if (inserted) ++next_->key_count_;
    it->second.push_back({attribute_id, event_id});
  }
  for (const auto& c : facets.cidrs) {
    auto* counts = c.family() == IpFamily::kV4 ? next_->v4_prefixes_.data() : next_->v6_prefixes_.data();
    ++counts[c.prefix_length()];
  }
}

void SnapshotEditor::RemoveKeys(Id attribute_id, const Facets& facets) {
  for (const auto& key : KeysOf(facets)) {
    Shard& s = Mutable(ShardOfKey(key));
    auto it = s.postings.find(key);
    if (it == s.postings.end()) continue;
    auto& v = it->second;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Posting& p) { return p.attribute_id == attribute_id; }),
            v.end());
    if (v.empty()) {
      s.postings.erase(it);
      --next_->key_count_;
    }
  }
  for (const auto& c : facets.cidrs) {
    auto* counts = c.family() == IpFamily::kV4 ? next_->v4_prefixes_.data() : next_->v6_prefixes_.data();
    if (counts[c.prefix_length()] > 0) --counts[c.prefix_length()];
  }
}

void SnapshotEditor::Remove(Id attribute_id) {
  const Shard& current = next_->shard(ShardOfAttribute(attribute_id));
  if (current.attributes.find(attribute_id) == current.attributes.end()) return;
  Shard& s = Mutable(ShardOfAttribute(attribute_id));
  auto it = s.attributes.find(attribute_id);
  IndexedAttribute old = std::move(it->second);
  s.attributes.erase(it);
  --next_->attribute_count_;
  RemoveKeys(attribute_id, old.facets);
  Shard& es = Mutable(ShardOfEvent(old.event_id));
  auto ev = es.events.find(old.event_id);
  if (ev != es.events.end()) {
    auto& ids = ev->second.attributes;
    auto pos = std::lower_bound(ids.begin(), ids.end(), attribute_id);
    if (pos != ids.end() && *pos == attribute_id) ids.erase(pos);
    if (ids.empty() && !ev->second.correlation_disabled) es.events.erase(ev);
  }
}

void SnapshotEditor::Upsert(Id attribute_id, Id event_id, Facets facets) {
  Remove(attribute_id);
  if (facets.empty()) return;
  AddKeys(attribute_id, event_id, facets);
  Shard& s = Mutable(ShardOfAttribute(attribute_id));
  s.attributes.emplace(attribute_id, IndexedAttribute{event_id, std::move(facets)});
  ++next_->attribute_count_;
  auto& ids = Mutable(ShardOfEvent(event_id)).events[event_id].attributes;
  ids.insert(std::lower_bound(ids.begin(), ids.end(), attribute_id), attribute_id);
}

void SnapshotEditor::RemoveEvent(Id event_id) {
  for (Id id : next_->AttributesOfEvent(event_id)) Remove(id);
}

void SnapshotEditor::SetEventCorrelationDisabled(Id event_id, bool disabled) {
  if (next_->EventCorrelationDisabled(event_id) == disabled) return;
  Shard& es = Mutable(ShardOfEvent(event_id));
  auto& entry = es.events[event_id];
  entry.correlation_disabled = disabled;
  if (!disabled && entry.attributes.empty()) es.events.erase(event_id);
}

std::shared_ptr<const Snapshot> SnapshotEditor::Publish(int64_t seq) {
  next_->seq_ = seq;
  std::fill(owned_groups_.begin(), owned_groups_.end(), nullptr);
  owned_.clear();
  return std::move(next_);
}

}  // namespace bulwark::correlate
