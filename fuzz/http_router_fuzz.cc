// Fuzzes what the hub does with a request line before any handler runs: query parsing, percent-decoding
// and route matching with path parameters, over the hub's real route table shapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/http/http.h"
#include "common/json_text.h"

namespace {

const bulwark::http::Router& Routes() {
  static const bulwark::http::Router router = [] {
    bulwark::http::Router r;
    auto ok = [](bulwark::http::HttpRequest&) { return bulwark::http::HttpResponse::Json(200, "{}"); };
    for (const char* p : {"/events/view/{id}", "/events/index", "/attributes/delete/{id}/{hard}",
                          "/sharing_groups/addOrg/{sg}/{org}", "/api/v1/events/{id}/attributes", "/taxii2/{rest*}",
                          "/api/v1/sharing-groups/{id}/organisations/{org}", "/"}) {
      r.Add("GET", p, p, ok);
      r.Add("POST", p, p, ok);
    }
    return r;
  }();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t q = input.find('?');
  const std::string path = input.substr(0, q);
  if (q != std::string::npos) (void)bulwark::http::ParseQuery(std::string_view(input).substr(q + 1));
  (void)bulwark::http::PercentDecode(path, false);
  (void)bulwark::http::PercentDecode(input, true);
  (void)bulwark::JsonQuoted(input);
  auto match = Routes().Find(size % 2 ? "GET" : "DELETE", path);
  if (match.kind == bulwark::http::Router::Match::Kind::kFound && match.handler == nullptr) __builtin_trap();
  return 0;
}
