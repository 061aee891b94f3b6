#include "export/sink.h"

#include <utility>

namespace bulwark::exporter {
namespace {

size_t InitialCapacity(size_t flush_bytes) { return flush_bytes < (1u << 20) ? flush_bytes + 256 : (1u << 20); }

}  // namespace

Sink::Sink(FlushFn flush, size_t flush_bytes)
    : flush_(std::move(flush)), flush_bytes_(flush_bytes == 0 ? 1 : flush_bytes) {
  buf_.resize(InitialCapacity(flush_bytes_));
}

void Sink::Grow(size_t need) {
  // pos_ < flush_bytes_ here (a full buffer is flushed at once), so this grows by at most one append.
  size_t cap = buf_.size() * 2;
  if (cap < pos_ + need) cap = pos_ + need;
  buf_.resize(cap);
}

void Sink::FlushBuffer() {
  if (pos_ > max_buffered_) max_buffered_ = pos_;
  if (pos_ == 0 || !ok_) return;
  Status st = flush_(std::string_view(buf_.data(), pos_));
  if (!st.ok()) {
    ok_ = false;
    status_ = std::move(st);
  } else {
    bytes_flushed_ += pos_;
  }
  pos_ = 0;
  // Give back what one very large append made the buffer grow to.
  const size_t initial = InitialCapacity(flush_bytes_);
  if (buf_.size() > 2 * initial) {
    buf_.resize(initial);
    buf_.shrink_to_fit();
  }
}

Status Sink::Finish() {
  FlushBuffer();
  return status_;
}

}  // namespace bulwark::exporter
