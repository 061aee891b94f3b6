#include "match/line_matcher.h"

#include "match/normalize.h"
#include "match/scan.h"

namespace bulwark::match {

void LineMatcher::Emit(const IndicatorHit& hit, std::string_view observed, size_t off) {
  ++matches_;
  if (emitter_ == nullptr) return;
  MatchRecord r;
  r.position = position_;
  r.field = field_;
  r.observed = observed;
  r.offset = (position_ != nullptr ? position_->offset : 0) + base_ + off;
  r.hit = hit;
  emitter_->OnMatch(r);
}

void LineMatcher::Queue(uint64_t hash, KeyKind kind, std::string_view key, std::string_view observed, size_t off,
                        uint32_t group, bool lpm) {
  if (n_pending_ == kMaxPending) FlushPending();
  set_->Prefetch(hash);
  Pending& p = pending_[n_pending_++];
  p.hash = hash;
  p.key = key.data();
  p.key_length = static_cast<uint32_t>(key.size());
  p.url_offset = 0;
  p.group = group;
  p.kind = kind;
  p.lpm = lpm;
  p.observed = observed;
  p.offset = off;
}

void LineMatcher::FlushPending() {
  uint32_t hit_group = ~0u;
  for (size_t i = 0; i < n_pending_; ++i) {
    const Pending& p = pending_[i];
    if (p.lpm && p.group == hit_group) continue;  // a longer prefix of this address matched
    const char* key = p.kind == KeyKind::kUrl ? url_keys_.data() + p.url_offset : p.key;
    set_->ProbeHashed(p.hash, p.kind, std::string_view(key, p.key_length), [&](const IndicatorHit& hit) {
      if (p.lpm) hit_group = p.group;
      Emit(hit, p.observed, p.offset);
    });
  }
  n_pending_ = 0;
  url_keys_.clear();
}

void LineMatcher::OnIpv4(uint32_t a, std::string_view text, size_t off) {
  const std::vector<uint8_t>& lengths = set_->v4_lengths();
  if (lengths.empty()) return;
  if (lengths.size() > kMaxPending) {
    set_->MatchIpv4(a, [&](const IndicatorHit& hit) { Emit(hit, text, off); });
    return;
  }
  if (n_pending_ + lengths.size() > kMaxPending) FlushPending();  // one address's lengths in one flush
  ++group_;
  for (uint8_t len : lengths) {
    if (n_pending_ == kMaxPending) FlushPending();
    char* buf = ip_keys_[n_pending_];
    uint32_t masked = len == 0 ? 0 : a & (~uint32_t{0} << (32 - len));
    buf[0] = 4;
    buf[1] = static_cast<char>(masked >> 24);
    buf[2] = static_cast<char>(masked >> 16);
    buf[3] = static_cast<char>(masked >> 8);
    buf[4] = static_cast<char>(masked);
    buf[5] = static_cast<char>(len);
    std::string_view key(buf, 6);
    Queue(IpKeyHash(key), KeyKind::kIp, key, text, off, group_, true);
  }
}

void LineMatcher::OnIp(const IpAddress& a, std::string_view text, size_t off) {
  if (a.is_v4()) return OnIpv4(a.v4_value(), text, off);
  const std::vector<uint8_t>& lengths = set_->v6_lengths();
  if (lengths.empty()) return;
  if (lengths.size() > kMaxPending) {
    set_->MatchIp(a, [&](const IndicatorHit& hit) { Emit(hit, text, off); });
    return;
  }
  if (n_pending_ + lengths.size() > kMaxPending) FlushPending();
  ++group_;
  for (uint8_t len : lengths) {
    if (n_pending_ == kMaxPending) FlushPending();
    std::string_view key = IpKey(a, len, ip_keys_[n_pending_]);
    Queue(IpKeyHash(key), KeyKind::kIp, key, text, off, group_, true);
  }
}

void LineMatcher::OnDomain(std::string_view name, size_t off) {
  if (!set_->has_domains() || name.size() > 253 || name.empty()) return;
  const int min_labels = set_->min_domain_labels();
  uint64_t h = 0;
  int labels = 0;
  for (size_t i = name.size(); i > 0; --i) {
    h = HashStep(h, static_cast<uint8_t>(name[i - 1]));
    if (i == 1 || name[i - 2] == '.') {
      if (++labels >= min_labels) {
        Queue(HashFinish(h, KeyKind::kDomain), KeyKind::kDomain, name.substr(i - 1), name, off, 0, false);
      }
    }
  }
}

void LineMatcher::OnUrl(std::string_view url, size_t off) {
  if (!NormalizeUrl(url, scratch_)) return;
  if (n_pending_ == kMaxPending) FlushPending();
  auto url_offset = static_cast<uint32_t>(url_keys_.size());
  url_keys_.append(scratch_);
  Queue(KeyHash(KeyKind::kUrl, scratch_), KeyKind::kUrl, scratch_, url, off, 0, false);
  pending_[n_pending_ - 1].url_offset = url_offset;
}

void LineMatcher::OnEmail(std::string_view address, size_t off) {
  Queue(KeyHash(KeyKind::kEmail, address), KeyKind::kEmail, address, address, off, 0, false);
}

void LineMatcher::OnHash(std::string_view hex, size_t off) {
  Queue(KeyHash(KeyKind::kHash, hex), KeyKind::kHash, hex, hex, off, 0, false);
  if (hex.size() == 32 && set_->has_ja3()) Queue(KeyHash(KeyKind::kJa3, hex), KeyKind::kJa3, hex, hex, off, 0, false);
}

void LineMatcher::Match(FieldKind kind, std::string_view field, std::string_view value, size_t offset_in_line) {
  if (set_ == nullptr || value.empty() || value.size() > kMaxKeyBytes) return;
  field_ = field;
  base_ = offset_in_line;
  auto emit = [&](const IndicatorHit& hit) { Emit(hit, value, 0); };
  switch (kind) {
    case FieldKind::kIp: {
      uint32_t v4;
      IpAddress a;
      if (scan_detail::ParseIpv4(value, &v4)) {
        set_->MatchIpv4(v4, emit);
        return;
      }
      if (scan_detail::ParseIpv6(value, &a)) {
        set_->MatchIp(a, emit);
        return;
      }
      break;
    }
    case FieldKind::kDomain: {
      std::string_view v = value;
      while (!v.empty() && v.back() == '.') v.remove_suffix(1);
      uint32_t v4;
      if (scan_detail::ParseIpv4(v, &v4)) {
        set_->MatchIpv4(v4, emit);
        return;
      }
      if (v.find(':') == std::string_view::npos && v.find(' ') == std::string_view::npos) {
        set_->MatchDomain(v, [&](const IndicatorHit& hit) { Emit(hit, v, 0); });
        return;
      }
      break;
    }
    case FieldKind::kUrl:
      if (value.find("://") == std::string_view::npos) {
        if (NormalizeUrl(value, scratch_)) set_->MatchKey(KeyKind::kUrl, scratch_, emit);
      }
      break;  // a full URL: the scanner reports it, its host and anything else in it
    case FieldKind::kUserAgent:
      set_->MatchUserAgent(value, emit);
      return;  // user agents are not scanned for domains (version strings look like names)
    case FieldKind::kJa3:
      set_->MatchKey(KeyKind::kJa3, value, emit);
      return;
    case FieldKind::kHash:
      set_->MatchKey(KeyKind::kHash, value, emit);
      return;
    case FieldKind::kFilename:
      if (set_->has_filenames()) set_->MatchKey(KeyKind::kFilename, value, emit);
      {
        // A path: its last component is the file name.
        size_t slash = value.find_last_of("/\\");
        if (slash != std::string_view::npos && slash + 1 < value.size() && set_->has_filenames()) {
          std::string_view base = value.substr(slash + 1);
          set_->MatchKey(KeyKind::kFilename, base, [&](const IndicatorHit& hit) { Emit(hit, base, slash + 1); });
        }
      }
      return;
    case FieldKind::kText:
    case FieldKind::kEmail:
      break;
  }
  ScanText(value, *this);
  FlushPending();
}

void LineMatcher::MatchHostUri(std::string_view host, std::string_view uri, size_t offset_in_line) {
  if (set_ == nullptr || host.empty() || uri.empty() || host.size() + uri.size() > kMaxKeyBytes) return;
  if (uri.find("://") != std::string_view::npos) return;  // proxy request: the URI is a full URL
  scratch_.assign(host);
  if (uri.front() != '/') scratch_.push_back('/');
  scratch_.append(uri);
  std::string key;
  if (!NormalizeUrl(scratch_, key)) return;
  field_ = "uri";
  base_ = offset_in_line;
  std::string observed = scratch_;
  set_->MatchKey(KeyKind::kUrl, key, [&](const IndicatorHit& hit) { Emit(hit, observed, 0); });
}

}  // namespace bulwark::match
