#include "stix/validate.h"

#include <gtest/gtest.h>

#include "stix/test_util.h"
#include "stix/timestamp.h"

namespace bulwark::stix {
namespace {

using testing::ParseObject;

std::vector<Issue> Check(const std::string& json, const ValidationOptions& options = {}) {
  return Validate(ParseObject(json), options);
}

ValidationOptions NoScoIdCheck() {
  ValidationOptions o;
  o.check_sco_ids = false;
  return o;
}

ValidationOptions RejectCustom() {
  ValidationOptions o;
  o.reject_custom_objects = true;
  return o;
}

std::string Dump(const std::vector<Issue>& issues) {
  std::string out;
  for (const auto& i : issues) out += FormatIssue(i) + "\n";
  return out;
}

// True if some issue of this severity is at `path` and its message contains `text`.
bool Has(const std::vector<Issue>& issues, Severity s, const std::string& path, const std::string& text = "") {
  for (const auto& i : issues) {
    if (i.severity == s && i.path == path && i.message.find(text) != std::string::npos) return true;
  }
  return false;
}

const char* kIndicator = R"({
  "type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
  "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.123456Z",
  "indicator_types": ["malicious-activity"], "name": "Poison Ivy Malware",
  "pattern": "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
  "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z",
  "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
  "x_acme_score": 7, "extensions": {"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {
    "extension_type": "property-extension", "rank": 5}}
})";

// Replaces the first occurrence of `from` in the indicator text.
std::string Indicator(const std::string& from = "", const std::string& to = "") {
  std::string s = kIndicator;
  if (!from.empty()) {
    const size_t p = s.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    s.replace(p, from.size(), to);
  }
  return s;
}

TEST(ValidateTest, CleanIndicatorHasNoIssues) {
  const auto issues = Check(Indicator());
  EXPECT_TRUE(issues.empty()) << Dump(issues);
}

TEST(ValidateTest, IdMustMatchTypeAndBeAUuid) {
  auto issues = Check(Indicator("\"id\": \"indicator--", "\"id\": \"malware--"));
  EXPECT_TRUE(Has(issues, Severity::kError, "id", "does not match type 'indicator'")) << Dump(issues);
  EXPECT_EQ(issues[0].object_id, "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  issues = Check(Indicator("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "8e2e2d2b-17d4-4cbf-938f"));
  EXPECT_TRUE(Has(issues, Severity::kError, "id", "not of the form")) << Dump(issues);
  issues = Check(Indicator("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f"));
  EXPECT_TRUE(Has(issues, Severity::kError, "id", "RFC 4122")) << Dump(issues);  // wrong variant
}

TEST(ValidateTest, TypeNameSyntax) {
  EXPECT_TRUE(Has(Check(R"({"type":"X-Foo","id":"X-Foo--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})"), Severity::kError,
                  "type", "not a valid STIX object type"));
  EXPECT_TRUE(Has(Check(R"({"type":"ab","id":"ab--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})"), Severity::kError, "type"));
  EXPECT_TRUE(Has(Check(R"({"type":"x--y","id":"x--y--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})"), Severity::kError,
                  "type"));
  EXPECT_EQ(Classify("x-mitre-tactic"), ObjectCategory::kCustom);
  EXPECT_EQ(Classify("bundle"), ObjectCategory::kInvalid);
}

TEST(ValidateTest, SpecVersion) {
  EXPECT_TRUE(Has(Check(Indicator("\"spec_version\": \"2.1\", ", "")), Severity::kError, "spec_version", "required"));
  EXPECT_TRUE(Has(Check(Indicator("\"spec_version\": \"2.1\"", "\"spec_version\": \"2.0\"")), Severity::kError,
                  "spec_version"));
  // Optional on SCOs.
  const auto issues = Check(R"({"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                                "value":"198.51.100.3"})");
  EXPECT_TRUE(issues.empty()) << Dump(issues);
}

TEST(ValidateTest, Timestamps) {
  EXPECT_TRUE(Has(Check(Indicator("2016-01-01T00:00:00Z", "2016-01-01T00:00:00+00:00")), Severity::kError,
                  "valid_from", "not a STIX timestamp"));
  EXPECT_TRUE(Has(Check(Indicator("2016-01-01T00:00:00Z", "2016-02-30T00:00:00Z")), Severity::kError, "valid_from"));
  EXPECT_TRUE(Has(Check(Indicator("2016-01-01T00:00:00Z", "2016-01-01T00:00:00.Z")), Severity::kError, "valid_from"));
  EXPECT_TRUE(Has(Check(Indicator("\"created\": \"2016-04-06T20:03:48.000Z\"", "\"created\": \"2016-04-06T20:03:48Z\"")),
                  Severity::kError, "created", "millisecond"));
  EXPECT_TRUE(Has(Check(Indicator("\"created\": \"2016-04-06T20:03:48.000Z\"",
                                  "\"created\": \"2017-04-06T20:03:48.000Z\"")),
                  Severity::kError, "modified", "earlier than created"));
  EXPECT_TRUE(Has(Check(Indicator("\"pattern_type\"", "\"valid_until\": \"2015-01-01T00:00:00Z\", \"pattern_type\"")),
                  Severity::kError, "valid_until", "later than valid_from"));
  // Precision is kept: microseconds and a leap second parse.
  const auto ts = ParseTimestamp("2016-12-31T23:59:60.123456Z");
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(ts->nanos, 123456000u);
  EXPECT_EQ(ts->fraction_digits, 6);
  EXPECT_FALSE(ParseTimestamp("2016-01-01t00:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestamp("2016-01-01T24:00:00Z").has_value());
}

TEST(ValidateTest, RequiredPropertiesAndKinds) {
  EXPECT_TRUE(Has(Check(Indicator("\"pattern_type\": \"stix\", ", "")), Severity::kError, "pattern_type", "required"));
  EXPECT_TRUE(Has(Check(Indicator("\"name\": \"Poison Ivy Malware\"", "\"name\": 5")), Severity::kError, "name",
                  "must be a string, not an integer"));
  EXPECT_TRUE(Has(Check(Indicator("[\"malicious-activity\"]", "\"malicious-activity\"")), Severity::kError,
                  "indicator_types", "list of strings"));
  EXPECT_TRUE(Has(Check(Indicator("\"x_acme_score\": 7", "\"confidence\": 101")), Severity::kError, "confidence",
                  "outside [0, 100]"));
  EXPECT_TRUE(Has(Check(R"({"type":"malware","spec_version":"2.1","id":"malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                            "created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"x"})"),
                  Severity::kError, "is_family", "required"));
  EXPECT_TRUE(Has(Check(R"({"type":"file","id":"file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","size":-1,"name":"a"})"),
                  Severity::kError, "size", "outside"));
}

TEST(ValidateTest, ReferenceTargets) {
  EXPECT_TRUE(Has(Check(Indicator("\"created_by_ref\": \"identity--", "\"created_by_ref\": \"malware--")),
                  Severity::kError, "created_by_ref", "must refer to identity, not malware"));
  EXPECT_TRUE(Has(Check(Indicator("marking-definition--34098fce", "identity--34098fce")), Severity::kError,
                  "object_marking_refs[0]", "must refer to marking-definition"));
  const std::string rel = R"({"type":"relationship","spec_version":"2.1",
    "id":"relationship--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z",
    "modified":"2016-04-06T20:03:48.000Z","relationship_type":"indicates",
    "source_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","target_ref":"TARGET"})";
  auto with = [&](const std::string& target) {
    std::string s = rel;
    s.replace(s.find("TARGET"), 6, target);
    return Check(s);
  };
  EXPECT_TRUE(with("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f").empty());
  EXPECT_TRUE(with("x-mitre-tactic--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f").empty());  // custom objects allowed
  EXPECT_TRUE(with("ipv4-addr--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f").empty());
  EXPECT_TRUE(Has(with("sighting--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"), Severity::kError, "target_ref",
                  "an SDO, an SCO"));
  EXPECT_TRUE(Has(with("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"), Severity::kError, "target_ref"));
  EXPECT_TRUE(Has(with("not-an-id"), Severity::kError, "target_ref", "not a STIX identifier"));
  const auto sighting = Check(R"({"type":"sighting","spec_version":"2.1",
    "id":"sighting--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z",
    "modified":"2016-04-06T20:03:48.000Z","sighting_of_ref":"ipv4-addr--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "where_sighted_refs":["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]})");
  EXPECT_TRUE(Has(sighting, Severity::kError, "sighting_of_ref", "must refer to an SDO")) << Dump(sighting);
  // Custom *_ref properties must still hold identifiers.
  // Custom *_ref properties should hold identifiers; the spec does not constrain custom properties, so a
  // warning (ATT&CK ICS has x_mitre_data_source_ref: "").
  EXPECT_TRUE(Has(Check(Indicator("\"x_acme_score\": 7", "\"x_acme_owner_ref\": \"bob\"")), Severity::kWarning,
                  "x_acme_owner_ref", "should be a STIX identifier"));
}

TEST(ValidateTest, PropertyNames) {
  EXPECT_TRUE(Has(Check(Indicator("\"x_acme_score\"", "\"x-acme-score\"")), Severity::kError, "x-acme-score",
                  "not a valid property name"));
  EXPECT_TRUE(Has(Check(Indicator("\"x_acme_score\"", "\"xy\"")), Severity::kError, "xy"));
}

TEST(ValidateTest, Hashes) {
  const auto issues = Check(R"({"type":"file","id":"file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "hashes":{"MD5":"d41d8cd98f00b204e9800998ecf8427","sha256":"x","SHA-1":"da39a3ee5e6b4b0d3255bfef95601890afd80709",
              "x!":"1"}})");
  EXPECT_TRUE(Has(issues, Severity::kError, "hashes.MD5", "not a valid MD5")) << Dump(issues);
  EXPECT_TRUE(Has(issues, Severity::kWarning, "hashes.sha256", "use \"SHA-256\"")) << Dump(issues);
  EXPECT_TRUE(Has(issues, Severity::kError, "hashes.x!", "not a valid hash algorithm name")) << Dump(issues);
  EXPECT_FALSE(Has(issues, Severity::kError, "hashes.SHA-1"));
}

TEST(ValidateTest, ExternalReferencesAndKillChains) {
  EXPECT_TRUE(Has(Check(Indicator("\"x_acme_score\": 7", "\"external_references\": [{\"source_name\": \"capec\"}]")),
                  Severity::kError, "external_references[0]", "at least one of description, url or external_id"));
  EXPECT_TRUE(Has(Check(Indicator("\"x_acme_score\": 7", "\"kill_chain_phases\": [{\"kill_chain_name\": \"k\"}]")),
                  Severity::kError, "kill_chain_phases[0].phase_name", "required"));
}

const char* kTlpWhite = R"({"type":"marking-definition","spec_version":"2.1",
  "id":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9","created":"2017-01-20T00:00:00.000Z",
  "definition_type":"tlp","name":"TLP:WHITE","definition":{"tlp":"white"}})";
const char* kTlp2Clear = R"({"type":"marking-definition","spec_version":"2.1",
  "id":"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487","created":"2022-10-01T00:00:00.000Z",
  "name":"TLP:CLEAR","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{
  "extension_type":"property-extension","tlp_2_0":"clear"}}})";

TEST(ValidateTest, TlpMarkings) {
  EXPECT_TRUE(Check(kTlpWhite).empty()) << Dump(Check(kTlpWhite));
  EXPECT_TRUE(Check(kTlp2Clear).empty()) << Dump(Check(kTlp2Clear));
  std::string fake = kTlpWhite;
  fake.replace(fake.find("613f2e26"), 8, "713f2e26");
  EXPECT_TRUE(Has(Check(fake), Severity::kError, "definition_type", "only the four fixed objects"));
  std::string wrong_level = kTlpWhite;
  wrong_level.replace(wrong_level.find("{\"tlp\":\"white\"}"), 15, "{\"tlp\":\"red\"}");
  EXPECT_TRUE(Has(Check(wrong_level), Severity::kError, "definition.tlp", "must be \"white\""));
  std::string tlp2_wrong = kTlp2Clear;
  tlp2_wrong.replace(tlp2_wrong.find("\"tlp_2_0\":\"clear\""), 17, "\"tlp_2_0\":\"red\"");
  const auto issues = Check(tlp2_wrong);
  EXPECT_TRUE(Has(issues, Severity::kError, "id", "e828b379-4e03-4974-9ac4-e53a884c97c1")) << Dump(issues);
  EXPECT_TRUE(Has(issues, Severity::kError, "name", "TLP:RED")) << Dump(issues);
  // A statement marking needs definition_type and definition when it has no extensions.
  EXPECT_TRUE(Has(Check(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2017-01-20T00:00:00.000Z"})"),
                  Severity::kError, "definition"));
}

TEST(ValidateTest, GranularMarkings) {
  const std::string base = Indicator("\"x_acme_score\": 7", "\"granular_markings\": [{\"selectors\": [SEL], "
                                                            "\"marking_ref\": \"" + std::string(kTlp1Red) + "\"}]");
  auto with = [&](const std::string& sel) {
    std::string s = base;
    s.replace(s.find("SEL"), 3, sel);
    return Check(s);
  };
  EXPECT_TRUE(with(R"("name", "indicator_types.[0]")").empty()) << Dump(with(R"("name")"));
  EXPECT_TRUE(Has(with(R"("description")"), Severity::kError, "granular_markings[0].selectors[0]",
                  "does not select anything"));
  EXPECT_TRUE(Has(with(R"("indicator_types.[3]")"), Severity::kError, "granular_markings[0].selectors[0]"));
  EXPECT_TRUE(Has(with(R"("Name")"), Severity::kError, "granular_markings[0].selectors[0]", "not a valid selector"));
}

TEST(ValidateTest, Extensions) {
  EXPECT_TRUE(Has(Check(Indicator("\"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e\"", "\"archive-ext\"")),
                  Severity::kError, "extensions.archive-ext", "another SCO type"));
  EXPECT_TRUE(Has(Check(Indicator("\"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e\"", "\"x-acme-ext\"")),
                  Severity::kWarning, "extensions.x-acme-ext", "deprecated"));
  EXPECT_TRUE(Has(Check(Indicator("\"property-extension\"", "\"new-thing\"")), Severity::kError,
                  "extensions.extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e.extension_type"));
  const auto file = Check(R"({"type":"file","id":"file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","name":"a.zip",
    "extensions":{"archive-ext":{"contains_refs":["file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]}}})",
                          NoScoIdCheck());
  EXPECT_TRUE(file.empty()) << Dump(file);
}

TEST(ValidateTest, ScoDeterministicIdIsAWarning) {
  const auto issues = Check(R"({"type":"ipv4-addr","id":"ipv4-addr--1e4ffad7-0b88-41d4-ba4d-77d27490b956",
                                "value":"198.51.100.3"})");
  ASSERT_EQ(issues.size(), 1u) << Dump(issues);
  EXPECT_TRUE(Has(issues, Severity::kWarning, "id", "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"));
  EXPECT_FALSE(HasErrors(issues));
  EXPECT_TRUE(Has(Check(R"({"type":"ipv4-addr","id":"ipv4-addr--1e4ffad7-0b88-51d4-ba4d-77d27490b956",
                           "value":"198.51.100.3"})"),
                  Severity::kWarning, "id", "is a UUIDv5 but not"));
}

TEST(ValidateTest, CustomObjects) {
  const std::string custom = R"({"type":"x-mitre-tactic","spec_version":"2.1",
    "id":"x-mitre-tactic--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z",
    "modified":"2016-04-06T20:03:48.000Z","name":"Collection","x_mitre_shortname":"collection"})";
  EXPECT_TRUE(Check(custom).empty());
  EXPECT_TRUE(Has(Check(custom, RejectCustom()), Severity::kError, "type"));
}

TEST(ValidateTest, TypeRules) {
  const std::string od = R"({"type":"observed-data","spec_version":"2.1",
    "id":"observed-data--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z",
    "modified":"2016-04-06T20:03:48.000Z","first_observed":"2016-04-06T20:03:48Z",
    "last_observed":"2016-04-05T20:03:48Z","number_observed":0})";
  const auto issues = Check(od);
  EXPECT_TRUE(Has(issues, Severity::kError, "last_observed", "no earlier than first_observed")) << Dump(issues);
  EXPECT_TRUE(Has(issues, Severity::kError, "number_observed", "outside [1,")) << Dump(issues);
  EXPECT_TRUE(Has(issues, Severity::kError, "object_refs", "exactly one of objects and object_refs"));
  EXPECT_TRUE(Has(Check(R"({"type":"location","spec_version":"2.1","id":"location--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","latitude":48.8,"precision":10})"),
                  Severity::kError, "longitude", "together"));
  EXPECT_TRUE(Has(Check(R"({"type":"artifact","id":"artifact--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "url":"https://example.com/a.bin"})"),
                  Severity::kError, "hashes", "required when url"));
  EXPECT_TRUE(Has(Check(R"({"type":"email-message","id":"email-message--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "is_multipart":true,"body":"hi"})"),
                  Severity::kError, "body"));
}

TEST(ValidateTest, PatternValidatorHook) {
  ValidationOptions options;
  std::string seen;
  options.pattern_validator = [&](std::string_view pattern, std::string_view type,
                                  std::string_view) -> std::optional<std::string> {
    seen = std::string(type) + ":" + std::string(pattern.substr(0, 6));
    return std::string("unbalanced brackets");
  };
  const auto issues = Check(Indicator(), options);
  EXPECT_EQ(seen, "stix:[file:");
  EXPECT_TRUE(Has(issues, Severity::kError, "pattern", "unbalanced brackets"));
}

TEST(ValidateTest, ObjectHeaderAndVersioning) {
  const Object o = ParseObject(Indicator());
  EXPECT_EQ(o.category, ObjectCategory::kSdo);
  EXPECT_EQ(o.modified, "2016-04-06T20:03:48.123456Z");  // textual precision kept
  ASSERT_TRUE(o.Version().has_value());
  EXPECT_EQ(*o.Version(), "2016-04-06T20:03:48.123456Z");
  EXPECT_EQ(o.created_by_ref, "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff");
  ASSERT_EQ(o.object_marking_refs.size(), 1u);
  EXPECT_FALSE(ParseObject(kTlpWhite).IsVersioned());
  EXPECT_FALSE(ParseObject(R"({"type":"ipv4-addr","id":"ipv4-addr--1e4ffad7-0b88-41d4-ba4d-77d27490b956",
                                "modified":"2016-04-06T20:03:48.000Z"})")
                   .IsVersioned());
}

}  // namespace
}  // namespace bulwark::stix
