#include "export/sink.h"

#include <gtest/gtest.h>

#include <string>

#include "export/export.h"

namespace bulwark::exporter {
namespace {

TEST(Sink, FlushesAtThresholdAndKeepsTheFirstError) {
  std::vector<std::string> chunks;
  Sink sink(
      [&](std::string_view b) {
        chunks.emplace_back(b);
        return Ok();
      },
      8);
  sink.Append("abcd");
  sink.Append("efgh");  // reaches 8: flushed
  sink.Append('i');
  sink.AppendInt(-42);
  EXPECT_EQ(chunks.size(), 1u);
  EXPECT_EQ(sink.buffered(), 4u);
  ASSERT_TRUE(sink.Finish().ok());
  EXPECT_EQ(chunks, (std::vector<std::string>{"abcdefgh", "i-42"}));
  EXPECT_EQ(sink.bytes_flushed(), 12u);

  int calls = 0;
  Sink failing(
      [&](std::string_view) -> Status {
        ++calls;
        return MakeError(ErrorCode::kUnavailable, "gone");
      },
      4);
  failing.Append("12345");
  EXPECT_FALSE(failing.ok());
  failing.Append("more");  // dropped
  EXPECT_EQ(failing.Finish().error().message, "gone");
  EXPECT_EQ(calls, 1);
}

// A million rows through the CSV and suricata writers: the sink's buffer never exceeds its threshold plus one
// row, and every row reaches the consumer.
TEST(Streaming, MillionRowsWithBoundedBuffer) {
  model::Event e;
  e.id = 77;
  e.uuid = "5f1e2d3c-0000-4000-8000-000000000077";
  e.threat_level = model::ThreatLevel::kMedium;
  model::Attribute a;
  a.uuid = "11111111-2222-4333-8444-555555555555";
  a.category = "Network activity";
  a.to_ids = true;
  a.timestamp = 1700000000;
  constexpr size_t kThreshold = 64 * 1024;
  for (auto format : {"csv", "suricata"}) {
    auto w = MakeWriter(format, ExportOptions{});
    ASSERT_TRUE(w.ok());
    uint64_t lines = 0, bytes = 0;
    Sink sink(
        [&](std::string_view b) {
          for (char c : b) lines += c == '\n';
          bytes += b.size();
          return Ok();
        },
        kThreshold);
    (*w)->Begin(sink);
    char value[32];
    for (uint32_t i = 0; i < 1000000; ++i) {
      a.id = i + 1;
      a.type = (i & 1) != 0 ? "ip-dst" : "domain";
      const int n = (i & 1) != 0
                        ? std::snprintf(value, sizeof(value), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255)
                        : std::snprintf(value, sizeof(value), "h%u.example", i);
      a.value1.assign(value, static_cast<size_t>(n));
      (*w)->Row(ExportRow(a, e), sink);
    }
    (*w)->End(sink);
    ASSERT_TRUE(sink.Finish().ok());
    EXPECT_LT(sink.max_buffered(), kThreshold + 1024) << format;
    EXPECT_EQ(sink.bytes_flushed(), bytes);
    EXPECT_EQ((*w)->stats().rows, 1000000u);
    if (std::string_view(format) == "csv") {
      EXPECT_EQ(lines, 1000000u + 2);  // header + rows + final empty line
    } else {
      EXPECT_EQ((*w)->stats().records, 500000u * 2 + 500000u);  // domain: dns + http rules; ip: one rule
      EXPECT_EQ(lines, (*w)->stats().records + 11);             // + the comment header
    }
  }
}

}  // namespace
}  // namespace bulwark::exporter
