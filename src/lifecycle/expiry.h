// The expiry policy: how long an indicator of each attribute type stays actionable after it was last seen.
// Expired indicators leave detection exports and the matcher; nothing is deleted, and expiry is reversible
// by construction: it is computed from the data at `now`, so a new sighting or an edit of the attribute
// (which moves its timestamp) un-expires it. See docs/lifecycle.md for the default table and its reasons.
//
// For one attribute, at `now` (epoch seconds):
//   1. the lifetime in days: a `retention:<N>d|w|m|y` tag on the attribute, else on its event (the MISP
//      retention taxonomy; m = 30 d, y = 365 d), else the policy's entry for the type, else its "*" entry;
//      "never" means no lifetime. A `retention:expired` tag (attribute, else event) expires it outright.
//   2. the anchor: the later of the last true sighting (type 0) and the attribute's timestamp;
//   3. expires_at = anchor + lifetime; an expiration sighting (type 2) dated after the anchor brings it
//      forward to its own date;
//   4. expired when now >= expires_at.
//
// ExpiryPolicy is a plain value; const methods are thread-safe. Evaluate allocates only the reason string,
// and only when the attribute is expired.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "model/entities.h"

namespace bulwark::lifecycle {

inline constexpr int64_t kNeverExpires = std::numeric_limits<int64_t>::max();
inline constexpr int32_t kMaxExpiryDays = 36'500;  // 100 years: longer is "never"

struct ExpiryResult {
  bool expired = false;
  int64_t expires_at = kNeverExpires;  // epoch seconds; kNeverExpires when nothing ever expires it
  std::string reason;                  // set only when expired, e.g.
                                       // "ip-dst not seen for 31 days (policy ip-dst: 30 d)"
};

class ExpiryPolicy {
 public:
  // An empty policy: nothing expires (except through retention tags and expiration sightings).
  ExpiryPolicy() = default;

  // The built-in table (docs/lifecycle.md): IPs 30 d, URLs 90 d, domains/hostnames/e-mail 180 d,
  // hashes and everything not listed never.
  static ExpiryPolicy Default();

  // Sets the lifetime for one attribute type, or for "*" (every type without an entry); nullopt = never.
  // REQUIRES: days in [1, kMaxExpiryDays].
  void Set(std::string_view type, std::optional<int32_t> days);

  // Applies overrides from a JSON object {"<type>" | "*": <days> | "never" | null, ...}; entries not in the
  // table keep their value. Errors (nothing is applied then): kBadRequest if the document is not an object;
  // kInvalid, field = the key, for a day count that is not an integer in [1, 36500] or "never", or an empty
  // or over-long key; kTooLarge for more than 4096 entries.
  Status ApplyJson(const boost::json::value& table);

  // The lifetime for a type: its entry, else the "*" entry; nullopt = never.
  std::optional<int32_t> DaysFor(std::string_view type) const;

  // Evaluates one attribute; `event_tags` are its event's tags, `sightings` the attribute's sightings.
  ExpiryResult Evaluate(const model::Attribute& attribute, std::span<const model::AppliedTag> event_tags,
                        std::span<const model::Sighting> sightings, int64_t now) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  static constexpr int32_t kNever = -1;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> days_;  // type -> days or kNever
};

// What a `retention:` tag says: nullopt if the name is not a retention tag with a parsable lifetime;
// 0 for `retention:expired`; else the lifetime in days (1d, 2w, 3m = 90, 1y = 365, 10y = 3650).
std::optional<int32_t> RetentionDays(std::string_view tag_name);

}  // namespace bulwark::lifecycle
