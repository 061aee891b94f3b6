#include "misp/json_fields.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/clock.h"
#include "common/uuid.h"

namespace bulwark::misp {
namespace {

Error BadType(std::string field, std::string_view expected) {
  return MakeError(ErrorCode::kBadRequest, "expected " + std::string(expected), std::move(field));
}

const json::value* Find(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

// Parses a decimal integer; nullopt if s is not one or does not fit int64.
std::optional<int64_t> ParseDecimal(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}

}  // namespace

KeySet::KeySet(std::initializer_list<std::string_view> keys) {
  keys_.reserve(keys.size());
  for (std::string_view k : keys) insert(k);
}

void KeySet::insert(std::string_view key) {
  auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
  if (it == keys_.end() || *it != key) keys_.emplace(it, key);
}

size_t KeySet::count(std::string_view key) const {
  return std::binary_search(keys_.begin(), keys_.end(), key) ? 1 : 0;
}

Result<std::optional<int64_t>> GetInt(const json::object& o, std::string_view key, std::string_view path) {
  const json::value* v = Find(o, key);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->get_int64());
  if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<uint64_t>(INT64_MAX)) {
      return MakeError(ErrorCode::kBadRequest, "number out of range", detail::JoinPath(path, key));
    }
    return std::optional<int64_t>(static_cast<int64_t>(v->get_uint64()));
  }
  if (v->is_double()) {
    double d = v->get_double();
    if (!std::isfinite(d) || d != std::floor(d) || d < -9.2e18 || d > 9.2e18) {
      return MakeError(ErrorCode::kBadRequest, "expected an integer", detail::JoinPath(path, key));
    }
    return std::optional<int64_t>(static_cast<int64_t>(d));
  }
  if (v->is_string()) {
    std::string_view s = v->get_string();
    if (s.empty()) return std::optional<int64_t>();
    auto n = ParseDecimal(s);
    if (!n) return MakeError(ErrorCode::kBadRequest, "expected an integer", detail::JoinPath(path, key));
    return std::optional<int64_t>(*n);
  }
  return BadType(detail::JoinPath(path, key), "an integer");
}

Result<std::optional<bool>> GetBool(const json::object& o, std::string_view key, std::string_view path) {
  const json::value* v = Find(o, key);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (v->is_bool()) return std::optional<bool>(v->get_bool());
  if (v->is_int64() || v->is_uint64()) {
    bool is_one = v->is_int64() ? v->get_int64() == 1 : v->get_uint64() == 1;
    bool is_zero = v->is_int64() ? v->get_int64() == 0 : v->get_uint64() == 0;
    if (is_one || is_zero) return std::optional<bool>(is_one);
  }
  if (v->is_string()) {
    std::string_view s = v->get_string();
    if (s.empty()) return std::optional<bool>();
    if (s == "1" || s == "true" || s == "True") return std::optional<bool>(true);
    if (s == "0" || s == "false" || s == "False") return std::optional<bool>(false);
  }
  return BadType(detail::JoinPath(path, key), "a boolean");
}

Result<std::optional<std::string>> GetString(const json::object& o, std::string_view key, std::string_view path) {
  const json::value* v = Find(o, key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (v->is_string()) {
    if (v->get_string().size() > kMaxStringBytes) {
      return MakeError(ErrorCode::kTooLarge, "string too long", detail::JoinPath(path, key));
    }
    if (v->get_string().find('\0') != json::string_view::npos) {
      return MakeError(ErrorCode::kInvalid, "text must not contain NUL characters", detail::JoinPath(path, key));
    }
    return std::optional<std::string>(std::string(v->get_string()));
  }
  if (v->is_number()) return std::optional<std::string>(detail::NumberText(*v));
  return BadType(detail::JoinPath(path, key), "a string");
}

namespace detail {

std::string JoinPath(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string IndexPath(std::string_view path, std::string_view key, size_t i) {
  return JoinPath(path, key) + "[" + std::to_string(i) + "]";
}

KeySet KeysOf(const json::object& o) {
  KeySet keys;
  keys.reserve(o.size());
  for (const auto& kv : o) keys.insert(kv.key());
  return keys;
}

Result<const json::object*> Unwrap(const json::value& v, std::string_view envelope) {
  if (!v.is_object()) return BadType(std::string(), "a JSON object");
  const json::object& o = v.get_object();
  const json::value* inner = Find(o, envelope);
  if (inner != nullptr && inner->is_object()) return &inner->get_object();
  return &o;
}

std::string NumberText(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
  if (ec != std::errc()) return "0";
  return std::string(buf, p);
}

Status ReadString(const json::object& o, std::string_view key, std::string_view path, std::string& out,
                  size_t max_bytes) {
  const json::value* v = Find(o, key);
  if (v == nullptr || v->is_null()) return Ok();
  if (v->is_string()) {
    if (v->get_string().size() > max_bytes)
      return MakeError(ErrorCode::kTooLarge, "string too long", JoinPath(path, key));
    if (v->get_string().find('\0') != json::string_view::npos) {
      return MakeError(ErrorCode::kInvalid, "text must not contain NUL characters", JoinPath(path, key));
    }
    out.assign(v->get_string().data(), v->get_string().size());
    return Ok();
  }
  if (v->is_number()) {
    out = NumberText(*v);
    return Ok();
  }
  return BadType(JoinPath(path, key), "a string");
}

Status ReadBool(const json::object& o, std::string_view key, std::string_view path, bool& out) {
  BW_ASSIGN_OR_RETURN(std::optional<bool> b, GetBool(o, key, path));
  if (b) out = *b;
  return Ok();
}

Status ReadInt(const json::object& o, std::string_view key, std::string_view path, int64_t& out, int64_t min,
               int64_t max) {
  BW_ASSIGN_OR_RETURN(std::optional<int64_t> n, GetInt(o, key, path));
  if (!n) return Ok();
  if (*n < min || *n > max) {
    return MakeError(ErrorCode::kInvalid, "must be between " + std::to_string(min) + " and " + std::to_string(max),
                     JoinPath(path, key));
  }
  out = *n;
  return Ok();
}

Status ReadId(const json::object& o, std::string_view key, std::string_view path, int64_t& out) {
  return ReadInt(o, key, path, out, 0, INT64_MAX);
}

Status ReadUuid(const json::object& o, std::string_view key, std::string_view path, std::string& out) {
  std::string s;
  BW_RETURN_IF_ERROR(ReadString(o, key, path, s));
  if (s.empty()) return Ok();
  if (!IsUuid(s)) return MakeError(ErrorCode::kInvalid, "not a UUID", JoinPath(path, key));
  out = NormaliseUuid(s);
  return Ok();
}

Status ReadDistribution(const json::object& o, std::string_view key, std::string_view path, int64_t max,
                        model::Distribution& out) {
  int64_t d = -1;
  BW_RETURN_IF_ERROR(ReadInt(o, key, path, d, 0, max));
  if (d >= 0) out = static_cast<model::Distribution>(d);
  return Ok();
}

Status ReadMicros(const json::object& o, std::string_view key, std::string_view path, std::optional<int64_t>& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return Ok();
  if (v->is_null()) {
    out.reset();
    return Ok();
  }
  if (v->is_string()) {
    std::string_view s = v->get_string();
    if (s.empty()) {
      out.reset();
      return Ok();
    }
    if (auto n = ParseDecimal(s)) {
      out = *n;
      return Ok();
    }
    auto micros = ParseDateTimeMicros(s);
    if (!micros) return MakeError(ErrorCode::kInvalid, "not an ISO 8601 date-time", JoinPath(path, key));
    out = *micros;
    return Ok();
  }
  BW_ASSIGN_OR_RETURN(std::optional<int64_t> n, GetInt(o, key, path));
  out = n;
  return Ok();
}

Status ReadDateTimeSeconds(const json::object& o, std::string_view key, std::string_view path, int64_t& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr || v->is_null()) return Ok();
  if (v->is_string() && !v->get_string().empty() && !ParseDecimal(v->get_string())) {
    if (v->get_string().starts_with("0000-00-00")) return Ok();  // MySQL's zero date: unknown
    auto micros = ParseDateTimeMicros(v->get_string());
    if (!micros) return MakeError(ErrorCode::kInvalid, "not a date-time", JoinPath(path, key));
    out = micros.value() / 1'000'000;
    return Ok();
  }
  return ReadId(o, key, path, out);
}

Result<const json::array*> GetArray(const json::object& o, std::string_view key, std::string_view path) {
  const json::value* v = Find(o, key);
  if (v == nullptr || v->is_null()) return static_cast<const json::array*>(nullptr);
  if (!v->is_array()) return BadType(JoinPath(path, key), "a list");
  return &v->get_array();
}

Result<const json::object*> GetObject(const json::object& o, std::string_view key, std::string_view path) {
  const json::value* v = Find(o, key);
  if (v == nullptr || v->is_null()) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) return BadType(JoinPath(path, key), "an object");
  return &v->get_object();
}

}  // namespace detail
}  // namespace bulwark::misp
