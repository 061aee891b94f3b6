// Fuzzes the restSearch body parser alone (hub::ParseSearchRequest: MISP's parameter names, bare or in a
// {"request": {...}} envelope) with the API's JSON limits, so the fuzzer's effort is not spread over the event
// parsers as in misp_event_fuzz. What parses must keep its promised bounds (limit and page at most 10^9, page
// at least 1, time bounds computed without overflow). Must never crash, hang or allocate without bound.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/clock.h"
#include "hub/search.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bulwark::FakeClock clock(1'714'564'800'000'000);  // 2024-05-01T12:00:00Z
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec, boost::json::storage_ptr(), options);
  if (ec) return 0;
  auto r = bulwark::hub::ParseSearchRequest(v, clock);
  if (!r.ok()) {
    if (r.error().message.empty()) std::abort();
    return 0;
  }
  if (r->limit > 1'000'000'000 || r->page < 1 || r->page > 1'000'000'000) std::abort();
  if (r->values.size() + r->types.size() > 2 * size + 2) std::abort();  // bounded by the input
  return 0;
}
