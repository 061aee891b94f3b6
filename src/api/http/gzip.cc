#include "api/http/gzip.h"

#include <algorithm>
#include <climits>

namespace bulwark::http {
namespace {

constexpr size_t kStep = 16 * 1024;
constexpr int kGzipOrZlibAuto = 15 + 32;  // windowBits: detect a gzip or zlib header
constexpr int kGzipWrap = 15 + 16;        // windowBits: write a gzip header

}  // namespace

Result<std::string> Inflate(std::string_view in, size_t max_out) {
  z_stream zs{};
  if (inflateInit2(&zs, kGzipOrZlibAuto) != Z_OK) return MakeError(ErrorCode::kInternal, "inflateInit failed");
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  size_t remaining = in.size();
  Result<std::string> result = MakeError(ErrorCode::kBadRequest, "truncated compressed body");
  while (true) {
    if (zs.avail_in == 0 && remaining > 0) {
      uInt n = remaining > UINT_MAX ? UINT_MAX : static_cast<uInt>(remaining);
      zs.avail_in = n;
      remaining -= n;
    }
    size_t old = out.size();
    size_t room = std::min(kStep, max_out + 1 - old);  // one byte past the cap detects overflow
    out.resize(old + room);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    zs.avail_out = static_cast<uInt>(room);
    int rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(old + room - zs.avail_out);
    if (out.size() > max_out) {
      result = MakeError(ErrorCode::kTooLarge, "decompressed body is larger than " + std::to_string(max_out) + " bytes");
      break;
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0 && remaining == 0) {
        result = std::move(out);
        break;
      }
      if (inflateReset(&zs) != Z_OK) {  // another gzip member follows
        result = MakeError(ErrorCode::kInternal, "inflateReset failed");
        break;
      }
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && remaining == 0) break;  // input ended mid-stream
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      result = MakeError(ErrorCode::kBadRequest, "corrupt compressed body");
      break;
    }
  }
  inflateEnd(&zs);
  return result;
}

GzipWriter::GzipWriter() {
  ok_ = deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWrap, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipWriter::~GzipWriter() {
  if (ok_) deflateEnd(&zs_);
}

std::string GzipWriter::Write(std::string_view in, bool finish) {
  std::string out;
  if (!ok_) return out;
  constexpr size_t kMaxPiece = 1u << 30;  // avail_in is 32-bit
  do {
    std::string_view piece = in.substr(0, kMaxPiece);
    in.remove_prefix(piece.size());
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
    zs_.avail_in = static_cast<uInt>(piece.size());
    const int flush = !in.empty() ? Z_NO_FLUSH : (finish ? Z_FINISH : Z_SYNC_FLUSH);
    while (true) {
      size_t old = out.size();
      out.resize(old + kStep);
      zs_.next_out = reinterpret_cast<Bytef*>(out.data() + old);
      zs_.avail_out = static_cast<uInt>(kStep);
      int rc = deflate(&zs_, flush);
      out.resize(old + kStep - zs_.avail_out);
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK && rc != Z_BUF_ERROR) break;
      if (zs_.avail_out != 0 && zs_.avail_in == 0) break;  // all input consumed and flushed
    }
  } while (!in.empty());
  return out;
}

std::string GzipCompress(std::string_view in) {
  GzipWriter w;
  return w.Write(in, /*finish=*/true);
}

}  // namespace bulwark::http
