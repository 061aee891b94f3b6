#include "feeds/feed_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"

namespace bulwark::feeds {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr size_t kMaxStateBytes = 256u << 20;

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(ErrorCode::kInternal, "cannot write " + path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
}

}  // namespace

std::string StatePath(const std::string& data_dir, const std::string& kind, const std::string& key) {
  return (fs::path(data_dir) / "import-state" / (kind + "-" + Sha256Hex(key).substr(0, 16) + ".json")).string();
}

Result<FeedState> LoadFeedState(const std::string& data_dir, const std::string& kind, const std::string& key) {
  FeedState state;
  state.kind = kind;
  state.key = key;
  const std::string path = StatePath(data_dir, kind, key);
  std::error_code ec;
  if (!fs::exists(path, ec)) return state;
  const auto size = fs::file_size(path, ec);
  if (ec || size > kMaxStateBytes) return MakeError(ErrorCode::kInternal, "cannot read import state " + path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in.good() && !in.eof()) return MakeError(ErrorCode::kInternal, "cannot read import state " + path);
  boost::system::error_code jec;
  json::value v = json::parse(ss.str(), jec);
  if (jec || !v.is_object()) return MakeError(ErrorCode::kInternal, "import state " + path + " is not valid JSON");
  const json::object& o = v.as_object();
  if (auto* c = o.if_contains("cursor"); c && c->is_string()) state.cursor = std::string(c->as_string());
  if (auto* t = o.if_contains("last_run"); t && t->is_int64()) state.last_run = t->as_int64();
  if (auto* e = o.if_contains("events"); e && e->is_object()) {
    for (const auto& [uuid, ts] : e->as_object()) {
      if (ts.is_int64()) state.events[std::string(uuid)] = ts.as_int64();
    }
  }
  return state;
}

Status SaveFeedState(const std::string& data_dir, const FeedState& state, int64_t now) {
  const std::string path = StatePath(data_dir, state.kind, state.key);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + fs::path(path).parent_path().string());
  json::object o;
  o["kind"] = state.kind;
  o["key"] = state.key;
  o["last_run"] = now;
  if (!state.cursor.empty()) o["cursor"] = state.cursor;
  json::object events;
  for (const auto& [uuid, ts] : state.events) events[uuid] = ts;
  o["events"] = std::move(events);
  const std::string text = json::serialize(o) + "\n";
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return MakeError(ErrorCode::kInternal, "cannot write " + tmp);
  Status st = WriteAll(fd, text, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = MakeError(ErrorCode::kInternal, "cannot sync " + tmp);
  ::close(fd);
  if (!st.ok()) return st;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return MakeError(ErrorCode::kInternal, "cannot rename " + tmp);
  return Ok();
}

}  // namespace bulwark::feeds
