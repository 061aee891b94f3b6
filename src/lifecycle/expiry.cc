#include "lifecycle/expiry.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "lifecycle/decay.h"

namespace bulwark::lifecycle {
namespace {

namespace json = boost::json;

constexpr size_t kMaxEntries = 4096;
constexpr size_t kMaxTypeBytes = 255;
constexpr std::string_view kRetentionPrefix = "retention:";

// The built-in table. Why these numbers: docs/lifecycle.md, "Expiry".
struct DefaultEntry {
  std::string_view type;
  int32_t days;  // ExpiryPolicy::kNever is -1
};
constexpr int32_t kNeverDays = -1;
constexpr DefaultEntry kDefaults[] = {
    // Addresses are reassigned quickly (cloud, VPS, residential proxies, DDoS botnets).
    {"ip-src", 30}, {"ip-dst", 30}, {"ip-src|port", 30}, {"ip-dst|port", 30}, {"domain|ip", 30},
    // URLs die with the page or kit; phishing kits move within weeks.
    {"url", 90}, {"uri", 90}, {"user-agent", 90},
    // Registered names and sender addresses are reused for months by the same actor.
    {"domain", 180}, {"hostname", 180}, {"hostname|port", 180},
    {"email", 180}, {"email-src", 180}, {"email-dst", 180}, {"email-reply-to", 180},
    // Lures change with every wave.
    {"email-subject", 30},
    // Tool fingerprints live as long as the tool, but collide with legitimate software over time.
    {"ja3-fingerprint-md5", 365}, {"jarm-fingerprint", 365}, {"hassh-md5", 365}, {"hasshserver-md5", 365},
    {"AS", 365}, {"mutex", 365}, {"regkey", 365}, {"regkey|value", 365}, {"filename", 365},
    // A hash names the same bytes forever: never expires, even when "*" is given a lifetime.
    {"md5", kNeverDays}, {"sha1", kNeverDays}, {"sha224", kNeverDays}, {"sha256", kNeverDays},
    {"sha384", kNeverDays}, {"sha512", kNeverDays}, {"sha512/224", kNeverDays}, {"sha512/256", kNeverDays},
    {"sha3-224", kNeverDays}, {"sha3-256", kNeverDays}, {"sha3-384", kNeverDays}, {"sha3-512", kNeverDays},
    {"ssdeep", kNeverDays}, {"imphash", kNeverDays}, {"telfhash", kNeverDays}, {"tlsh", kNeverDays},
    {"authentihash", kNeverDays}, {"vhash", kNeverDays}, {"pehash", kNeverDays}, {"impfuzzy", kNeverDays},
    {"cdhash", kNeverDays}, {"filename|md5", kNeverDays}, {"filename|sha1", kNeverDays},
    {"filename|sha256", kNeverDays}, {"filename|sha512", kNeverDays}, {"filename|imphash", kNeverDays},
    {"filename|ssdeep", kNeverDays}, {"filename|tlsh", kNeverDays}, {"x509-fingerprint-md5", kNeverDays},
    {"x509-fingerprint-sha1", kNeverDays}, {"x509-fingerprint-sha256", kNeverDays},
    // Authored detection content is retired by its author, not by time.
    {"snort", kNeverDays}, {"suricata", kNeverDays}, {"yara", kNeverDays}, {"sigma", kNeverDays},
    {"zeek", kNeverDays}, {"bro", kNeverDays},
};

std::optional<int32_t> ParseDays(const json::value& v) {
  if (v.is_null()) return kNeverDays;
  if (const json::string* s = v.if_string(); s != nullptr) {
    if (*s == "never") return kNeverDays;
    return std::nullopt;
  }
  int64_t d = 0;
  if (v.is_int64()) {
    d = v.get_int64();
  } else if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(kMaxExpiryDays)) return std::nullopt;
    d = static_cast<int64_t>(v.get_uint64());
  } else {
    return std::nullopt;
  }
  if (d < 1 || d > kMaxExpiryDays) return std::nullopt;
  return static_cast<int32_t>(d);
}

// The retention tag among `tags` (the first with a parsable lifetime), or nullptr.
const model::AppliedTag* FindRetentionTag(std::span<const model::AppliedTag> tags, int32_t& days) {
  for (const auto& t : tags) {
    if (auto d = RetentionDays(t.tag.name)) {
      days = *d;
      return &t;
    }
  }
  return nullptr;
}

std::string DaysSince(int64_t now, int64_t anchor) {
  int64_t seconds = SaturatingAdd(now, anchor == std::numeric_limits<int64_t>::min() ? 0 : -anchor);
  return std::to_string(std::max<int64_t>(seconds, 0) / kSecondsPerDay);
}

}  // namespace

std::optional<int32_t> RetentionDays(std::string_view tag_name) {
  if (tag_name.size() <= kRetentionPrefix.size() || tag_name.substr(0, kRetentionPrefix.size()) != kRetentionPrefix) {
    return std::nullopt;
  }
  std::string_view rest = tag_name.substr(kRetentionPrefix.size());
  if (rest == "expired") return 0;
  if (rest.size() < 2) return std::nullopt;
  int32_t n = 0;
  const char* end = rest.data() + rest.size() - 1;
  auto [ptr, ec] = std::from_chars(rest.data(), end, n);
  if (ec != std::errc() || ptr != end || n < 1 || n > kMaxExpiryDays) return std::nullopt;
  int32_t unit = 0;
  switch (rest.back()) {
    case 'd': unit = 1; break;
    case 'w': unit = 7; break;
    case 'm': unit = 30; break;
    case 'y': unit = 365; break;
    default: return std::nullopt;
  }
  if (n > kMaxExpiryDays / unit) return std::nullopt;
  return n * unit;
}

ExpiryPolicy ExpiryPolicy::Default() {
  ExpiryPolicy p;
  for (const auto& e : kDefaults) p.days_.emplace(std::string(e.type), e.days);
  return p;
}

void ExpiryPolicy::Set(std::string_view type, std::optional<int32_t> days) {
  int32_t v = days ? std::clamp<int32_t>(*days, 1, kMaxExpiryDays) : kNever;
  auto it = days_.find(type);
  if (it != days_.end()) {
    it->second = v;
  } else {
    days_.emplace(std::string(type), v);
  }
}

Status ExpiryPolicy::ApplyJson(const json::value& table) {
  const json::object* o = table.if_object();
  if (o == nullptr) return MakeError(ErrorCode::kBadRequest, "the expiry table must be a JSON object");
  if (o->size() > kMaxEntries) return MakeError(ErrorCode::kTooLarge, "the expiry table has more than 4096 entries");
  std::vector<std::pair<std::string_view, int32_t>> parsed;
  parsed.reserve(o->size());
  for (const auto& [key, value] : *o) {
    if (key.empty() || key.size() > kMaxTypeBytes) {
      return MakeError(ErrorCode::kInvalid, "an attribute type must be 1 to 255 bytes", std::string(key));
    }
    auto days = ParseDays(value);
    if (!days) {
      return MakeError(ErrorCode::kInvalid,
                       "expiry for \"" + std::string(key) +
                           "\" must be a whole number of days in [1, 36500] or \"never\"",
                       std::string(key));
    }
    parsed.emplace_back(key, *days);
  }
  for (const auto& [key, days] : parsed) Set(key, days == kNever ? std::nullopt : std::optional<int32_t>(days));
  return Ok();
}

std::optional<int32_t> ExpiryPolicy::DaysFor(std::string_view type) const {
  auto it = days_.find(type);
  if (it == days_.end()) it = days_.find(std::string_view("*"));
  if (it == days_.end() || it->second == kNever) return std::nullopt;
  return it->second;
}

ExpiryResult ExpiryPolicy::Evaluate(const model::Attribute& attribute, std::span<const model::AppliedTag> event_tags,
                                    std::span<const model::Sighting> sightings, int64_t now) const {
  ExpiryResult r;
  int64_t anchor = attribute.timestamp;
  for (const auto& s : sightings) {
    if (s.type == model::SightingType::kSighting) anchor = std::max(anchor, s.date_sighting);
  }

  int32_t retention_days = 0;
  const model::AppliedTag* retention = FindRetentionTag(attribute.tags, retention_days);
  if (retention == nullptr) retention = FindRetentionTag(event_tags, retention_days);
  if (retention != nullptr && retention_days == 0) {
    r.expired = true;
    r.expires_at = anchor;
    r.reason = "tagged " + retention->tag.name;
    return r;
  }
  std::optional<int32_t> days = retention != nullptr ? std::optional<int32_t>(retention_days) : DaysFor(attribute.type);
  if (days) r.expires_at = SaturatingAdd(anchor, static_cast<int64_t>(*days) * kSecondsPerDay);

  const model::Sighting* expiration = nullptr;
  for (const auto& s : sightings) {
    if (s.type == model::SightingType::kExpiration && s.date_sighting > anchor && s.date_sighting < r.expires_at) {
      r.expires_at = s.date_sighting;
      expiration = &s;
    }
  }
  r.expired = r.expires_at != kNeverExpires && now >= r.expires_at;  // a saturated expiry never comes
  if (!r.expired) return r;
  if (expiration != nullptr) {
    r.reason = "expiration sighting on " + FormatDate(expiration->date_sighting);
    if (!expiration->source.empty()) r.reason += " (source " + expiration->source + ")";
    return r;
  }
  r.reason = attribute.type + " not seen for " + DaysSince(now, anchor) + " days (";
  if (retention != nullptr) {
    r.reason += "tag " + retention->tag.name;
  } else {
    r.reason += "policy " + (days_.contains(attribute.type) ? attribute.type : std::string("*"));
  }
  r.reason += ": " + std::to_string(*days) + " d)";
  return r;
}

}  // namespace bulwark::lifecycle
