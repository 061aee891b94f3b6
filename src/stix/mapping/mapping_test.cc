#include "stix/mapping/mapping.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "stix/bundle_reader.h"
#include "stix/mapping/test_fixtures.h"
#include "stix/pattern/parser.h"
#include "stix/validate.h"

namespace bulwark::stix::mapping {
namespace {

namespace json = boost::json;

ValidationOptions StrictOptions() {
  ValidationOptions v;
  v.pattern_validator = [](std::string_view p, std::string_view type, std::string_view) -> std::optional<std::string> {
    if (type != "stix") return std::nullopt;
    auto r = pattern::Parse(p);
    if (r.ok()) return std::nullopt;
    return r.error().message;
  };
  return v;
}

std::vector<Object> ToObjects(const std::vector<json::object>& in) {
  std::vector<Object> out;
  for (const auto& j : in) out.push_back(MakeObject(j));
  return out;
}

std::string TagKey(const std::vector<model::AppliedTag>& tags) {
  std::vector<std::string> names;
  for (const auto& t : tags) names.push_back(t.tag.name);
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += n + ";";
  return out;
}

std::string Describe(const model::Attribute& a) {
  return a.type + "|" + a.category + "|" + a.value1 + "|" + a.value2 + "|" + (a.to_ids ? "ids" : "noids") + "|" +
         a.comment + "|" + a.object_relation + "|" + TagKey(a.tags);
}

std::map<std::string, std::string> AttributesByUuid(const model::Event& e, bool include_deleted) {
  std::map<std::string, std::string> out;
  for (const auto& a : e.attributes) {
    if (!a.deleted || include_deleted) out[a.uuid] = Describe(a);
  }
  for (const auto& o : e.objects) {
    if (o.deleted && !include_deleted) continue;
    for (const auto& a : o.attributes) {
      if (!a.deleted || include_deleted) out[a.uuid] = Describe(a);
    }
  }
  return out;
}

// "at 12: want '...' got '...'" around the first differing byte, short enough for a log.
std::string FirstDifference(const std::string& want, const std::string& got) {
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  const size_t from = i > 40 ? i - 40 : 0;
  return "at " + std::to_string(i) + ": want '" + want.substr(from, 120) + "' got '" + got.substr(from, 120) + "'";
}

// Lines "<fixture> <attribute uuid> <reason>" of attributes known not to round trip.
std::set<std::string> ExpectedLosses() {
  std::set<std::string> out;
  std::ifstream in(std::string(BULWARK_SOURCE_DIR) + "/src/stix/mapping/testdata/roundtrip_losses.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t a = line.find(' ');
    const size_t b = line.find(' ', a + 1);
    if (a != std::string::npos) out.insert(line.substr(0, b == std::string::npos ? std::string::npos : b));
  }
  return out;
}

TEST(StixMappingRoundTrip, EveryFixtureAttributeSurvives) {
  auto fixtures = testing::LoadFixtures();
  if (fixtures.empty()) GTEST_SKIP() << "MISP event fixtures not found under " << testing::DataDir();
  const auto expected_losses = ExpectedLosses();
  const ValidationOptions vopts = StrictOptions();
  const char* dump = std::getenv("BULWARK_STIX_DUMP");
  size_t attributes = 0;
  for (const auto& f : fixtures) {
    SCOPED_TRACE(f.name);
    MappingOptions opts;
    auto objects = EventToStix(f.event, opts);
    ASSERT_TRUE(objects.ok()) << objects.error().message;
    for (const auto& j : *objects) {
      auto issues = Validate(MakeObject(j), vopts);
      for (const auto& i : issues) {
        EXPECT_NE(i.severity, Severity::kError) << FormatIssue(i) << "\n" << json::serialize(j);
      }
    }
    if (dump != nullptr) {
      std::ofstream out(std::string(dump) + "/" + f.name + ".stix.json");
      out << json::serialize(MakeBundle(f.event.uuid, *objects));
    }
    const auto stix = ToObjects(*objects);
    auto imported = StixToEvents(stix, {});
    ASSERT_TRUE(imported.ok());
    EXPECT_EQ(imported->unmapped_total(), 0u) << [&] {
      std::string s;
      for (const auto& [t, n] : imported->unmapped) s += t + "=" + std::to_string(n) + " ";
      for (const auto& n : imported->notes) s += "\n" + n;
      return s;
    }();
    ASSERT_EQ(imported->events.size(), 1u);
    const model::Event& back = imported->events[0].event;
    EXPECT_EQ(back.uuid, f.event.uuid);
    EXPECT_EQ(back.info, f.event.info.empty() ? back.info : f.event.info);
    EXPECT_EQ(TagKey(back.tags), TagKey(f.event.tags));
    const auto want = AttributesByUuid(f.event, false);
    const auto got = AttributesByUuid(back, false);
    for (const auto& [uuid, desc] : want) {
      ++attributes;
      if (expected_losses.count(f.name + " " + uuid)) continue;
      auto it = got.find(uuid);
      if (it == got.end()) {
        ADD_FAILURE() << "attribute " << uuid << " lost: " << desc.substr(0, 200);
        continue;
      }
      if (it->second != desc) ADD_FAILURE() << "attribute " << uuid << ": " << FirstDifference(desc, it->second);
    }
  }
  EXPECT_GT(attributes, 1000u);
}

model::Event SmallEvent() {
  model::Event e;
  e.uuid = "5e0e2a34-7f4a-4e0e-9d2b-1a2b3c4d5e6f";
  e.info = "Phishing wave";
  e.date = "2024-05-01";
  e.timestamp = 1714557600;
  e.orgc_id = 7;
  auto tag = [](std::string name) {
    model::AppliedTag t;
    t.tag.name = std::move(name);
    return t;
  };
  e.tags = {tag("tlp:amber"), tag("misp-galaxy:threat-actor=\"APT28\"")};
  auto attr = [&](std::string uuid, std::string type, std::string v1, std::string v2, bool ids) {
    model::Attribute a;
    a.id = static_cast<model::Id>(e.attributes.size() + 1);
    a.uuid = std::move(uuid);
    a.type = std::move(type);
    a.category = "Network activity";
    a.value1 = std::move(v1);
    a.value2 = std::move(v2);
    a.to_ids = ids;
    a.timestamp = 1714557600;
    return a;
  };
  e.attributes.push_back(attr("11111111-1111-4111-8111-111111111111", "ip-dst", "198.51.100.7", "", true));
  e.attributes.push_back(attr("22222222-2222-4222-8222-222222222222", "domain|ip", "evil.example", "203.0.113.9", false));
  e.attributes.back().tags.push_back(tag("misp-galaxy:mitre-attack-pattern=\"Phishing - T1566\""));
  auto fn = attr("33333333-3333-4333-8333-333333333333", "filename|md5", "o'neil.doc", "d41d8cd98f00b204e9800998ecf8427e", true);
  fn.category = "Payload delivery";
  e.attributes.push_back(fn);
  auto text = attr("44444444-4444-4444-8444-444444444444", "text", "free text", "", false);
  text.category = "Other";
  text.comment = "analyst note";
  e.attributes.push_back(text);
  return e;
}

const json::object* FindById(const std::vector<json::object>& objs, std::string_view id) {
  for (const auto& o : objs) {
    if (o.at("id").as_string() == id) return &o;
  }
  return nullptr;
}

TEST(StixMappingExport, GoldenPatternsScosTagsAndMarkings) {
  model::Organisation org;
  org.uuid = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  org.name = "CERT-XX";
  MappingOptions opts;
  opts.org = [&](model::Id id) -> const model::Organisation* { return id == 7 ? &org : nullptr; };
  auto objs = EventToStix(SmallEvent(), opts);
  ASSERT_TRUE(objs.ok());
  const auto* ind = FindById(*objs, "indicator--11111111-1111-4111-8111-111111111111");
  ASSERT_NE(ind, nullptr);
  EXPECT_EQ(ind->at("pattern").as_string(),
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.7']");
  EXPECT_EQ(ind->at("created_by_ref").as_string(), "identity--aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  EXPECT_EQ(ind->at("valid_from").as_string(), "2024-05-01T10:00:00.000000Z");
  EXPECT_EQ(ind->at("kill_chain_phases").as_array()[0].at("phase_name").as_string(), "network-activity");
  const auto* fn = FindById(*objs, "indicator--33333333-3333-4333-8333-333333333333");
  ASSERT_NE(fn, nullptr);
  EXPECT_EQ(fn->at("pattern").as_string(),
            "[file:name = 'o\\'neil.doc' AND file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']");
  EXPECT_FALSE(fn->contains("x_misp_value"));  // the value is recoverable from the pattern
  const auto* od = FindById(*objs, "observed-data--22222222-2222-4222-8222-222222222222");
  ASSERT_NE(od, nullptr);
  const auto& refs = od->at("object_refs").as_array();
  ASSERT_EQ(refs.size(), 2u);
  const auto* dom = FindById(*objs, refs[0].as_string());
  ASSERT_NE(dom, nullptr);
  EXPECT_EQ(dom->at("value").as_string(), "evil.example");
  EXPECT_EQ(dom->at("resolves_to_refs").as_array()[0], refs[1]);
  const auto* custom = FindById(*objs, "x-misp-attribute--44444444-4444-4444-8444-444444444444");
  ASSERT_NE(custom, nullptr);
  EXPECT_EQ(custom->at("x_misp_value").as_string(), "free text");
  const auto* report = FindById(*objs, "report--5e0e2a34-7f4a-4e0e-9d2b-1a2b3c4d5e6f");
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->at("object_marking_refs").as_array()[0].as_string(), kTlp2Amber);
  EXPECT_EQ(objs->back().at("type").as_string(), "report");
  size_t threat_actors = 0;
  size_t attack_patterns = 0;
  size_t galaxy_links = 0;
  for (const auto& o : *objs) {
    const auto& t = o.at("type").as_string();
    threat_actors += t == "threat-actor";
    attack_patterns += t == "attack-pattern";
    galaxy_links += t == "relationship" && o.contains("x_misp_galaxy_link");
    EXPECT_FALSE(HasErrors(Validate(MakeObject(o), StrictOptions()))) << json::serialize(o);
  }
  EXPECT_EQ(threat_actors, 1u);
  EXPECT_EQ(attack_patterns, 1u);
  EXPECT_EQ(galaxy_links, 1u);
  // Back: the galaxy linked to the attribute stays on the attribute, the event's on the event.
  auto back = StixToEvents(ToObjects(*objs), {});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->events.size(), 1u);
  EXPECT_EQ(back->unmapped_total(), 0u);
  EXPECT_EQ(TagKey(back->events[0].event.tags), "misp-galaxy:threat-actor=\"APT28\";tlp:amber;");
  ASSERT_TRUE(back->events[0].creator.has_value());
  EXPECT_EQ(back->events[0].creator->name, "CERT-XX");
}

TEST(StixMappingExport, GroupingTlp1AndSightings) {
  model::Event e = SmallEvent();
  std::vector<model::Sighting> sightings(3);
  for (size_t i = 0; i < sightings.size(); ++i) {
    sightings[i].attribute_id = 1;
    sightings[i].org_id = 9;
    sightings[i].date_sighting = 1714560000 + static_cast<int64_t>(i) * 60;
  }
  sightings[2].type = model::SightingType::kFalsePositive;
  MappingOptions opts;
  opts.container = Container::kGrouping;
  opts.tlp = TlpVersion::kTlp1;
  opts.sightings = sightings;
  auto objs = EventToStix(e, opts);
  ASSERT_TRUE(objs.ok());
  EXPECT_EQ(objs->back().at("type").as_string(), "grouping");
  EXPECT_EQ(objs->back().at("context").as_string(), "suspicious-activity");
  EXPECT_EQ(objs->back().at("object_marking_refs").as_array()[0].as_string(), kTlp1Amber);
  std::vector<const json::object*> s;
  for (const auto& o : *objs) {
    if (o.at("type").as_string() == "sighting") s.push_back(&o);
    EXPECT_FALSE(HasErrors(Validate(MakeObject(o), StrictOptions()))) << json::serialize(o);
  }
  ASSERT_EQ(s.size(), 2u);  // (attribute, org, type) groups
  EXPECT_EQ(s[0]->at("count").as_int64(), 2);
  EXPECT_EQ(s[0]->at("first_seen").as_string(), "2024-05-01T10:40:00.000000Z");
  EXPECT_EQ(s[0]->at("sighting_of_ref").as_string(), "indicator--11111111-1111-4111-8111-111111111111");
  auto back = StixToEvents(ToObjects(*objs), {});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->events.size(), 1u);
  const auto& bs = back->events[0].sightings;
  ASSERT_EQ(bs.size(), 2u);
  EXPECT_EQ(bs[0].attribute_uuid, "11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(bs[0].count, 2);
  EXPECT_EQ(bs[1].type, model::SightingType::kFalsePositive);
}

Object Obj(std::string_view text) { return MakeObject(json::parse(text).as_object()); }

TEST(StixMappingImport, ForeignPatternsDecompose) {
  std::vector<Object> in;
  in.push_back(Obj(R"({"type":"indicator","spec_version":"2.1","id":"indicator--0a1b2c3d-0000-4000-8000-000000000001",
    "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern_type":"stix",
    "valid_from":"2024-01-01T00:00:00Z","pattern":"[ipv4-addr:value = '192.0.2.1']","labels":["malicious-activity"]})"));
  in.push_back(Obj(R"({"type":"indicator","spec_version":"2.1","id":"indicator--0a1b2c3d-0000-4000-8000-000000000002",
    "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern_type":"stix",
    "valid_from":"2024-01-01T00:00:00Z",
    "pattern":"[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:name = 'a.exe' AND file:size = 10]"})"));
  in.push_back(Obj(R"({"type":"indicator","spec_version":"2.1","id":"indicator--0a1b2c3d-0000-4000-8000-000000000003",
    "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern_type":"stix",
    "valid_from":"2024-01-01T00:00:00Z","pattern":"[url:value = 'http://a.example/'] OR [domain-name:value = 'b.example']"})"));
  in.push_back(Obj(R"({"type":"x-acme-thing","id":"x-acme-thing--0a1b2c3d-0000-4000-8000-000000000004","spec_version":"2.1",
    "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z"})"));
  in.push_back(Obj(R"({"type":"attack-pattern","id":"attack-pattern--0a1b2c3d-0000-4000-8000-000000000005","spec_version":"2.1",
    "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"Spearphishing Link"})"));
  ImportOptions opts;
  opts.bundle_id = "bundle--0a1b2c3d-0000-4000-8000-0000000000ff";
  auto r = StixToEvents(in, opts);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->events.size(), 1u);
  const auto& e = r->events[0].event;
  EXPECT_EQ(e.info, "STIX import bundle--0a1b2c3d-0000-4000-8000-0000000000ff");
  ASSERT_EQ(e.attributes.size(), 2u);
  EXPECT_EQ(e.attributes[0].type, "ip-dst");
  EXPECT_EQ(e.attributes[0].value1, "192.0.2.1");
  EXPECT_TRUE(e.attributes[0].to_ids);
  EXPECT_EQ(TagKey(e.attributes[0].tags), "malicious-activity;");
  EXPECT_EQ(e.attributes[1].type, "stix2-pattern");
  EXPECT_EQ(e.attributes[1].value1, "[url:value = 'http://a.example/'] OR [domain-name:value = 'b.example']");
  ASSERT_EQ(e.objects.size(), 1u);
  EXPECT_EQ(e.objects[0].name, "file");
  ASSERT_EQ(e.objects[0].attributes.size(), 3u);
  EXPECT_EQ(e.objects[0].attributes[0].object_relation, "sha256");
  EXPECT_EQ(e.objects[0].attributes[1].object_relation, "filename");
  EXPECT_EQ(e.objects[0].attributes[2].object_relation, "size-in-bytes");
  EXPECT_EQ(e.objects[0].attributes[2].value1, "10");
  EXPECT_EQ(TagKey(e.tags), "misp-galaxy:mitre-attack-pattern=\"Spearphishing Link\";");
  EXPECT_EQ(r->objects_seen, 5u);
  EXPECT_EQ(r->objects_mapped, 4u);
  EXPECT_EQ(r->unmapped.at("x-acme-thing"), 1u);
}

void ImportRealBundle(const std::string& name, size_t min_tags) {
  const auto path = testing::DataDir() / "stix" / name;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing " << path;
  std::vector<Object> objs;
  ASSERT_TRUE(ReadBundleFile(path.string(), [&](Object&& o) -> Status {
                objs.push_back(std::move(o));
                return Ok();
              }).ok());
  auto r = StixToEvents(objs, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objects_seen, objs.size());
  EXPECT_EQ(r->objects_mapped + r->unmapped_total(), objs.size());
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_GE(r->events[0].event.tags.size(), min_tags);
  // The result exports again without errors.
  auto again = EventToStix(r->events[0].event, {});
  ASSERT_TRUE(again.ok());
  for (const auto& o : *again) EXPECT_FALSE(HasErrors(Validate(MakeObject(o), StrictOptions())));
}

TEST(StixMappingImport, AttackIcs) { ImportRealBundle("attack-ics.json", 50); }
TEST(StixMappingImport, AttackMobile) { ImportRealBundle("attack-mobile.json", 50); }
TEST(StixMappingImport, Disarm) { ImportRealBundle("disarm.json", 300); }

TEST(StixMappingImport, OasisExamplesAccountForEverything) {
  const auto dir = testing::DataDir() / "stix" / "oasis-examples";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "missing " << dir;
  size_t files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::vector<Object> objs;
    if (!ReadBundleFile(f.path().string(), [&](Object&& o) -> Status {
          objs.push_back(std::move(o));
          return Ok();
        }).ok()) {
      continue;
    }
    ++files;
    auto r = StixToEvents(objs, {});
    ASSERT_TRUE(r.ok()) << f.path();
    EXPECT_EQ(r->objects_mapped + r->unmapped_total(), objs.size()) << f.path();
  }
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace bulwark::stix::mapping
