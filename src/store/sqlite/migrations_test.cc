// Migrations that change existing data, tested on a database built with the previous schema version.
#include "store/sqlite/migrations.h"

#include <sqlite3.h>

#include "common/uuid.h"
#include "store/sqlite/sqlite_test_util.h"

namespace bulwark::store::testing {
namespace {

// A database at schema version `version` (scripts 1..version) at `path`, holding `sql` (rows written raw, as an
// older build could have left them).
void BuildAtVersion(const std::string& path, size_t version, std::string_view sql, const Clock& clock) {
  auto conn = sqlite::Connection::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  const auto& all = sqlite::SchemaMigrations();
  ASSERT_LE(version, all.size());
  std::vector<std::string_view> scripts(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(version));
  auto v = sqlite::ApplyMigrations(**conn, scripts, clock);
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(*v, static_cast<int>(version));
  Status st = (*conn)->Exec(sql);
  ASSERT_TRUE(st.ok()) << st.error().message;
}

constexpr std::string_view kDup = "0b5e1c7a-0000-4000-8000-00000000d0b1";

// Two events, each with an object; three references share one uuid (ids 10, 11, 12), one is unique (id 13).
constexpr std::string_view kDuplicateReferences = R"sql(
INSERT INTO organisations (id, uuid, name) VALUES (1, '5f6e0000-0000-4000-8000-000000000001', 'A');
INSERT INTO events (id, uuid, org_id, orgc_id, distribution) VALUES
  (1, '5f6e0000-0000-4000-8000-0000000000e1', 1, 1, 1), (2, '5f6e0000-0000-4000-8000-0000000000e2', 1, 1, 1);
INSERT INTO objects (id, event_id, uuid, name) VALUES
  (1, 1, '5f6e0000-0000-4000-8000-0000000000b1', 'file'), (2, 2, '5f6e0000-0000-4000-8000-0000000000b2', 'file');
INSERT INTO object_references (id, uuid, object_id, event_id, referenced_uuid, relationship_type) VALUES
  (12, '0b5e1c7a-0000-4000-8000-00000000d0b1', 2, 2, '5f6e0000-0000-4000-8000-0000000000b1', 'third'),
  (10, '0b5e1c7a-0000-4000-8000-00000000d0b1', 1, 1, '5f6e0000-0000-4000-8000-0000000000b2', 'first'),
  (11, '0b5e1c7a-0000-4000-8000-00000000d0b1', 1, 1, '5f6e0000-0000-4000-8000-0000000000b2', 'second'),
  (13, '0b5e1c7a-0000-4000-8000-0000000000aa', 2, 2, '5f6e0000-0000-4000-8000-0000000000b1', 'unique');
)sql";

TEST_F(SqliteStoreTest, V6KeepsTheLowestIdOfADuplicateReferenceUuidAndRenamesTheRest) {
  store_.reset();
  const std::string old_db = dir_ + "/v5.db";
  BuildAtVersion(old_db, 5, kDuplicateReferences, clock_);
  path_ = old_db;
  Open();  // applies v6
  EXPECT_EQ(static_cast<size_t>(store_->SchemaVersion()), sqlite::SchemaMigrations().size());
  std::vector<std::string> renamed;
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(auto keeper, t.FindObjectReferenceByUuid(std::string(kDup)));
                EXPECT_EQ(keeper.value_or(model::ObjectReference{}).id, 10);
                for (Id id : {11, 12}) {
                  BW_ASSIGN_OR_RETURN(auto r, t.GetObjectReference(id));
                  EXPECT_TRUE(r.has_value());
                  if (!r) continue;
                  EXPECT_NE(r->uuid, kDup);
                  EXPECT_TRUE(IsUuid(r->uuid)) << r->uuid;
                  EXPECT_EQ(r->uuid, NormaliseUuid(r->uuid));
                  renamed.push_back(r->uuid);
                }
                BW_ASSIGN_OR_RETURN(auto unique, t.GetObjectReference(13));
                EXPECT_EQ(unique.value_or(model::ObjectReference{}).uuid, "0b5e1c7a-0000-4000-8000-0000000000aa");
                // The renamed ones are announced to change-log followers under their new uuids, in id order.
                BW_ASSIGN_OR_RETURN(auto changes, t.ReadChanges(0, 100));
                std::vector<std::string> announced;
                for (const auto& c : changes) {
                  if (c.entity == "object_reference") {
                    EXPECT_EQ(c.action, model::ChangeAction::kAdd);
                    announced.push_back(c.uuid);
                  }
                }
                EXPECT_EQ(announced, renamed);
                return Ok();
              }).ok());
  ASSERT_EQ(renamed.size(), 2u);
  EXPECT_NE(renamed[0], renamed[1]);
}

TEST_F(SqliteStoreTest, V6MakesReferenceUuidsUniqueAndADuplicateInsertIsAConflict) {
  model::Organisation org;
  org.name = "A";
  model::Event e;
  e.uuid = U(1);
  e.distribution = model::Distribution::kCommunity;
  model::Object o;
  o.uuid = U(2);
  o.name = "file";
  model::ObjectReference r;
  r.uuid = U(3);
  r.referenced_uuid = U(2);
  r.referenced_type = "Object";
  r.relationship_type = "self";
  o.references.push_back(r);
  e.objects.push_back(o);
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.InsertOrganisation(org));
                e.org_id = e.orgc_id = org.id;
                return t.InsertEvent(e);
              }).ok());
  const Id object_id = e.objects[0].id;
  int64_t changes_before = 0;
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(changes_before, t.LastChangeSeq());
                return Ok();
              }).ok());
  model::ObjectReference again = r;
  again.id = 0;
  again.object_id = object_id;
  again.relationship_type = "again";
  Status st = W([&](WriteTxn& t) { return t.InsertObjectReference(again); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict) << st.error().message;
  EXPECT_NE(st.error().message.find("object_references.uuid"), std::string::npos) << st.error().message;
  // Nothing was written: one reference, no change row.
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(auto obj, t.GetObject(object_id));
                EXPECT_EQ(obj->references.size(), 1u);
                EXPECT_EQ(obj->references[0].relationship_type, "self");
                BW_ASSIGN_OR_RETURN(int64_t seq, t.LastChangeSeq());
                EXPECT_EQ(seq, changes_before);
                return Ok();
              }).ok());
}

}  // namespace
}  // namespace bulwark::store::testing
