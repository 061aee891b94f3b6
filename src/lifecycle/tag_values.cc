#include "lifecycle/tag_values.h"

#include <cstdint>

#include "model/machine_tag.h"

namespace bulwark::lifecycle {
namespace {

char Fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

size_t TagValueCache::FoldedHash::operator()(std::string_view s) const {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the ASCII-folded bytes
  for (char c : s) {
    h ^= static_cast<unsigned char>(Fold(c));
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h);
}

bool TagValueCache::FoldedEqual::operator()(std::string_view a, std::string_view b) const {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Fold(a[i]) != Fold(b[i])) return false;
  }
  return true;
}

TagValueCache::TagValueCache(const model::TaxonomyRegistry& taxonomies) {
  for (const model::Taxonomy* t : taxonomies.Taxonomies()) {
    for (const model::TaxonomyPredicate& p : t->predicates) {
      if (p.entries.empty()) {
        if (p.numerical_value) values_.emplace(model::MachineTag{t->ns, p.value, ""}.ToString(), *p.numerical_value);
        continue;
      }
      for (const model::TaxonomyEntry& e : p.entries) {
        std::optional<int> v = e.numerical_value ? e.numerical_value : p.numerical_value;
        if (v) values_.emplace(model::MachineTag{t->ns, p.value, e.value}.ToString(), *v);
      }
    }
  }
}

std::optional<int> TagValueCache::Find(std::string_view tag_name) const {
  auto it = values_.find(tag_name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace bulwark::lifecycle
