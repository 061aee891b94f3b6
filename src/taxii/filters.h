// TAXII 2.1 request parameters (spec §3.4) and media types (§1.6.8): parsing and validation, no I/O.
//
// Decisions (docs/taxii.md): a repeated parameter, an empty value, a malformed timestamp/id/type/spec_version,
// `all` combined with anything, a repeated match[version] keyword and a non-positive or non-numeric limit are
// 400 (kBadRequest naming the parameter). match[...] fields an endpoint does not support, and unknown
// parameters, are ignored (spec: MAY). A list takes at most kMaxListValues values. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "store/stix_store.h"

namespace bulwark::taxii {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";
inline constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";
inline constexpr size_t kMaxListValues = 1000;

// Which endpoint a request is for: decides the supported filters and the match[version] default
// (`last`, except DELETE: every version).
enum class Endpoint { kObjects, kManifest, kObject, kVersions, kDelete };

struct Filters {
  std::optional<int64_t> added_after_micros;
  std::optional<size_t> limit;
  std::string next;
  std::vector<std::string> ids;
  std::vector<std::string> types;
  std::vector<std::string> spec_versions;
  store::VersionMatch versions;
  // Every supported parameter except `next` and `limit`, as "name=value" lines in name order: what a cursor
  // is bound to.
  std::string canonical;
};

Result<Filters> ParseFilters(Endpoint endpoint, const QueryParams& query);

// Accept: true when some media range admits application/taxii+json with version 2.1 or no version
// (including */* and application/*, and q > 0). A missing or empty header is accepted.
bool AcceptsTaxii(std::optional<std::string_view> accept);
// Content-Type of a POST: application/taxii+json with version 2.1 or without version (spaces, case of the
// type and a charset parameter tolerated).
bool IsTaxiiContentType(std::optional<std::string_view> content_type);

// STIX/TAXII timestamp text to nanoseconds since the epoch (strict STIX form, 'Z' only).
std::optional<int64_t> TimestampNanos(std::string_view text);

}  // namespace bulwark::taxii
