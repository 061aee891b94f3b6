// Tag names and MISP machine tags (triple tags).
//
// A machine tag is `namespace:predicate="value"` or `namespace:predicate` (misp-taxonomies, misp-galaxy):
//   - the namespace is everything before the first ':' and is 1 or more of [A-Za-z0-9_.-] ("tlp", "PAP",
//     "admiralty-scale", "misp-galaxy");
//   - the predicate is everything after it up to the first '=' (it may itself contain ':' and spaces, as
//     "tlp:ex:chr" and several taxonomies do); it is not empty, has no '"', and no surrounding whitespace;
//   - a value follows as `="..."`: the text between the '="' and the closing '"', which must end the tag; it
//     is not empty and may contain any character, '"' included.
// Any other tag name (no ':', a space in the namespace, a bad value quoting, ...) is a free tag.
//
// Pure functions, thread-safe, linear time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace bulwark::model {

inline constexpr size_t kMaxTagNameBytes = 255;

struct MachineTag {
  std::string ns;
  std::string predicate;
  std::string value;  // empty for `namespace:predicate`

  bool has_value() const { return !value.empty(); }
  // The canonical tag name: `ns:predicate="value"` or `ns:predicate`.
  std::string ToString() const;

  friend bool operator==(const MachineTag&, const MachineTag&) = default;
};

// The machine tag a tag name spells, or nullopt for a free tag. Does not check ValidateTagName.
std::optional<MachineTag> ParseMachineTag(std::string_view name);

// A tag name must be non-empty, at most kMaxTagNameBytes bytes, valid UTF-8, and free of control characters
// (U+0000-U+001F, U+007F-U+009F). Errors: kInvalid, field "name".
Status ValidateTagName(std::string_view name);

}  // namespace bulwark::model
