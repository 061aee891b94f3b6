// The text writers: exact text where the tree renderers cannot show it (escapes, composites, splicing), and
// agreement with the tree renderers that parse them.
#include "misp/misp_write.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace bulwark::misp {
namespace {

namespace json = boost::json;

model::Attribute Composite() {
  model::Attribute a;
  a.id = 7;
  a.event_id = 3;
  a.uuid = "5e2b7d0e-9f1a-4c3b-8d2e-1f0a9b8c7d6e";
  a.type = "filename|md5";
  a.category = "Payload delivery";
  a.value1 = "inv\"oice\\q1.exe";
  a.value2 = "d41d8cd98f00b204e9800998ecf8427e";
  a.comment = "line\nbreak";
  return a;
}

model::Event EventWith(std::string info) {
  model::Event e;
  e.id = 3;
  e.uuid = "0b3f6c2a-1d4e-4f5a-9b8c-7d6e5f4a3b2c";
  e.info = std::move(info);
  e.attributes.push_back(Composite());
  model::Attribute plain = Composite();
  plain.id = 8;
  plain.type = "domain";
  plain.value1 = "vote-results.example";
  plain.value2.clear();
  model::AppliedTag amber;
  amber.tag.id = 9;
  amber.tag.name = "tlp:amber";
  amber.tag.colour = "#ffc000";
  amber.local = true;
  plain.tags.push_back(amber);
  e.attributes.push_back(plain);
  model::Object o;
  o.id = 4;
  o.name = "file";
  o.event_id = 3;
  o.attributes.push_back(plain);
  model::ObjectReference r;
  r.id = 1;
  r.referenced_type = "Object";
  r.relationship_type = "drops";
  o.references.push_back(r);
  e.objects.push_back(o);
  return e;
}

TEST(MispWrite, CompositeValueIsOneEscapedString) {
  std::string out;
  WriteEventAttribute(out, Composite());
  const json::object o = json::parse(out).as_object();
  EXPECT_EQ(o.at("value").as_string(), "inv\"oice\\q1.exe|d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_NE(out.find(R"("value":"inv\"oice\\q1.exe|d41d8cd98f00b204e9800998ecf8427e")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("comment":"line\nbreak")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("object_relation":null,"first_seen":null,"last_seen":null)"), std::string::npos) << out;
}

TEST(MispWrite, StandaloneAttributeCarriesItsEventAndNoEventOnlyLists) {
  model::Event e = EventWith("Spear-phishing of election staff");
  std::string out;
  WriteAttribute(out, e.attributes[0], &e);
  const json::object o = json::parse(out).as_object();
  EXPECT_FALSE(o.contains("Galaxy"));
  EXPECT_EQ(o.at("Event").at("info").as_string(), "Spear-phishing of election staff");
  EXPECT_EQ(o.at("Event").at("id").as_string(), "3");
}

TEST(MispWrite, WriteEventEqualsTheTreeRendererWithChildrenInOrder) {
  const model::Event e = EventWith("Phishing wave");
  std::string text;
  WriteEvent(text, e, RenderContext{});
  const json::value written = json::parse(text);
  EXPECT_EQ(json::serialize(written), json::serialize(RenderEvent(e, RenderContext{})));
  const json::array& attributes = written.at("Attribute").as_array();
  ASSERT_EQ(attributes.size(), 2u);
  EXPECT_EQ(attributes[1].at("Tag").at(0).at("name").as_string(), "tlp:amber");
  EXPECT_EQ(attributes[1].at("Tag").at(0).at("local").as_bool(), true);
  const json::object& object = written.at("Object").at(0).as_object();
  EXPECT_EQ(object.at("ObjectReference").at(0).at("referenced_type").as_string(), "1");
  EXPECT_EQ(object.at("Attribute").at(0).at("value").as_string(), "vote-results.example");
  // Without children the lists stay empty and the header is the same.
  RenderContext header_only;
  header_only.include_attributes = false;
  std::string bare;
  WriteEvent(bare, e, header_only);
  EXPECT_TRUE(json::parse(bare).at("Attribute").as_array().empty());
  EXPECT_EQ(json::parse(bare).at("info").as_string(), "Phishing wave");
}

TEST(MispWrite, FrameEventIsNotFooledByTheMarkersInsideAString) {
  const model::Event e = EventWith(R"(look: "Attribute":[] and "Object":[])");
  RenderContext header_only;
  header_only.include_attributes = false;
  Result<EventFrame> f = FrameEvent(RenderEvent(e, header_only));
  ASSERT_TRUE(f.ok()) << f.error().message;
  const std::string joined = f->head + R"({"n":1})" + f->middle + R"({"n":2})" + f->tail;
  const json::value v = json::parse(joined);
  EXPECT_EQ(v.at("info").as_string(), R"(look: "Attribute":[] and "Object":[])");
  EXPECT_EQ(v.at("Attribute").at(0).at("n").as_int64(), 1);
  EXPECT_EQ(v.at("Object").at(0).at("n").as_int64(), 2);
  EXPECT_FALSE(FrameEvent(json::parse(R"({"Event":{"id":"1"}})")).ok());
}

TEST(MispWrite, AppendMembersJoinsAnnotationsToWrittenObjects) {
  std::string out = R"({"id":"1"})";
  AppendMembers(out, json::object{{"warnings", json::array{"list"}}, {"n", 2}});
  EXPECT_EQ(out, R"({"id":"1","warnings":["list"],"n":2})");
  std::string empty = "{}";
  AppendMembers(empty, json::object{{"a", nullptr}});
  EXPECT_EQ(empty, R"({"a":null})");
  AppendMembers(empty, json::object{});
  EXPECT_EQ(empty, R"({"a":null})");
}

}  // namespace
}  // namespace bulwark::misp
