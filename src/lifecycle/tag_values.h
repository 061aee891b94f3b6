// TagValueCache: the numerical value of every taxonomy tag that has one, precomputed once from a taxonomy
// registry so that scoring an attribute looks a tag up without allocating.
//
// Keys are canonical tag names (`ns:pred="value"` or `ns:pred`, see model/machine_tag.h); lookup is ASCII
// case-insensitive, as TaxonomyRegistry::Find is. Immutable after construction: thread-safe to share.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/taxonomy.h"

namespace bulwark::lifecycle {

class TagValueCache {
 public:
  TagValueCache() = default;
  explicit TagValueCache(const model::TaxonomyRegistry& taxonomies);

  // The tag's numerical value (the entry's, else its predicate's), or nullopt. No allocation.
  std::optional<int> Find(std::string_view tag_name) const;
  size_t size() const { return values_.size(); }

 private:
  struct FoldedHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  struct FoldedEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  std::unordered_map<std::string, int, FoldedHash, FoldedEqual> values_;
};

}  // namespace bulwark::lifecycle
