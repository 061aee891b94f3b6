// Suricata and Snort rules as MISP's NidsExport / NidsSuricataExport / NidsSnortExport generate them (see
// export.h for the format and the per-type rules).
#include <string>

#include "common/ip.h"
#include "export/escape.h"
#include "export/rule_syntax.h"
#include "export/writers.h"

namespace bulwark::exporter::internal {
namespace {

constexpr size_t kMaxMsgValueBytes = 256;
constexpr size_t kMaxMsgTagBytes = 128;
constexpr std::string_view kHomeNet = "$HOME_NET";
constexpr std::string_view kExternalNet = "$EXTERNAL_NET";
constexpr std::string_view kTagSession = "tag:session,600,seconds; ";

// An address or prefix usable in a rule header: the value itself when it parses, the masked prefix when only
// host bits are wrong, empty when it is not an address.
std::string_view RuleAddress(std::string_view value, std::string& scratch) {
  if (value.empty() || value.size() > 64) return {};
  if (Cidr::Parse(value).ok()) return value;
  auto masked = Cidr::ParseMasked(value);
  if (!masked.ok()) return {};
  scratch = masked->ToString();
  return scratch;
}

bool IsIp(std::string_view s) { return !s.empty() && s.size() <= 64 && IpAddress::Parse(s).ok(); }

bool IsHex(std::string_view s, size_t len) {
  if (s.size() != len) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

// A DNS name for a pcre: dots escaped (IsDnsName values have no other metacharacters).
void AppendPcreName(Sink& sink, std::string_view name) {
  size_t start = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '.') {
      sink.Append(name.substr(start, i - start));
      sink.Append("\\.");
      start = i + 1;
    }
  }
  sink.Append(name.substr(start));
}

// The DNS wire form of a name as a content body: "|03|www|07|example|03|com|00|" (MISP's dnsNameToRawFormat),
// with `lead` hex bytes first (hostname rules anchor on the preceding 0x01). REQUIRES: IsDnsName(name).
void AppendDnsWire(Sink& sink, std::string_view name, std::string_view lead) {
  constexpr char kHex[] = "0123456789abcdef";
  sink.Append('|');
  if (!lead.empty()) {
    sink.Append(lead);
    sink.Append(' ');
  }
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    const char len[2] = {kHex[label.size() >> 4], kHex[label.size() & 0xf]};
    sink.Append(std::string_view(len, 2));
    sink.Append('|');
    sink.Append(label);
    if (dot == std::string_view::npos) break;
    sink.Append('|');
    start = dot + 1;
  }
  sink.Append("|00|");
}

struct UrlParts {
  std::string_view scheme, host, port, path;
};

// scheme://[userinfo@]host[:port][/path][?query][#fragment]; false when there is no scheme or the authority
// is malformed (the caller then uses the scheme-less rule, as MISP does when parse_url fails).
bool SplitUrl(std::string_view url, UrlParts* out) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  out->scheme = url.substr(0, sep);
  for (char c : out->scheme) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '.' ||
          c == '-')) {
      return false;
    }
  }
  std::string_view rest = url.substr(sep + 3);
  const size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  out->path = {};
  if (auth_end != std::string_view::npos && rest[auth_end] == '/') {
    std::string_view p = rest.substr(auth_end);
    out->path = p.substr(0, p.find_first_of("?#"));
  }
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  out->port = {};
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    out->host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      out->port = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    out->host = authority.substr(0, colon);
    if (colon != std::string_view::npos) out->port = authority.substr(colon + 1);
  }
  uint16_t port = 0;
  if (!out->port.empty() && !ParsePort(out->port, &port)) return false;
  return !out->host.empty();
}

bool SchemeIs(std::string_view scheme, std::string_view want) {
  if (scheme.size() != want.size()) return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    char c = scheme[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != want[i]) return false;
  }
  return true;
}

class NidsWriter final : public Writer {
 public:
  NidsWriter(NidsFlavour flavour, const ExportOptions& options)
      : flavour_(flavour), base_url_(options.base_url), sid_base_(options.nids.sid_base) {}

  void Begin(Sink& sink) override {
    sink.Append("# MISP export of IDS rules - optimized for ");
    sink.Append(suricata() ? "suricata" : "snort");
    sink.Append(
        "\n#\n"
        "# These NIDS rules contain some variables that need to exist in your configuration.\n"
        "# Make sure you have set:\n"
        "#\n"
        "# $HOME_NET     - Your internal network range\n"
        "# $EXTERNAL_NET - The network considered as outside\n"
        "# $SMTP_SERVERS - All your internal SMTP servers\n"
        "# $HTTP_PORTS   - The ports used to contain HTTP traffic (not required with suricata export)\n"
        "# $SSH_PORTS    - The ports used to contain SSH traffic (suricata export, ssh:// URLs)\n"
        "#\n");
  }

  void Row(const ExportRow& row, Sink& sink) override {
    ++stats_.rows;
    const int64_t first = sid_base_ + row.attribute.id * 10 + 1;
    if (row.attribute.id < 0 || sid_base_ < 0 || row.attribute.id > (int64_t{1} << 40) || first + 8 > 4294967295ll) {
      ++stats_.skipped_value;
      return;
    }
    sid_ = first;
    const uint64_t before = stats_.records;
    if (!Dispatch(row, sink)) {
      ++stats_.skipped_type;
    } else if (stats_.records == before) {
      ++stats_.skipped_value;
    }
  }

  void End(Sink&) override {}

 private:
  bool suricata() const { return flavour_ == NidsFlavour::kSuricata; }

  // False when the type is not exported by this flavour.
  bool Dispatch(const ExportRow& row, Sink& sink) {
    const model::Attribute& a = row.attribute;
    const std::string_view t = a.type;
    if (t == "ip-dst" || t == "ip-dst|port") {
      IpRule(row, a.value1, a.value2, /*outgoing=*/true, sink);
    } else if (t == "ip-src" || t == "ip-src|port") {
      IpRule(row, a.value1, a.value2, /*outgoing=*/false, sink);
    } else if (t == "email") {
      EmailRule(row, "MAIL FROM|3a|", "Source Email Address: ", sink);
      EmailRule(row, "RCPT TO|3a|", "Destination Email Address: ", sink);
    } else if (t == "email-src") {
      EmailRule(row, "MAIL FROM|3a|", "Source Email Address: ", sink);
    } else if (t == "email-dst") {
      EmailRule(row, "RCPT TO|3a|", "Destination Email Address: ", sink);
    } else if (t == "email-subject") {
      EmailSubjectRule(row, sink);
    } else if (t == "email-attachment") {
      EmailAttachmentRule(row, sink);
    } else if (t == "domain") {
      DomainRule(row, a.value1, sink);
    } else if (t == "hostname") {
      HostnameRule(row, a.value1, sink);
    } else if (t == "domain|ip") {
      DomainRule(row, a.value1, sink);
      IpRule(row, a.value2, {}, /*outgoing=*/true, sink);
      IpRule(row, a.value2, {}, /*outgoing=*/false, sink);
    } else if (t == "url") {
      if (suricata()) {
        SuricataUrlRule(row, sink);
      } else {
        SnortUrlRule(row, sink);
      }
    } else if (t == "user-agent") {
      UserAgentRule(row, sink);
    } else if ((t == "ja3-fingerprint-md5" || t == "ja3s-fingerprint-md5") && suricata()) {
      Ja3Rule(row, t == "ja3s-fingerprint-md5", sink);
    } else if (t == "snort") {
      PassThroughRule(row, sink);
    } else {
      return false;
    }
    return true;
  }

  // "alert <proto> <src> <sport> -> <dst> <dport> (msg:"MISP e<id> [<tags>] <what><v1>[|<v2>]"; "
  void Open(const ExportRow& row, std::string_view proto, std::string_view src, std::string_view sport,
            std::string_view dst, std::string_view dport, std::string_view what, std::string_view v1,
            std::string_view v2, Sink& sink) {
    sink.Append("alert ");
    sink.Append(proto);
    sink.Append(' ');
    sink.Append(src);
    sink.Append(' ');
    sink.Append(sport);
    sink.Append(" -> ");
    sink.Append(dst);
    sink.Append(' ');
    sink.Append(dport);
    sink.Append(" (msg:\"");
    MsgPrefix(row, sink);
    sink.Append(what);
    AppendMsgEscaped(sink, v1, kMaxMsgValueBytes);
    if (!v2.empty()) {
      sink.Append('|');
      AppendMsgEscaped(sink, v2, kMaxMsgValueBytes);
    }
    sink.Append("\"; ");
  }

  // "MISP e<id> [<attribute tags>,<event tags>] "
  void MsgPrefix(const ExportRow& row, Sink& sink) {
    sink.Append("MISP e");
    sink.AppendInt(row.event.id);
    sink.Append(" [");
    bool first = true;
    for (auto tags : {row.tags, row.event_tags}) {
      for (const auto& t : tags) {
        if (!first) sink.Append(',');
        first = false;
        AppendMsgEscaped(sink, t.tag.name, kMaxMsgTagBytes);
      }
    }
    sink.Append("] ");
  }

  // "[tag:session,600,seconds; ]classtype:trojan-activity; sid:N; rev:1; priority:P; [reference:...;])\n"
  void Close(const ExportRow& row, bool tag_session, Sink& sink) {
    if (tag_session) sink.Append(kTagSession);
    sink.Append("classtype:trojan-activity; sid:");
    sink.AppendInt(sid_++);
    sink.Append("; rev:1; priority:");
    sink.AppendInt(static_cast<int>(row.event.threat_level));
    sink.Append(';');
    if (!base_url_.empty()) {
      sink.Append(" reference:url,");
      sink.Append(base_url_);
      sink.Append("/events/view/");
      sink.AppendInt(row.event.id);
      sink.Append(';');
    }
    sink.Append(")\n");
    ++stats_.records;
  }

  void Content(std::string_view value, Sink& sink) {
    sink.Append("content:\"");
    AppendContentEscaped(sink, value);
    sink.Append("\"; ");
  }

  void IpRule(const ExportRow& row, std::string_view ip, std::string_view port, bool outgoing, Sink& sink) {
    std::string_view addr = RuleAddress(ip, scratch_);
    if (addr.empty()) return;
    uint16_t p = 0;
    if (!port.empty() && !ParsePort(port, &p)) return;
    std::string_view port_text = port.empty() ? std::string_view("any") : port;
    if (outgoing) {
      Open(row, "ip", kHomeNet, "any", addr, port_text, "Outgoing To IP: ", ip, port, sink);
    } else {
      Open(row, "ip", addr, port_text, kHomeNet, "any", "Incoming From IP: ", ip, port, sink);
    }
    Close(row, false, sink);
  }

  void EmailRule(const ExportRow& row, std::string_view command, std::string_view what, Sink& sink) {
    const std::string_view v = row.attribute.value1;
    if (v.empty()) return;
    Open(row, "tcp", kExternalNet, "any", "$SMTP_SERVERS", "25", what, v, {}, sink);
    sink.Append("flow:established,to_server; content:\"");
    sink.Append(command);
    sink.Append("\"; nocase; ");
    Content(v, sink);
    sink.Append("fast_pattern; nocase; content:\"|0D 0A 0D 0A|\"; within:8192; ");
    Close(row, true, sink);
  }

  void EmailSubjectRule(const ExportRow& row, Sink& sink) {
    const std::string_view v = row.attribute.value1;
    if (v.empty()) return;
    Open(row, "tcp", kExternalNet, "any", "$SMTP_SERVERS", "25", "Bad Email Subject", {}, {}, sink);
    sink.Append("flow:established,to_server; content:\"Subject|3a|\"; nocase; ");
    Content(v, sink);
    sink.Append("fast_pattern; nocase; content:\"|0D 0A 0D 0A|\"; within:8192; ");
    Close(row, true, sink);
  }

  void EmailAttachmentRule(const ExportRow& row, Sink& sink) {
    const std::string_view v = row.attribute.value1;
    if (v.empty()) return;
    Open(row, "tcp", kExternalNet, "any", "$SMTP_SERVERS", "25", "Bad Email Attachment", {}, {}, sink);
    sink.Append("flow:established,to_server; content:\"Content-Disposition|3a| attachment|3b| filename|3d 22|\"; ");
    sink.Append("content:\"");
    AppendContentEscaped(sink, v);
    sink.Append("|22|\"; fast_pattern; content:\"|0D 0A 0D 0A|\"; within:8192; ");
    Close(row, true, sink);
  }

  void DomainRule(const ExportRow& row, std::string_view d, Sink& sink) {
    if (!IsDnsName(d)) return;
    if (suricata()) {
      Open(row, "dns", "any", "any", "any", "53", "Domain: ", d, {}, sink);
      sink.Append("dns_query; ");
      Content(d, sink);
      sink.Append("nocase; pcre:\"/(^|[^A-Za-z0-9-])");
      AppendPcreName(sink, d);
      sink.Append("$/i\"; ");
      Close(row, false, sink);
    } else {
      for (std::string_view proto : {"udp", "tcp"}) {
        Open(row, proto, "any", "any", "any", "53", "Domain: ", d, {}, sink);
        sink.Append("content:\"|01 00 00 01 00 00 00 00 00 01|\"; depth:10; offset:2; content:\"");
        AppendDnsWire(sink, d, {});
        sink.Append("\"; fast_pattern; nocase; ");
        if (proto == "tcp") sink.Append("flow:established; ");
        Close(row, false, sink);
      }
    }
    Open(row, suricata() ? "http" : "tcp", kHomeNet, "any", kExternalNet, suricata() ? "any" : "$HTTP_PORTS",
         "Outgoing HTTP Domain: ", d, {}, sink);
    sink.Append("flow:to_server,established; content:\"Host|3a|\"; nocase; http_header; ");
    Content(d, sink);
    sink.Append("fast_pattern; nocase; http_header; pcre:\"/(^|[^A-Za-z0-9-])");
    AppendPcreName(sink, d);
    sink.Append(suricata() ? "[^A-Za-z0-9-\\.]/Hi\"; " : "[^A-Za-z0-9-\\.]/H\"; ");
    Close(row, true, sink);
  }

  void HostnameRule(const ExportRow& row, std::string_view h, Sink& sink) {
    if (!IsDnsName(h)) return;
    if (suricata()) {
      Open(row, "dns", "any", "any", "any", "53", "Hostname: ", h, {}, sink);
      sink.Append("dns_query; ");
      Content(h, sink);
      sink.Append("nocase; pcre:\"/(^|[^A-Za-z0-9-\\.])");
      AppendPcreName(sink, h);
      sink.Append("$/i\"; ");
      Close(row, false, sink);
    } else {
      for (std::string_view proto : {"udp", "tcp"}) {
        Open(row, proto, "any", "any", "any", "53", "Hostname: ", h, {}, sink);
        sink.Append("content:\"|01 00 00 01 00 00 00 00 00 01|\"; depth:10; offset:2; content:\"");
        AppendDnsWire(sink, h, "01");
        sink.Append("\"; fast_pattern; nocase; ");
        if (proto == "tcp") sink.Append("flow:established; ");
        Close(row, false, sink);
      }
    }
    Open(row, suricata() ? "http" : "tcp", kHomeNet, "any", kExternalNet, suricata() ? "any" : "$HTTP_PORTS",
         "Outgoing HTTP Hostname: ", h, {}, sink);
    sink.Append("flow:to_server,established; content:\"Host|3a| ");
    AppendContentEscaped(sink, h);
    sink.Append(suricata() ? "\"; fast_pattern; nocase; http_header; " : "\"; nocase; http_header; ");
    sink.Append("pcre:\"/(^|[^A-Za-z0-9-\\.])");
    AppendPcreName(sink, h);
    sink.Append(suricata() ? "[^A-Za-z0-9-\\.]/Hi\"; " : "[^A-Za-z0-9-\\.]/H\"; ");
    Close(row, true, sink);
  }

  void SnortUrlRule(const ExportRow& row, Sink& sink) {
    const std::string_view v = row.attribute.value1;
    if (v.empty()) return;
    Open(row, "tcp", kHomeNet, "any", kExternalNet, "$HTTP_PORTS", "Outgoing HTTP URL: ", v, {}, sink);
    sink.Append("flow:to_server,established; ");
    Content(v, sink);
    sink.Append("nocase; http_uri; ");
    Close(row, true, sink);
  }

  void SuricataUrlRule(const ExportRow& row, Sink& sink) {
    const std::string_view v = row.attribute.value1;
    if (v.empty()) return;
    UrlParts u;
    if (SplitUrl(v, &u)) {
      const bool host_is_ip = IsIp(u.host);
      if (SchemeIs(u.scheme, "http")) {
        Open(row, "http", kHomeNet, "any", host_is_ip ? u.host : kExternalNet,
             u.port.empty() ? std::string_view("$HTTP_PORTS") : u.port, "Outgoing URL: ", v, {}, sink);
        sink.Append("flow:to_server,established; ");
        Content(u.host, sink);
        if (u.path.empty()) {
          sink.Append("nocase; http_header; ");
        } else {
          sink.Append("fast_pattern; nocase; http_header; ");
          Content(u.path, sink);
          sink.Append("nocase; http_uri; ");
        }
        return Close(row, true, sink);
      }
      if (SchemeIs(u.scheme, "https") && (host_is_ip || IsDnsName(u.host))) {
        const std::string_view port = u.port.empty() ? std::string_view("443") : u.port;
        if (host_is_ip) {
          Open(row, "tcp", kHomeNet, "any", u.host, port, "Outgoing URL: ", v, {}, sink);
          sink.Append("flow:to_server; app-layer-protocol:tls; ");
        } else {
          Open(row, "tls", kExternalNet, port, kHomeNet, "any", "Outgoing URL: ", v, {}, sink);
          sink.Append("tls_cert_subject; ");
          Content(u.host, sink);
          sink.Append("nocase; pcre:\"/");
          AppendPcreName(sink, u.host);
          sink.Append("$/\"; ");
        }
        return Close(row, true, sink);
      }
      const bool ssh = SchemeIs(u.scheme, "ssh");
      if (ssh || SchemeIs(u.scheme, "ftp")) {
        if (!host_is_ip) return;  // MISP: no satisfying rule for a name (a domain attribute covers it)
        const std::string_view port = !u.port.empty() ? u.port : ssh ? std::string_view("$SSH_PORTS") : "[20,21]";
        Open(row, "tcp", kHomeNet, "any", u.host, port, "Outgoing URL: ", v, {}, sink);
        sink.Append(ssh ? "flow:to_server; app-layer-protocol:ssh; " : "flow:to_server; app-layer-protocol:ftp; ");
        return Close(row, false, sink);
      }
    }
    Open(row, "http", kHomeNet, "any", kExternalNet, "any", "Outgoing URL: ", v, {}, sink);
    sink.Append("flow:to_server,established; ");
    Content(v, sink);
    sink.Append("fast_pattern; nocase; http_uri; ");
    Close(row, true, sink);
  }

  void UserAgentRule(const ExportRow& row, Sink& sink) {
    const std::string_view v = row.attribute.value1;
    if (v.empty()) return;
    if (suricata()) {
      Open(row, "http", kHomeNet, "any", kExternalNet, "any", "Outgoing User-Agent: ", v, {}, sink);
      sink.Append("flow:to_server,established; ");
      Content(v, sink);
      sink.Append("fast_pattern; http_user_agent; ");
    } else {
      Open(row, "tcp", kHomeNet, "any", kExternalNet, "$HTTP_PORTS", "Outgoing User-Agent: ", v, {}, sink);
      sink.Append("flow:to_server,established; ");
      Content(v, sink);
      sink.Append("http_header; ");
    }
    Close(row, true, sink);
  }

  void Ja3Rule(const ExportRow& row, bool server, Sink& sink) {
    const std::string_view v = row.attribute.value1;
    if (!IsHex(v, 32)) return;
    if (server) {
      Open(row, "tls", kExternalNet, "any", kHomeNet, "any", "JA3S Hash: ", v, {}, sink);
      sink.Append("ja3s.hash; ");
    } else {
      Open(row, "tls", kHomeNet, "any", kExternalNet, "any", "JA3 Hash: ", v, {}, sink);
      sink.Append("ja3.hash; ");
    }
    Content(v, sink);
    Close(row, false, sink);
  }

  // A user-written rule: line breaks become spaces, then msg/sid/rev/classtype/reference are replaced with
  // ours (added when missing) and the result must pass CheckRuleSyntax.
  void PassThroughRule(const ExportRow& row, Sink& sink);

  NidsFlavour flavour_;
  std::string base_url_;
  int64_t sid_base_;
  int64_t sid_ = 0;
  std::string scratch_;
  std::string rule_;  // reused buffer for pass-through rules
  std::string line_;
};

void NidsWriter::PassThroughRule(const ExportRow& row, Sink& sink) {
  line_.assign(row.attribute.value1);
  if (line_.size() > 64 * 1024) return;
  for (char& c : line_) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  auto parsed = ParseRule(line_);
  if (!parsed.ok()) return;
  const ParsedRule& r = *parsed;
  std::string original_msg;
  for (const auto& o : r.options) {
    if (o.key == "msg" && o.value.size() >= 2 && o.value.front() == '"' && o.value.back() == '"') {
      original_msg.assign(o.value.substr(1, o.value.size() - 2));
    }
  }
  // Build the rule in a scratch sink (it must be checked before anything reaches the real sink).
  rule_.clear();
  Sink out(AppendTo(rule_), 1u << 30);
  for (std::string_view f : {r.action, r.proto, r.src, r.sport, r.direction, r.dst, r.dport}) {
    out.Append(f);
    out.Append(' ');
  }
  out.Append("(msg:\"");
  MsgPrefix(row, out);
  out.Append("snort-rule | ");
  out.Append(original_msg);  // already escaped inside the user's rule (ParseRule checked the quoting)
  out.Append("\"; ");
  for (const auto& o : r.options) {
    if (o.key == "msg" || o.key == "sid" || o.key == "rev" || o.key == "classtype") continue;
    if (o.key == "reference" && !base_url_.empty()) continue;
    out.Append(o.key);
    if (o.has_value) {
      out.Append(':');
      out.Append(o.value);
    }
    out.Append("; ");
  }
  const int64_t saved_sid = sid_;
  const uint64_t saved_records = stats_.records;
  Close(row, false, out);
  (void)out.Finish();
  if (!rule_.empty() && rule_.back() == '\n') rule_.pop_back();
  if (!CheckRuleSyntax(rule_).ok()) {
    sid_ = saved_sid;
    stats_.records = saved_records;
    return;
  }
  sink.Append(rule_);
  sink.Append('\n');
}

}  // namespace

std::unique_ptr<Writer> MakeNidsWriter(NidsFlavour flavour, const ExportOptions& options) {
  return std::make_unique<NidsWriter>(flavour, options);
}

}  // namespace bulwark::exporter::internal
