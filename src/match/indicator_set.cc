#include "match/indicator_set.h"

#include <algorithm>
#include <bit>

#include "match/normalize.h"
#include "stix/pattern/parser.h"

namespace bulwark::match {
namespace {

constexpr size_t kMaxSamples = 20;

class EventCompiler {
 public:
  explicit EventCompiler(CompiledEvent& out) : out_(out) {}

  void Compile(uint32_t index) {
    const Indicator& ind = out_.indicators[index];
    index_ = index;
    added_ = false;
    reason_.clear();
    CompileTyped(ind.type, ind.value);
    if (!added_) {
      if (reason_.empty()) reason_ = "no key";
      ++out_.not_compiled;
      ++out_.rejected_by_reason[reason_];
      if (out_.rejected.size() < kMaxSamples) {
        out_.rejected.emplace_back(ind.attribute_uuid + " " + ind.type + " " + ind.value.substr(0, 200), reason_);
      }
    }
  }

 private:
  void Fail(std::string reason) {
    if (reason_.empty()) reason_ = std::move(reason);
  }

  void AddKey(KeyKind kind, std::string_view key, uint64_t hash) {
    CompiledEvent::Key k;
    k.hash = hash;
    k.indicator = index_;
    k.offset = static_cast<uint32_t>(out_.arena.size());
    k.length = static_cast<uint32_t>(key.size());
    k.kind = kind;
    out_.arena.append(key);
    out_.keys.push_back(k);
    added_ = true;
  }

  void AddDomain(std::string_view v) {
    if (!NormalizeDomain(Trim(v), buf_)) return Fail("invalid domain");
    AddKey(KeyKind::kDomain, buf_, KeyHash(KeyKind::kDomain, buf_));
  }
  void AddIp(std::string_view v) {
    v = Trim(v);
    if (!v.empty() && v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);
    auto cidr = Cidr::ParseMasked(v);
    if (!cidr.ok()) return Fail("invalid IP address or prefix");
    char buf[20];
    std::string_view key = IpKey(cidr->network(), cidr->prefix_length(), buf);
    AddKey(KeyKind::kIp, key, IpKeyHash(key));
  }
  void AddUrl(std::string_view v) {
    if (!NormalizeUrl(Trim(v), buf_)) return Fail("invalid URL");
    AddKey(KeyKind::kUrl, buf_, KeyHash(KeyKind::kUrl, buf_));
  }
  void AddEmail(std::string_view v) {
    if (!NormalizeEmail(Trim(v), buf_)) return Fail("invalid e-mail address");
    AddKey(KeyKind::kEmail, buf_, KeyHash(KeyKind::kEmail, buf_));
  }
  void AddHash(std::string_view v, KeyKind kind = KeyKind::kHash) {
    if (!NormalizeHash(Trim(v), buf_)) return Fail("invalid hash");
    if (kind == KeyKind::kJa3 && buf_.size() != 32) return Fail("invalid JA3 fingerprint");
    AddKey(kind, buf_, KeyHash(kind, buf_));
  }
  void AddFilename(std::string_view v) {
    if (!NormalizeFolded(v, buf_)) return Fail("invalid filename");
    AddKey(KeyKind::kFilename, buf_, KeyHash(KeyKind::kFilename, buf_));
  }
  void AddUserAgent(std::string_view v) {
    if (v.empty() || v.size() > kMaxKeyBytes) return Fail("invalid user-agent");
    out_.user_agents.emplace_back(index_, std::string(v));
    added_ = true;
  }

  static std::string_view Trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' || v.back() == '\n')) {
      v.remove_suffix(1);
    }
    return v;
  }

  static std::pair<std::string_view, std::string_view> Halves(std::string_view v) {
    size_t bar = v.find('|');
    if (bar == std::string_view::npos) return {v, {}};
    return {v.substr(0, bar), v.substr(bar + 1)};
  }

  void CompileTyped(std::string_view type, std::string_view value) {
    auto [first, second] = Halves(value);
    if (type == "ip-src" || type == "ip-dst") return AddIp(value);
    if (type == "ip-src|port" || type == "ip-dst|port") return AddIp(first);
    if (type == "domain" || type == "hostname") return AddDomain(value);
    if (type == "domain|ip") {
      AddDomain(first);
      AddIp(second);
      return;
    }
    if (type == "hostname|port") return AddDomain(first);
    if (type == "url") return AddUrl(value);
    if (type == "email" || type == "email-src" || type == "email-dst" || type == "email-reply-to") {
      return AddEmail(value);
    }
    if (type == "md5" || type == "sha1" || type == "sha256" || type == "sha512") return AddHash(value);
    if (type == "filename|md5" || type == "filename|sha1" || type == "filename|sha256" ||
        type == "filename|sha512") {
      AddFilename(first);
      AddHash(second);
      return;
    }
    if (type == "filename") return AddFilename(value);
    if (type == "ja3-fingerprint-md5" || type == "ja3s-fingerprint-md5") return AddHash(value, KeyKind::kJa3);
    if (type == "user-agent") return AddUserAgent(value);
    if (type == "stix2-pattern") return AddStixPattern(value);
    Fail("type not matched: " + std::string(type));
  }

  // A pattern that is one observation of `=` / IN comparisons joined by OR, over supported paths.
  void AddStixPattern(std::string_view text) {
    auto parsed = stix::pattern::Parse(text);
    if (!parsed.ok()) return Fail("STIX pattern does not parse");
    const stix::pattern::ObservationExpr& root = parsed->root;
    using stix::pattern::ComparisonExpr;
    if (root.kind != stix::pattern::ObservationExpr::Kind::kObservation) {
      return Fail("STIX pattern too complex (more than one observation, or a qualifier)");
    }
    std::vector<const stix::pattern::Comparison*> comparisons;
    if (root.comparison.kind == ComparisonExpr::Kind::kComparison) {
      comparisons.push_back(&root.comparison.comparison);
    } else if (root.comparison.kind == ComparisonExpr::Kind::kOr) {
      for (const ComparisonExpr& c : root.comparison.children) {
        if (c.kind != ComparisonExpr::Kind::kComparison) return Fail("STIX pattern too complex (nested AND/OR)");
        comparisons.push_back(&c.comparison);
      }
    } else {
      return Fail("STIX pattern too complex (AND)");
    }
    // Check everything first: a pattern compiles entirely or not at all.
    for (const auto* c : comparisons) {
      if (c->negated || (c->op != stix::pattern::CompareOp::kEqual && c->op != stix::pattern::CompareOp::kIn)) {
        return Fail("STIX pattern operator not supported (only = and IN)");
      }
      if (StixTarget(*c) == Target::kNone) return Fail("STIX pattern path not supported");
    }
    bool any = false;
    for (const auto* c : comparisons) {
      if (c->op == stix::pattern::CompareOp::kEqual) {
        any |= AddStixLiteral(StixTarget(*c), c->value);
      } else {
        for (const auto& lit : c->set) any |= AddStixLiteral(StixTarget(*c), lit);
      }
    }
    if (!any) Fail("STIX pattern has no usable value");
  }

  enum class Target { kNone, kIp, kDomain, kUrl, kEmail, kHash, kFilename };

  static Target StixTarget(const stix::pattern::Comparison& c) {
    const auto& steps = c.path.steps;
    const std::string& t = c.path.object_type;
    auto key_is = [&](size_t i, std::string_view k) {
      return steps.size() > i && steps[i].kind == stix::pattern::PathStep::Kind::kKey && steps[i].key == k;
    };
    if (steps.size() == 1 && key_is(0, "value")) {
      if (t == "ipv4-addr" || t == "ipv6-addr") return Target::kIp;
      if (t == "domain-name") return Target::kDomain;
      if (t == "url") return Target::kUrl;
      if (t == "email-addr") return Target::kEmail;
    }
    if (t == "file" && steps.size() == 1 && key_is(0, "name")) return Target::kFilename;
    if (t == "file" && steps.size() == 2 && key_is(0, "hashes")) {
      const std::string& h = steps[1].key;
      if (h == "MD5" || h == "SHA-1" || h == "SHA-256" || h == "SHA-512" || h == "SHA1" || h == "SHA256" ||
          h == "SHA512") {
        return Target::kHash;
      }
    }
    return Target::kNone;
  }

  bool AddStixLiteral(Target target, const stix::pattern::Literal& lit) {
    if (lit.kind != stix::pattern::Literal::Kind::kString) return false;
    size_t before = out_.keys.size();
    switch (target) {
      case Target::kIp: AddIp(lit.bytes); break;
      case Target::kDomain: AddDomain(lit.bytes); break;
      case Target::kUrl: AddUrl(lit.bytes); break;
      case Target::kEmail: AddEmail(lit.bytes); break;
      case Target::kHash: AddHash(lit.bytes); break;
      case Target::kFilename: AddFilename(lit.bytes); break;
      case Target::kNone: break;
    }
    return out_.keys.size() > before;
  }

  CompiledEvent& out_;
  uint32_t index_ = 0;
  bool added_ = false;
  std::string reason_;
  std::string buf_;
};

}  // namespace

std::string_view IpKey(const IpAddress& address, int length, char* buf) {
  IpAddress masked = address.Masked(length);
  const auto& bytes = masked.bytes();
  size_t n = 0;
  buf[n++] = static_cast<char>(address.is_v4() ? 4 : 6);
  if (address.is_v4()) {
    std::memcpy(buf + n, bytes.data() + 12, 4);
    n += 4;
  } else {
    std::memcpy(buf + n, bytes.data(), 16);
    n += 16;
  }
  buf[n++] = static_cast<char>(length);
  return std::string_view(buf, n);
}

std::shared_ptr<const CompiledEvent> CompileEvent(EventIndicators event) {
  auto out = std::make_shared<CompiledEvent>();
  out->event_uuid = std::move(event.event_uuid);
  out->indicators = std::move(event.indicators);
  out->keys.reserve(out->indicators.size());
  EventCompiler compiler(*out);
  for (uint32_t i = 0; i < out->indicators.size(); ++i) compiler.Compile(i);
  return out;
}

namespace detail {

void BlockedBloom::Init(size_t keys) {
  blocks_.clear();
  block_mask_ = 0;
  if (keys == 0) return;
  // ~8 bits per key in 512-bit blocks, a power of two blocks, at most 2^16 blocks (4 MiB).
  size_t want_blocks = std::max<size_t>(1, keys * 8 / 512);
  size_t blocks = std::min<size_t>(std::bit_ceil(want_blocks), size_t{1} << 16);
  blocks_.assign(blocks * 8, 0);
  block_mask_ = blocks - 1;
}

void BlockedBloom::Add(uint64_t h) {
  uint64_t* block = &blocks_[BlockOf(h) * 8];
  for (int i = 0; i < 8; ++i) block[i] |= 1ull << ((h >> (6 * i)) & 63);
}

}  // namespace detail

IndicatorSet::IndicatorSet() = default;
IndicatorSet::~IndicatorSet() = default;

std::shared_ptr<const IndicatorSet> IndicatorSet::Empty() {
  static const std::shared_ptr<const IndicatorSet> empty = std::make_shared<IndicatorSet>();
  return empty;
}

std::shared_ptr<const IndicatorSet> IndicatorSet::Apply(const std::shared_ptr<const IndicatorSet>& base,
                                                        IndicatorBatch batch) {
  auto set = std::make_shared<IndicatorSet>();
  if (base != nullptr && !batch.full) set->events_ = base->events_;
  for (EventIndicators& e : batch.events) {
    std::string uuid = e.event_uuid;
    if (e.indicators.empty()) {
      set->events_.erase(uuid);
      continue;
    }
    set->events_[uuid] = CompileEvent(std::move(e));
  }
  set->cursor_ = batch.cursor;
  set->Rebuild();
  return set;
}

std::vector<std::shared_ptr<const CompiledEvent>> IndicatorSet::Events() const {
  std::vector<std::shared_ptr<const CompiledEvent>> out;
  out.reserve(events_.size());
  for (const auto& [uuid, ev] : events_) out.push_back(ev);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->event_uuid < b->event_uuid; });
  return out;
}

void IndicatorSet::Insert(const detail::Ref& ref) {
  bloom_.Add(ref.hash);
  size_t i = static_cast<size_t>(ref.hash) & slot_mask_;
  while (slots_[i].head != detail::kNone && slots_[i].hash != ref.hash) i = (i + 1) & slot_mask_;
  auto index = static_cast<uint32_t>(refs_.size());
  refs_.push_back(ref);
  refs_.back().next = slots_[i].head;
  slots_[i].hash = ref.hash;
  slots_[i].head = index;
}

void IndicatorSet::Rebuild() {
  stats_ = CompileStats{};
  size_t keys = 0;
  for (const auto& [uuid, ev] : events_) keys += ev->keys.size();
  bloom_.Init(keys);
  slots_.assign(std::bit_ceil(std::max<size_t>(16, keys * 2)), Slot{0, detail::kNone});
  slot_mask_ = slots_.size() - 1;
  refs_.clear();
  refs_.reserve(keys);
  bool v4_len[33] = {};
  bool v6_len[129] = {};
  std::vector<warninglist::Pattern> ua_patterns;
  for (const auto& [uuid, ev] : events_) {
    ++stats_.events;
    stats_.indicators += ev->indicators.size();
    stats_.not_compiled += ev->not_compiled;
    for (const auto& [reason, n] : ev->rejected_by_reason) stats_.not_compiled_by_reason[reason] += n;
    for (const auto& [sample, reason] : ev->rejected) {
      if (stats_.not_compiled_samples.size() < kMaxSamples) stats_.not_compiled_samples.push_back(sample + ": " + reason);
    }
    for (const CompiledEvent::Key& k : ev->keys) {
      const char* key = ev->arena.data() + k.offset;
      Insert(detail::Ref{k.hash, &ev->indicators[k.indicator], key, k.length, detail::kNone, k.kind});
      if (k.kind == KeyKind::kIp) {
        auto len = static_cast<uint8_t>(key[k.length - 1]);
        (key[0] == 4 ? v4_len[std::min<int>(len, 32)] : v6_len[std::min<int>(len, 128)]) = true;
      }
      if (k.kind == KeyKind::kDomain) {
        int labels = 1 + static_cast<int>(std::count(key, key + k.length, '.'));
        min_domain_labels_ = has_domains_ ? std::min(min_domain_labels_, labels) : labels;
        has_domains_ = true;
      }
      has_ja3_ |= k.kind == KeyKind::kJa3;
      has_filenames_ |= k.kind == KeyKind::kFilename;
    }
    for (const auto& [index, literal] : ev->user_agents) {
      ua_patterns.push_back(warninglist::Pattern{literal, warninglist::kCaseless,
                                                 static_cast<uint32_t>(user_agents_.size())});
      user_agents_.push_back(&ev->indicators[index]);
    }
  }
  stats_.keys = refs_.size();
  for (int l = 32; l >= 0; --l) {
    if (v4_len[l]) v4_lengths_.push_back(static_cast<uint8_t>(l));
  }
  for (int l = 128; l >= 0; --l) {
    if (v6_len[l]) v6_lengths_.push_back(static_cast<uint8_t>(l));
  }
  if (!ua_patterns.empty()) {
    auto db = warninglist::PatternDb::Compile(warninglist::PatternKind::kLiteral, ua_patterns);
    if (db.ok()) {
      user_agent_db_ = std::move(db).value();
      stats_.user_agents = ua_patterns.size();
    } else {
      stats_.not_compiled += ua_patterns.size();
      stats_.not_compiled_by_reason["user-agent database: " + db.error().message] += ua_patterns.size();
      user_agents_.clear();
    }
  }
}

}  // namespace bulwark::match
