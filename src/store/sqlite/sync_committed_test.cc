// SyncCommitted (sqlite_store.h): syncs what a kNormal store committed; refuses to run inside a write and on a
// store that is not SQLite's. (That the data survives power loss cannot be shown in a unit test; this checks the
// call reaches the log and that committed data is intact around it.)
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_test_util.h"

namespace bulwark::store::testing {
namespace {

class SyncCommittedTest : public SqliteStoreTest {};

TEST_F(SyncCommittedTest, SyncsWhatANormalStoreCommitted) {
  Open(Durability::kNormal);
  EXPECT_TRUE(SyncCommitted(*store_).ok());  // nothing written yet
  model::Event e = MakeEvent(U(1), "synced");
  e.attributes.push_back(MakeAttribute(U(2), "domain", "synced.example"));
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(e); }).ok());
  EXPECT_TRUE(SyncCommitted(*store_).ok());
  EXPECT_TRUE(SyncCommitted(*store_).ok());
  // Reopened (the log is checkpointed at close), the event is whole.
  Open(Durability::kNormal);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(auto got, t.FindAttributeByUuid(U(2)));
                EXPECT_TRUE(got.has_value());
                return Ok();
              }).ok());
}

TEST_F(SyncCommittedTest, RefusedInsideAWrite) {
  Status inner = Ok();
  ASSERT_TRUE(W([&](WriteTxn&) {
                inner = SyncCommitted(*store_);
                return Ok();
              }).ok());
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, ErrorCode::kInternal);
  EXPECT_EQ(inner.error().message, "SyncCommitted called from inside a Write function");
}

}  // namespace
}  // namespace bulwark::store::testing
