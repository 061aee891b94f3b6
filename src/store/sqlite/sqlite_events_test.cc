// Events, attributes, objects, references, applied tags and sightings in the SQLite store: round trips with
// every field, attribute_count upkeep, soft delete and restore, hard deletes and their change-log entries.
#include "store/sqlite/sqlite_test_util.h"

// Queries are written with designated initializers naming only the filters under test.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace bulwark::store::testing {
namespace {

using model::ChangeAction;

class SqliteEventsTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    amber_ = MakeTag("tlp:amber");
    pap_ = MakeTag("PAP:RED");
    ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                  BW_RETURN_IF_ERROR(t.InsertTag(amber_));
                  return t.InsertTag(pap_);
                }).ok());
    base_seq_ = 2;
  }

  // An event with one tag, two plain attributes (one tagged) and one object with two attributes and a reference.
  model::Event FullEvent() {
    model::Event e = MakeEvent(U(1), "Spear-phishing against election staff");
    e.tags.push_back({amber_, false});
    e.tags.push_back({pap_, true});
    e.attributes.push_back(MakeAttribute(U(11), "ip-dst", "192.0.2.1"));
    e.attributes[0].tags.push_back({pap_, true});
    e.attributes.push_back(MakeAttribute(U(12), "domain|ip", "evil.example", "192.0.2.1"));
    model::Object o;
    o.uuid = U(41);
    o.name = "file";
    o.meta_category = "file";
    o.description = "File object";
    o.template_uuid = U(90);
    o.template_version = "24";
    o.comment = "attachment";
    o.distribution = model::Distribution::kCommunity;
    o.sharing_group_id = 0;
    o.timestamp = 1'700'000'120;
    o.first_seen_micros = 1;
    o.last_seen_micros = 2;
    o.attributes.push_back(MakeAttribute(U(13), "md5", "d41d8cd98f00b204e9800998ecf8427e"));
    o.attributes[0].object_relation = "md5";
    o.attributes.push_back(MakeAttribute(U(14), "filename", "invoice.pdf"));
    o.attributes[1].object_relation = "filename";
    model::ObjectReference ref;
    ref.uuid = U(51);
    ref.referenced_uuid = U(11);
    ref.referenced_type = "Attribute";
    ref.relationship_type = "communicates-with";
    ref.comment = "beacon";
    ref.timestamp = 1'700'000'130;
    o.references.push_back(ref);
    e.objects.push_back(o);
    return e;
  }

  int64_t AttributeCount(Id event_id) {
    int64_t count = -1;
    EXPECT_TRUE(R([&](ReadTxn& t) -> Status {
                  BW_ASSIGN_OR_RETURN(auto e, t.GetEvent(event_id));
                  if (e) count = e->attribute_count;
                  return Ok();
                }).ok());
    return count;
  }

  std::vector<model::Change> ChangesAfter(int64_t seq) {
    std::vector<model::Change> out;
    EXPECT_TRUE(R([&](ReadTxn& t) -> Status {
                  BW_ASSIGN_OR_RETURN(out, t.ReadChanges(seq, 0));
                  return Ok();
                }).ok());
    return out;
  }

  model::Tag amber_;
  model::Tag pap_;
  int64_t base_seq_ = 0;
};

TEST_F(SqliteEventsTest, InsertEventRoundTripsEveryField) {
  model::Event e = FullEvent();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  EXPECT_GT(e.id, 0);
  EXPECT_EQ(e.attribute_count, 4);
  EXPECT_GT(e.attributes[1].id, e.attributes[0].id);
  EXPECT_EQ(e.attributes[0].event_id, e.id);
  EXPECT_GT(e.objects[0].id, 0);
  EXPECT_EQ(e.objects[0].attributes[0].object_id, e.objects[0].id);
  EXPECT_EQ(e.objects[0].references[0].object_id, e.objects[0].id);
  EXPECT_EQ(e.objects[0].references[0].source_uuid, U(41));

  std::optional<model::Event> got;
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(got, t.LoadEvent(e.id, {}));
                return Ok();
              }).ok());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->uuid, U(1));
  EXPECT_EQ(got->info, "Spear-phishing against election staff");
  EXPECT_EQ(got->date, "2024-05-01");
  EXPECT_EQ(got->org_id, 1);
  EXPECT_EQ(got->orgc_id, 2);
  EXPECT_EQ(got->user_id, 3);
  EXPECT_TRUE(got->published);
  EXPECT_EQ(got->publish_timestamp, 1'700'000'200);
  EXPECT_EQ(got->timestamp, 1'700'000'150);
  EXPECT_EQ(got->sighting_timestamp, 1'700'000'300);
  EXPECT_EQ(got->distribution, model::Distribution::kSharingGroup);
  EXPECT_EQ(got->sharing_group_id, 4);
  EXPECT_EQ(got->analysis, model::Analysis::kOngoing);
  EXPECT_EQ(got->threat_level, model::ThreatLevel::kHigh);
  EXPECT_TRUE(got->locked);
  EXPECT_TRUE(got->disable_correlation);
  EXPECT_TRUE(got->protected_event);
  EXPECT_EQ(got->extends_uuid, "0b4e6c1e-0000-4000-8000-000000000001");
  EXPECT_EQ(got->attribute_count, 4);
  ASSERT_EQ(got->tags.size(), 2u);
  EXPECT_EQ(got->tags[0].tag.name, "tlp:amber");
  EXPECT_FALSE(got->tags[0].local);
  EXPECT_EQ(got->tags[1].tag.name, "PAP:RED");
  EXPECT_TRUE(got->tags[1].local);
  EXPECT_EQ(got->tags[0].tag.numerical_value, std::optional<int>(75));

  ASSERT_EQ(got->attributes.size(), 2u);
  const model::Attribute& a = got->attributes[0];
  EXPECT_EQ(a.uuid, U(11));
  EXPECT_EQ(a.event_id, e.id);
  EXPECT_EQ(a.object_id, 0);
  EXPECT_EQ(a.type, "ip-dst");
  EXPECT_EQ(a.category, "Network activity");
  EXPECT_EQ(a.value1, "192.0.2.1");
  EXPECT_EQ(a.value2, "");
  EXPECT_TRUE(a.to_ids);
  EXPECT_EQ(a.distribution, model::Distribution::kConnected);
  EXPECT_EQ(a.comment, "seen in phishing wave");
  EXPECT_FALSE(a.deleted);
  EXPECT_EQ(a.timestamp, 1'700'000'100);
  EXPECT_EQ(a.first_seen_micros, std::optional<int64_t>(1'699'000'000'000'001));
  EXPECT_EQ(a.last_seen_micros, std::optional<int64_t>(1'699'500'000'000'002));
  ASSERT_EQ(a.tags.size(), 1u);
  EXPECT_EQ(a.tags[0].tag.name, "PAP:RED");
  EXPECT_TRUE(a.tags[0].local);
  EXPECT_EQ(got->attributes[1].Value(), "evil.example|192.0.2.1");

  ASSERT_EQ(got->objects.size(), 1u);
  const model::Object& o = got->objects[0];
  EXPECT_EQ(o.uuid, U(41));
  EXPECT_EQ(o.name, "file");
  EXPECT_EQ(o.meta_category, "file");
  EXPECT_EQ(o.description, "File object");
  EXPECT_EQ(o.template_uuid, U(90));
  EXPECT_EQ(o.template_version, "24");
  EXPECT_EQ(o.comment, "attachment");
  EXPECT_EQ(o.distribution, model::Distribution::kCommunity);
  EXPECT_EQ(o.timestamp, 1'700'000'120);
  EXPECT_EQ(o.first_seen_micros, std::optional<int64_t>(1));
  EXPECT_EQ(o.last_seen_micros, std::optional<int64_t>(2));
  ASSERT_EQ(o.attributes.size(), 2u);
  EXPECT_EQ(o.attributes[0].object_relation, "md5");
  EXPECT_EQ(o.attributes[1].value1, "invoice.pdf");
  ASSERT_EQ(o.references.size(), 1u);
  const model::ObjectReference& r = o.references[0];
  EXPECT_EQ(r.uuid, U(51));
  EXPECT_EQ(r.event_id, e.id);
  EXPECT_EQ(r.source_uuid, U(41));
  EXPECT_EQ(r.referenced_uuid, U(11));
  EXPECT_EQ(r.referenced_type, "Attribute");
  EXPECT_EQ(r.relationship_type, "communicates-with");
  EXPECT_EQ(r.comment, "beacon");
  EXPECT_EQ(r.timestamp, 1'700'000'130);

  // One change for the event, then one per child: attributes (objects' included), objects, references.
  auto changes = ChangesAfter(base_seq_);
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& c : changes) {
    seen.emplace_back(c.entity, c.uuid);
    EXPECT_EQ(c.event_id, e.id);
    EXPECT_EQ(c.action, ChangeAction::kAdd);
  }
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{"event", U(1)},
                                                                      {"attribute", U(11)},
                                                                      {"attribute", U(12)},
                                                                      {"attribute", U(13)},
                                                                      {"attribute", U(14)},
                                                                      {"object", U(41)},
                                                                      {"object_reference", U(51)}}));
}

TEST_F(SqliteEventsTest, LookupsByIdAndUuid) {
  model::Event e = FullEvent();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto header = *t.FindEventByUuid(U(1));
                EXPECT_TRUE(header->attributes.empty());
                EXPECT_TRUE(header->tags.empty());  // header only
                auto a = *t.FindAttributeByUuid(U(11));
                EXPECT_EQ(a->id, e.attributes[0].id);
                EXPECT_EQ(a->tags.size(), 1u);
                EXPECT_EQ((*t.GetAttribute(e.attributes[1].id))->value2, "192.0.2.1");
                auto o = *t.FindObjectByUuid(U(41));
                EXPECT_EQ(o->attributes.size(), 2u);
                EXPECT_EQ(o->references.size(), 1u);
                EXPECT_EQ((*t.GetObject(o->id))->name, "file");
                EXPECT_FALSE(t.GetObject(999)->has_value());
                EXPECT_FALSE(t.LoadEvent(999, {})->has_value());
                auto no_children = *t.LoadEvent(e.id, EventLoad{false, DeletedFilter::kExclude});
                EXPECT_TRUE(no_children->attributes.empty());
                EXPECT_EQ(no_children->tags.size(), 2u);
                return Ok();
              }).ok());
}

// Another process writing the same database (a CLI import beside `serve`): its attributes are found by uuid and
// by value, and their uuids stay unique, in this process too. Two stores on one file model the two processes:
// each has its own in-memory attribute index, fed only by its own writes.
TEST_F(SqliteEventsTest, WritesOfAnotherProcessReachTheAttributeIndex) {
  SqliteOptions options;
  options.path = path_;
  auto other = OpenSqliteStore(options, clock_);
  ASSERT_TRUE(other.ok()) << other.error().message;
  model::Event e = MakeEvent(U(1), "imported by the CLI");
  e.attributes.push_back(MakeAttribute(U(11), "ip-dst", "203.0.113.199"));
  ASSERT_TRUE((*other)->Write([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());

  // Reads here see it at once.
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto a = t.FindAttributeByUuid(U(11));
                EXPECT_TRUE(a.ok() && a->has_value());
                AttributeQuery q;
                q.values = {"203.0.113.199"};
                size_t hits = 0;
                EXPECT_TRUE(t.ScanAttributes(q, [&](const AttributeRow&) { return ++hits, true; }).ok());
                EXPECT_EQ(hits, 1u);
                return Ok();
              }).ok());
  // Its uuid is taken for writes here.
  model::Event dup = MakeEvent(U(2), "same attribute uuid");
  dup.attributes.push_back(MakeAttribute(U(11), "ip-dst", "198.51.100.1"));
  Status st = W([&](WriteTxn& t) { return t.InsertEvent(dup); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "an attribute with uuid " + U(11) + " already exists");

  // The other way round, with a write here first: this store's own writes keep its index without a reload, and
  // the other store sees them.
  model::Event mine = MakeEvent(U(3), "written by serve");
  mine.attributes.push_back(MakeAttribute(U(31), "domain", "ballot-check.example"));
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(mine); }).ok());
  ASSERT_TRUE((*other)->Read([&](ReadTxn& t) -> Status {
                auto a = t.FindAttributeByUuid(U(31));
                EXPECT_TRUE(a.ok() && a->has_value());
                return Ok();
              }).ok());
  model::Event dup2 = MakeEvent(U(4), "uuid written by serve");
  dup2.attributes.push_back(MakeAttribute(U(31), "domain", "other.example"));
  EXPECT_FALSE((*other)->Write([&](WriteTxn& t) { return t.InsertEvent(dup2); }).ok());
}

TEST_F(SqliteEventsTest, DuplicateUuidsAreConflicts) {
  model::Event e = FullEvent();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  model::Event again = MakeEvent(U(1), "same uuid");
  Status st = W([&](WriteTxn& t) { return t.InsertEvent(again); });
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(st.error().message, "an event with uuid " + U(1) + " already exists");
  model::Event other = MakeEvent(U(2), "attribute uuid taken in another event");
  other.attributes.push_back(MakeAttribute(U(11), "ip-dst", "198.51.100.1"));
  st = W([&](WriteTxn& t) { return t.InsertEvent(other); });
  EXPECT_EQ(st.error().message, "an attribute with uuid " + U(11) + " already exists");
  EXPECT_EQ(st.error().field, "uuid");
  model::Event obj = MakeEvent(U(3), "object uuid taken");
  obj.objects.push_back(e.objects[0]);
  obj.objects[0].attributes.clear();
  obj.objects[0].references.clear();
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertEvent(obj); }).error().message,
            "an object with uuid " + U(41) + " already exists");
  model::Event missing_tag = MakeEvent(U(4), "unknown tag");
  model::Tag ghost = MakeTag("ghost");
  ghost.id = 999;
  missing_tag.tags.push_back({ghost, false});
  st = W([&](WriteTxn& t) { return t.InsertEvent(missing_tag); });
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(st.error().message, "tag 999 not found");
}

TEST_F(SqliteEventsTest, AttributeCountFollowsInsertSoftDeleteRestoreAndHardDelete) {
  model::Event e = FullEvent();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 4);
  const Id a1 = e.attributes[0].id;

  model::Attribute extra = MakeAttribute(U(15), "url", "https://evil.example/login");
  extra.event_id = e.id;
  extra.tags.push_back({amber_, false});
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertAttribute(extra); }).ok());
  EXPECT_GT(extra.id, 0);
  EXPECT_EQ(AttributeCount(e.id), 5);

  int64_t seq = ChangesAfter(0).back().seq;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.SetAttributeDeleted(a1, true, 1'700'000'500); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 4);
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.SetAttributeDeleted(a1, true, 1'700'000'600); }).ok());  // no-op
  EXPECT_EQ(AttributeCount(e.id), 4);
  auto changes = ChangesAfter(seq);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, ChangeAction::kDelete);
  EXPECT_EQ(changes[0].uuid, U(11));

  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto a = *t.GetAttribute(a1);
                EXPECT_TRUE(a->deleted);
                EXPECT_EQ(a->timestamp, 1'700'000'500);
                EXPECT_EQ(t.LoadEvent(e.id, {})->value().attributes.size(), 2u);  // U(12), U(15)
                EXPECT_EQ(t.LoadEvent(e.id, {true, DeletedFilter::kInclude})->value().attributes.size(), 3u);
                EXPECT_EQ(t.LoadEvent(e.id, {true, DeletedFilter::kOnly})->value().attributes.size(), 1u);
                return Ok();
              }).ok());

  ASSERT_TRUE(W([&](WriteTxn& t) { return t.SetAttributeDeleted(a1, false, 1'700'000'700); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 5);
  EXPECT_EQ(ChangesAfter(seq).back().action, ChangeAction::kRestore);

  // UpdateAttribute changes fields; flipping `deleted` through it also keeps the count right.
  model::Attribute changed = extra;
  changed.value1 = "https://evil.example/logout";
  changed.comment = "edited";
  changed.deleted = true;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.UpdateAttribute(changed); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 4);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto a = *t.GetAttribute(extra.id);
                EXPECT_EQ(a->value1, "https://evil.example/logout");
                EXPECT_EQ(a->comment, "edited");
                EXPECT_EQ(a->tags.size(), 1u);  // tags untouched
                return Ok();
              }).ok());

  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteAttribute(extra.id); }).ok());  // was soft-deleted: no change
  EXPECT_EQ(AttributeCount(e.id), 4);
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteAttribute(a1); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 3);
  EXPECT_EQ(W([&](WriteTxn& t) { return t.DeleteAttribute(a1); }).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(W([&](WriteTxn& t) { return t.SetAttributeDeleted(a1, true, 0); }).error().code, ErrorCode::kNotFound);
  model::Attribute orphan = MakeAttribute(U(16), "ip-dst", "192.0.2.9");
  orphan.event_id = 999;
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertAttribute(orphan); }).error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteEventsTest, ObjectsSoftDeleteRestoreAndHardDelete) {
  model::Event e = FullEvent();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  const Id object_id = e.objects[0].id;

  model::Object second;
  second.event_id = e.id;
  second.uuid = U(42);
  second.name = "domain-ip";
  second.attributes.push_back(MakeAttribute(U(17), "domain", "c2.example"));
  second.attributes.push_back(MakeAttribute(U(18), "ip-dst", "203.0.113.5"));
  second.attributes[1].deleted = true;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertObject(second); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 5);

  model::Attribute in_object = MakeAttribute(U(19), "port", "443");
  in_object.object_id = second.id;  // event taken from the object
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertAttribute(in_object); }).ok());
  EXPECT_EQ(in_object.event_id, e.id);
  EXPECT_EQ(AttributeCount(e.id), 6);

  ASSERT_TRUE(W([&](WriteTxn& t) { return t.SetObjectDeleted(object_id, true, 1'700'001'000); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 4);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto o = *t.GetObject(object_id);
                EXPECT_TRUE(o->deleted);
                EXPECT_EQ(o->timestamp, 1'700'001'000);
                for (const auto& a : o->attributes) EXPECT_TRUE(a.deleted);
                EXPECT_EQ(t.LoadEvent(e.id, {})->value().objects.size(), 1u);
                return Ok();
              }).ok());
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.SetObjectDeleted(object_id, false, 1'700'002'000); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 6);

  model::Object header = second;
  header.comment = "C2 infrastructure";
  header.attributes.clear();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.UpdateObject(header); }).ok());
  model::ObjectReference ref;
  ref.object_id = second.id;
  ref.referenced_uuid = U(41);
  ref.referenced_type = "Object";
  ref.relationship_type = "related-to";
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertObjectReference(ref); }).ok());
  EXPECT_EQ(ref.event_id, e.id);
  EXPECT_EQ(ref.source_uuid, U(42));
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto o = *t.GetObject(second.id);
                EXPECT_EQ(o->comment, "C2 infrastructure");
                EXPECT_EQ(o->attributes.size(), 3u);
                EXPECT_EQ(o->references.size(), 1u);
                return Ok();
              }).ok());

  int64_t seq = ChangesAfter(0).back().seq;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteObject(second.id); }).ok());
  EXPECT_EQ(AttributeCount(e.id), 4);
  auto changes = ChangesAfter(seq);
  ASSERT_EQ(changes.size(), 4u);  // three attributes, then the object
  EXPECT_EQ(changes[3].entity, "object");
  EXPECT_EQ(changes[3].action, ChangeAction::kDelete);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_FALSE(t.FindAttributeByUuid(U(17))->has_value());
                EXPECT_FALSE(t.GetObject(second.id)->has_value());
                return Ok();
              }).ok());
  EXPECT_EQ(W([&](WriteTxn& t) { return t.DeleteObject(second.id); }).error().code, ErrorCode::kNotFound);
  model::Object lost;
  lost.event_id = 999;
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertObject(lost); }).error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteEventsTest, UpdateHeaderKeepsCountAndLogsTheAction) {
  model::Event e = FullEvent();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  model::Event h = e;
  h.info = "renamed";
  h.published = false;
  h.attribute_count = 0;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.UpdateEventHeader(h, ChangeAction::kUnpublish); }).ok());
  EXPECT_EQ(ChangesAfter(0).back().action, ChangeAction::kUnpublish);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto got = *t.GetEvent(e.id);
                EXPECT_EQ(got->info, "renamed");
                EXPECT_FALSE(got->published);
                EXPECT_EQ(got->attribute_count, 4);
                return Ok();
              }).ok());
  h.id = 999;
  EXPECT_EQ(W([&](WriteTxn& t) { return t.UpdateEventHeader(h, ChangeAction::kEdit); }).error().code,
            ErrorCode::kNotFound);
}

TEST_F(SqliteEventsTest, DeleteEventRemovesEverythingAndLogsChildren) {
  model::Event e = FullEvent();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  model::Sighting s;
  s.attribute_id = e.attributes[0].id;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertSighting(s); }).ok());
  int64_t seq = ChangesAfter(0).back().seq;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteEvent(e.id); }).ok());
  auto changes = ChangesAfter(seq);
  ASSERT_EQ(changes.size(), 6u);  // 4 attributes, 1 object, the event
  EXPECT_EQ(changes.back().entity, "event");
  EXPECT_EQ(changes.back().uuid, U(1));
  for (const auto& c : changes) EXPECT_EQ(c.action, ChangeAction::kDelete);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_FALSE(t.GetEvent(e.id)->has_value());
                EXPECT_FALSE(t.FindAttributeByUuid(U(13))->has_value());
                EXPECT_FALSE(t.FindObjectByUuid(U(41))->has_value());
                EXPECT_FALSE(t.FindSightingByUuid(s.uuid)->has_value());
                EXPECT_TRUE((*t.GetTag(amber_.id)).has_value());  // tags themselves stay
                return Ok();
              }).ok());
  EXPECT_EQ(W([&](WriteTxn& t) { return t.DeleteEvent(e.id); }).error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteEventsTest, AttachAndDetachTags) {
  model::Event e = MakeEvent(U(1), "tags");
  e.attributes.push_back(MakeAttribute(U(11), "ip-dst", "192.0.2.1"));
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  const Id attr = e.attributes[0].id;
  int64_t seq = ChangesAfter(0).back().seq;
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.AttachTag(TagTarget::kEvent, e.id, amber_.id, false));
                BW_RETURN_IF_ERROR(t.AttachTag(TagTarget::kEvent, e.id, amber_.id, false));  // idempotent
                BW_RETURN_IF_ERROR(t.AttachTag(TagTarget::kAttribute, attr, pap_.id, false));
                return t.AttachTag(TagTarget::kAttribute, attr, pap_.id, true);  // flips `local`
              }).ok());
  auto changes = ChangesAfter(seq);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].entity, "event");
  EXPECT_EQ(changes[1].entity, "attribute");
  EXPECT_EQ(changes[1].uuid, U(11));
  EXPECT_EQ(changes[1].event_id, e.id);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto loaded = *t.LoadEvent(e.id, {});
                EXPECT_EQ(loaded->tags.size(), 1u);
                EXPECT_EQ(loaded->attributes[0].tags.size(), 1u);
                EXPECT_TRUE(loaded->attributes[0].tags[0].local);
                return Ok();
              }).ok());
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DetachTag(TagTarget::kAttribute, attr, pap_.id); }).ok());
  Status st = W([&](WriteTxn& t) { return t.DetachTag(TagTarget::kAttribute, attr, pap_.id); });
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(st.error().message, "tag " + std::to_string(pap_.id) + " is not attached to attribute " +
                                    std::to_string(attr));
  EXPECT_EQ(W([&](WriteTxn& t) { return t.AttachTag(TagTarget::kEvent, 999, amber_.id, false); }).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(W([&](WriteTxn& t) { return t.AttachTag(TagTarget::kEvent, e.id, 999, false); }).error().message,
            "tag 999 not found");
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteTag(amber_.id); }).ok());  // detaches everywhere
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_TRUE(t.LoadEvent(e.id, {})->value().tags.empty());
                return Ok();
              }).ok());
}

TEST_F(SqliteEventsTest, SightingsRoundTripFiltersAndDelete) {
  model::Event e1 = MakeEvent(U(1), "one");
  e1.attributes.push_back(MakeAttribute(U(11), "ip-dst", "192.0.2.1"));
  model::Event e2 = MakeEvent(U(2), "two");
  e2.attributes.push_back(MakeAttribute(U(21), "ip-src", "192.0.2.1"));
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.InsertEvent(e1));
                return t.InsertEvent(e2);
              }).ok());
  const Id a1 = e1.attributes[0].id;
  const Id b1 = e2.attributes[0].id;
  std::vector<model::Sighting> sightings = {
      {0, U(61), a1, 0, 5, 1000, "ids", model::SightingType::kSighting},
      {0, U(62), a1, 0, 6, 2000, "fw", model::SightingType::kFalsePositive},
      {0, U(63), b1, 0, 5, 3000, "ids", model::SightingType::kSighting},
  };
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                for (auto& s : sightings) BW_RETURN_IF_ERROR(t.InsertSighting(s));
                return Ok();
              }).ok());
  EXPECT_EQ(sightings[0].event_id, e1.id);  // taken from the attribute
  EXPECT_EQ(sightings[2].event_id, e2.id);

  auto uuids = [&](const SightingQuery& q) {
    std::vector<std::string> out;
    EXPECT_TRUE(R([&](ReadTxn& t) -> Status {
                  BW_ASSIGN_OR_RETURN(auto list, t.ListSightings(q));
                  for (const auto& s : list) out.push_back(s.uuid);
                  return Ok();
                }).ok());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(uuids({}), (V{U(61), U(62), U(63)}));
  EXPECT_EQ(uuids({.attribute_ids = {a1}}), (V{U(61), U(62)}));
  EXPECT_EQ(uuids({.event_ids = {e2.id}}), (V{U(63)}));
  EXPECT_EQ(uuids({.org_ids = {5}}), (V{U(61), U(63)}));
  EXPECT_EQ(uuids({.from = 1500}), (V{U(62), U(63)}));
  EXPECT_EQ(uuids({.to = 1500}), (V{U(61)}));
  EXPECT_EQ(uuids({.type = model::SightingType::kFalsePositive}), (V{U(62)}));
  EXPECT_EQ(uuids({.sources = {"ids"}}), (V{U(61), U(63)}));
  EXPECT_EQ(uuids({.after_id = sightings[0].id, .limit = 1}), (V{U(62)}));

  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto s = *t.FindSightingByUuid(U(62));
                EXPECT_EQ(s->attribute_id, a1);
                EXPECT_EQ(s->org_id, 6);
                EXPECT_EQ(s->date_sighting, 2000);
                EXPECT_EQ(s->source, "fw");
                EXPECT_EQ(s->type, model::SightingType::kFalsePositive);
                return Ok();
              }).ok());
  model::Sighting dup = sightings[0];
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertSighting(dup); }).error().message,
            "a sighting with uuid " + U(61) + " already exists");
  model::Sighting orphan{0, U(64), 999, 0, 5, 1, "", model::SightingType::kSighting};
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertSighting(orphan); }).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteSighting(sightings[1].id); }).ok());
  EXPECT_EQ(ChangesAfter(0).back().entity, "sighting");
  EXPECT_EQ(ChangesAfter(0).back().action, ChangeAction::kDelete);
  EXPECT_EQ(uuids({}), (V{U(61), U(63)}));
  EXPECT_EQ(W([&](WriteTxn& t) { return t.DeleteSighting(sightings[1].id); }).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace bulwark::store::testing

namespace bulwark::store::testing {
namespace {

TEST_F(SqliteEventsTest, BulkAttributeInsertIsAllOrNothing) {
  model::Event e = FullEvent();
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  const int64_t before = ChangesAfter(0).back().seq;
  std::vector<model::Attribute> batch;
  for (int i = 0; i < 3; ++i) {
    batch.push_back(MakeAttribute(U(40 + i), "domain", "bulk" + std::to_string(i) + ".example"));
    batch.back().event_id = e.id;
  }
  batch[1].tags.push_back({amber_, false});
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertAttributes(batch); }).ok());
  for (const auto& a : batch) EXPECT_GT(a.id, 0);
  EXPECT_EQ(AttributeCount(e.id), 7);
  auto changes = ChangesAfter(before);
  ASSERT_EQ(changes.size(), 3u);  // one change row per attribute, in insertion order
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(changes[i].uuid, U(40 + i));
    EXPECT_EQ(changes[i].entity, "attribute");
    EXPECT_EQ(changes[i].event_id, e.id);
    EXPECT_EQ(changes[i].action, model::ChangeAction::kAdd);
  }

  // A batch whose last attribute repeats a uuid writes none of its attributes.
  std::vector<model::Attribute> bad = {MakeAttribute(U(50), "domain", "fresh.example"),
                                       MakeAttribute(U(40), "domain", "dup.example")};
  for (auto& a : bad) a.event_id = e.id;
  auto st = W([&](WriteTxn& t) { return t.InsertAttributes(bad); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(AttributeCount(e.id), 7);
  EXPECT_EQ(ChangesAfter(before).size(), 3u);

  std::vector<model::Attribute> mixed = {MakeAttribute(U(51), "domain", "x.example")};
  mixed[0].event_id = e.id + 1000;
  EXPECT_FALSE(W([&](WriteTxn& t) { return t.InsertAttributes(mixed); }).ok());
}

}  // namespace
}  // namespace bulwark::store::testing
