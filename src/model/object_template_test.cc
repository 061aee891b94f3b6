#include "model/object_template.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "model/test_data.h"

namespace bulwark::model {
namespace {

namespace json = boost::json;

Attribute Attr(std::string relation, std::string type, std::string value) {
  Attribute a;
  a.object_relation = std::move(relation);
  a.type = std::move(type);
  a.value1 = std::move(value);
  return a;
}

Object MakeObject(std::string name, std::vector<Attribute> attributes) {
  Object o;
  o.name = std::move(name);
  o.attributes = std::move(attributes);
  return o;
}

class ObjectTemplates : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TestDataDir() / "misp" / "objects";
    if (!std::filesystem::exists(dir_ / "domain-ip.json")) GTEST_SKIP() << "test data missing: " << dir_;
  }
  ObjectTemplate Load(const std::string& name) {
    auto doc = testing::ReadJsonFile(dir_ / (name + ".json"));
    EXPECT_TRUE(doc.has_value()) << name;
    if (!doc) return {};
    auto t = ParseObjectTemplate(*doc);
    EXPECT_TRUE(t.ok()) << name << ": " << t.error().message;
    return t.ok() ? std::move(t).value() : ObjectTemplate{};
  }
  std::filesystem::path dir_;
};

TEST_F(ObjectTemplates, AllLoad) {
  int loaded = 0;
  std::set<std::string> names, uuids;
  size_t relations = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".json" || file.front() == '_') continue;
    auto doc = testing::ReadJsonFile(entry.path());
    ASSERT_TRUE(doc.has_value()) << file;
    auto t = ParseObjectTemplate(*doc);
    ASSERT_TRUE(t.ok()) << file << ": " << t.error().field << ": " << t.error().message;
    EXPECT_EQ(t->name + ".json", file);
    names.insert(t->name);
    uuids.insert(t->uuid);
    relations += t->attributes.size();
    ++loaded;
  }
  EXPECT_EQ(loaded, 424);
  EXPECT_EQ(names.size(), 424u);
  EXPECT_EQ(uuids.size(), 424u);
  EXPECT_EQ(relations, 6229u);
}

TEST_F(ObjectTemplates, DomainIpTemplate) {
  ObjectTemplate t = Load("domain-ip");
  EXPECT_EQ(t.name, "domain-ip");
  EXPECT_EQ(t.uuid, "43b3b146-77eb-4931-b4cc-b66c60f28734");
  EXPECT_EQ(t.meta_category, "network");
  EXPECT_EQ(t.version, 11);
  EXPECT_EQ(t.required_one_of, (std::vector<std::string>{"ip", "domain", "hostname"}));
  ASSERT_NE(t.Find("ip"), nullptr);
  EXPECT_EQ(t.Find("ip")->misp_attribute, "ip-dst");
  EXPECT_TRUE(t.Find("ip")->multiple);
  EXPECT_FALSE(t.Find("hostname")->multiple);
  EXPECT_TRUE(t.Find("first-seen")->disable_correlation);
  EXPECT_EQ(t.Find("port")->categories, (std::vector<std::string>{"Network activity", "External analysis"}));
  EXPECT_EQ(t.Find("nope"), nullptr);
}

TEST_F(ObjectTemplates, DomainIpObjects) {
  ObjectTemplate t = Load("domain-ip");
  EXPECT_TRUE(ValidateObject(t, MakeObject("domain-ip",
                                           {Attr("domain", "domain", "example.com"), Attr("ip", "ip-dst", "192.0.2.1"),
                                            Attr("ip", "ip-dst", "192.0.2.2"), Attr("port", "port", "443")}))
                  .ok());
  EXPECT_TRUE(ValidateObject(t, MakeObject("", {Attr("hostname", "hostname", "www.example.com")})).ok());

  // None of ip, domain, hostname.
  auto none = ValidateObject(t, MakeObject("domain-ip", {Attr("port", "port", "443")}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(none.error().field, "Attribute");
  EXPECT_NE(none.error().message.find("hostname"), std::string::npos) << none.error().message;

  // A deleted attribute does not count.
  Attribute deleted = Attr("domain", "domain", "example.com");
  deleted.deleted = true;
  EXPECT_FALSE(ValidateObject(t, MakeObject("domain-ip", {deleted, Attr("port", "port", "443")})).ok());

  // Unknown relation.
  auto unknown =
      ValidateObject(t, MakeObject("domain-ip", {Attr("domain", "domain", "example.com"), Attr("asn", "AS", "1234")}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "Attribute[1].object_relation");
  EXPECT_NE(unknown.error().message.find("\"asn\""), std::string::npos) << unknown.error().message;

  // Wrong type for the relation.
  auto wrong = ValidateObject(t, MakeObject("domain-ip", {Attr("ip", "ip-src", "192.0.2.1")}));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "Attribute[0].type");
  EXPECT_NE(wrong.error().message.find("\"ip\""), std::string::npos) << wrong.error().message;
  EXPECT_NE(wrong.error().message.find("ip-dst"), std::string::npos) << wrong.error().message;

  // hostname is not `multiple`.
  auto twice = ValidateObject(t, MakeObject("domain-ip", {Attr("hostname", "hostname", "a.example.com"),
                                                          Attr("hostname", "hostname", "b.example.com")}));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "Attribute[1].object_relation");
  EXPECT_NE(twice.error().message.find("\"hostname\""), std::string::npos) << twice.error().message;

  // Another template's name.
  EXPECT_FALSE(ValidateObject(t, MakeObject("file", {Attr("domain", "domain", "example.com")})).ok());
}

TEST_F(ObjectTemplates, FileObjects) {
  ObjectTemplate t = Load("file");
  EXPECT_TRUE(t.required.empty());
  EXPECT_EQ(t.required_one_of.size(), 25u);
  EXPECT_TRUE(
      ValidateObject(
          t,
          MakeObject("file", {Attr("filename", "filename", "evil.exe"), Attr("filename", "filename", "evil2.exe"),
                              Attr("md5", "md5", std::string(32, 'a')), Attr("sha256", "sha256", std::string(64, 'b')),
                              Attr("size-in-bytes", "size-in-bytes", "1024"), Attr("entropy", "float", "7.9")}))
          .ok());
  auto two_md5 = ValidateObject(
      t, MakeObject("file", {Attr("md5", "md5", std::string(32, 'a')), Attr("md5", "md5", std::string(32, 'b'))}));
  ASSERT_FALSE(two_md5.ok());
  EXPECT_NE(two_md5.error().message.find("\"md5\""), std::string::npos);
  auto only_entropy = ValidateObject(t, MakeObject("file", {Attr("entropy", "float", "7.9")}));
  ASSERT_FALSE(only_entropy.ok());
  EXPECT_NE(only_entropy.error().message.find("filename"), std::string::npos);
  EXPECT_FALSE(ValidateObject(t, MakeObject("file", {Attr("md5", "sha1", std::string(40, 'a'))})).ok());
}

// A template with `required`.
TEST(ObjectTemplate, RequiredRelations) {
  auto t = ParseObjectTemplate(json::parse(R"({"name": "t", "uuid": "u", "version": 1, "meta-category": "misc",
      "description": "d", "required": ["a"], "attributes": {"a": {"misp-attribute": "text", "ui-priority": 0},
      "b": {"misp-attribute": "port", "multiple": true, "values_list": [80, "443"]}}})"));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->Find("b")->values_list, (std::vector<std::string>{"80", "443"}));
  EXPECT_TRUE(ValidateObject(*t, MakeObject("t", {Attr("a", "text", "x")})).ok());
  auto missing = ValidateObject(*t, MakeObject("t", {Attr("b", "port", "80")}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("required relation \"a\""), std::string::npos) << missing.error().message;
}

TEST(ObjectTemplate, ParseErrors) {
  auto parse = [](const char* text) { return ParseObjectTemplate(json::parse(text)); };
  EXPECT_FALSE(parse("[]").ok());
  EXPECT_FALSE(parse(R"({"uuid": "u", "version": 1, "attributes": {}})").ok());
  EXPECT_FALSE(parse(R"({"name": "t", "uuid": "u", "attributes": {}})").ok());
  EXPECT_FALSE(parse(R"({"name": "t", "uuid": "u", "version": 1})").ok());
  EXPECT_FALSE(parse(R"({"name": "t", "uuid": "u", "version": 1, "attributes": {"a": {}}})").ok());
  auto bad_type = parse(R"({"name": "t", "uuid": "u", "version": 1, "attributes": {"a": {"misp-attribute": "ipv4"}}})");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.error().field, "attributes.a.misp-attribute");
  EXPECT_FALSE(parse(R"({"name": "t", "uuid": "u", "version": 1, "required": ["b"],
                         "attributes": {"a": {"misp-attribute": "text"}}})")
                   .ok());
  EXPECT_FALSE(parse(R"({"name": "t", "uuid": "u", "version": 1,
                         "attributes": {"a": {"misp-attribute": "text", "categories": ["Nope"]}}})")
                   .ok());
  EXPECT_FALSE(parse(R"({"name": "t", "uuid": "u", "version": 1,
                         "attributes": {"a": {"misp-attribute": "text", "multiple": "yes"}}})")
                   .ok());
}

// Objects in real MISP events follow their templates (the objects there were made by PyMISP and MISP).
TEST_F(ObjectTemplates, FixtureObjectsValidate) {
  auto events = testing::TestDataDir() / "misp" / "events" / "pymisp";
  if (!std::filesystem::exists(events)) GTEST_SKIP() << "test data missing: " << events;
  std::map<std::string, ObjectTemplate> templates;
  int checked = 0;
  std::vector<std::string> failures;
  for (const auto& entry : std::filesystem::directory_iterator(events)) {
    auto doc = testing::ReadJsonFile(entry.path());
    if (!doc || !doc->is_object()) continue;
    const json::value* event = doc->as_object().if_contains("Event");
    if (event == nullptr || !event->is_object()) continue;
    const json::value* objects = event->as_object().if_contains("Object");
    if (objects == nullptr || !objects->is_array()) continue;
    for (const auto& ov : objects->as_array()) {
      const auto& oj = ov.as_object();
      std::string name(oj.at("name").as_string());
      if (!std::filesystem::exists(dir_ / (name + ".json"))) continue;  // custom template
      if (!templates.count(name)) templates.emplace(name, Load(name));
      Object o;
      o.name = name;
      if (const auto* attrs = oj.if_contains("Attribute"); attrs != nullptr && attrs->is_array()) {
        for (const auto& av : attrs->as_array()) {
          const auto& aj = av.as_object();
          Attribute a =
              Attr(std::string(aj.at("object_relation").as_string()), std::string(aj.at("type").as_string()), "");
          if (const auto* d = aj.if_contains("deleted"); d != nullptr && d->is_bool()) a.deleted = d->as_bool();
          o.attributes.push_back(std::move(a));
        }
      }
      auto s = ValidateObject(templates[name], o);
      if (!s.ok()) failures.push_back(entry.path().filename().string() + ": " + s.error().message);
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
  for (const auto& f : failures) ADD_FAILURE() << f;
}

}  // namespace
}  // namespace bulwark::model
