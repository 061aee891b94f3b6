#include "match/snapshot_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/crypto.h"
#include "common/durable_file.h"

namespace bulwark::match {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr char kFormat[] = "bulwark-sensor-snapshot";
constexpr int64_t kVersion = 1;
constexpr size_t kMaxLineBytes = 8u << 20;  // one indicator line (a value and its tags) never comes near this
constexpr size_t kIoChunk = 1u << 20;
constexpr size_t kMaxReserve = 1u << 16;  // the counts are checked only as lines arrive: never trust them for memory


// Incremental SHA-256 (the body checksum) on OpenSSL's EVP interface.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }
  std::string Hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, md, &n);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
      out += kDigits[md[i] >> 4];
      out += kDigits[md[i] & 15];
    }
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

// Buffered writes to a file descriptor, hashing every byte that goes through Line().
class LineWriter {
 public:
  LineWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  Status Line(const json::object& o, bool hashed = true) {
    std::string text = json::serialize(o);
    text += '\n';
    if (hashed) sha_.Update(text);
    buf_ += text;
    if (buf_.size() >= kIoChunk) return Drain();
    return Ok();
  }
  std::string Digest() { return sha_.Hex(); }

  Status Drain() {
    BW_RETURN_IF_ERROR(WriteAll(fd_, buf_, path_));
    buf_.clear();
    return Ok();
  }

 private:
  int fd_;
  std::string path_;
  std::string buf_;
  Sha256 sha_;
};

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  a.reserve(v.size());
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

Status WriteBody(LineWriter& w, const SnapshotOrigin& origin, const IndicatorSet& set, int64_t saved_at) {
  const auto events = set.Events();
  size_t indicators = 0;
  for (const auto& e : events) indicators += e->indicators.size();
  json::object header;
  header["format"] = kFormat;
  header["version"] = kVersion;
  header["hub"] = origin.hub_url;
  header["key_sha256"] = origin.key_sha256;
  header["cursor"] = set.cursor();
  header["saved_at"] = saved_at;
  header["events"] = static_cast<int64_t>(events.size());
  header["indicators"] = static_cast<int64_t>(indicators);
  BW_RETURN_IF_ERROR(w.Line(header));
  for (const auto& e : events) {
    json::object eo;
    eo["event"] = e->event_uuid;
    eo["info"] = e->indicators.empty() ? std::string() : e->indicators.front().event_info;
    eo["threat_level"] = e->indicators.empty() ? 4 : e->indicators.front().threat_level;
    eo["indicators"] = static_cast<int64_t>(e->indicators.size());
    BW_RETURN_IF_ERROR(w.Line(eo));
    for (const Indicator& i : e->indicators) {
      json::object io;
      io["uuid"] = i.attribute_uuid;
      io["type"] = i.type;
      io["value"] = i.value;
      io["tags"] = Strings(i.tags);
      io["tlp"] = i.tlp;
      BW_RETURN_IF_ERROR(w.Line(io));
    }
  }
  json::object end;
  end["end"] = true;
  end["sha256"] = w.Digest();
  BW_RETURN_IF_ERROR(w.Line(end, false));
  return w.Drain();
}

// Reads a file line by line in chunks; a line longer than kMaxLineBytes is an error, not an allocation.
class LineReader {
 public:
  LineReader(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  // The next line without its '\n' (nullopt at the end; a last line without '\n' is reported as damage).
  Result<std::optional<std::string>> Next() {
    while (true) {
      const size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos) {
        std::string line = buf_.substr(pos_, nl - pos_);
        pos_ = nl + 1;
        ++line_number_;
        return std::optional<std::string>(std::move(line));
      }
      if (buf_.size() - pos_ > kMaxLineBytes) {
        return MakeError(ErrorCode::kInvalid, Where() + "a line longer than 8 MiB");
      }
      buf_.erase(0, pos_);
      pos_ = 0;
      const size_t old = buf_.size();
      buf_.resize(old + kIoChunk);
      ssize_t n = ::read(fd_, buf_.data() + old, kIoChunk);
      if (n < 0 && errno == EINTR) {
        buf_.resize(old);
        continue;
      }
      if (n < 0) return FileError("read", path_, errno);
      buf_.resize(old + static_cast<size_t>(n));
      if (n == 0) {
        if (!buf_.empty()) return MakeError(ErrorCode::kInvalid, Where() + "the file ends inside a line");
        return std::optional<std::string>();
      }
    }
  }
  std::string Where() const { return path_ + " line " + std::to_string(line_number_ + 1) + ": "; }
  std::string LastWhere() const { return path_ + " line " + std::to_string(line_number_) + ": "; }

 private:
  int fd_;
  std::string path_;
  std::string buf_;
  size_t pos_ = 0;
  size_t line_number_ = 0;
};

// A JSON object line, or kInvalid naming the line.
Result<json::object> ParseObject(const LineReader& r, const std::string& line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return MakeError(ErrorCode::kInvalid, r.LastWhere() + "not a JSON object");
  return std::move(v.as_object());
}

Result<std::string> StringField(const LineReader& r, const json::object& o, const char* name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || !v->is_string()) {
    return MakeError(ErrorCode::kInvalid, r.LastWhere() + "\"" + name + "\" is missing or not a string");
  }
  return std::string(v->get_string());
}

Result<int64_t> IntField(const LineReader& r, const json::object& o, const char* name, int64_t min, int64_t max) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || !v->is_int64() || v->get_int64() < min || v->get_int64() > max) {
    return MakeError(ErrorCode::kInvalid, r.LastWhere() + "\"" + name + "\" is missing or out of range");
  }
  return v->get_int64();
}

Result<std::vector<std::string>> StringsField(const LineReader& r, const json::object& o, const char* name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || !v->is_array()) {
    return MakeError(ErrorCode::kInvalid, r.LastWhere() + "\"" + name + "\" is missing or not an array");
  }
  std::vector<std::string> out;
  for (const auto& s : v->get_array()) {
    if (!s.is_string()) return MakeError(ErrorCode::kInvalid, r.LastWhere() + "\"" + name + "\" holds a non-string");
    out.emplace_back(s.get_string());
  }
  return out;
}

// Reads a next line that must exist.
Result<std::string> Required(LineReader& r) {
  BW_ASSIGN_OR_RETURN(auto line, r.Next());
  if (!line) return MakeError(ErrorCode::kInvalid, r.Where() + "the file ends early (truncated)");
  return std::move(*line);
}

// The next line, which must be there, as a JSON object; added to the body checksum when `sha` is given.
Result<json::object> NextObject(LineReader& r, Sha256* sha) {
  BW_ASSIGN_OR_RETURN(std::string line, Required(r));
  if (sha != nullptr) {
    sha->Update(line);
    sha->Update("\n");
  }
  return ParseObject(r, line);
}

Result<StoredSnapshot> ReadBody(LineReader& r, const SnapshotOrigin& expected, size_t max_indicators) {
  Sha256 sha;
  BW_ASSIGN_OR_RETURN(json::object header, NextObject(r, &sha));
  BW_ASSIGN_OR_RETURN(std::string format, StringField(r, header, "format"));
  if (format != kFormat) return MakeError(ErrorCode::kInvalid, r.LastWhere() + "not a sensor snapshot");
  BW_ASSIGN_OR_RETURN(int64_t version, IntField(r, header, "version", 0, INT64_MAX));
  if (version != kVersion) {
    return MakeError(ErrorCode::kInvalid, r.LastWhere() + "snapshot version " + std::to_string(version) +
                                              " (this sensor reads version " + std::to_string(kVersion) + ")");
  }
  SnapshotOrigin origin;
  BW_ASSIGN_OR_RETURN(origin.hub_url, StringField(r, header, "hub"));
  BW_ASSIGN_OR_RETURN(origin.key_sha256, StringField(r, header, "key_sha256"));
  if (origin.hub_url != expected.hub_url) {
    return MakeError(ErrorCode::kConflict, "the snapshot is of another hub (" + origin.hub_url.substr(0, 200) + ")");
  }
  if (!ConstantTimeEquals(origin.key_sha256, expected.key_sha256)) {
    return MakeError(ErrorCode::kConflict, "the snapshot was loaded with another API key");
  }
  StoredSnapshot out;
  out.batch.full = true;
  BW_ASSIGN_OR_RETURN(out.batch.cursor, IntField(r, header, "cursor", 0, INT64_MAX));
  BW_ASSIGN_OR_RETURN(out.saved_at, IntField(r, header, "saved_at", 0, INT64_MAX));
  BW_ASSIGN_OR_RETURN(int64_t events, IntField(r, header, "events", 0, INT64_MAX));
  BW_ASSIGN_OR_RETURN(int64_t indicators, IntField(r, header, "indicators", 0, INT64_MAX));
  if (static_cast<uint64_t>(indicators) > max_indicators) {
    return MakeError(ErrorCode::kTooLarge, "the snapshot holds " + std::to_string(indicators) +
                                               " indicators, more than the bound of " + std::to_string(max_indicators));
  }
  // Every event has at least one indicator, so the declared indicator count bounds the event count too.
  if (events > indicators) return MakeError(ErrorCode::kInvalid, r.LastWhere() + "more events than indicators");
  out.batch.events.reserve(std::min<size_t>(static_cast<size_t>(events), kMaxReserve));
  for (int64_t e = 0; e < events; ++e) {
    BW_ASSIGN_OR_RETURN(json::object eo, NextObject(r, &sha));
    EventIndicators ev;
    BW_ASSIGN_OR_RETURN(ev.event_uuid, StringField(r, eo, "event"));
    BW_ASSIGN_OR_RETURN(std::string info, StringField(r, eo, "info"));
    BW_ASSIGN_OR_RETURN(int64_t threat_level, IntField(r, eo, "threat_level", 1, 4));
    BW_ASSIGN_OR_RETURN(int64_t count,
                        IntField(r, eo, "indicators", 1, indicators - static_cast<int64_t>(out.indicators)));
    ev.indicators.reserve(std::min<size_t>(static_cast<size_t>(count), kMaxReserve));
    for (int64_t i = 0; i < count; ++i) {
      BW_ASSIGN_OR_RETURN(json::object io, NextObject(r, &sha));
      Indicator ind;
      BW_ASSIGN_OR_RETURN(ind.attribute_uuid, StringField(r, io, "uuid"));
      BW_ASSIGN_OR_RETURN(ind.type, StringField(r, io, "type"));
      BW_ASSIGN_OR_RETURN(ind.value, StringField(r, io, "value"));
      BW_ASSIGN_OR_RETURN(ind.tags, StringsField(r, io, "tags"));
      BW_ASSIGN_OR_RETURN(ind.tlp, StringField(r, io, "tlp"));
      ind.event_uuid = ev.event_uuid;
      ind.event_info = info;
      ind.threat_level = static_cast<int>(threat_level);
      ev.indicators.push_back(std::move(ind));
    }
    out.indicators += ev.indicators.size();
    out.batch.events.push_back(std::move(ev));
  }
  if (out.indicators != static_cast<size_t>(indicators)) {
    return MakeError(ErrorCode::kInvalid, r.LastWhere() + "the events hold fewer indicators than the header says");
  }
  BW_ASSIGN_OR_RETURN(json::object end, NextObject(r, nullptr));
  const auto* is_end = end.if_contains("end");
  if (is_end == nullptr || !is_end->is_bool() || !is_end->get_bool()) {
    return MakeError(ErrorCode::kInvalid, r.LastWhere() + "expected the end line");
  }
  BW_ASSIGN_OR_RETURN(std::string digest, StringField(r, end, "sha256"));
  if (digest != sha.Hex()) return MakeError(ErrorCode::kInvalid, "the snapshot's checksum does not match its content");
  BW_ASSIGN_OR_RETURN(auto extra, r.Next());
  if (extra) return MakeError(ErrorCode::kInvalid, r.LastWhere() + "data after the end line");
  return out;
}

}  // namespace

SnapshotOrigin OriginFor(std::string_view hub_url, std::string_view api_key) {
  while (!hub_url.empty() && hub_url.back() == '/') hub_url.remove_suffix(1);
  return SnapshotOrigin{std::string(hub_url), Sha256Hex(api_key)};
}

Status WriteSnapshot(const std::string& dir, const SnapshotOrigin& origin, const IndicatorSet& set, int64_t saved_at) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + dir + ": " + ec.message());
  const std::string path = (fs::path(dir) / kSnapshotFileName).string();
  return ReplaceFileDurably(path, [&](int fd, const std::string& tmp) {
    LineWriter w(fd, tmp);
    return WriteBody(w, origin, set, saved_at);
  });
}

Result<StoredSnapshot> ReadSnapshot(const std::string& dir, const SnapshotOrigin& expected, size_t max_indicators) {
  const std::string path = (fs::path(dir) / kSnapshotFileName).string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return MakeError(ErrorCode::kNotFound, "no indicator snapshot in " + dir);
    return FileError("open", path, errno);
  }
  LineReader r(fd, path);
  auto out = ReadBody(r, expected, max_indicators);
  ::close(fd);
  return out;
}

SnapshotWriter::SnapshotWriter(SnapshotWriterOptions options) : options_(std::move(options)) {
  if (!options_.now) {
    options_.now = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  thread_ = std::thread([this] { Run(); });
}

SnapshotWriter::~SnapshotWriter() { (void)Close(); }

void SnapshotWriter::Submit(std::shared_ptr<const IndicatorSet> set) {
  {
    std::lock_guard lock(mu_);
    pending_ = std::move(set);
  }
  cv_.notify_all();
}

Status SnapshotWriter::Close() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  if (last_error_) return *last_error_;
  return Ok();
}

uint64_t SnapshotWriter::writes() const {
  std::lock_guard lock(mu_);
  return writes_;
}

void SnapshotWriter::Run() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mu_);
  Clock::time_point next_allowed = Clock::now();  // the first snapshot is written at once
  while (true) {
    cv_.wait(lock, [&] { return closing_ || pending_ != nullptr; });
    if (pending_ == nullptr) return;  // closing with nothing left
    if (!closing_) {
      // Coalesce: wait out the interval (Close cuts it short); a newer Submit replaces pending_ meanwhile.
      cv_.wait_until(lock, next_allowed, [&] { return closing_; });
    }
    std::shared_ptr<const IndicatorSet> set = std::move(pending_);
    pending_ = nullptr;
    lock.unlock();
    Status st = WriteSnapshot(options_.dir, options_.origin, *set, options_.now());
    set.reset();
    if (!st.ok() && options_.on_error) options_.on_error(st.error());
    lock.lock();
    if (st.ok()) {
      ++writes_;
      last_error_.reset();
    } else {
      last_error_ = st.error();
    }
    next_allowed = Clock::now() + options_.min_interval;
    if (closing_ && pending_ == nullptr) return;
  }
}

}  // namespace bulwark::match
