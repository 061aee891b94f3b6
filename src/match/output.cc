#include "match/output.h"

#include <charconv>

#include "common/json_text.h"

namespace bulwark::match {
namespace {

std::string_view KindName(KeyKind k) {
  switch (k) {
    case KeyKind::kDomain: return "domain";
    case KeyKind::kUrl: return "url";
    case KeyKind::kEmail: return "email";
    case KeyKind::kHash: return "hash";
    case KeyKind::kFilename: return "filename";
    case KeyKind::kJa3: return "ja3";
    case KeyKind::kIp: return "ip";
    case KeyKind::kUserAgent: return "user-agent";
  }
  return "unknown";
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

JsonMatchWriter::JsonMatchWriter(std::FILE* out, SightingSink* sink, std::string sensor,
                                 std::function<int64_t()> now)
    : out_(out), sink_(sink), sensor_(std::move(sensor)), now_(std::move(now)) {}

void JsonMatchWriter::OnMatch(const MatchRecord& r) {
  const Indicator& ind = *r.hit.indicator;
  const int64_t now = now_ ? now_() : 0;
  if (out_ != nullptr) {
    std::string& b = buffer_;
    b.append("{\"input\":");
    AppendJsonString(b, r.position != nullptr ? r.position->input : std::string_view("-"));
    b.append(",\"line\":");
    AppendInt(b, r.position != nullptr ? static_cast<int64_t>(r.position->line) : 0);
    b.append(",\"offset\":");
    AppendInt(b, static_cast<int64_t>(r.offset));
    b.append(",\"format\":");
    AppendJsonString(b, r.position != nullptr ? r.position->format : std::string_view("text"));
    b.append(",\"field\":");
    AppendJsonString(b, r.field);
    b.append(",\"observed\":");
    AppendJsonString(b, r.observed);
    b.append(",\"indicator\":");
    AppendJsonString(b, ind.value);
    b.append(",\"type\":");
    AppendJsonString(b, ind.type);
    b.append(",\"match\":");
    AppendJsonString(b, KindName(r.hit.kind));
    b.append(",\"attribute_uuid\":");
    AppendJsonString(b, ind.attribute_uuid);
    b.append(",\"event_uuid\":");
    AppendJsonString(b, ind.event_uuid);
    b.append(",\"event_info\":");
    AppendJsonString(b, ind.event_info);
    b.append(",\"threat_level\":");
    AppendInt(b, ind.threat_level);
    b.append(",\"tags\":[");
    for (size_t i = 0; i < ind.tags.size(); ++i) {
      if (i > 0) b.push_back(',');
      AppendJsonString(b, ind.tags[i]);
    }
    b.append("],\"tlp\":");
    AppendJsonString(b, ind.tlp);
    b.append(",\"time\":");
    AppendInt(b, now);
    b.append("}\n");
  }
  if (sink_ != nullptr && !ind.attribute_uuid.empty()) {
    pending_.push_back(SightingReport{ind.attribute_uuid, std::string(r.observed), now, sensor_});
  }
}

Status JsonMatchWriter::Flush() {
  if (out_ != nullptr && !buffer_.empty()) {
    size_t n = std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    buffer_.clear();
    if (n == 0 || std::fflush(out_) != 0) return MakeError(ErrorCode::kInternal, "writing matches failed");
  }
  if (sink_ != nullptr && !pending_.empty()) {
    std::vector<SightingReport> batch;
    batch.swap(pending_);
    Status s = sink_->Add(std::move(batch));
    if (!s.ok()) {
      ++sink_errors_;
      return s;
    }
  }
  return Ok();
}

}  // namespace bulwark::match
