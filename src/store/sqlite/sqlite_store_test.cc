// Store-level behaviour of the SQLite backend: admin entities, conflicts, transactions and rollback, the change
// log, reopening, migrations and concurrency. Event data is tested in sqlite_events_test.cc.
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_test_util.h"

namespace bulwark::store::testing {
namespace {

using model::ChangeAction;

model::Organisation MakeOrg(const std::string& uuid, const std::string& name) {
  model::Organisation o;
  o.uuid = uuid;
  o.name = name;
  o.description = "national CERT";
  o.type = "CERT";
  o.sector = "Government";
  o.nationality = "Estonia";
  o.contacts = "soc@example.ee";
  o.local = false;
  o.created = 1'700'000'000;
  o.modified = 1'700'000'001;
  return o;
}

TEST_F(SqliteStoreTest, FreshFileIsAtLatestSchemaVersion) {
  EXPECT_EQ(store_->SchemaVersion(), static_cast<int>(sqlite::SchemaMigrations().size()));
  EXPECT_EQ(store_->SchemaVersion(), static_cast<int>(sqlite::SchemaMigrations().size()));
}

TEST_F(SqliteStoreTest, OrganisationRoundTripUpdateDelete) {
  model::Organisation org = MakeOrg(U(1), "CERT-EE");
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertOrganisation(org); }).ok());
  EXPECT_GT(org.id, 0);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto by_id = t.GetOrganisation(org.id);
                EXPECT_TRUE(by_id.ok() && by_id->has_value());
                const model::Organisation& o = **by_id;
                EXPECT_EQ(o.uuid, U(1));
                EXPECT_EQ(o.name, "CERT-EE");
                EXPECT_EQ(o.description, "national CERT");
                EXPECT_EQ(o.type, "CERT");
                EXPECT_EQ(o.sector, "Government");
                EXPECT_EQ(o.nationality, "Estonia");
                EXPECT_EQ(o.contacts, "soc@example.ee");
                EXPECT_FALSE(o.local);
                EXPECT_EQ(o.created, 1'700'000'000);
                EXPECT_EQ(o.modified, 1'700'000'001);
                EXPECT_EQ((*t.FindOrganisationByUuid(U(1)))->id, org.id);
                EXPECT_EQ((*t.FindOrganisationByName("CERT-EE"))->id, org.id);
                EXPECT_FALSE(t.FindOrganisationByName("nobody")->has_value());
                EXPECT_EQ(t.ListOrganisations()->size(), 1u);
                return Ok();
              }).ok());
  org.name = "CERT-EE (RIA)";
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.UpdateOrganisation(org); }).ok());
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_EQ((*t.GetOrganisation(org.id))->name, "CERT-EE (RIA)");
                return Ok();
              }).ok());
  model::Organisation ghost = org;
  ghost.id = 999;
  EXPECT_EQ(W([&](WriteTxn& t) { return t.UpdateOrganisation(ghost); }).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteOrganisation(org.id); }).ok());
  EXPECT_EQ(W([&](WriteTxn& t) { return t.DeleteOrganisation(org.id); }).error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, DuplicateUuidAndNameAreConflictsNamingFieldAndValue) {
  model::Organisation a = MakeOrg(U(1), "A");
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertOrganisation(a); }).ok());
  model::Organisation b = MakeOrg(U(1), "B");
  Status st = W([&](WriteTxn& t) { return t.InsertOrganisation(b); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(st.error().message, "an organisation with uuid " + U(1) + " already exists");
  EXPECT_EQ(st.error().field, "uuid");
  model::Organisation c = MakeOrg(U(2), "A");
  st = W([&](WriteTxn& t) { return t.InsertOrganisation(c); });
  EXPECT_EQ(st.error().message, "an organisation with name A already exists");

  model::User u1{0, "Analyst@example.org", a.id, 3, false, 1, 2};
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertUser(u1); }).ok());
  model::User u2{0, "analyst@example.org", a.id, 3, false, 1, 2};  // emails compare case-insensitively
  st = W([&](WriteTxn& t) { return t.InsertUser(u2); });
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(st.error().message, "a user with email analyst@example.org already exists");

  model::Tag t1 = MakeTag("tlp:amber");
  model::Tag t2 = MakeTag("tlp:amber");
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertTag(t1); }).ok());
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertTag(t2); }).error().message,
            "a tag with name tlp:amber already exists");
}

TEST_F(SqliteStoreTest, RolesUsersAndApiKeys) {
  model::Role admin{1, "admin", 0x3ff, false, 10, 11};
  model::Role user_role{0, "User", static_cast<model::PermissionSet>(model::Permission::kAdd), true, 12, 13};
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.InsertRole(admin));
                return t.InsertRole(user_role);
              }).ok());
  EXPECT_EQ(admin.id, 1);
  EXPECT_EQ(user_role.id, 2);
  model::Role dup{1, "again", 0, false, 0, 0};
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertRole(dup); }).error().message, "a role with id 1 already exists");

  model::User alice{0, "alice@cert.example", 5, 1, true, 20, 21};
  model::User bob{0, "bob@cert.example", 6, 2, false, 22, 23};
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.InsertUser(alice));
                return t.InsertUser(bob);
              }).ok());
  model::ApiKey key;
  key.user_id = alice.id;
  key.key_hash = std::string(64, 'a');
  key.key_start = "abcd";
  key.key_end = "wxyz";
  key.expiration = 1'800'000'000;
  key.read_only = true;
  key.comment = "sync";
  key.created = 30;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertApiKey(key); }).ok());
  EXPECT_EQ(key.uuid.size(), 36u);  // generated

  model::ApiKey orphan = key;
  orphan.uuid.clear();
  orphan.key_hash = std::string(64, 'b');
  orphan.user_id = 999;
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertApiKey(orphan); }).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto r = *t.GetRole(1);
                EXPECT_EQ(r->name, "admin");
                EXPECT_EQ(r->permissions, 0x3ffu);
                EXPECT_EQ(r->created, 10);
                EXPECT_EQ(r->modified, 11);
                auto roles = *t.ListRoles();
                EXPECT_EQ(roles.size(), 2u);
                EXPECT_TRUE(roles[1].default_role);
                auto a = *t.FindUserByEmail("ALICE@cert.example");
                EXPECT_TRUE(a.has_value());
                EXPECT_EQ(a->email, "alice@cert.example");
                EXPECT_EQ(a->org_id, 5);
                EXPECT_EQ(a->role_id, 1);
                EXPECT_TRUE(a->disabled);
                EXPECT_EQ(a->created, 20);
                EXPECT_EQ(a->modified, 21);
                EXPECT_EQ(t.ListUsers(std::nullopt)->size(), 2u);
                EXPECT_EQ(t.ListUsers(6)->size(), 1u);
                EXPECT_EQ((*t.ListUsers(6))[0].email, "bob@cert.example");
                auto k = *t.FindApiKeyByHash(std::string(64, 'a'));
                EXPECT_TRUE(k.has_value());
                EXPECT_EQ(k->uuid, key.uuid);
                EXPECT_EQ(k->user_id, alice.id);
                EXPECT_EQ(k->key_start, "abcd");
                EXPECT_EQ(k->key_end, "wxyz");
                EXPECT_EQ(k->expiration, std::optional<int64_t>(1'800'000'000));
                EXPECT_TRUE(k->read_only);
                EXPECT_EQ(k->comment, "sync");
                EXPECT_EQ(k->created, 30);
                EXPECT_EQ(t.ListApiKeys(alice.id)->size(), 1u);
                return Ok();
              }).ok());

  alice.disabled = false;
  alice.email = "alice2@cert.example";
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.UpdateUser(alice); }).ok());
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteUser(alice.id); }).ok());  // takes the key with it
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_FALSE(t.GetUser(alice.id)->has_value());
                EXPECT_FALSE(t.FindApiKeyByHash(std::string(64, 'a'))->has_value());
                EXPECT_TRUE(t.GetUser(bob.id)->has_value());
                return Ok();
              }).ok());
  EXPECT_EQ(W([&](WriteTxn& t) { return t.DeleteApiKey(key.id); }).error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, SharingGroupsWithMembersAndOrgMembership) {
  model::SharingGroup sg;
  sg.uuid = U(50);
  sg.name = "Election partners";
  sg.description = "EU election 2024";
  sg.releasability = "partners only";
  sg.org_id = 1;
  sg.active = true;
  sg.local = false;
  sg.roaming = true;
  sg.orgs = {{1, true}, {2, false}};
  sg.servers = {{0, false}, {7, true}};
  sg.created = 40;
  sg.modified = 41;
  model::SharingGroup open_sg = sg;
  open_sg.uuid = U(51);
  open_sg.orgs = {};
  open_sg.servers = {{0, true}};  // every org of this hub
  model::SharingGroup inactive = sg;
  inactive.uuid = U(52);
  inactive.active = false;
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.InsertSharingGroup(sg));
                BW_RETURN_IF_ERROR(t.InsertSharingGroup(open_sg));
                return t.InsertSharingGroup(inactive);
              }).ok());
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto g = *t.GetSharingGroup(sg.id);
                EXPECT_EQ(g->uuid, U(50));
                EXPECT_EQ(g->name, "Election partners");
                EXPECT_EQ(g->description, "EU election 2024");
                EXPECT_EQ(g->releasability, "partners only");
                EXPECT_FALSE(g->local);
                EXPECT_TRUE(g->roaming);
                EXPECT_EQ(g->created, 40);
                EXPECT_EQ(g->modified, 41);
                EXPECT_EQ(g->orgs.size(), 2u);
                EXPECT_EQ(g->orgs[0].org_id, 1);
                EXPECT_TRUE(g->orgs[0].extend);
                EXPECT_FALSE(g->orgs[1].extend);
                EXPECT_EQ(g->servers.size(), 2u);
                EXPECT_EQ(g->servers[1].server_id, 7);
                EXPECT_TRUE(g->servers[1].all_orgs);
                EXPECT_EQ((*t.FindSharingGroupByUuid(U(51)))->id, open_sg.id);
                EXPECT_EQ(t.ListSharingGroups()->size(), 3u);
                EXPECT_EQ(*t.SharingGroupIdsForOrg(2), (std::vector<Id>{sg.id, open_sg.id}));
                EXPECT_EQ(*t.SharingGroupIdsForOrg(99), (std::vector<Id>{open_sg.id}));
                return Ok();
              }).ok());
  sg.orgs = {{3, false}};
  sg.servers = {};
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.UpdateSharingGroup(sg); }).ok());
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto g = *t.GetSharingGroup(sg.id);
                EXPECT_EQ(g->orgs.size(), 1u);
                EXPECT_EQ(g->orgs[0].org_id, 3);
                EXPECT_TRUE(g->servers.empty());
                EXPECT_EQ(*t.SharingGroupIdsForOrg(2), (std::vector<Id>{open_sg.id}));
                return Ok();
              }).ok());
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteSharingGroup(sg.id); }).ok());
  model::SharingGroup dup = open_sg;
  EXPECT_EQ(W([&](WriteTxn& t) { return t.InsertSharingGroup(dup); }).error().message,
            "a sharing group with uuid " + U(51) + " already exists");
}

TEST_F(SqliteStoreTest, TagsRoundTripLikeAndDelete) {
  model::Tag amber = MakeTag("tlp:amber");
  model::Tag green = MakeTag("tlp:green");
  model::Tag pap = MakeTag("PAP:RED");
  pap.numerical_value.reset();
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.InsertTag(amber));
                BW_RETURN_IF_ERROR(t.InsertTag(green));
                return t.InsertTag(pap);
              }).ok());
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto a = *t.GetTag(amber.id);
                EXPECT_EQ(a->name, "tlp:amber");
                EXPECT_EQ(a->colour, "#ff0000");
                EXPECT_FALSE(a->exportable);
                EXPECT_TRUE(a->hide_tag);
                EXPECT_TRUE(a->is_galaxy);
                EXPECT_TRUE(a->local_only);
                EXPECT_EQ(a->org_id, 7);
                EXPECT_EQ(a->user_id, 9);
                EXPECT_EQ(a->numerical_value, std::optional<int>(75));
                EXPECT_FALSE((*t.FindTagByName("PAP:RED"))->numerical_value.has_value());
                EXPECT_EQ(t.ListTags(std::string("tlp:%"))->size(), 2u);
                EXPECT_EQ(t.ListTags(std::nullopt)->size(), 3u);
                return Ok();
              }).ok());
  green.colour = "#00ff00";
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.UpdateTag(green); }).ok());
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.DeleteTag(amber.id); }).ok());
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_EQ((*t.GetTag(green.id))->colour, "#00ff00");
                EXPECT_FALSE(t.GetTag(amber.id)->has_value());
                return Ok();
              }).ok());
}

TEST_F(SqliteStoreTest, FailedWriteLeavesNoRowAndNoChange) {
  model::Organisation org = MakeOrg(U(1), "A");
  Status st = W([&](WriteTxn& t) -> Status {
    BW_RETURN_IF_ERROR(t.InsertOrganisation(org));
    model::Event e = MakeEvent(U(2), "will vanish");
    e.attributes.push_back(MakeAttribute(U(3), "ip-dst", "192.0.2.1"));
    BW_RETURN_IF_ERROR(t.InsertEvent(e));
    return MakeError(ErrorCode::kInvalid, "changed my mind");
  });
  EXPECT_EQ(st.error().message, "changed my mind");
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_TRUE(t.ListOrganisations()->empty());
                EXPECT_FALSE(t.FindEventByUuid(U(2))->has_value());
                EXPECT_FALSE(t.FindAttributeByUuid(U(3))->has_value());
                EXPECT_TRUE(t.ReadChanges(0, 0)->empty());
                EXPECT_EQ(*t.LastChangeSeq(), 0);
                return Ok();
              }).ok());
}

TEST_F(SqliteStoreTest, FailedMethodIsUndoneEvenWhenCallerCommits) {
  // The second attribute repeats the first one's uuid: InsertEvent fails half-way; the caller ignores it.
  model::Event e = MakeEvent(U(1), "half");
  e.attributes.push_back(MakeAttribute(U(2), "ip-dst", "192.0.2.1"));
  e.attributes.push_back(MakeAttribute(U(2), "ip-dst", "192.0.2.2"));
  Status inner = Ok();
  ASSERT_TRUE(W([&](WriteTxn& t) {
                inner = t.InsertEvent(e);
                return Ok();
              }).ok());
  EXPECT_EQ(inner.error().message, "an attribute with uuid " + U(2) + " already exists");
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_FALSE(t.FindEventByUuid(U(1))->has_value());
                EXPECT_TRUE(t.ReadChanges(0, 0)->empty());
                return Ok();
              }).ok());
}

TEST_F(SqliteStoreTest, ChangeLogIsMonotonicTimedByClockAndReadByCursor) {
  for (int i = 0; i < 5; ++i) {
    clock_.AdvanceSeconds(1);
    model::Organisation org = MakeOrg(U(100 + i), "org" + std::to_string(i));
    ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertOrganisation(org); }).ok());
  }
  model::Change publish;
  publish.entity = "event";
  publish.uuid = U(7);
  publish.event_id = 42;
  publish.action = ChangeAction::kPublish;
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.AppendChange(publish); }).ok());
  EXPECT_EQ(publish.seq, 6);
  EXPECT_EQ(publish.time_micros, kT0 + 5'000'000);
  // A rolled-back write consumes no visible sequence, and later ones stay increasing.
  (void)W([&](WriteTxn& t) -> Status {
    model::Change c{0, "event", U(8), 0, ChangeAction::kEdit, 0};
    BW_RETURN_IF_ERROR(t.AppendChange(c));
    return MakeError(ErrorCode::kInternal, "abort");
  });
  model::Change last{0, "event", U(9), 0, ChangeAction::kUnpublish, 0};
  ASSERT_TRUE(W([&](WriteTxn& t) { return t.AppendChange(last); }).ok());
  EXPECT_GT(last.seq, publish.seq);

  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto all = *t.ReadChanges(0, 0);
                EXPECT_EQ(all.size(), 7u);
                for (size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i].seq, all[i - 1].seq);
                EXPECT_EQ(all[0].entity, "organisation");
                EXPECT_EQ(all[0].uuid, U(100));
                EXPECT_EQ(all[0].action, ChangeAction::kAdd);
                EXPECT_EQ(all[0].time_micros, kT0 + 1'000'000);
                EXPECT_EQ(all[5].action, ChangeAction::kPublish);
                EXPECT_EQ(all[5].event_id, 42);
                auto page = *t.ReadChanges(all[1].seq, 2);
                EXPECT_EQ(page.size(), 2u);
                EXPECT_EQ(page[0].seq, all[2].seq);
                EXPECT_EQ(page[1].seq, all[3].seq);
                EXPECT_TRUE(t.ReadChanges(all.back().seq, 10)->empty());
                EXPECT_EQ(*t.LastChangeSeq(), last.seq);
                return Ok();
              }).ok());
}

TEST_F(SqliteStoreTest, AuditLogAndLibrary) {
  model::AuditEntry a;
  a.user_id = 1;
  a.org_id = 2;
  a.ip = "198.51.100.7";
  a.action = "login";
  a.model = "User";
  a.model_id = 1;
  a.model_uuid = U(1);
  a.title = "User logged in";
  a.change = "{}";
  model::AuditEntry b = a;
  b.created_micros = 123;  // kept when set
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.AppendAudit(a));
                BW_RETURN_IF_ERROR(t.AppendAudit(b));
                BW_RETURN_IF_ERROR(t.PutLibraryDocument({"taxonomy", "tlp", U(5), 1, R"({"namespace":"tlp"})"}));
                BW_RETURN_IF_ERROR(t.PutLibraryDocument({"taxonomy", "tlp", U(5), 2, R"({"namespace":"tlp","v":2})"}));
                BW_RETURN_IF_ERROR(t.PutLibraryDocument({"taxonomy", "PAP", U(6), 3, "{}"}));
                return t.PutLibraryDocument({"galaxy", "tlp", U(7), 1, "{}"});
              }).ok());
  EXPECT_EQ(a.created_micros, kT0);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                auto log = *t.ListAudit(0, 0);
                EXPECT_EQ(log.size(), 2u);
                EXPECT_EQ(log[0].created_micros, kT0);
                EXPECT_EQ(log[0].ip, "198.51.100.7");
                EXPECT_EQ(log[0].action, "login");
                EXPECT_EQ(log[0].model, "User");
                EXPECT_EQ(log[0].model_uuid, U(1));
                EXPECT_EQ(log[0].title, "User logged in");
                EXPECT_EQ(log[0].change, "{}");
                EXPECT_EQ(log[1].created_micros, 123);
                EXPECT_EQ(t.ListAudit(log[0].id, 10)->size(), 1u);
                std::vector<LibraryDocument> docs;
                EXPECT_TRUE(t.ScanLibrary("taxonomy", [&](const LibraryDocument& d) {
                               docs.push_back(d);
                               return true;
                             }).ok());
                EXPECT_EQ(docs.size(), 2u);
                EXPECT_EQ(docs[0].name, "PAP");
                EXPECT_EQ(docs[1].version, 2);
                EXPECT_EQ(docs[1].json, R"({"namespace":"tlp","v":2})");
                int seen = 0;
                EXPECT_TRUE(t.ScanLibrary("taxonomy", [&](const LibraryDocument&) { return ++seen < 1; }).ok());
                EXPECT_EQ(seen, 1);
                return Ok();
              }).ok());
}

TEST_F(SqliteStoreTest, ReopenKeepsEverything) {
  model::Organisation org = MakeOrg(U(1), "A");
  model::Event e = MakeEvent(U(2), "persisted");
  e.attributes.push_back(MakeAttribute(U(3), "domain", "evil.example"));
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                BW_RETURN_IF_ERROR(t.InsertOrganisation(org));
                return t.InsertEvent(e);
              }).ok());
  Open();
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_EQ((*t.GetOrganisation(org.id))->name, "A");
                auto loaded = *t.LoadEvent(e.id, {});
                EXPECT_TRUE(loaded.has_value());
                EXPECT_EQ(loaded->attributes.size(), 1u);
                EXPECT_EQ(loaded->attributes[0].value1, "evil.example");
                EXPECT_EQ(*t.LastChangeSeq(), 3);
                return Ok();
              }).ok());
  EXPECT_EQ(store_->SchemaVersion(), static_cast<int>(sqlite::SchemaMigrations().size()));
}

TEST_F(SqliteStoreTest, RefusesNewerSchemaAndLeavesItAlone) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version VALUES (99, 0)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  SqliteOptions options;
  options.path = path_;
  auto store = OpenSqliteStore(options, clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kInternal);
  const std::string expected = "schema version 99 is newer than this build supports (" +
                               std::to_string(sqlite::SchemaMigrations().size()) + ")";
  EXPECT_NE(store.error().message.find(expected), std::string::npos) << store.error().message;
}

TEST_F(SqliteStoreTest, MigrationsApplyInOrderAndAFailedOneRollsBack) {
  auto conn = sqlite::Connection::Open(dir_ + "/m.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_TRUE(conn.ok());
  std::vector<std::string_view> scripts = {"CREATE TABLE a (x INTEGER)", "CREATE TABLE b (y INTEGER)"};
  auto v = sqlite::ApplyMigrations(**conn, scripts, clock_);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, 2);
  EXPECT_EQ(*(*conn)->QueryInt("SELECT count(*) FROM schema_version"), 2);
  EXPECT_EQ(*(*conn)->QueryInt("SELECT applied_micros FROM schema_version WHERE version = 2"), kT0);
  // Version 3 creates a table and then fails: neither the table nor the version row may stay.
  scripts.push_back("CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1)");
  auto failed = sqlite::ApplyMigrations(**conn, scripts, clock_);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("schema migration to version 3 failed"), std::string::npos);
  EXPECT_EQ(*(*conn)->QueryInt("SELECT max(version) FROM schema_version"), 2);
  EXPECT_EQ(*(*conn)->QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'c'"), 0);
  // Re-running with the known scripts is a no-op.
  scripts.pop_back();
  EXPECT_EQ(*sqlite::ApplyMigrations(**conn, scripts, clock_), 2);
}

TEST_F(SqliteStoreTest, OpenFailsClearlyOnBadOptionsAndNonDatabaseFile) {
  SqliteOptions bad;
  EXPECT_EQ(OpenSqliteStore(bad, clock_).error().code, ErrorCode::kBadRequest);
  bad.path = dir_ + "/x.db";
  bad.reader_connections = 0;
  EXPECT_EQ(OpenSqliteStore(bad, clock_).error().field, "reader_connections");
  std::string junk = dir_ + "/junk.db";
  FILE* f = fopen(junk.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  fputs("this is not a sqlite database, just some text that is long enough to look like a header....", f);
  fclose(f);
  SqliteOptions options;
  options.path = junk;
  auto store = OpenSqliteStore(options, clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteStoreTest, NestedWriteIsAnErrorNotADeadlock) {
  Status inner = Ok();
  ASSERT_TRUE(W([&](WriteTxn&) {
                inner = store_->Write([](WriteTxn&) { return Ok(); });
                return Ok();
              }).ok());
  EXPECT_EQ(inner.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteStoreTest, ReadersSeeAConsistentSnapshotWhileWriting) {
  // Each write inserts two orgs; a reader must never see an odd count, within one Read or across its queries.
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> inconsistent{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        Status st = R([&](ReadTxn& t) -> Status {
          BW_ASSIGN_OR_RETURN(auto first, t.ListOrganisations());
          std::this_thread::yield();
          BW_ASSIGN_OR_RETURN(auto second, t.ListOrganisations());
          BW_ASSIGN_OR_RETURN(int64_t seq, t.LastChangeSeq());
          if (first.size() % 2 != 0 || first.size() != second.size() ||
              seq != static_cast<int64_t>(first.size())) {
            ++inconsistent;
          }
          return Ok();
        });
        if (!st.ok()) ++inconsistent;
        ++reads;
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    model::Organisation a = MakeOrg(U(1000 + 2 * i), "a" + std::to_string(i));
    model::Organisation b = MakeOrg(U(1001 + 2 * i), "b" + std::to_string(i));
    ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                  BW_RETURN_IF_ERROR(t.InsertOrganisation(a));
                  std::this_thread::yield();
                  return t.InsertOrganisation(b);
                }).ok());
  }
  // Let the readers observe the final state at least once before stopping.
  int target = reads.load() + 3;
  while (reads.load() < target) std::this_thread::yield();
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(reads.load(), 3);
}

TEST_F(SqliteStoreTest, ConcurrentWritersSerialise) {
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 25; ++i) {
        model::Organisation o = MakeOrg(U(5000 + w * 100 + i), "w" + std::to_string(w) + "-" + std::to_string(i));
        if (!W([&](WriteTxn& t) { return t.InsertOrganisation(o); }).ok()) ++failures;
      }
    });
  }
  for (auto& th : writers) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_EQ(t.ListOrganisations()->size(), 100u);
                EXPECT_EQ(*t.LastChangeSeq(), 100);
                return Ok();
              }).ok());
}

}  // namespace
}  // namespace bulwark::store::testing
