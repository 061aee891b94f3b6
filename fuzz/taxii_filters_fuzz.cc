// Fuzzes the TAXII 2.1 request parameters as the routes receive them: a raw query string decoded by the HTTP
// layer (http::ParseQuery), then ParseFilters for the endpoint the first byte picks, the Accept / Content-Type
// checks and the timestamp parser over the same text. A parse that succeeds must give a cursor that verifies
// for the same filters (sign then verify round trip). Must never crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "api/http/http.h"
#include "taxii/cursor.h"
#include "taxii/filters.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using namespace bulwark::taxii;
  static constexpr Endpoint kEndpoints[] = {Endpoint::kObjects, Endpoint::kManifest, Endpoint::kObject,
                                            Endpoint::kVersions, Endpoint::kDelete};
  const Endpoint endpoint = kEndpoints[data[0] % 5];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  const QueryParams query = bulwark::http::ParseQuery(text);
  auto filters = ParseFilters(endpoint, query);
  if (filters.ok()) {
    const Filters& f = filters.value();
    if (f.limit && *f.limit == 0) std::abort();  // a limit is positive
    if (f.ids.size() > kMaxListValues || f.types.size() > kMaxListValues) std::abort();
    const std::string fp = RequestFingerprint(f.canonical);
    auto seq = VerifyCursor("fuzz-secret", SignCursor("fuzz-secret", 42, fp), fp);
    if (!seq.ok() || seq.value() != 42) std::abort();
  } else if (filters.error().message.empty()) {
    std::abort();  // an error always says why
  }
  (void)AcceptsTaxii(text);
  (void)IsTaxiiContentType(text);
  (void)TimestampNanos(text);
  return 0;
}
