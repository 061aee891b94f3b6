// The HTTP client against the project's own HttpServer on a loopback port chosen by the OS.
#include "api/http/client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace bulwark::http {
namespace {

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/hello", "hello", [](HttpRequest& req) {
      std::string auth(req.Header("Authorization").value_or("-"));
      std::string accept(req.Header("Accept").value_or("-"));
      return HttpResponse::Text(200, "hello " + auth + " " + accept);
    });
    router_.Add("POST", "/echo", "echo", [](HttpRequest& req) { return HttpResponse::Text(201, "got " + req.body); });
    router_.Add("GET", "/big", "big", [](HttpRequest&) { return HttpResponse::Text(200, std::string(100000, 'x')); });
    router_.Add("GET", "/missing", "missing", [](HttpRequest&) { return HttpResponse::Text(404, "nope"); });
    router_.Add("GET", "/redirect/relative", "r1", [](HttpRequest&) {
      HttpResponse r = HttpResponse::Text(302, "");
      r.headers.emplace_back("Location", "../hello");
      return r;
    });
    router_.Add("POST", "/redirect/post", "r2", [](HttpRequest&) {
      HttpResponse r = HttpResponse::Text(303, "");
      r.headers.emplace_back("Location", "/hello");
      return r;
    });
    router_.Add("GET", "/loop", "loop", [](HttpRequest&) {
      HttpResponse r = HttpResponse::Text(302, "");
      r.headers.emplace_back("Location", "/loop");
      return r;
    });
    router_.Add("GET", "/slow", "slow", [this](HttpRequest&) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return released_; });
      return HttpResponse::Text(200, "late");
    });
  }
  void TearDown() override {
    Release();
    server_.reset();
  }
  // Lets the /slow handler return (the server's Stop waits for running handlers).
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }
  void Start(HttpServerOptions o = {}) {
    o.port = 0;
    auto r = HttpServer::Start(o, router_, metrics_, MakeNullLogger());
    ASSERT_TRUE(r.ok()) << r.error().message;
    server_ = std::move(r).value();
  }
  std::string Url(const std::string& path, const std::string& scheme = "http", const std::string& host = "127.0.0.1") {
    return scheme + "://" + host + ":" + std::to_string(server_->Port()) + path;
  }

  Router router_;
  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

TEST(UrlTest, ParsesAbsoluteUrls) {
  auto u = ParseUrl("HTTPS://user:pw@Example.org:8443/a/b?c=d#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "Example.org");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/a/b?c=d");
  EXPECT_EQ(u->userinfo, "user:pw");
  auto v6 = ParseUrl("http://[::1]/x");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 80);
  EXPECT_EQ(ParseUrl("http://h?q")->target, "/?q");
  EXPECT_FALSE(ParseUrl("ftp://h/").ok());
  EXPECT_FALSE(ParseUrl("/relative").ok());
  EXPECT_FALSE(ParseUrl("http://h:99999/").ok());
  EXPECT_FALSE(ParseUrl("http://h:8x/").ok());
  EXPECT_FALSE(ParseUrl("http:///path").ok());
  EXPECT_FALSE(ParseUrl("http://h/a b").ok());
}

TEST(UrlTest, ResolvesReferences) {
  EXPECT_EQ(ResolveUrl("http://h/a/b?x", "c"), "http://h/a/c");
  EXPECT_EQ(ResolveUrl("http://h/a/b", "/root/"), "http://h/root/");
  EXPECT_EQ(ResolveUrl("https://h/a/", "//g/x"), "https://g/x");
  EXPECT_EQ(ResolveUrl("http://h/a", "https://o/p"), "https://o/p");
  EXPECT_EQ(ResolveUrl("http://h", "x"), "http://h/x");
  EXPECT_EQ(BasicAuthorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_F(ClientTest, GetsWithHeadersAndUserinfo) {
  Start();
  ClientRequest req;
  req.url = Url("/hello");
  req.headers = {{"Accept", "application/taxii+json;version=2.1"}, {"Authorization", "Token abc"}};
  auto r = Fetch(req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello Token abc application/taxii+json;version=2.1");
  req.headers.clear();
  req.url = "http://u:p%40ss@127.0.0.1:" + std::to_string(server_->Port()) + "/hello";
  auto basic = Fetch(req);
  ASSERT_TRUE(basic.ok());
  EXPECT_EQ(basic->body, "hello " + BasicAuthorization("u", "p@ss") + " -");
}

TEST_F(ClientTest, PostsAndReturnsErrorStatuses) {
  Start();
  ClientRequest req;
  req.method = "POST";
  req.url = Url("/echo");
  req.body = "payload";
  auto r = Fetch(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "got payload");
  auto missing = Fetch(ClientRequest{"GET", Url("/missing"), {}, ""});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ClientTest, FollowsRedirectsWithinTheLimit) {
  Start();
  auto r = Fetch(ClientRequest{"GET", Url("/redirect/relative"), {}, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->final_url, Url("/hello"));
  auto post = Fetch(ClientRequest{"POST", Url("/redirect/post"), {}, "x"});
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 200);  // 303: the POST became a GET
  auto loop = Fetch(ClientRequest{"GET", Url("/loop"), {}, ""});
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().message.find("redirects"), std::string::npos);
  ClientOptions none;
  none.max_redirects = 0;
  auto raw = Fetch(ClientRequest{"GET", Url("/loop"), {}, ""}, none);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->status, 302);
}

TEST_F(ClientTest, DecompressesGzipAndBoundsTheBody) {
  Start();
  auto r = Fetch(ClientRequest{"GET", Url("/big"), {}, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body.size(), 100000u);
  EXPECT_TRUE(r->Header("Content-Encoding").has_value());  // it did travel compressed
  ClientOptions small;
  small.max_body_bytes = 50000;
  auto over = Fetch(ClientRequest{"GET", Url("/big"), {}, ""}, small);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kTooLarge);
}

TEST_F(ClientTest, TimesOutAndReportsConnectFailures) {
  Start();
  ClientOptions fast;
  fast.timeout = std::chrono::milliseconds(300);
  auto slow = Fetch(ClientRequest{"GET", Url("/slow"), {}, ""}, fast);
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(slow.error().message.find("timed out"), std::string::npos);
  const std::string closed = Url("/hello");
  Release();
  server_.reset();
  auto refused = Fetch(ClientRequest{"GET", closed, {}, ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
}

TEST_F(ClientTest, VerifiesTlsUnlessToldNotTo) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("bulwark_client_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string();
  const std::string key = (dir / "key.pem").string();
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                          "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " + key + " -out " + cert +
                          " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "the openssl command is not available to make a test certificate";
  }
  HttpServerOptions o;
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  Start(o);
  const std::string url = Url("/hello", "https", "localhost");
  auto untrusted = Fetch(ClientRequest{"GET", url, {}, ""});
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.error().code, ErrorCode::kUnavailable);
  ClientOptions trusted;
  trusted.ca_file = cert;
  auto ok = Fetch(ClientRequest{"GET", url, {}, ""}, trusted);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  auto wrong_name = Fetch(ClientRequest{"GET", Url("/hello", "https", "127.0.0.1"), {}, ""}, trusted);
  EXPECT_FALSE(wrong_name.ok());
  ClientOptions insecure;
  insecure.tls = TlsVerify::kInsecure;
  auto any = Fetch(ClientRequest{"GET", Url("/hello", "https", "127.0.0.1"), {}, ""}, insecure);
  ASSERT_TRUE(any.ok()) << any.error().message;
  EXPECT_EQ(any->status, 200);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bulwark::http
