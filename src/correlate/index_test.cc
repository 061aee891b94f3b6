#include "correlate/index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <tuple>

namespace bulwark::correlate {
namespace {

class IndexTest : public ::testing::Test {
 protected:
  // Adds attribute `id` of event `event` to the pending editor.
  void Add(Id id, Id event, const std::string& type, const std::string& v1, const std::string& v2 = "") {
    model::Attribute a;
    a.id = id;
    a.type = type;
    a.value1 = v1;
    a.value2 = v2;
    Editor().Upsert(id, event, ExtractFacets(a, options_->exclusions));
  }
  SnapshotEditor& Editor() {
    if (!editor_) editor_ = std::make_unique<SnapshotEditor>(snap_, options_);
    return *editor_;
  }
  const Snapshot& Snap() {
    if (editor_) {
      snap_ = editor_->Publish(++seq_);
      editor_.reset();
    }
    return *snap_;
  }
  std::set<Id> Related(Id id) {
    std::set<Id> out;
    for (const Hit& h : Snap().Correlations(id).hits) out.insert(h.attribute_id);
    return out;
  }
  LinkKind KindOf(Id id, Id other) {
    for (const Hit& h : Snap().Correlations(id).hits) {
      if (h.attribute_id == other) return h.kind;
    }
    ADD_FAILURE() << other << " not related to " << id;
    return LinkKind::kEqual;
  }

  std::shared_ptr<Options> options_ = std::make_shared<Options>();
  std::shared_ptr<const Snapshot> snap_;
  std::unique_ptr<SnapshotEditor> editor_;
  int64_t seq_ = 0;
};

using Ids = std::set<Id>;

TEST_F(IndexTest, EqualValuesAcrossTypesNotWithinAnEvent) {
  Add(1, 10, "ip-dst", "1.2.3.4");
  Add(2, 20, "ip-src", "1.2.3.4");
  Add(3, 10, "ip-src", "1.2.3.4");  // same event as 1: never correlated with 1
  Add(4, 30, "ip-dst", "1.2.3.5");
  EXPECT_EQ(Related(1), (Ids{2}));
  EXPECT_EQ(Related(2), (Ids{1, 3}));
  EXPECT_EQ(KindOf(2, 1), LinkKind::kEqual);
  EXPECT_TRUE(Related(4).empty());
}

TEST_F(IndexTest, CompositeHalves) {
  Add(1, 10, "domain|ip", "evil.com", "1.2.3.4");
  Add(2, 20, "ip-dst", "1.2.3.4");
  Add(3, 30, "domain", "evil.com");
  Add(4, 40, "filename|md5", "drop.exe", "0123456789abcdef0123456789abcdef");
  Add(5, 50, "md5", "0123456789abcdef0123456789abcdef");
  Add(6, 60, "filename", "drop.exe");
  Add(7, 70, "ip-dst|port", "9.9.9.9", "443");
  Add(8, 80, "ip-src|port", "8.8.8.8", "443");  // the port half never correlates
  EXPECT_EQ(Related(1), (Ids{2, 3}));
  EXPECT_EQ(Related(4), (Ids{5, 6}));
  EXPECT_TRUE(Related(7).empty());
  EXPECT_TRUE(Related(8).empty());
}

TEST_F(IndexTest, CidrContainmentBothWaysIpv4) {
  Add(1, 10, "ip-src", "10.1.0.0/16");
  Add(2, 20, "ip-dst", "10.1.2.3");
  Add(3, 30, "ip-dst|port", "10.1.200.1", "80");
  Add(4, 40, "ip-dst", "10.2.0.1");       // outside
  Add(5, 50, "ip-src", "10.0.0.0/8");     // contains the /16: CIDRs do not correlate with CIDRs
  Add(6, 60, "domain|ip", "x.example.org", "10.1.9.9");
  EXPECT_EQ(Related(1), (Ids{2, 3, 6}));
  EXPECT_EQ(Related(2), (Ids{1, 5}));
  EXPECT_EQ(KindOf(2, 1), LinkKind::kCidr);
  EXPECT_EQ(Related(4), (Ids{5}));
  EXPECT_EQ(Related(5), (Ids{2, 3, 4, 6}));
  auto hits = Snap().Correlations(2).hits;
  auto it = std::find_if(hits.begin(), hits.end(), [](const Hit& h) { return h.attribute_id == 1; });
  ASSERT_NE(it, hits.end());
  EXPECT_EQ(it->via, "10.1.0.0/16");
  // Host bits in a CIDR value are cleared for containment (MISP keeps "10.1.2.3/8" as written).
  Add(7, 70, "ip-src", "10.1.2.3/24");
  EXPECT_EQ(Related(7), (Ids{2}));
  // A wide prefix spanning many /16 buckets.
  Add(8, 80, "ip-dst", "0.0.0.0/1");
  EXPECT_EQ(Related(8), (Ids{2, 3, 4, 6}));
}

TEST_F(IndexTest, CidrContainmentBothWaysIpv6) {
  Add(1, 10, "ip-src", "2001:db8::/32");
  Add(2, 20, "ip-dst", "2001:db8:1::5");
  Add(3, 30, "ip-dst", "2001:db9::1");
  Add(4, 40, "ip-dst", "::/0");  // wider than a bucket scan: every IPv6 address
  Add(5, 50, "ip-dst", "10.0.0.1");
  EXPECT_EQ(Related(1), (Ids{2}));
  EXPECT_EQ(Related(2), (Ids{1, 4}));
  EXPECT_EQ(Related(3), (Ids{4}));
  EXPECT_EQ(Related(4), (Ids{2, 3}));
  EXPECT_TRUE(Related(5).empty());  // families never mix
}

TEST_F(IndexTest, SubdomainsAndUrlHosts) {
  Add(1, 10, "domain", "evil.com");
  Add(2, 20, "hostname", "a.b.evil.com");
  Add(3, 30, "url", "https://b.evil.com/login");
  Add(4, 40, "url", "http://evil.com/x");
  Add(5, 50, "hostname", "c.evil.com");     // sibling of a.b.evil.com
  Add(6, 60, "url", "http://notevil.com/");
  Add(7, 70, "hostname|port", "b.evil.com", "8080");
  EXPECT_EQ(Related(1), (Ids{2, 3, 4, 5, 7}));
  EXPECT_EQ(KindOf(1, 2), LinkKind::kDomain);
  EXPECT_EQ(KindOf(1, 3), LinkKind::kUrlHost);
  EXPECT_EQ(Related(2), (Ids{1, 7}));       // parents evil.com and b.evil.com; not its sibling
  EXPECT_EQ(Related(3), (Ids{1, 7}));       // the URL's host b.evil.com and its parent; not other URLs
  EXPECT_EQ(Related(4), (Ids{1}));
  EXPECT_EQ(Related(5), (Ids{1}));
  EXPECT_TRUE(Related(6).empty());
  EXPECT_EQ(Related(7), (Ids{1, 2, 3}));
}

TEST_F(IndexTest, UrlNormalisationMakesEqual) {
  Add(1, 10, "url", "HTTP://Evil.COM:80/%7Ea");
  Add(2, 20, "url", "http://evil.com./~a");
  Add(3, 30, "url", "http://evil.com/~A");  // paths are case-sensitive
  EXPECT_EQ(Related(1), (Ids{2}));
}

TEST_F(IndexTest, HashesAndEmails) {
  std::string sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  Add(1, 10, "sha256", sha);
  Add(2, 20, "filename|sha256", "x.bin", sha);
  Add(3, 30, "email-src", "Phish@Evil.com");
  Add(4, 40, "email-dst", "phish@evil.com");
  Add(5, 50, "email", "other@evil.com");
  EXPECT_EQ(Related(1), (Ids{2}));
  EXPECT_EQ(Related(3), (Ids{4}));
}

TEST_F(IndexTest, NeverCorrelatingTypes) {
  Add(1, 10, "comment", "shared words");
  Add(2, 20, "comment", "shared words");
  Add(3, 30, "port", "443");
  Add(4, 40, "port", "443");
  Add(5, 50, "counter", "7");
  Add(6, 60, "counter", "7");
  EXPECT_EQ(Snap().Find(1), nullptr);
  EXPECT_EQ(Snap().attribute_count(), 0u);
  // A correlating type with the same text does not see them either.
  Add(7, 70, "text", "shared words");
  Add(8, 80, "text", "shared words");
  EXPECT_EQ(Related(7), (Ids{8}));
}

TEST_F(IndexTest, OverCorrelationAtLimit) {
  options_->correlation_limit = 3;
  for (Id i = 1; i <= 3; ++i) Add(i, i * 10, "ip-dst", "5.5.5.5");
  EXPECT_EQ(Related(1), (Ids{2, 3}));
  EXPECT_TRUE(Snap().Correlations(1).over_correlating.empty());
  Add(4, 40, "ip-dst", "5.5.5.5");  // now 4 > 3 attributes carry it
  auto r = Snap().Correlations(1);
  EXPECT_TRUE(r.hits.empty());
  ASSERT_EQ(r.over_correlating.size(), 1u);
  EXPECT_EQ(r.over_correlating[0].value, "5.5.5.5");
  EXPECT_EQ(r.over_correlating[0].count, 4u);
  auto top = Snap().TopValues(5);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].value, "5.5.5.5");
  EXPECT_EQ(top[0].attributes, 4u);
  EXPECT_EQ(top[0].events, 4u);
  EXPECT_TRUE(top[0].over_correlating);
  // Over-correlation of one value does not hide the other links of the attribute.
  Add(5, 50, "ip-src", "5.5.5.0/24");
  r = Snap().Correlations(1);
  EXPECT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.over_correlating.size(), 1u);
}

TEST_F(IndexTest, ExclusionsOfEachKind) {
  for (const char* e : {"8.8.8.8", "10.%", "%.local", "%sinkhole%"}) options_->exclusions.push_back(*ParseExclusion(e));
  Add(1, 10, "ip-dst", "8.8.8.8");
  Add(2, 20, "ip-dst", "8.8.8.8");
  Add(3, 30, "ip-dst", "10.0.0.1");
  Add(4, 40, "ip-dst", "10.0.0.1");
  Add(5, 50, "hostname", "printer.local");
  Add(6, 60, "hostname", "printer.local");
  Add(7, 70, "domain", "sinkhole.example.org");
  Add(8, 80, "domain", "sinkhole.example.org");
  Add(9, 90, "ip-dst", "8.8.8.9");
  Add(10, 100, "ip-dst", "8.8.8.9");
  EXPECT_EQ(Snap().attribute_count(), 2u);
  EXPECT_EQ(Related(9), (Ids{10}));
}

TEST_F(IndexTest, EditsAndSnapshotIsolation) {
  Add(1, 10, "domain", "evil.com");
  Add(2, 20, "domain", "evil.com");
  const Snapshot& s1 = Snap();
  std::shared_ptr<const Snapshot> held = snap_;
  EXPECT_EQ(Related(1), (Ids{2}));
  // Edit 2 to another value, remove event 10, add a third: a new snapshot; the held one is unchanged.
  Add(2, 20, "domain", "good.org");
  Add(3, 30, "domain", "good.org");
  Editor().RemoveEvent(10);
  EXPECT_LT(editor_->written_entries(), 24u);  // what the edits change, not a copy of the index
  const Snapshot& s2 = Snap();
  EXPECT_NE(&s1, &s2);
  EXPECT_EQ(s2.Find(1), nullptr);
  EXPECT_EQ(Related(3), (Ids{2}));
  ASSERT_NE(held->Find(1), nullptr);
  EXPECT_EQ(held->Correlations(1).hits.size(), 1u);
  EXPECT_EQ(held->Correlations(1).hits[0].attribute_id, 2);
  EXPECT_EQ(held->attribute_count(), 2u);
  EXPECT_EQ(s2.attribute_count(), 2u);
  EXPECT_TRUE(s2.AttributesOfEvent(10).empty());
  EXPECT_EQ(held->AttributesOfEvent(10), std::vector<Id>{1});
}

}  // namespace
}  // namespace bulwark::correlate

namespace bulwark::correlate {
namespace {

TEST_F(IndexTest, BulkBuildKeepsTheLastUpsertAndHonoursRemovals) {
  Add(1, 10, "domain", "a.example");
  Add(2, 20, "domain", "a.example");
  Add(1, 11, "domain", "b.example");  // replaces the first addition of 1
  Editor().Remove(2);
  Add(5, 50, "domain", "a.example");
  Add(4, 40, "domain", "b.example");
  Add(3, 30, "comment", "nothing");   // no facets: not indexed
  EXPECT_EQ(Snap().attribute_count(), 3u);
  EXPECT_EQ(Snap().Find(2), nullptr);
  EXPECT_EQ(Snap().Find(3), nullptr);
  ASSERT_NE(Snap().Find(1), nullptr);
  EXPECT_EQ(Snap().Find(1)->event_id, 11);
  EXPECT_EQ(Related(1), (Ids{4}));
  EXPECT_EQ(Related(5), Ids{});
  EXPECT_EQ(Snap().AttributesOfEvent(11), std::vector<Id>{1});
  EXPECT_TRUE(Snap().AttributesOfEvent(10).empty());
  // Keys: va.example, vb.example, da.example, db.example.
  EXPECT_EQ(Snap().key_count(), 4u);
  Facets f = Snap().FacetsOf(1);
  EXPECT_EQ(f.values, std::vector<std::string>{"b.example"});
  EXPECT_EQ(f.names, std::vector<std::string>{"b.example"});
}

TEST_F(IndexTest, FacetsOfBaseAttributesAreRecovered) {
  Add(1, 10, "domain|ip", "Evil.example", "10.1.2.3");
  Add(2, 20, "ip-src", "2001:db8::/32");
  Add(3, 30, "url", "HTTP://Login.Evil.example:80/x");
  Facets a = Snap().FacetsOf(1);
  EXPECT_EQ(a.values, (std::vector<std::string>{"Evil.example", "10.1.2.3"}));
  EXPECT_EQ(a.names, std::vector<std::string>{"evil.example"});
  ASSERT_EQ(a.ips.size(), 1u);
  EXPECT_EQ(a.ips[0].ToString(), "10.1.2.3");
  Facets b = Snap().FacetsOf(2);
  ASSERT_EQ(b.cidrs.size(), 1u);
  EXPECT_EQ(b.cidrs[0].ToString(), "2001:db8::/32");
  Facets c = Snap().FacetsOf(3);
  EXPECT_EQ(c.values, std::vector<std::string>{"http://login.evil.example/x"});
  EXPECT_EQ(c.url_hosts, std::vector<std::string>{"login.evil.example"});
  EXPECT_TRUE(Snap().FacetsOf(4).empty());
}

// Random edits applied through the write overlay (with and without merges into a new base) must give the same
// answers as a snapshot built in bulk from the final state.
struct Model {
  struct Entry {
    Id event;
    std::string type;
    std::string value;
  };
  std::map<Id, Entry> live;
  std::map<Id, bool> disabled;
};

using HitSet = std::set<std::tuple<Id, Id, int, std::string>>;
using OverSet = std::set<std::tuple<std::string, int, size_t>>;

std::pair<HitSet, OverSet> Answer(const Snapshot& s, Id id) {
  LookupResult r = s.Correlations(id);
  HitSet hits;
  for (const Hit& h : r.hits) hits.insert({h.attribute_id, h.event_id, static_cast<int>(h.kind), h.via});
  OverSet over;
  for (const auto& o : r.over_correlating) over.insert({o.value, static_cast<int>(o.kind), o.count});
  return {hits, over};
}

void ExpectSame(const Snapshot& got, const Snapshot& want, const Model& m) {
  ASSERT_EQ(got.attribute_count(), want.attribute_count());
  EXPECT_EQ(got.key_count(), want.key_count());
  for (Id id = 1; id <= 120; ++id) {
    ASSERT_EQ(got.Find(id) == nullptr, want.Find(id) == nullptr) << id;
    if (want.Find(id) == nullptr) continue;
    EXPECT_EQ(got.Find(id)->event_id, want.Find(id)->event_id) << id;
    EXPECT_EQ(Answer(got, id), Answer(want, id)) << "attribute " << id << " " << m.live.at(id).value;
  }
  for (Id e = 1; e <= 12; ++e) {
    EXPECT_EQ(got.AttributesOfEvent(e), want.AttributesOfEvent(e)) << e;
    EXPECT_EQ(got.EventCorrelationDisabled(e), want.EventCorrelationDisabled(e)) << e;
  }
  auto top_got = got.TopValues(8);
  auto top_want = want.TopValues(8);
  ASSERT_EQ(top_got.size(), top_want.size());
  for (size_t i = 0; i < top_got.size(); ++i) {
    EXPECT_EQ(top_got[i].value, top_want[i].value);
    EXPECT_EQ(top_got[i].attributes, top_want[i].attributes);
    EXPECT_EQ(top_got[i].events, top_want[i].events);
  }
}

// Where merges run: inline in Publish, or on a Compactor's threads (swapped in by later publications).
enum class Merging { kInline, kCompactor };

std::shared_ptr<const Snapshot> FreshBuild(const Model& m, std::shared_ptr<const Options> options) {
  // The model stores values joined by '|'; rebuild attributes for the fresh snapshot from it.
  SnapshotEditor fresh(nullptr, options);
  for (const auto& [aid, e] : m.live) {
    model::Attribute a;
    a.type = e.type;
    auto bar = e.value.find('|');
    a.value1 = e.value.substr(0, bar);
    if (bar != std::string::npos) a.value2 = e.value.substr(bar + 1);
    fresh.Upsert(aid, e.event, ExtractFacets(a, options->exclusions));
  }
  for (const auto& [event, d] : m.disabled) fresh.SetEventCorrelationDisabled(event, d);
  return fresh.Publish(1);
}

void RunRandomEdits(size_t merge_min, bool expect_merges, Merging merging = Merging::kInline) {
  auto options = std::make_shared<Options>();
  options->correlation_limit = 4;
  options->delta_merge_min = merge_min;
  std::unique_ptr<Compactor> compactor;
  if (merging == Merging::kCompactor) compactor = std::make_unique<Compactor>();
  const std::vector<std::pair<std::string, std::string>> pool = {
      {"ip-dst", "10.0.0.1"},        {"ip-src", "10.0.0.1"},       {"ip-dst", "10.0.1.7"},
      {"ip-src", "10.0.0.0/16"},     {"ip-dst", "10.0.0.0/8"},     {"ip-dst", "2001:db8::1"},
      {"ip-src", "2001:db8::/32"},   {"ip-dst", "::/0"},           {"domain", "evil.example"},
      {"hostname", "a.evil.example"}, {"hostname", "b.a.evil.example"}, {"url", "http://a.evil.example/x"},
      {"url", "HTTP://A.evil.example:80/x"}, {"md5", "0123456789abcdef0123456789abcdef"},
      {"domain|ip", "good.example|10.0.0.1"}, {"comment", "never"}};
  Model m;
  std::mt19937 rng(42);
  std::shared_ptr<const Snapshot> snap;
  size_t merges = 0;
  for (int round = 0; round < 40; ++round) {
    SnapshotEditor ed(snap, options, compactor.get());
    const int ops = round == 0 ? 60 : static_cast<int>(rng() % 12) + 1;
    for (int i = 0; i < ops; ++i) {
      const Id id = static_cast<Id>(rng() % 120) + 1;
      const unsigned op = rng() % 10;
      if (op < 6) {
        const auto& [type, value] = pool[rng() % pool.size()];
        model::Attribute a;
        a.type = type;
        auto bar = value.find('|');
        a.value1 = value.substr(0, bar);
        if (bar != std::string::npos) a.value2 = value.substr(bar + 1);
        const Id event = static_cast<Id>(rng() % 12) + 1;
        Facets f = ExtractFacets(a, options->exclusions);
        if (f.empty()) {
          m.live.erase(id);
        } else {
          m.live[id] = {event, type, a.value1 + (a.value2.empty() ? "" : "|" + a.value2)};
        }
        ed.Upsert(id, event, std::move(f));
      } else if (op < 8) {
        ed.Remove(id);
        m.live.erase(id);
      } else if (op < 9) {
        const Id event = static_cast<Id>(rng() % 12) + 1;
        ed.RemoveEvent(event);
        std::erase_if(m.live, [&](const auto& kv) { return kv.second.event == event; });
      } else {
        const Id event = static_cast<Id>(rng() % 12) + 1;
        const bool d = rng() % 2 == 0;
        ed.SetEventCorrelationDisabled(event, d);
        m.disabled[event] = d;
      }
    }
    const size_t before = snap ? snap->delta_attribute_count() : 0;
    snap = ed.Publish(round + 1);
    if (before > 0 && snap->delta_attribute_count() == 0) ++merges;
    auto want = FreshBuild(m, options);
    SCOPED_TRACE("round " + std::to_string(round));
    ExpectSame(*snap, *want, m);
    if (::testing::Test::HasFatalFailure()) return;
    if (compactor && round % 3 == 2) {
      // Let the merges scheduled so far finish, swap them in, and compare again; the snapshot held from
      // before the swap keeps its levels and answers.
      compactor->WaitIdle();
      std::shared_ptr<const Snapshot> held = snap;
      const size_t held_runs = held->run_count();
      snap = SnapshotEditor(snap, options, compactor.get()).Publish(round + 1);
      ExpectSame(*snap, *want, m);
      ExpectSame(*held, *want, m);
      EXPECT_EQ(held->run_count(), held_runs);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  if (compactor) {
    compactor->WaitIdle();
    const Compactor::Stats stats = compactor->stats();
    EXPECT_GT(stats.run_merges, 3);
    if (expect_merges) {
      EXPECT_GT(stats.base_merges, 1);
    }
    EXPECT_EQ(stats.dropped, 0);
  } else if (expect_merges) {
    EXPECT_GT(merges, 3u);
  } else {
    EXPECT_EQ(merges, 0u);
    EXPECT_GT(snap->delta_attribute_count(), 0u);
  }
}

TEST(IndexOverlayTest, RandomEditsThroughTheOverlayEqualAFreshBuild) { RunRandomEdits(1u << 20, false); }
TEST(IndexOverlayTest, RandomEditsWithMergesEqualAFreshBuild) { RunRandomEdits(8, true); }
TEST(IndexOverlayTest, RandomEditsWithBackgroundRunMergesEqualAFreshBuild) {
  RunRandomEdits(1u << 20, false, Merging::kCompactor);
}
TEST(IndexOverlayTest, RandomEditsWithBackgroundBaseMergesEqualAFreshBuild) {
  RunRandomEdits(8, true, Merging::kCompactor);
}

// Edits across levels: a base attribute edited in one run and removed in another, a run's attribute edited in
// a later run, an event's flag set. Merging runs, then base and runs, changes no answer, and a snapshot
// published before a merge keeps its levels and answers.
TEST(IndexOverlayTest, MergesKeepAnswersAndHeldSnapshots) {
  auto options = std::make_shared<Options>();
  options->delta_merge_min = 1u << 20;  // no base merge until asked below
  auto facets = [](const std::string& type, const std::string& value) {
    model::Attribute a;
    a.type = type;
    a.value1 = value;
    return ExtractFacets(a, {});
  };
  auto md5 = [](Id id) { return std::string(31, 'a') + std::to_string(id % 10); };
  std::shared_ptr<const Snapshot> snap;
  {
    SnapshotEditor ed(nullptr, options);
    ed.Upsert(1, 10, facets("domain", "evil.example"));
    ed.Upsert(2, 20, facets("hostname", "a.evil.example"));
    ed.Upsert(3, 30, facets("ip-dst", "10.1.2.3"));
    ed.Upsert(4, 40, facets("ip-src", "10.1.0.0/16"));
    snap = ed.Publish(1);
  }
  Compactor compactor;
  auto edit = [&](auto&& fn, Compactor* c) {
    SnapshotEditor ed(snap, options, c);
    fn(ed);
    snap = ed.Publish(snap->seq() + 1);
  };
  // Runs of 41, 20, 2 and 2 attribute entries: inline, none is due for a merge (each older run is larger than
  // the newer ones together); the last publication, through the compactor, schedules a merge of the two newest.
  edit([&](SnapshotEditor& ed) {
    for (Id id = 100; id < 140; ++id) ed.Upsert(id, 1000 + id, facets("md5", md5(id)));
    ed.Upsert(1, 10, facets("domain", "other.example"));  // a base attribute edited
  }, nullptr);
  edit([&](SnapshotEditor& ed) {
    ed.Upsert(5, 50, facets("ip-dst", "10.1.9.9"));
    ed.Upsert(6, 60, facets("domain", "other.example"));
    for (Id id = 200; id < 218; ++id) ed.Upsert(id, 2000 + id, facets("md5", md5(id)));
  }, nullptr);
  edit([&](SnapshotEditor& ed) {
    ed.Remove(3);                                      // a base attribute removed
    ed.Upsert(5, 50, facets("ip-dst", "10.1.7.7"));   // a run's attribute edited
    ed.SetEventCorrelationDisabled(60, true);
  }, nullptr);
  edit([&](SnapshotEditor& ed) {
    ed.Upsert(7, 70, facets("hostname", "b.evil.example"));
    ed.Upsert(8, 80, facets("ip-dst", "10.1.7.7"));
  }, &compactor);
  ASSERT_EQ(snap->run_count(), 4u);
  const std::shared_ptr<const Snapshot> held = snap;
  const std::vector<Id> ids = {1, 2, 3, 4, 5, 6, 7, 8, 100, 101, 139, 200};
  auto answers = [&](const Snapshot& s) {
    std::vector<std::pair<HitSet, OverSet>> out;
    for (Id id : ids) out.push_back(Answer(s, id));
    return out;
  };
  auto related = [](const Snapshot& s, Id id) {
    Ids out;
    for (const Hit& h : s.Correlations(id).hits) out.insert(h.attribute_id);
    return out;
  };
  const auto before = answers(*held);
  EXPECT_EQ(related(*held, 4), (Ids{5, 8}));  // inside 10.1.0.0/16: 3 removed, 5 moved to 10.1.7.7
  EXPECT_EQ(related(*held, 5), (Ids{4, 8}));
  EXPECT_EQ(related(*held, 1), (Ids{6}));
  EXPECT_EQ(related(*held, 2), Ids{});  // its parent (1) moved away; 7 is a sibling
  EXPECT_EQ(held->Find(3), nullptr);
  EXPECT_EQ(held->attribute_count(), 65u);
  const size_t keys = held->key_count();

  auto expect_unchanged = [&](const Snapshot& s) {
    EXPECT_EQ(answers(s), before);
    EXPECT_EQ(s.attribute_count(), 65u);
    EXPECT_EQ(s.key_count(), keys);
    EXPECT_EQ(s.AttributesOfEvent(50), std::vector<Id>{5});
    EXPECT_TRUE(s.AttributesOfEvent(30).empty());
    EXPECT_TRUE(s.EventCorrelationDisabled(60));
    EXPECT_EQ(s.FacetsOf(5).values, std::vector<std::string>{"10.1.7.7"});
    EXPECT_EQ(s.FacetsOf(1).values, std::vector<std::string>{"other.example"});
  };
  compactor.WaitIdle();
  snap = SnapshotEditor(snap, options, &compactor).Publish(snap->seq());  // swaps the merge in
  EXPECT_EQ(compactor.stats().run_merges, 1);
  EXPECT_EQ(snap->run_count(), 3u);
  expect_unchanged(*snap);
  EXPECT_EQ(held->run_count(), 4u);
  expect_unchanged(*held);

  auto merge_all = std::make_shared<Options>(*options);
  merge_all->delta_merge_min = 1;
  snap = SnapshotEditor(snap, merge_all, &compactor).Publish(snap->seq());  // schedules the base merge
  compactor.WaitIdle();
  snap = SnapshotEditor(snap, merge_all, &compactor).Publish(snap->seq());
  EXPECT_EQ(compactor.stats().base_merges, 1);
  EXPECT_EQ(compactor.stats().dropped, 0);
  EXPECT_EQ(snap->run_count(), 0u);
  expect_unchanged(*snap);
  expect_unchanged(*held);
}

}  // namespace
}  // namespace bulwark::correlate
