// Where feed files come from: a local directory (or one local file) or an http(s):// location, read through
// the same interface so every importer works on both.
//
// Thread-safety: a FeedSource is a value; Get may be called from one thread at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "api/http/client.h"
#include "common/result.h"

namespace bulwark::feeds {

class FeedSource {
 public:
  // `location`: "http://..." / "https://..." (a feed's base URL, or a file's URL), or a local path.
  // Extra headers (e.g. Authorization) are sent with every HTTP request.
  static FeedSource Open(std::string location, http::ClientOptions options = {}, http::HeaderList headers = {});

  bool remote() const { return remote_; }
  const std::string& location() const { return location_; }

  // The file `name` relative to the location ("" = the location itself). nullopt when it does not exist
  // (HTTP 404/410, or no such local file). Errors: kTooLarge over max_bytes, kUnavailable for network
  // failures and other HTTP statuses, kInternal for unreadable local files.
  Result<std::optional<std::string>> Get(const std::string& name, size_t max_bytes) const;

 private:
  std::string location_;
  bool remote_ = false;
  http::ClientOptions options_;
  http::HeaderList headers_;
};

// Reads a whole local file up to max_bytes (kTooLarge beyond, kNotFound when absent).
Result<std::string> ReadLocalFile(const std::string& path, size_t max_bytes);

}  // namespace bulwark::feeds
