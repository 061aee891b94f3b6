// libFuzzer target for the STIX bundle reader and object validation: the input is split into chunks whose
// sizes come from the input's own bytes (so the fuzzer explores chunk boundaries), every object handed out
// is validated and canonicalised. Must never crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stix/bundle_reader.h"
#include "stix/jcs.h"
#include "stix/sco_id.h"
#include "stix/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte seeds the chunk sizes; the rest is the document.
  uint32_t seed = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  bulwark::stix::BundleReaderOptions options;
  options.max_object_bytes = 1 << 16;
  options.max_depth = 32;
  bulwark::stix::BundleReader reader(
      [](bulwark::stix::Object&& o) -> bulwark::Status {
        auto issues = bulwark::stix::Validate(o);
        (void)bulwark::stix::HasErrors(issues);
        (void)bulwark::stix::CanonicalJson(o.json);
        (void)bulwark::stix::DeterministicScoId(o.json);
        return bulwark::Ok();
      },
      options);
  size_t pos = 0;
  while (pos < text.size()) {
    seed = seed * 1103515245u + 12345u;
    const size_t chunk = 1 + (seed >> 16) % 64;
    if (!reader.Feed(text.substr(pos, chunk)).ok()) return 0;
    pos += chunk;
  }
  (void)reader.Finish();
  return 0;
}
