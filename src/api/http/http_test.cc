// End-to-end tests of HttpServer: a real server on an OS-chosen loopback port, driven by a small blocking
// Beast client.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "api/http/gzip.h"
#include "api/http/http.h"

namespace bulwark::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Response = bhttp::response<bhttp::string_body>;

// A blocking HTTP/1.1 client on one connection.
class Client {
 public:
  explicit Client(uint16_t port) { socket_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port)); }

  Response Request(bhttp::verb verb, const std::string& target, const std::string& body = {},
                   const HeaderList& headers = {}) {
    bhttp::request<bhttp::string_body> req(verb, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    if (!body.empty() || verb == bhttp::verb::post) req.prepare_payload();
    bhttp::write(socket_, req);
    return Read(verb == bhttp::verb::head);
  }
  Response Get(const std::string& target, const HeaderList& headers = {}) {
    return Request(bhttp::verb::get, target, {}, headers);
  }
  Response Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(64 * 1024 * 1024);
    p.skip(head);
    bhttp::read(socket_, buffer_, p);
    return p.release();
  }
  void WriteRaw(std::string_view s) { asio::write(socket_, asio::buffer(s.data(), s.size())); }
  // Reads until the server closes the connection; true if it did (EOF or reset) with no further bytes.
  bool PeerClosed() {
    if (buffer_.size() > 0) return false;
    char c;
    beast::error_code ec;
    socket_.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }
  // Reads and discards until the server closes the connection.
  void DrainUntilClosed() {
    char buf[512];
    beast::error_code ec;
    while (!ec) socket_.read_some(asio::buffer(buf), ec);
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_{ioc_};
  beast::flat_buffer buffer_;
};

std::string MetricLine(const Metrics& m, const std::string& series) {
  std::string text = m.RenderPrometheus();
  size_t pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return "<absent>";
  ++pos;
  return text.substr(pos, text.find('\n', pos) - pos);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/hello", "hello", [this](HttpRequest&) {
      ++calls_;
      return HttpResponse::Text(200, "hello");
    });
    router_.Add("GET", "/events/view/{id}", "events.view", [this](HttpRequest& r) {
      ++calls_;
      std::string q(r.Query("q").value_or(""));
      return HttpResponse::Json(200, "{\"id\":\"" + std::string(r.Param("id")) + "\",\"q\":\"" + q + "\"}");
    });
    router_.Add("POST", "/echo", "echo", [this](HttpRequest& r) {
      ++calls_;
      return HttpResponse::Text(200, r.body);
    });
    router_.Add("GET", "/whoami", "whoami", [](HttpRequest& r) { return HttpResponse::Text(200, r.remote_address); });
    router_.Add("GET", "/big", "big", [](HttpRequest&) { return HttpResponse::Text(200, BigBody()); });
    router_.Add("GET", "/stream", "stream", [](HttpRequest&) {
      HttpResponse res;
      res.content_type = "text/plain";
      auto i = std::make_shared<int>(0);
      res.stream = [i](std::string& chunk) {
        chunk = "line " + std::to_string(*i) + "\n";
        return ++*i < 5;
      };
      return res;
    });
    router_.Add("GET", "/inject", "inject", [](HttpRequest&) {
      HttpResponse res = HttpResponse::Text(201, "made");
      res.headers = {{"X-Bad", "a\r\nInjected: 1"}, {"Bad Name", "x"}, {"Location", "/events/view/9"}};
      return res;
    });
    router_.Add("GET", "/throw", "throw", [](HttpRequest&) -> HttpResponse {
      throw std::runtime_error("secret detail");
    });
    router_.Add("GET", "/slow", "slow", [this](HttpRequest&) {
      std::unique_lock lock(mu_);
      slow_entered_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return slow_release_; });
      return HttpResponse::Text(200, "done");
    });
  }

  void TearDown() override {
    {
      std::lock_guard lock(mu_);
      slow_release_ = true;
      cv_.notify_all();
    }
    if (server_) server_->Stop();
  }

  static std::string BigBody() {
    std::string s;
    for (int i = 0; i < 1000; ++i) s += "row " + std::to_string(i) + "\n";
    return s;
  }

  void Start(HttpServerOptions o = {}, Logger logger = MakeNullLogger()) {
    o.port = 0;
    auto r = HttpServer::Start(o, router_, metrics_, std::move(logger));
    ASSERT_TRUE(r.ok()) << r.error().message;
    server_ = std::move(r).value();
  }
  uint16_t Port() const { return server_->Port(); }

  Metrics metrics_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<int> calls_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool slow_entered_ = false;
  bool slow_release_ = false;
};

TEST_F(HttpServerTest, ReportsTheBoundEndpoint) {
  Start();
  EXPECT_NE(Port(), 0);
  EXPECT_EQ(server_->Endpoint(), "127.0.0.1:" + std::to_string(Port()));
}

TEST_F(HttpServerTest, RoutesWithParametersAndQuery) {
  Start();
  Client c(Port());
  Response res = c.Get("/events/view/42?q=a%20b");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res.body(), "{\"id\":\"42\",\"q\":\"a b\"}");
}

TEST_F(HttpServerTest, NotFoundAndMethodNotAllowedAreJsonErrors) {
  Start();
  Client c(Port());
  Response nf = c.Get("/nope");
  EXPECT_EQ(nf.result_int(), 404);
  EXPECT_EQ(nf.body(),
            "{\"name\":\"no route for /nope\",\"message\":\"no route for /nope\",\"url\":\"/nope\","
            "\"error\":{\"code\":\"not_found\",\"message\":\"no route for /nope\",\"field\":\"\"}}");
  Response na = c.Request(bhttp::verb::delete_, "/hello");
  EXPECT_EQ(na.result_int(), 405);
  EXPECT_EQ(na[bhttp::field::allow], "GET, HEAD");
  EXPECT_NE(na.body().find("\"code\":\"method_not_allowed\""), std::string::npos);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerTest, HeadSendsHeadersWithoutBody) {
  Start();
  Client c(Port());
  Response head = c.Request(bhttp::verb::head, "/big");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[bhttp::field::content_length], std::to_string(BigBody().size()));
  EXPECT_TRUE(head.body().empty());
  // The connection is still in sync: the next response is read correctly.
  EXPECT_EQ(c.Get("/hello").body(), "hello");
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  Start();
  Client c(Port());
  std::string first = c.Get("/whoami").body();
  for (int i = 0; i < 5; ++i) {
    Response res = c.Get("/whoami");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_TRUE(res.keep_alive());
    EXPECT_EQ(res.body(), first);  // same client port: the same connection
  }
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_connections"), "bulwark_http_connections 1");
}

TEST_F(HttpServerTest, BodyOverLimitByContentLengthIsRejectedBeforeReading) {
  HttpServerOptions o;
  o.max_body_bytes = 1000;
  Start(o);
  Client c(Port());
  c.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
  Response res = c.Read();  // answered without sending any of the body
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_NE(res.body().find("\"code\":\"too_large\""), std::string::npos);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.PeerClosed());
  EXPECT_EQ(calls_.load(), 0);
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_rejected_total{reason=\"body_too_large\"}"),
            "bulwark_http_rejected_total{reason=\"body_too_large\"} 1");
}

TEST_F(HttpServerTest, ChunkedBodyOverLimitIsRejected) {
  HttpServerOptions o;
  o.max_body_bytes = 1000;
  Start(o);
  Client c(Port());
  std::string chunk(600, 'z');
  c.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 3; ++i) c.WriteRaw("258\r\n" + chunk + "\r\n");
  c.WriteRaw("0\r\n\r\n");
  Response res = c.Read();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(calls_.load(), 0);
  // Within the limit, a chunked body reaches the handler whole.
  Client ok(Port());
  ok.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_EQ(ok.Read().body(), "hello world");
}

TEST_F(HttpServerTest, HeaderOverLimitGets431) {
  HttpServerOptions o;
  o.max_header_bytes = 1024;
  Start(o);
  Client c(Port());
  Response res = c.Get("/hello", {{"X-Big", std::string(2000, 'a')}});
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_NE(res.body().find("\"code\":\"too_large\""), std::string::npos);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerTest, MalformedRequestGets400) {
  Start();
  Client c(Port());
  c.WriteRaw("GARBAGE\r\n\r\n");
  EXPECT_EQ(c.Read().result_int(), 400);
  EXPECT_TRUE(c.PeerClosed());
}

TEST_F(HttpServerTest, GzipRequestBodiesAreDecompressedWithABound) {
  HttpServerOptions o;
  o.max_body_bytes = 1024 * 1024;
  Start(o);
  Client c(Port());
  Response res = c.Request(bhttp::verb::post, "/echo", GzipCompress("hello gzip"), {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(res.body(), "hello gzip");
  EXPECT_EQ(calls_.load(), 1);

  Client bomb(Port());
  std::string compressed = GzipCompress(std::string(20 * 1024 * 1024, '\0'));
  ASSERT_LT(compressed.size(), o.max_body_bytes);
  Response big = bomb.Request(bhttp::verb::post, "/echo", compressed, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(big.result_int(), 413);
  EXPECT_EQ(calls_.load(), 1);

  Client br(Port());
  EXPECT_EQ(br.Request(bhttp::verb::post, "/echo", "x", {{"Content-Encoding", "br"}}).result_int(), 415);
}

TEST_F(HttpServerTest, ResponsesAreGzippedWhenAcceptedAndBigEnough) {
  Start();
  Client c(Port());
  Response gz = c.Get("/big", {{"Accept-Encoding", "deflate, gzip;q=0.8"}});
  EXPECT_EQ(gz[bhttp::field::content_encoding], "gzip");
  EXPECT_EQ(gz[bhttp::field::vary], "Accept-Encoding");
  ASSERT_LT(gz.body().size(), BigBody().size());
  Result<std::string> plain = Inflate(gz.body(), 1 << 20);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, BigBody());

  EXPECT_EQ(c.Get("/big").body(), BigBody());                                      // not accepted
  EXPECT_EQ(c.Get("/big", {{"Accept-Encoding", "gzip;q=0"}}).body(), BigBody());  // refused explicitly
  Response small = c.Get("/hello", {{"Accept-Encoding", "gzip"}});
  EXPECT_FALSE(small.count(bhttp::field::content_encoding));
  EXPECT_EQ(small.body(), "hello");
}

TEST_F(HttpServerTest, StreamedResponsesUseChunkedEncoding) {
  Start();
  Client c(Port());
  Response res = c.Get("/stream");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_TRUE(res.chunked());
  EXPECT_EQ(res.body(), "line 0\nline 1\nline 2\nline 3\nline 4\n");

  Response gz = c.Get("/stream", {{"Accept-Encoding", "gzip"}});
  EXPECT_TRUE(gz.chunked());
  EXPECT_EQ(gz[bhttp::field::content_encoding], "gzip");
  Result<std::string> plain = Inflate(gz.body(), 1 << 20);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "line 0\nline 1\nline 2\nline 3\nline 4\n");
  EXPECT_EQ(c.Get("/hello").body(), "hello");  // still in sync after two streams
}

TEST_F(HttpServerTest, HandlerExceptionsBecome500WithoutDetails) {
  Start();
  Client c(Port());
  Response res = c.Get("/throw");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_NE(res.body().find("\"code\":\"internal\""), std::string::npos);
  EXPECT_EQ(res.body().find("secret"), std::string::npos);
}

TEST_F(HttpServerTest, UnsafeResponseHeadersAreDropped) {
  Start();
  Client c(Port());
  Response res = c.Get("/inject");
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res[bhttp::field::location], "/events/view/9");
  EXPECT_FALSE(res.count("X-Bad"));
  EXPECT_FALSE(res.count("Injected"));
  EXPECT_EQ(res.body(), "made");
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
  Start();
  Client c(Port());
  c.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(c.Read().result_int(), 100);
  c.WriteRaw("abcde");
  EXPECT_EQ(c.Read().body(), "abcde");
}

TEST_F(HttpServerTest, ConcurrentClients) {
  HttpServerOptions o;
  o.io_threads = 2;
  o.worker_threads = 3;
  Start(o);
  constexpr int kThreads = 8;
  constexpr int kRequests = 25;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client c(Port());
      for (int i = 0; i < kRequests; ++i) {
        std::string id = std::to_string(t * 1000 + i);
        Response res = c.Get("/events/view/" + id);
        if (res.result_int() == 200 && res.body() == "{\"id\":\"" + id + "\",\"q\":\"\"}") ++good;
      }
      c.Get("/hello");  // its metrics are recorded after the response: keeps the count above exact
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), kThreads * kRequests);
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_requests_total{route=\"events.view\",method=\"GET\",status=\"200\"}"),
            "bulwark_http_requests_total{route=\"events.view\",method=\"GET\",status=\"200\"} 200");
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_request_duration_seconds_count{route=\"events.view\"}"),
            "bulwark_http_request_duration_seconds_count{route=\"events.view\"} 200");
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitGet503) {
  HttpServerOptions o;
  o.max_connections = 2;
  Start(o);
  Client a(Port());
  Client b(Port());
  EXPECT_EQ(a.Get("/hello").result_int(), 200);
  EXPECT_EQ(b.Get("/hello").result_int(), 200);
  Client c(Port());
  Response res = c.Read();
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_NE(res.body().find("\"code\":\"unavailable\""), std::string::npos);
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_rejected_total{reason=\"connections\"}"),
            "bulwark_http_rejected_total{reason=\"connections\"} 1");
}

TEST_F(HttpServerTest, ReadTimeoutIs408AndIdleTimeoutClosesQuietly) {
  HttpServerOptions o;
  o.read_timeout = std::chrono::seconds(1);
  o.idle_timeout = std::chrono::seconds(1);
  Start(o);
  Client slow(Port());
  slow.WriteRaw("GET /hello HTTP/1.1\r\nHo");  // never finishes its header
  Response timed_out = slow.Read();
  EXPECT_EQ(timed_out.result_int(), 408);
  EXPECT_NE(timed_out.body().find("\"code\":\"timeout\""), std::string::npos);
  EXPECT_EQ(timed_out[boost::beast::http::field::connection], "close");
  EXPECT_TRUE(slow.PeerClosed());
  // A body that stops half-way is a 408 too.
  Client stalled(Port());
  stalled.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"half\":");
  EXPECT_EQ(stalled.Read().result_int(), 408);
  Client idle(Port());
  EXPECT_EQ(idle.Get("/hello").result_int(), 200);
  EXPECT_TRUE(idle.PeerClosed());  // nothing sent after the first request: closed quietly, no 408
  server_->Stop();
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_rejected_total{reason=\"timeout\"}"),
            "bulwark_http_rejected_total{reason=\"timeout\"} 2");
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_connections"), "bulwark_http_connections 0");
}

TEST_F(HttpServerTest, GracefulStopFinishesTheRequestInFlight) {
  Start();
  const uint16_t port = Port();
  Response slow_res;
  std::thread client([&] {
    Client c(port);
    slow_res = c.Get("/slow");
  });
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return slow_entered_; });
  }
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server_->Stop();
    stopped = true;
  });
  // Wait (bounded) until the listener is gone: new connections are refused while the slow one is served.
  bool refused = false;
  for (int i = 0; i < 400 && !refused; ++i) {
    asio::io_context ioc;
    tcp::socket s(ioc);
    beast::error_code ec;
    s.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), ec);
    if (ec) {
      refused = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_FALSE(stopped.load());  // the handler still blocks
  {
    std::lock_guard lock(mu_);
    slow_release_ = true;
    cv_.notify_all();
  }
  client.join();
  stopper.join();
  EXPECT_TRUE(stopped.load());
  EXPECT_EQ(slow_res.result_int(), 200);
  EXPECT_EQ(slow_res.body(), "done");
  EXPECT_FALSE(slow_res.keep_alive());
  server_->Wait();  // returns at once after Stop
}

TEST_F(HttpServerTest, AccessLogAndMetricsCountRequests) {
  auto out = std::make_shared<std::ostringstream>();
  auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out));
  logger->set_pattern("%v");
  HttpServerOptions o;
  Start(o, logger);
  Client c(Port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Get("/hello").result_int(), 200);
  c.Get("/nope");
  c.Get("/events/view/1");  // recorded after its response; the ones before it are complete
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_requests_total{route=\"hello\",method=\"GET\",status=\"200\"}"),
            "bulwark_http_requests_total{route=\"hello\",method=\"GET\",status=\"200\"} 3");
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_requests_total{route=\"none\",method=\"GET\",status=\"404\"}"),
            "bulwark_http_requests_total{route=\"none\",method=\"GET\",status=\"404\"} 1");
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_request_duration_seconds_count{route=\"hello\"}"),
            "bulwark_http_request_duration_seconds_count{route=\"hello\"} 3");
  server_->Stop();
  std::string log = out->str();
  EXPECT_NE(log.find("GET /hello 200 "), std::string::npos) << log;
  EXPECT_NE(log.find("GET /nope 404 "), std::string::npos) << log;
  EXPECT_NE(log.find("127.0.0.1:"), std::string::npos) << log;
}

TEST_F(HttpServerTest, StartFailsCleanly) {
  HttpServerOptions bad_host;
  bad_host.host = "not-an-ip";
  auto r1 = HttpServer::Start(bad_host, router_, metrics_, MakeNullLogger());
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, ErrorCode::kInvalid);

  HttpServerOptions tls;
  tls.port = 0;
  tls.tls_cert_file = "/nonexistent/cert.pem";
  tls.tls_key_file = "/nonexistent/key.pem";
  auto r2 = HttpServer::Start(tls, router_, metrics_, MakeNullLogger());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::kInvalid);

  Start();
  HttpServerOptions taken;
  taken.port = Port();
  auto r3 = HttpServer::Start(taken, router_, metrics_, MakeNullLogger());
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpServerTest, ServesHttpsWithASelfSignedCertificate) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("bulwark_http_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cert = (dir / "cert.pem").string();
  std::string key = (dir / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                    "-subj /CN=localhost -keyout " + key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "the openssl command is not available to make a test certificate";
  }
  HttpServerOptions o;
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  o.read_timeout = std::chrono::seconds(1);
  Start(o);

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(tcp::endpoint(asio::ip::address_v4::loopback(), Port()));
  stream.handshake(asio::ssl::stream_base::client);
  beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {  // keep-alive over TLS too
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, "/events/view/7", 11);
    req.set(bhttp::field::host, "localhost");
    bhttp::write(stream, req);
    Response res;
    bhttp::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "{\"id\":\"7\",\"q\":\"\"}");
  }
  beast::error_code ec;
  stream.shutdown(ec);  // the server may just close: ignore

  // A request that stalls over TLS is a 408 too: the read is cancelled under the TLS layer and the answer still
  // goes out encrypted.
  beast::ssl_stream<beast::tcp_stream> stalled(ioc, ctx);
  beast::get_lowest_layer(stalled).connect(tcp::endpoint(asio::ip::address_v4::loopback(), Port()));
  stalled.handshake(asio::ssl::stream_base::client);
  const std::string partial = "GET /hello HTTP/1.1\r\nHo";
  asio::write(stalled, asio::buffer(partial));
  Response timed_out;
  beast::flat_buffer stalled_buffer;
  bhttp::read(stalled, stalled_buffer, timed_out, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(timed_out.result_int(), 408);

  // A plain-HTTP client on the TLS port fails the handshake, is closed and counted.
  Client plain(Port());
  plain.WriteRaw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  plain.DrainUntilClosed();
  server_->Stop();
  fs::remove_all(dir);
  EXPECT_EQ(MetricLine(metrics_, "bulwark_http_rejected_total{reason=\"tls_handshake\"}"),
            "bulwark_http_rejected_total{reason=\"tls_handshake\"} 1");
}

}  // namespace
}  // namespace bulwark::http
