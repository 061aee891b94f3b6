#include "match/output.h"

#include <charconv>

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

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (n == 0 || i + n > s.size() || (n == 3 && c > 0xEF)) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  auto c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
    return 0;
  }
  return n;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c < 0x20 || c == 0x7f) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (size_t n = Utf8Length(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n - 1;
    } else {
      out.append("\\ufffd");
    }
  }
  out.push_back('"');
}

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
