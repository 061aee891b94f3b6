#include "correlate/index.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <unordered_set>

#include "correlate/index_base.h"
#include "correlate/index_levels.h"

namespace bulwark::correlate {

using internal::Base;
using internal::BaseBuilder;
using internal::CountedKey;
using internal::kNone;
using internal::Merger;
using internal::Run;
using internal::RunAttribute;
using internal::RunKey;

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

namespace internal {

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

std::vector<std::string> RunKeysOf(const Facets& f) {
  std::vector<std::string> keys;
  ForEachKey(f, false, [&](std::string_view key) { keys.emplace_back(key); });
  for (const auto& ip : f.ips) keys.push_back(BucketKey(ip));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace internal

namespace {

constexpr int kV4BucketBits = 16;
constexpr int kV6BucketBits = 32;

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

void CountPrefix(const Cidr& c, std::array<uint32_t, 33>& v4, std::array<uint32_t, 129>& v6, int delta) {
  uint32_t& slot = c.family() == IpFamily::kV4 ? v4[static_cast<size_t>(c.prefix_length())]
                                               : v6[static_cast<size_t>(c.prefix_length())];
  if (delta > 0 && slot != UINT32_MAX) ++slot;
  if (delta < 0 && slot > 0 && slot != UINT32_MAX) --slot;
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

void Snapshot::IndexHidingRuns() {
  hiding_runs_.clear();
  delta_attributes_ = 0;
  for (size_t r = 0; r < runs_.size(); ++r) {
    if (runs_[r]->hides) hiding_runs_.push_back(r);
    delta_attributes_ += runs_[r]->attributes.size();
  }
}

const RunAttribute* Snapshot::FindEntry(Id attribute_id, size_t end, size_t* run) const {
  for (size_t r = end; r-- > 0;) {
    auto it = runs_[r]->attributes.find(attribute_id);
    if (it != runs_[r]->attributes.end()) {
      if (run != nullptr) *run = r;
      return &it->second;
    }
  }
  return nullptr;
}

bool Snapshot::LiveAt(Id attribute_id, size_t level) const {
  for (size_t r : hiding_runs_) {
    if (level != kBaseLevel && r <= level) continue;
    if (runs_[r]->attributes.contains(attribute_id)) return false;
  }
  return true;
}

bool Snapshot::BaseLive(uint32_t attr_index) const {
  return hiding_runs_.empty() || LiveAt(base_->IdAt(attr_index), kBaseLevel);
}

const IndexedAttribute* Snapshot::Find(Id attribute_id) const {
  if (const RunAttribute* e = FindEntry(attribute_id, runs_.size(), nullptr)) return e->facets ? &e->head : nullptr;
  if (!base_) return nullptr;
  const uint32_t a = base_->IndexOf(attribute_id);
  return a == kNone ? nullptr : &base_->HeadAt(a);
}

Facets Snapshot::FacetsOf(Id attribute_id) const {
  if (const RunAttribute* e = FindEntry(attribute_id, runs_.size(), nullptr)) return e->facets ? *e->facets : Facets{};
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
  bool sorted = true;
  for (size_t r = 0; r < runs_.size(); ++r) {
    auto it = runs_[r]->events.find(event_id);
    if (it == runs_[r]->events.end()) continue;
    for (Id id : it->second.attributes) {
      if (!LiveAt(id, r)) continue;
      sorted = sorted && (out.empty() || out.back() < id);
      out.push_back(id);
    }
  }
  if (!sorted) std::sort(out.begin(), out.end());
  return out;
}

bool Snapshot::EventCorrelationDisabled(Id event_id) const {
  for (size_t r = runs_.size(); r-- > 0;) {
    auto it = runs_[r]->events.find(event_id);
    if (it != runs_[r]->events.end() && it->second.disabled >= 0) return it->second.disabled != 0;
  }
  return base_ && base_->EventDisabled(event_id);
}

Snapshot::KeyView Snapshot::ViewKey(std::string_view key) const {
  KeyView v;
  const internal::HashedKey hashed(key);
  if (base_) {
    const uint32_t k = base_->FindKey(key, hashed.hash);
    if (k != kNone) v.base = base_->Postings(k);
  }
  size_t live = v.base.size();
  size_t hidden = 0;
  for (size_t r = 0; r < runs_.size(); ++r) {
    auto it = runs_[r]->keys.find(hashed);
    if (it == runs_[r]->keys.end()) continue;
    v.runs.emplace_back(r, &it->second);
    live += it->second.postings.size();
    hidden += it->second.hidden;
  }
  v.live = live - hidden;
  return v;
}

size_t Snapshot::LiveCount(std::string_view key) const {
  size_t live = 0;
  const internal::HashedKey hashed(key);
  if (base_) {
    const uint32_t k = base_->FindKey(key, hashed.hash);
    if (k != kNone) live = base_->Postings(k).size();
  }
  size_t hidden = 0;
  for (const auto& run : runs_) {
    auto it = run->keys.find(hashed);
    if (it == run->keys.end()) continue;
    live += it->second.postings.size();
    hidden += it->second.hidden;
  }
  return live - hidden;
}

template <typename F>
void Snapshot::ForEachLive(const KeyView& view, F&& f) const {
  for (uint32_t a : view.base) {
    if (BaseLive(a)) f(base_->IdAt(a), base_->HeadAt(a).event_id);
  }
  for (const auto& [r, key] : view.runs) {
    const bool check = !hiding_runs_.empty() && hiding_runs_.back() > r;
    for (const Posting& p : key->postings) {
      if (!check || LiveAt(p.attribute_id, r)) f(p.attribute_id, p.event_id);
    }
  }
}

void Snapshot::LookupKey(std::string_view key, LinkKind kind, std::string_view via, LookupState& st) const {
  KeyView view = ViewKey(key);
  if (view.live == 0 || st.Over(view.live, kind, via)) return;
  ForEachLive(view, [&](Id attribute, Id event) { st.Hit(attribute, event, kind, via); });
}

void Snapshot::CollectRunBucket(size_t run, const std::string& key, const Cidr& cidr,
                                std::vector<Posting>& out) const {
  const Run& r = *runs_[run];
  auto it = r.keys.find(key);
  if (it == r.keys.end()) return;
  const bool check = !hiding_runs_.empty() && hiding_runs_.back() > run;
  for (const Posting& p : it->second.postings) {
    if (check && !LiveAt(p.attribute_id, run)) continue;
    auto a = r.attributes.find(p.attribute_id);
    if (a == r.attributes.end() || !a->second.facets) continue;
    for (const auto& ip : a->second.facets->ips) {
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
      const auto postings = base_->Postings(k);
      size_t live = postings.size();
      if (!hiding_runs_.empty()) {
        live = static_cast<size_t>(
            std::count_if(postings.begin(), postings.end(), [&](uint32_t a) { return BaseLive(a); }));
      }
      count += live;
      if (count > st.limit) return;  // over-correlating: only the count matters from here
      for (uint32_t a : postings) {
        if (BaseLive(a)) inside.push_back({base_->IdAt(a), base_->HeadAt(a).event_id});
      }
    });
  }
  if (!runs_.empty()) {
    std::vector<Posting> run_inside;
    const bool v4 = cidr.family() == IpFamily::kV4;
    const int bucket_bits = v4 ? kV4BucketBits : kV6BucketBits;
    const int len = cidr.prefix_length();
    for (size_t r = 0; r < runs_.size(); ++r) {
      if (len >= bucket_bits) {
        CollectRunBucket(r, internal::BucketKey(cidr.network()), cidr, run_inside);
      } else if (bucket_bits - len <= 16) {
        // Enumerate the buckets the prefix spans: at most 65536 hash probes per run.
        const uint64_t buckets = uint64_t{1} << (bucket_bits - len);
        auto bytes = cidr.network().bytes();
        const size_t first = v4 ? 12 : 0;
        const size_t nbytes = v4 ? 2 : 4;
        uint64_t start = 0;
        for (size_t i = 0; i < nbytes; ++i) start = (start << 8) | bytes[first + i];
        std::string key;
        for (uint64_t i = 0; i < buckets; ++i) {
          const uint64_t b = start + i;
          key = v4 ? "b4" : "b6";
          for (size_t k = 0; k < nbytes; ++k) key += static_cast<char>((b >> (8 * (nbytes - 1 - k))) & 0xff);
          CollectRunBucket(r, key, cidr, run_inside);
        }
      } else {
        // A very short IPv6 prefix: scan every IPv6 bucket of the run.
        for (const auto& [key, postings] : runs_[r]->keys) {
          if (key.size() == 6 && key[0] == 'b' && key[1] == '6') CollectRunBucket(r, key, cidr, run_inside);
        }
      }
    }
    count += run_inside.size();
    if (count <= st.limit) inside.insert(inside.end(), run_inside.begin(), run_inside.end());
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
      if (runs_.empty()) {
        consider(key, KeyView{postings, {}, postings.size()});
      } else {
        consider(key, ViewKey(key));
      }
    }
  }
  std::unordered_set<std::string_view> seen;  // keys of the runs only, considered once
  for (const auto& run : runs_) {
    for (const auto& [key, rk] : run->keys) {
      if (key.empty() || key[0] != internal::kValueKey || rk.postings.empty()) continue;
      if (base_) {  // a key with postings in the base was considered with the base's keys
        const uint32_t k = base_->FindKey(key);
        if (k != kNone && !base_->Postings(k).empty()) continue;
      }
      if (!seen.insert(key).second) continue;
      consider(key, ViewKey(key));
    }
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

SnapshotEditor::SnapshotEditor(std::shared_ptr<const Snapshot> base, std::shared_ptr<const Options> options,
                               Compactor* compactor)
    : next_(std::make_shared<Snapshot>()), compactor_(compactor) {
  if (!base) {
    bulk_ = std::make_unique<BaseBuilder>();
  } else {
    next_->base_ = base->base_;
    next_->runs_ = base->runs_;
    next_->hiding_runs_ = base->hiding_runs_;
    next_->v4_prefixes_ = base->v4_prefixes_;
    next_->v6_prefixes_ = base->v6_prefixes_;
    next_->attribute_count_ = base->attribute_count_;
    next_->key_count_ = base->key_count_;
    next_->delta_attributes_ = base->delta_attributes_;
    next_->seq_ = base->seq_;
  }
  next_->options_ = options ? std::move(options) : (base ? base->options_ : std::make_shared<const Options>());
}

SnapshotEditor::~SnapshotEditor() = default;

size_t SnapshotEditor::written_entries() const {
  return head_ ? head_->attributes.size() + head_->keys.size() + head_->events.size() : 0;
}

Run& SnapshotEditor::Head() {
  if (!head_) {
    Materialize();
    head_ = std::make_shared<Run>();
    next_->runs_.push_back(head_);
  }
  return *head_;
}

void SnapshotEditor::MarkHiding() {
  if (head_->hides) return;
  head_->hides = true;
  next_->hiding_runs_.push_back(next_->runs_.size() - 1);
}

void SnapshotEditor::InstallBase(std::shared_ptr<const Base> base) {
  Snapshot& s = *next_;
  s.base_ = std::move(base);
  s.runs_.clear();
  s.hiding_runs_.clear();
  head_.reset();
  s.v4_prefixes_ = s.base_->v4_prefixes();
  s.v6_prefixes_ = s.base_->v6_prefixes();
  s.attribute_count_ = s.base_->attribute_count();
  s.key_count_ = s.base_->key_count();
  s.delta_attributes_ = 0;
}

void SnapshotEditor::Materialize() {
  if (!bulk_) return;
  InstallBase(bulk_->Build());
  bulk_.reset();
}

void SnapshotEditor::AddKeys(Id attribute_id, Id event_id, const Facets& facets) {
  Snapshot& s = *next_;
  Run& head = Head();
  for (auto& key : internal::RunKeysOf(facets)) {
    const bool counted = CountedKey(key);
    auto [it, inserted] = head.keys.try_emplace(std::move(key));
    // A key the head already lists live postings for is live: only the others need counting across levels.
    if (counted && it->second.postings.empty() && s.LiveCount(it->first) == 0) ++s.key_count_;
    it->second.postings.push_back({attribute_id, event_id});
  }
  for (const auto& c : facets.cidrs) CountPrefix(c, s.v4_prefixes_, s.v6_prefixes_, +1);
}

void SnapshotEditor::RemoveKeys(Id attribute_id, const Facets& facets) {
  Snapshot& s = *next_;
  Run& head = Head();
  for (const auto& key : internal::RunKeysOf(facets)) {
    auto it = head.keys.find(key);
    if (it == head.keys.end()) continue;
    auto& v = it->second.postings;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Posting& p) { return p.attribute_id == attribute_id; }),
            v.end());
    if (v.empty() && it->second.hidden == 0) head.keys.erase(it);
    if (CountedKey(key) && s.LiveCount(key) == 0) --s.key_count_;
  }
  for (const auto& c : facets.cidrs) CountPrefix(c, s.v4_prefixes_, s.v6_prefixes_, -1);
}

// Hides the live version of an attribute in the levels below the head behind a tombstone, adjusting the live
// counts of its keys. True when those levels have an entry or a version of it (live or not).
bool SnapshotEditor::HideOlder(Id attribute_id) {
  Snapshot& s = *next_;
  Run& head = Head();
  const size_t end = s.runs_.size() - 1;
  std::vector<std::string> keys;
  const RunAttribute* older = s.FindEntry(attribute_id, end, nullptr);
  if (older != nullptr) {
    if (!older->facets) return true;  // removed already
    for (auto& key : internal::RunKeysOf(*older->facets)) {
      if (CountedKey(key)) keys.push_back(std::move(key));
    }
    for (const auto& c : older->facets->cidrs) CountPrefix(c, s.v4_prefixes_, s.v6_prefixes_, -1);
  } else {
    const uint32_t a = s.base_ ? s.base_->IndexOf(attribute_id) : kNone;
    if (a == kNone) return false;
    for (uint32_t k : s.base_->KeysAt(a)) {
      std::string_view key = s.base_->keys().Get(k);
      if (!CountedKey(key)) continue;
      keys.emplace_back(key);
      if (key[0] == internal::kCidrKey) {
        if (auto c = Cidr::Parse(key.substr(1)); c.ok()) CountPrefix(*c, s.v4_prefixes_, s.v6_prefixes_, -1);
      }
    }
  }
  head.attributes[attribute_id] = RunAttribute{{}, nullptr};
  MarkHiding();
  ++s.delta_attributes_;
  --s.attribute_count_;
  for (auto& key : keys) {
    if (s.LiveCount(key) == 1) --s.key_count_;
    ++head.keys[std::move(key)].hidden;
  }
  return true;
}

void SnapshotEditor::Remove(Id attribute_id) {
  if (bulk_) {
    bulk_->Add(attribute_id, 0, Facets{});
    return;
  }
  RemoveFromHead(attribute_id);
}

bool SnapshotEditor::RemoveFromHead(Id attribute_id) {
  Snapshot& s = *next_;
  Run& head = Head();
  auto it = head.attributes.find(attribute_id);
  if (it == head.attributes.end()) return HideOlder(attribute_id);
  if (!it->second.facets) return true;  // a tombstone: removed already, and hiding an older version
  RunAttribute old = std::move(it->second);
  const RunAttribute* older = s.FindEntry(attribute_id, s.runs_.size() - 1, nullptr);
  const bool older_live =
      older != nullptr ? older->facets != nullptr : s.base_ && s.base_->IndexOf(attribute_id) != kNone;
  if (older_live) {
    it->second = RunAttribute{{}, nullptr};  // the older version stays hidden
  } else {
    head.attributes.erase(it);
    --s.delta_attributes_;
  }
  --s.attribute_count_;
  RemoveKeys(attribute_id, *old.facets);
  auto ev = head.events.find(old.head.event_id);
  if (ev != head.events.end()) {
    auto& ids = ev->second.attributes;
    auto pos = std::lower_bound(ids.begin(), ids.end(), attribute_id);
    if (pos != ids.end() && *pos == attribute_id) ids.erase(pos);
    if (ids.empty() && ev->second.disabled < 0) head.events.erase(ev);
  }
  return older != nullptr || older_live;
}

void SnapshotEditor::Upsert(Id attribute_id, Id event_id, Facets facets) {
  if (bulk_) {
    bulk_->Add(attribute_id, event_id, facets);
    return;
  }
  const bool older = RemoveFromHead(attribute_id);
  if (facets.empty()) return;
  Snapshot& s = *next_;
  AddKeys(attribute_id, event_id, facets);
  Run& head = *head_;
  auto [it, inserted] = head.attributes.try_emplace(attribute_id);
  if (inserted) {
    ++s.delta_attributes_;
    if (older) MarkHiding();  // the new entry hides an older entry or version, live or not
  }
  it->second = RunAttribute{IndexedAttribute{event_id}, std::make_shared<const Facets>(std::move(facets))};
  ++s.attribute_count_;
  auto& ids = head.events[event_id].attributes;
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
  Head().events[event_id].disabled = static_cast<int8_t>(disabled);
}

std::shared_ptr<const Snapshot> SnapshotEditor::Publish(int64_t seq) {
  Materialize();
  Snapshot& s = *next_;
  if (head_ && head_->empty()) {
    s.runs_.pop_back();
    s.IndexHidingRuns();
  }
  head_.reset();
  if (compactor_ != nullptr) {
    compactor_->Apply(s);
  } else {
    Merger::MergeDue(s);
  }
  s.seq_ = seq;
  std::shared_ptr<const Snapshot> out = std::move(next_);
  if (compactor_ != nullptr) compactor_->Schedule(out);
  return out;
}

}  // namespace bulwark::correlate
