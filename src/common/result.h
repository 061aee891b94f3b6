// Result<T>: a value or an Error. Used across every module boundary and on every data path instead of
// exceptions. An Error carries a machine-readable code (mapped to an HTTP status by the API layer), a
// message written for the person who sent the input, and the offending field when there is one.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace bulwark {

enum class ErrorCode {
  kBadRequest,           // malformed input: unparseable JSON, wrong JSON types (400)
  kUnauthenticated,      // no or invalid credentials (401)
  kForbidden,            // authenticated but not allowed (403)
  kNotFound,             // no such entity, or not visible to the caller (404)
  kConflict,             // uniqueness or state conflict (409)
  kTooLarge,             // body or collection over a configured limit (413)
  kUnsupportedMedia,     // wrong Content-Type (415)
  kInvalid,              // well-formed but semantically invalid, e.g. a bad value for its type (422)
  kRateLimited,          // too many requests or connections (429)
  kInternal,             // a bug or an I/O failure on our side (500)
  kUnavailable,          // shutting down, or a dependency is away (503)
};

std::string_view ErrorCodeName(ErrorCode code);
int HttpStatusFor(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // JSON path or parameter name of the offending input; empty if not about one field

  // Prefixes the field path, so nested validators can report "Attribute[3].value".
  Error WithFieldPrefix(std::string_view prefix) &&;
};

inline Error MakeError(ErrorCode code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace bulwark

#define BW_CONCAT_INNER_(a, b) a##b
#define BW_CONCAT_(a, b) BW_CONCAT_INNER_(a, b)

// BW_RETURN_IF_ERROR(expr): evaluates a Result-returning expression and returns its error, if any.
#define BW_RETURN_IF_ERROR(expr)                                   \
  do {                                                             \
    auto&& bw_status_ = (expr);                                    \
    if (!bw_status_.ok()) return std::move(bw_status_).error();    \
  } while (false)

// BW_ASSIGN_OR_RETURN(lhs, expr): lhs = value of expr, or return its error.
#define BW_ASSIGN_OR_RETURN(lhs, expr) BW_ASSIGN_OR_RETURN_IMPL_(BW_CONCAT_(bw_result_, __LINE__), lhs, expr)
#define BW_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).error();   \
  lhs = std::move(tmp).value()
