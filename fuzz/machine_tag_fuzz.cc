// Fuzzes tag name validation and machine-tag parsing, plus taxonomy lookups of the parsed name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "model/machine_tag.h"
#include "model/taxonomy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view name(reinterpret_cast<const char*>(data), size);
  (void)bulwark::model::ValidateTagName(name);
  auto tag = bulwark::model::ParseMachineTag(name);
  if (tag) {
    // A parsed tag prints back to the same name and parses to the same triple.
    if (tag->ns.empty() || tag->predicate.empty()) std::abort();
    if (tag->ToString() != name) std::abort();
    auto again = bulwark::model::ParseMachineTag(tag->ToString());
    if (!again || !(*again == *tag)) std::abort();
  }
  const auto& registry = bulwark::model::TaxonomyRegistry::BuiltIn();
  (void)registry.Find(name);
  // Split the input on newlines into a tag list for the exclusivity check.
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= name.size() && names.size() < 64) {
    size_t nl = name.find('\n', start);
    if (nl == std::string_view::npos) nl = name.size();
    names.emplace_back(name.substr(start, nl - start));
    start = nl + 1;
  }
  (void)registry.CheckExclusive(names);
  return 0;
}
