// A store opened with attribute_index_at_open = false (sqlite_store.h) builds its attribute index on first use:
// every read and write answers exactly as with the index built at open, whether the first use is a read, a
// write that checks a uuid (inside the write transaction), or comes after another store wrote the same file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sqlite/sqlite_test_util.h"

namespace bulwark::store::testing {
namespace {

class LazyIndexTest : public SqliteStoreTest {
 protected:
  std::unique_ptr<Store> OpenAnother(bool index_at_open) {
    SqliteOptions options;
    options.path = path_;
    options.attribute_index_at_open = index_at_open;
    auto store = OpenSqliteStore(options, clock_);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(store).value() : nullptr;
  }
  // Reopens store_ with the index built on first use.
  void OpenLazy() {
    store_.reset();
    store_ = OpenAnother(false);
    ASSERT_NE(store_, nullptr);
  }

  static std::vector<std::string> Scan(Store& store, const AttributeQuery& q) {
    std::vector<std::string> rows;
    EXPECT_TRUE(store
                    .Read([&](ReadTxn& t) {
                      return t.ScanAttributes(q, [&](const AttributeRow& row) {
                        rows.push_back(std::to_string(row.attribute.id) + " " + row.attribute.uuid + " " +
                                       row.attribute.value1 + "|" + row.attribute.value2 + " e" +
                                       std::to_string(row.event.id) + " tags " +
                                       std::to_string(row.attribute.tags.size()));
                        return true;
                      });
                    })
                    .ok());
    return rows;
  }
  static std::vector<std::string> FindValue(Store& store, const std::string& value) {
    AttributeQuery q;
    q.values = {value};
    return Scan(store, q);
  }
  static std::optional<Id> ByUuid(Store& store, const std::string& uuid) {
    std::optional<Id> id;
    EXPECT_TRUE(store
                    .Read([&](ReadTxn& t) -> Status {
                      BW_ASSIGN_OR_RETURN(auto a, t.FindAttributeByUuid(uuid));
                      if (a) id = a->id;
                      return Ok();
                    })
                    .ok());
    return id;
  }
  static int64_t CountByValue(Store& store, const std::string& value) {
    int64_t n = -1;
    EventQuery q;
    q.attribute_values = {value};
    EXPECT_TRUE(store
                    .Read([&](ReadTxn& t) -> Status {
                      BW_ASSIGN_OR_RETURN(n, t.CountEvents(q));
                      return Ok();
                    })
                    .ok());
    return n;
  }
  Status AddEvent(Store& store, int64_t uuid_base, std::vector<model::Attribute> attributes) {
    model::Event e = MakeEvent(U(uuid_base), "lazy");
    e.attributes = std::move(attributes);
    return store.Write([&](WriteTxn& t) { return t.InsertEvent(e); });
  }
  // Two events with plain, composite, tagged and soft-deleted attributes.
  void Fill() {
    ASSERT_TRUE(AddEvent(*store_, 1, {MakeAttribute(U(2), "domain|ip", "evil.example", "192.0.2.1"),
                                      MakeAttribute(U(3), "ip-dst", "192.0.2.1"),
                                      MakeAttribute(U(4), "domain", "other.example")})
                    .ok());
    ASSERT_TRUE(AddEvent(*store_, 10, {MakeAttribute(U(11), "md5", "d41d8cd98f00b204e9800998ecf8427e"),
                                       MakeAttribute(U(12), "ip-dst", "192.0.2.1")})
                    .ok());
    model::Tag tag = MakeTag("tlp:amber");
    ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                  BW_RETURN_IF_ERROR(t.InsertTag(tag));
                  BW_ASSIGN_OR_RETURN(auto a, t.FindAttributeByUuid(U(3)));
                  if (!a) return MakeError(ErrorCode::kNotFound, "no attribute");
                  BW_RETURN_IF_ERROR(t.AttachTag(TagTarget::kAttribute, a->id, tag.id, false));
                  BW_ASSIGN_OR_RETURN(auto d, t.FindAttributeByUuid(U(4)));
                  if (!d) return MakeError(ErrorCode::kNotFound, "no attribute");
                  return t.SetAttributeDeleted(d->id, true, 1'700'000'500);
                }).ok());
  }
};

TEST_F(LazyIndexTest, ReadsAnswerAsWithTheIndexBuiltAtOpen) {
  Fill();
  AttributeQuery all;
  all.deleted = DeletedFilter::kInclude;
  all.load_tags = true;
  AttributeQuery by_uuids;
  by_uuids.uuids = {U(2), U(12), U(99)};
  const std::vector<std::string> eager_all = Scan(*store_, all), eager_ip = FindValue(*store_, "192.0.2.1"),
                                 eager_pair = FindValue(*store_, "evil.example|192.0.2.1"),
                                 eager_uuids = Scan(*store_, by_uuids);
  ASSERT_EQ(eager_all.size(), 5u);
  ASSERT_EQ(eager_ip.size(), 3u);

  // A full scan (what `bulwark export` does) does not build the index and gives the same rows.
  OpenLazy();
  EXPECT_EQ(Scan(*store_, all), eager_all);
  EXPECT_EQ(FindValue(*store_, "192.0.2.1"), eager_ip);  // first use: built here
  EXPECT_EQ(FindValue(*store_, "evil.example|192.0.2.1"), eager_pair);
  EXPECT_EQ(Scan(*store_, by_uuids), eager_uuids);
  EXPECT_EQ(CountByValue(*store_, "d41d8cd98f00b204e9800998ecf8427e"), 1);

  // Each kind of lookup as the first use of the index, on a fresh lazy store.
  OpenLazy();
  EXPECT_EQ(ByUuid(*store_, U(11)).has_value(), true);
  EXPECT_FALSE(ByUuid(*store_, U(99)).has_value());
  OpenLazy();
  EXPECT_EQ(CountByValue(*store_, "evil.example"), 1);
  EXPECT_EQ(CountByValue(*store_, "nothing.example"), 0);
  OpenLazy();
  EXPECT_EQ(Scan(*store_, by_uuids), eager_uuids);
}

TEST_F(LazyIndexTest, WritesBeforeTheFirstLookupAreFoundAfterIt) {
  Fill();
  OpenLazy();
  // This write checks uuids, so it builds the index inside its transaction, from the committed rows.
  ASSERT_TRUE(AddEvent(*store_, 20, {MakeAttribute(U(21), "domain", "new.example")}).ok());
  EXPECT_EQ(FindValue(*store_, "new.example").size(), 1u);
  EXPECT_TRUE(ByUuid(*store_, U(21)).has_value());
  EXPECT_TRUE(ByUuid(*store_, U(2)).has_value());
  // A uuid written before the store opened, or by the write above, is taken.
  Status dup = AddEvent(*store_, 30, {MakeAttribute(U(3), "domain", "dup.example")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().message, "an attribute with uuid " + U(3) + " already exists");
  EXPECT_EQ(AddEvent(*store_, 31, {MakeAttribute(U(21), "domain", "dup.example")}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(FindValue(*store_, "dup.example").size(), 0u);
}

TEST_F(LazyIndexTest, WritesThatNeedNoLookupLeaveItUnbuiltAndStillCounted) {
  Fill();
  OpenLazy();
  // Writes that never look an attribute up: the index stays unbuilt, and its later build sees their rows.
  model::Event e = MakeEvent(U(40), "no lookup");
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  model::Tag tag = MakeTag("pap:green");
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertTag(tag); }).ok());
  // Hard delete of an event with attributes, before any lookup.
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(auto ev, t.FindEventByUuid(U(10)));
                if (!ev) return MakeError(ErrorCode::kNotFound, "no event");
                return t.DeleteEvent(ev->id);
              }).ok());
  EXPECT_FALSE(ByUuid(*store_, U(11)).has_value());
  EXPECT_EQ(FindValue(*store_, "192.0.2.1").size(), 2u);  // U(2) and U(3); U(12) went with its event
  EXPECT_TRUE(AddEvent(*store_, 41, {MakeAttribute(U(11), "md5", "d41d8cd98f00b204e9800998ecf8427e")}).ok());
}

TEST_F(LazyIndexTest, AFailedWriteThatBuiltTheIndexLeavesNothingInIt) {
  Fill();
  OpenLazy();
  // The first attribute builds the index mid-transaction; the second conflicts, so the whole event rolls back.
  Status st = AddEvent(*store_, 50, {MakeAttribute(U(51), "domain", "gone.example"),
                                     MakeAttribute(U(2), "domain", "gone2.example")});
  ASSERT_FALSE(st.ok());
  EXPECT_FALSE(ByUuid(*store_, U(51)).has_value());
  EXPECT_EQ(FindValue(*store_, "gone.example").size(), 0u);
  EXPECT_TRUE(AddEvent(*store_, 52, {MakeAttribute(U(51), "domain", "gone.example")}).ok());
  EXPECT_EQ(FindValue(*store_, "gone.example").size(), 1u);
}

TEST_F(LazyIndexTest, AnotherStoreWritingTheSameFileIsSeen) {
  Fill();
  OpenLazy();
  std::unique_ptr<Store> other = OpenAnother(true);  // e.g. `serve` beside a CLI command
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(AddEvent(*other, 60, {MakeAttribute(U(61), "domain", "other-process.example")}).ok());
  EXPECT_TRUE(ByUuid(*store_, U(61)).has_value());  // built now, after the other store's commit
  // Once built, it catches up with later writes of the other store through the change log, as at open.
  ASSERT_TRUE(AddEvent(*other, 62, {MakeAttribute(U(63), "domain", "later.example")}).ok());
  EXPECT_EQ(FindValue(*store_, "later.example").size(), 1u);
  EXPECT_EQ(AddEvent(*store_, 64, {MakeAttribute(U(63), "domain", "x.example")}).error().code, ErrorCode::kConflict);
}

}  // namespace
}  // namespace bulwark::store::testing
