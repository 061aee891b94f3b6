// Internal helpers of the misp module: tolerant typed reads of MISP JSON fields into model values, with the
// error codes and JSON paths described in misp_json.h. Not part of the module's API.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "misp/misp_json.h"

namespace bulwark::misp::detail {

// "path.key", or "key" when path is empty.
std::string JoinPath(std::string_view path, std::string_view key);
// "path.key[i]".
std::string IndexPath(std::string_view path, std::string_view key, size_t i);

// The keys of o.
KeySet KeysOf(const json::object& o);

// The object itself, or o[envelope] when that is an object. kBadRequest if v is not an object.
Result<const json::object*> Unwrap(const json::value& v, std::string_view envelope);

// Each Read* leaves `out` unchanged when the key is absent, null or "" (except ReadString, for which "" is a value).
Status ReadString(const json::object& o, std::string_view key, std::string_view path, std::string& out,
                  size_t max_bytes = kMaxStringBytes);
Status ReadBool(const json::object& o, std::string_view key, std::string_view path, bool& out);
// An integer in [min, max]; outside -> kInvalid.
Status ReadInt(const json::object& o, std::string_view key, std::string_view path, int64_t& out, int64_t min,
               int64_t max);
// A local id or count (>= 0).
Status ReadId(const json::object& o, std::string_view key, std::string_view path, int64_t& out);
// A UUID, validated and lowercased.
Status ReadUuid(const json::object& o, std::string_view key, std::string_view path, std::string& out);
// A distribution level 0..max.
Status ReadDistribution(const json::object& o, std::string_view key, std::string_view path, int64_t max,
                        model::Distribution& out);
// first_seen / last_seen: an ISO 8601 string, or integer epoch microseconds; null clears.
Status ReadMicros(const json::object& o, std::string_view key, std::string_view path, std::optional<int64_t>& out);
// "YYYY-MM-DD HH:MM:SS" (or any ISO 8601) or epoch seconds, to epoch seconds.
Status ReadDateTimeSeconds(const json::object& o, std::string_view key, std::string_view path, int64_t& out);

// The array / object at key; nullptr when absent or null. kBadRequest for another JSON type.
Result<const json::array*> GetArray(const json::object& o, std::string_view key, std::string_view path);
Result<const json::object*> GetObject(const json::object& o, std::string_view key, std::string_view path);

// The shortest decimal text of a JSON number.
std::string NumberText(const json::value& v);

}  // namespace bulwark::misp::detail
