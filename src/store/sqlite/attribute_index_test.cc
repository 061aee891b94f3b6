// The in-memory attribute index (attribute_index.h) seen through the store: UUID uniqueness and lookup, value
// search, and that the index follows commits, rollbacks, edits, hard deletes and reopening.
#include "store/sqlite/attribute_index.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_test_util.h"

namespace bulwark::store::testing {
namespace {

class AttributeIndexTest : public SqliteStoreTest {
 protected:
  // Ids of the attributes a value search finds, in id order.
  std::vector<Id> Find(const std::string& value) {
    std::vector<Id> ids;
    EXPECT_TRUE(R([&](ReadTxn& t) {
                  AttributeQuery q;
                  q.values = {value};
                  return t.ScanAttributes(q, [&](const AttributeRow& row) {
                    ids.push_back(row.attribute.id);
                    return true;
                  });
                }).ok());
    return ids;
  }
  std::optional<Id> ByUuid(const std::string& uuid) {
    std::optional<Id> id;
    EXPECT_TRUE(R([&](ReadTxn& t) -> Status {
                  BW_ASSIGN_OR_RETURN(auto a, t.FindAttributeByUuid(uuid));
                  if (a) id = a->id;
                  return Ok();
                }).ok());
    return id;
  }
  model::Event AddEvent(int64_t uuid_base, std::vector<model::Attribute> attributes) {
    model::Event e = MakeEvent(U(uuid_base), "indexed");
    e.attributes = std::move(attributes);
    EXPECT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
    return e;
  }
};

TEST_F(AttributeIndexTest, ValueSearchFindsValue1Value2AndComposite) {
  model::Event e = AddEvent(1, {MakeAttribute(U(2), "domain|ip", "evil.example", "192.0.2.1"),
                                MakeAttribute(U(3), "ip-dst", "192.0.2.1"),
                                MakeAttribute(U(4), "domain", "other.example")});
  const Id pair = e.attributes[0].id, ip = e.attributes[1].id;
  EXPECT_EQ(Find("192.0.2.1"), (std::vector<Id>{pair, ip}));
  EXPECT_EQ(Find("evil.example"), (std::vector<Id>{pair}));
  EXPECT_EQ(Find("evil.example|192.0.2.1"), (std::vector<Id>{pair}));
  EXPECT_EQ(Find("evil.example|192.0.2.9"), (std::vector<Id>{}));
  EXPECT_EQ(Find("nothing.example"), (std::vector<Id>{}));
  // Event search by attribute value goes through the same candidates.
  int64_t events = -1;
  EventQuery by_value;
  by_value.attribute_values = {"other.example"};
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(events, t.CountEvents(by_value));
                return Ok();
              }).ok());
  EXPECT_EQ(events, 1);
}

TEST_F(AttributeIndexTest, UuidIsUniqueAcrossEventsAndWithinOne) {
  AddEvent(1, {MakeAttribute(U(2), "domain", "a.example")});
  model::Event dup = MakeEvent(U(10), "dup");
  dup.attributes.push_back(MakeAttribute(U(2), "domain", "b.example"));
  Status st = W([&](WriteTxn& t) { return t.InsertEvent(dup); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(st.error().message, "an attribute with uuid " + U(2) + " already exists");
  // Twice in one event: the second is a conflict with the first, pending in the same transaction.
  model::Event twice = MakeEvent(U(11), "twice");
  twice.attributes = {MakeAttribute(U(12), "domain", "c.example"), MakeAttribute(U(12), "domain", "d.example")};
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertEvent(twice); }).error().code, ErrorCode::kConflict);
  // Neither failed write left anything in the index.
  EXPECT_EQ(Find("b.example"), (std::vector<Id>{}));
  EXPECT_EQ(Find("c.example"), (std::vector<Id>{}));
  EXPECT_FALSE(ByUuid(U(12)).has_value());
}

TEST_F(AttributeIndexTest, RolledBackTransactionAndFailedMethodLeaveNoEntries) {
  model::Event e = MakeEvent(U(1), "rolled back");
  e.attributes.push_back(MakeAttribute(U(2), "domain", "gone.example"));
  Status st = W([&](WriteTxn& t) -> Status {
    BW_RETURN_IF_ERROR(t.InsertEvent(e));
    return MakeError(ErrorCode::kInvalid, "caller gives up");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(ByUuid(U(2)).has_value());
  EXPECT_EQ(Find("gone.example"), (std::vector<Id>{}));
  // A method that fails inside a transaction the caller still commits: its journal entries are dropped, the
  // successful method's kept.
  model::Event ok = MakeEvent(U(3), "kept");
  ok.attributes.push_back(MakeAttribute(U(4), "domain", "kept.example"));
  model::Event bad = MakeEvent(U(5), "bad");
  bad.attributes = {MakeAttribute(U(6), "domain", "half.example"), MakeAttribute(U(4), "domain", "clash.example")};
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.InsertEvent(ok));
                EXPECT_EQ(t.InsertEvent(bad).error().code, ErrorCode::kConflict);
                return Ok();
              }).ok());
  EXPECT_TRUE(ByUuid(U(4)).has_value());
  EXPECT_FALSE(ByUuid(U(6)).has_value());
  EXPECT_EQ(Find("half.example"), (std::vector<Id>{}));
  EXPECT_EQ(Find("kept.example").size(), 1u);
}

TEST_F(AttributeIndexTest, EditsAndHardDeletesFollow) {
  model::Event e = AddEvent(1, {MakeAttribute(U(2), "domain", "before.example"),
                                MakeAttribute(U(3), "domain", "stays.example")});
  model::Attribute a = e.attributes[0];
  a.value1 = "after.example";
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.UpdateAttribute(a); }).ok());
  EXPECT_EQ(Find("before.example"), (std::vector<Id>{}));
  EXPECT_EQ(Find("after.example"), (std::vector<Id>{a.id}));
  EXPECT_EQ(ByUuid(U(2)), a.id);
  // A soft delete keeps the row searchable (deleted filter); a hard delete frees the UUID for reuse.
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.SetAttributeDeleted(a.id, true, 1); }).ok());
  EXPECT_EQ(ByUuid(U(2)), a.id);
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteAttribute(a.id); }).ok());
  EXPECT_FALSE(ByUuid(U(2)).has_value());
  EXPECT_EQ(Find("after.example"), (std::vector<Id>{}));
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteEvent(e.id); }).ok());
  EXPECT_FALSE(ByUuid(U(3)).has_value());
  EXPECT_EQ(Find("stays.example"), (std::vector<Id>{}));
  model::Event again = AddEvent(10, {MakeAttribute(U(2), "domain", "reused.example")});
  EXPECT_EQ(ByUuid(U(2)), again.attributes[0].id);
}

TEST_F(AttributeIndexTest, ReopenRebuildsTheIndexFromTheTable) {
  model::Event e = AddEvent(1, {MakeAttribute(U(2), "ip-dst", "198.51.100.7"),
                                MakeAttribute("not-a-canonical-uuid", "domain", "odd.example")});
  Open();
  EXPECT_EQ(ByUuid(U(2)), e.attributes[0].id);
  EXPECT_EQ(ByUuid("not-a-canonical-uuid"), e.attributes[1].id);
  EXPECT_EQ(ByUuid(U(2).substr(0, 35) + "f"), std::nullopt);
  EXPECT_EQ(Find("198.51.100.7"), (std::vector<Id>{e.attributes[0].id}));
}

TEST(AttributeIndexUnit, HashCollisionsAreOnlyCandidates) {
  // Candidates are a superset: the journal posts by hash, and the SQL re-check decides. Two different values
  // with different hashes never share postings.
  EXPECT_NE(sqlite::ValueHash("a"), sqlite::ValueHash("b"));
  EXPECT_EQ(sqlite::ValueHash("evil.example"), sqlite::ValueHash(std::string("evil.") + "example"));
  sqlite::IndexJournal j;
  j.Add(1, "u1", "x", "");
  EXPECT_EQ(j.PendingUuid("u1"), true);
  size_t mark = j.Mark();
  j.Remove(1, "u1", "x", "");
  EXPECT_EQ(j.PendingUuid("u1"), false);
  j.RollbackTo(mark);
  EXPECT_EQ(j.PendingUuid("u1"), true);
  EXPECT_EQ(j.PendingUuid("u2"), std::nullopt);
}

}  // namespace
}  // namespace bulwark::store::testing
