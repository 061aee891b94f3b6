#include "feeds/source.h"

#include <filesystem>
#include <fstream>

namespace bulwark::feeds {

namespace fs = std::filesystem;

FeedSource FeedSource::Open(std::string location, http::ClientOptions options, http::HeaderList headers) {
  FeedSource s;
  s.remote_ = location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0;
  s.location_ = std::move(location);
  s.options_ = std::move(options);
  s.headers_ = std::move(headers);
  return s;
}

Result<std::string> ReadLocalFile(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return MakeError(ErrorCode::kNotFound, "no such file: " + path);
  const auto size = fs::file_size(path, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot read " + path);
  if (size > max_bytes) {
    return MakeError(ErrorCode::kTooLarge, path + " is " + std::to_string(size) + " bytes; the limit is " +
                                               std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kInternal, "cannot open " + path);
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size) return MakeError(ErrorCode::kInternal, "cannot read " + path);
  return data;
}

Result<std::optional<std::string>> FeedSource::Get(const std::string& name, size_t max_bytes) const {
  if (!remote_) {
    const std::string path = name.empty() ? location_ : (fs::path(location_) / name).string();
    auto data = ReadLocalFile(path, max_bytes);
    if (!data.ok()) {
      if (data.error().code == ErrorCode::kNotFound) return std::optional<std::string>();
      return data.error();
    }
    return std::optional<std::string>(std::move(data).value());
  }
  std::string url = location_;
  if (!name.empty()) {
    if (url.empty() || url.back() != '/') url += '/';
    url += name;
  }
  http::ClientRequest req;
  req.url = url;
  req.headers = headers_;
  http::ClientOptions opts = options_;
  opts.max_body_bytes = max_bytes;
  BW_ASSIGN_OR_RETURN(http::ClientResponse resp, http::Fetch(req, opts));
  if (resp.status == 404 || resp.status == 410) return std::optional<std::string>();
  if (resp.status != 200) {
    return MakeError(ErrorCode::kUnavailable, "GET " + url + " answered HTTP " + std::to_string(resp.status));
  }
  return std::optional<std::string>(std::move(resp.body));
}

}  // namespace bulwark::feeds
