// Query filters of the SQLite store, one by one, over a small fixed data set; the query plans of the
// restSearch-style lookups; and the bulk insert rate (printed, never asserted).
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "store/sqlite/query_sql.h"
#include "store/sqlite/sqlite_test_util.h"

// Queries are written with designated initializers naming only the filters under test.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace bulwark::store::testing {
namespace {

using V = std::vector<std::string>;

// E1 (orgc 2, published, ts 100, 2024-01-01, tlp:amber): A1 ip-dst 192.0.2.1 [PAP:RED], A2 domain evil.example
//   (to_ids=0), A3 domain|ip evil.example|192.0.2.1 (deleted), object O1 "file": A4 md5, A5 filename.
// E2 (orgc 3, unpublished, ts 200, 2024-02-01, tlp:green): B1 ip-src 192.0.2.1, B2 url (to_ids=0).
// E3 (orgc 2, published, ts 300, 2024-03-01, no tags): C1 text hello.
class SqliteQueryTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    amber_ = MakeTag("tlp:amber");
    green_ = MakeTag("tlp:green");
    pap_ = MakeTag("PAP:RED");
    ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                  BW_RETURN_IF_ERROR(t.InsertTag(amber_));
                  BW_RETURN_IF_ERROR(t.InsertTag(green_));
                  return t.InsertTag(pap_);
                }).ok());
    auto attr = [](int64_t n, const char* type, const char* cat, const char* v1, int64_t ts, const char* v2 = "") {
      model::Attribute a = MakeAttribute(U(n), type, v1, v2);
      a.category = cat;
      a.timestamp = ts;
      return a;
    };
    e1_ = MakeEvent(U(1), "Phishing wave against ministry");
    e1_.orgc_id = 2;
    e1_.published = true;
    e1_.timestamp = 100;
    e1_.publish_timestamp = 150;
    e1_.date = "2024-01-01";
    e1_.tags = {{amber_, false}};
    e1_.attributes = {attr(11, "ip-dst", "Network activity", "192.0.2.1", 100),
                      attr(12, "domain", "Network activity", "evil.example", 110),
                      attr(13, "domain|ip", "Network activity", "evil.example", 120, "192.0.2.1")};
    e1_.attributes[0].tags = {{pap_, false}};
    e1_.attributes[1].to_ids = false;
    e1_.attributes[2].deleted = true;
    model::Object o;
    o.uuid = U(41);
    o.name = "file";
    o.attributes = {attr(14, "md5", "Payload delivery", "d41d8cd98f00b204e9800998ecf8427e", 130),
                    attr(15, "filename", "Payload delivery", "invoice.pdf", 130)};
    e1_.objects = {o};
    e2_ = MakeEvent(U(2), "DDoS on results site");
    e2_.orgc_id = 3;
    e2_.published = false;
    e2_.timestamp = 200;
    e2_.publish_timestamp = 0;
    e2_.date = "2024-02-01";
    e2_.tags = {{green_, false}};
    e2_.attributes = {attr(21, "ip-src", "Network activity", "192.0.2.1", 200),
                      attr(22, "url", "Network activity", "https://results.example/login", 210)};
    e2_.attributes[1].to_ids = false;
    e3_ = MakeEvent(U(3), "Disinformation burst");
    e3_.orgc_id = 2;
    e3_.published = true;
    e3_.timestamp = 300;
    e3_.publish_timestamp = 300;
    e3_.date = "2024-03-01";
    e3_.attributes = {attr(31, "text", "Other", "hello", 300)};
    ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                  BW_RETURN_IF_ERROR(t.InsertEvent(e1_));
                  BW_RETURN_IF_ERROR(t.InsertEvent(e2_));
                  return t.InsertEvent(e3_);
                }).ok());
  }

  V Attrs(const AttributeQuery& q) {
    V out;
    Status st = R([&](ReadTxn& t) {
      return t.ScanAttributes(q, [&](const AttributeRow& row) {
        out.push_back(row.attribute.uuid);
        return true;
      });
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
    return out;
  }
  V Events(const EventQuery& q) {
    V out;
    Status st = R([&](ReadTxn& t) {
      return t.ScanEvents(q, [&](const model::Event& e) {
        out.push_back(e.uuid);
        return true;
      });
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
    return out;
  }

  model::Tag amber_, green_, pap_;
  model::Event e1_, e2_, e3_;
};

TEST_F(SqliteQueryTest, AttributeFiltersOneByOne) {
  const V a1 = {U(11)};
  EXPECT_EQ(Attrs({}), (V{U(11), U(12), U(14), U(15), U(21), U(22), U(31)}));
  EXPECT_EQ(Attrs({.values = {"192.0.2.1"}}), (V{U(11), U(21)}));
  EXPECT_EQ(Attrs({.values = {"192.0.2.1"}, .deleted = DeletedFilter::kInclude}), (V{U(11), U(13), U(21)}));
  EXPECT_EQ(Attrs({.values = {"evil.example|192.0.2.1"}, .deleted = DeletedFilter::kInclude}), (V{U(13)}));
  EXPECT_EQ(Attrs({.values = {"hello", "invoice.pdf"}}), (V{U(15), U(31)}));
  EXPECT_EQ(Attrs({.values = {"nothing"}}), V{});
  EXPECT_EQ(Attrs({.value_likes = {"%EVIL%"}}), (V{U(12)}));
  EXPECT_EQ(Attrs({.value_likes = {"%.pdf", "https://%"}}), (V{U(15), U(22)}));
  EXPECT_EQ(Attrs({.types = {"domain", "text"}}), (V{U(12), U(31)}));
  EXPECT_EQ(Attrs({.categories = {"Payload delivery"}}), (V{U(14), U(15)}));
  EXPECT_EQ(Attrs({.ids = {e1_.attributes[1].id, e2_.attributes[1].id}}), (V{U(12), U(22)}));
  EXPECT_EQ(Attrs({.uuids = {U(22)}}), (V{U(22)}));
  EXPECT_EQ(Attrs({.event_ids = {e2_.id}}), (V{U(21), U(22)}));
  EXPECT_EQ(Attrs({.event_uuids = {U(3)}}), (V{U(31)}));
  EXPECT_EQ(Attrs({.orgc_ids = {3}}), (V{U(21), U(22)}));
  EXPECT_EQ(Attrs({.to_ids = false}), (V{U(12), U(22)}));
  EXPECT_EQ(Attrs({.published = false}), (V{U(21), U(22)}));
  EXPECT_EQ(Attrs({.published = true}), (V{U(11), U(12), U(14), U(15), U(31)}));
  EXPECT_EQ(Attrs({.deleted = DeletedFilter::kOnly}), (V{U(13)}));
  EXPECT_EQ(Attrs({.timestamp_from = 200}), (V{U(21), U(22), U(31)}));
  EXPECT_EQ(Attrs({.timestamp_to = 110}), (V{U(11), U(12)}));
  EXPECT_EQ(Attrs({.event_timestamp_from = 200, .event_timestamp_to = 200}), (V{U(21), U(22)}));
  EXPECT_EQ(Attrs({.publish_timestamp_from = 300}), (V{U(31)}));
  EXPECT_EQ(Attrs({.publish_timestamp_to = 150}), (V{U(11), U(12), U(14), U(15), U(21), U(22)}));
  EXPECT_EQ(Attrs({.date_from = "2024-02-01", .date_to = "2024-02-28"}), (V{U(21), U(22)}));
  EXPECT_EQ(Attrs({.object_scope = AttributeQuery::ObjectScope::kInsideObjects}), (V{U(14), U(15)}));
  EXPECT_EQ(Attrs({.object_scope = AttributeQuery::ObjectScope::kOutsideObjects}),
            (V{U(11), U(12), U(21), U(22), U(31)}));
  EXPECT_EQ(Attrs({.object_ids = {e1_.objects[0].id}}), (V{U(14), U(15)}));
  EXPECT_EQ(Attrs({.values = {"192.0.2.1"}, .types = {"ip-src"}}), (V{U(21)}));
  EXPECT_EQ(Attrs({.after_id = e1_.attributes[1].id, .limit = 2}), (V{U(14), U(15)}));
}

TEST_F(SqliteQueryTest, AttributeTagFiltersInheritEventTags) {
  EXPECT_EQ(Attrs({.tags = {.all_of = {amber_.id}}}), (V{U(11), U(12), U(14), U(15)}));
  EXPECT_EQ(Attrs({.tags = {.all_of = {amber_.id, pap_.id}}}), (V{U(11)}));
  EXPECT_EQ(Attrs({.tags = {.any_of = {pap_.id, green_.id}}}), (V{U(11), U(21), U(22)}));
  EXPECT_EQ(Attrs({.tags = {.none_of = {amber_.id}}}), (V{U(21), U(22), U(31)}));
  EXPECT_EQ(Attrs({.tags = {.none_of = {pap_.id}}}), (V{U(12), U(14), U(15), U(21), U(22), U(31)}));
  EXPECT_EQ(Attrs({.tags = {.all_of = {amber_.id}, .none_of = {pap_.id}}}), (V{U(12), U(14), U(15)}));
}

TEST_F(SqliteQueryTest, ScanRowsCarryEventObjectAndTagsAndStopEarly) {
  int rows = 0;
  ASSERT_TRUE(R([&](ReadTxn& t) {
                return t.ScanAttributes({}, [&](const AttributeRow& row) {
                  ++rows;
                  EXPECT_EQ(row.event.id, row.attribute.event_id);
                  EXPECT_TRUE(row.event.attributes.empty());
                  if (row.attribute.uuid == U(11)) {
                    EXPECT_EQ(row.event.info, "Phishing wave against ministry");
                    EXPECT_EQ(row.object, nullptr);
                    EXPECT_EQ(row.attribute.tags.size(), 1u);
                    EXPECT_EQ(row.attribute.tags[0].tag.name, "PAP:RED");
                  }
                  if (row.attribute.uuid == U(14)) {
                    EXPECT_NE(row.object, nullptr);
                    EXPECT_EQ(row.object->name, "file");
                    EXPECT_TRUE(row.object->attributes.empty());
                  }
                  return rows < 3;
                });
              }).ok());
  EXPECT_EQ(rows, 3);
  AttributeQuery no_tags;
  no_tags.load_tags = false;
  no_tags.uuids = {U(11)};
  ASSERT_TRUE(R([&](ReadTxn& t) {
                return t.ScanAttributes(no_tags, [&](const AttributeRow& row) {
                  EXPECT_TRUE(row.attribute.tags.empty());
                  return true;
                });
              }).ok());
}

TEST_F(SqliteQueryTest, EventFiltersOneByOne) {
  EXPECT_EQ(Events({}), (V{U(1), U(2), U(3)}));
  EXPECT_EQ(Events({.ids = {e2_.id}}), (V{U(2)}));
  EXPECT_EQ(Events({.uuids = {U(3), U(1)}}), (V{U(1), U(3)}));
  EXPECT_EQ(Events({.orgc_ids = {2}}), (V{U(1), U(3)}));
  EXPECT_EQ(Events({.published = false}), (V{U(2)}));
  EXPECT_EQ(Events({.timestamp_from = 150}), (V{U(2), U(3)}));
  EXPECT_EQ(Events({.timestamp_to = 200}), (V{U(1), U(2)}));
  EXPECT_EQ(Events({.publish_timestamp_from = 100, .publish_timestamp_to = 200}), (V{U(1)}));
  EXPECT_EQ(Events({.date_from = "2024-02-01"}), (V{U(2), U(3)}));
  EXPECT_EQ(Events({.date_to = "2024-02-01"}), (V{U(1), U(2)}));
  EXPECT_EQ(Events({.tags = {.all_of = {amber_.id}}}), (V{U(1)}));
  EXPECT_EQ(Events({.tags = {.any_of = {amber_.id, green_.id}}}), (V{U(1), U(2)}));
  EXPECT_EQ(Events({.tags = {.none_of = {amber_.id}}}), (V{U(2), U(3)}));
  EXPECT_EQ(Events({.info_like = "%ddos%"}), (V{U(2)}));
  EXPECT_EQ(Events({.attribute_values = {"192.0.2.1"}}), (V{U(1), U(2)}));
  EXPECT_EQ(Events({.attribute_values = {"evil.example|192.0.2.1"}}), V{});  // only on a deleted attribute
  EXPECT_EQ(Events({.attribute_values = {"hello"}}), (V{U(3)}));
  EXPECT_EQ(Events({.after_id = e1_.id, .limit = 1}), (V{U(2)}));
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_EQ(*t.CountEvents({.orgc_ids = {2}}), 2);
                EXPECT_EQ(*t.CountEvents({.limit = 1}), 3);
                EXPECT_EQ(*t.CountEvents({.attribute_values = {"192.0.2.1"}}), 2);
                // Scanned events carry their tags.
                return t.ScanEvents({.ids = {e1_.id}}, [&](const model::Event& e) {
                  EXPECT_EQ(e.tags.size(), 1u);
                  EXPECT_EQ(e.attribute_count, 4);
                  return true;
                });
              }).ok());
}

TEST_F(SqliteQueryTest, OversizedValueListIsRejected) {
  AttributeQuery q;
  q.values.assign(sqlite::kMaxListValues + 1, "x");
  Status st = R([&](ReadTxn& t) { return t.ScanAttributes(q, [](const AttributeRow&) { return true; }); });
  EXPECT_EQ(st.error().code, ErrorCode::kTooLarge);
}

// The plan SQLite picks for a query, one line per step.
std::string PlanOf(const std::string& db_path, const sqlite::Sql& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string text = "EXPLAIN QUERY PLAN " + sql.text;
  EXPECT_EQ(sqlite3_prepare_v2(db, text.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += "\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

// ScanAttributes merge-joins the tag links and reads each event and object header once per run of rows: every
// row must still carry exactly what the per-entity reads (GetAttribute, GetEvent, GetObject) give, for dense scans,
// sparse ones (the tag cursor steps over, then re-seeks past, other attributes' links), cursors and id lists.
TEST_F(SqliteStoreTest, ScanAttributesRowsMatchPerEntityReads) {
  std::vector<model::Tag> tags;
  for (int i = 0; i < 4; ++i) tags.push_back(MakeTag("scan:t" + std::to_string(i)));
  ASSERT_TRUE(W([&](WriteTxn& t) -> Status {
                for (auto& tag : tags) BW_RETURN_IF_ERROR(t.InsertTag(tag));
                return Ok();
              }).ok());
  for (int e = 0; e < 3; ++e) {
    model::Event ev = MakeEvent(U(1000 + e), "scan " + std::to_string(e));
    for (int i = 0; i < 120; ++i) {
      const int n = e * 1000 + i;
      // md5 rows carry many links (a sparse md5-less scan must step over them); ip-dst rows one tag or none.
      model::Attribute a = MakeAttribute(U(2000 + n), i % 4 == 0 ? "md5" : "ip-dst", "v" + std::to_string(n));
      if (i % 4 == 0) {
        for (int k = 3; k >= 0; --k) a.tags.push_back({tags[k], k == 2});
      } else if (i % 3 == 0) {
        a.tags.push_back({tags[i % 4], false});
      }
      a.deleted = i % 17 == 5;
      if (i % 10 < 3) {  // three consecutive attributes per object
        if (i % 10 == 0) {
          model::Object o;
          o.uuid = U(9000 + n);
          o.name = "obj" + std::to_string(n);
          o.meta_category = "network";
          ev.objects.push_back(o);
        }
        ev.objects.back().attributes.push_back(a);
      } else {
        ev.attributes.push_back(a);
      }
    }
    ASSERT_TRUE(W([&](WriteTxn& t) { return t.InsertEvent(ev); }).ok());
  }
  auto check = [&](const AttributeQuery& q, size_t expected_rows) {
    size_t rows = 0;
    Status st = R([&](ReadTxn& t) -> Status {
      Status inner = Ok();
      Id last = 0;
      Status scan = t.ScanAttributes(q, [&](const AttributeRow& row) {
        ++rows;
        EXPECT_GT(row.attribute.id, last);
        last = row.attribute.id;
        auto one = t.GetAttribute(row.attribute.id);
        auto event = t.GetEvent(row.attribute.event_id);
        if (!one.ok() || !*one || !event.ok() || !*event) {
          inner = MakeError(ErrorCode::kInternal, "per-entity read failed");
          return false;
        }
        EXPECT_EQ(row.attribute.uuid, (*one)->uuid);
        EXPECT_EQ(row.attribute.value1, (*one)->value1);
        EXPECT_EQ(row.attribute.deleted, (*one)->deleted);
        std::vector<std::pair<std::string, bool>> got, want;
        for (const auto& x : row.attribute.tags) got.emplace_back(x.tag.name, x.local);
        if (q.load_tags) {
          for (const auto& x : (*one)->tags) want.emplace_back(x.tag.name, x.local);
        }
        EXPECT_EQ(got, want) << row.attribute.uuid;
        EXPECT_EQ(row.event.id, row.attribute.event_id);
        EXPECT_EQ(row.event.uuid, (*event)->uuid);
        EXPECT_EQ(row.event.info, (*event)->info);
        if (row.attribute.object_id == 0) {
          EXPECT_EQ(row.object, nullptr);
        } else {
          auto object = t.GetObject(row.attribute.object_id);
          EXPECT_TRUE(object.ok() && *object);
          EXPECT_NE(row.object, nullptr);
          if (row.object != nullptr && object.ok() && *object) {
            EXPECT_EQ(row.object->id, row.attribute.object_id);
            EXPECT_EQ(row.object->uuid, (*object)->uuid);
            EXPECT_EQ(row.object->name, (*object)->name);
          }
        }
        return true;
      });
      BW_RETURN_IF_ERROR(scan);
      return inner;
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
    EXPECT_EQ(rows, expected_rows);
  };
  // 360 attributes; per event 7 deleted (i % 17 == 5: 5, 22, 39, 56, 73, 90, 107), one of them an md5 (56);
  // 30 md5 per event.
  check({}, 360 - 21);
  check({.deleted = DeletedFilter::kInclude}, 360);
  check({.types = {"ip-dst"}}, 270 - 18);
  check({.types = {"md5"}}, 90 - 3);
  check({.published = true}, 360 - 21);  // joins events for the condition
  check({.published = false}, 0);
  check({.load_tags = false}, 360 - 21);
  check({.after_id = 200, .limit = 50}, 50);
  std::vector<Id> ids;
  ASSERT_TRUE(R([&](ReadTxn& t) {
                return t.ScanAttributes({}, [&](const AttributeRow& row) {
                  if (row.attribute.id % 37 == 0 || row.attribute.id % 41 == 1) ids.push_back(row.attribute.id);
                  return true;
                });
              }).ok());
  ASSERT_FALSE(ids.empty());
  check({.ids = ids}, ids.size());
}

TEST_F(SqliteQueryTest, ValueAndUuidLookupsDriveFromCandidateIds) {
  // Values and UUIDs are resolved in memory (attribute_index.h); SQL then reads the candidates by rowid.
  const sqlite::AttributeCandidates candidates{.active = true, .ids = {1, 5, 9}};
  auto sql = sqlite::AttributeSelect({.values = {"192.0.2.1", "evil.example|192.0.2.1"},
                                      .types = {"ip-dst"},
                                      .orgc_ids = {2},
                                      .tags = {.all_of = {1}}},
                                     candidates);
  ASSERT_TRUE(sql.ok());
  std::string plan = PlanOf(path_, *sql);
  EXPECT_NE(plan.find("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN a\n"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("attributes_type"), std::string::npos) << plan;

  auto events = sqlite::EventSelect({.attribute_values = {"192.0.2.1"}}, candidates);
  ASSERT_TRUE(events.ok());
  plan = PlanOf(path_, *events);
  EXPECT_NE(plan.find("SEARCH av USING INTEGER PRIMARY KEY (rowid=?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN av"), std::string::npos) << plan;

  auto by_uuid = sqlite::AttributeSelect({.uuids = {U(11)}, .event_ids = {1}}, candidates);
  plan = PlanOf(path_, *by_uuid);
  EXPECT_NE(plan.find("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"), std::string::npos) << plan;
}

TEST_F(SqliteQueryTest, AttributeScanJoinsEventsOnlyForEventConditions) {
  // A plain scan reads the attributes table alone, by rowid range; event headers are read per run of rows.
  auto plain = sqlite::AttributeSelect({.after_id = 5, .limit = 5000}, {});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->text.find("events e"), std::string::npos) << plain->text;
  std::string plan = PlanOf(path_, *plain);
  EXPECT_NE(plan.find("SEARCH a USING INTEGER PRIMARY KEY (rowid>?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  // An event condition joins events (and still walks attributes in id order, without sorting).
  auto published = sqlite::AttributeSelect({.to_ids = true, .published = true, .after_id = 5}, {});
  ASSERT_TRUE(published.ok());
  EXPECT_NE(published->text.find("JOIN events e ON e.id = a.event_id"), std::string::npos) << published->text;
  EXPECT_EQ(Attrs({.to_ids = true, .published = true, .after_id = e1_.attributes[0].id}), (V{U(14), U(15), U(31)}));
}

int64_t ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// The value of the n-th bulk attribute: a distinct IPv4 address for any 16M consecutive n.
std::string IpFor(int64_t n) {
  return "10." + std::to_string((n >> 16) & 255) + "." + std::to_string((n >> 8) & 255) + "." +
         std::to_string(n & 255);
}

struct Rate {
  double wall;  // attributes per second of wall-clock time
  double cpu;   // attributes per second of this thread's CPU time (meaningful on a busy machine)
};

// Inserts `events` events of `per_event` attributes each, timing only the Write calls.
Rate BulkInsert(Store& store, int events, int per_event, int64_t first_uuid) {
  double wall_seconds = 0;
  int64_t cpu_micros = 0;
  for (int e = 0; e < events; ++e) {
    model::Event event = MakeEvent(U(first_uuid + e * (per_event + 1)), "bulk");
    event.attributes.reserve(per_event);
    for (int i = 0; i < per_event; ++i) {
      int64_t n = first_uuid + e * (per_event + 1) + i + 1;
      event.attributes.push_back(MakeAttribute(U(n), "ip-dst", IpFor(n)));
    }
    auto start = std::chrono::steady_clock::now();
    int64_t cpu_start = ThreadCpuMicros();
    Status st = store.Write([&](WriteTxn& t) { return t.InsertEvent(event); });
    cpu_micros += ThreadCpuMicros() - cpu_start;
    wall_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(st.ok()) << st.error().message;
  }
  const double attributes = events * static_cast<double>(per_event);
  return Rate{attributes / wall_seconds, attributes * 1e6 / static_cast<double>(cpu_micros)};
}

TEST_F(SqliteQueryTest, BulkInsertRateIsPrinted) {
  Rate rate = BulkInsert(*store_, 3, 10'000, 1'000'000);
  std::printf("[ rate     ] InsertEvent of 10,000-attribute events (synchronous=FULL): %.0f attributes/s wall, "
              "%.0f attributes/s of CPU\n",
              rate.wall, rate.cpu);
  ASSERT_TRUE(R([&](ReadTxn& t) -> Status {
                EXPECT_EQ(*t.CountEvents({}), 6);
                int64_t n = 0;
                EXPECT_TRUE(t.ScanAttributes({.values = {IpFor(1'000'001)}}, [&](const AttributeRow& row) {
                               ++n;
                               EXPECT_EQ(row.event.attribute_count, 10'000);
                               return true;
                             }).ok());
                EXPECT_EQ(n, 1);
                return Ok();
              }).ok());
}

// A million attributes, then exact-value lookups timed. Slow (about half a minute): runs only when
// BULWARK_STORE_BIG=1.
TEST_F(SqliteQueryTest, MillionAttributeLookupIsPrinted) {
  const char* big = std::getenv("BULWARK_STORE_BIG");
  if (big == nullptr || std::string(big) != "1") GTEST_SKIP() << "set BULWARK_STORE_BIG=1 to run";
  Rate rate = BulkInsert(*store_, 100, 10'000, 10'000'000);
  std::printf("[ rate     ] 1,000,000 attributes inserted at %.0f attributes/s wall, %.0f of CPU\n", rate.wall,
              rate.cpu);
  // The first and the last attribute inserted, and a value that is not there. The first Read also opens a
  // reader connection, so one warm-up read comes before the timed ones.
  ASSERT_TRUE(R([](ReadTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(int64_t seq, t.LastChangeSeq());
                return seq > 0 ? Ok() : MakeError(ErrorCode::kInternal, "empty change log");
              }).ok());
  for (const std::string& value : {IpFor(10'000'001), IpFor(10'000'000 + 99 * 10'001 + 10'000), std::string("x")}) {
    double best_us = 1e9;
    for (int round = 0; round < 3; ++round) {  // the first round also prepares the statement
      auto start = std::chrono::steady_clock::now();
      int64_t n = 0;
      Status st = R([&](ReadTxn& t) {
        return t.ScanAttributes({.values = {value}, .load_tags = false}, [&](const AttributeRow&) {
          ++n;
          return true;
        });
      });
      best_us = std::min(best_us,
                         std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
      EXPECT_TRUE(st.ok());
      EXPECT_EQ(n, value == "x" ? 0 : 1);
    }
    std::printf("[ lookup   ] value %s: best of 3 is %.1f us (whole Read, incl. BEGIN/COMMIT)\n", value.c_str(),
                best_us);
  }
}

}  // namespace
}  // namespace bulwark::store::testing
