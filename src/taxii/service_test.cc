// taxii::Service over a real SQLite store: access to collections, paging with cursors while writes happen,
// POST status resources, deletes, and materialised hub objects filtered by access control.
#include "taxii/service.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/stix_store.h"
#include "taxii/materialise.h"

namespace bulwark::taxii {
namespace {

namespace json = boost::json;
constexpr int64_t kT0 = 1'700'000'000'000'000;

access::Principal User(model::Id user_id, model::Id org_id, bool admin = false) {
  access::Principal p;
  p.user.id = user_id;
  p.user.org_id = org_id;
  p.org.id = org_id;
  p.role.permissions = static_cast<uint32_t>(model::Permission::kAdd) |
                       (admin ? static_cast<uint32_t>(model::Permission::kSiteAdmin) : 0u);
  return p;
}

std::string Indicator(int i, const std::string& modified = "2020-01-01T00:00:00.000Z") {
  char id[80];
  std::snprintf(id, sizeof id, "indicator--00000000-0000-4000-8000-%012d", i);
  return std::string("{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"") + id +
         "\",\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"" + modified +
         "\",\"pattern\":\"[ipv4-addr:value = '10.0.0." + std::to_string(i % 250) +
         "']\",\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\"}";
}

std::string Envelope(const std::vector<std::string>& objects) {
  std::string out = "{\"objects\":[";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? "," : "") + objects[i];
  return out + "]}";
}

json::object Parse(const std::string& s) { return json::parse(s).as_object(); }

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bw_taxii_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store::SqliteOptions o;
    o.path = dir_ + "/hub.db";
    o.durability = store::Durability::kNormal;
    auto s = store::OpenSqliteStore(o, clock_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    stix_ = store::NewSqliteStixStore(*store_, clock_);
    ServiceOptions so;
    so.max_page_size = 50;
    service_ = std::make_unique<Service>(*stix_, clock_, so);
    shared_.title = "Shared with org 1";
    shared_.read_orgs = {1};
    shared_.write_orgs = {1};
    ASSERT_TRUE(stix_->AddCollection(shared_).ok());
  }
  void TearDown() override {
    service_.reset();
    stix_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::string> Ids(const std::string& body) {
    std::vector<std::string> ids;
    auto o = Parse(body);
    if (auto* objs = o.if_contains("objects")) {
      for (const auto& v : objs->as_array()) ids.emplace_back(v.as_object().at("id").as_string());
    }
    return ids;
  }

  FakeClock clock_{kT0};
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::StixStore> stix_;
  std::unique_ptr<Service> service_;
  store::TaxiiCollection shared_;
};

TEST_F(ServiceTest, CollectionAccessPerOrg) {
  const auto org1 = User(10, 1);
  const auto org2 = User(20, 2);
  auto list1 = Parse(*service_->ListCollections(org1));
  ASSERT_EQ(list1.at("collections").as_array().size(), 2u);  // hub + shared
  auto list2 = Parse(*service_->ListCollections(org2));
  ASSERT_EQ(list2.at("collections").as_array().size(), 1u);  // hub only
  EXPECT_EQ(list2.at("collections").as_array()[0].as_object().at("can_write"), json::value(false));
  EXPECT_EQ(service_->GetCollection(org2, shared_.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->GetObjects(org2, shared_.id, {}).error().code, ErrorCode::kNotFound);
  auto c = Parse(*service_->GetCollection(org1, shared_.id));
  EXPECT_EQ(c.at("can_read"), json::value(true));
  EXPECT_EQ(c.at("can_write"), json::value(true));
  EXPECT_EQ(c.at("media_types").as_array()[0], json::value("application/stix+json;version=2.1"));
  // A read-only key cannot write even in its org's collection.
  auto ro = org1;
  ro.read_only = true;
  EXPECT_EQ(service_->AddObjects(ro, shared_.id, Envelope({Indicator(1)})).error().code, ErrorCode::kForbidden);
}

TEST_F(ServiceTest, AddObjectsReportsSuccessesDuplicatesAndValidationFailures) {
  const auto org1 = User(10, 1);
  std::string bad = Indicator(2);
  bad.replace(bad.find("\"pattern\":\"["), 12, "\"pattern\":\"(");  // unbalanced pattern
  auto st = service_->AddObjects(org1, shared_.id, Envelope({Indicator(1), Indicator(1), bad, "42"}));
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto s = Parse(*st);
  EXPECT_EQ(s.at("status"), json::value("complete"));
  EXPECT_EQ(s.at("total_count"), json::value(4));
  EXPECT_EQ(s.at("success_count"), json::value(2));
  EXPECT_EQ(s.at("failure_count"), json::value(2));
  EXPECT_EQ(s.at("pending_count"), json::value(0));
  EXPECT_EQ(s.at("successes").as_array()[1].as_object().at("message"),
            json::value("already in the collection (identical object)"));
  const auto& failures = s.at("failures").as_array();
  EXPECT_EQ(failures[0].as_object().at("id"), json::value("indicator--00000000-0000-4000-8000-000000000002"));
  EXPECT_NE(std::string(failures[0].as_object().at("message").as_string()).find("pattern"), std::string::npos);
  // The status resource is stored and readable by the poster, not by another org.
  const std::string id(s.at("id").as_string());
  EXPECT_EQ(*service_->GetStatus(org1, id), *st);
  EXPECT_EQ(service_->GetStatus(User(20, 2), id).error().code, ErrorCode::kNotFound);
  clock_.AdvanceSeconds(8 * 24 * 3600);  // past the retention
  EXPECT_EQ(service_->GetStatus(org1, id).error().code, ErrorCode::kNotFound);
  // Not an envelope: 422; not JSON: 400.
  EXPECT_EQ(service_->AddObjects(org1, shared_.id, "[1]").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(service_->AddObjects(org1, shared_.id, "{\"objects\":").error().code, ErrorCode::kBadRequest);
}

TEST_F(ServiceTest, PagingWithCursorsNeverSkipsOrRepeatsWhileWritesHappen) {
  const auto org1 = User(10, 1);
  std::vector<std::string> first;
  for (int i = 0; i < 25; ++i) first.push_back(Indicator(i));
  ASSERT_TRUE(service_->AddObjects(org1, shared_.id, Envelope(first)).ok());
  std::vector<std::string> seen;
  std::string next;
  int pages = 0;
  int written = 25;
  while (true) {
    QueryParams q = {{"limit", "10"}, {"match[type]", "indicator"}};
    if (!next.empty()) q.emplace_back("next", next);
    auto page = service_->GetObjects(org1, shared_.id, q);
    ASSERT_TRUE(page.ok()) << page.error().message;
    auto ids = Ids(page->body);
    seen.insert(seen.end(), ids.begin(), ids.end());
    auto o = Parse(page->body);
    ++pages;
    // A write between pages: 5 new objects land after the cursor and must be seen exactly once.
    if (pages <= 2) {
      std::vector<std::string> more;
      for (int i = 0; i < 5; ++i) more.push_back(Indicator(written++));
      ASSERT_TRUE(service_->AddObjects(org1, shared_.id, Envelope(more)).ok());
    }
    if (!o.at("more").as_bool()) break;
    next = std::string(o.at("next").as_string());
    ASSERT_LT(pages, 20);
  }
  EXPECT_EQ(seen.size(), 35u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 35u);
  // The cursor is bound to the filters: another type list is a 400.
  auto p1 = service_->GetObjects(org1, shared_.id, {{"limit", "10"}});
  const std::string c(Parse(p1->body).at("next").as_string());
  auto other = service_->GetObjects(org1, shared_.id, {{"next", c}, {"match[type]", "malware"}});
  EXPECT_EQ(other.error().code, ErrorCode::kBadRequest);
  // ...and to the caller.
  auto admin = service_->GetObjects(User(1, 99, true), shared_.id, {{"next", c}});
  EXPECT_EQ(admin.error().code, ErrorCode::kBadRequest);
  // The page size is capped by the server.
  auto big = service_->GetObjects(org1, shared_.id, {{"limit", "1000"}});
  EXPECT_EQ(Ids(big->body).size(), 35u);
  auto capped = service_->GetManifest(org1, shared_.id, {{"limit", "1000"}});
  EXPECT_EQ(Parse(capped->body).at("objects").as_array().size(), 35u);
}

TEST_F(ServiceTest, VersionsManifestAndObjectEndpoints) {
  const auto org1 = User(10, 1);
  ASSERT_TRUE(service_->AddObjects(org1, shared_.id,
                                   Envelope({Indicator(1, "2020-01-01T00:00:00.000Z"),
                                             Indicator(1, "2021-01-01T00:00:00.000Z"),
                                             Indicator(1, "2020-06-01T00:00:00.000Z")}))
                  .ok());
  const std::string id = "indicator--00000000-0000-4000-8000-000000000001";
  auto versions = Parse(service_->GetVersions(org1, shared_.id, id, {})->body);
  EXPECT_EQ(json::serialize(versions.at("versions")),
            "[\"2020-01-01T00:00:00.000Z\",\"2021-01-01T00:00:00.000Z\",\"2020-06-01T00:00:00.000Z\"]");
  auto last = service_->GetObject(org1, shared_.id, id, {});
  auto o = Parse(last->body);
  ASSERT_EQ(o.at("objects").as_array().size(), 1u);
  EXPECT_EQ(o.at("objects").as_array()[0].as_object().at("modified"), json::value("2021-01-01T00:00:00.000Z"));
  EXPECT_EQ(*last->first_added_micros, kT0 + 1);
  auto first = Parse(service_->GetObject(org1, shared_.id, id, {{"match[version]", "first"}})->body);
  EXPECT_EQ(first.at("objects").as_array()[0].as_object().at("modified"), json::value("2020-01-01T00:00:00.000Z"));
  auto manifest = Parse(service_->GetManifest(org1, shared_.id, {{"match[version]", "all"}})->body);
  const auto& rec = manifest.at("objects").as_array()[0].as_object();
  EXPECT_EQ(rec.at("date_added"), json::value("2023-11-14T22:13:20.000000Z"));
  EXPECT_EQ(rec.at("media_type"), json::value("application/stix+json;version=2.1"));
  EXPECT_EQ(service_->GetObject(org1, shared_.id, "indicator--00000000-0000-4000-8000-000000000009", {})
                .error()
                .code,
            ErrorCode::kNotFound);
  // Delete: org 2 cannot see the collection (404); delete of the first version, then of the rest.
  EXPECT_EQ(service_->DeleteObject(User(20, 2), shared_.id, id, {}).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(service_->DeleteObject(org1, shared_.id, id, {{"match[version]", "first"}}).ok());
  EXPECT_EQ(Parse(service_->GetVersions(org1, shared_.id, id, {})->body).at("versions").as_array().size(), 2u);
  ASSERT_TRUE(service_->DeleteObject(org1, shared_.id, id, {}).ok());
  EXPECT_EQ(service_->GetObject(org1, shared_.id, id, {}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->DeleteObject(org1, shared_.id, id, {}).error().code, ErrorCode::kNotFound);
}

TEST_F(ServiceTest, DeletePermissionTable) {
  store::TaxiiCollection read_only;
  read_only.title = "read only for org 1";
  read_only.read_orgs = {1};
  ASSERT_TRUE(stix_->AddCollection(read_only).ok());
  store::TaxiiCollection write_only;
  write_only.title = "write only for org 1";
  write_only.write_orgs = {1};
  ASSERT_TRUE(stix_->AddCollection(write_only).ok());
  const auto org1 = User(10, 1);
  const std::string id = "indicator--00000000-0000-4000-8000-000000000001";
  EXPECT_EQ(service_->DeleteObject(org1, read_only.id, id, {}).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->DeleteObject(org1, write_only.id, id, {}).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->GetObjects(org1, write_only.id, {}).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->AddObjects(org1, read_only.id, Envelope({})).error().code, ErrorCode::kForbidden);
}

// Test double standing in for the MISP -> STIX mapping: a report for the event and one indicator per to_ids
// attribute with an [ipv4-addr:value = '...'] pattern.
Result<std::vector<HubStixObject>> FakeEventToStix(const model::Event& e) {
  std::vector<HubStixObject> out;
  json::array refs;
  for (const auto& a : e.attributes) {
    if (!a.to_ids) continue;
    json::object ind;
    ind["type"] = "indicator";
    ind["spec_version"] = "2.1";
    ind["id"] = "indicator--" + a.uuid;
    ind["created"] = "2024-01-01T00:00:00.000Z";
    ind["modified"] = "2024-01-01T00:00:0" + std::to_string(a.timestamp % 10) + ".000Z";
    ind["pattern"] = "[ipv4-addr:value = '" + a.value1 + "']";
    ind["pattern_type"] = "stix";
    ind["valid_from"] = "2024-01-01T00:00:00Z";
    refs.emplace_back("indicator--" + a.uuid);
    out.push_back({std::move(ind), a.uuid, ""});
  }
  json::object report;
  report["type"] = "report";
  report["spec_version"] = "2.1";
  report["id"] = "report--" + e.uuid;
  report["created"] = "2024-01-01T00:00:00.000Z";
  report["modified"] = "2024-01-01T00:00:00.000Z";
  report["name"] = e.info;
  report["published"] = "2024-01-01T00:00:00Z";
  report["object_refs"] = refs;
  out.push_back({std::move(report), "", ""});
  return out;
}

model::Attribute Ip(const std::string& uuid, const std::string& value, model::Distribution d) {
  model::Attribute a;
  a.uuid = uuid;
  a.type = "ip-dst";
  a.value1 = value;
  a.to_ids = true;
  a.distribution = d;
  a.timestamp = 1;
  return a;
}

TEST_F(ServiceTest, MaterialisedHubObjectsFollowAccessControl) {
  model::Event community;
  community.id = 1;
  community.uuid = "11111111-1111-4111-8111-111111111111";
  community.org_id = 1;
  community.published = true;
  community.distribution = model::Distribution::kCommunity;
  community.attributes = {Ip("aaaaaaaa-1111-4111-8111-111111111111", "198.51.100.1", model::Distribution::kInherit),
                          Ip("aaaaaaaa-2222-4222-8222-222222222222", "198.51.100.2",
                             model::Distribution::kOrganisation)};
  model::Event org_only = community;
  org_only.id = 2;
  org_only.uuid = "22222222-2222-4222-8222-222222222222";
  org_only.distribution = model::Distribution::kOrganisation;
  org_only.attributes = {Ip("bbbbbbbb-1111-4111-8111-111111111111", "203.0.113.9", model::Distribution::kInherit)};
  auto s1 = MaterialiseEvent(*stix_, FakeEventToStix, community);
  ASSERT_TRUE(s1.ok()) << s1.error().message;
  EXPECT_EQ(s1->added, 3u);
  ASSERT_TRUE(MaterialiseEvent(*stix_, FakeEventToStix, org_only).ok());

  auto hub_id = [&] {
    auto all = *stix_->ListCollections();
    for (const auto& c : all) {
      if (c.kind == store::CollectionKind::kHub) return c.id;
    }
    return std::string();
  }();
  ASSERT_FALSE(hub_id.empty());
  auto ids = [&](const access::Principal& p) {
    auto page = service_->GetObjects(p, hub_id, {});
    EXPECT_TRUE(page.ok());
    return Ids(page->body);
  };
  // Org 1 owns both events and sees all 5 objects; org 2 sees the community report and its visible indicator.
  EXPECT_EQ(ids(User(10, 1)).size(), 5u);
  EXPECT_EQ(ids(User(20, 2)), (std::vector<std::string>{"indicator--aaaaaaaa-1111-4111-8111-111111111111",
                                                         "report--11111111-1111-4111-8111-111111111111"}));
  EXPECT_EQ(service_->GetObject(User(20, 2), hub_id, "report--22222222-2222-4222-8222-222222222222", {})
                .error()
                .code,
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->AddObjects(User(1, 1, true), hub_id, Envelope({})).error().code, ErrorCode::kForbidden);

  // Republishing unchanged stores nothing; a changed attribute gives a new indicator version; narrowing the
  // event hides every version from org 2.
  auto again = MaterialiseEvent(*stix_, FakeEventToStix, community);
  EXPECT_EQ(again->added, 0u);
  EXPECT_EQ(again->unchanged, 3u);
  community.attributes[0].timestamp = 2;
  community.attributes.pop_back();
  community.distribution = model::Distribution::kOrganisation;
  auto changed = MaterialiseEvent(*stix_, FakeEventToStix, community);
  EXPECT_EQ(changed->added, 2u);    // indicator v2, report (object_refs changed)
  EXPECT_EQ(changed->removed, 1u);  // the org-only attribute's indicator is gone
  EXPECT_TRUE(ids(User(20, 2)).empty());
  auto versions = service_->GetVersions(User(10, 1), hub_id, "indicator--aaaaaaaa-1111-4111-8111-111111111111", {});
  EXPECT_EQ(Parse(versions->body).at("versions").as_array().size(), 2u);
  // Unpublishing withdraws.
  community.published = false;
  ASSERT_TRUE(MaterialiseEvent(*stix_, FakeEventToStix, community).ok());
  EXPECT_EQ(ids(User(10, 1)).size(), 2u);  // what remains: the org-only event's indicator and report
}

}  // namespace
}  // namespace bulwark::taxii
