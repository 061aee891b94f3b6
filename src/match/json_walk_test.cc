#include "match/json_walk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bulwark::match {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Walk(std::string_view line, bool* ok = nullptr) {
  JsonWalker w;
  std::vector<std::string> out;
  bool r = w.Walk(line, [&](std::string_view path, std::string_view value, size_t off) {
    out.push_back(std::string(path) + "=" + std::string(value) + "@" + std::to_string(off));
  });
  if (ok != nullptr) *ok = r;
  return out;
}

TEST(JsonWalkTest, TopLevelNestedAndArrayPaths) {
  bool ok = false;
  auto got = Walk(R"({"ts":1.5,"query":"a.evil.com","dns":{"rrname":"x.com","answers":[{"rdata":"1.2.3.4"},"y"]},)"
                  R"("answers":["5.6.7.8","b.net"],"AA":false,"tls":{"ja3":{"hash":"abc"}},"z":null})",
                  &ok);
  EXPECT_TRUE(ok);
  EXPECT_THAT(got, ElementsAre("query=a.evil.com@19", "dns.rrname=x.com@48", "dns.answers.rdata=1.2.3.4@76",
                               "dns.answers=y@87", "answers=5.6.7.8@104", "answers=b.net@114",
                               "tls.ja3.hash=abc@155"));
}

TEST(JsonWalkTest, EscapedKeysAndValues) {
  bool ok = false;
  auto got = Walk(R"({"k\u0065y":"a\"b","o":{"n\\m":"\u00e9x"},"long":"abcdefghijklmnop"})", &ok);
  EXPECT_TRUE(ok);
  EXPECT_THAT(got, ElementsAre("key=a\"b@13", "o.n\\m=\xc3\xa9x@32", "long=abcdefghijklmnop@50"));
}

TEST(JsonWalkTest, MalformedLinesFail) {
  bool ok = true;
  for (std::string_view bad : {R"({"a":"b")", R"({"a":"b\x"})", "{\"a\":\"b\x01\"}", R"({"a":tru!})",
                               R"({"a" "b"})", R"(["a"])", R"({"a":"b"} x)", R"({"a":"unterminated)"}) {
    Walk(bad, &ok);
    EXPECT_FALSE(ok) << bad;
  }
  Walk(R"(  {"a" : [ 1 , true , "x" ] , "b" : { } }  )", &ok);
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace bulwark::match
