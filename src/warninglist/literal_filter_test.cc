// LiteralFilter: never "no" for a value that contains a literal (any position, any case), "no" for values
// that contain none (the golden cases below), and the degenerate sets.
#include "warninglist/literal_filter.h"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace bulwark::warninglist {
namespace {

TEST(LiteralFilterTest, FindsLiteralsAnywhereInAnyCase) {
  const LiteralFilter f = LiteralFilter::Build({"any.run", "sandbox", "www.bankmenia.de"});
  EXPECT_EQ(f.width(), 7u);
  EXPECT_TRUE(f.MayMatch("any.run"));
  EXPECT_TRUE(f.MayMatch("https://app.ANY.RUN/tasks/1"));
  EXPECT_TRUE(f.MayMatch("my-SandBox.example"));
  EXPECT_TRUE(f.MayMatch("http://WWW.BANKMENIA.DE/login"));
  EXPECT_FALSE(f.MayMatch("example.org"));
  EXPECT_FALSE(f.MayMatch("8.8.8.8"));
  EXPECT_FALSE(f.MayMatch("any.ru"));  // shorter than every literal
  EXPECT_FALSE(f.MayMatch(""));
}

TEST(LiteralFilterTest, NeverMissesAnEmbeddedLiteral) {
  std::vector<std::string> literals;
  std::mt19937 rng(7);
  auto word = [&](size_t n) {
    std::string w;
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz.-@ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (size_t i = 0; i < n; ++i) w += kAlphabet[rng() % kAlphabet.size()];
    return w;
  };
  for (int i = 0; i < 500; ++i) literals.push_back(word(5 + rng() % 20));
  std::vector<std::string_view> views(literals.begin(), literals.end());
  const LiteralFilter f = LiteralFilter::Build(views);
  EXPECT_EQ(f.width(), 5u);
  for (int i = 0; i < 5000; ++i) {
    std::string lit = literals[rng() % literals.size()];
    for (char& c : lit) c = (rng() % 2) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    const std::string value = word(rng() % 30) + lit + word(rng() % 30);
    ASSERT_TRUE(f.MayMatch(value)) << value;
  }
}

TEST(LiteralFilterTest, DegenerateSets) {
  EXPECT_FALSE(LiteralFilter().MayMatch("anything"));
  EXPECT_FALSE(LiteralFilter::Build({}).MayMatch("anything"));
  // A literal too short to filter on: every value may match.
  const LiteralFilter short_literal = LiteralFilter::Build({"@", "sandbox"});
  EXPECT_TRUE(short_literal.MayMatch("no at sign here"));
  EXPECT_TRUE(short_literal.MayMatch(""));
  // Literals longer than the window use their first kMaxWidth bytes.
  const LiteralFilter long_literal = LiteralFilter::Build({"securescore-user-prod.cloudapp.net"});
  EXPECT_EQ(long_literal.width(), LiteralFilter::kMaxWidth);
  EXPECT_TRUE(long_literal.MayMatch("x.SECURESCORE-user-prod.cloudapp.net"));
  EXPECT_FALSE(long_literal.MayMatch("cloudapp.net"));
}

}  // namespace
}  // namespace bulwark::warninglist
