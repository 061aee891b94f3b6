// WarninglistSet: every loaded warninglist compiled into one matcher per list type, built once and immutable.
//
//   string    exact match, ASCII case-insensitive;
//   hostname  a value matches when its host equals an entry or is a subdomain of it (labels are tried from the
//             TLD up). URLs match on their host, e-mail addresses on their domain; ports, userinfo and a
//             trailing dot are ignored, case is folded;
//   cidr      an IP value matches a range containing it, a CIDR value a range containing all of it;
//   substring case-insensitive literals;
//   regex     the list's PCRE (with its flags).
//
// How a check runs, once for all lists (never one lookup per list): string and hostname entries share one hash
// table (key -> postings of list and entry), so a domain value is one probe per label suffix for every string
// and hostname list at once; the cidr entries of every list form one table of disjoint intervals per address
// family with the answer for an address precomputed per interval (IpRangeTable); substring and regex entries
// are one Vectorscan database each, scanned once per value, and the substring scan is skipped when a bitmap of
// the literals' leading bytes (LiteralFilter, one per set of applicable lists) proves that no literal occurs.
// A value that hits nothing allocates nothing; CheckInto reuses the caller's vector for the hits.
//
// `matching_attributes` restricts a list to those attribute types; a list without it applies to every type,
// and so does every list when the type is empty (MISP's warninglists/checkValue ignores types). For composite
// types ("domain|ip", "filename|md5", malware-sample) each half of the value is checked, as MISP does; the
// first half that matches a list is the one reported for it. Each list is reported at most once per value.
//
// Differences from MISP, on purpose: string and hostname matching fold ASCII case (MISP lower-cases hostnames
// on save but compares strings as they are); substring matching folds case; a regex's `g` flag is ignored
// instead of making the regex fail; a hostname value's port and userinfo are removed before matching.
//
// Thread-safety: Check may be called from any number of threads at once; it never locks (Vectorscan scratch is
// per thread). WarninglistSnapshot publishes a set to readers with an atomic shared_ptr swap.
#pragma once

#include <boost/json/array.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "model/entities.h"
#include "warninglist/ip_ranges.h"
#include "warninglist/literal_filter.h"
#include "warninglist/pattern_db.h"
#include "warninglist/string_table.h"
#include "warninglist/warninglist.h"

namespace bulwark::warninglist {

// Summary of one list in a set. Ids are 1-based positions in name order, stable for a given set of lists.
struct ListInfo {
  uint32_t id = 0;
  std::string name;
  std::string description;
  int64_t version = 1;
  ListType type = ListType::kString;
  Category category = Category::kFalsePositive;
  std::vector<std::string> matching_attributes;  // empty: every type
  size_t entry_count = 0;
};

// One list that matched a value. The views point into the WarninglistSet (name, matched entry) and into the
// value passed to Check (value): they are valid while both live.
struct Hit {
  uint32_t list_id = 0;
  std::string_view name;
  Category category = Category::kFalsePositive;
  std::string_view matched;  // the list entry that matched, as normalised ("google.com" for "www.google.com")
  std::string_view value;    // the part of the value that matched (a half of a composite value)
};

class WarninglistSet {
 public:
  // Compiles the lists. Lists with the same name: the highest version wins. Errors: kInvalid when a list
  // fails to compile (its name in the message); the caller should not get here with unparsed input, since
  // ParseWarninglist validates every entry.
  static Result<std::shared_ptr<const WarninglistSet>> Build(std::vector<Warninglist> lists);

  // The lists that match `value` for an attribute of `type` (empty type: every list applies), in list-id order.
  std::vector<Hit> Check(std::string_view type, std::string_view value) const;
  // Same, with a composite value already split (value2 empty for single values); the model's storage form.
  std::vector<Hit> CheckParts(std::string_view type, std::string_view value1, std::string_view value2) const;
  // Same as Check and CheckParts, into `hits` (cleared first): a caller that reuses one vector checks without
  // allocating once it has grown to the largest hit count. Returns hits.size().
  size_t CheckInto(std::string_view type, std::string_view value, std::vector<Hit>& hits) const;
  size_t CheckPartsInto(std::string_view type, std::string_view value1, std::string_view value2,
                        std::vector<Hit>& hits) const;

  const std::vector<ListInfo>& lists() const { return lists_; }
  size_t entry_count() const { return entry_count_; }

 private:
  WarninglistSet() = default;

  // Which lists apply to one attribute type, and which list kinds have at least one of them.
  struct TypeScope {
    std::vector<uint64_t> lists;  // bitset over list indices
    uint32_t kinds = 0;           // bit (1 << ListType)
    uint32_t substring_filter = 0;  // index into substring_filters_ (the literals of this scope's lists)
    bool Has(uint32_t list) const { return (lists[list >> 6] >> (list & 63)) & 1u; }
  };
  struct PatternRef {
    uint32_t list;
    uint32_t entry;
  };
  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return HashBytes(s); }
  };

  const TypeScope& ScopeFor(std::string_view type) const;
  void BuildSubstringFilters(const std::vector<Pattern>& patterns);
  void CheckOne(const TypeScope& scope, std::string_view part, std::vector<Hit>& hits) const;
  void AddHit(const TypeScope& scope, uint32_t list, std::string_view matched, std::string_view part,
              std::vector<Hit>& hits) const;
  void CheckNames(const TypeScope& scope, std::string_view part, std::vector<Hit>& hits) const;
  void AddNameHits(const TypeScope& scope, std::string_view key, uint64_t hash, uint32_t wanted_kinds,
                   std::string_view part, std::vector<Hit>& hits) const;
  void CheckCidr(const TypeScope& scope, std::string_view part, std::vector<Hit>& hits) const;
  struct ScanState;
  static void OnPatternMatch(uint32_t id, void* context);
  void CheckPatterns(const TypeScope& scope, const PatternDb& db, const std::vector<PatternRef>& refs,
                     std::string_view part, std::vector<Hit>& hits) const;

  std::vector<ListInfo> lists_;
  std::vector<std::vector<std::string>> entries_;  // per list, normalised entries
  size_t entry_count_ = 0;

  std::vector<ListType> list_types_;  // per list
  StringTable names_;                 // string entries (lower-cased) and hostname entries of every list
  IpRangeTable ranges_;
  PatternDb substrings_;
  std::vector<PatternRef> substring_refs_;  // pattern id -> (list, entry)
  std::vector<LiteralFilter> substring_filters_;
  PatternDb regexes_;
  std::vector<PatternRef> regex_refs_;

  TypeScope all_scope_;      // every list (empty type)
  TypeScope untyped_scope_;  // lists without matching_attributes (types no list names)
  std::unordered_map<std::string, TypeScope, TransparentHash, std::equal_to<>> scopes_;
};

// The hits of an attribute, as MISP's attribute views compute them: every applicable list is checked against
// value1 and value2. MISP only shows warnings for to_ids attributes unless MISP.warning_for_all is set; that
// choice is the caller's.
std::vector<Hit> CheckAttribute(const WarninglistSet& set, const model::Attribute& attribute);
// True when the attribute matches at least one applicable list: what enforceWarninglist filters out.
bool Warned(const WarninglistSet& set, const model::Attribute& attribute);

// MISP's per-attribute "warnings" array: [{"value", "match", "warninglist_id", "warninglist_name",
// "warninglist_category"}] (ids as strings, as MISP sends them).
boost::json::array WarningsJson(const std::vector<Hit>& hits);

// The published set. Readers take a reference-counted snapshot and never block writers; Publish swaps it.
// Before the first Publish, Get() returns an empty set (never null).
class WarninglistSnapshot {
 public:
  WarninglistSnapshot();
  std::shared_ptr<const WarninglistSet> Get() const { return current_.load(std::memory_order_acquire); }
  void Publish(std::shared_ptr<const WarninglistSet> set);

  // Loads every warninglist document from the store, builds a set and publishes it. Lists that do not parse
  // are skipped and returned; the store's read error or a compile error fails the call (nothing published).
  Result<std::vector<LoadIssue>> ReloadFromStore(store::Store& store);

 private:
  std::atomic<std::shared_ptr<const WarninglistSet>> current_;
};

}  // namespace bulwark::warninglist
