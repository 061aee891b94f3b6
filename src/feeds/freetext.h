// Freetext and CSV indicator feeds (MISP's feed source formats "freetext" and "csv"): one indicator per line
// (freetext) or one value column per row (CSV), imported into ONE event per feed. The event's uuid is derived
// from the feed's name (UUIDv5), each attribute's uuid from the event uuid, the type and the normalised value,
// so re-running a feed adds only values the event does not hold yet (no duplicates), and the same feed
// imported on two hubs gives the same uuids.
//
// Type detection (freetext, or CSV without --type), after refanging (hxxp -> http, [.] / (.) / {.} -> .,
// [:] -> :, [@] / [at] -> @): a URL with a scheme -> url; an IPv4/IPv6 address -> ip-dst; a CIDR prefix ->
// ip-dst; local@domain -> email; 32/40/64/128 hex digits -> md5/sha1/sha256/sha512 (56 -> sha224, 96 ->
// sha384); a DNS name -> domain when it has two labels, hostname when it has more; host/path -> url.
// Anything else is rejected with a reason. Lines that are empty or start with '#' or '//' are comments.
//
// Pure functions except ImportValueFeed, which writes through the hub. Thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "feeds/event_import.h"

namespace bulwark::feeds {

inline constexpr size_t kMaxValueFeedBytes = 1u << 30;
inline constexpr size_t kMaxCsvFields = 1024;
inline constexpr size_t kAttributeBatch = 10'000;

// Undoes common defanging. Pure.
std::string Refang(std::string_view value);

// The MISP attribute type of an (already refanged, trimmed) indicator, or nullopt.
std::optional<std::string> DetectType(std::string_view value);

// Splits one CSV record (RFC 4180 quoting: "a,""b""",c). Errors: kBadRequest for an unterminated quote or
// more than kMaxCsvFields fields.
Result<std::vector<std::string>> SplitCsvLine(std::string_view line, char delimiter);

enum class ValueFeedFormat { kFreetext, kCsv };

struct ValueFeedOptions {
  ValueFeedFormat format = ValueFeedFormat::kFreetext;
  std::string name;              // the feed's name: the event info is "Feed: <name>" and its uuid derives from it
  size_t value_column = 1;       // CSV: 1-based column holding the value
  std::string type;              // CSV/freetext: force this MISP type ("" = detect per value)
  char delimiter = ',';          // CSV
  bool skip_header = false;      // CSV: the first non-comment row is a header
  std::optional<bool> to_ids;    // default: the type's default
  ProgressFn progress;
};

struct ValueLine {
  size_t line = 0;
  std::string value;
  std::string type;
};

// Reads the values of a feed's text. Each value line goes to `values` (type set, or empty when it could not
// be detected; the caller rejects those). Errors: kBadRequest for a malformed CSV record (with the line).
Status ParseValueFeed(std::string_view text, const ValueFeedOptions& options, std::vector<ValueLine>& values);

// The uuid of the event a value feed fills.
std::string ValueFeedEventUuid(const std::string& name);

// Imports the values into the feed's event (created on first use with distribution "your organisation",
// unpublished), adding only values it does not hold. Counted in stats as attributes stored/unchanged/rejected.
Result<ImportStats> ImportValueFeed(hub::Hub& hub, const access::Principal& principal, std::string_view text,
                                    const ValueFeedOptions& options);

}  // namespace bulwark::feeds
