// Fuzzes attribute value normalisation: the first byte picks an attribute type from the registry, the rest is
// the raw value. Checks the invariants NormaliseValue promises, beyond not crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/attribute_types.h"
#include "model/value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& types = bulwark::model::AttributeTypes::Get().Types();
  const auto& info = types[data[0] % types.size()];
  std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
  auto result = bulwark::model::NormaliseValue(info.name, raw);
  if (!result.ok()) {
    if (result.error().message.empty()) std::abort();
    return 0;
  }
  const auto& v = *result;
  // Normal forms are valid UTF-8, non-empty, and composites have both halves.
  if (v.value1.empty() || !bulwark::model::IsValidUtf8(v.value1) || !bulwark::model::IsValidUtf8(v.value2)) {
    std::abort();
  }
  if (info.composite != !v.value2.empty()) std::abort();
  // Normalisation is idempotent: the normal form normalises to itself.
  std::string again = info.composite ? v.value1 + "|" + v.value2 : v.value1;
  auto second = bulwark::model::NormaliseValue(info.name, again);
  if (!second.ok() || !(*second == v)) std::abort();
  return 0;
}
