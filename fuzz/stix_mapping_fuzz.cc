// libFuzzer target for the MISP <-> STIX mapping: bytes -> bundle objects (BundleReader) -> StixToEvents ->
// EventToStix for every event produced. Must never crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "stix/bundle_reader.h"
#include "stix/mapping/mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bulwark::stix::BundleReaderOptions options;
  options.max_object_bytes = 1 << 16;
  options.max_depth = 32;
  std::vector<bulwark::stix::Object> objects;
  bulwark::stix::BundleReader reader(
      [&](bulwark::stix::Object&& o) -> bulwark::Status {
        if (objects.size() >= 2000) return bulwark::MakeError(bulwark::ErrorCode::kTooLarge, "enough");
        objects.push_back(std::move(o));
        return bulwark::Ok();
      },
      options);
  (void)reader.Feed(text);
  (void)reader.Finish();
  bulwark::stix::mapping::ImportOptions import_options;
  import_options.bundle_id = reader.bundle_id();
  auto imported = bulwark::stix::mapping::StixToEvents(objects, import_options);
  if (!imported.ok()) return 0;
  for (auto& e : imported->events) {
    if (e.event.uuid.empty()) continue;
    size_t n = 0;
    (void)bulwark::stix::mapping::StreamEventToStix(e.event, {}, [&](boost::json::object&&) -> bulwark::Status {
      ++n;
      return bulwark::Ok();
    });
  }
  return 0;
}
