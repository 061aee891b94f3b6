#include "model/taxonomy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "model/test_data.h"

namespace bulwark::model {
namespace {

namespace json = boost::json;

TEST(TaxonomyBuiltIn, TlpAndPap) {
  const auto& r = TaxonomyRegistry::BuiltIn();
  EXPECT_EQ(r.size(), 2u);
  for (const char* tag : {"tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict", "tlp:red", "PAP:CLEAR",
                          "PAP:GREEN", "PAP:AMBER", "PAP:RED"}) {
    auto info = r.Find(tag);
    ASSERT_TRUE(info.has_value()) << tag;
    EXPECT_EQ(info->tag_name, tag);
    EXPECT_EQ(info->colour().size(), 7u) << tag;
    EXPECT_EQ(info->entry, nullptr);
  }
  EXPECT_EQ(r.Find("tlp:red")->colour(), "#ff2b2b");
  EXPECT_EQ(r.Find("tlp:amber+strict")->colour(), "#ffc000");
  EXPECT_FALSE(r.Find("tlp:white").has_value());  // TLP 1.0 label, not in TLP 2.0
  EXPECT_FALSE(r.Find("tlp:purple").has_value());
  auto folded = r.Find("TLP:AMBER");
  ASSERT_TRUE(folded.has_value());
  EXPECT_EQ(folded->tag_name, "tlp:amber");
  EXPECT_EQ(r.Find("pap:red")->tag_name, "PAP:RED");
  EXPECT_TRUE(r.FindTaxonomy("tlp")->exclusive);
  EXPECT_EQ(r.FindTaxonomy("pap")->ns, "PAP");
  EXPECT_EQ(r.FindTaxonomy("nope"), nullptr);
}

TEST(TaxonomyBuiltIn, Exclusivity) {
  const auto& r = TaxonomyRegistry::BuiltIn();
  EXPECT_TRUE(r.CheckExclusive({"tlp:amber", "PAP:GREEN", "malware", "unknown:tag"}).ok());
  EXPECT_TRUE(r.CheckExclusive({"tlp:amber", "tlp:amber"}).ok());
  EXPECT_TRUE(r.CheckExclusive({}).ok());
  auto s = r.CheckExclusive({"tlp:red", "PAP:RED", "tlp:green"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(s.error().field, "Tag");
  EXPECT_NE(s.error().message.find("tlp:red"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("tlp:green"), std::string::npos) << s.error().message;
  EXPECT_FALSE(r.CheckExclusive({"PAP:CLEAR", "PAP:AMBER"}).ok());
  EXPECT_FALSE(r.CheckExclusive({"tlp:amber", "TLP:AMBER+STRICT"}).ok());
}

TEST(Taxonomy, ParseErrors) {
  auto parse = [](const char* text) { return ParseTaxonomy(json::parse(text)); };
  EXPECT_FALSE(parse("[]").ok());
  EXPECT_FALSE(parse(R"({"version": 1, "predicates": []})").ok());
  EXPECT_FALSE(parse(R"({"namespace": "x", "predicates": []})").ok());
  EXPECT_FALSE(parse(R"({"namespace": "x", "version": 1})").ok());
  EXPECT_FALSE(parse(R"({"namespace": "x", "version": 1, "predicates": [{"expanded": "no value"}]})").ok());
  EXPECT_FALSE(parse(R"({"namespace": "x", "version": 1, "predicates": [{"value": "a"}, {"value": "a"}]})").ok());
  EXPECT_FALSE(parse(R"({"namespace": "x", "version": 1, "predicates": [{"value": "a", "exclusive": "yes"}]})").ok());
  auto dangling = parse(R"({"namespace": "x", "version": 1, "predicates": [{"value": "a"}],
                            "values": [{"predicate": "b", "entry": [{"value": "1"}]}]})");
  ASSERT_FALSE(dangling.ok());
  EXPECT_EQ(dangling.error().field, "values[0]");
  EXPECT_FALSE(parse(R"({"namespace": "x", "version": 1, "predicates": [{"value": "a"}],
                         "values": [{"predicate": "a", "entry": [{"value": "1"}, {"value": "1"}]}]})")
                   .ok());
  EXPECT_FALSE(parse(R"({"namespace": "x", "version": 1, "predicates": [{"value": "a"}],
                         "values": [{"predicate": "a", "entry": [{"value": "1", "numerical_value": 1e20}]}]})")
                   .ok());
}

TEST(Taxonomy, PredicateExclusivityAndValues) {
  auto t = ParseTaxonomy(json::parse(R"({"namespace": "scale", "version": 3, "predicates": [
      {"value": "reliability", "exclusive": true}, {"value": "topic"}, {"value": "flag", "colour": "#010203"}],
      "values": [{"predicate": "reliability", "entry": [{"value": "a", "numerical_value": 100}, {"value": "b"}]},
                 {"predicate": "topic", "entry": [{"value": "x", "colour": "#aabbcc"}, {"value": "y"}]}]})"));
  ASSERT_TRUE(t.ok()) << t.error().message;
  TaxonomyRegistry::Builder b;
  ASSERT_TRUE(b.Add(*t).ok());
  EXPECT_EQ(b.Add(*t).error().code, ErrorCode::kConflict);
  auto r = std::move(b).Build();
  EXPECT_EQ(r.Find("scale:reliability=\"a\"")->numerical_value(), 100);
  EXPECT_FALSE(r.Find("scale:reliability=\"b\"")->numerical_value().has_value());
  EXPECT_FALSE(r.Find("scale:reliability").has_value());  // a predicate with values is not a tag itself
  EXPECT_EQ(r.Find("scale:flag")->colour(), "#010203");
  EXPECT_EQ(r.Find("scale:topic=\"x\"")->colour(), "#aabbcc");
  EXPECT_TRUE(r.CheckExclusive({"scale:topic=\"x\"", "scale:topic=\"y\"", "scale:reliability=\"a\""}).ok());
  EXPECT_FALSE(r.CheckExclusive({"scale:reliability=\"a\"", "scale:flag", "scale:reliability=\"b\""}).ok());
}

// Loads every taxonomy of misp-taxonomies.
class AllTaxonomies : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::TestDataDir() / "misp" / "taxonomies";
    if (!std::filesystem::exists(dir / "MANIFEST.json")) GTEST_SKIP() << "test data missing: " << dir;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      auto file = entry.path() / "machinetag.json";
      if (!entry.is_directory() || !std::filesystem::exists(file)) continue;
      auto doc = testing::ReadJsonFile(file);
      ASSERT_TRUE(doc.has_value()) << file;
      auto t = ParseTaxonomy(*doc);
      ASSERT_TRUE(t.ok()) << file << ": " << t.error().field << ": " << t.error().message;
      namespaces_.insert(t->ns);
      ASSERT_TRUE(builder_.Add(std::move(t).value()).ok()) << file;
      ++files_;
    }
    manifest_ = *testing::ReadJsonFile(dir / "MANIFEST.json");
  }
  TaxonomyRegistry::Builder builder_;
  std::set<std::string> namespaces_;
  json::value manifest_;
  int files_ = 0;
};

TEST_F(AllTaxonomies, EveryOneLoads) {
  EXPECT_EQ(files_, 183);
  auto r = std::move(builder_).Build();
  EXPECT_EQ(r.size(), 183u);
  // Every taxonomy of the manifest is there.
  const auto& listed = manifest_.as_object().at("taxonomies").as_array();
  EXPECT_EQ(listed.size(), 183u);
  for (const auto& t : listed) {
    std::string name(t.as_object().at("name").as_string());
    EXPECT_NE(r.FindTaxonomy(name), nullptr) << name;
  }
}

TEST_F(AllTaxonomies, KnownEntries) {
  auto r = std::move(builder_).Build();
  auto a = r.Find("admiralty-scale:source-reliability=\"a\"");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->numerical_value(), 100);
  EXPECT_EQ(r.Find("admiralty-scale:source-reliability=\"b\"")->numerical_value(), 75);
  EXPECT_EQ(r.Find("admiralty-scale:information-credibility=\"5\"")->numerical_value(), 0);
  EXPECT_EQ(r.Find("tlp:red")->colour(), "#FF2B2B");
  EXPECT_TRUE(r.Find("tlp:ex:chr").has_value());
  EXPECT_TRUE(r.Find("tlp:white").has_value());
  EXPECT_TRUE(r.FindTaxonomy("tlp")->exclusive);
  EXPECT_EQ(r.FindTaxonomy("tlp")->version, 10);
  EXPECT_TRUE(r.Find("PAP:WHITE").has_value());
  EXPECT_TRUE(r.FindTaxonomy("DFRLab-dichotomies-of-disinformation") != nullptr);
}

TEST_F(AllTaxonomies, Exclusivity) {
  auto r = std::move(builder_).Build();
  EXPECT_FALSE(r.CheckExclusive({"tlp:red", "tlp:green"}).ok());
  EXPECT_FALSE(r.CheckExclusive({"tlp:clear", "tlp:white"}).ok());
  EXPECT_TRUE(r.CheckExclusive({"tlp:amber", "PAP:AMBER", "admiralty-scale:source-reliability=\"b\"",
                                "admiralty-scale:information-credibility=\"2\""})
                  .ok());
  auto s = r.CheckExclusive({"admiralty-scale:source-reliability=\"a\"", "admiralty-scale:source-reliability=\"c\""});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("admiralty-scale:source-reliability"), std::string::npos) << s.error().message;
  // A non-exclusive taxonomy with non-exclusive predicates allows several tags.
  EXPECT_TRUE(r.CheckExclusive({"osint:source-type=\"blog-post\"", "osint:source-type=\"technical-report\""}).ok());
}

TEST_F(AllTaxonomies, LoadedTlpReplacesBuiltIn) {
  TaxonomyRegistry::Builder b;
  for (auto& t : TaxonomyRegistry::BuiltInTaxonomies()) ASSERT_TRUE(b.Add(std::move(t)).ok());
  auto loaded = std::move(builder_).Build();
  b.AddOrReplace(*loaded.FindTaxonomy("tlp"));
  auto r = std::move(b).Build();
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r.FindTaxonomy("tlp")->version, 10);
  EXPECT_TRUE(r.Find("tlp:white").has_value());
}

}  // namespace
}  // namespace bulwark::model
