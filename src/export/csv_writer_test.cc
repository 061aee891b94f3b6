#include <algorithm>
#include <string>

#include "export/test_util.h"
#include "misp/misp_json.h"
#include "model/test_data.h"

namespace bulwark::exporter::testing {
namespace {

// MISP's own CI: tests/event.json imported as event 1 and exported as CSV must equal tests/event.csv.
TEST(CsvWriter, MatchesMispGoldenFileByteForByte) {
  const auto dir = model::testing::TestDataDir() / "misp" / "events";
  auto json = model::testing::ReadJsonFile(dir / "misp-ci-event.json");
  auto expected = model::testing::ReadFile(dir / "misp-ci-event.expected.csv");
  if (!json || !expected) GTEST_SKIP() << "test data missing: " << dir << " (set BULWARK_TESTDATA)";
  auto parsed = misp::ParseEvent(*json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  model::Event event = parsed->event;
  event.id = 1;  // MISP's CI imports it into an empty instance
  for (const auto& in : parsed->attributes) event.attributes.push_back(in.attribute);
  ASSERT_EQ(event.attributes.size(), 38u);
  // The golden file lists the attributes in uuid order (the order MISP's query returned them in).
  std::sort(event.attributes.begin(), event.attributes.end(),
            [](const auto& a, const auto& b) { return a.uuid < b.uuid; });
  EXPECT_EQ(RunExport("csv", ExportOptions{}, event), *expected);
}

model::Event ObjectEvent() {
  model::Event e;
  e.id = 42;
  e.info = "Info with \"quotes\", commas";
  e.date = "2024-05-01";
  e.threat_level = model::ThreatLevel::kMedium;
  e.distribution = model::Distribution::kConnected;
  e.analysis = model::Analysis::kOngoing;
  e.timestamp = 1714557600;
  e.tags = {MakeTag("tlp:green"), MakeTag("misp-galaxy:threat-actor=\"APT 28\"")};
  model::Attribute port = Attr(1, "port", "8443");
  port.comment = "12.5";
  port.to_ids = false;
  port.tags = {MakeTag("123")};
  e.attributes = {port, Attr(2, "ip-dst|port", "192.0.2.1", "443")};
  model::Object obj;
  obj.uuid = "b0b0b0b0-0000-4000-8000-000000000001";
  obj.name = "domain-ip";
  obj.meta_category = "network";
  model::Attribute d = Attr(3, "domain", "evil.example");
  d.object_relation = "domain";
  d.comment = "multi\nline \"quoted\"";
  obj.attributes = {d};
  e.objects = {obj};
  return e;
}

TEST(CsvWriter, DefaultColumnsWithObjectsTagsAndNumbers) {
  const std::string expected =
      "uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,object_uuid,"
      "object_name,object_meta_category\n"
      // numeric value, comment and single numeric tag are written bare, as PHP's is_numeric decides
      "\"00000000-0000-4000-8000-0000000001\",42,\"Network activity\",\"port\",8443,12.5,0,1700000001,\"\",123,"
      "\"\",\"\",\"\"\n"
      "\"00000000-0000-4000-8000-0000000002\",42,\"Network activity\",\"ip-dst|port\",\"192.0.2.1|443\",\"\",1,"
      "1700000002,\"\",\"\",\"\",\"\",\"\"\n"
      "\"00000000-0000-4000-8000-0000000003\",42,\"Network activity\",\"domain\",\"evil.example\","
      "\"multi\nline \"\"quoted\"\"\",1,1700000003,\"domain\",\"\",\"b0b0b0b0-0000-4000-8000-000000000001\","
      "\"domain-ip\",\"network\"\n"
      "\n";
  EXPECT_EQ(RunExport("csv", ExportOptions{}, ObjectEvent()), expected);
}

TEST(CsvWriter, RequestedColumnsContextAndHeaderless) {
  ExportOptions o;
  o.csv.requested_attributes = std::vector<std::string>{"value", "timestamp", "no_such_column", "to_ids"};
  o.csv.include_context = true;
  model::Event e = ObjectEvent();
  e.objects.clear();
  e.attributes.resize(1);
  const std::string expected =
      "value,date,no_such_column,to_ids,event_info,event_member_org,event_source_org,event_distribution,"
      "event_threat_level_id,event_analysis,event_date,event_tag,event_timestamp\n"
      "8443,1700000001,\"\",0,\"Info with \"\"quotes\"\", commas\",\"CERT-X\",\"CERT-X\",2,\"Medium\",1,"
      "\"2024-05-01\",\"tlp:green,misp-galaxy:threat-actor=\"\"APT 28\"\"\",1714557600\n"
      "\n";
  EXPECT_EQ(RunExport("csv", o, e), expected);

  o.csv.headerless = true;
  o.csv.scope = CsvScope::kAttribute;  // attributes/restSearch: the threat level as its number
  o.csv.requested_attributes = std::vector<std::string>{"uuid"};
  o.csv.requested_obj_attributes = std::vector<std::string>{"meta-category"};
  o.csv.include_context = false;
  EXPECT_EQ(RunExport("csv", o, ObjectEvent()),
            "\"00000000-0000-4000-8000-0000000001\",\"\"\n\"00000000-0000-4000-8000-0000000002\",\"\"\n"
            "\"00000000-0000-4000-8000-0000000003\",\"network\"\n\n");
}

TEST(CsvWriter, RejectsColumnNamesThatWouldBreakTheHeader) {
  ExportOptions o;
  o.csv.requested_attributes = std::vector<std::string>{"value", "a,b"};
  EXPECT_FALSE(MakeWriter("csv", o).ok());
  o.csv.requested_attributes = std::vector<std::string>{"value\n"};
  EXPECT_FALSE(MakeWriter("csv", o).ok());
}

TEST(CsvEscape, PhpIsNumericRules) {
  // Bare when PHP's is_numeric says numeric (whitespace excluded: Bulwark quotes those).
  ExportOptions o;
  o.csv.requested_attributes = std::vector<std::string>{"value"};
  o.csv.headerless = true;
  auto one = [&](std::string v) {
    model::Event e;
    e.attributes = {Attr(1, "text", std::move(v))};
    std::string out = RunExport("csv", o, e);
    return out.substr(0, out.size() - 2);  // drop "\n\n"
  };
  EXPECT_EQ(one("42"), "42");
  EXPECT_EQ(one("-1.5e3"), "-1.5e3");
  EXPECT_EQ(one(".5"), ".5");
  EXPECT_EQ(one("5."), "5.");
  EXPECT_EQ(one("0x1A"), "\"0x1A\"");
  EXPECT_EQ(one("1e"), "\"1e\"");
  EXPECT_EQ(one("12\n"), "\"12\n\"");
  EXPECT_EQ(one(" 12"), "\" 12\"");
  EXPECT_EQ(one(""), "\"\"");
}

}  // namespace
}  // namespace bulwark::exporter::testing
