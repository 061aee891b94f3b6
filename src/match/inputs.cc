#include "match/inputs.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "match/json_walk.h"

namespace bulwark::match {
namespace {

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
};

// Zeek field names (TSV columns and JSON keys). "host"/"uri" (http.log) are also paired as a URL.
constexpr FieldSpec kZeekFields[] = {
    {"id.orig_h", FieldKind::kIp},         {"id.resp_h", FieldKind::kIp},
    {"tx_hosts", FieldKind::kIp},          {"rx_hosts", FieldKind::kIp},
    {"src", FieldKind::kIp},               {"dst", FieldKind::kIp},
    {"x_originating_ip", FieldKind::kIp},  {"path", FieldKind::kIp},
    {"query", FieldKind::kDomain},         {"answers", FieldKind::kText},
    {"host", FieldKind::kDomain},          {"server_name", FieldKind::kDomain},
    {"helo", FieldKind::kDomain},          {"san.dns", FieldKind::kDomain},
    {"referrer", FieldKind::kText},        {"user_agent", FieldKind::kUserAgent},
    {"ja3", FieldKind::kJa3},              {"ja3s", FieldKind::kJa3},
    {"md5", FieldKind::kHash},             {"sha1", FieldKind::kHash},
    {"sha256", FieldKind::kHash},          {"filename", FieldKind::kFilename},
    {"mailfrom", FieldKind::kEmail},       {"rcptto", FieldKind::kEmail},
    {"from", FieldKind::kEmail},           {"to", FieldKind::kEmail},
    {"cc", FieldKind::kEmail},             {"reply_to", FieldKind::kEmail},
    {"subject", FieldKind::kText},         {"certificate.subject", FieldKind::kText},
    {"san.email", FieldKind::kEmail},      {"san.uri", FieldKind::kText},
    {"uri", FieldKind::kUrl},
};

// Suricata eve.json paths (arrays are transparent).
constexpr FieldSpec kEveFields[] = {
    {"src_ip", FieldKind::kIp},
    {"dest_ip", FieldKind::kIp},
    {"dns.rrname", FieldKind::kDomain},
    {"dns.rdata", FieldKind::kText},
    {"dns.queries.rrname", FieldKind::kDomain},
    {"dns.answers.rrname", FieldKind::kDomain},
    {"dns.answers.rdata", FieldKind::kText},
    {"dns.grouped.A", FieldKind::kIp},
    {"dns.grouped.AAAA", FieldKind::kIp},
    {"dns.grouped.CNAME", FieldKind::kDomain},
    {"http.hostname", FieldKind::kDomain},
    {"http.url", FieldKind::kUrl},
    {"http.http_user_agent", FieldKind::kUserAgent},
    {"http.http_refer", FieldKind::kText},
    {"tls.sni", FieldKind::kDomain},
    {"tls.ja3.hash", FieldKind::kJa3},
    {"tls.ja3s.hash", FieldKind::kJa3},
    {"fileinfo.md5", FieldKind::kHash},
    {"fileinfo.sha1", FieldKind::kHash},
    {"fileinfo.sha256", FieldKind::kHash},
    {"fileinfo.filename", FieldKind::kFilename},
    {"smtp.helo", FieldKind::kDomain},
    {"smtp.mail_from", FieldKind::kEmail},
    {"smtp.rcpt_to", FieldKind::kEmail},
    {"email.from", FieldKind::kEmail},
    {"email.to", FieldKind::kEmail},
    {"email.cc", FieldKind::kEmail},
    {"email.subject", FieldKind::kText},
};

// CEF extension keys.
constexpr FieldSpec kCefFields[] = {
    {"src", FieldKind::kIp},
    {"dst", FieldKind::kIp},
    {"sourceTranslatedAddress", FieldKind::kIp},
    {"destinationTranslatedAddress", FieldKind::kIp},
    {"dvc", FieldKind::kIp},
    {"c6a2", FieldKind::kIp},
    {"c6a3", FieldKind::kIp},
    {"shost", FieldKind::kDomain},
    {"dhost", FieldKind::kDomain},
    {"dvchost", FieldKind::kDomain},
    {"request", FieldKind::kText},
    {"requestContext", FieldKind::kText},
    {"requestClientApplication", FieldKind::kUserAgent},
    {"fileHash", FieldKind::kHash},
    {"oldFileHash", FieldKind::kHash},
    {"fname", FieldKind::kFilename},
    {"filePath", FieldKind::kFilename},
    {"suser", FieldKind::kEmail},
    {"duser", FieldKind::kEmail},
    {"msg", FieldKind::kText},
    {"cs1", FieldKind::kText},
    {"cs2", FieldKind::kText},
    {"cs3", FieldKind::kText},
    {"cs4", FieldKind::kText},
    {"cs5", FieldKind::kText},
    {"cs6", FieldKind::kText},
};

template <size_t N>
const FieldSpec* Find(const FieldSpec (&table)[N], std::string_view name) {
  for (const FieldSpec& f : table) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// A field table indexed by (length, first byte, last byte): a JSON reader looks up every key of every line, so
// the lookup is one bucket and usually one comparison instead of a walk over the table.
class FieldIndex {
 public:
  template <size_t N>
  explicit FieldIndex(const FieldSpec (&table)[N]) {
    for (const FieldSpec& f : table) buckets_[Bucket(f.name)].push_back(&f);
  }
  const FieldSpec* Find(std::string_view name) const {
    if (name.empty()) return nullptr;
    for (const FieldSpec* f : buckets_[Bucket(name)]) {
      if (f->name == name) return f;
    }
    return nullptr;
  }

 private:
  static size_t Bucket(std::string_view name) {
    if (name.empty()) return 0;
    auto first = static_cast<uint8_t>(name.front());
    auto last = static_cast<uint8_t>(name.back());
    return (name.size() * 37 + first * 7 + last) % kBuckets;
  }
  static constexpr size_t kBuckets = 128;
  std::array<std::vector<const FieldSpec*>, kBuckets> buckets_;
};

// Kinds whose values never contain the set separator, so a Zeek set/vector can be split on it.
bool Splittable(FieldKind k) {
  return k == FieldKind::kIp || k == FieldKind::kDomain || k == FieldKind::kHash || k == FieldKind::kJa3;
}

template <typename Fn>
void SplitEach(std::string_view v, char sep, Fn&& fn) {
  size_t pos = 0;
  while (pos <= v.size()) {
    size_t e = v.find(sep, pos);
    if (e == std::string_view::npos) e = v.size();
    if (e > pos) fn(v.substr(pos, e - pos), pos);
    pos = e + 1;
  }
}

class TextReader : public RecordReader {
 public:
  void Line(std::string_view line, LineMatcher& m) override { m.Match(FieldKind::kText, "text", line, 0); }
  Format format() const override { return Format::kText; }
};

// Zeek TSV with its header; also accepts JSON lines (a Zeek log written with LogAscii::use_json).
class ZeekTsvReader : public RecordReader {
 public:
  void Line(std::string_view line, LineMatcher& m) override {
    if (line.empty()) return;
    if (line[0] == '#') return Header(line);
    if (line[0] == '{') {
      ++errors_;  // JSON in a TSV stream: not this reader's
      return;
    }
    if (columns_.empty()) {
      ++errors_;  // data before a #fields header
      return;
    }
    size_t col = 0;
    size_t pos = 0;
    std::string_view host, uri;
    size_t uri_off = 0;
    while (pos <= line.size() && col < columns_.size()) {
      size_t e = line.find(sep_, pos);
      if (e == std::string_view::npos) e = line.size();
      std::string_view v = line.substr(pos, e - pos);
      const Column& c = columns_[col];
      if (c.spec != nullptr && v != unset_ && v != empty_) {
        if (c.spec->name == "host") host = v;
        if (c.spec->name == "uri") {
          uri = v;
          uri_off = pos;
        }
        if (Splittable(c.spec->kind) && v.find(set_sep_) != std::string_view::npos) {
          SplitEach(v, set_sep_, [&](std::string_view part, size_t off) {
            m.Match(c.spec->kind, c.spec->name, part, pos + off);
          });
        } else {
          m.Match(c.spec->kind, c.spec->name, v, pos);
        }
      }
      ++col;
      pos = e + 1;
    }
    if (!host.empty() && !uri.empty()) m.MatchHostUri(host, uri, uri_off);
  }
  Format format() const override { return Format::kZeek; }

 private:
  struct Column {
    const FieldSpec* spec;
  };

  static std::string Unescape(std::string_view v) {
    // "\x09" -> tab (Zeek writes the separator this way).
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '\\' && i + 3 < v.size() && v[i + 1] == 'x') {
        int hi = Hex(v[i + 2]), lo = Hex(v[i + 3]);
        if (hi >= 0 && lo >= 0) {
          out.push_back(static_cast<char>(hi * 16 + lo));
          i += 3;
          continue;
        }
      }
      out.push_back(v[i]);
    }
    return out;
  }
  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  void Header(std::string_view line) {
    auto value_after = [&](std::string_view key) -> std::string_view {
      std::string_view rest = line.substr(key.size());
      if (!rest.empty() && (rest[0] == ' ' || rest[0] == sep_)) rest.remove_prefix(1);
      return rest;
    };
    if (line.rfind("#separator", 0) == 0) {
      std::string s = Unescape(value_after("#separator"));
      if (s.size() == 1) {
        sep_ = s[0];
      } else {
        ++errors_;
      }
    } else if (line.rfind("#set_separator", 0) == 0) {
      std::string s = Unescape(value_after("#set_separator"));
      if (s.size() == 1) set_sep_ = s[0];
    } else if (line.rfind("#unset_field", 0) == 0) {
      unset_ = Unescape(value_after("#unset_field"));
    } else if (line.rfind("#empty_field", 0) == 0) {
      empty_ = Unescape(value_after("#empty_field"));
    } else if (line.rfind("#fields", 0) == 0) {
      columns_.clear();
      SplitEach(value_after("#fields"), sep_, [&](std::string_view name, size_t) {
        columns_.push_back(Column{Find(kZeekFields, name)});
      });
    }
  }

  char sep_ = '\t';
  char set_sep_ = ',';
  std::string unset_ = "-";
  std::string empty_ = "(empty)";
  std::vector<Column> columns_;
};

template <size_t N>
class JsonReader : public RecordReader {
 public:
  JsonReader(const FieldSpec (&table)[N], Format format, std::string_view host_key, std::string_view uri_key)
      : index_(table), format_(format), host_key_(host_key), uri_key_(uri_key) {}

  void Line(std::string_view line, LineMatcher& m) override {
    if (line.empty()) return;
    host_.clear();
    uri_.clear();
    bool ok = walker_.Walk(line, [&](std::string_view path, std::string_view value, size_t off) {
      const FieldSpec* f = index_.Find(path);
      if (f == nullptr || value.empty() || value == "-") return;
      if (path == host_key_) host_.assign(value);
      if (path == uri_key_) {
        uri_.assign(value);
        uri_off_ = off;
      }
      m.Match(f->kind, f->name, value, off);
    });
    if (!ok) {
      ++errors_;
      return;
    }
    if (!host_.empty() && !uri_.empty()) m.MatchHostUri(host_, uri_, uri_off_);
  }
  Format format() const override { return format_; }

 private:
  FieldIndex index_;
  Format format_;
  std::string_view host_key_, uri_key_;
  JsonWalker walker_;
  std::string host_, uri_;
  size_t uri_off_ = 0;
};

class SyslogReader : public RecordReader {
 public:
  void Line(std::string_view line, LineMatcher& m) override {
    size_t body = BodyStart(line);
    std::string_view msg = line.substr(body);
    size_t cef = msg.find("CEF:");
    if (cef == std::string_view::npos) {
      m.Match(FieldKind::kText, "msg", msg, body);
      return;
    }
    Cef(msg.substr(cef), body + cef, m);
  }
  Format format() const override { return Format::kSyslog; }

 private:
  // Where the message starts: after <PRI>, the RFC 5424 header and structured data, or the RFC 3164
  // timestamp and host name. Unknown layouts start at 0 (the whole line is scanned).
  size_t BodyStart(std::string_view line) {
    size_t i = 0;
    if (!line.empty() && line[0] == '<') {
      size_t close = line.find('>');
      if (close == std::string_view::npos || close > 4) {
        ++errors_;
        return 0;
      }
      i = close + 1;
    }
    auto skip_token = [&](size_t p) {
      while (p < line.size() && line[p] != ' ') ++p;
      while (p < line.size() && line[p] == ' ') ++p;
      return p;
    };
    if (i + 1 < line.size() && line[i] >= '1' && line[i] <= '9' && line[i + 1] == ' ') {
      // RFC 5424: VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
      size_t p = i;
      for (int k = 0; k < 6; ++k) p = skip_token(p);
      if (p < line.size() && line[p] == '[') {
        bool quoted = false;
        while (p < line.size()) {
          char c = line[p];
          if (c == '\\' && quoted) {
            p += 2;
            continue;
          }
          if (c == '"') quoted = !quoted;
          ++p;
          if (c == ']' && !quoted && (p >= line.size() || line[p] != '[')) break;
        }
        while (p < line.size() && line[p] == ' ') ++p;
      } else {
        p = skip_token(p);  // "-"
      }
      return std::min(p, line.size());
    }
    // RFC 3164: "Mmm dd hh:mm:ss HOST MSG".
    if (line.size() >= i + 16 && line[i + 3] == ' ' && line[i + 6] == ' ' && line[i + 9] == ':' &&
        line[i + 12] == ':') {
      return skip_token(i + 16);
    }
    return i;
  }

  // CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
  void Cef(std::string_view cef, size_t base, LineMatcher& m) {
    size_t pipes = 0;
    size_t p = 0;
    while (p < cef.size() && pipes < 7) {
      if (cef[p] == '\\') {
        p += 2;
        continue;
      }
      if (cef[p] == '|') ++pipes;
      ++p;
    }
    if (pipes < 7) {
      ++errors_;
      return;
    }
    std::string_view ext = cef.substr(std::min(p, cef.size()));
    size_t ext_base = base + p;
    // key=value pairs; a value runs until the space before the next "key=".
    size_t i = 0;
    while (i < ext.size()) {
      while (i < ext.size() && ext[i] == ' ') ++i;
      size_t eq = i;
      while (eq < ext.size() && IsKeyChar(ext[eq])) ++eq;
      if (eq >= ext.size() || ext[eq] != '=' || eq == i) {
        ++errors_;
        return;
      }
      std::string_view key = ext.substr(i, eq - i);
      size_t v = eq + 1;
      size_t end = NextKeyStart(ext, v);
      std::string_view value = ext.substr(v, end - v);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      if (const FieldSpec* f = Find(kCefFields, key); f != nullptr && !value.empty()) {
        if (value.find('\\') != std::string_view::npos) {
          value_.clear();
          for (size_t k = 0; k < value.size(); ++k) {
            if (value[k] == '\\' && k + 1 < value.size()) {
              char e = value[++k];
              value_.push_back(e == 'n' ? '\n' : e == 'r' ? '\r' : e);
            } else {
              value_.push_back(value[k]);
            }
          }
          m.Match(f->kind, f->name, value_, ext_base + v);
        } else {
          m.Match(f->kind, f->name, value, ext_base + v);
        }
      }
      i = end;
    }
  }

  static bool IsKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-' || c == '[' || c == ']';
  }

  // The index of the space that precedes the next unescaped "key=", or the end.
  static size_t NextKeyStart(std::string_view ext, size_t from) {
    for (size_t i = from; i < ext.size(); ++i) {
      if (ext[i] == '\\') {
        ++i;
        continue;
      }
      if (ext[i] != ' ') continue;
      size_t k = i + 1;
      while (k < ext.size() && IsKeyChar(ext[k])) ++k;
      if (k > i + 1 && k < ext.size() && ext[k] == '=') return i;
    }
    return ext.size();
  }

  std::string value_;
};

}  // namespace

Result<Format> ParseFormat(std::string_view name) {
  if (name == "auto") return Format::kAuto;
  if (name == "text") return Format::kText;
  if (name == "zeek") return Format::kZeek;
  if (name == "zeek-json") return Format::kZeekJson;
  if (name == "eve") return Format::kEve;
  if (name == "syslog" || name == "cef") return Format::kSyslog;
  return MakeError(ErrorCode::kInvalid,
                   "unknown format " + std::string(name.substr(0, 40)) +
                       " (expected auto, text, zeek, zeek-json, eve or syslog)",
                   "format");
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kAuto: return "auto";
    case Format::kText: return "text";
    case Format::kZeek: return "zeek";
    case Format::kZeekJson: return "zeek-json";
    case Format::kEve: return "eve";
    case Format::kSyslog: return "syslog";
  }
  return "text";
}

Format DetectFormat(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  line.remove_prefix(i);
  if (line.rfind("#separator", 0) == 0 || line.rfind("#fields", 0) == 0) return Format::kZeek;
  if (!line.empty() && line[0] == '{') {
    return line.find("\"event_type\"") != std::string_view::npos ? Format::kEve : Format::kZeekJson;
  }
  if (line.size() > 2 && line[0] == '<' && line[1] >= '0' && line[1] <= '9') {
    size_t close = line.find('>');
    if (close != std::string_view::npos && close <= 4) return Format::kSyslog;
  }
  if (line.find("CEF:") != std::string_view::npos) return Format::kSyslog;
  return Format::kText;
}

std::unique_ptr<RecordReader> MakeReader(Format format) {
  switch (format) {
    case Format::kZeek: return std::make_unique<ZeekTsvReader>();
    case Format::kZeekJson:
      return std::make_unique<JsonReader<std::size(kZeekFields)>>(kZeekFields, Format::kZeekJson, "host", "uri");
    case Format::kEve:
      return std::make_unique<JsonReader<std::size(kEveFields)>>(kEveFields, Format::kEve, "http.hostname",
                                                                 "http.url");
    case Format::kSyslog: return std::make_unique<SyslogReader>();
    case Format::kAuto:
    case Format::kText: break;
  }
  return std::make_unique<TextReader>();
}

}  // namespace bulwark::match
