// Fuzzes the STIX pattern parser: any input either fails to parse or parses to a pattern whose canonical
// text re-parses to an equal pattern (and prints identically), and whose simple view is consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stix/pattern/parser.h"
#include "stix/pattern/simple.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sp = bulwark::stix::pattern;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pattern = sp::Parse(text);
  if (!pattern.ok()) return 0;
  std::string canonical = sp::ToString(*pattern);
  auto again = sp::Parse(canonical);
  if (!again.ok()) std::abort();
  if (!(*again == *pattern)) std::abort();
  if (sp::ToString(*again) != canonical) std::abort();
  auto simple = sp::AsSimple(*pattern);
  if (simple && simple->empty()) std::abort();
  return 0;
}
