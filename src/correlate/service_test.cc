#include "correlate/service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "common/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::correlate {
namespace {

using model::Distribution;
using Ids = std::set<Id>;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bw_correlate_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store::SqliteOptions options;
    options.path = dir_ + "/hub.db";
    options.durability = store::Durability::kNormal;
    auto s = store::OpenSqliteStore(options, clock_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    admin_.org.id = 1;
    admin_.user.org_id = 1;
    admin_.role.permissions = static_cast<uint32_t>(model::Permission::kSiteAdmin);
    org_a_.org.id = 1;
    org_a_.user.org_id = 1;
    org_b_.org.id = 2;
    org_b_.user.org_id = 2;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static model::Attribute Attr(const std::string& type, const std::string& v1, const std::string& v2 = "") {
    model::Attribute a;
    a.type = type;
    a.category = "Network activity";
    a.value1 = v1;
    a.value2 = v2;
    a.distribution = Distribution::kInherit;
    return a;
  }

  // Inserts an event of `org` with the attributes; returns it with ids set.
  model::Event AddEvent(Id org, std::vector<model::Attribute> attributes,
                        Distribution distribution = Distribution::kCommunity) {
    model::Event e;
    e.info = "event " + std::to_string(++events_);
    e.date = "2026-01-01";
    e.org_id = org;
    e.orgc_id = org;
    e.distribution = distribution;
    e.attributes = std::move(attributes);
    EXPECT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.InsertEvent(e); }).ok());
    return e;
  }

  Ids Related(CorrelationService& svc, const access::Principal& p, Id attribute_id) {
    auto r = svc.ForAttribute(p, attribute_id);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    Ids out;
    if (r.ok()) {
      for (const auto& ra : r->related) out.insert(ra.attribute_id);
    }
    return out;
  }

  FakeClock clock_{1'800'000'000'000'000};
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  access::Principal admin_, org_a_, org_b_;
  int events_ = 0;
};

TEST_F(ServiceTest, BuildFromStoreAndQueryShapes) {
  auto e1 = AddEvent(1, {Attr("ip-dst", "198.51.100.7"), Attr("domain", "evil.example")});
  auto e2 = AddEvent(1, {Attr("ip-src", "198.51.100.0/24"), Attr("url", "http://www.evil.example/a")});
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());
  EXPECT_EQ(svc.snapshot()->attribute_count(), 4u);
  auto r = svc.ForAttribute(admin_, e1.attributes[0].id);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->related.size(), 1u);
  const RelatedAttribute& ra = r->related[0];
  EXPECT_EQ(ra.attribute_id, e2.attributes[0].id);
  EXPECT_EQ(ra.id, e2.id);  // MISP's RelatedAttribute.id is the event
  EXPECT_EQ(ra.event_uuid, e2.uuid);
  EXPECT_EQ(ra.info, "event 2");
  EXPECT_EQ(ra.value, "198.51.100.0/24");
  EXPECT_EQ(ra.kind, LinkKind::kCidr);
  EXPECT_EQ(ra.via, "198.51.100.0/24");

  auto ev = svc.ForEvent(admin_, e1.id);
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->related_events.size(), 1u);
  EXPECT_EQ(ev->related_events[0].event.id, e2.id);
  EXPECT_EQ(ev->related_events[0].links, 2u);
  EXPECT_EQ(ev->attributes.size(), 2u);
  auto related = svc.RelatedEvents(admin_, e2.id);
  ASSERT_TRUE(related.ok());
  ASSERT_EQ(related->size(), 1u);
  EXPECT_EQ((*related)[0].event.id, e1.id);
  EXPECT_EQ(svc.ForEvent(admin_, 999).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(svc.ForAttribute(admin_, 999).error().code, ErrorCode::kNotFound);
}

// Updates become runs that the correlator's compactor merges on its own threads; a query swaps a finished merge
// in although nothing changed, and answers as before.
TEST_F(ServiceTest, FinishedMergesAreSwappedInByTheNextQuery) {
  auto e1 = AddEvent(1, {Attr("ip-dst", "203.0.113.7"), Attr("domain", "evil.example")});
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());
  auto e2 = AddEvent(1, {Attr("ip-src", "203.0.113.0/24")});
  ASSERT_TRUE(svc.NotifyChanged().ok());  // a run of one attribute: nothing to merge
  auto e3 = AddEvent(1, {Attr("hostname", "www.evil.example")});
  auto e4 = AddEvent(1, {Attr("ip-dst", "203.0.113.7")});
  ASSERT_TRUE(svc.NotifyChanged().ok());  // a run of two: the older (smaller) one is due to merge into it
  const Id ip = e1.attributes[0].id;
  const Id name = e1.attributes[1].id;
  const Ids ip_related{e2.attributes[0].id, e4.attributes[0].id};
  const Ids name_related{e3.attributes[0].id};
  std::shared_ptr<const Snapshot> before = svc.snapshot();
  ASSERT_EQ(before->run_count(), 2u);
  Ids in_before;  // from the snapshot itself: a query would swap a finished merge in already
  for (const Hit& h : before->Correlations(ip).hits) in_before.insert(h.attribute_id);
  EXPECT_EQ(in_before, ip_related);

  svc.correlator().WaitForMerges();
  ASSERT_TRUE(svc.correlator().merge_finished());
  EXPECT_EQ(Related(svc, admin_, ip), ip_related);  // the query swaps the merge in first
  EXPECT_EQ(Related(svc, admin_, name), name_related);
  EXPECT_FALSE(svc.correlator().merge_finished());
  std::shared_ptr<const Snapshot> after = svc.snapshot();
  EXPECT_EQ(after->run_count(), 1u);
  EXPECT_EQ(before->run_count(), 2u);
  EXPECT_EQ(after->seq(), before->seq());
  EXPECT_EQ(after->attribute_count(), 5u);
}

TEST_F(ServiceTest, IncrementalAddEditDeleteThroughTheStore) {
  auto e1 = AddEvent(1, {Attr("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709")});
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());
  Id a1 = e1.attributes[0].id;
  EXPECT_TRUE(Related(svc, admin_, a1).empty());
  auto e2 = AddEvent(1, {Attr("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709")});
  Id a2 = e2.attributes[0].id;
  ASSERT_TRUE(svc.NotifyChanged().ok());
  EXPECT_EQ(svc.correlator().stats().catch_ups, 1);
  EXPECT_LT(svc.correlator().stats().last_written_entries, 16u);
  EXPECT_EQ(Related(svc, admin_, a1), (Ids{a2}));

  // Edit: a2 gets another value.
  model::Attribute edited = e2.attributes[0];
  edited.value1 = "0000000000000000000000000000000000000000";
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.UpdateAttribute(edited); }).ok());
  EXPECT_TRUE(Related(svc, admin_, a1).empty());  // lazily caught up by the query

  // Add to an existing event, then soft delete, restore and hard delete it.
  model::Attribute a3 = Attr("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  a3.event_id = e2.id;
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.InsertAttribute(a3); }).ok());
  EXPECT_EQ(Related(svc, admin_, a1), (Ids{a3.id}));
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.SetAttributeDeleted(a3.id, true, 1); }).ok());
  EXPECT_TRUE(Related(svc, admin_, a1).empty());
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.SetAttributeDeleted(a3.id, false, 2); }).ok());
  EXPECT_EQ(Related(svc, admin_, a1), (Ids{a3.id}));
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.DeleteAttribute(a3.id); }).ok());
  EXPECT_TRUE(Related(svc, admin_, a1).empty());
  EXPECT_EQ(svc.snapshot()->Find(a3.id), nullptr);

  // Deleting a whole event.
  auto e3 = AddEvent(1, {Attr("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709")});
  EXPECT_EQ(Related(svc, admin_, a1), (Ids{e3.attributes[0].id}));
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.DeleteEvent(e3.id); }).ok());
  EXPECT_TRUE(Related(svc, admin_, a1).empty());

  // The incremental state equals a fresh build.
  CorrelationService fresh(*store_);
  ASSERT_TRUE(fresh.Start().ok());
  EXPECT_EQ(fresh.snapshot()->attribute_count(), svc.snapshot()->attribute_count());
  EXPECT_EQ(fresh.snapshot()->key_count(), svc.snapshot()->key_count());
}

int64_t LastSeq(store::Store& store) {
  int64_t seq = -1;
  EXPECT_TRUE(store.Read([&](store::ReadTxn& t) -> Status {
                BW_ASSIGN_OR_RETURN(seq, t.LastChangeSeq());
                return Ok();
              }).ok());
  return seq;
}

// What the write path offers replaces re-reading the store: a new event whole, attributes added to an event.
TEST_F(ServiceTest, OfferedWritesAreAppliedWithoutReadingTheStore) {
  auto e1 = AddEvent(1, {Attr("domain", "offer.example"), Attr("ip-dst", "203.0.113.9")});
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());

  model::Object object;
  object.name = "domain-ip";
  object.attributes = {Attr("ip-dst", "203.0.113.0/24")};
  model::Event e2;
  e2.info = "offered";
  e2.date = "2026-01-01";
  e2.org_id = e2.orgc_id = 1;
  e2.attributes = {Attr("url", "https://www.offer.example/login")};
  e2.objects = {object};
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.InsertEvent(e2); }).ok());
  svc.Offer(WrittenStateOf(LastSeq(*store_), e2, e2.attributes, &e2.objects, true));
  ASSERT_TRUE(svc.NotifyChanged().ok());
  EXPECT_EQ(svc.correlator().stats().rows_read, 0);
  EXPECT_EQ(svc.correlator().stats().offered_rows_used, 2);
  EXPECT_EQ(Related(svc, admin_, e1.attributes[0].id), (Ids{e2.attributes[0].id}));
  EXPECT_EQ(Related(svc, admin_, e1.attributes[1].id), (Ids{e2.objects[0].attributes[0].id}));

  // attributes/add: attributes added to an existing event, with the event header touched.
  std::vector<model::Attribute> added = {Attr("domain", "mail.offer.example"), Attr("ip-src", "203.0.113.9")};
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) -> Status {
                for (auto& a : added) a.event_id = e2.id;
                BW_RETURN_IF_ERROR(t.InsertAttributes(added));
                return t.UpdateEventHeader(e2, model::ChangeAction::kEdit);
              }).ok());
  svc.Offer(WrittenStateOf(LastSeq(*store_), e2, added, nullptr, false));
  ASSERT_TRUE(svc.NotifyChanged().ok());
  EXPECT_EQ(svc.correlator().stats().rows_read, 0);
  EXPECT_EQ(svc.correlator().stats().offered_rows_used, 4);
  EXPECT_EQ(Related(svc, admin_, e1.attributes[0].id), (Ids{e2.attributes[0].id, added[0].id}));
  EXPECT_EQ(Related(svc, admin_, e1.attributes[1].id), (Ids{e2.objects[0].attributes[0].id, added[1].id}));

  // The state equals a fresh build's.
  CorrelationService fresh(*store_);
  ASSERT_TRUE(fresh.Start().ok());
  EXPECT_EQ(fresh.snapshot()->attribute_count(), svc.snapshot()->attribute_count());
  EXPECT_EQ(fresh.snapshot()->key_count(), svc.snapshot()->key_count());
}

// An offer older than a change read for the same attribute or event is not used: the store is read instead.
TEST_F(ServiceTest, AnOfferOlderThanTheChangesReadIsNotUsed) {
  auto e1 = AddEvent(1, {Attr("domain", "stale.example"), Attr("domain", "fresh.example")});
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());

  // An attribute added (offered at its write), then edited by another write that offers nothing.
  model::Event e2 = AddEvent(1, {Attr("domain", "placeholder.example")});
  ASSERT_TRUE(svc.NotifyChanged().ok());
  std::vector<model::Attribute> added = {Attr("domain", "stale.example")};
  added[0].event_id = e2.id;
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.InsertAttributes(added); }).ok());
  svc.Offer(WrittenStateOf(LastSeq(*store_), e2, added, nullptr, false));
  model::Attribute edited = added[0];
  edited.value1 = "fresh.example";
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.UpdateAttribute(edited); }).ok());
  const int64_t rows_before = svc.correlator().stats().rows_read;
  ASSERT_TRUE(svc.NotifyChanged().ok());
  EXPECT_EQ(svc.correlator().stats().rows_read, rows_before + 1);
  EXPECT_TRUE(Related(svc, admin_, e1.attributes[0].id).empty());
  EXPECT_EQ(Related(svc, admin_, e1.attributes[1].id), (Ids{added[0].id}));

  // A whole new event offered, then its correlation disabled by a later write: the event is read back.
  model::Event e3 = AddEvent(1, {Attr("domain", "stale.example")});
  svc.Offer(WrittenStateOf(LastSeq(*store_), e3, e3.attributes, &e3.objects, true));
  e3.disable_correlation = true;
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) {
                return t.UpdateEventHeader(e3, model::ChangeAction::kEdit);
              }).ok());
  ASSERT_TRUE(svc.NotifyChanged().ok());
  EXPECT_TRUE(Related(svc, admin_, e1.attributes[0].id).empty());

  CorrelationService fresh(*store_);
  ASSERT_TRUE(fresh.Start().ok());
  EXPECT_EQ(fresh.snapshot()->attribute_count(), svc.snapshot()->attribute_count());
  EXPECT_EQ(fresh.snapshot()->key_count(), svc.snapshot()->key_count());
}

TEST_F(ServiceTest, DisableCorrelationOnAttributeAndEvent) {
  auto e1 = AddEvent(1, {Attr("domain", "bad.example")});
  model::Attribute off = Attr("domain", "bad.example");
  off.disable_correlation = true;
  auto e2 = AddEvent(1, {off});
  auto e3 = AddEvent(1, {Attr("domain", "bad.example")});
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());
  Id a1 = e1.attributes[0].id;
  EXPECT_EQ(Related(svc, admin_, a1), (Ids{e3.attributes[0].id}));
  EXPECT_EQ(svc.snapshot()->Find(e2.attributes[0].id), nullptr);
  // The event's switch: its attributes leave the index, and come back when it is cleared.
  model::Event header = e3;
  header.attributes.clear();
  header.disable_correlation = true;
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.UpdateEventHeader(header, model::ChangeAction::kEdit); }).ok());
  EXPECT_TRUE(Related(svc, admin_, a1).empty());
  header.disable_correlation = false;
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.UpdateEventHeader(header, model::ChangeAction::kEdit); }).ok());
  EXPECT_EQ(Related(svc, admin_, a1), (Ids{e3.attributes[0].id}));
}

TEST_F(ServiceTest, AccessOrgOnlyNeverShownToAnotherOrg) {
  // Org 1 shares an event with the community but keeps one attribute to itself; org 2 has the same values.
  model::Attribute secret = Attr("ip-dst", "203.0.113.9");
  secret.distribution = Distribution::kOrganisation;
  auto mine = AddEvent(1, {secret, Attr("ip-dst", "203.0.113.10")});
  auto mine_private = AddEvent(1, {Attr("ip-dst", "203.0.113.10")}, Distribution::kOrganisation);
  auto theirs = AddEvent(2, {Attr("ip-dst", "203.0.113.9"), Attr("ip-dst", "203.0.113.10")});
  CorrelationService svc(*store_);
  Id their9 = theirs.attributes[0].id;
  Id their10 = theirs.attributes[1].id;
  // Org 2 sees nothing of org 1's secret attribute, nor of its private event.
  EXPECT_TRUE(Related(svc, org_b_, their9).empty());
  EXPECT_EQ(Related(svc, org_b_, their10), (Ids{mine.attributes[1].id}));
  // Org 1 and the site admin see all.
  EXPECT_EQ(Related(svc, org_a_, their9), (Ids{mine.attributes[0].id}));
  EXPECT_EQ(Related(svc, admin_, their10), (Ids{mine.attributes[1].id, mine_private.attributes[0].id}));
  // Querying the hidden attribute or event itself is "not found" for org 2.
  EXPECT_EQ(svc.ForAttribute(org_b_, mine.attributes[0].id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(svc.ForEvent(org_b_, mine_private.id).error().code, ErrorCode::kNotFound);
  auto ev = svc.ForEvent(org_b_, theirs.id);
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->related_events.size(), 1u);
  EXPECT_EQ(ev->related_events[0].event.id, mine.id);
  // Top values: org 2 counts only what it can see.
  auto top_b = svc.Top(org_b_, 10);
  auto top_admin = svc.Top(admin_, 10);
  ASSERT_TRUE(top_b.ok() && top_admin.ok());
  ASSERT_EQ(top_admin->size(), 2u);
  EXPECT_EQ((*top_admin)[0].value, "203.0.113.10");
  EXPECT_EQ((*top_admin)[0].attributes, 3u);
  ASSERT_EQ(top_b->size(), 1u);
  EXPECT_EQ((*top_b)[0].value, "203.0.113.10");
  EXPECT_EQ((*top_b)[0].attributes, 2u);
}

TEST_F(ServiceTest, FollowerCatchesUpWhenPoked) {
  auto e1 = AddEvent(1, {Attr("ip-dst", "192.0.2.1")});
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());
  svc.StartFollower(std::chrono::hours(1));  // only a poke wakes it
  int64_t before = svc.snapshot()->seq();
  auto e2 = AddEvent(1, {Attr("ip-dst", "192.0.2.1")});
  svc.Poke();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (svc.snapshot()->seq() == before && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  auto snap = svc.snapshot();
  ASSERT_GT(snap->seq(), before);
  auto hits = snap->Correlations(e1.attributes[0].id).hits;
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].attribute_id, e2.attributes[0].id);
  EXPECT_EQ(svc.follower_errors(), 0);
}

// Readers run on held snapshots while the writer publishes: each snapshot stays self-consistent.
// A stream of pokes is served in batches: at most one catch-up per kFollowerCoalesce, and the last write is
// reflected in the end.
TEST_F(ServiceTest, FollowerCoalescesAStreamOfPokes) {
  auto e1 = AddEvent(1, {Attr("ip-dst", "192.0.2.77")});
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());
  svc.StartFollower(std::chrono::hours(1));  // only a poke wakes it
  const int64_t catch_ups_before = svc.correlator().stats().catch_ups;
  constexpr int kWrites = 15;  // under the over-correlation limit (20), so that every link is listed
  const auto start = std::chrono::steady_clock::now();
  model::Event last;
  for (int i = 0; i < kWrites; ++i) {
    last = AddEvent(1, {Attr("ip-dst", "192.0.2.77")});
    svc.Poke();
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const int64_t last_seq = [&] {
    int64_t seq = 0;
    EXPECT_TRUE(store_->Read([&](store::ReadTxn& t) -> Status {
                  BW_ASSIGN_OR_RETURN(seq, t.LastChangeSeq());
                  return Ok();
                }).ok());
    return seq;
  }();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (svc.snapshot()->seq() < last_seq && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(svc.snapshot()->seq(), last_seq);
  EXPECT_EQ(svc.snapshot()->Correlations(e1.attributes[0].id).hits.size(), static_cast<size_t>(kWrites));
  // One catch-up at once, then at most one per window while the pokes lasted, plus the one after the last.
  const int64_t bound = 2 + elapsed / CorrelationService::kFollowerCoalesce;
  const int64_t catch_ups = svc.correlator().stats().catch_ups - catch_ups_before;
  EXPECT_LE(catch_ups, bound) << "over " << std::chrono::duration<double>(elapsed).count() << " s";
  EXPECT_GE(catch_ups, 1);
  EXPECT_EQ(svc.follower_errors(), 0);
}

TEST_F(ServiceTest, ConcurrentReadersSeeConsistentSnapshots) {
  CorrelationService svc(*store_);
  ASSERT_TRUE(svc.Start().ok());
  std::atomic<bool> done{false};
  std::atomic<int> inconsistent{0};
  std::atomic<int64_t> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto snap = svc.snapshot();
      // Every event holds one attribute; all share one value, so each correlates with all the others.
      size_t n = snap->attribute_count();
      for (Id id = 1; id <= static_cast<Id>(n); ++id) {
        if (snap->Find(id) == nullptr) continue;
        if (snap->Correlations(id).hits.size() != n - 1) ++inconsistent;
      }
      ++reads;
    }
  });
  // The reader runs before the writes start (on a loaded machine it may otherwise not be scheduled in time).
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       reads.load() == 0 && std::chrono::steady_clock::now() < until;) {
    std::this_thread::yield();
  }
  for (int i = 0; i < 15; ++i) {
    AddEvent(1, {Attr("md5", "d41d8cd98f00b204e9800998ecf8427e")});
    ASSERT_TRUE(svc.NotifyChanged().ok());
  }
  done.store(true);
  reader.join();
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(svc.snapshot()->attribute_count(), 15u);
}

}  // namespace
}  // namespace bulwark::correlate
