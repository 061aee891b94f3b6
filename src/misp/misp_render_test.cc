// Output shapes: golden MISP JSON for a small event, and the other renderers.
#include <gtest/gtest.h>

#include "misp/misp_json.h"

namespace bulwark::misp {
namespace {

json::value J(std::string_view text) { return json::parse(text); }

model::AppliedTag Applied(model::Id id, std::string name, std::string colour, bool local) {
  model::AppliedTag t;
  t.tag.id = id;
  t.tag.name = std::move(name);
  t.tag.colour = std::move(colour);
  t.local = local;
  return t;
}

model::Organisation Circl() {
  model::Organisation org;
  org.id = 2;
  org.uuid = "55f6ea5e-2c60-40e5-964f-47a8950d210f";
  org.name = "CIRCL";
  return org;
}

// ---- Output ---------------------------------------------------------------------------------------------------

struct Fixtures {
  model::Organisation circl = Circl();
  model::Event event;

  Fixtures() {
    event.id = 12;
    event.uuid = "54884656-2da8-4625-bf07-43ef950d210b";
    event.info = "Phishing wave";
    event.date = "2024-05-01";
    event.org_id = 2;
    event.orgc_id = 2;
    event.published = true;
    event.publish_timestamp = 1714561300;
    event.timestamp = 1714561200;
    event.distribution = model::Distribution::kCommunity;
    event.analysis = model::Analysis::kOngoing;
    event.threat_level = model::ThreatLevel::kMedium;
    event.attribute_count = 2;
    event.tags.push_back(Applied(5, "tlp:green", "#339900", false));
    model::Attribute a;
    a.id = 100;
    a.event_id = 12;
    a.uuid = "54884832-f2a8-46ff-be58-1ac6950d210b";
    a.type = "domain|ip";
    a.category = "Network activity";
    a.value1 = "evil.example";
    a.value2 = "192.0.2.1";
    a.to_ids = true;
    a.timestamp = 1714561200;
    a.first_seen_micros = 1714561200123456;
    event.attributes.push_back(a);
    model::Object obj;
    obj.id = 7;
    obj.event_id = 12;
    obj.uuid = "2ba7f152-381c-470f-a732-792397b424d4";
    obj.name = "url";
    obj.meta_category = "network";
    obj.template_uuid = "60efb77b-40b5-4c46-871b-ed1ed999fce5";
    obj.template_version = "10";
    obj.timestamp = 1714561200;
    model::Attribute u;
    u.id = 101;
    u.event_id = 12;
    u.object_id = 7;
    u.object_relation = "url";
    u.uuid = "5acd1ad5-d454-4166-aa3a-498d02de0b81";
    u.type = "url";
    u.category = "Network activity";
    u.value1 = "https://evil.example/login";
    u.timestamp = 1714561200;
    obj.attributes.push_back(u);
    model::ObjectReference r;
    r.id = 3;
    r.uuid = "5acd1ad7-df04-4155-bc1c-464602de0b81";
    r.object_id = 7;
    r.event_id = 12;
    r.source_uuid = obj.uuid;
    r.referenced_uuid = a.uuid;
    r.referenced_type = "Attribute";
    r.relationship_type = "related-to";
    r.timestamp = 1714561200;
    obj.references.push_back(r);
    event.objects.push_back(obj);
  }

  RenderContext Context() const {
    RenderContext ctx;
    ctx.org = [this](model::Id id) { return id == circl.id ? &circl : nullptr; };
    return ctx;
  }
};

constexpr std::string_view kGoldenEvent =
    R"({"id":"12","orgc_id":"2","org_id":"2","date":"2024-05-01","threat_level_id":"2","info":"Phishing wave",)"
    R"("published":true,"uuid":"54884656-2da8-4625-bf07-43ef950d210b","attribute_count":"2","analysis":"1",)"
    R"("timestamp":"1714561200","distribution":"1","proposal_email_lock":false,"locked":false,)"
    R"("publish_timestamp":"1714561300","sharing_group_id":"0","disable_correlation":false,"extends_uuid":"",)"
    R"("protected":false,)"
    R"("Org":{"id":"2","name":"CIRCL","uuid":"55f6ea5e-2c60-40e5-964f-47a8950d210f","local":true},)"
    R"("Orgc":{"id":"2","name":"CIRCL","uuid":"55f6ea5e-2c60-40e5-964f-47a8950d210f","local":true},)"
    R"("Attribute":[{"id":"100","type":"domain|ip","category":"Network activity","to_ids":true,)"
    R"("uuid":"54884832-f2a8-46ff-be58-1ac6950d210b","event_id":"12","distribution":"5","timestamp":"1714561200",)"
    R"("comment":"","sharing_group_id":"0","deleted":false,"disable_correlation":false,"object_id":"0",)"
    R"("object_relation":null,"first_seen":"2024-05-01T11:00:00.123456+00:00","last_seen":null,)"
    R"("value":"evil.example|192.0.2.1","Galaxy":[],"ShadowAttribute":[]}],)"
    R"("ShadowAttribute":[],"RelatedEvent":[],"Galaxy":[],)"
    R"("Object":[{"id":"7","name":"url","meta-category":"network","description":"",)"
    R"("template_uuid":"60efb77b-40b5-4c46-871b-ed1ed999fce5","template_version":"10","event_id":"12",)"
    R"("uuid":"2ba7f152-381c-470f-a732-792397b424d4","timestamp":"1714561200","distribution":"5",)"
    R"("sharing_group_id":"0","comment":"","deleted":false,"first_seen":null,"last_seen":null,)"
    R"("ObjectReference":[{"id":"3","uuid":"5acd1ad7-df04-4155-bc1c-464602de0b81","timestamp":"1714561200",)"
    R"("object_id":"7","event_id":"12","source_uuid":"2ba7f152-381c-470f-a732-792397b424d4",)"
    R"("referenced_uuid":"54884832-f2a8-46ff-be58-1ac6950d210b","referenced_type":"0",)"
    R"("relationship_type":"related-to","comment":"","deleted":false}],)"
    R"("Attribute":[{"id":"101","type":"url","category":"Network activity","to_ids":false,)"
    R"("uuid":"5acd1ad5-d454-4166-aa3a-498d02de0b81","event_id":"12","distribution":"5","timestamp":"1714561200",)"
    R"("comment":"","sharing_group_id":"0","deleted":false,"disable_correlation":false,"object_id":"7",)"
    R"("object_relation":"url","first_seen":null,"last_seen":null,"value":"https://evil.example/login",)"
    R"("Galaxy":[],"ShadowAttribute":[]}]}],)"
    R"("EventReport":[],"CryptographicKey":[],)"
    R"("Tag":[{"id":"5","name":"tlp:green","colour":"#339900","exportable":true,"org_id":"0","user_id":"0",)"
    R"("hide_tag":false,"numerical_value":null,"is_galaxy":false,"is_custom_galaxy":false,"local_only":false,)"
    R"("local":false}]})";

TEST(MispJsonOutput, GoldenEvent) {
  Fixtures f;
  EXPECT_EQ(json::serialize(RenderEvent(f.event, f.Context())), kGoldenEvent);
}

TEST(MispJsonOutput, GoldenEventParsesBackToTheSameModel) {
  Fixtures f;
  auto in = ParseEvent(J(kGoldenEvent));
  ASSERT_TRUE(in.ok()) << in.error().field;
  EXPECT_EQ(in->event.uuid, f.event.uuid);
  EXPECT_EQ(in->event.threat_level, f.event.threat_level);
  EXPECT_EQ(in->event.publish_timestamp, f.event.publish_timestamp);
  EXPECT_EQ(in->attributes[0].raw_value, "evil.example|192.0.2.1");
  EXPECT_EQ(in->attributes[0].attribute.first_seen_micros, f.event.attributes[0].first_seen_micros);
  EXPECT_EQ(in->objects[0].references[0].reference.referenced_type, "Attribute");
  EXPECT_EQ(in->objects[0].attributes[0].attribute.object_relation, "url");
  ASSERT_EQ(in->tags.size(), 1u);
  EXPECT_EQ(in->tags[0].name, "tlp:green");
}

TEST(MispJsonOutput, EventWithoutTagsOmitsTagAndShowsSharingGroup) {
  Fixtures f;
  f.event.tags.clear();
  f.event.distribution = model::Distribution::kSharingGroup;
  f.event.sharing_group_id = 4;
  model::SharingGroup sg;
  sg.id = 4;
  sg.uuid = "c7f7ed4d-4bd3-4b4a-a8ec-2b5f0f3e8c11";
  sg.name = "Elections";
  sg.org_id = 2;
  sg.orgs.push_back(model::SharingGroupOrg{2, true});
  sg.servers.push_back(model::SharingGroupServer{0, false});
  RenderContext ctx = f.Context();
  ctx.sharing_group = [&sg](model::Id id) { return id == sg.id ? &sg : nullptr; };
  ctx.include_attributes = false;
  json::object o = RenderEvent(f.event, ctx);
  EXPECT_FALSE(o.contains("Tag"));
  EXPECT_TRUE(o.at("Attribute").as_array().empty());
  EXPECT_EQ(o.at("distribution"), "4");
  EXPECT_EQ(o.at("sharing_group_id"), "4");
  EXPECT_EQ(
      json::serialize(o.at("SharingGroup")),
      R"({"id":"4","name":"Elections","releasability":"","description":"",)"
      R"("uuid":"c7f7ed4d-4bd3-4b4a-a8ec-2b5f0f3e8c11","organisation_uuid":"55f6ea5e-2c60-40e5-964f-47a8950d210f",)"
      R"("org_id":"2","sync_user_id":"0","active":true,"created":null,"modified":null,"local":true,)"
      R"("roaming":false,"Organisation":{"id":"2","name":"CIRCL","uuid":"55f6ea5e-2c60-40e5-964f-47a8950d210f",)"
      R"("local":true},"SharingGroupOrg":[{"sharing_group_id":"4","org_id":"2","extend":true,)"
      R"("Organisation":{"id":"2","name":"CIRCL","uuid":"55f6ea5e-2c60-40e5-964f-47a8950d210f","local":true}}],)"
      R"("SharingGroupServer":[{"sharing_group_id":"4","server_id":"0","all_orgs":false}]})");
  // The embedded form parses back.
  auto back = ParseSharingGroup(o.at("SharingGroup"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sg.name, "Elections");
  EXPECT_EQ(back->orgs.at(0).uuid, "55f6ea5e-2c60-40e5-964f-47a8950d210f");
}

TEST(MispJsonOutput, StandaloneAttributeCarriesEvent) {
  Fixtures f;
  model::Attribute a = f.event.attributes[0];
  a.tags.push_back(Applied(9, "osint", "", true));
  json::object o = RenderAttribute(a, &f.event);
  EXPECT_FALSE(o.contains("Galaxy"));
  EXPECT_EQ(o.at("Tag").as_array().at(0).at("local"), true);
  EXPECT_EQ(json::serialize(o.at("Event")),
            R"({"org_id":"2","distribution":"1","id":"12","info":"Phishing wave","orgc_id":"2",)"
            R"("uuid":"54884656-2da8-4625-bf07-43ef950d210b"})");
  EXPECT_FALSE(RenderAttribute(a, nullptr).contains("Event"));
}

TEST(MispJsonOutput, IndexEntry) {
  Fixtures f;
  json::object o = RenderEventIndexEntry(f.event, f.Context());
  EXPECT_FALSE(o.contains("Attribute"));
  EXPECT_EQ(o.at("sighting_timestamp"), "0");
  const json::object& et = o.at("EventTag").as_array().at(0).as_object();
  EXPECT_EQ(et.at("tag_id"), "5");
  EXPECT_EQ(et.at("Tag").at("name"), "tlp:green");
  // An index entry parses as an event (PyMISP's search_index does this).
  auto back = ParseEvent(o);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->tags.size(), 1u);
  EXPECT_EQ(back->tags[0].name, "tlp:green");
}

TEST(MispJsonOutput, RoleFlags) {
  model::Role r;
  r.id = 4;
  r.name = "Publisher";
  r.permissions = static_cast<uint32_t>(model::Permission::kAdd) | static_cast<uint32_t>(model::Permission::kPublish) |
                  static_cast<uint32_t>(model::Permission::kDecaying);
  json::object o = RenderRole(r);
  EXPECT_EQ(o.at("id"), "4");
  EXPECT_EQ(o.at("perm_add"), true);
  EXPECT_EQ(o.at("perm_publish"), true);
  EXPECT_EQ(o.at("perm_decaying"), true);
  EXPECT_EQ(o.at("perm_modify"), false);
  EXPECT_EQ(o.at("perm_site_admin"), false);
  int perms = 0;
  for (const auto& kv : o) perms += kv.key().starts_with("perm_") ? 1 : 0;
  EXPECT_EQ(perms, 20);
  EXPECT_EQ(o.at("default_role"), false);
}

TEST(MispJsonOutput, SightingUserOrgAudit) {
  model::Organisation org = Circl();
  org.created = 1714561200;
  model::Sighting s;
  s.id = 5;
  s.uuid = "5c764095-129c-4e81-956d-0e1a0a00020f";
  s.attribute_id = 1;
  s.event_id = 1;
  s.org_id = 2;
  s.date_sighting = 1551253653;
  s.type = model::SightingType::kFalsePositive;
  EXPECT_EQ(json::serialize(RenderSighting(s, &org)),
            R"({"id":"5","attribute_id":"1","event_id":"1","org_id":"2","date_sighting":"1551253653",)"
            R"("uuid":"5c764095-129c-4e81-956d-0e1a0a00020f","source":"","type":"1",)"
            R"("Organisation":{"id":"2","uuid":"55f6ea5e-2c60-40e5-964f-47a8950d210f","name":"CIRCL"}})");
  json::object full = RenderOrganisation(org);
  EXPECT_EQ(full.at("date_created"), "2024-05-01 11:00:00");
  EXPECT_EQ(full.at("date_modified"), nullptr);
  model::User u;
  u.id = 3;
  u.email = "a@example.org";
  u.org_id = 2;
  u.role_id = 4;
  u.disabled = true;
  json::object user = RenderUser(u);
  EXPECT_EQ(user.at("role_id"), "4");
  EXPECT_EQ(user.at("disabled"), true);
  model::AuditEntry audit;
  audit.id = 1;
  audit.created_micros = 1714561200000000;
  audit.user_id = 3;
  audit.action = "add";
  audit.model = "Event";
  audit.model_id = 12;
  audit.title = "Event (12) added";
  audit.change = R"({"info":"x"})";
  json::object ao = RenderAuditEntry(audit);
  EXPECT_EQ(ao.at("created"), "2024-05-01 11:00:00");
  EXPECT_EQ(ao.at("change").at("info"), "x");
}

TEST(MispJsonOutput, TimeFormats) {
  EXPECT_EQ(FormatMicrosIso(0), "1970-01-01T00:00:00.000000+00:00");
  EXPECT_EQ(FormatMicrosIso(1559726488123456), "2019-06-05T09:21:28.123456+00:00");
  EXPECT_EQ(FormatDateTime(1550497961), "2019-02-18 13:52:41");
}

}  // namespace
}  // namespace bulwark::misp
