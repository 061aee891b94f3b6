#include "match/matcher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <time.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

namespace bulwark::match {

struct Matcher::Stream {
  std::string name;
  std::unique_ptr<RecordReader> reader;  // null until the first line when the format is auto
  LinePosition position;
  std::string format_name;
  std::string carry;  // a partial line from the previous chunk
  size_t pending = 0;  // bytes of that partial line (also when it is being skipped)
  bool skipping_long = false;
  uint64_t generation = ~0ull;
  std::shared_ptr<const IndicatorSet> set;
  uint64_t lines = 0, bytes = 0, long_lines = 0;
};

namespace {

int64_t WallSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kChunkBytes = 1 << 20;

double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Adds wall and CPU time since construction to a MatchStats under its mutex.
class Timer {
 public:
  Timer(std::mutex& mu, MatchStats& stats) : mu_(mu), stats_(stats) {}
  ~Timer() {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
    stats_.cpu_seconds += ThreadCpuSeconds() - cpu_;
  }

 private:
  std::mutex& mu_;
  MatchStats& stats_;
  std::chrono::steady_clock::time_point wall_ = std::chrono::steady_clock::now();
  double cpu_ = ThreadCpuSeconds();
};

}  // namespace

Matcher::Matcher(IndicatorSource* source, MatcherOptions options)
    : source_(source),
      options_(std::move(options)),
      writer_(options_.out, options_.sink, options_.sensor, options_.now ? options_.now : WallSeconds),
      line_matcher_(&writer_) {}

Matcher::~Matcher() { StopPolling(); }

Status Matcher::Load() {
  if (source_ == nullptr) return Ok();
  BW_ASSIGN_OR_RETURN(IndicatorBatch batch, source_->Load());
  int64_t cursor = batch.cursor;
  auto set = IndicatorSet::Apply(nullptr, std::move(batch));
  snapshot_.Store(set);
  cursor_.store(cursor);
  if (options_.on_snapshot) options_.on_snapshot(std::move(set));
  return Ok();
}

void Matcher::Restore(IndicatorBatch batch) {
  batch.full = true;
  int64_t cursor = batch.cursor;
  snapshot_.Store(IndicatorSet::Apply(nullptr, std::move(batch)));
  cursor_.store(cursor);
  restored_unconfirmed_.store(true);
}

Status Matcher::PollOnce() {
  if (source_ == nullptr) return Ok();
  auto batch = source_->Poll(cursor_.load());
  if (!batch.ok()) {
    const ErrorCode code = batch.error().code;
    if (code == ErrorCode::kUnauthenticated || code == ErrorCode::kForbidden) {
      if (options_.on_key_refused) options_.on_key_refused(batch.error());
    } else if (restored_unconfirmed_.load() && (code == ErrorCode::kInvalid || code == ErrorCode::kNotFound)) {
      batch = source_->Load();  // the source does not know the stored cursor: everything again
    }
  }
  if (!batch.ok()) {
    std::lock_guard<std::mutex> lock(stats_mu_);
    ++stats_.poll_failures;
    return std::move(batch).error();
  }
  restored_unconfirmed_.store(false);
  int64_t cursor = batch->cursor;
  if (batch->full || !batch->events.empty()) {
    auto set = IndicatorSet::Apply(snapshot_.Load(), std::move(batch).value());
    snapshot_.Store(set);
    {
      std::lock_guard<std::mutex> lock(stats_mu_);
      ++stats_.swaps;
    }
    if (options_.on_snapshot) options_.on_snapshot(std::move(set));
  }
  cursor_.store(cursor);
  return Ok();
}

void Matcher::StartPolling() {
  if (source_ == nullptr) return;
  poller_.Start(std::chrono::duration_cast<std::chrono::milliseconds>(options_.poll_interval),
                PeriodicThread::First::kAfterInterval, [this] {
                  (void)PollOnce();  // failures are counted; the last snapshot stays
                  if (options_.sink != nullptr) (void)options_.sink->Flush();  // kUnavailable leaves the rest queued
                });
}

void Matcher::StopPolling() { poller_.Stop(); }

void Matcher::Refresh(Stream& s) {
  uint64_t g = snapshot_.generation();
  if (g != s.generation || s.set == nullptr) {
    s.generation = g;
    s.set = snapshot_.Load();
    line_matcher_.set_indicators(s.set.get());
  }
}

void Matcher::OneLine(Stream& s, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++s.lines;
  s.position.line = s.lines;
  if (s.reader == nullptr) {
    if (line.empty()) return;
    Format f = options_.format;
    Format detected = DetectFormat(line);
    if (f == Format::kAuto) f = detected;
    if (f == Format::kZeek && detected == Format::kZeekJson) f = Format::kZeekJson;
    s.reader = MakeReader(f);
    s.format_name = std::string(s.reader->name());
    s.position.format = s.format_name;
  }
  line_matcher_.set_position(&s.position);
  s.reader->Line(line, line_matcher_);
}

void Matcher::Lines(Stream& s, std::string_view data, bool final_chunk) {
  Refresh(s);
  s.bytes += data.size();
  size_t pos = 0;
  while (pos < data.size()) {
    const char* nl = static_cast<const char*>(std::memchr(data.data() + pos, '\n', data.size() - pos));
    size_t end = nl == nullptr ? data.size() : static_cast<size_t>(nl - data.data());
    if (nl == nullptr && !final_chunk) {
      // Keep the partial line for the next chunk (or skip it when it is too long).
      size_t add = end - pos;
      if (!s.skipping_long && s.carry.size() + add > kMaxLineBytes) {
        ++s.long_lines;
        ++s.lines;
        s.skipping_long = true;
        s.carry.clear();
      }
      if (!s.skipping_long) s.carry.append(data.substr(pos, add));
      s.pending += add;
      break;
    }
    std::string_view piece = data.substr(pos, end - pos);
    if (s.skipping_long) {
      s.skipping_long = false;
    } else if (s.pending > 0) {
      s.carry.append(piece);
      if (s.carry.size() > kMaxLineBytes) {
        ++s.long_lines;
        ++s.lines;
      } else {
        OneLine(s, s.carry);
      }
    } else if (piece.size() > kMaxLineBytes) {
      ++s.long_lines;
      ++s.lines;
    } else {
      OneLine(s, piece);
    }
    s.position.offset += s.pending + piece.size() + (nl != nullptr ? 1 : 0);
    s.pending = 0;
    s.carry.clear();
    pos = end + 1;
  }
}

void Matcher::FlushCarry(Stream& s) {
  if (s.pending > 0 && !s.skipping_long) {
    Refresh(s);
    OneLine(s, s.carry);
  }
  s.position.offset += s.pending;
  s.pending = 0;
  s.carry.clear();
  s.skipping_long = false;
}

Status Matcher::FinishChunk(Stream& s) {
  (void)s;
  if (writer_.buffered_bytes() > (1 << 16)) return writer_.Flush();
  return Ok();
}

void Matcher::AddErrors(const Stream& s) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  stats_.lines += s.lines;
  stats_.bytes += s.bytes;
  stats_.long_lines += s.long_lines;
  if (s.reader != nullptr && s.reader->errors() > 0) stats_.parse_errors[s.format_name] += s.reader->errors();
  stats_.matches = line_matcher_.matches();
}

Status Matcher::MatchText(std::string_view text, const std::string& name) {
  Timer timer(stats_mu_, stats_);
  Stream s;
  s.name = name;
  s.position.input = s.name;
  Lines(s, text, true);
  AddErrors(s);
  return writer_.Flush();
}

Status Matcher::MatchFd(int fd, const std::string& name) {
  Timer timer(stats_mu_, stats_);
  Stream s;
  s.name = name;
  s.position.input = s.name;
  std::vector<char> buf(kChunkBytes);
  Status result = Ok();
  while (true) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result = MakeError(ErrorCode::kInternal, "reading " + name + " failed: " + std::strerror(errno));
      break;
    }
    if (n == 0) {
      FlushCarry(s);
      break;
    }
    Lines(s, std::string_view(buf.data(), static_cast<size_t>(n)), false);
    Status f = FinishChunk(s);
    if (!f.ok()) {
      result = f;
      break;
    }
  }
  AddErrors(s);
  Status fl = writer_.Flush();
  if (!result.ok()) return result;
  return fl;
}

Status Matcher::MatchFile(const std::string& path) {
  if (path == "-") return MatchFd(0, "-");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kNotFound, "cannot open " + path + ": " + std::strerror(errno), "file");
  Status s = MatchFd(fd, path);
  ::close(fd);
  return s;
}

Status Matcher::Follow(const std::string& path, const std::atomic<bool>& stop) {
  Timer timer(stats_mu_, stats_);
  Stream s;
  s.name = path;
  s.position.input = s.name;
  std::vector<char> buf(kChunkBytes);
  int fd = -1;
  ino_t inode = 0;
  off_t offset = 0;
  bool ever_opened = false;
  Status result = Ok();
  while (!stop.load()) {
    if (fd < 0) {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        struct stat st {};
        ::fstat(fd, &st);
        inode = st.st_ino;
        offset = 0;
        ever_opened = true;
      }
    }
    bool progressed = false;
    if (fd >= 0) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n > 0) {
        offset += n;
        Lines(s, std::string_view(buf.data(), static_cast<size_t>(n)), false);
        progressed = true;
      } else if (n == 0) {
        // At the end: rotated (a new file at the path) or truncated?
        struct stat now {};
        bool replaced = ::stat(path.c_str(), &now) != 0 || now.st_ino != inode;
        bool truncated = !replaced && now.st_size < offset;
        if (replaced || truncated) {
          FlushCarry(s);
          if (truncated) {
            ::lseek(fd, 0, SEEK_SET);
            offset = 0;
          } else {
            ::close(fd);
            fd = -1;
          }
          s.position.offset = 0;
          progressed = true;
        }
      }
    }
    Status fl = writer_.Flush();
    if (!fl.ok()) {
      result = fl;
      break;
    }
    if (!progressed) std::this_thread::sleep_for(options_.follow_interval);
  }
  if (fd >= 0) ::close(fd);
  AddErrors(s);
  Status fl = writer_.Flush();
  if (!ever_opened) return MakeError(ErrorCode::kNotFound, "never found " + path, "file");
  if (!result.ok()) return result;
  return fl;
}

Status Matcher::ListenUdp(const std::string& host_port, const std::atomic<bool>& stop, std::atomic<int>* bound_port) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) return MakeError(ErrorCode::kInvalid, "--udp wants HOST:PORT", "udp");
  std::string host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  std::string_view port_text(host_port.data() + colon + 1, host_port.size() - colon - 1);
  auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return MakeError(ErrorCode::kInvalid, "--udp: bad port in " + host_port, "udp");
  }
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  int family = AF_INET;
  if (host.find(':') != std::string::npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&addr);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) != 1) {
      return MakeError(ErrorCode::kInvalid, "--udp: bad address " + host, "udp");
    }
    family = AF_INET6;
    addr_len = sizeof(sockaddr_in6);
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&addr);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host.empty() ? "0.0.0.0" : host.c_str(), &a4->sin_addr) != 1) {
      return MakeError(ErrorCode::kInvalid, "--udp: bad address " + host, "udp");
    }
    addr_len = sizeof(sockaddr_in);
  }
  int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return MakeError(ErrorCode::kUnavailable, std::string("socket: ") + std::strerror(errno));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), addr_len) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return MakeError(ErrorCode::kUnavailable, "cannot bind " + host_port + ": " + err, "udp");
  }
  if (bound_port != nullptr) {
    sockaddr_storage got{};
    socklen_t got_len = sizeof got;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &got_len);
    int p = family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&got)->sin6_port)
                               : ntohs(reinterpret_cast<sockaddr_in*>(&got)->sin_port);
    bound_port->store(p);
  }
  Timer timer(stats_mu_, stats_);
  Stream s;
  s.name = "udp:" + host_port;
  s.position.input = s.name;
  if (options_.format == Format::kAuto || options_.format == Format::kSyslog) {
    s.reader = MakeReader(Format::kSyslog);
  } else {
    s.reader = MakeReader(options_.format);
  }
  s.format_name = std::string(s.reader->name());
  s.position.format = s.format_name;
  std::vector<char> buf(65536);
  while (!stop.load()) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 200);
    if (ready <= 0) {
      (void)writer_.Flush();
      continue;
    }
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) continue;
    s.position.offset = 0;
    Lines(s, std::string_view(buf.data(), static_cast<size_t>(n)), true);
    (void)writer_.Flush();
  }
  ::close(fd);
  AddErrors(s);
  return writer_.Flush();
}

MatchStats Matcher::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

}  // namespace bulwark::match
