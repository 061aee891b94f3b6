#include "export/rule_syntax.h"

#include <gtest/gtest.h>

namespace bulwark::exporter {
namespace {

TEST(RuleSyntax, AcceptsWellFormedRules) {
  for (const char* r : {
           "alert ip $HOME_NET any -> 1.2.3.4 any (msg:\"x\"; sid:1; rev:1;)",
           "alert tcp any any <> any 80 (msg:\"a\\;b \\\"q\\\"\"; content:\"|3a 3B|x\"; nocase; sid:9; rev:2;)",
           "drop http any any -> any any (msg:\"m\"; content:!\"x\"; pcre:\"/a(b|c)\\.d$/i\"; sid:4294967295; rev:0;)",
           "alert dns any any -> any 53 (msg:\"(parens) inside\"; sid:3; rev:1;)  ",
       }) {
    auto s = CheckRuleSyntax(r);
    EXPECT_TRUE(s.ok()) << r << ": " << (s.ok() ? "" : s.error().message);
  }
}

TEST(RuleSyntax, RejectsBrokenRules) {
  for (const char* r : {
           "",
           "alert ip any any -> any any",                                               // no options
           "alert ip any any -> any any (msg:\"x\"; sid:1; rev:1;",                     // unbalanced
           "alert ip any any -> any any (msg:\"x\"; sid:1; rev:1;) extra",              // text after ')'
           "alert ip any any -> any any (msg:\"x\"; sid:1; rev:1)",                     // option not terminated
           "alert ip any any any any (msg:\"x\"; sid:1; rev:1;)",                       // 6 header fields
           "alrt ip any any -> any any (msg:\"x\"; sid:1; rev:1;)",                     // action
           "alert ip any any => any any (msg:\"x\"; sid:1; rev:1;)",                    // direction
           "alert ip any any -> any any (msg:x; sid:1; rev:1;)",                        // msg unquoted
           "alert ip any any -> any any (msg:\"a\"b\"; sid:1; rev:1;)",                 // stray quote
           "alert ip any any -> any any (msg:\"a;b\"; sid:1; rev:1;)",                  // unescaped ';' in a string
           "alert ip any any -> any any (msg:\"x\"; content:\"|3|\"; sid:1; rev:1;)",   // odd hex
           "alert ip any any -> any any (msg:\"x\"; content:\"|zz|\"; sid:1; rev:1;)",  // non-hex
           "alert ip any any -> any any (msg:\"x\"; content:\"|00\"; sid:1; rev:1;)",   // unclosed hex
           "alert ip any any -> any any (msg:\"x\"; sid:0; rev:1;)",                    // sid 0
           "alert ip any any -> any any (msg:\"x\"; sid:99999999999; rev:1;)",
           "alert ip any any -> any any (msg:\"x\"; rev:1;)",                // no sid
           "alert ip any any -> any any (msg:\"x\"; sid:1;)",                // no rev
           "alert ip any any -> any any (msg:\"x\nalert\"; sid:1; rev:1;)",  // line break
           "alert ip any any -> any any (msg:\"x\"; :v; sid:1; rev:1;)",     // no keyword
       }) {
    EXPECT_FALSE(CheckRuleSyntax(r).ok()) << r;
  }
}

TEST(RuleSyntax, ParseSplitsHeaderAndOptions) {
  auto r = ParseRule("alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:\"hi\"; flow:established; nocase; sid:5;)");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->proto, "tcp");
  EXPECT_EQ(r->dst, "$EXTERNAL_NET");
  ASSERT_EQ(r->options.size(), 4u);
  EXPECT_EQ(r->options[1].key, "flow");
  EXPECT_EQ(r->options[1].value, "established");
  EXPECT_FALSE(r->options[2].has_value);
}

}  // namespace
}  // namespace bulwark::exporter
