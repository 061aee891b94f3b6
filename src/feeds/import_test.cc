// The importers and the feed writer against a real hub on a temporary SQLite file.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/uuid.h"
#include "feeds/event_import.h"
#include "feeds/feed_state.h"
#include "feeds/feed_writer.h"
#include "feeds/freetext.h"
#include "feeds/misp_feed.h"
#include "feeds/stix_import.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::feeds {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

fs::path TestData() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') return env;
  return fs::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A hub with its operator on a fresh SQLite file.
struct TestHub {
  explicit TestHub(const fs::path& dir) {
    fs::create_directories(dir);
    store::SqliteOptions options;
    options.path = (dir / "hub.db").string();
    store = std::move(store::OpenSqliteStore(options, clock).value());
    hub = std::make_unique<hub::Hub>(*store, clock, hub::HubOptions{}, MakeNullLogger());
    EXPECT_TRUE(hub->EnsureDefaultRoles().ok());
    EXPECT_TRUE(hub->CreateSiteAdmin("Operator", "admin@op.test").ok());
    EXPECT_TRUE(store->Read([&](store::ReadTxn& txn) -> Status {
      auto u = txn.FindUserByEmail("admin@op.test");
      admin.user = *u.value();
      admin.org = *txn.GetOrganisation(admin.user.org_id).value();
      admin.role = *txn.GetRole(admin.user.role_id).value();
      return Ok();
    }).ok());
  }
  // (uuid, type, value) of every visible non-deleted attribute.
  std::set<std::tuple<std::string, std::string, std::string>> Attributes() {
    std::set<std::tuple<std::string, std::string, std::string>> out;
    hub::SearchRequest all;
    EXPECT_TRUE(hub->SearchAttributes(admin, all, [&](const store::AttributeRow& r) {
      out.emplace(r.attribute.uuid, r.attribute.type, r.attribute.Value());
      return true;
    }).ok());
    return out;
  }
  SystemClock clock;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<hub::Hub> hub;
  access::Principal admin;
};

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-feeds-test-" + NewUuidV4());
    a_ = std::make_unique<TestHub>(dir_ / "a");
  }
  void TearDown() override {
    a_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<TestHub> a_;
};

misp::EventInput Parse(const std::string& text) { return misp::ParseEvent(json::parse(text)).value(); }

TEST_F(ImportTest, BadAttributesAreDroppedAndAccounted) {
  EventImporter imp(*a_->hub, a_->admin);
  auto in = Parse(R"({"Event": {"uuid": "5a1b0c6e-0000-4000-8000-000000000001", "info": "mixed",
      "timestamp": "100", "Attribute": [
      {"uuid": "5a1b0c6e-0000-4000-8000-0000000000a1", "type": "ip-dst", "value": "198.51.100.7"},
      {"uuid": "5a1b0c6e-0000-4000-8000-0000000000a2", "type": "ip-dst", "value": "not-an-ip"},
      {"uuid": "5a1b0c6e-0000-4000-8000-0000000000a3", "type": "md5", "value": "xyz"},
      {"uuid": "5a1b0c6e-0000-4000-8000-0000000000a1", "type": "domain", "value": "example.org"},
      {"uuid": "5a1b0c6e-0000-4000-8000-0000000000a5", "type": "domain", "value": "example.org"}]}})");
  ASSERT_TRUE(imp.Import(in).ok());
  const ImportStats& s = imp.stats();
  EXPECT_EQ(s.events_added, 1u);
  EXPECT_EQ(s.attributes_offered, 5u);
  EXPECT_EQ(s.attributes_stored, 2u);
  EXPECT_EQ(s.attributes_rejected, 3u);
  ASSERT_EQ(s.rejections.size(), 3u);
  EXPECT_NE(s.rejections[0].item.find("not-an-ip"), std::string::npos);
  EXPECT_NE(s.rejections[0].reason.find("Attribute[1]"), std::string::npos);
  EXPECT_EQ(a_->Attributes().size(), 2u);

  // The same event again: unchanged. A newer copy with one more attribute: updated, one stored.
  EventImporter again(*a_->hub, a_->admin);
  ASSERT_TRUE(again.Import(in).ok());
  EXPECT_EQ(again.stats().events_unchanged, 1u);
  EXPECT_EQ(again.stats().attributes_stored, 0u);
  EXPECT_EQ(again.stats().attributes_unchanged, 3u);  // a1, its duplicate, a5
  EXPECT_EQ(again.stats().attributes_rejected, 2u);   // not held, tried again, refused again
  auto newer = Parse(R"({"Event": {"uuid": "5a1b0c6e-0000-4000-8000-000000000001", "info": "mixed v2",
      "timestamp": "200", "Attribute": [
      {"uuid": "5a1b0c6e-0000-4000-8000-0000000000a1", "type": "ip-dst", "value": "198.51.100.7", "timestamp": "100"},
      {"uuid": "5a1b0c6e-0000-4000-8000-0000000000a6", "type": "url", "value": "http://example.org/x"}]}})");
  ASSERT_TRUE(again.Import(newer).ok());
  EXPECT_EQ(again.stats().events_updated, 1u);
  EXPECT_EQ(again.stats().attributes_stored, 1u);
  EXPECT_EQ(again.stats().attributes_unchanged, 3u + 1u);
  EXPECT_EQ(a_->Attributes().size(), 3u);
}

// A feed event whose object links to something the event does not hold keeps the object and its other
// links: only the dangling reference is dropped (MISP drops those too), and the drop is reported.
TEST_F(ImportTest, DanglingObjectReferenceIsDroppedNotTheObject) {
  EventImporter imp(*a_->hub, a_->admin);
  auto in = Parse(R"({"Event": {"uuid": "5a1b0c6e-0000-4000-8000-000000000101", "info": "linked",
      "Attribute": [{"uuid": "5a1b0c6e-0000-4000-8000-0000000001a1", "type": "domain", "value": "phish.example"}],
      "Object": [{"uuid": "5a1b0c6e-0000-4000-8000-0000000001b1", "name": "domain-ip",
        "Attribute": [{"uuid": "5a1b0c6e-0000-4000-8000-0000000001a2", "type": "ip-dst",
                       "object_relation": "ip", "value": "203.0.113.5"}],
        "ObjectReference": [
          {"uuid": "5a1b0c6e-0000-4000-8000-0000000001c1", "referenced_uuid": "5a1b0c6e-0000-4000-8000-0000000001a1",
           "relationship_type": "resolves"},
          {"uuid": "5a1b0c6e-0000-4000-8000-0000000001c2", "referenced_uuid": "5a1b0c6e-0000-4000-8000-0000000009ff",
           "relationship_type": "related-to"}]}]}})");
  ASSERT_TRUE(imp.Import(in).ok());
  const ImportStats& s = imp.stats();
  EXPECT_EQ(s.events_added, 1u);
  EXPECT_EQ(s.objects_rejected, 0u);
  EXPECT_EQ(s.attributes_rejected, 0u);
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_NE(s.rejections[0].item.find("5a1b0c6e-0000-4000-8000-0000000001c2"), std::string::npos);
  auto viewed = a_->hub->ViewEvent(a_->admin, hub::EventRef{"5a1b0c6e-0000-4000-8000-000000000101"},
                                   store::DeletedFilter::kExclude);
  ASSERT_TRUE(viewed.ok()) << viewed.error().message;
  ASSERT_EQ(viewed->objects.size(), 1u);
  EXPECT_EQ(viewed->objects[0].attributes.size(), 1u);
  ASSERT_EQ(viewed->objects[0].references.size(), 1u);
  EXPECT_EQ(viewed->objects[0].references[0].uuid, "5a1b0c6e-0000-4000-8000-0000000001c1");
}

TEST_F(ImportTest, TweetFeedSubsetIsIncrementalAndVerifiedByHashes) {
  const fs::path feed = TestData() / "misp" / "feeds" / "tweetfeed";
  if (!fs::exists(feed / "manifest.json")) GTEST_SKIP() << "missing " << feed;
  // A feed of the three oldest events, one of which hashes.csv covers.
  auto manifest = ParseManifest(Slurp(feed / "manifest.json"));
  ASSERT_TRUE(manifest.ok());
  auto hashes = ParseHashesCsv(Slurp(feed / "hashes.csv"));
  ASSERT_TRUE(hashes.ok());
  const fs::path sub = dir_ / "feed";
  fs::create_directories(sub);
  json::object small_manifest;
  json::value full = json::parse(Slurp(feed / "manifest.json"));
  std::vector<std::string> picked;
  for (const auto& e : *manifest) {
    if (picked.size() < 2 || (picked.size() == 2 && hashes->count(e.uuid))) {
      picked.push_back(e.uuid);
      small_manifest[e.uuid] = full.as_object().at(e.uuid);
      fs::copy_file(feed / (e.uuid + ".json"), sub / (e.uuid + ".json"));
    }
    if (picked.size() == 3) break;
  }
  ASSERT_EQ(picked.size(), 3u);
  std::ofstream(sub / "manifest.json") << json::serialize(small_manifest);
  fs::copy_file(feed / "hashes.csv", sub / "hashes.csv");
  size_t expected = 0;
  for (const auto& u : picked) {
    expected += json::parse(Slurp(sub / (u + ".json"))).at("Event").at("Attribute").as_array().size();
  }

  FeedState state = LoadFeedState(dir_.string(), "misp-feed", "tweetfeed").value();
  MispFeedOptions opts;
  opts.save_state = [&](const FeedState& s) { return SaveFeedState(dir_.string(), s, 1); };
  auto r = ImportMispFeed(*a_->hub, a_->admin, FeedSource::Open(sub.string()), state, opts);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->fetched, 3u);
  EXPECT_EQ(r->hashes_checked, 1u);
  EXPECT_EQ(r->hash_mismatches, 0u);
  EXPECT_EQ(r->stats.events_added, 3u);
  EXPECT_EQ(r->stats.attributes_offered, expected);
  EXPECT_EQ(a_->Attributes().size() + r->stats.attributes_rejected, expected);

  // Second run, state reloaded from the file: nothing fetched.
  FeedState reloaded = LoadFeedState(dir_.string(), "misp-feed", "tweetfeed").value();
  EXPECT_EQ(reloaded.events.size(), 3u);
  auto again = ImportMispFeed(*a_->hub, a_->admin, FeedSource::Open(sub.string()), reloaded, opts);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->fetched, 0u);
  EXPECT_EQ(again->skipped_known, 3u);
}

TEST_F(ImportTest, ValueFeedAddsOnlyNewValues) {
  ValueFeedOptions o;
  o.name = "test-blocklist";
  auto first = ImportValueFeed(*a_->hub, a_->admin, "198.51.100.7\nexample.org\nexample.org\n??\n", o);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->attributes_offered, 4u);
  EXPECT_EQ(first->attributes_stored, 2u);
  EXPECT_EQ(first->attributes_unchanged, 1u);
  EXPECT_EQ(first->attributes_rejected, 1u);
  auto second = ImportValueFeed(*a_->hub, a_->admin, "198.51.100.7\nexample.org\nhxxp://evil[.]example.org/a\n", o);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->attributes_stored, 1u);
  EXPECT_EQ(second->attributes_unchanged, 2u);
  auto ev = a_->hub->ViewEvent(a_->admin, hub::EventRef{ValueFeedEventUuid("test-blocklist")}, store::DeletedFilter::kExclude);
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->attributes.size(), 3u);
  std::set<std::string> values;
  for (const auto& a : ev->attributes) values.insert(a.type + " " + a.Value());
  EXPECT_EQ(values, (std::set<std::string>{"ip-dst 198.51.100.7", "domain example.org", "url http://evil.example.org/a"}));
}

TEST_F(ImportTest, WrittenFeedImportsIntoAnotherHubIdentically) {
  const fs::path events = TestData() / "misp" / "events" / "pymisp";
  if (!fs::exists(events)) GTEST_SKIP() << "missing " << events;
  EventImporter imp(*a_->hub, a_->admin);
  for (const char* name : {"event_obj_attr_tag.json", "misp_event.json", "long_event.json"}) {
    auto doc = json::parse(Slurp(events / name));
    ASSERT_TRUE(ImportMispDocument(imp, doc).ok()) << name;
  }
  ASSERT_GE(imp.stats().events_added, 2u) << Summary(imp.stats()) << " "
                                          << (imp.stats().rejections.empty() ? "" : imp.stats().rejections[0].reason);
  const auto before = a_->Attributes();
  ASSERT_FALSE(before.empty());

  const fs::path out = dir_ / "written";
  auto w = WriteMispFeed(*a_->hub, a_->admin, hub::SearchRequest{}, out.string(), nullptr);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->events, imp.stats().events_added);
  EXPECT_EQ(w->attributes, before.size());
  EXPECT_TRUE(fs::exists(out / "manifest.json"));
  EXPECT_TRUE(fs::exists(out / "hashes.csv"));
  auto manifest = ParseManifest(Slurp(out / "manifest.json"));
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ(manifest->size(), w->events);

  TestHub b(dir_ / "b");
  FeedState state;
  state.kind = "misp-feed";
  state.key = out.string();
  auto r = ImportMispFeed(*b.hub, b.admin, FeedSource::Open(out.string()), state, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->hash_mismatches, 0u);
  EXPECT_EQ(r->hashes_checked, w->events);
  EXPECT_EQ(r->stats.attributes_rejected, 0u) << (r->stats.rejections.empty() ? "" : r->stats.rejections[0].reason);
  EXPECT_EQ(b.Attributes(), before);
}

TEST_F(ImportTest, StixBundleMapsIntoEvents) {
  const fs::path bundle = TestData() / "stix" / "oasis-examples";
  if (!fs::exists(bundle)) GTEST_SKIP() << "missing " << bundle;
  fs::path apt1;
  for (const auto& e : fs::directory_iterator(bundle)) {
    if (e.path().filename().string().find("apt1") != std::string::npos) apt1 = e.path();
  }
  if (apt1.empty()) GTEST_SKIP() << "no apt1 example";
  auto r = ImportStixFile(*a_->hub, a_->admin, apt1.string(), 0, nullptr);
  ASSERT_TRUE(r.ok()) << r.error().message;
  size_t unmapped = 0;
  for (const auto& [t, n] : r->unmapped) unmapped += n;
  EXPECT_EQ(r->objects_seen, r->objects_mapped + unmapped);
  EXPECT_GT(r->objects_seen, 0u);
  EXPECT_EQ(r->stats.events_added + r->stats.events_rejected, r->events);
  // Importing the same bundle again changes nothing, also when read ahead and imported in two steps (as
  // `bulwark import stix` does for its files).
  auto read = ReadStixFile(apt1.string(), 0, nullptr);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->report.objects_seen, r->objects_seen);
  EXPECT_EQ(read->report.objects_mapped, r->objects_mapped);
  EXPECT_EQ(read->report.events, r->events);
  auto twice = ImportMappedStixFile(*a_->hub, a_->admin, std::move(read).value(), nullptr);
  ASSERT_TRUE(twice.ok()) << twice.error().message;
  EXPECT_EQ(twice->objects_seen, r->objects_seen);
  EXPECT_EQ(twice->stats.attributes_offered, r->stats.attributes_offered);
  EXPECT_EQ(twice->stats.events_added, 0u);
  EXPECT_EQ(twice->stats.attributes_stored, 0u);
  EXPECT_EQ(ReadStixFile((bundle / "no-such-file.json").string(), 0, nullptr).error().code, ErrorCode::kNotFound);
  auto again = ImportStixFile(*a_->hub, a_->admin, apt1.string(), 0, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stats.events_added, 0u);
  EXPECT_EQ(again->stats.attributes_stored, 0u);
}

}  // namespace
}  // namespace bulwark::feeds
