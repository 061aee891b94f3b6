// HttpServer on Boost.Beast/Asio. The only translation unit (with its test) that includes Beast: keep it so.
//
// Shape: one io_context run by `io_threads`; every connection is a Session on its own strand. A session reads
// one request at a time (keep-alive, pipelined bytes stay in its buffer), checks the limits, routes, and
// posts the handler to the worker pool; the worker builds and compresses the response and posts it back to
// the strand, which writes it. Streamed bodies alternate: the producer runs on a worker, each chunk is
// written on the strand.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "api/http/gzip.h"
#include "api/http/http.h"

namespace bulwark::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kFirstReadBytes = 16 * 1024;
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kMaxLingerBytes = 16 * 1024 * 1024;
// A streamed response is written in pieces of at least this size (except the last).
constexpr size_t kStreamChunkBytes = 256 * 1024;

std::string_view MethodLabel(std::string_view m) {
  static constexpr std::string_view kKnown[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (std::string_view k : kKnown) {
    if (k == m) return k;
  }
  return "OTHER";  // methods come from the network: keep the label set bounded
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True when Accept-Encoding lists gzip (or *) without q=0.
bool AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t semi = item.find(';');
    std::string coding = Lower(Trim(item.substr(0, semi)));
    if (coding != "gzip" && coding != "x-gzip" && coding != "*") continue;
    if (semi != std::string_view::npos) {
      std::string params = Lower(item.substr(semi + 1));
      std::string_view q = Trim(params);
      if (q == "q=0" || q == "q=0." || q == "q=0.0" || q == "q=0.00" || q == "q=0.000") continue;
    }
    return true;
  }
  return false;
}

bool HasBodyStatus(int status) { return !(status < 200 || status == 204 || status == 304); }

// RFC 9110 token characters: a header name a handler sets must be one, or it is dropped.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// No CR, LF or NUL: a value taken from input must not split the header block.
bool IsSafeHeaderValue(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) == s.npos; }

}  // namespace

namespace server_internal {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void OnServerStop(bool force) = 0;
};

}  // namespace server_internal

using server_internal::SessionBase;

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, const Router& router, Metrics& metrics, Logger logger)
      : options_(std::move(options)),
        router_(router),
        logger_(logger ? std::move(logger) : MakeNullLogger()),
        requests_(metrics.RegisterCounter("bulwark_http_requests_total",
                                          "HTTP requests answered, by route, method and status.",
                                          {"route", "method", "status"})),
        duration_(metrics.RegisterHistogram("bulwark_http_request_duration_seconds",
                                            "Time from the request's first byte to the end of the response.",
                                            {"route"}, DefaultLatencyBuckets())),
        connections_gauge_(metrics.RegisterGauge("bulwark_http_connections", "Open HTTP connections.").Get()),
        rejected_(metrics.RegisterCounter("bulwark_http_rejected_total",
                                          "Requests or connections refused by a server limit, by reason.",
                                          {"reason"})),
        ioc_(options_.io_threads),
        acceptor_(asio::make_strand(ioc_)),
        workers_(static_cast<size_t>(options_.worker_threads)) {
    for (const RouteInfo& r : router_.Routes()) {
      route_duration_.emplace(r.name, &duration_.WithLabels({r.name}));
    }
  }

  ~Impl() { Stop(); }

  Status Listen();
  void Run();
  void Stop();
  void Wait() {
    std::unique_lock lock(mu_);
    stopped_cv_.wait(lock, [&] { return stopped_; });
  }
  std::string Endpoint() const {
    const auto addr = local_.address();
    return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(local_.port());
  }
  uint16_t Port() const { return local_.port(); }

  // Used by sessions.
  const HttpServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  const Logger& logger() const { return logger_; }
  asio::thread_pool& workers() { return workers_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void Reject(std::string_view reason) { rejected_.WithLabels({std::string(reason)}).Inc(); }
  void RecordRequest(const std::string& route, std::string_view method, int status, double seconds);
  void Register(uint64_t id, std::weak_ptr<SessionBase> s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.emplace(id, std::move(s));
  }
  void Unregister(uint64_t id) {
    {
      std::lock_guard lock(sessions_mu_);
      sessions_.erase(id);
    }
    connections_gauge_.Dec();
    if (open_.fetch_sub(1) == 1) {
      std::lock_guard lock(mu_);
      drained_cv_.notify_all();
    }
  }
  asio::ssl::context* ssl() { return ssl_ ? &*ssl_ : nullptr; }

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void RefuseOverLimit(tcp::socket socket);
  void NotifySessions(bool force);

  HttpServerOptions options_;
  Router router_;
  Logger logger_;
  CounterFamily& requests_;
  HistogramFamily& duration_;
  Gauge& connections_gauge_;
  CounterFamily& rejected_;
  std::unordered_map<std::string, Histogram*> route_duration_;  // immutable after construction

  std::atomic<bool> stopping_{false};
  std::atomic<int> open_{0};
  std::atomic<uint64_t> next_id_{1};
  std::mutex sessions_mu_;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions_;

  std::mutex mu_;  // guards stopped_, stop_started_ and the condition variables' waits
  std::condition_variable drained_cv_;
  std::condition_variable stopped_cv_;
  bool stop_started_ = false;
  bool stopped_ = false;

  std::optional<asio::ssl::context> ssl_;
  // Declared after everything a Session touches in its destructor: pending handlers (which own sessions)
  // are destroyed with the io_context.
  asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  tcp::acceptor acceptor_;
  tcp::endpoint local_;
  asio::thread_pool workers_;
  std::vector<std::thread> io_threads_;
};

namespace server_internal {

// One connection. Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
template <typename Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(HttpServer::Impl* server, uint64_t id, Stream stream, std::string remote)
      : server_(server), id_(id), stream_(std::move(stream)), remote_(std::move(remote)),
        read_timer_(stream_.get_executor()) {}
  ~Session() override { server_->Unregister(id_); }

  void Start();
  void OnServerStop(bool force) override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), force] {
      if (force || self->state_ == State::kIdle || self->state_ == State::kReading ||
          self->state_ == State::kClosed) {
        self->Abort();
      }
      // Otherwise the response under way goes out with "Connection: close".
      self->keep_alive_ = false;
    });
  }

 private:
  enum class State { kIdle, kReading, kProcessing, kWriting, kClosed };

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  const HttpServerOptions& Opt() const { return server_->options(); }
  std::shared_ptr<Session> Self() { return this->shared_from_this(); }

  void DoRead();
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void OnBody(beast::error_code ec);
  bool HandleReadError(beast::error_code ec);
  void ArmReadTimer();
  void OnRequest();
  void RunHandler(const Handler* handler, HttpRequest request, bool inflate);
  void Respond(HttpResponse res);
  bhttp::response_header<> MakeHeader(const HttpResponse& res, bool gzip);
  void WriteFull(HttpResponse res);
  void WriteStreamHeader(HttpResponse res);
  void NextChunk();
  void WriteChunk(std::shared_ptr<std::string> data, bool more);
  void Finish(beast::error_code ec);
  void RejectRequest(int status, std::string_view code, std::string message, std::string_view reason);
  void Close();
  void Linger();
  void Abort();

  HttpServer::Impl* server_;
  uint64_t id_;
  Stream stream_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  // A request's header and body are read under read_timeout on this timer rather than the stream's own expiry,
  // which would close the socket: on expiry the read is cancelled and the client is told 408.
  asio::steady_timer read_timer_;
  bool read_timed_out_ = false;
  State state_ = State::kIdle;

  // The request under way.
  SteadyClock::time_point start_;
  std::string method_;
  std::string path_;
  std::string route_ = "none";
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
  bool accepts_gzip_ = false;
  int status_ = 0;
  uint64_t bytes_ = 0;
  size_t lingered_ = 0;
  std::function<bool(std::string&)> producer_;
  std::shared_ptr<GzipWriter> gzip_;
};

template <typename Stream>
void Session<Stream>::Start() {
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    DoRead();
  } else {
    Tcp().expires_after(Opt().read_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server, [self = Self()](beast::error_code ec) {
      if (ec) {
        if (ec != asio::error::operation_aborted) self->server_->Reject("tls_handshake");
        return;  // the session ends when the last reference goes
      }
      self->DoRead();
    });
  }
}

template <typename Stream>
void Session<Stream>::DoRead() {
  state_ = State::kIdle;
  if (server_->stopping() || !keep_alive_) return Close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<size_t>(Opt().max_header_bytes, UINT32_MAX)));
  parser_->body_limit(static_cast<std::uint64_t>(Opt().max_body_bytes));
  if (buffer_.size() > 0) return ReadHeader();
  // Wait for the next request's first bytes under the idle timeout, then read it under the read timeout.
  Tcp().expires_after(Opt().idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes), [self = Self()](beast::error_code ec, size_t n) {
    if (ec) return self->Abort();  // idle timeout, peer closed, or server stop: quietly
    self->buffer_.commit(n);
    self->ReadHeader();
  });
}

template <typename Stream>
void Session<Stream>::ReadHeader() {
  state_ = State::kReading;
  start_ = SteadyClock::now();
  route_ = "none";
  method_.clear();
  path_.clear();
  ArmReadTimer();
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = Self()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

// Maps a read error to a rejection (or a quiet close). Returns true when the session must stop reading.
template <typename Stream>
bool Session<Stream>::HandleReadError(beast::error_code ec) {
  read_timer_.cancel();
  if (!ec) return false;
  server_->logger()->debug("read from {} failed: {} ({})", remote_, ec.message(), ec.category().name());
  if (ec == bhttp::error::header_limit) {
    RejectRequest(431, "too_large", "request header is larger than " + std::to_string(Opt().max_header_bytes) +
                  " bytes", "header_too_large");
  } else if (ec == bhttp::error::body_limit) {
    RejectRequest(413, "too_large", "request body is larger than " + std::to_string(Opt().max_body_bytes) +
                  " bytes", "body_too_large");
  } else if (read_timed_out_ && ec == asio::error::operation_aborted) {
    read_timed_out_ = false;
    RejectRequest(408, "timeout", "the request did not arrive within " + std::to_string(Opt().read_timeout.count()) +
                  " s: send the header and body without pauses", "timeout");
  } else if (ec == beast::error::timeout) {
    server_->Reject("timeout");  // the stream closed the socket: no 408 can be sent
    Abort();
  } else if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
             ec == asio::error::operation_aborted || ec == asio::ssl::error::stream_truncated) {
    Abort();
  } else {
    RejectRequest(400, "bad_request", "malformed HTTP request: " + ec.message(), "bad_request");
  }
  return true;
}

template <typename Stream>
void Session<Stream>::ArmReadTimer() {
  Tcp().expires_never();
  read_timed_out_ = false;
  read_timer_.expires_after(Opt().read_timeout);
  read_timer_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: the read completed first
    auto self = weak.lock();
    if (!self) return;
    self->read_timed_out_ = true;
    beast::error_code ignored;
    self->Tcp().socket().cancel(ignored);  // the read completes with operation_aborted -> 408
  });
}

template <typename Stream>
void Session<Stream>::OnHeader(beast::error_code ec) {
  if (HandleReadError(ec)) return;
  const auto& req = parser_->get();
  method_ = std::string(req.method_string());
  version_ = req.version();
  if (auto cl = parser_->content_length(); cl && *cl > Opt().max_body_bytes) {
    return RejectRequest(413, "too_large", "request body is larger than " + std::to_string(Opt().max_body_bytes) +
                         " bytes", "body_too_large");
  }
  if (parser_->is_done()) return OnRequest();
  auto expect = req[bhttp::field::expect];
  if (beast::iequals(expect, "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    Tcp().expires_after(Opt().read_timeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = Self()](beast::error_code wec, size_t) {
                        if (wec) return self->Abort();
                        self->ArmReadTimer();
                        bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                                          [self](beast::error_code rec, size_t) { self->OnBody(rec); });
                      });
    return;
  }
  ArmReadTimer();
  bhttp::async_read(stream_, buffer_, *parser_, [self = Self()](beast::error_code rec, size_t) { self->OnBody(rec); });
}

template <typename Stream>
void Session<Stream>::OnBody(beast::error_code ec) {
  if (HandleReadError(ec)) return;
  OnRequest();
}

template <typename Stream>
void Session<Stream>::OnRequest() {
  state_ = State::kProcessing;
  Tcp().expires_never();
  bhttp::request<bhttp::string_body> req = parser_->release();
  parser_.reset();
  keep_alive_ = req.keep_alive() && !server_->stopping();
  head_ = req.method() == bhttp::verb::head;
  accepts_gzip_ = AcceptsGzip(req[bhttp::field::accept_encoding]);

  HttpRequest r;
  r.method = method_;
  r.target = std::string(req.target());
  std::string_view target = r.target;
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {  // absolute-form
    size_t slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  size_t qmark = target.find('?');
  std::string_view raw_path = target.substr(0, qmark);
  path_ = std::string(raw_path);
  if (raw_path.empty() || raw_path.front() != '/') {
    return RejectRequest(400, "bad_request", "request target must be an absolute path", "bad_request");
  }
  auto decoded = PercentDecode(raw_path, false);
  if (!decoded) return RejectRequest(400, "bad_request", "malformed percent-encoding in path", "bad_request");
  r.path = std::move(*decoded);
  path_ = r.path;
  if (qmark != std::string_view::npos) r.query = ParseQuery(target.substr(qmark + 1));
  for (const auto& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(req.body());
  r.remote_address = remote_;

  bool inflate = false;
  std::string encoding = Lower(Trim(req[bhttp::field::content_encoding]));
  if (encoding == "gzip" || encoding == "x-gzip" || encoding == "deflate") {
    inflate = true;
  } else if (!encoding.empty() && encoding != "identity") {
    return RejectRequest(415, "unsupported_media_type", "unsupported Content-Encoding: " + encoding,
                         "unsupported_encoding");
  }

  Router::Match m = server_->router().Find(method_, raw_path);
  if (m.kind == Router::Match::Kind::kNotFound) {
    return Respond(ErrorResponse(MakeError(ErrorCode::kNotFound, "no route for " + r.path), r.path));
  }
  if (m.kind == Router::Match::Kind::kMethodNotAllowed) {
    std::string allow;
    for (const auto& a : m.allowed_methods) allow += (allow.empty() ? "" : ", ") + a;
    HttpResponse res = ErrorResponse(405, "method_not_allowed", "method " + method_ + " is not allowed here", r.path);
    res.headers.emplace_back("Allow", allow);
    return Respond(std::move(res));
  }
  route_ = m.route_name;
  r.params = std::move(m.params);
  RunHandler(m.handler, std::move(r), inflate);
}

// Runs the handler on a worker, then prepares (and compresses) the response there too.
template <typename Stream>
void Session<Stream>::RunHandler(const Handler* handler, HttpRequest request, bool inflate) {
  asio::post(server_->workers(), [self = Self(), handler, request = std::move(request), inflate]() mutable {
    HttpResponse res;
    bool ok = true;
    if (inflate) {
      Result<std::string> body = Inflate(request.body, self->Opt().max_body_bytes);
      if (!body.ok()) {
        ok = false;
        bool too_large = body.error().code == ErrorCode::kTooLarge;
        self->server_->Reject(too_large ? "body_too_large" : "bad_request");
        res = ErrorResponse(body.error(), request.path);
        res.headers.emplace_back("Connection", "close");
      } else {
        request.body = std::move(body).value();
      }
    }
    if (ok) {
      try {
        res = (*handler)(request);
      } catch (const std::exception& e) {
        self->server_->logger()->error("handler for {} {} threw: {}", request.method, request.path, e.what());
        res = ErrorResponse(MakeError(ErrorCode::kInternal, "internal error"), request.path);
      } catch (...) {
        self->server_->logger()->error("handler for {} {} threw a non-exception", request.method, request.path);
        res = ErrorResponse(MakeError(ErrorCode::kInternal, "internal error"), request.path);
      }
    }
    if (!res.stream && self->accepts_gzip_ && !self->head_ && res.body.size() >= self->Opt().gzip_min_bytes) {
      bool already = false;
      for (const auto& [k, v] : res.headers) already = already || beast::iequals(k, "content-encoding");
      if (!already && HasBodyStatus(res.status)) {
        res.body = GzipCompress(res.body);
        res.headers.emplace_back("Content-Encoding", "gzip");
      }
    }
    asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->Respond(std::move(res)); });
  });
}

template <typename Stream>
bhttp::response_header<> Session<Stream>::MakeHeader(const HttpResponse& res, bool gzip) {
  bhttp::response_header<> h;
  h.version(version_);
  h.result(static_cast<unsigned>(res.status));
  h.set(bhttp::field::server, "bulwark");
  if (HasBodyStatus(res.status) && !res.content_type.empty() && IsSafeHeaderValue(res.content_type)) {
    h.set(bhttp::field::content_type, res.content_type);
  }
  bool vary = false;
  for (const auto& [k, v] : res.headers) {
    if (!IsToken(k) || !IsSafeHeaderValue(v)) {
      server_->logger()->warn("dropped an invalid response header from the handler for {}", path_);
      continue;
    }
    if (beast::iequals(k, "connection") && beast::iequals(v, "close")) {
      keep_alive_ = false;
      continue;
    }
    if (beast::iequals(k, "content-length") || beast::iequals(k, "transfer-encoding") ||
        beast::iequals(k, "connection")) {
      continue;
    }
    vary = vary || beast::iequals(k, "vary");
    h.insert(k, v);
  }
  if (gzip) h.set(bhttp::field::content_encoding, "gzip");
  if (!vary && (gzip || res.stream || res.body.size() >= Opt().gzip_min_bytes)) {
    h.set(bhttp::field::vary, "Accept-Encoding");
  }
  if (server_->stopping()) keep_alive_ = false;
  return h;
}

template <typename Stream>
void Session<Stream>::Respond(HttpResponse res) {
  if (state_ == State::kClosed) return;
  state_ = State::kWriting;
  if (res.status < 100 || res.status > 599) {
    server_->logger()->error("handler for {} returned status {}", path_, res.status);
    res = ErrorResponse(MakeError(ErrorCode::kInternal, "internal error"), path_);
  }
  status_ = res.status;
  bytes_ = 0;
  if (res.stream && !head_) return WriteStreamHeader(std::move(res));
  WriteFull(std::move(res));
}

template <typename Stream>
void Session<Stream>::WriteFull(HttpResponse res) {
  bhttp::response_header<> h = MakeHeader(res, false);
  if (!HasBodyStatus(res.status)) res.body.clear();
  Tcp().expires_after(Opt().idle_timeout);
  auto done = [self = Self()](beast::error_code ec, size_t n) {
    self->bytes_ += n;
    self->Finish(ec);
  };
  if (head_ || res.stream) {
    auto msg = std::make_shared<bhttp::response<bhttp::empty_body>>(std::move(h));
    if (!res.stream && HasBodyStatus(res.status)) msg->set(bhttp::field::content_length, std::to_string(res.body.size()));
    msg->keep_alive(keep_alive_);
    bhttp::async_write(stream_, *msg, [msg, done](beast::error_code ec, size_t n) { done(ec, n); });
    return;
  }
  auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(std::move(h), std::move(res.body));
  msg->keep_alive(keep_alive_);
  msg->prepare_payload();
  bhttp::async_write(stream_, *msg, [msg, done](beast::error_code ec, size_t n) { done(ec, n); });
}

template <typename Stream>
void Session<Stream>::WriteStreamHeader(HttpResponse res) {
  const bool gzip = accepts_gzip_ && HasBodyStatus(res.status);
  bhttp::response<bhttp::empty_body> msg(MakeHeader(res, gzip));
  msg.keep_alive(keep_alive_);
  msg.chunked(true);
  producer_ = std::move(res.stream);
  if (gzip) gzip_ = std::make_shared<GzipWriter>();
  // The serializer refers to the message: they live together until the header is written.
  struct Head {
    explicit Head(bhttp::response<bhttp::empty_body> m) : msg(std::move(m)), sr(msg) {}
    bhttp::response<bhttp::empty_body> msg;
    bhttp::response_serializer<bhttp::empty_body> sr;
  };
  auto head = std::make_shared<Head>(std::move(msg));
  Tcp().expires_after(Opt().idle_timeout);
  bhttp::async_write_header(stream_, head->sr, [self = Self(), head](beast::error_code ec, size_t n) {
    self->bytes_ += n;
    if (ec) return self->Finish(ec);
    self->NextChunk();
  });
}

template <typename Stream>
void Session<Stream>::NextChunk() {
  asio::post(server_->workers(), [self = Self()] {
    auto data = std::make_shared<std::string>();
    bool more = false;
    bool failed = false;
    try {
      // Producers hand out small pieces (a few hundred rows); a write per piece would cost two thread hops
      // each, so pieces are gathered up to kStreamChunkBytes before one write.
      std::string piece;
      do {
        piece.clear();
        more = self->producer_(piece);
        if (data->empty()) {
          data->swap(piece);
        } else {
          data->append(piece);
        }
      } while (more && data->size() < kStreamChunkBytes);
    } catch (const std::exception& e) {
      self->server_->logger()->error("stream for {} threw: {}", self->path_, e.what());
      failed = true;
    } catch (...) {
      failed = true;
    }
    if (!failed && self->gzip_) *data = self->gzip_->Write(*data, !more);
    asio::post(self->stream_.get_executor(), [self, data, more, failed] {
      if (failed) {
        self->keep_alive_ = false;
        self->Finish(asio::error::operation_aborted);  // no last chunk: the client sees a truncated body
        return;
      }
      self->WriteChunk(data, more);
    });
  });
}

template <typename Stream>
void Session<Stream>::WriteChunk(std::shared_ptr<std::string> data, bool more) {
  if (state_ == State::kClosed) return Finish(asio::error::operation_aborted);
  Tcp().expires_after(Opt().idle_timeout);
  if (data->empty()) {
    if (more) return NextChunk();
    asio::async_write(stream_, bhttp::make_chunk_last(), [self = Self()](beast::error_code ec, size_t n) {
      self->bytes_ += n;
      self->Finish(ec);
    });
    return;
  }
  asio::async_write(stream_, bhttp::make_chunk(asio::buffer(*data)),
                    [self = Self(), data, more](beast::error_code ec, size_t n) {
                      self->bytes_ += n;
                      if (ec) return self->Finish(ec);
                      if (more) return self->NextChunk();
                      self->WriteChunk(std::make_shared<std::string>(), false);
                    });
}

// The end of one request/response exchange: metrics, access log, then the next request or close.
template <typename Stream>
void Session<Stream>::Finish(beast::error_code ec) {
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - start_).count();
  server_->RecordRequest(route_, method_, status_, seconds);
  if (Opt().access_log) {
    server_->logger()->info("{} {} {} {}B {:.3f}ms {}{}", method_.empty() ? "-" : method_, path_, status_, bytes_,
                            seconds * 1000, remote_, ec ? " (" + ec.message() + ")" : std::string());
  }
  producer_ = nullptr;
  gzip_.reset();
  if (ec) return Abort();
  DoRead();
}

template <typename Stream>
void Session<Stream>::RejectRequest(int status, std::string_view code, std::string message,
                                    std::string_view reason) {
  server_->Reject(reason);
  keep_alive_ = false;  // the rest of the stream cannot be trusted to be in sync
  if (method_.empty() && parser_) method_ = std::string(parser_->get().method_string());
  Respond(ErrorResponse(status, code, message, path_));
}

template <typename Stream>
void Session<Stream>::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Abort();
    // Closing with unread input would reset the connection and could destroy the response we just sent
    // (after a 413 the client may still be sending its body): drain for a bounded time first.
    Tcp().expires_after(kLingerTime);
    Linger();
  } else {
    Tcp().expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = Self()](beast::error_code) { self->Tcp().close(); });
  }
}

template <typename Stream>
void Session<Stream>::Linger() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes), [self = Self()](beast::error_code ec, size_t n) {
    self->lingered_ += n;
    if (ec || self->lingered_ > kMaxLingerBytes) return self->Abort();
    self->Linger();
  });
}

template <typename Stream>
void Session<Stream>::Abort() {
  state_ = State::kClosed;
  read_timer_.cancel();
  Tcp().close();
}

}  // namespace server_internal

using server_internal::Session;

void HttpServer::Impl::RecordRequest(const std::string& route, std::string_view method, int status,
                                     double seconds) {
  requests_.WithLabels({route, std::string(MethodLabel(method)), std::to_string(status)}).Inc();
  auto it = route_duration_.find(route);
  Histogram& h = it != route_duration_.end() ? *it->second : duration_.WithLabels({route});
  h.Observe(seconds);
}

Status HttpServer::Impl::Listen() {
  if (options_.io_threads < 1 || options_.worker_threads < 1 || options_.max_connections < 1) {
    return MakeError(ErrorCode::kInvalid, "io_threads, worker_threads and max_connections must be at least 1");
  }
  if (options_.tls_cert_file.empty() != options_.tls_key_file.empty()) {
    return MakeError(ErrorCode::kInvalid, "TLS needs both tls_cert_file and tls_key_file", "tls_cert_file");
  }
  if (!options_.tls_cert_file.empty()) {
    ssl_.emplace(asio::ssl::context::tls_server);
    ssl_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    beast::error_code ec;
    ssl_->use_certificate_chain_file(options_.tls_cert_file, ec);
    if (ec) return MakeError(ErrorCode::kInvalid, "cannot load TLS certificate: " + ec.message(), "tls_cert_file");
    ssl_->use_private_key_file(options_.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return MakeError(ErrorCode::kInvalid, "cannot load TLS key: " + ec.message(), "tls_key_file");
    if (SSL_CTX_check_private_key(ssl_->native_handle()) != 1) {
      return MakeError(ErrorCode::kInvalid, "TLS key does not match the certificate", "tls_key_file");
    }
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return MakeError(ErrorCode::kInvalid, "not an IP address: " + options_.host, "host");
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) local_ = acceptor_.local_endpoint(ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable, "cannot listen on " + options_.host + ":" +
                     std::to_string(options_.port) + ": " + ec.message());
  }
  return Ok();
}

void HttpServer::Impl::Run() {
  work_.emplace(ioc_.get_executor());
  DoAccept();
  for (int i = 0; i < options_.io_threads; ++i) {
    io_threads_.emplace_back([this] {
      // An exception escaping a completion handler (allocation failure, a Beast bug) must not end the
      // process: log it and keep serving.
      while (true) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          logger_->error("I/O thread caught: {}", e.what());
        }
      }
    });
  }
}

void HttpServer::Impl::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_),
                         [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void HttpServer::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec && !stopping()) {
    if (open_.load() >= options_.max_connections) {
      Reject("connections");
      RefuseOverLimit(std::move(socket));
    } else {
      beast::error_code rec;
      // Responses go out in several writes (header, chunks): without TCP_NODELAY, Nagle's algorithm holds
      // the later ones until the client's delayed ACK, about 40 ms per streamed response.
      socket.set_option(tcp::no_delay(true), rec);
      tcp::endpoint peer = socket.remote_endpoint(rec);
      std::string remote = rec ? "?" : (peer.address().is_v6() ? "[" + peer.address().to_string() + "]"
                                                                  : peer.address().to_string()) +
                                           ":" + std::to_string(peer.port());
      open_.fetch_add(1);
      connections_gauge_.Inc();
      uint64_t id = next_id_.fetch_add(1);
      std::shared_ptr<SessionBase> base;
      if (ssl_) {
        auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            this, id, beast::ssl_stream<beast::tcp_stream>(std::move(socket), *ssl_), std::move(remote));
        Register(id, s);
        s->Start();
      } else {
        auto s = std::make_shared<Session<beast::tcp_stream>>(this, id, beast::tcp_stream(std::move(socket)),
                                                              std::move(remote));
        Register(id, s);
        s->Start();
      }
    }
  } else if (ec) {
    logger_->warn("accept failed: {}", ec.message());
  }
  DoAccept();
}

// Over the connection limit: a plain-HTTP client gets a 503 it can read; a TLS client just a close.
void HttpServer::Impl::RefuseOverLimit(tcp::socket socket) {
  if (ssl_) return;  // closed by the socket's destructor
  HttpResponse res = ErrorResponse(MakeError(ErrorCode::kUnavailable, "too many connections"), "");
  struct Refusal {
    tcp::socket socket;
    std::string text;
  };
  auto r = std::make_shared<Refusal>(Refusal{std::move(socket), {}});
  r->text = "HTTP/1.1 503 Service Unavailable\r\nServer: bulwark\r\nContent-Type: application/json\r\n"
            "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
            std::to_string(res.body.size()) + "\r\n\r\n" + res.body;
  asio::async_write(r->socket, asio::buffer(r->text), [r](beast::error_code, size_t) {
    beast::error_code ec;
    r->socket.shutdown(tcp::socket::shutdown_send, ec);
  });
}

void HttpServer::Impl::NotifySessions(bool force) {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->OnServerStop(force);
}

void HttpServer::Impl::Stop() {
  {
    std::unique_lock lock(mu_);
    if (stop_started_) {
      stopped_cv_.wait(lock, [&] { return stopped_; });
      return;
    }
    stop_started_ = true;
  }
  stopping_.store(true, std::memory_order_release);
  if (!io_threads_.empty()) {
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    NotifySessions(/*force=*/false);
    {
      std::unique_lock lock(mu_);
      drained_cv_.wait_for(lock, options_.shutdown_timeout, [&] { return open_.load() == 0; });
    }
    if (open_.load() != 0) {
      logger_->warn("stopping with {} connections still open after {}s", open_.load(),
                    options_.shutdown_timeout.count());
      NotifySessions(/*force=*/true);
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : io_threads_) t.join();
    io_threads_.clear();
  }
  workers_.join();  // handlers cannot be interrupted: wait for the running ones
  std::lock_guard lock(mu_);
  stopped_ = true;
  stopped_cv_.notify_all();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options, const Router& router,
                                                      Metrics& metrics, Logger logger) {
  if (options.io_threads < 1 || options.worker_threads < 1) {
    return MakeError(ErrorCode::kInvalid, "io_threads and worker_threads must be at least 1");
  }
  auto impl = std::make_unique<Impl>(std::move(options), router, metrics, std::move(logger));
  BW_RETURN_IF_ERROR(impl->Listen());
  impl->Run();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::string HttpServer::Endpoint() const { return impl_->Endpoint(); }
uint16_t HttpServer::Port() const { return impl_->Port(); }
void HttpServer::Stop() { impl_->Stop(); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace bulwark::http
