// Fuzzes the MISP JSON input path as a request body takes it: boost::json::parse with the API's depth limit
// (64), then every parser the MISP and native routes hand a body to (event, attribute list, sighting, object
// reference, RestSearch request). None may crash, assert or hang; each either parses or returns an error that says
// why.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/clock.h"
#include "hub/search.h"
#include "misp/misp_json.h"

namespace {

template <typename R>
void CheckResult(const R& r) {
  // An error always explains itself.
  if (!r.ok() && r.error().message.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bulwark::FakeClock clock(1'714'564'800'000'000);  // 2024-05-01T12:00:00Z
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::json::parse_options options;
  options.max_depth = 64;
  options.allow_invalid_utf8 = false;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, boost::json::storage_ptr(), options);
  if (ec) return 0;

  auto event = bulwark::misp::ParseEvent(v);
  CheckResult(event);
  if (event.ok()) {
    // Everything parsed is bounded by the input: no attribute list can outgrow the bytes it came from.
    if (event.value().attributes.size() > size) std::abort();
  }
  auto attributes = bulwark::misp::ParseAttributeList(v);
  CheckResult(attributes);
  if (attributes.ok() && attributes.value().size() > size) std::abort();
  CheckResult(bulwark::misp::ParseSighting(v));
  CheckResult(bulwark::misp::ParseObjectReference(v));
  CheckResult(bulwark::hub::ParseSearchRequest(v, clock));
  return 0;
}
