// Export of attributes in MISP's export formats (restSearch `returnFormat`, `bulwark export --format F`):
// csv, text, hashes, suricata, snort, zeek, rpz. (json, stix2 and misp-feed live elsewhere.)
//
// Streaming: the caller selects and orders the attributes (the hub's search applies the filters, see
// DefaultFilters) and pushes them one row at a time: Begin(sink), Row(row, sink) per attribute, End(sink),
// then sink.Finish(). A writer keeps no row after Row() returns; the only state that grows is the set of
// values already written by the formats that deduplicate (text, rpz: 16 bytes per distinct value).
//
// Formats (what each row becomes; "value" is the attribute's MISP value, "v1|v2" for composites):
//   csv       MISP's CsvExport, byte for byte: a header line, one line per row, then an empty line. Default
//             columns uuid,event_id,category,type,value,comment,to_ids,date(=attribute timestamp),
//             object_relation,attribute_tag,object_uuid,object_name,object_meta_category. A field that PHP's
//             is_numeric accepts is written bare, booleans as 1/0, everything else in double quotes with '"'
//             doubled (RFC 4180; a value with a newline stays inside its quotes, so a CSV reader still sees one
//             record). Bulwark quotes a numeric-looking field that contains whitespace (MISP would not), so no
//             value can start a new line outside quotes. A column the writer does not know is written as ""
//             (as MISP does). Lines end with "\n".
//   text      MISP's TextExport: each distinct value once, one per line, composites as "v1|v2"; a trailing "\n"
//             (an empty export is "\n"). Values containing CR or LF are skipped (they cannot be one line).
//   hashes    MISP's HashesExport: the hash of each hash-typed attribute (md5, sha*, ssdeep, imphash, tlsh,
//             x509 fingerprints, pehash, authentihash, impfuzzy) and the hash half of filename|<hash> and
//             malware-sample, one per line, not deduplicated; an empty export is "\n".
//   suricata, snort
//             MISP's NidsExport rules, one per line after a '#' comment header: for each attribute
//             `alert <proto> <src> <sport> -> <dst> <dport> (msg:"MISP e<event id> [<tags>] <what>: <value>";
//             <match options> classtype:trojan-activity; sid:<sid>; rev:1; priority:<threat level>;
//             reference:url,<base_url>/events/view/<event id>;)`, sid = sid_base + attribute id * 10 + n
//             (n = 1.. for the rules of one attribute). Types: ip-src, ip-dst (and |port), domain, hostname,
//             domain|ip, url, user-agent, email, email-src, email-dst, email-subject, email-attachment,
//             ja3-fingerprint-md5 and ja3s-fingerprint-md5 (suricata only), snort (a user rule, rewritten with
//             our msg/sid/rev/classtype/reference and emitted only if it parses as a rule). Suricata uses its
//             app-layer keywords (dns_query, http_user_agent, tls_cert_subject); snort the raw DNS wire form.
//             Values go into content strings hex-escaped (| " ; : \, control and non-ASCII bytes as |xx|) and
//             into msg backslash-escaped (" ; \) with control characters as spaces and at most 256 bytes, so
//             every rule is one syntactically valid line (CheckRuleSyntax, rule_syntax.h). Addresses, ports
//             and DNS names are checked first; a value that is not one is skipped (counted), never emitted.
//             http-method is not exported (as in MISP: it would match every request).
//   zeek      MISP's ZeekExport, the Zeek intel framework file: "#fields\tindicator\tindicator_type\t
//             meta.source\tmeta.desc\tmeta.url\tmeta.do_notice\tmeta.if_in", then one line per indicator:
//             value, Intel::<TYPE>, "<source_name> (<event uuid>) - <creator org>", "<event info>. <comment>",
//             <base_url>/events/view/<id>, T, -. Types (MISP's mapping): ip-src/ip-dst ADDR (SUBNET with a
//             '/'), ip-*|port the address only, domain/hostname DOMAIN, domain|ip DOMAIN + ADDR, url URL without
//             "http(s)://", email-src/email-dst/target-email EMAIL, filename/email-attachment/pdb FILE_NAME,
//             md5/sha*/ssdeep/imphash/pehash/impfuzzy/tlsh/cdhash/authentihash FILE_HASH, filename|<hash> and
//             malware-sample FILE_NAME + FILE_HASH, user-agent SOFTWARE, x509-fingerprint-sha1 CERT_HASH; and,
//             beyond MISP, ja3-fingerprint-md5 JA3 (the ja3 Zeek package) and ssh-fingerprint PUBKEY_HASH.
//             Tabs, CR, LF and other control characters in any field become spaces; an empty field is "-".
//   rpz       MISP's RPZExport: a DNS response policy zone: "$TTL", SOA and NS lines, a comment naming the
//             policy, then records in row order: domain -> "<d> CNAME <action>" and "*.<d> CNAME <action>";
//             hostname -> "<h> CNAME <action>"; ip-src/ip-dst (and the ip of domain|ip) ->
//             "<len>.<reversed address>.rpz-ip CNAME <action>" (IPv4 "32.4.3.2.1", IPv6 words reversed with
//             "zz" for "::"). Each name once. Actions: NXDOMAIN ".", NODATA "*.", DROP "rpz-drop.", PASSTHRU
//             "rpz-passthru.", TCP-only "rpz-tcp-only.", walled-garden "CNAME <target>." (or "A"/"AAAA"
//             <address> when the target is an address). MISP groups ips, domains and hostnames into sections;
//             a streaming writer keeps row order instead (a zone's record order has no meaning).
//
// Deliberate differences from MISP (each one keeps a line or rule well-formed, or is a MISP bug):
//   - rules: "msg:" without MISP's space, the value in msg backslash-escaped rather than |xx|-escaped, adjacent
//     hex bytes in one group ("|01 04|" for MISP's "|01||04|"), no "0x" -> "|30 78|" quirk, each rule ends in
//     "\n" without MISP's trailing space, type `email` gets two distinct sids (MISP reuses one), the path of
//     an http:// URL is escaped (MISP leaves it raw), pcre only for checked DNS names. MISP's whitelist
//     (#OVERRULED BY WHITELIST#) and its network-connection / ddos object rules are not generated: warninglist
//     filtering belongs to the search (enforceWarninglist).
//   - text: values with line breaks are skipped. zeek: every line ends in "\n", no extra blank line.
//   - rpz: row order (above); the comment's wording.
//
// Thread-safety: a Writer is used by one thread at a time; MakeWriter and the free functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "export/sink.h"
#include "model/entities.h"

namespace bulwark::exporter {

// One attribute to export, with its context. Nothing is copied: every reference must stay valid for the
// duration of the Row() call only.
struct ExportRow {
  ExportRow(const model::Attribute& a, const model::Event& e, const model::Object* o = nullptr)
      : attribute(a), event(e), object(o), tags(a.tags), event_tags(e.tags) {}

  const model::Attribute& attribute;
  const model::Event& event;                      // event.id is the event_id written (CSV, rule msg, urls)
  const model::Object* object = nullptr;          // the attribute's object, or nullptr
  std::span<const model::AppliedTag> tags;        // the attribute's tags as this reader may see them
  std::span<const model::AppliedTag> event_tags;  // the event's tags as this reader may see them
  std::string_view org_name;                      // event owner org (csv event_member_org)
  std::string_view orgc_name;                     // event creator org (zeek meta.source, csv event_source_org)
};

// CSV columns, as MISP's `requested_attributes` / `requested_obj_attributes` / `includeContext` / `headerless`.
enum class CsvScope : uint8_t {
  kEvent,      // events/restSearch: event_threat_level_id is the level's name ("High")
  kAttribute,  // attributes/restSearch: event_threat_level_id is the number
};
struct CsvOptions {
  // Attribute columns; nullopt: uuid,event_id,category,type,value,comment,to_ids,timestamp,object_relation,
  // attribute_tag. Known: those and id, object_id, value1, value2, distribution, sharing_group_id, deleted,
  // disable_correlation.
  std::optional<std::vector<std::string>> requested_attributes;
  // Object columns without the "object_" prefix (uuid, name, meta-category). nullopt: all three when
  // requested_attributes is nullopt, none otherwise (MISP's rule).
  std::optional<std::vector<std::string>> requested_obj_attributes;
  bool include_context = false;  // append event_info, event_member_org, ... event_timestamp
  bool headerless = false;
  CsvScope scope = CsvScope::kEvent;
};

struct NidsOptions {
  // First sid: MISP's per-user nids_sid, default 4000000. A rule whose sid would not fit 32 bits is skipped.
  int64_t sid_base = 4000000;
};

struct ZeekOptions {
  std::string source_name = "Bulwark";  // first part of meta.source (MISP puts its instance name there)
};

// RPZ policies, with MISP's setting ids.
enum class RpzPolicy : uint8_t {
  kDrop = 0,
  kNxdomain = 1,
  kNodata = 2,
  kWalledGarden = 3,
  kPassthru = 4,
  kTcpOnly = 5
};

struct RpzOptions {
  RpzPolicy policy = RpzPolicy::kNxdomain;  // MISP's default (Plugin.RPZ_policy = 1)
  std::string walled_garden = "127.0.0.1";  // target of kWalledGarden: a DNS name or an IP address
  std::string ns = "localhost.";
  std::string ns_alt;                    // optional second NS
  std::string email = "root.localhost";  // SOA RNAME
  uint32_t serial = 1;                   // the caller passes e.g. YYYYMMDDnn (MISP: "$date00")
  std::string refresh = "2h";            // durations: seconds, or BIND shorthand (1w2d, 30m, ...)
  std::string retry = "30m";
  std::string expiry = "30d";
  std::string minimum_ttl = "1h";
  std::string ttl = "1w";
};

struct ExportOptions {
  // The hub's external URL (MISP.baseurl) without a trailing '/', for rule references and zeek meta.url.
  // Empty: rules carry no reference option and zeek meta.url is "-".
  std::string base_url;
  CsvOptions csv;
  NidsOptions nids;
  ZeekOptions zeek;
  RpzOptions rpz;
};

// What a writer did, for logs and metrics.
struct ExportStats {
  uint64_t rows = 0;           // rows pushed
  uint64_t records = 0;        // lines / rules / zone records written
  uint64_t skipped_type = 0;   // rows whose type the format does not export
  uint64_t skipped_value = 0;  // rows (or halves) whose value cannot be written safely in the format
  uint64_t duplicates = 0;     // rows dropped as already written (text, rpz)
};

class Writer {
 public:
  virtual ~Writer() = default;
  // Header (if any). Call once, before any Row.
  virtual void Begin(Sink& sink) = 0;
  // One attribute. Never fails: what cannot be written is counted in stats() and skipped.
  virtual void Row(const ExportRow& row, Sink& sink) = 0;
  // Footer (if any). Then call sink.Finish().
  virtual void End(Sink& sink) = 0;

  const ExportStats& stats() const { return stats_; }

 protected:
  ExportStats stats_;
};

// The formats MakeWriter knows, in a stable order.
std::span<const std::string_view> Formats();

// A writer for `format` (case-sensitive, as MISP's returnFormat). Errors: kInvalid for an unknown format (the
// message lists the valid ones, field "returnFormat") or bad options (RPZ names and durations, base_url with
// spaces or rule metacharacters, CSV column names with control characters).
Result<std::unique_ptr<Writer>> MakeWriter(std::string_view format, const ExportOptions& options);

// Detection formats feed sensors directly: suricata, snort, zeek, rpz, text, hashes. MISP's restSearch
// defaults them to to_ids=1 and published=1 (Event::restSearchFilterMassage) unless the request says
// otherwise; csv is non-restrictive (all attributes the reader may see). The hub's search applies these.
bool IsDetectionFormat(std::string_view format);

struct FilterDefaults {
  bool to_ids_only = false;     // only attributes with to_ids set
  bool published_only = false;  // only attributes of published events
};
FilterDefaults DefaultFilters(std::string_view format);

// "NXDOMAIN", "NODATA", "DROP", "walled-garden" (also "Local-Data"), "PASSTHRU", "TCP-only", or MISP's
// numeric ids "0".."5". Errors: kInvalid.
Result<RpzPolicy> ParseRpzPolicy(std::string_view text);

}  // namespace bulwark::exporter
