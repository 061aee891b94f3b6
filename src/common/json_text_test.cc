#include "common/json_text.h"

#include <gtest/gtest.h>

namespace bulwark {
namespace {

TEST(JsonText, PlainTextIsQuotedAsItIs) {
  EXPECT_EQ(JsonQuoted(""), "\"\"");
  EXPECT_EQ(JsonQuoted("evil.example.com"), "\"evil.example.com\"");
}

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonQuoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuoted("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(JsonQuoted(std::string_view("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\\u007f\"");
}

TEST(JsonText, CopiesValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonQuoted("Ελλάδα €𝄞"), "\"Ελλάδα €𝄞\"");
  EXPECT_EQ(JsonQuoted("a\xff" "b"), "\"a\\ufffdb\"");            // never valid
  EXPECT_EQ(JsonQuoted("\xc3"), "\"\\ufffd\"");                   // truncated sequence
  EXPECT_EQ(JsonQuoted("\xc0\xaf"), "\"\\ufffd\\ufffd\"");        // overlong '/'
  EXPECT_EQ(JsonQuoted("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a UTF-16 surrogate
  EXPECT_EQ(JsonQuoted("a\x01\xc3\xa9\xff\xed\xa0\x80z"), "\"a\\u0001\xc3\xa9\\ufffd\\ufffd\\ufffd\\ufffdz\"");
  EXPECT_EQ(JsonQuoted("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // above U+10FFFF
}

TEST(JsonText, Utf8SequenceLength) {
  EXPECT_EQ(Utf8SequenceLength("é", 0), 2u);
  EXPECT_EQ(Utf8SequenceLength("€", 0), 3u);
  EXPECT_EQ(Utf8SequenceLength("𝄞", 0), 4u);
  EXPECT_EQ(Utf8SequenceLength("a", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82", 0), 0u);
}

TEST(JsonText, ObjectWriterWritesMembersInOrder) {
  std::string out = "[";
  JsonObjectWriter w(out);
  w.IntString("id", 42).String("name", "a\"b").Bool("local", false).Null("first_seen").Raw("Tag", "[]");
  w.Member("n") += "-7";
  w.Close();
  EXPECT_EQ(out, R"([{"id":"42","name":"a\"b","local":false,"first_seen":null,"Tag":[],"n":-7})");
  std::string empty;
  JsonObjectWriter(empty).Close();
  EXPECT_EQ(empty, "{}");
}

}  // namespace
}  // namespace bulwark
