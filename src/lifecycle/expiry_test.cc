#include "lifecycle/expiry.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>
#include <vector>

#include "lifecycle/test_support.h"

namespace bulwark::lifecycle {
namespace {

namespace json = boost::json;
using testing::kDay;
using testing::kT0;
using testing::MakeAttribute;
using testing::MakeSighting;
using testing::MakeTag;

ExpiryResult Eval(const ExpiryPolicy& p, const model::Attribute& a, int64_t now,
                  const std::vector<model::Sighting>& sightings = {},
                  const std::vector<model::AppliedTag>& event_tags = {}) {
  return p.Evaluate(a, event_tags, sightings, now);
}

TEST(ExpiryPolicy, DefaultTable) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  EXPECT_EQ(p.DaysFor("ip-dst"), 30);
  EXPECT_EQ(p.DaysFor("ip-src"), 30);
  EXPECT_EQ(p.DaysFor("ip-dst|port"), 30);
  EXPECT_EQ(p.DaysFor("url"), 90);
  EXPECT_EQ(p.DaysFor("domain"), 180);
  EXPECT_EQ(p.DaysFor("hostname"), 180);
  EXPECT_EQ(p.DaysFor("email-src"), 180);
  EXPECT_EQ(p.DaysFor("md5"), std::nullopt);
  EXPECT_EQ(p.DaysFor("sha256"), std::nullopt);
  EXPECT_EQ(p.DaysFor("filename|sha256"), std::nullopt);
  EXPECT_EQ(p.DaysFor("text"), std::nullopt);  // not listed, no "*": never
  EXPECT_EQ(ExpiryPolicy().DaysFor("ip-dst"), std::nullopt);
}

TEST(ExpiryPolicy, IpExpiresAfterThirtyDaysWithReadableReason) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  model::Attribute a = MakeAttribute("ip-dst", kT0);
  ExpiryResult live = Eval(p, a, kT0 + 29 * kDay);
  EXPECT_FALSE(live.expired);
  EXPECT_EQ(live.expires_at, kT0 + 30 * kDay);
  EXPECT_TRUE(live.reason.empty());
  EXPECT_FALSE(Eval(p, a, kT0 + 30 * kDay - 1).expired);
  ExpiryResult dead = Eval(p, a, kT0 + 31 * kDay + 5);
  EXPECT_TRUE(dead.expired);
  EXPECT_EQ(dead.expires_at, kT0 + 30 * kDay);
  EXPECT_EQ(dead.reason, "ip-dst not seen for 31 days (policy ip-dst: 30 d)");
}

TEST(ExpiryPolicy, OtherTypes) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  EXPECT_FALSE(Eval(p, MakeAttribute("domain"), kT0 + 179 * kDay).expired);
  EXPECT_EQ(Eval(p, MakeAttribute("domain"), kT0 + 181 * kDay).reason,
            "domain not seen for 181 days (policy domain: 180 d)");
  EXPECT_TRUE(Eval(p, MakeAttribute("url"), kT0 + 90 * kDay).expired);
  EXPECT_FALSE(Eval(p, MakeAttribute("url"), kT0 + 89 * kDay).expired);
  // Hashes never expire.
  ExpiryResult hash = Eval(p, MakeAttribute("sha256"), kT0 + 3650 * kDay);
  EXPECT_FALSE(hash.expired);
  EXPECT_EQ(hash.expires_at, kNeverExpires);
}

TEST(ExpiryPolicy, SightingOrEditUnexpires) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  model::Attribute a = MakeAttribute("ip-src", kT0);
  const int64_t now = kT0 + 45 * kDay;
  ASSERT_TRUE(Eval(p, a, now).expired);
  // A sighting 20 days in restarts the 30 days: live until day 50.
  std::vector<model::Sighting> seen = {MakeSighting(kT0 + 20 * kDay)};
  ExpiryResult revived = Eval(p, a, now, seen);
  EXPECT_FALSE(revived.expired);
  EXPECT_EQ(revived.expires_at, kT0 + 50 * kDay);
  // False-positive sightings do not refresh it.
  std::vector<model::Sighting> fp = {MakeSighting(kT0 + 20 * kDay, model::SightingType::kFalsePositive)};
  EXPECT_TRUE(Eval(p, a, now, fp).expired);
  // An edit moves the timestamp and un-expires it too.
  a.timestamp = kT0 + 40 * kDay;
  EXPECT_FALSE(Eval(p, a, now).expired);
}

TEST(ExpiryPolicy, ExpirationSighting) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  model::Attribute a = MakeAttribute("ip-dst", kT0);
  std::vector<model::Sighting> s = {MakeSighting(kT0 + 5 * kDay, model::SightingType::kExpiration, "CERT-EU")};
  EXPECT_FALSE(Eval(p, a, kT0 + 4 * kDay, s).expired);
  ExpiryResult r = Eval(p, a, kT0 + 6 * kDay, s);
  EXPECT_TRUE(r.expired);
  EXPECT_EQ(r.expires_at, kT0 + 5 * kDay);
  EXPECT_EQ(r.reason, "expiration sighting on 2026-01-06 (source CERT-EU)");
  // It brings a "never" type's expiry forward too.
  EXPECT_TRUE(Eval(p, MakeAttribute("md5"), kT0 + 6 * kDay, s).expired);
  // A true sighting after it supersedes it.
  s.push_back(MakeSighting(kT0 + 7 * kDay));
  ExpiryResult later = Eval(p, a, kT0 + 8 * kDay, s);
  EXPECT_FALSE(later.expired);
  EXPECT_EQ(later.expires_at, kT0 + 37 * kDay);
}

TEST(ExpiryPolicy, RetentionTags) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  // A retention tag on the attribute overrides the type's policy, even "never".
  model::Attribute hash = MakeAttribute("md5", kT0, {"retention:7d"});
  ExpiryResult r = Eval(p, hash, kT0 + 8 * kDay);
  EXPECT_TRUE(r.expired);
  EXPECT_EQ(r.expires_at, kT0 + 7 * kDay);
  EXPECT_EQ(r.reason, "md5 not seen for 8 days (tag retention:7d: 7 d)");
  // The attribute's tag wins over the event's.
  model::Attribute ip = MakeAttribute("ip-dst", kT0, {"retention:1y"});
  std::vector<model::AppliedTag> event_tags = {MakeTag("retention:2w")};
  EXPECT_EQ(Eval(p, ip, kT0, {}, event_tags).expires_at, kT0 + 365 * kDay);
  ip.tags.clear();
  EXPECT_EQ(Eval(p, ip, kT0, {}, event_tags).expires_at, kT0 + 14 * kDay);
  // retention:expired expires at once, whatever the sightings say.
  model::Attribute gone = MakeAttribute("domain", kT0, {"retention:expired"});
  std::vector<model::Sighting> seen = {MakeSighting(kT0 + kDay)};
  ExpiryResult x = Eval(p, gone, kT0 + 2 * kDay, seen);
  EXPECT_TRUE(x.expired);
  EXPECT_EQ(x.reason, "tagged retention:expired");
}

TEST(ExpiryPolicy, ExtremeTimestampsSaturate) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  ExpiryResult far = Eval(p, MakeAttribute("ip-dst", kMax - 5), kMax);
  EXPECT_FALSE(far.expired);  // expires_at saturates at kNeverExpires, which never comes
  EXPECT_EQ(far.expires_at, kMax);
  ExpiryResult old = Eval(p, MakeAttribute("ip-dst", kMin), kMax);
  EXPECT_TRUE(old.expired);
  EXPECT_EQ(old.reason, "ip-dst not seen for 106751991167300 days (policy ip-dst: 30 d)");
}

TEST(RetentionDays, Parses) {
  EXPECT_EQ(RetentionDays("retention:expired"), 0);
  EXPECT_EQ(RetentionDays("retention:1d"), 1);
  EXPECT_EQ(RetentionDays("retention:2w"), 14);
  EXPECT_EQ(RetentionDays("retention:1m"), 30);
  EXPECT_EQ(RetentionDays("retention:6m"), 180);
  EXPECT_EQ(RetentionDays("retention:10y"), 3650);
  EXPECT_EQ(RetentionDays("retention:0d"), std::nullopt);
  EXPECT_EQ(RetentionDays("retention:xd"), std::nullopt);
  EXPECT_EQ(RetentionDays("retention:5"), std::nullopt);
  EXPECT_EQ(RetentionDays("retention:5h"), std::nullopt);
  EXPECT_EQ(RetentionDays("retention:"), std::nullopt);
  EXPECT_EQ(RetentionDays("retention:999999y"), std::nullopt);
  EXPECT_EQ(RetentionDays("tlp:amber"), std::nullopt);
}

TEST(ExpiryPolicy, JsonOverrides) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  ASSERT_TRUE(p.ApplyJson(json::parse(R"({"ip-dst": 7, "url": "never", "domain": null, "*": 365})")).ok());
  EXPECT_EQ(p.DaysFor("ip-dst"), 7);
  EXPECT_EQ(p.DaysFor("ip-src"), 30);  // untouched
  EXPECT_EQ(p.DaysFor("url"), std::nullopt);
  EXPECT_EQ(p.DaysFor("domain"), std::nullopt);
  EXPECT_EQ(p.DaysFor("text"), 365);            // "*" now covers unlisted types
  EXPECT_EQ(p.DaysFor("md5"), std::nullopt);    // hashes are listed as never and stay so
  EXPECT_EQ(Eval(p, MakeAttribute("ip-dst"), kT0 + 8 * kDay).reason,
            "ip-dst not seen for 8 days (policy ip-dst: 7 d)");
  EXPECT_EQ(Eval(p, MakeAttribute("text"), kT0 + 366 * kDay).reason,
            "text not seen for 366 days (policy *: 365 d)");
}

void ExpectRejected(const char* text, ErrorCode code, const char* field) {
  ExpiryPolicy p = ExpiryPolicy::Default();
  Status s = p.ApplyJson(json::parse(text));
  ASSERT_FALSE(s.ok()) << text;
  EXPECT_EQ(s.error().code, code) << text;
  EXPECT_EQ(s.error().field, field) << text;
  // Nothing is applied when any entry is bad.
  EXPECT_EQ(p.DaysFor("ip-src"), 30) << text;
}

TEST(ExpiryPolicy, JsonRejectsBadInput) {
  ExpectRejected("[1]", ErrorCode::kBadRequest, "");
  ExpectRejected(R"({"ip-src": 5, "ip-dst": 0})", ErrorCode::kInvalid, "ip-dst");
  ExpectRejected(R"({"ip-src": 5, "ip-dst": -1})", ErrorCode::kInvalid, "ip-dst");
  ExpectRejected(R"({"ip-src": 5, "ip-dst": "30"})", ErrorCode::kInvalid, "ip-dst");
  ExpectRejected(R"({"ip-src": 5, "ip-dst": 1.5})", ErrorCode::kInvalid, "ip-dst");
  ExpectRejected(R"({"ip-src": 5, "ip-dst": 36501})", ErrorCode::kInvalid, "ip-dst");
  ExpectRejected(R"({"ip-src": 5, "ip-dst": 18446744073709551615})", ErrorCode::kInvalid, "ip-dst");
  ExpectRejected(R"({"ip-src": 5, "": 3})", ErrorCode::kInvalid, "");
  ExpectRejected(R"({"ip-src": 5, "ip-dst": [30]})", ErrorCode::kInvalid, "ip-dst");
}

}  // namespace
}  // namespace bulwark::lifecycle
