// gzip/deflate for request and response bodies (zlib). Internal to src/api/http.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace bulwark::http {

// Decompresses a gzip or zlib ("deflate") body, including concatenated gzip members. Stops with kTooLarge as
// soon as the output would pass `max_out` bytes (so a zip bomb costs at most max_out of memory), kBadRequest
// when the data is corrupt or truncated.
Result<std::string> Inflate(std::string_view in, size_t max_out);

// A gzip stream compressed piece by piece; each piece is flushed (Z_SYNC_FLUSH) so the client can decode
// what it has received so far. Not thread-safe; one per response.
class GzipWriter {
 public:
  GzipWriter();
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  // Compresses `in` and returns the bytes to send; `finish` ends the stream (gzip trailer).
  std::string Write(std::string_view in, bool finish);

 private:
  z_stream zs_{};
  bool ok_ = false;
};

// One-shot gzip of a whole body.
std::string GzipCompress(std::string_view in);

}  // namespace bulwark::http
