// Log readers: each turns one line of its format into field lookups on a LineMatcher.
//   text      every IP, domain, URL, e-mail and hash in the line (the scanner)
//   zeek      Zeek TSV (#separator, #set_separator, #unset_field, #empty_field, #fields headers; conn, dns, http,
//             ssl, files, x509, smtp and any other log whose field names it knows)
//   zeek-json Zeek JSON logs, one object per line, the same field names
//   eve       Suricata eve.json (src_ip, dest_ip, dns, http, tls, fileinfo, smtp, email)
//   syslog    RFC 3164 / RFC 5424 lines: the message body is scanned as text; a CEF message ("CEF:0|...") has its
//             extension keys looked up by meaning (src, dst, shost, dhost, request, fileHash, fname, ...)
// Only known fields are looked up (a field's meaning decides how: an address, a host name, a user agent ...);
// the tables are in inputs.cc. A line that does not parse is counted in errors() and skipped, never fatal.
// Readers keep per-stream state (Zeek headers) and are not thread-safe: one per input stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/result.h"
#include "match/line_matcher.h"

namespace bulwark::match {

enum class Format : uint8_t { kAuto, kText, kZeek, kZeekJson, kEve, kSyslog };

// "auto", "text", "zeek" (TSV or JSON, told apart by the first line), "zeek-json", "eve", "syslog" (also
// "cef"). Errors: kInvalid naming the accepted values.
Result<Format> ParseFormat(std::string_view name);
std::string_view FormatName(Format format);
// The format of a stream from its first line: "#separator"/"#fields" -> zeek, a JSON object with
// "event_type" -> eve, another JSON object -> zeek-json, "<PRI>" or "CEF:" -> syslog, else text.
Format DetectFormat(std::string_view first_line);

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Looks up one line (without its line terminator) in `m`.
  virtual void Line(std::string_view line, LineMatcher& m) = 0;
  virtual Format format() const = 0;
  // The name in match records: "text", "zeek", "zeek-json", "eve", "syslog" or "cef" (per line for syslog).
  virtual std::string_view name() const { return FormatName(format()); }
  uint64_t errors() const { return errors_; }

 protected:
  uint64_t errors_ = 0;
};

// A reader for `format` (not kAuto).
std::unique_ptr<RecordReader> MakeReader(Format format);

}  // namespace bulwark::match
