// StringTable: postings merged per key in insertion order, the stored key returned by Lookup, the per-class
// filters, and a table large enough to grow several times (every key found, absent keys not).
#include "warninglist/string_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bulwark::warninglist {
namespace {

std::vector<std::pair<uint32_t, uint32_t>> Pairs(std::span<const Posting> postings) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const Posting& p : postings) out.emplace_back(p.list, p.entry);
  return out;
}

TEST(StringTableTest, PostingsMergedPerKeyInOrder) {
  StringTableBuilder b;
  b.Add("google.com", {3, 7});
  b.Add("example.com", {1, 0});
  b.Add("google.com", {1, 2});
  b.Add("", {4, 4});
  const StringTable t = std::move(b).Build();
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.max_key_length(), 11u);
  using P = std::vector<std::pair<uint32_t, uint32_t>>;
  EXPECT_EQ(Pairs(t.Find("google.com")), (P{{3, 7}, {1, 2}}));
  EXPECT_EQ(Pairs(t.Find("example.com")), (P{{1, 0}}));
  EXPECT_EQ(Pairs(t.Find("")), (P{{4, 4}}));
  EXPECT_TRUE(t.Find("google.co").empty());
  EXPECT_TRUE(t.Find("google.comx").empty());
  EXPECT_TRUE(t.Find("a-key-longer-than-every-key").empty());
}

TEST(StringTableTest, LookupReturnsTheStoredKey) {
  StringTableBuilder b;
  b.Add("example.com", {0, 0});
  const StringTable t = std::move(b).Build();
  const std::string probe = "example.com";
  const StringTable::Found found = t.Lookup(probe, HashBytes(probe));
  ASSERT_EQ(found.postings.size(), 1u);
  EXPECT_EQ(found.key, "example.com");
  EXPECT_NE(found.key.data(), probe.data());  // a view into the table, not into the probe
}

TEST(StringTableTest, FiltersSelectKeyClasses) {
  StringTableBuilder b;
  b.Add("only-exact", {0, 0}, 0);
  b.Add("only-host", {1, 0}, 1);
  b.Add("both", {0, 1}, 0);
  b.Add("both", {1, 1}, 1);
  const StringTable t = std::move(b).Build();
  auto found = [&](std::string_view key, uint32_t filters) {
    return t.Lookup(key, HashBytes(key), filters).postings.size();
  };
  EXPECT_EQ(found("only-exact", 1u << 0), 1u);
  EXPECT_EQ(found("only-exact", 1u << 1), 0u);
  EXPECT_EQ(found("only-host", 1u << 0), 0u);
  EXPECT_EQ(found("only-host", 1u << 1), 1u);
  EXPECT_EQ(found("both", 1u << 0), 2u);
  EXPECT_EQ(found("both", 1u << 1), 2u);
  EXPECT_EQ(found("only-host", StringTable::kAllFilters), 1u);
  EXPECT_EQ(found("only-host", 0), 0u);
}

TEST(StringTableTest, ManyKeys) {
  StringTableBuilder b;
  for (uint32_t i = 0; i < 20000; ++i) b.Add("host" + std::to_string(i) + ".example", {i % 7, i});
  const StringTable t = std::move(b).Build();
  EXPECT_EQ(t.size(), 20000u);
  for (uint32_t i = 0; i < 20000; ++i) {
    auto p = t.Find("host" + std::to_string(i) + ".example");
    ASSERT_EQ(p.size(), 1u) << i;
    EXPECT_EQ(p[0].entry, i);
  }
  for (uint32_t i = 20000; i < 40000; ++i) EXPECT_TRUE(t.Find("host" + std::to_string(i) + ".example").empty());
}

TEST(StringTableTest, EmptyTable) {
  const StringTable t = StringTableBuilder().Build();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_TRUE(t.Find("x").empty());
  EXPECT_TRUE(t.Find("").empty());
}

}  // namespace
}  // namespace bulwark::warninglist
