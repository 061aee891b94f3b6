// MISP taxonomies (the misp-taxonomies format, `<namespace>/machinetag.json`) and a registry that answers
// "what is this tag" and "may these tags go together".
//
// A taxonomy's tags are `ns:predicate` for a predicate without values and `ns:predicate="value"` for each
// value of a predicate that has values (see model/machine_tag.h). A taxonomy marked `exclusive` allows at
// most one of its tags on one event or attribute; a predicate marked `exclusive` allows at most one of its
// values (MISP's app/Model/Taxonomy.php rules).
//
// TaxonomyRegistry is immutable once built and cheap to copy (shared immutable state); all its methods are
// thread-safe. Tag lookup is exact first and then ASCII case-insensitive ("TLP:AMBER" finds tlp:amber).
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace bulwark::model {

struct TaxonomyEntry {
  std::string value;
  std::string expanded;
  std::string description;
  std::string colour;  // "#rrggbb" or empty
  std::optional<int> numerical_value;
};

struct TaxonomyPredicate {
  std::string value;
  std::string expanded;
  std::string description;
  std::string colour;
  std::optional<int> numerical_value;
  bool exclusive = false;              // at most one of `entries` at a time
  std::vector<TaxonomyEntry> entries;  // from the taxonomy's "values" list; empty: `ns:predicate` is the tag
};

struct Taxonomy {
  std::string ns;  // "namespace"
  std::string description;
  std::string expanded;
  std::string uuid;
  int version = 0;
  bool exclusive = false;  // at most one tag of this taxonomy at a time
  std::vector<TaxonomyPredicate> predicates;
};

// Reads one machinetag.json document. Errors: kInvalid naming the offending member, for a missing or
// mistyped namespace/version/predicates, a value list for an undeclared predicate, or duplicate predicates
// or values.
Result<Taxonomy> ParseTaxonomy(const boost::json::value& doc);

// What the registry knows about one tag.
struct TaxonomyTagInfo {
  const Taxonomy* taxonomy = nullptr;
  const TaxonomyPredicate* predicate = nullptr;
  const TaxonomyEntry* entry = nullptr;  // nullptr for an `ns:predicate` tag
  std::string tag_name;                  // canonical spelling, as the taxonomy writes it

  std::optional<int> numerical_value() const;  // the entry's, else the predicate's
  std::string_view colour() const;             // the entry's, else the predicate's; may be empty
  std::string_view expanded() const;
};

class TaxonomyRegistry {
 public:
  class Builder {
   public:
    // Adds a taxonomy. Errors: kConflict if its namespace is already there (case-insensitive).
    Status Add(Taxonomy taxonomy);
    // Adds a taxonomy, replacing one with the same namespace (e.g. a loaded tlp over the built-in one).
    void AddOrReplace(Taxonomy taxonomy);
    TaxonomyRegistry Build() &&;

   private:
    std::vector<Taxonomy> taxonomies_;
  };

  // An empty registry.
  TaxonomyRegistry();

  // TLP 2.0 (tlp: clear, green, amber, amber+strict, red) and PAP (PAP: CLEAR, GREEN, AMBER, RED), both
  // exclusive, compiled in.
  static const TaxonomyRegistry& BuiltIn();
  static std::vector<Taxonomy> BuiltInTaxonomies();

  // The tag's taxonomy entry, or nullopt if no taxonomy defines it.
  std::optional<TaxonomyTagInfo> Find(std::string_view tag_name) const;
  // The taxonomy with this namespace (exact, then case-insensitive), or nullptr.
  const Taxonomy* FindTaxonomy(std::string_view ns) const;

  // Ok unless two different tags of one exclusive taxonomy, or two different values of one exclusive
  // predicate, are in the list. Unknown tags and repeated names are ignored. Errors: kInvalid, field "Tag",
  // naming both tags and the rule.
  Status CheckExclusive(const std::vector<std::string>& tag_names) const;

  size_t size() const;
  std::vector<const Taxonomy*> Taxonomies() const;

 private:
  struct Data;
  explicit TaxonomyRegistry(std::shared_ptr<const Data> data);
  std::shared_ptr<const Data> data_;
};

}  // namespace bulwark::model
