// One warninglist in the misp-warninglists format (lists/<name>/list.json), parsed and validated:
//
//   {"name": "...", "version": 1, "description": "...", "type": "string|substring|hostname|cidr|regex",
//    "category": "false_positive|known", "matching_attributes": ["ip-src", ...], "list": ["8.8.8.8", ...]}
//
// Rules, as MISP applies them when it imports a list (app/Model/Warninglist.php):
//   - "name" is required and non-empty; "list" is required: an array of strings, or an object whose keys are
//     the entries (values are comments).
//   - "type" defaults to "string"; an array type uses its first element. "version" defaults to 1.
//   - "category" defaults to "false_positive"; anything other than false_positive/known is an error.
//   - "matching_attributes" absent or empty: the list applies to every attribute type.
//   - Entries are trimmed of ASCII whitespace; empty entries are dropped. Hostname entries are lower-cased and
//     trimmed of dots ("." + "example.com." -> "example.com"). Every cidr entry must be an IP address or CIDR
//     (host bits are cleared); every regex entry must be a delimited PCRE ("/x/i") that Vectorscan accepts.
//
// Bounds: a document over kMaxDocumentBytes, more than kMaxEntries entries or an entry over kMaxEntryBytes is
// rejected. Errors are ErrorCode::kInvalid (kBadRequest for text that is not JSON), with a message naming the
// list and, for an entry, its index and text. Plain values: thread-compatible.
#pragma once

#include <boost/json/fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace bulwark::store {
class Store;
}

namespace bulwark::warninglist {

enum class ListType : uint8_t { kString, kSubstring, kHostname, kCidr, kRegex };
enum class Category : uint8_t { kFalsePositive, kKnown };

inline constexpr size_t kMaxDocumentBytes = 64u << 20;
inline constexpr size_t kMaxEntries = 5'000'000;
inline constexpr size_t kMaxEntryBytes = 16u << 10;

// "string", "substring", ...; and back. ParseListType errors: kInvalid.
std::string_view ListTypeName(ListType t);
Result<ListType> ParseListType(std::string_view name);
// "false_positive" or "known".
std::string_view CategoryName(Category c);

struct Warninglist {
  std::string name;
  std::string description;
  int64_t version = 1;
  ListType type = ListType::kString;
  Category category = Category::kFalsePositive;
  std::vector<std::string> matching_attributes;  // empty: every type
  std::vector<std::string> entries;              // normalised as described above, in file order
};

// Parses one list document. Errors as described above.
Result<Warninglist> ParseWarninglist(std::string_view json_text);
Result<Warninglist> ParseWarninglist(const boost::json::value& doc);

// A delimited PCRE ("/^abc$/i", "#x#") split into the expression and its flags. Only the flags i, m, s, x, u
// and g (ignored: PHP's preg_match has no global mode) are accepted. Errors: kInvalid.
struct DelimitedRegex {
  std::string expression;
  bool caseless = false;
  bool multiline = false;
  bool dotall = false;
  bool extended = false;
  bool utf8 = false;
};
Result<DelimitedRegex> SplitDelimitedRegex(std::string_view text);

// Lists that did not parse, with the reason; loading goes on without them.
struct LoadIssue {
  std::string source;  // file path or library document name
  std::string message;
};

struct LoadedLists {
  std::vector<Warninglist> lists;
  std::vector<LoadIssue> rejected;
};

// Every *.json under `dir` (recursively; "lists/<name>/list.json" or flat "<name>.json"). A file that is not a
// warninglist is rejected with its reason. Errors: kNotFound when `dir` is not a directory.
Result<LoadedLists> LoadDirectory(const std::filesystem::path& dir);

// Every library document of kind "warninglist" in the store (written by `bulwark library load`).
// Errors: the store's read error.
Result<LoadedLists> LoadFromStore(store::Store& store);

}  // namespace bulwark::warninglist
