// The SQLite StixStore: appends with change rows, duplicates and conflicts, version selection, paging by
// sequence, deletes, hub access fields, statuses and the cursor secret.
#include "store/sqlite/stix_store.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_test_util.h"

namespace bulwark::store {
namespace {

using testing::kT0;

StixObjectInput Obj(const std::string& id, const std::string& version, int64_t version_ns, const std::string& extra = "") {
  StixObjectInput in;
  in.stix_id = id;
  in.type = id.substr(0, id.find("--"));
  in.spec_version = "2.1";
  in.version = version;
  in.version_ns = version_ns;
  in.json = "{\"id\":\"" + id + "\",\"modified\":\"" + version + "\"" + extra + "}";
  return in;
}

constexpr const char* kInd = "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e";
constexpr const char* kMal = "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec";

class StixStoreTest : public testing::SqliteStoreTest {
 protected:
  void SetUp() override {
    testing::SqliteStoreTest::SetUp();
    stix_ = NewSqliteStixStore(*store_, clock_);
    coll_.title = "T";
    ASSERT_TRUE(stix_->AddCollection(coll_).ok());
  }
  void TearDown() override {
    stix_.reset();
    testing::SqliteStoreTest::TearDown();
  }
  std::vector<StixRow> Scan(StixQuery q) {
    q.collection = coll_.id;
    std::vector<StixRow> rows;
    EXPECT_TRUE(stix_->ScanObjects(q, [&](const StixRow& r) {
                  rows.push_back(r);
                  return true;
                }).ok());
    return rows;
  }
  std::vector<std::string> Versions(StixQuery q) {
    std::vector<std::string> out;
    for (const auto& r : Scan(std::move(q))) out.push_back(r.stix_id.substr(0, 3) + "@" + r.version);
    return out;
  }
  std::unique_ptr<StixStore> stix_;
  TaxiiCollection coll_;
};

TEST_F(StixStoreTest, AppendAssignsChangeSequencesAndStrictlyIncreasingDateAdded) {
  auto res = stix_->AppendObjects(coll_.id, {Obj(kInd, "2016-11-03T12:30:59.000Z", 1), Obj(kMal, "2017-01-27T13:49:53.997Z", 2)},
                                  nullptr);
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_EQ(res->size(), 2u);
  EXPECT_EQ((*res)[0].outcome, AppendOutcome::kAdded);
  // The fake clock does not move: date_added still strictly increases by one microsecond.
  EXPECT_EQ((*res)[0].date_added_micros, kT0);
  EXPECT_EQ((*res)[1].date_added_micros, kT0 + 1);
  EXPECT_LT((*res)[0].seq, (*res)[1].seq);
  // The change log holds one "stix" add per object, with the object's sequence.
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto changes = *t.ReadChanges(0, 100);
                EXPECT_EQ(changes.size(), 2u);
                EXPECT_EQ(changes[0].entity, "stix");
                EXPECT_EQ(changes[0].uuid, kInd);
                EXPECT_EQ(changes[0].seq, (*res)[0].seq);
                EXPECT_EQ(changes[1].seq, (*res)[1].seq);
                return Ok();
              }).ok());
}

TEST_F(StixStoreTest, DuplicateIsNotStoredTwiceAndConflictIsRejected) {
  ASSERT_TRUE(stix_->AppendObjects(coll_.id, {Obj(kInd, "2016-11-03T12:30:59.000Z", 1)}, nullptr).ok());
  auto again = stix_->AppendObjects(
      coll_.id, {Obj(kInd, "2016-11-03T12:30:59.000Z", 1), Obj(kInd, "2016-11-03T12:30:59.000Z", 1, ",\"x\":1")},
      nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ((*again)[0].date_added_micros, kT0);
  EXPECT_EQ((*again)[1].outcome, AppendOutcome::kConflict);
  EXPECT_EQ(Scan({}).size(), 1u);
}

TEST_F(StixStoreTest, VersionSelection) {
  // Versions appended out of order: "last" is the greatest version, not the latest sequence.
  ASSERT_TRUE(stix_->AppendObjects(coll_.id,
                                   {Obj(kInd, "v2", 200), Obj(kInd, "v1", 100), Obj(kInd, "v3", 300),
                                    Obj(kMal, "m1", 50)},
                                   nullptr)
                  .ok());
  StixQuery last;
  last.versions.last = true;
  EXPECT_EQ(Versions(last), (std::vector<std::string>{"ind@v3", "mal@m1"}));
  StixQuery first;
  first.versions.first = true;
  EXPECT_EQ(Versions(first), (std::vector<std::string>{"ind@v1", "mal@m1"}));
  StixQuery all;
  all.versions.all = true;
  EXPECT_EQ(Versions(all), (std::vector<std::string>{"ind@v2", "ind@v1", "ind@v3", "mal@m1"}));
  StixQuery mixed;  // first OR an exact version
  mixed.versions.first = true;
  mixed.versions.exact_ns = {200};
  EXPECT_EQ(Versions(mixed), (std::vector<std::string>{"ind@v2", "ind@v1", "mal@m1"}));
  StixQuery spec;  // spec_version filter that nothing has
  spec.versions.last = true;
  spec.spec_versions = {"2.0"};
  EXPECT_TRUE(Versions(spec).empty());
  StixQuery types;
  types.versions.all = true;
  types.types = {"malware"};
  EXPECT_EQ(Versions(types), (std::vector<std::string>{"mal@m1"}));
}

TEST_F(StixStoreTest, PagingBySequenceAndAddedAfter) {
  std::vector<StixObjectInput> batch;
  for (int i = 0; i < 10; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--00000000-0000-4000-8000-%012d", i);
    batch.push_back(Obj(id, "v", 1));
  }
  auto res = stix_->AppendObjects(coll_.id, batch, nullptr);
  ASSERT_TRUE(res.ok());
  StixQuery q;
  q.after_seq = (*res)[6].seq;
  auto rows = Scan(q);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].seq, (*res)[7].seq);
  StixQuery added;
  added.added_after_micros = (*res)[8].date_added_micros;
  rows = Scan(added);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].stix_id, batch[9].stix_id);
}

TEST_F(StixStoreTest, UnversionedObjectsTakeDateAddedAsVersion) {
  StixObjectInput sco;
  sco.stix_id = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd";
  sco.type = "ipv4-addr";
  sco.spec_version = "2.1";
  sco.json = "{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.3\"}";
  auto res = stix_->AppendObjects(coll_.id, {sco, sco}, nullptr);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ((*res)[0].outcome, AppendOutcome::kAdded);
  EXPECT_EQ((*res)[0].version, "2023-11-14T22:13:20.000000Z");  // kT0
  EXPECT_EQ((*res)[1].outcome, AppendOutcome::kDuplicate);
}

TEST_F(StixStoreTest, DeleteByVersionAndLogsIt) {
  ASSERT_TRUE(stix_->AppendObjects(coll_.id, {Obj(kInd, "v1", 100), Obj(kInd, "v2", 200)}, nullptr).ok());
  auto n = stix_->DeleteObject(coll_.id, kInd, VersionMatch{false, true, false, {}}, {});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  StixQuery all;
  all.versions.all = true;
  EXPECT_EQ(Versions(all), (std::vector<std::string>{"ind@v2"}));
  n = stix_->DeleteObject(coll_.id, kInd, VersionMatch{true, false, false, {}}, {});
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(Scan(all).empty());
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto changes = *t.ReadChanges(0, 100);
                EXPECT_EQ(changes.size(), 4u);
                EXPECT_EQ(changes.back().action, model::ChangeAction::kDelete);
                return Ok();
              }).ok());
}

TEST_F(StixStoreTest, HubCollectionRowsCarryAccessAndWithdraw) {
  auto hub = stix_->EnsureHubCollection("Hub", "");
  ASSERT_TRUE(hub.ok());
  auto again = stix_->EnsureHubCollection("Other", "");
  EXPECT_EQ(again->id, hub->id);
  StixObjectInput in = Obj(kInd, "v1", 100);
  in.access = StixAccess{42, 7, 0, 0, -1, 0, 4, 9};
  ASSERT_TRUE(stix_->AppendObjects(hub->id, {in}, nullptr).ok());
  // Same version, other content: a hub row is replaced (re-served with a new sequence), not rejected.
  StixObjectInput changed = Obj(kInd, "v1", 100, ",\"x\":2");
  changed.access = in.access;
  auto res = stix_->AppendObjects(hub->id, {changed}, nullptr);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ((*res)[0].outcome, AppendOutcome::kReplaced);
  auto latest = stix_->LatestOfEvent(hub->id, 42);
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].access.org_id, 7);
  EXPECT_EQ((*latest)[0].access.attribute_distribution, 4);
  EXPECT_EQ((*latest)[0].access.attribute_sharing_group_id, 9);
  ASSERT_TRUE(stix_->SetEventAccess(hub->id, 42, {{kInd, StixAccess{42, 7, 1, 0, -1, 0, -1, 0}}}).ok());
  latest = stix_->LatestOfEvent(hub->id, 42);
  EXPECT_EQ((*latest)[0].access.event_distribution, 1);
  EXPECT_EQ((*latest)[0].access.attribute_distribution, -1);
  EXPECT_EQ(*stix_->WithdrawEvent(hub->id, 42), 1);
  EXPECT_TRUE(stix_->LatestOfEvent(hub->id, 42)->empty());
}

TEST_F(StixStoreTest, CollectionsStatusesAndSecret) {
  TaxiiCollection b;
  b.title = "B";
  b.read_orgs = {1, 2};
  b.write_orgs = {2};
  ASSERT_TRUE(stix_->AddCollection(b).ok());
  auto all = stix_->ListCollections();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].read_orgs, (std::vector<model::Id>{1, 2}));
  EXPECT_EQ((*all)[1].write_orgs, (std::vector<model::Id>{2}));
  TaxiiCollection dup = b;
  EXPECT_EQ(stix_->AddCollection(dup).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(stix_->AppendObjects(b.id, {Obj(kInd, "v1", 100)}, nullptr).ok());
  ASSERT_TRUE(stix_->RemoveCollection(b.id).ok());
  EXPECT_FALSE(stix_->GetCollection(b.id)->has_value());
  EXPECT_EQ(stix_->RemoveCollection(b.id).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(stix_->PutStatus({"s1", coll_.id, kT0 - 10, "{\"a\":1}"}, 0).ok());
  ASSERT_TRUE(stix_->PutStatus({"s2", coll_.id, kT0, "{\"b\":1}"}, kT0 - 5).ok());  // purges s1
  EXPECT_FALSE(stix_->GetStatus("s1")->has_value());
  EXPECT_EQ((*stix_->GetStatus("s2"))->json, "{\"b\":1}");

  auto s1 = stix_->CursorSecret();
  ASSERT_TRUE(s1.ok());
  EXPECT_GE(s1->size(), 64u);
  auto other = NewSqliteStixStore(*store_, clock_);
  EXPECT_EQ(*other->CursorSecret(), *s1);  // persisted, not per instance
}

}  // namespace
}  // namespace bulwark::store
