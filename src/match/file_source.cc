#include "match/file_source.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdio>
#include <map>

#include "match/scan.h"

namespace bulwark::match {
namespace {

std::string_view TrimLine(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
  return v;
}

std::string JsonString(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

Result<Indicator> ParseJsonIndicator(std::string_view line, size_t line_no) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  std::string where = "line " + std::to_string(line_no);
  if (ec || !v.is_object()) return MakeError(ErrorCode::kInvalid, where + ": not a JSON object", where);
  const boost::json::object& o = v.as_object();
  Indicator ind;
  ind.type = JsonString(o, "type");
  ind.value = JsonString(o, "value");
  if (ind.type.empty() || ind.value.empty()) {
    return MakeError(ErrorCode::kInvalid, where + ": \"type\" and \"value\" are required", where);
  }
  ind.attribute_uuid = JsonString(o, "attribute_uuid");
  if (ind.attribute_uuid.empty()) ind.attribute_uuid = JsonString(o, "uuid");
  ind.event_uuid = JsonString(o, "event_uuid");
  ind.event_info = JsonString(o, "event_info");
  ind.tlp = JsonString(o, "tlp");
  if (const auto* t = o.if_contains("threat_level"); t != nullptr && t->is_int64()) {
    ind.threat_level = static_cast<int>(std::clamp<int64_t>(t->as_int64(), 1, 4));
  }
  if (const auto* tags = o.if_contains("tags"); tags != nullptr && tags->is_array()) {
    for (const auto& t : tags->as_array()) {
      if (t.is_string()) ind.tags.emplace_back(t.as_string());
    }
  }
  if (ind.tlp.empty()) {
    for (const auto& t : ind.tags) {
      if (t.rfind("tlp:", 0) == 0) ind.tlp = t;
    }
  }
  return ind;
}

}  // namespace

std::string GuessIndicatorType(std::string_view v) {
  if (v.find("://") != std::string_view::npos) return "url";
  uint32_t v4;
  IpAddress a;
  std::string_view addr = v.substr(0, v.find('/'));
  if (scan_detail::ParseIpv4(addr, &v4) || scan_detail::ParseIpv6(addr, &a)) return "ip-dst";
  if (v.find('@') != std::string_view::npos && v.find(' ') == std::string_view::npos) return "email-src";
  bool hex = !v.empty();
  for (char c : v) hex &= (scan_detail::Class(c) & (scan_detail::kDigit | scan_detail::kHexLetter)) != 0;
  if (hex && v.size() == 32) return "md5";
  if (hex && v.size() == 40) return "sha1";
  if (hex && v.size() == 64) return "sha256";
  if (hex && v.size() == 128) return "sha512";
  std::string_view d = v;
  if (!d.empty() && d.back() == '.') d.remove_suffix(1);
  if (scan_detail::LooksLikeDomain(d)) return "domain";
  if (v.find('/') != std::string_view::npos && scan_detail::LooksLikeDomain(v.substr(0, v.find('/')))) return "url";
  return "text";
}

FileSource::FileSource(std::string path, uint64_t max_bytes) : path_(std::move(path)), max_bytes_(max_bytes) {}

Result<IndicatorBatch> FileSource::Load() { return Read(); }

Result<IndicatorBatch> FileSource::Poll(int64_t cursor) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return MakeError(ErrorCode::kUnavailable, "cannot stat " + path_);
  int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (mtime == mtime_ns_ && static_cast<int64_t>(st.st_size) == size_) {
    IndicatorBatch none;
    none.cursor = cursor;
    return none;
  }
  return Read();
}

Result<IndicatorBatch> FileSource::Read() {
  std::FILE* f = std::fopen(path_.c_str(), "rb");
  if (f == nullptr) return MakeError(ErrorCode::kNotFound, "cannot open indicator file " + path_, "indicators");
  struct stat st {};
  if (::fstat(fileno(f), &st) != 0 || static_cast<uint64_t>(st.st_size) > max_bytes_) {
    std::fclose(f);
    return MakeError(ErrorCode::kTooLarge, "indicator file too large or unreadable: " + path_, "indicators");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = text.empty() ? 0 : std::fread(text.data(), 1, text.size(), f);
  std::fclose(f);
  text.resize(got);
  mtime_ns_ = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  size_ = static_cast<int64_t>(st.st_size);

  const std::string default_event = "file:" + path_;
  std::map<std::string, std::vector<Indicator>> by_event;
  std::vector<Indicator>* plain = nullptr;
  int json = -1;  // unknown until the first non-blank line
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line = TrimLine(std::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (json < 0) json = line[0] == '{' ? 1 : 0;
    if (json == 1) {
      BW_ASSIGN_OR_RETURN(Indicator ind, ParseJsonIndicator(line, line_no));
      if (ind.event_uuid.empty()) ind.event_uuid = default_event;
      std::string ev = ind.event_uuid;
      by_event[ev].push_back(std::move(ind));
      continue;
    }
    if (plain == nullptr) plain = &by_event[default_event];
    Indicator ind;
    ind.type = GuessIndicatorType(line);
    ind.value = std::string(line);
    ind.attribute_uuid = path_ + ":" + std::to_string(line_no);
    ind.event_uuid = default_event;
    plain->push_back(std::move(ind));
  }
  IndicatorBatch batch;
  batch.full = true;
  batch.cursor = ++loads_;
  batch.events.reserve(by_event.size());
  for (auto& [uuid, inds] : by_event) batch.events.push_back(EventIndicators{uuid, std::move(inds)});
  return batch;
}

}  // namespace bulwark::match
