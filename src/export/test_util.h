// Test-only helpers for the export module's *_test.cc files: run a writer over rows into a string, and the
// small hand-built event the golden tests use.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "export/export.h"

namespace bulwark::exporter::testing {

inline model::Attribute Attr(model::Id id, std::string type, std::string v1, std::string v2 = {}, bool to_ids = true) {
  model::Attribute a;
  a.id = id;
  a.event_id = 7;
  a.uuid = "00000000-0000-4000-8000-000000000" + std::to_string(id);
  a.type = std::move(type);
  a.category = "Network activity";
  a.value1 = std::move(v1);
  a.value2 = std::move(v2);
  a.to_ids = to_ids;
  a.timestamp = 1700000000 + id;
  return a;
}

inline model::AppliedTag MakeTag(std::string name) {
  model::AppliedTag t;
  t.tag.name = std::move(name);
  return t;
}

// Event 7 with one attribute of each type the formats handle.
inline model::Event SampleEvent() {
  model::Event e;
  e.id = 7;
  e.uuid = "5f1e2d3c-0000-4000-8000-000000000007";
  e.info = "Phishing wave";
  e.date = "2024-05-01";
  e.threat_level = model::ThreatLevel::kHigh;
  e.published = true;
  e.timestamp = 1700000999;
  e.tags.push_back(MakeTag("tlp:amber"));
  e.attributes = {
      Attr(101, "ip-dst", "203.0.113.5"),
      Attr(102, "ip-src|port", "198.51.100.7", "8080"),
      Attr(103, "domain", "evil.example"),
      Attr(104, "hostname", "mail.evil.example"),
      Attr(105, "url", "http://evil.example/login.php?x=1"),
      Attr(106, "user-agent", "Mozilla/5.0 (evil; bot)"),
      Attr(107, "email-src", "ceo@evil.example"),
      Attr(108, "email-subject", "Urgent: invoice"),
      Attr(109, "md5", "d41d8cd98f00b204e9800998ecf8427e"),
      Attr(110, "filename|sha256", "inv.exe", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      Attr(111, "domain|ip", "c2.example", "2001:db8::1"),
      Attr(112, "snort", "alert tcp any any -> any 80 (msg:\"old\"; content:\"x\"; sid:5;)"),
      Attr(113, "http-method", "POST"),
      Attr(114, "ip-dst", "10.0.0.0/8"),
  };
  e.attributes[0].tags.push_back(MakeTag("kill-chain:c2"));
  e.attributes[3].comment = "seen in\theaders";
  return e;
}

inline ExportOptions SampleOptions() {
  ExportOptions o;
  o.base_url = "https://hub.example.org";
  return o;
}

// Runs `format` over every attribute of `e` (and of its objects) into a string.
inline std::string RunExport(std::string_view format, const ExportOptions& options, const model::Event& e,
                             ExportStats* stats = nullptr) {
  auto w = MakeWriter(format, options);
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
  if (!w.ok()) return {};
  std::string out;
  Sink sink(AppendTo(out), 256);
  (*w)->Begin(sink);
  for (const auto& a : e.attributes) {
    ExportRow row(a, e);
    row.orgc_name = "CERT-X";
    row.org_name = "CERT-X";
    (*w)->Row(row, sink);
  }
  for (const auto& o : e.objects) {
    for (const auto& a : o.attributes) {
      ExportRow row(a, e, &o);
      row.orgc_name = "CERT-X";
      row.org_name = "CERT-X";
      (*w)->Row(row, sink);
    }
  }
  (*w)->End(sink);
  EXPECT_TRUE(sink.Finish().ok());
  if (stats != nullptr) *stats = (*w)->stats();
  return out;
}

inline std::vector<std::string_view> Lines(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    size_t nl = s.find('\n');
    out.push_back(s.substr(0, nl));
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace bulwark::exporter::testing
