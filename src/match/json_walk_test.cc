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

TEST(JsonWalkTest, StringEndsFoundAtEveryOffsetOfTheWideScan) {
  // The closing quote, an escape, a unicode escape and a control character at each offset of the first, second and
  // third 16-byte block; UTF-8 bytes (>= 0x80) are content.
  for (size_t len = 0; len <= 48; ++len) {
    const std::string head = std::string(len, 'x') + (len % 3 == 0 ? "\xc3\xa9" : "");
    bool ok = false;
    EXPECT_THAT(Walk("{\"k\":\"" + head + "\",\"n\":1}", &ok), ElementsAre("k=" + head + "@6")) << len;
    EXPECT_TRUE(ok);
    EXPECT_THAT(Walk("{\"k\":\"" + head + "\\\"q\\\\\\n\"}", &ok), ElementsAre("k=" + head + "\"q\\\n@6")) << len;
    EXPECT_TRUE(ok);
    EXPECT_THAT(Walk("{\"k\":\"" + head + "\\u00e9\\ud83d\\ude00.\"}", &ok),
                ElementsAre("k=" + head + "\xc3\xa9\xf0\x9f\x98\x80.@6"))
        << len;
    EXPECT_TRUE(ok);
    Walk("{\"k\":\"" + head + "\x1f" + "tail-of-the-line-long-enough\"}", &ok);
    EXPECT_FALSE(ok) << len;
    Walk("{\"k\":\"" + head + "unterminated-and-long-enough-to-take-two-blocks", &ok);
    EXPECT_FALSE(ok) << len;
  }
}

TEST(JsonWalkTest, ScalarsEndAtEveryOffsetOfTheWideScan) {
  // Numbers and literals of every length up to three 16-byte blocks, then each byte that may follow one.
  for (size_t len = 1; len <= 48; ++len) {
    std::string number(len, '7');
    if (len > 3) number[len / 2] = '.';
    if (len > 6) number.replace(len - 3, 2, "E+");
    for (std::string_view space : {"", " ", "\t"}) {
      for (const std::string& line : {"{\"n\":" + number + std::string(space) + ",\"s\":\"v\"}",
                                      "{\"n\":[" + number + std::string(space) + "],\"s\":\"v\"}",
                                      "{\"s\":\"v\",\"n\":" + number + std::string(space) + "}"}) {
        bool ok = false;
        EXPECT_THAT(Walk(line, &ok), ElementsAre("s=v@" + std::to_string(line.find("\"v\"") + 1))) << line;
        EXPECT_TRUE(ok) << line;
      }
    }
    bool ok = true;
    Walk("{\"n\":" + number + "#,\"s\":\"v\"}", &ok);  // a byte no scalar holds
    EXPECT_FALSE(ok) << number;
    Walk("{\"n\":" + number + "\xc3\xa9}", &ok);
    EXPECT_FALSE(ok) << number;
  }
  bool ok = false;
  EXPECT_THAT(Walk(R"({"a":true,"b":false,"c":null,"d":-1.5e-7,"e":"x"})", &ok), ElementsAre("e=x@46"));
  EXPECT_TRUE(ok);
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
