// libFuzzer target for the malware-sample zip reader (hub/sample_zip.h): any bytes given as a sample's `data`.
// UnwrapSampleZip must never crash, hang or read more than its limit; a sample it unwraps must come back the
// same through the zip the hub writes for it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hub/sample_zip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace hub = bulwark::hub;
  constexpr size_t kLimit = size_t{1} << 20;  // small, so a zip bomb hits it quickly
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto inner = hub::UnwrapSampleZip(input, kLimit);
  if (!inner.ok() || !inner->has_value()) return 0;
  if ((*inner)->size() > kLimit) std::abort();
  auto again = hub::UnwrapSampleZip(hub::BuildSampleZip(**inner, "fuzz.bin"), kLimit);
  if (!again.ok() || !again->has_value() || **again != **inner) std::abort();
  return 0;
}
