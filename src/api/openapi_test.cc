// The OpenAPI document must describe exactly the routes the hub serves: every (method, pattern) the router
// holds is a documented operation and every documented operation is a route. The router is built the way
// `bulwark serve` builds it (src/cli/serve.cc), so a route added without documentation fails here.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "api/api.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/uuid.h"
#include "hub/hub.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

using Operation = std::pair<std::string, std::string>;  // (lowercase method, path pattern)

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsHttpMethod(std::string_view key) {
  static const std::set<std::string_view> kMethods = {"get", "put", "post", "delete", "options", "head", "patch",
                                                      "trace"};
  return kMethods.count(key) > 0;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A fresh uuid per fixture: ctest runs these tests as parallel processes, and neither the gtest seed nor a
    // heap address tells them apart (both repeat across processes, always so under ASan).
    dir_ = fs::temp_directory_path() / ("bulwark-openapi-test-" + NewUuidV4());
    fs::create_directories(dir_);
    store::SqliteOptions options;
    options.path = (dir_ / "bulwark.db").string();
    options.reader_connections = 1;
    options.durability = store::Durability::kNormal;
    auto st = store::OpenSqliteStore(options, clock_);
    ASSERT_TRUE(st.ok()) << st.error().message;
    store_ = std::move(st).value();
    hub_ = std::make_unique<hub::Hub>(*store_, clock_, hub::HubOptions{}, MakeNullLogger());
    ASSERT_TRUE(hub_->EnsureDefaultRoles().ok());
    ctx_ = std::make_unique<ApiContext>(ApiContext{*hub_, metrics_, clock_, MakeNullLogger(), "9.9.9-test"});
    RegisterRoutes(router_, *ctx_);

    const std::string text = OpenApiDocument("9.9.9-test");
    boost::system::error_code ec;
    doc_ = json::parse(text, ec);
    ASSERT_FALSE(ec) << "OpenApiDocument() is not valid JSON: " << ec.message();
    ASSERT_TRUE(doc_.is_object());
  }

  void TearDown() override {
    router_ = http::Router();
    ctx_.reset();
    hub_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::set<Operation> RouterOperations() const {
    std::set<Operation> ops;
    for (const auto& r : router_.Routes()) ops.emplace(Lower(r.method), r.pattern);
    return ops;
  }

  std::set<Operation> DocumentedOperations() const {
    std::set<Operation> ops;
    const auto* paths = doc_.get_object().if_contains("paths");
    if (paths == nullptr || !paths->is_object()) return ops;
    for (const auto& [path, item] : paths->get_object()) {
      if (!item.is_object()) continue;
      for (const auto& [method, op] : item.get_object()) {
        if (IsHttpMethod(method)) ops.emplace(std::string(method), std::string(path));
      }
    }
    return ops;
  }

  FakeClock clock_{1'700'000'000'000'000};
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<hub::Hub> hub_;
  Metrics metrics_;
  std::unique_ptr<ApiContext> ctx_;
  http::Router router_;
  json::value doc_;
};

TEST_F(OpenApiTest, DocumentIsOpenApi3WithInfoAndPaths) {
  const auto& o = doc_.get_object();
  ASSERT_TRUE(o.contains("openapi"));
  ASSERT_TRUE(o.at("openapi").is_string());
  const std::string version(o.at("openapi").get_string());
  EXPECT_EQ(version.rfind("3.", 0), 0u) << "openapi is " << version;
  ASSERT_TRUE(o.contains("info") && o.at("info").is_object());
  const auto& info = o.at("info").get_object();
  ASSERT_TRUE(info.contains("title"));
  ASSERT_TRUE(info.contains("version"));
  // The {{VERSION}} placeholder is replaced by the version passed in.
  EXPECT_EQ(info.at("version"), json::value("9.9.9-test"));
  ASSERT_TRUE(o.contains("paths") && o.at("paths").is_object());
  EXPECT_FALSE(o.at("paths").get_object().empty());
}

TEST_F(OpenApiTest, RouterIsNotEmptyAndHasTheMainRoutes) {
  const auto ops = RouterOperations();
  // Sanity: the router really is the serve router, not an empty one that would make the next tests vacuous.
  EXPECT_GT(ops.size(), 100u);
  EXPECT_TRUE(ops.count({"post", "/events/add"}));
  EXPECT_TRUE(ops.count({"get", "/api/v1/events"}));
  EXPECT_TRUE(ops.count({"get", "/healthz"}));
}

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  const auto documented = DocumentedOperations();
  std::vector<std::string> missing;
  for (const auto& r : router_.Routes()) {
    if (!documented.count({Lower(r.method), r.pattern})) {
      missing.push_back(r.method + " " + r.pattern + " (" + r.name + ")");
    }
  }
  EXPECT_TRUE(missing.empty()) << "routes missing from src/api/openapi.json:\n  " << [&] {
    std::string s;
    for (const auto& m : missing) s += m + "\n  ";
    return s;
  }();
}

TEST_F(OpenApiTest, EveryDocumentedOperationIsARoute) {
  const auto routes = RouterOperations();
  std::vector<std::string> extra;
  for (const auto& [method, path] : DocumentedOperations()) {
    if (!routes.count({method, path})) extra.push_back(method + " " + path);
  }
  EXPECT_TRUE(extra.empty()) << "documented in src/api/openapi.json but not served:\n  " << [&] {
    std::string s;
    for (const auto& m : extra) s += m + "\n  ";
    return s;
  }();
}

TEST_F(OpenApiTest, EveryOperationHasSummaryAndResponses) {
  const auto& paths = doc_.get_object().at("paths").get_object();
  size_t checked = 0;
  for (const auto& [path, item] : paths) {
    ASSERT_TRUE(item.is_object()) << path;
    for (const auto& [method, op] : item.get_object()) {
      if (!IsHttpMethod(method)) continue;
      ++checked;
      const std::string where = std::string(method) + " " + std::string(path);
      ASSERT_TRUE(op.is_object()) << where;
      const auto* summary = op.get_object().if_contains("summary");
      ASSERT_NE(summary, nullptr) << where << " has no summary";
      ASSERT_TRUE(summary->is_string()) << where;
      EXPECT_FALSE(summary->get_string().empty()) << where << " has an empty summary";
      const auto* responses = op.get_object().if_contains("responses");
      ASSERT_NE(responses, nullptr) << where << " has no responses";
      ASSERT_TRUE(responses->is_object()) << where;
      EXPECT_FALSE(responses->get_object().empty()) << where << " has no response documented";
      // Every response key is an HTTP status code or "default".
      for (const auto& [status, resp] : responses->get_object()) {
        const bool code = status.size() == 3 && std::all_of(status.begin(), status.end(), [](char c) {
                            return c >= '0' && c <= '9';
                          });
        EXPECT_TRUE(code || status == "default" || (status.size() == 3 && status.substr(1) == "XX"))
            << where << " response key " << status;
        (void)resp;
      }
    }
  }
  EXPECT_GT(checked, 100u);
}

TEST_F(OpenApiTest, PathParametersMatchTheTemplate) {
  // A path template's {name} segments are the route's parameters; the router uses the same syntax.
  const auto& paths = doc_.get_object().at("paths").get_object();
  for (const auto& [path, item] : paths) {
    const std::string p(path);
    EXPECT_EQ(p.front(), '/') << p;
    size_t open = 0;
    while ((open = p.find('{', open)) != std::string::npos) {
      const size_t close = p.find('}', open);
      ASSERT_NE(close, std::string::npos) << p;
      const std::string name = p.substr(open + 1, close - open - 1);
      EXPECT_FALSE(name.empty()) << p;
      EXPECT_EQ(name.find('/'), std::string::npos) << p;
      open = close;
    }
  }
}

}  // namespace
}  // namespace bulwark::api
