// Sink: a small buffered byte appender that export writers write into. Bytes collect in one std::string and
// are handed to a flush callback whenever the buffer reaches `flush_bytes`, so the memory an export holds is
// bounded by flush_bytes plus the largest single append, whatever the number of rows.
//
// Errors: the first error a flush callback returns is kept; after it every Append is dropped (writers need
// not check after each row) and Finish() returns it. A caller streaming to a client can poll ok() to stop
// early when the client went away.
//
// Thread-safety: none; one Sink per export, used by one thread.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace bulwark::exporter {

class Sink {
 public:
  using FlushFn = std::function<Status(std::string_view bytes)>;
  static constexpr size_t kDefaultFlushBytes = 64 * 1024;

  // REQUIRES: flush is callable. flush_bytes 0 is treated as 1 (flush after every append).
  explicit Sink(FlushFn flush, size_t flush_bytes = kDefaultFlushBytes);
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  void Append(std::string_view s) {
    if (!ok_ || s.empty()) return;  // an empty view may carry a null pointer, which memcpy must not get
    if (s.size() > buf_.size() - pos_) Grow(s.size());
    std::memcpy(buf_.data() + pos_, s.data(), s.size());
    pos_ += s.size();
    if (pos_ >= flush_bytes_) FlushBuffer();
  }
  void Append(char c) {
    if (!ok_) return;
    if (pos_ == buf_.size()) Grow(1);
    buf_[pos_++] = c;
    if (pos_ >= flush_bytes_) FlushBuffer();
  }
  void AppendInt(int64_t v) {
    char tmp[24];
    auto [end, ec] = std::to_chars(tmp, tmp + sizeof(tmp), v);
    (void)ec;  // 24 bytes always hold an int64
    Append(std::string_view(tmp, static_cast<size_t>(end - tmp)));
  }

  // Hands whatever is buffered to the callback and returns the sink's status (the first flush error).
  Status Finish();

  bool ok() const { return ok_; }
  const Status& status() const { return status_; }
  size_t buffered() const { return pos_; }
  // The largest the buffer has been (bytes), for tests and metrics.
  size_t max_buffered() const { return max_buffered_; }
  // Bytes handed to the callback so far.
  uint64_t bytes_flushed() const { return bytes_flushed_; }

 private:
  void FlushBuffer();
  void Grow(size_t need);

  FlushFn flush_;
  size_t flush_bytes_;
  std::string buf_;  // sized to its capacity; bytes [0, pos_) are pending
  size_t pos_ = 0;
  size_t max_buffered_ = 0;
  uint64_t bytes_flushed_ = 0;
  bool ok_ = true;
  Status status_;
};

// A sink that appends everything to a std::string (tests, small exports). The string must outlive the sink.
inline Sink::FlushFn AppendTo(std::string& out) {
  return [&out](std::string_view bytes) -> Status {
    out.append(bytes);
    return Ok();
  };
}

}  // namespace bulwark::exporter
