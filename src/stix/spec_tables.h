// Internal: the per-type property tables of STIX 2.1 (spec §4–§7) that validate.cc checks objects against:
// which properties each type defines, their value kinds, which are required, and which object types a
// reference property may point at. Common properties (§3.2) are handled in validate.cc, not here.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

namespace bulwark::stix::internal {

enum class PropKind : uint8_t {
  kString,
  kStringList,
  kInteger,
  kNumber,
  kBoolean,
  kTimestamp,
  kRef,
  kRefList,
  kHashes,
  kDict,             // a JSON object (dictionary)
  kList,             // a non-empty JSON array of anything
  kKillChainPhases,  // list of kill-chain-phase objects
  kBinary,           // base64 string
  kHex,              // hex string
};

// Reference target tokens, besides concrete type names.
inline constexpr std::string_view kAnySdo = "<sdo>";  // any SDO or custom object
inline constexpr std::string_view kAnySco = "<sco>";  // any SCO or custom object
inline constexpr std::string_view kAnySro = "<sro>";  // relationship or sighting
inline constexpr std::string_view kAnyObject = "<any>";

struct PropSpec {
  std::string_view name;
  PropKind kind;
  bool required = false;
  std::span<const std::string_view> targets = {};  // for kRef / kRefList; empty = any type
  int64_t min = std::numeric_limits<int64_t>::min();  // for kInteger / kNumber
  int64_t max = std::numeric_limits<int64_t>::max();
};

struct TypeSpec {
  std::string_view type;
  std::span<const PropSpec> props;
};

// The table of a spec-defined type (SDO, SRO, SCO or meta object); nullptr for custom types.
const TypeSpec* FindTypeSpec(std::string_view type);

// Predefined SCO extension names valid in `extensions` of `sco_type` (spec §6, "Predefined ... Extensions").
bool IsPredefinedExtension(std::string_view sco_type, std::string_view name);
// True if `name` is a predefined extension of any SCO type.
bool IsAnyPredefinedExtension(std::string_view name);

}  // namespace bulwark::stix::internal
