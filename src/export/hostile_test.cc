// Hostile values (line breaks, quotes, rule and zone metacharacters, control characters, very long values) must
// never break a format: no value can start a second line, rule or record.
#include <string>
#include <vector>

#include "export/rule_syntax.h"
#include "export/test_util.h"

namespace bulwark::exporter::testing {
namespace {

std::vector<std::string> HostileValues() {
  std::vector<std::string> v = {
      "evil.example\nalert ip any any -> any any (msg:\"injected\"; sid:1;)",
      "a\"; sid:1; classtype:x; content:\"b",
      "x|y;z:w\\v\"q",
      "ctl\x01\x02\x1f\x7f\tend",
      "crlf\r\n$TTL 0\r\n@ NS evil.",
      "1.2.3.4 any -> any any (msg:\"x\"; sid:2;)",
      "http://evil.example/a;b\"c|d\\e\nf",
      "https://[2001:db8::1]:99999/x",
      "ssh://user@192.0.2.1:22",
      "evil.example CNAME rpz-passthru.",
      "*.evil.example",
      "-",
      "",
      "1\n2",
      "0x41\"\"\"",
      "\xc3\xa9v\xc3\xafl.example",  // UTF-8, not a DNS name
      std::string(100000, 'A') + "\n" + std::string(10, 'B'),
      std::string(300, '\xe2') + "\x82\xac",  // invalid UTF-8 run: msg truncation must not split oddly
  };
  return v;
}

const char* const kTypes[] = {"ip-dst",
                              "ip-src",
                              "ip-dst|port",
                              "domain",
                              "hostname",
                              "domain|ip",
                              "url",
                              "user-agent",
                              "email",
                              "email-src",
                              "email-dst",
                              "email-subject",
                              "email-attachment",
                              "snort",
                              "md5",
                              "filename|md5",
                              "filename",
                              "text",
                              "ja3-fingerprint-md5",
                              "x509-fingerprint-sha1",
                              "comment"};

model::Event HostileEvent() {
  model::Event e;
  e.id = 9;
  e.uuid = "uuid\twith\ntab";
  e.info = "info; \"quoted\"\nsecond line";
  e.tags = {MakeTag("tag\"; sid:9;"), MakeTag("t\nl")};
  model::Id id = 1;
  for (const char* type : kTypes) {
    for (const auto& v : HostileValues()) {
      model::Attribute a = Attr(id++, type, v, std::string(type).find('|') != std::string::npos ? v : "");
      a.comment = v.substr(0, 200);
      a.tags = {MakeTag(v.substr(0, 50))};
      e.attributes.push_back(std::move(a));
    }
  }
  return e;
}

TEST(Hostile, EveryRuleIsOneValidLine) {
  for (auto format : {"suricata", "snort"}) {
    ExportStats st;
    const std::string out = RunExport(format, SampleOptions(), HostileEvent(), &st);
    size_t rules = 0;
    for (auto line : Lines(out)) {
      if (line.empty() || line[0] == '#') continue;
      ++rules;
      auto ok = CheckRuleSyntax(line);
      EXPECT_TRUE(ok.ok()) << format << ": " << ok.error().message << "\n" << line.substr(0, 300);
      EXPECT_EQ(line.find("msg:\"injected\""), std::string_view::npos);  // only ever inside our msg/content
    }
    EXPECT_EQ(rules, st.records) << format;  // one line per rule: nothing split a rule
    EXPECT_GT(rules, 50u);
    EXPECT_GT(st.skipped_value, 0u);  // bad addresses, names, user rules
  }
}

TEST(Hostile, ZeekLinesKeepSevenFields) {
  ExportStats st;
  const std::string out = RunExport("zeek", SampleOptions(), HostileEvent(), &st);
  auto lines = Lines(out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(lines.size(), st.records + 1);  // + the #fields line
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(std::count(lines[i].begin(), lines[i].end(), '\t'), 6) << lines[i].substr(0, 200);
    EXPECT_EQ(lines[i].find('\r'), std::string_view::npos);
    EXPECT_TRUE(lines[i].substr(lines[i].size() - 4) == "\tT\t-");
  }
}

TEST(Hostile, RpzRecordsAreWellFormed) {
  ExportStats st;
  const std::string out = RunExport("rpz", SampleOptions(), HostileEvent(), &st);
  size_t records = 0;
  for (auto line : Lines(out)) {
    if (line.empty() || line[0] == ';' || line[0] == '$' || line[0] == '@' || line[0] == ' ') continue;
    ++records;
    // owner: DNS-name characters only, then exactly " CNAME ."
    const size_t sp = line.find(' ');
    ASSERT_NE(sp, std::string_view::npos) << line;
    EXPECT_EQ(line.substr(sp), " CNAME .") << line;
    for (char c : line.substr(0, sp)) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '*') << line;
    }
  }
  EXPECT_EQ(records, st.records);
  EXPECT_EQ(out.find("rpz-passthru"), std::string::npos);
  EXPECT_EQ(out.find("$TTL 0"), std::string::npos);
}

TEST(Hostile, TextAndHashesNeverSplitAValue) {
  ExportStats st;
  const std::string out = RunExport("text", SampleOptions(), HostileEvent(), &st);
  EXPECT_EQ(static_cast<size_t>(std::count(out.begin(), out.end(), '\n')), st.records);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  const std::string hashes = RunExport("hashes", SampleOptions(), HostileEvent(), &st);
  EXPECT_EQ(static_cast<size_t>(std::count(hashes.begin(), hashes.end(), '\n')), st.records);
}

// A minimal RFC 4180 reader: records of fields; quoted fields may hold commas, quotes ("") and line breaks.
std::vector<std::vector<std::string>> ParseCsv(std::string_view s) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = was_quoted = true;
    } else if (c == ',') {
      records.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      records.back().push_back(std::move(field));
      field.clear();
      records.emplace_back();
    } else {
      field += c;
    }
  }
  (void)was_quoted;
  if (!records.back().empty() || !field.empty()) records.back().push_back(field);
  return records;
}

TEST(Hostile, CsvKeepsOneRecordPerAttribute) {
  const model::Event e = HostileEvent();
  const std::string out = RunExport("csv", SampleOptions(), e);
  auto records = ParseCsv(out);
  // header + one per attribute + the empty line MISP ends with (an empty record) + the final empty split
  ASSERT_EQ(records.size(), e.attributes.size() + 3);
  for (size_t i = 0; i < e.attributes.size(); ++i) {
    const auto& r = records[i + 1];
    ASSERT_EQ(r.size(), 13u) << i;
    EXPECT_EQ(r[0], e.attributes[i].uuid);
    EXPECT_EQ(r[4], e.attributes[i].Value());
    EXPECT_EQ(r[5], e.attributes[i].comment);
  }
}

}  // namespace
}  // namespace bulwark::exporter::testing
