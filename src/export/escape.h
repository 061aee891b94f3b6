// Internal to the export module: escaping and checking helpers shared by the writers. Every Append* function
// writes straight into the sink without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "export/sink.h"

namespace bulwark::exporter::internal {

// PHP's is_numeric without the whitespace it tolerates: [+-]? (digits [. digits*] | . digits) [e [+-] digits].
bool IsPhpNumeric(std::string_view s);

// A CSV field as MISP's CsvExport writes it: numeric bare, otherwise quoted with '"' doubled.
void AppendCsvField(Sink& sink, std::string_view s);
void AppendCsvQuoted(Sink& sink, std::string_view s);

// Content-string body for Snort/Suricata: printable ASCII as is, the bytes | " ; : \ and every byte below
// 0x20 or above 0x7e as hex groups ("|3a 3b|").
void AppendContentEscaped(Sink& sink, std::string_view s);

// msg-string body: '"', ';' and '\' backslash-escaped, control bytes (< 0x20, 0x7f) as spaces; at most
// max_bytes of input (cut at a UTF-8 boundary, then "...").
void AppendMsgEscaped(Sink& sink, std::string_view s, size_t max_bytes);

// A Zeek intel field: control bytes as spaces; "-" when empty.
void AppendZeekField(Sink& sink, std::string_view s);
void AppendZeekText(Sink& sink, std::string_view s);  // same, without the "-" for empty

// An ASCII DNS name: labels of letters, digits, '-' and '_', 1-63 bytes each, 253 bytes at most, no empty
// label (a trailing dot is not accepted: strip it first).
bool IsDnsName(std::string_view s);

// A decimal port 1-65535 without sign or leading zeros.
bool ParsePort(std::string_view s, uint16_t* port);

bool HasLineBreak(std::string_view s);

// Values already written, by two independent 64-bit hashes of (kind, value): 16 bytes per distinct value plus
// the set's overhead; a false "seen" needs a 128-bit collision.
class SeenSet {
 public:
  // True if (kind, value) was not seen before (and records it).
  bool Insert(uint8_t kind, std::string_view value);
  size_t size() const { return set_.size(); }

 private:
  struct PairHash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& p) const noexcept { return p.first ^ (p.second * 31); }
  };
  std::unordered_set<std::pair<uint64_t, uint64_t>, PairHash> set_;
};

}  // namespace bulwark::exporter::internal
