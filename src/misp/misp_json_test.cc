#include "misp/misp_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace bulwark::misp {
namespace {

namespace fs = std::filesystem;

fs::path DataDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') return env;
  return fs::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data";
}

fs::path MispEventsDir() { return DataDir() / "misp" / "events"; }

std::optional<json::value> ReadJson(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

json::value J(std::string_view text) { return json::parse(text); }

// ---- Fixture round trip ---------------------------------------------------------------------------------------

model::AppliedTag Applied(model::Id id, std::string name, std::string colour, bool local) {
  model::AppliedTag t;
  t.tag.id = id;
  t.tag.name = std::move(name);
  t.tag.colour = std::move(colour);
  t.local = local;
  return t;
}

model::Attribute ToModel(const AttributeInput& in) {
  model::Attribute a = in.attribute;
  for (const TagRef& t : in.tags) a.tags.push_back(Applied(0, t.name, t.colour, t.local));
  return a;
}

model::Event ToModel(const EventInput& in) {
  model::Event e = in.event;
  for (const AttributeInput& a : in.attributes) e.attributes.push_back(ToModel(a));
  for (const ObjectInput& o : in.objects) {
    model::Object obj = o.object;
    for (const AttributeInput& a : o.attributes) obj.attributes.push_back(ToModel(a));
    for (const ObjectReferenceInput& r : o.references) obj.references.push_back(r.reference);
    e.objects.push_back(std::move(obj));
  }
  for (const TagRef& t : in.tags) e.tags.push_back(Applied(0, t.name, t.colour, t.local));
  return e;
}

std::string Text(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return "";
  if (it->value().is_string()) return std::string(it->value().get_string());
  return json::serialize(it->value());
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Flag(const json::object& o, std::string_view key) {
  auto b = GetBool(o, key, "");
  return b.ok() && b->value_or(false);
}

std::set<std::string> Names(const json::object& o, std::string_view key, std::string_view name_key) {
  std::set<std::string> out;
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_array()) return out;
  for (const json::value& t : it->value().get_array()) {
    if (t.is_string()) out.emplace(t.get_string());
    if (t.is_object()) out.insert(Text(t.get_object(), name_key));
  }
  return out;
}

std::set<std::string> GalaxyTagNames(const json::object& o) {
  std::set<std::string> out;
  auto it = o.find("Galaxy");
  if (it == o.end() || !it->value().is_array()) return out;
  for (const json::value& g : it->value().get_array()) {
    for (const std::string& n : Names(g.get_object(), "GalaxyCluster", "tag_name")) out.insert(n);
  }
  return out;
}

// Rendered tags must be exactly the input's Tag[] names plus its galaxy cluster tag names.
void ExpectSameTags(const json::object& input, const json::object& rendered, const std::string& where) {
  std::set<std::string> expected = Names(input, "Tag", "name");
  if (auto it = input.find("EventTag"); it != input.end() && it->value().is_array()) {  // events/index shape
    for (const json::value& et : it->value().get_array()) expected.insert(Text(et.at("Tag").get_object(), "name"));
  }
  for (const std::string& n : GalaxyTagNames(input)) expected.insert(n);
  EXPECT_EQ(Names(rendered, "Tag", "name"), expected) << where;
  EXPECT_EQ(rendered.contains("Tag"), !expected.empty()) << where << ": Tag is omitted exactly when empty";
}

void ExpectSameAttribute(const json::object& in, const json::object& out, const std::string& where) {
  for (const char* key : {"type", "category", "comment", "value", "object_relation"}) {
    EXPECT_EQ(Text(out, key), Text(in, key)) << where << "." << key;
  }
  EXPECT_EQ(Text(out, "uuid"), Lower(Text(in, "uuid"))) << where << ".uuid";
  EXPECT_EQ(out.at("to_ids").as_bool(), Flag(in, "to_ids")) << where << ".to_ids";
  EXPECT_EQ(out.at("deleted").as_bool(), Flag(in, "deleted")) << where << ".deleted";
  EXPECT_TRUE(out.at("distribution").is_string()) << where;
  if (in.contains("distribution")) {
    EXPECT_EQ(Text(out, "distribution"), Text(in, "distribution")) << where;
  }
  if (in.contains("timestamp")) {
    EXPECT_EQ(Text(out, "timestamp"), Text(in, "timestamp")) << where;
  }
  ExpectSameTags(in, out, where);
}

void ExpectSameEvent(const json::object& in, const json::object& out) {
  for (const char* key : {"info", "date"}) EXPECT_EQ(Text(out, key), Text(in, key)) << key;
  EXPECT_EQ(Text(out, "uuid"), Lower(Text(in, "uuid")));
  for (const char* key : {"threat_level_id", "analysis", "distribution", "timestamp", "publish_timestamp"}) {
    if (in.contains(key)) {
      EXPECT_EQ(Text(out, key), Text(in, key)) << key;
    }
  }
  EXPECT_EQ(out.at("published").as_bool(), Flag(in, "published"));
  ExpectSameTags(in, out, "Event");
  const json::array empty;
  auto list = [&](const json::object& o, std::string_view key) -> const json::array& {
    auto it = o.find(key);
    return it != o.end() && it->value().is_array() ? it->value().get_array() : empty;
  };
  const json::array& in_attrs = list(in, "Attribute");
  const json::array& out_attrs = list(out, "Attribute");
  ASSERT_EQ(out_attrs.size(), in_attrs.size());
  for (size_t i = 0; i < in_attrs.size(); ++i) {
    ExpectSameAttribute(in_attrs[i].get_object(), out_attrs[i].get_object(), "Attribute[" + std::to_string(i) + "]");
  }
  const json::array& in_objs = list(in, "Object");
  const json::array& out_objs = list(out, "Object");
  ASSERT_EQ(out_objs.size(), in_objs.size());
  for (size_t i = 0; i < in_objs.size(); ++i) {
    const json::object& io = in_objs[i].get_object();
    const json::object& oo = out_objs[i].get_object();
    std::string where = "Object[" + std::to_string(i) + "]";
    for (const char* key : {"name", "meta-category", "description", "template_uuid", "template_version", "comment"}) {
      EXPECT_EQ(Text(oo, key), Text(io, key)) << where << "." << key;
    }
    EXPECT_EQ(Text(oo, "uuid"), Lower(Text(io, "uuid"))) << where;
    const json::array& ia = list(io, "Attribute");
    const json::array& oa = list(oo, "Attribute");
    ASSERT_EQ(oa.size(), ia.size()) << where;
    for (size_t j = 0; j < ia.size(); ++j) {
      ExpectSameAttribute(ia[j].get_object(), oa[j].get_object(), where + ".Attribute[" + std::to_string(j) + "]");
    }
    const json::array& ir = list(io, "ObjectReference");
    const json::array& orefs = list(oo, "ObjectReference");
    ASSERT_EQ(orefs.size(), ir.size()) << where;
    for (size_t j = 0; j < ir.size(); ++j) {
      const json::object& a = ir[j].get_object();
      const json::object& b = orefs[j].get_object();
      EXPECT_EQ(Text(b, "referenced_uuid"), Lower(Text(a, "referenced_uuid"))) << where;
      EXPECT_EQ(Text(b, "relationship_type"), Text(a, "relationship_type")) << where;
      if (a.contains("referenced_type")) {
        EXPECT_EQ(Text(b, "referenced_type"), Text(a, "referenced_type")) << where;
      }
    }
  }
}

// What each PyMISP fixture is, and what parsing it must give.
struct Fixture {
  const char* file;
  enum Kind { kEvent, kResponseEvent, kIndex, kRejected, kNotEvent } kind;
  const char* detail = "";  // kRejected: the error field; kNotEvent: why it is skipped here
};

constexpr Fixture kPymispFixtures[] = {
    {"57c4445b-c548-4654-af0b-4be3950d210f.json", Fixture::kEvent},
    {"HTML_event.json", Fixture::kEvent},
    {"attribute.json", Fixture::kEvent},
    {"attribute_del.json", Fixture::kEvent},
    // PyMISP unit-test outputs with placeholder object uuids ("a"), which MISP's validation rejects too.
    {"def_param.json", Fixture::kRejected, "Object[0].uuid"},
    {"event.json", Fixture::kEvent},
    {"event_obj_attr_tag.json", Fixture::kRejected, "Object[0].uuid"},
    {"event_obj_def_param.json", Fixture::kRejected, "Object[0].uuid"},
    {"event_obj_tag.json", Fixture::kRejected, "Object[0].uuid"},
    {"event_tags.json", Fixture::kEvent},
    {"existing_event.json", Fixture::kEvent},
    {"existing_event_edited.json", Fixture::kEvent},
    {"galaxy.json", Fixture::kNotEvent, "a galaxy with its clusters, not an event"},
    {"galaxy_1.json", Fixture::kEvent},
    {"image_event.json", Fixture::kEvent},
    {"japanese_test.json", Fixture::kEvent},
    {"japanese_test_heavy.json", Fixture::kEvent},
    {"long_event.json", Fixture::kEvent},
    {"mainly_objects_1.json", Fixture::kEvent},
    {"mainly_objects_2.json", Fixture::kEvent},
    {"malware.json", Fixture::kEvent},
    {"malware_exist.json", Fixture::kResponseEvent},
    {"misp_custom_obj.json", Fixture::kRejected, "Object[0].uuid"},
    {"misp_event.json", Fixture::kEvent},
    {"new_misp_event.json", Fixture::kEvent},
    {"proposals.json", Fixture::kEvent},
    {"search_index_result.json", Fixture::kIndex},
    {"shadow.json", Fixture::kEvent},
    {"sharing_groups.json", Fixture::kNotEvent, "sharing_groups/index output (tested in SharingGroupFixture)"},
    {"sighting.json", Fixture::kNotEvent, "a sighting (tested in SightingFixtureRejectsBadType)"},
    {"sighting_1.json", Fixture::kEvent},
    {"sighting_2.json", Fixture::kEvent},
    {"simple.json", Fixture::kEvent},
    {"to_delete1.json", Fixture::kEvent},
    {"to_delete2.json", Fixture::kEvent},
    {"to_delete3.json", Fixture::kEvent},
    {"very_long_event.json", Fixture::kEvent},
};

void RoundTrip(const json::value& v, const std::string& name) {
  auto parsed = ParseEvent(v);
  ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.error().message << " at " << parsed.error().field;
  json::object rendered = RenderEvent(ToModel(*parsed), RenderContext{});
  const json::object& input = v.get_object().contains("Event") ? v.at("Event").get_object() : v.get_object();
  SCOPED_TRACE(name);
  ExpectSameEvent(input, rendered);
}

TEST(MispJsonFixtures, EveryPymispFixtureIsListed) {
  fs::path dir = MispEventsDir() / "pymisp";
  if (!fs::exists(dir)) GTEST_SKIP() << "missing test data " << dir;
  std::set<std::string> listed;
  for (const Fixture& f : kPymispFixtures) listed.insert(f.file);
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_TRUE(listed.count(entry.path().filename().string())) << "unlisted fixture " << entry.path();
  }
}

TEST(MispJsonFixtures, PymispFixturesRoundTrip) {
  fs::path dir = MispEventsDir() / "pymisp";
  if (!fs::exists(dir)) GTEST_SKIP() << "missing test data " << dir;
  int events = 0;
  for (const Fixture& f : kPymispFixtures) {
    SCOPED_TRACE(f.file);
    auto v = ReadJson(dir / f.file);
    ASSERT_TRUE(v.has_value()) << f.file;
    switch (f.kind) {
      case Fixture::kEvent:
        RoundTrip(*v, f.file);
        ++events;
        break;
      case Fixture::kResponseEvent:
        RoundTrip(v->at("response").at(0), f.file);
        ++events;
        break;
      case Fixture::kIndex:
        for (const json::value& entry : v->as_array()) RoundTrip(entry, f.file);
        break;
      case Fixture::kRejected: {
        auto parsed = ParseEvent(*v);
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid);
        EXPECT_EQ(parsed.error().field, f.detail);
        break;
      }
      case Fixture::kNotEvent:
        break;
    }
  }
  EXPECT_EQ(events, 28);
}

TEST(MispJsonFixtures, MispCiEvent) {
  auto v = ReadJson(MispEventsDir() / "misp-ci-event.json");
  if (!v) GTEST_SKIP() << "missing test data misp-ci-event.json";
  RoundTrip(*v, "misp-ci-event.json");
  auto in = ParseEvent(*v);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->event.id, 750);
  EXPECT_EQ(in->event.uuid, "54884656-2da8-4625-bf07-43ef950d210b");
  EXPECT_EQ(in->event.info, "OSINT - F-Secure W32/Regin, Stage #1");
  EXPECT_EQ(in->event.threat_level, model::ThreatLevel::kHigh);
  EXPECT_EQ(in->event.analysis, model::Analysis::kComplete);
  EXPECT_EQ(in->event.distribution, model::Distribution::kAll);
  EXPECT_TRUE(in->event.published);
  EXPECT_EQ(in->event.timestamp, 1418217625);
  EXPECT_EQ(in->event.publish_timestamp, 1418217647);
  ASSERT_TRUE(in->orgc.has_value());
  EXPECT_EQ(in->orgc->name, "CIRCL");
  EXPECT_EQ(in->orgc->uuid, "55f6ea5e-2c60-40e5-964f-47a8950d210f");
  ASSERT_EQ(in->attributes.size(), 38u);
  EXPECT_EQ(in->attributes[0].attribute.type, "filename");
  EXPECT_EQ(in->attributes[0].raw_value, "abiosdsk.sys");
  EXPECT_EQ(in->attributes[0].attribute.id, 96642);
  EXPECT_TRUE(in->attributes[0].has_timestamp);
  ASSERT_EQ(in->tags.size(), 1u);
}

TEST(MispJsonFixtures, ObjectReferencesAndGalaxyTags) {
  auto v = ReadJson(MispEventsDir() / "pymisp" / "galaxy_1.json");
  if (!v) GTEST_SKIP() << "missing test data galaxy_1.json";
  auto in = ParseEvent(*v);
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->objects.size(), 2u);
  const ObjectInput& file = in->objects[0];
  EXPECT_EQ(file.object.name, "file");
  EXPECT_EQ(file.object.meta_category, "file");
  EXPECT_EQ(file.object.distribution, model::Distribution::kInherit);
  ASSERT_EQ(file.references.size(), 1u);
  EXPECT_EQ(file.references[0].reference.referenced_type, "Object");  // given as "1"
  EXPECT_EQ(file.references[0].reference.relationship_type, "analysed-with");
  EXPECT_EQ(file.references[0].reference.source_uuid, "2ba7f152-381c-470f-a732-792397b424d4");
  EXPECT_EQ(file.references[0].referenced_id, 166);
  // The sha1 attribute carries a galaxy cluster: its tag_name becomes one of the attribute's tags.
  const AttributeInput& sha1 = file.attributes[0];
  EXPECT_EQ(sha1.attribute.object_relation, "sha1");
  bool found = std::any_of(sha1.tags.begin(), sha1.tags.end(), [](const TagRef& t) {
    return t.name == "misp-galaxy:mitre-enterprise-attack-attack-pattern=\"Account Manipulation - T1098\"";
  });
  EXPECT_TRUE(found);
}

TEST(MispJsonFixtures, SharingGroupFixture) {
  auto v = ReadJson(MispEventsDir() / "pymisp" / "sharing_groups.json");
  if (!v) GTEST_SKIP() << "missing test data sharing_groups.json";
  auto sg = ParseSharingGroup(v->as_array()[0]);
  ASSERT_TRUE(sg.ok()) << sg.error().field;
  EXPECT_EQ(sg->sg.name, "PrivateTrustedGroup");
  EXPECT_TRUE(sg->sg.active);
  ASSERT_EQ(sg->orgs.size(), 2u);
  EXPECT_EQ(sg->orgs[0].uuid, "55f6ea5e-2c60-40e5-964f-47a8950d210f");
  EXPECT_TRUE(sg->orgs[0].extend);
  EXPECT_EQ(sg->orgs[1].name, "PifPafPoum");
  EXPECT_FALSE(sg->orgs[1].extend);
  ASSERT_EQ(sg->sg.orgs.size(), 2u);
  EXPECT_EQ(sg->sg.orgs[1].org_id, 2);
  ASSERT_EQ(sg->servers.size(), 1u);
  EXPECT_EQ(sg->servers[0].server_id, 0);
  ASSERT_TRUE(sg->organisation.has_value());
  EXPECT_EQ(sg->organisation->name, "CIRCL");
}

TEST(MispJsonFixtures, SightingFixtureRejectsBadType) {
  auto v = ReadJson(MispEventsDir() / "pymisp" / "sighting.json");
  if (!v) GTEST_SKIP() << "missing test data sighting.json";
  auto s = ParseSighting(*v);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadRequest);  // "bar" is not a number
  EXPECT_EQ(s.error().field, "type");
}

// ---- Tolerance ------------------------------------------------------------------------------------------------

TEST(MispJsonInput, StringAndNumberFormsAreEquivalent) {
  auto a = ParseEvent(J(R"({"Event":{"distribution":"2","threat_level_id":"3","analysis":"1","published":"1",
      "timestamp":"1700000000","Attribute":[{"type":"port","value":443,"to_ids":"0","distribution":"5"}]}})"));
  auto b = ParseEvent(J(R"({"distribution":2,"threat_level_id":3,"analysis":1,"published":true,
      "timestamp":1700000000,"Attribute":[{"type":"port","value":"443","to_ids":false,"distribution":5}]})"));
  ASSERT_TRUE(a.ok() && b.ok());
  for (const EventInput* in : {&*a, &*b}) {
    EXPECT_EQ(in->event.distribution, model::Distribution::kConnected);
    EXPECT_EQ(in->event.threat_level, model::ThreatLevel::kLow);
    EXPECT_EQ(in->event.analysis, model::Analysis::kOngoing);
    EXPECT_TRUE(in->event.published);
    EXPECT_EQ(in->event.timestamp, 1700000000);
    ASSERT_EQ(in->attributes.size(), 1u);
    EXPECT_EQ(in->attributes[0].attribute.value1, "443");
    EXPECT_EQ(in->attributes[0].raw_value, "443");
    EXPECT_FALSE(in->attributes[0].attribute.to_ids);
    EXPECT_EQ(in->attributes[0].attribute.distribution, model::Distribution::kInherit);
  }
}

TEST(MispJsonInput, BooleanForms) {
  for (const char* t : {"true", "1", R"("1")", R"("true")"}) {
    auto a = ParseAttribute(J(std::string(R"({"to_ids":)") + t + "}"));
    ASSERT_TRUE(a.ok()) << t;
    EXPECT_TRUE(a->attribute.to_ids) << t;
  }
  for (const char* f : {"false", "0", R"("0")", R"("false")"}) {
    auto a = ParseAttribute(J(std::string(R"({"to_ids":)") + f + R"(,"deleted":1})"));
    ASSERT_TRUE(a.ok()) << f;
    EXPECT_FALSE(a->attribute.to_ids) << f;
    EXPECT_TRUE(a->attribute.deleted);
  }
  auto bad = ParseAttribute(J(R"({"to_ids":"yes"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(bad.error().field, "to_ids");
}

TEST(MispJsonInput, DefaultsAndPresence) {
  auto in = ParseEvent(J(R"({"info":"x","attribute_count":null,"Attribute":[{"value":"1.2.3.4"}]})"));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->event.distribution, model::Distribution::kCommunity);
  EXPECT_EQ(in->event.threat_level, model::ThreatLevel::kUndefined);
  EXPECT_EQ(in->event.analysis, model::Analysis::kInitial);
  EXPECT_EQ(in->present, (KeySet{"info", "attribute_count", "Attribute"}));
  const AttributeInput& a = in->attributes[0];
  EXPECT_EQ(a.present, (KeySet{"value"}));
  EXPECT_FALSE(a.has_timestamp);
  EXPECT_EQ(a.attribute.distribution, model::Distribution::kInherit);
  EXPECT_FALSE(in->orgc.has_value());
  EXPECT_FALSE(in->sharing_group.has_value());
}

TEST(MispJsonInput, EnvelopedAndBareAreTheSame) {
  auto a = ParseAttribute(
      J(R"({"Attribute":{"type":"domain","value":"example.com","uuid":"5C6AB897-0F68-44CA-8D62-0C150A00020F"}})"));
  auto b =
      ParseAttribute(J(R"({"type":"domain","value":"example.com","uuid":"5c6ab897-0f68-44ca-8d62-0c150a00020f"})"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->attribute.uuid, "5c6ab897-0f68-44ca-8d62-0c150a00020f");  // lowercased
  EXPECT_EQ(a->attribute.uuid, b->attribute.uuid);
  EXPECT_EQ(a->attribute.value1, b->attribute.value1);
  auto o = ParseObject(J(
      R"({"Object":{"name":"domain-ip","meta-category":"network","Attribute":[{"object_relation":"ip","value":"10.0.0.1"}]}})"));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->object.name, "domain-ip");
  ASSERT_EQ(o->attributes.size(), 1u);
  EXPECT_EQ(o->attributes[0].attribute.object_relation, "ip");
}

TEST(MispJsonInput, AttributeListForms) {
  auto list = ParseAttributeList(J(R"([{"value":"a"},{"Attribute":{"value":"b"}}])"));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].raw_value, "b");
  auto wrapped = ParseAttributeList(J(R"({"Attribute":[{"value":"a"},{"value":"b"},{"value":"c"}]})"));
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->size(), 3u);
  auto one = ParseAttributeList(J(R"({"value":"a"})"));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
  auto bad = ParseAttributeList(J(R"({"Attribute":[{"value":"a"},{"distribution":9}]})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "Attribute[1].distribution");
  auto bad2 = ParseAttributeList(J(R"([{"value":"a"},3])"));
  ASSERT_FALSE(bad2.ok());
  EXPECT_EQ(bad2.error().field, "[1]");
}

TEST(MispJsonInput, TagForms) {
  auto in = ParseEvent(J(R"({"Tag":["tlp:green",{"name":"osint","local":1,"colour":"#00ff00"},
      {"Tag":{"name":"pap:red"},"local":true},{"name":"tlp:green"}],
      "Galaxy":[{"GalaxyCluster":[{"tag_name":"misp-galaxy:botnet=\"Asprox\""},{"type":"tool","value":"Mimikatz"}]}]})"));
  ASSERT_TRUE(in.ok()) << in.error().field;
  ASSERT_EQ(in->tags.size(), 5u);  // tlp:green given twice counts once
  EXPECT_EQ(in->tags[0].name, "tlp:green");
  EXPECT_FALSE(in->tags[0].local);
  EXPECT_EQ(in->tags[1].name, "osint");
  EXPECT_TRUE(in->tags[1].local);
  EXPECT_EQ(in->tags[1].colour, "#00ff00");
  EXPECT_EQ(in->tags[2].name, "pap:red");
  EXPECT_TRUE(in->tags[2].local);
  EXPECT_EQ(in->tags[3].name, "misp-galaxy:botnet=\"Asprox\"");
  EXPECT_EQ(in->tags[4].name, "misp-galaxy:tool=\"Mimikatz\"");
}

TEST(MispJsonInput, SeenTimesAndOrgs) {
  auto in = ParseEvent(J(R"({"orgc_uuid":"55F6EA5E-2C60-40E5-964F-47A8950D210F","org_id":"3",
      "Attribute":[{"first_seen":"2019-06-05T09:21:28.123456+02:00","last_seen":1559726488123456},
                   {"first_seen":null,"last_seen":""}]})"));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->attributes[0].attribute.first_seen_micros, 1559719288123456);
  EXPECT_EQ(in->attributes[0].attribute.last_seen_micros, 1559726488123456);
  EXPECT_FALSE(in->attributes[1].attribute.first_seen_micros.has_value());
  EXPECT_TRUE(in->attributes[1].present.count("first_seen"));
  ASSERT_TRUE(in->orgc.has_value());
  EXPECT_EQ(in->orgc->uuid, "55f6ea5e-2c60-40e5-964f-47a8950d210f");
  ASSERT_TRUE(in->org.has_value());
  EXPECT_EQ(in->org->id, 3);
  EXPECT_EQ(in->event.org_id, 3);
}

TEST(MispJsonInput, EmbeddedSharingGroup) {
  auto in = ParseEvent(J(R"({"distribution":"4","sharing_group_id":"7","SharingGroup":{"id":"7","name":"Elections",
      "uuid":"c7f7ed4d-4bd3-4b4a-a8ec-2b5f0f3e8c11","roaming":true,"SharingGroupOrg":[{"org_id":"2","extend":true,
      "Organisation":{"id":"2","name":"CERT-X","uuid":"5c6983c8-3af8-4304-869c-4800d6c1883c"}}],
      "SharingGroupServer":[{"server_id":"0","all_orgs":false,"Server":[]}]}})"));
  ASSERT_TRUE(in.ok()) << in.error().field;
  ASSERT_TRUE(in->sharing_group.has_value());
  EXPECT_EQ(in->sharing_group->name, "Elections");
  EXPECT_TRUE(in->sharing_group->roaming);
  ASSERT_EQ(in->sharing_group->orgs.size(), 1u);
  EXPECT_TRUE(in->sharing_group->orgs[0].extend);
  ASSERT_TRUE(in->sharing_group_input.has_value());
  EXPECT_EQ(in->sharing_group_input->orgs[0].name, "CERT-X");
  EXPECT_EQ(in->event.distribution, model::Distribution::kSharingGroup);
  // events/index renders non-SG events with {"id": null, "name": null}: that is no sharing group.
  auto index = ParseEvent(J(R"({"SharingGroup":{"id":null,"name":null}})"));
  ASSERT_TRUE(index.ok());
  EXPECT_FALSE(index->sharing_group.has_value());
}

TEST(MispJsonInput, SightingOrganisationUserTag) {
  auto s =
      ParseSighting(J(R"({"Sighting":{"values":["1.2.3.4",53],"type":"1","source":"ids","timestamp":"1700000000"}})"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->values, (std::vector<std::string>{"1.2.3.4", "53"}));
  EXPECT_EQ(s->sighting.type, model::SightingType::kFalsePositive);
  EXPECT_EQ(s->sighting.date_sighting, 1700000000);
  EXPECT_EQ(s->sighting.source, "ids");
  auto org =
      ParseOrganisation(J(R"({"Organisation":{"name":"CERT-EU","type":"CERT","local":"0","nationality":"EU"}})"));
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->org.name, "CERT-EU");
  EXPECT_FALSE(org->org.local);
  auto user = ParseUser(J(R"({"email":"a@example.org","org_id":"2","role_id":3,"disabled":0})"));
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->user.role_id, 3);
  EXPECT_EQ(user->user.org_id, 2);
  auto tag = ParseTag(
      J(R"({"Tag":{"name":"admiralty-scale:source-reliability=\"a\"","numerical_value":"100","exportable":"1"}})"));
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->tag.numerical_value, 100);
  EXPECT_TRUE(tag->tag.exportable);
}

// ---- Errors ---------------------------------------------------------------------------------------------------

struct ErrorCase {
  const char* json;
  ErrorCode code;
  const char* field;
};

TEST(MispJsonInput, ErrorsNameTheField) {
  const ErrorCase cases[] = {
      {R"({"distribution":5})", ErrorCode::kInvalid, "distribution"},  // 5 (inherit) is not an event level
      {R"({"distribution":"abc"})", ErrorCode::kBadRequest, "distribution"},
      {R"({"distribution":[1]})", ErrorCode::kBadRequest, "distribution"},
      {R"({"threat_level_id":0})", ErrorCode::kInvalid, "threat_level_id"},
      {R"({"analysis":"3"})", ErrorCode::kInvalid, "analysis"},
      {R"({"date":"2017-02-30"})", ErrorCode::kInvalid, "date"},
      {R"({"date":20170230})", ErrorCode::kInvalid, "date"},
      {R"({"uuid":"not-a-uuid"})", ErrorCode::kInvalid, "uuid"},
      {R"({"info":{"a":1}})", ErrorCode::kBadRequest, "info"},
      {R"({"timestamp":"99999999999999999999"})", ErrorCode::kBadRequest, "timestamp"},
      {R"({"id":-1})", ErrorCode::kInvalid, "id"},
      {R"({"Attribute":{"value":"x"}})", ErrorCode::kBadRequest, "Attribute"},
      {R"({"Attribute":[{},{},{},{"distribution":6}]})", ErrorCode::kInvalid, "Attribute[3].distribution"},
      {R"({"Attribute":[{"value":true}]})", ErrorCode::kBadRequest, "Attribute[0].value"},
      {R"({"Attribute":[{"first_seen":"yesterday"}]})", ErrorCode::kInvalid, "Attribute[0].first_seen"},
      {R"({"Attribute":[{"Tag":[{"colour":"#fff"}]}]})", ErrorCode::kInvalid, "Attribute[0].Tag[0].name"},
      {R"({"Attribute":[{"Tag":[7]}]})", ErrorCode::kBadRequest, "Attribute[0].Tag[0]"},
      {R"({"Object":[{"Attribute":[{"to_ids":"maybe"}]}]})", ErrorCode::kBadRequest, "Object[0].Attribute[0].to_ids"},
      {R"({"Object":[{"ObjectReference":[{"referenced_type":"2"}]}]})", ErrorCode::kInvalid,
       "Object[0].ObjectReference[0].referenced_type"},
      {R"({"Orgc":{"uuid":"x"}})", ErrorCode::kInvalid, "Orgc.uuid"},
      {R"({"Galaxy":[{"GalaxyCluster":[{"tag_name":["x"]}]}]})", ErrorCode::kBadRequest,
       "Galaxy[0].GalaxyCluster[0].tag_name"},
      {R"({"SharingGroup":{"SharingGroupOrg":[{"extend":"x"}]}})", ErrorCode::kBadRequest,
       "SharingGroup.SharingGroupOrg[0].extend"},
  };
  for (const ErrorCase& c : cases) {
    auto r = ParseEvent(J(c.json));
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.error().code, c.code) << c.json << " -> " << r.error().message;
    EXPECT_EQ(r.error().field, c.field) << c.json;
  }
  auto not_object = ParseEvent(J("[1,2]"));
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().code, ErrorCode::kBadRequest);
}

TEST(MispJsonInput, OversizedStringIsTooLarge) {
  json::object o;
  o["info"] = std::string(kMaxStringBytes + 1, 'a');
  auto r = ParseEvent(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "info");
  json::object a;
  a["data"] = std::string(kMaxStringBytes + 1, 'A');  // attachments get the larger data limit
  EXPECT_TRUE(ParseAttribute(a).ok());
}

TEST(MispJsonInput, ToleratedNumericValues) {
  auto r = ParseEvent(J(R"({"timestamp":1.7e9,"sharing_group_id":"","org_id":null})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->event.timestamp, 1700000000);
  auto frac = ParseEvent(J(R"({"timestamp":1.5})"));
  ASSERT_FALSE(frac.ok());
  EXPECT_EQ(frac.error().field, "timestamp");
}

}  // namespace
}  // namespace bulwark::misp
