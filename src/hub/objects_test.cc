// objects/view, objectReferences/add|delete, and the reference checks of objects/edit and events/add|edit.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "access/roles.h"
#include "hub/hub.h"
#include "hub/hub_test_util.h"

namespace bulwark::hub {
namespace {

using test_support::EventJson;
using test_support::ObjectJson;
using test_support::ReferenceJson;

constexpr const char* kFileUuid = "6a3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d01";
constexpr const char* kUrlUuid = "6a3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d02";
constexpr const char* kDomainUuid = "6a3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d03";
constexpr const char* kOtherEventAttributeUuid = "6a3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d04";

// Org A's event: a file object, a url object and a domain attribute, none linked yet.
class ObjectReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = t_.AddOrgUser("Org A", "a@a.test", access::kRolePublisher);
    b_ = t_.AddOrgUser("Org B", "b@b.test", access::kRolePublisher);
    auto e = t_.hub->AddEvent(a_, EventJson(std::string(R"({"info": "dropper", "distribution": 1, "published": true,
        "Attribute": [{"uuid": ")") + kDomainUuid +
                                        R"(", "type": "domain", "value": "drop.example"}],
        "Object": [
          {"uuid": ")" + kFileUuid + R"(", "name": "file", "Attribute": [
            {"object_relation": "filename", "type": "filename", "value": "invoice.exe"},
            {"object_relation": "md5", "type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e",
             "distribution": 0}]},
          {"uuid": ")" + kUrlUuid + R"(", "name": "url", "Attribute": [
            {"object_relation": "url", "type": "url", "value": "https://drop.example/invoice.exe"}]}]})"));
    ASSERT_TRUE(e.ok()) << e.error().message;
    event_ = *e;
  }

  static std::string Link(const std::string& target, const std::string& relationship = "drops") {
    return R"({"referenced_uuid": ")" + target + R"(", "relationship_type": ")" + relationship + R"("})";
  }

  int64_t Changes() {
    int64_t seq = 0;
    EXPECT_TRUE(t_.store
                    ->Read([&](store::ReadTxn& txn) -> Status {
                      seq = txn.LastChangeSeq().value();
                      return Ok();
                    })
                    .ok());
    return seq;
  }
  std::vector<model::Change> ChangesAfter(int64_t seq) {
    std::vector<model::Change> out;
    EXPECT_TRUE(t_.store
                    ->Read([&](store::ReadTxn& txn) -> Status {
                      out = txn.ReadChanges(seq, 100).value();
                      return Ok();
                    })
                    .ok());
    return out;
  }
  model::Object View(const Principal& p, store::DeletedFilter deleted = store::DeletedFilter::kExclude) {
    auto o = t_.hub->ViewObject(p, kFileUuid, deleted);
    EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().message);
    return o.ok() ? *o : model::Object{};
  }

  test_support::TestHub t_{"objrefs-test"};
  Principal a_, b_;
  model::Event event_;
};

TEST_F(ObjectReferenceTest, AddLinksTwoObjectsOfOneEvent) {
  const int64_t before = Changes();
  auto r = t_.hub->AddObjectReference(
      a_, kFileUuid, ReferenceJson(std::string(R"({"ObjectReference": )") + Link(kUrlUuid, "downloaded-from") + "}"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(r->id, 0);
  EXPECT_EQ(r->referenced_uuid, kUrlUuid);
  EXPECT_EQ(r->referenced_type, "Object");  // from what the target is, not from the request
  EXPECT_EQ(r->source_uuid, kFileUuid);
  EXPECT_EQ(r->event_id, event_.id);
  EXPECT_EQ(r->relationship_type, "downloaded-from");

  model::Object o = View(a_);
  ASSERT_EQ(o.references.size(), 1u);
  EXPECT_EQ(o.references[0].uuid, r->uuid);
  // One transaction: the reference, the object's new timestamp and the unpublished event, each in the change log.
  std::vector<std::string> entities;
  for (const auto& c : ChangesAfter(before)) entities.push_back(c.entity);
  EXPECT_EQ(entities, (std::vector<std::string>{"object_reference", "object", "event"}));
  auto e = t_.hub->ViewEvent(a_, EventRef{event_.uuid}, store::DeletedFilter::kExclude);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->published);
  auto audit = t_.hub->ListAudit(t_.admin, 0, 1000);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->back().model, "ObjectReference");
  EXPECT_EQ(audit->back().model_uuid, r->uuid);

  // An attribute target is typed as one; a reference by the object's numeric id works too.
  auto to_attribute =
      t_.hub->AddObjectReference(a_, std::to_string(o.id), ReferenceJson(Link(kDomainUuid, "resolves")));
  ASSERT_TRUE(to_attribute.ok()) << to_attribute.error().message;
  EXPECT_EQ(to_attribute->referenced_type, "Attribute");
}

TEST_F(ObjectReferenceTest, RejectedAddWritesNothing) {
  auto other =
      t_.hub->AddEvent(a_, EventJson(std::string(R"({"info": "other", "Attribute": [{"uuid": ")") +
                                 kOtherEventAttributeUuid + R"(", "type": "domain", "value": "x.example"}]})"));
  ASSERT_TRUE(other.ok()) << other.error().message;
  const int64_t before = Changes();
  struct Case {
    std::string body;
    ErrorCode code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {Link(kOtherEventAttributeUuid), ErrorCode::kInvalid, "referenced_uuid"},  // another event's attribute
      {Link("0b6f7a3c-1111-4222-8333-944455566677"), ErrorCode::kInvalid, "referenced_uuid"},  // nothing
      {R"({"relationship_type": "drops"})", ErrorCode::kInvalid, "referenced_uuid"},
      {std::string(R"({"referenced_uuid": ")") + kUrlUuid + R"("})", ErrorCode::kInvalid, "relationship_type"},
  };
  for (const auto& c : cases) {
    auto r = t_.hub->AddObjectReference(a_, kFileUuid, ReferenceJson(c.body));
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().code, c.code) << c.body << ": " << r.error().message;
    EXPECT_EQ(r.error().field, c.field) << c.body;
  }
  // A uuid that a reference already has is a conflict.
  const std::string uuid = "0b6f7a3c-1111-4222-8333-944455566600";
  ASSERT_TRUE(t_.hub
                  ->AddObjectReference(a_, kFileUuid, ReferenceJson(R"({"uuid": ")" + uuid + R"(",
      "referenced_uuid": ")" + kUrlUuid + R"(", "relationship_type": "drops"})"))
                  .ok());
  const int64_t after_first = Changes();
  auto again = t_.hub->AddObjectReference(a_, kFileUuid, ReferenceJson(R"({"uuid": ")" + uuid + R"(",
      "referenced_uuid": ")" + kDomainUuid + R"(", "relationship_type": "drops"})"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().field, "uuid");
  EXPECT_EQ(Changes(), after_first);
  EXPECT_GT(after_first, before);
  EXPECT_EQ(View(a_).references.size(), 1u);

  // A deleted target is refused as MISP refuses it.
  ASSERT_TRUE(t_.hub->DeleteAttribute(a_, kDomainUuid, Hub::DeleteMode::kSoft).ok());
  const int64_t after_delete = Changes();
  auto to_deleted = t_.hub->AddObjectReference(a_, kFileUuid, ReferenceJson(Link(kDomainUuid)));
  ASSERT_FALSE(to_deleted.ok());
  EXPECT_EQ(to_deleted.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(to_deleted.error().field, "referenced_uuid");
  EXPECT_EQ(Changes(), after_delete);
}

TEST_F(ObjectReferenceTest, OnlyThoseWhoMayModifyTheEventLink) {
  Principal reader = t_.AddOrgUser("Org C", "c@c.test", access::kRoleReadOnly);
  const int64_t before = Changes();
  // Org B sees the community event but did not create it.
  auto by_b = t_.hub->AddObjectReference(b_, kFileUuid, ReferenceJson(Link(kUrlUuid)));
  ASSERT_FALSE(by_b.ok());
  EXPECT_EQ(by_b.error().code, ErrorCode::kForbidden);
  auto by_reader = t_.hub->AddObjectReference(reader, kFileUuid, ReferenceJson(Link(kUrlUuid)));
  ASSERT_FALSE(by_reader.ok());
  EXPECT_EQ(by_reader.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(Changes(), before);

  auto r = t_.hub->AddObjectReference(a_, kFileUuid, ReferenceJson(Link(kUrlUuid)));
  ASSERT_TRUE(r.ok());
  auto delete_by_b = t_.hub->DeleteObjectReference(b_, r->uuid, Hub::DeleteMode::kHard);
  ASSERT_FALSE(delete_by_b.ok());
  EXPECT_EQ(delete_by_b.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(View(a_).references.size(), 1u);
}

TEST_F(ObjectReferenceTest, AnEventOthersCannotSeeIsNotFound) {
  auto hidden = t_.hub->AddEvent(a_, EventJson(R"({"info": "org only", "distribution": 0, "Object": [
      {"uuid": "7b3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d01", "name": "url", "Attribute": [
        {"object_relation": "url", "type": "url", "value": "https://hidden.example/"}]}]})"));
  ASSERT_TRUE(hidden.ok()) << hidden.error().message;
  const std::string object = "7b3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d01";
  auto view = t_.hub->ViewObject(b_, object, store::DeletedFilter::kExclude);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.error().code, ErrorCode::kNotFound);
  auto link = t_.hub->AddObjectReference(b_, object, ReferenceJson(Link(object)));
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().code, ErrorCode::kNotFound);
  auto by_id = t_.hub->ViewObject(b_, std::to_string(hidden->objects[0].id), store::DeletedFilter::kExclude);
  ASSERT_FALSE(by_id.ok());
  EXPECT_EQ(by_id.error().code, ErrorCode::kNotFound);
}

TEST_F(ObjectReferenceTest, ViewFiltersAttributesAsAttributesViewDoes) {
  model::Object own = View(a_);
  EXPECT_EQ(own.attributes.size(), 2u);
  model::Object others = View(b_);
  ASSERT_EQ(others.attributes.size(), 1u);  // the md5 is org-only
  EXPECT_EQ(others.attributes[0].object_relation, "filename");
  EXPECT_FALSE(t_.hub->ViewAttribute(b_, std::to_string(own.attributes[1].id)).ok());
}

TEST_F(ObjectReferenceTest, SoftThenHardDelete) {
  auto r = t_.hub->AddObjectReference(a_, kFileUuid, ReferenceJson(Link(kUrlUuid)));
  ASSERT_TRUE(r.ok());
  int64_t before = Changes();
  ASSERT_TRUE(t_.hub->DeleteObjectReference(a_, std::to_string(r->id), Hub::DeleteMode::kSoft).ok());
  auto changes = ChangesAfter(before);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes[0].entity, "object_reference");
  EXPECT_EQ(changes[0].action, model::ChangeAction::kDelete);
  EXPECT_TRUE(View(a_).references.empty());
  model::Object with_deleted = View(a_, store::DeletedFilter::kInclude);
  ASSERT_EQ(with_deleted.references.size(), 1u);
  EXPECT_TRUE(with_deleted.references[0].deleted);

  before = Changes();
  auto twice = t_.hub->DeleteObjectReference(a_, r->uuid, Hub::DeleteMode::kSoft);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Changes(), before);

  ASSERT_TRUE(t_.hub->DeleteObjectReference(a_, r->uuid, Hub::DeleteMode::kHard).ok());
  EXPECT_TRUE(View(a_, store::DeletedFilter::kInclude).references.empty());
  auto gone = t_.hub->DeleteObjectReference(a_, r->uuid, Hub::DeleteMode::kHard);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  auto malformed = t_.hub->DeleteObjectReference(a_, "not-a-ref", Hub::DeleteMode::kHard);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalid);
}

TEST_F(ObjectReferenceTest, ObjectsEditAddsReferencesOnce) {
  const std::string named = R"({"ObjectReference": [{"uuid": "0b6f7a3c-1111-4222-8333-944455566611",
      "referenced_uuid": ")" +
                            std::string(kUrlUuid) + R"(", "relationship_type": "downloaded-from"}]})";
  ASSERT_TRUE(t_.hub->EditObject(a_, kFileUuid, ObjectJson(named)).ok());
  ASSERT_TRUE(t_.hub->EditObject(a_, kFileUuid, ObjectJson(named)).ok());  // the same uuid again: nothing new
  const std::string unnamed = R"({"ObjectReference": [)" + Link(kDomainUuid, "resolves") + "]}";
  ASSERT_TRUE(t_.hub->EditObject(a_, kFileUuid, ObjectJson(unnamed)).ok());
  auto edited = t_.hub->EditObject(a_, kFileUuid, ObjectJson(unnamed));  // same target and relationship: nothing new
  ASSERT_TRUE(edited.ok());
  ASSERT_EQ(edited->references.size(), 2u);
  EXPECT_EQ(edited->references[0].uuid, "0b6f7a3c-1111-4222-8333-944455566611");
  EXPECT_EQ(edited->references[1].referenced_type, "Attribute");

  const int64_t before = Changes();
  auto bad =
      t_.hub->EditObject(a_, kFileUuid,
                         ObjectJson(R"({"comment": "changed", "ObjectReference": [)" + Link(kDomainUuid, "resolves") +
                                    "," + Link("0b6f7a3c-1111-4222-8333-944455566699") + "]}"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(bad.error().field, "ObjectReference[1].referenced_uuid");
  EXPECT_EQ(Changes(), before);
  EXPECT_EQ(View(a_).comment, "");
}

TEST_F(ObjectReferenceTest, EventsAddChecksReferencedUuidsWithinTheRequest) {
  const int64_t before = Changes();
  auto dangling = t_.hub->AddEvent(a_, EventJson(R"({"info": "dangling", "Object": [
      {"name": "url", "Attribute": [{"object_relation": "url", "type": "url", "value": "https://a.example/"}],
       "ObjectReference": [{"referenced_uuid": "0b6f7a3c-1111-4222-8333-944455566688",
                            "relationship_type": "related-to"}]}]})"));
  ASSERT_FALSE(dangling.ok());
  EXPECT_EQ(dangling.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(dangling.error().field, "Object[0].ObjectReference[0].referenced_uuid");
  // Another event's attribute is not this event's.
  auto elsewhere = t_.hub->AddEvent(a_, EventJson(std::string(R"({"info": "elsewhere", "Object": [
      {"name": "url", "Attribute": [{"object_relation": "url", "type": "url", "value": "https://a.example/"}],
       "ObjectReference": [{"referenced_uuid": ")") +
                                              kDomainUuid + R"(", "relationship_type": "related-to"}]}]})"));
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().field, "Object[0].ObjectReference[0].referenced_uuid");
  EXPECT_EQ(Changes(), before);

  // Targets created by the same request, later in it too, and deleted ones.
  auto linked = t_.hub->AddEvent(a_, EventJson(R"({"info": "linked", "Attribute": [
      {"uuid": "8c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d01", "type": "ip-dst", "value": "192.0.2.7", "deleted": true}],
      "Object": [
      {"name": "url", "Attribute": [{"object_relation": "url", "type": "url", "value": "https://a.example/"}],
       "ObjectReference": [
         {"referenced_uuid": "8c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d02", "relationship_type": "related-to"},
         {"referenced_uuid": "8c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d01", "relationship_type": "resolves-to"}]},
      {"uuid": "8c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d02", "name": "domain-ip", "Attribute": [
        {"object_relation": "domain", "type": "domain", "value": "a.example"}]}]})"));
  ASSERT_TRUE(linked.ok()) << linked.error().message;
  ASSERT_EQ(linked->objects[0].references.size(), 2u);
  EXPECT_EQ(linked->objects[0].references[0].referenced_type, "Object");
  EXPECT_EQ(linked->objects[0].references[1].referenced_type, "Attribute");
}

TEST_F(ObjectReferenceTest, EventsEditChecksNewObjectsReferences) {
  const int64_t before = Changes();
  auto dangling = t_.hub->EditEvent(a_, EventRef{event_.uuid}, EventJson(R"({"Object": [
      {"name": "url", "Attribute": [{"object_relation": "url", "type": "url", "value": "https://b.example/"}],
       "ObjectReference": [{"referenced_uuid": "0b6f7a3c-1111-4222-8333-944455566688",
                            "relationship_type": "related-to"}]}]})"));
  ASSERT_FALSE(dangling.ok());
  EXPECT_EQ(dangling.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(dangling.error().field, "Object[0].ObjectReference[0].referenced_uuid");
  EXPECT_EQ(Changes(), before);

  auto linked = t_.hub->EditEvent(a_, EventRef{event_.uuid}, EventJson(std::string(R"({"Object": [
      {"name": "url", "Attribute": [{"object_relation": "url", "type": "url", "value": "https://b.example/"}],
       "ObjectReference": [{"referenced_uuid": ")") + kDomainUuid + R"(", "relationship_type": "related-to"}]}]})"));
  ASSERT_TRUE(linked.ok()) << linked.error().message;
  ASSERT_EQ(linked->objects.size(), 3u);
  ASSERT_EQ(linked->objects[2].references.size(), 1u);
  EXPECT_EQ(linked->objects[2].references[0].referenced_type, "Attribute");
}

std::vector<std::string> Targets(const model::Object& o) {
  std::vector<std::string> out;
  for (const auto& r : o.references) out.push_back(r.referenced_uuid);
  return out;
}

TEST_F(ObjectReferenceTest, ReferencesToWhatTheCallerMayNotSeeAreNotShown) {
  // The url object points at the file's org-only md5 and at the shared domain.
  const std::string md5_uuid = event_.objects[0].attributes[1].uuid;
  ASSERT_EQ(event_.objects[0].attributes[1].type, "md5");
  ASSERT_TRUE(t_.hub->AddObjectReference(a_, kUrlUuid, ReferenceJson(Link(md5_uuid, "downloads"))).ok());
  ASSERT_TRUE(t_.hub->AddObjectReference(a_, kUrlUuid, ReferenceJson(Link(kDomainUuid, "resolves"))).ok());
  auto mine = t_.hub->ViewObject(a_, kUrlUuid, store::DeletedFilter::kExclude);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(Targets(*mine), (std::vector<std::string>{md5_uuid, kDomainUuid}));
  auto theirs = t_.hub->ViewObject(b_, kUrlUuid, store::DeletedFilter::kExclude);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(Targets(*theirs), (std::vector<std::string>{kDomainUuid}));
  // The event view decides the same way.
  auto event = t_.hub->ViewEvent(b_, EventRef{event_.uuid}, store::DeletedFilter::kExclude);
  ASSERT_TRUE(event.ok());
  for (const auto& o : event->objects) {
    if (o.uuid == kUrlUuid) {
      EXPECT_EQ(Targets(o), (std::vector<std::string>{kDomainUuid}));
    }
  }
  auto own_event = t_.hub->ViewEvent(a_, EventRef{event_.uuid}, store::DeletedFilter::kExclude);
  ASSERT_TRUE(own_event.ok());
  for (const auto& o : own_event->objects) {
    if (o.uuid == kUrlUuid) {
      EXPECT_EQ(Targets(o).size(), 2u);
    }
  }

  // A soft-deleted target: its reference shows only when deleted things are asked for.
  ASSERT_TRUE(t_.hub->DeleteAttribute(a_, kDomainUuid, Hub::DeleteMode::kSoft).ok());
  auto live = t_.hub->ViewObject(a_, kUrlUuid, store::DeletedFilter::kExclude);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(Targets(*live), (std::vector<std::string>{md5_uuid}));
  auto with_deleted = t_.hub->ViewObject(a_, kUrlUuid, store::DeletedFilter::kInclude);
  ASSERT_TRUE(with_deleted.ok());
  EXPECT_EQ(Targets(*with_deleted), (std::vector<std::string>{md5_uuid, kDomainUuid}));
  auto event_with_deleted = t_.hub->ViewEvent(a_, EventRef{event_.uuid}, store::DeletedFilter::kInclude);
  ASSERT_TRUE(event_with_deleted.ok());
  for (const auto& o : event_with_deleted->objects) {
    if (o.uuid == kUrlUuid) {
      EXPECT_EQ(Targets(o).size(), 2u);
    }
  }
}

TEST_F(ObjectReferenceTest, EventsAddRefusesAReferenceUuidInUse) {
  auto r = t_.hub->AddObjectReference(a_, kFileUuid, ReferenceJson(Link(kUrlUuid)));
  ASSERT_TRUE(r.ok());
  const int64_t before = Changes();
  auto reused = t_.hub->AddEvent(a_, EventJson(R"({"info": "reuse", "Object": [
      {"uuid": "9c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d01", "name": "url",
       "Attribute": [{"object_relation": "url", "type": "url", "value": "https://c.example/"}],
       "ObjectReference": [{"uuid": ")" + r->uuid + R"(", "referenced_uuid": "9c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d01",
                            "relationship_type": "self"}]}]})"));
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(reused.error().field, "Object[0].ObjectReference[0].uuid");
  EXPECT_NE(reused.error().message.find(r->uuid), std::string::npos) << reused.error().message;
  // Twice in one object.
  auto twice = t_.hub->EditEvent(a_, EventRef{event_.uuid}, EventJson(R"({"Object": [
      {"uuid": "9c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d02", "name": "url",
       "Attribute": [{"object_relation": "url", "type": "url", "value": "https://d.example/"}],
       "ObjectReference": [
         {"uuid": "9c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d03", "referenced_uuid": ")" + std::string(kDomainUuid) +
                                                                R"(", "relationship_type": "a"},
         {"uuid": "9c3f0d52-8b1e-4c1d-9a57-0f4e2b1c3d03", "referenced_uuid": ")" + std::string(kDomainUuid) +
                                                                R"(", "relationship_type": "b"}]}]})"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(twice.error().field, "Object[0].ObjectReference[1].uuid");
  EXPECT_EQ(Changes(), before);
}

}  // namespace
}  // namespace bulwark::hub
