// Router, helpers and gzip: pure functions, no sockets.
#include <gtest/gtest.h>

#include <stdexcept>

#include "api/http/gzip.h"
#include "api/http/http.h"

namespace bulwark::http {
namespace {

Handler Named(std::string name) {
  return [name](HttpRequest&) { return HttpResponse::Text(200, name); };
}

std::string Call(const Router::Match& m) {
  HttpRequest req;
  return (*m.handler)(req).body;
}

Router MakeRouter() {
  Router r;
  r.Add("GET", "/events/view/{id}", "events.view", Named("view"));
  r.Add("GET", "/events/{id}", "events.get", Named("get"));
  r.Add("GET", "/events/restSearch", "events.search.get", Named("search-get"));
  r.Add("POST", "/events/restSearch", "events.search", Named("search"));
  r.Add("DELETE", "/events/{id}", "events.delete", Named("delete"));
  r.Add("GET", "/taxii2/", "taxii.discovery", Named("taxii"));
  r.Add("GET", "/ui/{path*}", "ui", Named("ui"));
  r.Add("GET", "/", "root", Named("root"));
  return r;
}

TEST(RouterTest, MatchesLiteralsAndParameters) {
  Router r = MakeRouter();
  Router::Match m = r.Find("GET", "/events/view/42");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route_name, "events.view");
  EXPECT_EQ(m.params.at("id"), "42");
  EXPECT_EQ(Call(m), "view");
  EXPECT_EQ(r.Find("GET", "/").route_name, "root");
}

TEST(RouterTest, LiteralBeatsParameter) {
  Router r = MakeRouter();
  Router::Match m = r.Find("GET", "/events/restSearch");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route_name, "events.search.get");
  EXPECT_TRUE(m.params.empty());
  EXPECT_EQ(r.Find("GET", "/events/7").params.at("id"), "7");
}

TEST(RouterTest, DecodesSegmentsAfterSplitting) {
  Router r = MakeRouter();
  Router::Match m = r.Find("GET", "/events/a%2Fb%20c");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.params.at("id"), "a/b c");
  EXPECT_EQ(r.Find("GET", "/events/%zz").kind, Router::Match::Kind::kNotFound);
}

TEST(RouterTest, TrailingSlashIsNotSignificant) {
  Router r = MakeRouter();
  EXPECT_EQ(r.Find("GET", "/taxii2/").route_name, "taxii.discovery");
  EXPECT_EQ(r.Find("GET", "/taxii2").route_name, "taxii.discovery");
  EXPECT_EQ(r.Find("GET", "/events/view/42/").params.at("id"), "42");
}

TEST(RouterTest, RestWildcardTakesTheRest) {
  Router r = MakeRouter();
  EXPECT_EQ(r.Find("GET", "/ui/js/app.js").params.at("path"), "js/app.js");
  EXPECT_EQ(r.Find("GET", "/ui/").params.at("path"), "");
}

TEST(RouterTest, DistinguishesNotFoundFromMethodNotAllowed) {
  Router r = MakeRouter();
  EXPECT_EQ(r.Find("GET", "/nothing/here").kind, Router::Match::Kind::kNotFound);
  Router::Match post = r.Find("POST", "/events/view/1");
  ASSERT_EQ(post.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(post.allowed_methods, (std::vector<std::string>{"GET", "HEAD"}));
  Router::Match m = r.Find("PUT", "/events/5");
  ASSERT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"DELETE", "GET", "HEAD"}));
}

TEST(RouterTest, HeadFallsBackToGet) {
  Router r = MakeRouter();
  Router::Match m = r.Find("HEAD", "/events/view/1");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route_name, "events.view");
  EXPECT_EQ(r.Find("HEAD", "/events/restSearch").route_name, "events.search.get");
}

TEST(RouterTest, RejectsBadPatternsAndDuplicates) {
  Router r;
  r.Add("GET", "/a/{id}", "a", Named("a"));
  EXPECT_THROW(r.Add("GET", "/a/{id}", "a2", Named("a")), std::logic_error);
  EXPECT_THROW(r.Add("GET", "/b/{}", "b", Named("b")), std::logic_error);
  EXPECT_THROW(r.Add("GET", "/c/{rest*}/x", "c", Named("c")), std::logic_error);
  EXPECT_THROW(r.Add("GET", "/d/x{y}", "d", Named("d")), std::logic_error);
  ASSERT_EQ(r.Routes().size(), 1u);
  EXPECT_EQ(r.Routes()[0].pattern, "/a/{id}");
  EXPECT_EQ(r.Routes()[0].name, "a");
}

TEST(HttpHelpersTest, ParsesQueryAndHeaders) {
  HeaderList q = ParseQuery("a=1&b=x%20y+z&flag&&c=%zz&a=2");
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[1], (std::pair<std::string, std::string>{"b", "x y z"}));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(q[3].second, "%zz");
  HttpRequest req;
  req.query = q;
  req.headers = {{"Content-Type", "application/json"}};
  EXPECT_EQ(req.Query("a"), "1");
  EXPECT_EQ(req.Header("content-TYPE"), "application/json");
  EXPECT_FALSE(req.Header("accept").has_value());
  EXPECT_EQ(PercentDecode("%41%2", false), std::nullopt);
}

TEST(HttpHelpersTest, ErrorBodyIsExactJson) {
  HttpResponse r = ErrorResponse(MakeError(ErrorCode::kTooLarge, "body \"too\" big", "Event.info"), "/events/add");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body,
            "{\"name\":\"body \\\"too\\\" big\",\"message\":\"body \\\"too\\\" big\",\"url\":\"/events/add\","
            "\"error\":{\"code\":\"too_large\",\"message\":\"body \\\"too\\\" big\",\"field\":\"Event.info\"}}");
}

TEST(HttpHelpersTest, ErrorBodyStaysValidJsonWithInvalidUtf8) {
  HttpResponse r = ErrorResponse(MakeError(ErrorCode::kInvalid, "bad \xff value"), "/x");
  EXPECT_NE(r.body.find("\"message\":\"bad \\ufffd value\""), std::string::npos) << r.body;
}

TEST(GzipTest, RoundTripsAndConcatenatedMembers) {
  std::string text(5000, 'x');
  std::string gz = GzipCompress(text);
  ASSERT_LT(gz.size(), text.size());
  Result<std::string> out = Inflate(gz, 10000);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, text);
  Result<std::string> two = Inflate(GzipCompress("ab") + GzipCompress("cd"), 100);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, "abcd");
}

TEST(GzipTest, RejectsBombsCorruptAndTruncatedData) {
  std::string bomb = GzipCompress(std::string(10 * 1024 * 1024, '\0'));
  ASSERT_LT(bomb.size(), 64u * 1024);
  Result<std::string> big = Inflate(bomb, 1024 * 1024);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kTooLarge);
  std::string gz = GzipCompress(std::string(3000, 'q'));
  Result<std::string> truncated = Inflate(std::string_view(gz).substr(0, gz.size() / 2), 1 << 20);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, ErrorCode::kBadRequest);
  Result<std::string> junk = Inflate("this is not gzip", 1 << 20);
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().code, ErrorCode::kBadRequest);
}

TEST(GzipTest, StreamWriterFlushesEachPiece) {
  GzipWriter w;
  std::string part1 = w.Write("hello ", false);
  // A sync-flushed prefix already decodes to what was written (inflate reports truncation, not garbage).
  EXPECT_FALSE(part1.empty());
  std::string all = part1;
  all += w.Write("world", false);
  all += w.Write("", true);
  Result<std::string> out = Inflate(all, 100);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "hello world");
}

}  // namespace
}  // namespace bulwark::http
