// Internals of the MISP <-> STIX mapping shared by export and import. Not part of the module's API.
//
// Both directions meet in one representation: an observable as a list of FlatProps, each a (root object type,
// property path, value) triple, the same thing an AND of equality comparisons in one STIX pattern observation
// says and the same thing a root SCO with its referenced SCOs holds. Export turns MISP values into FlatProps and
// then into a pattern or into SCOs; import turns a pattern or an SCO graph into FlatProps and then into MISP
// values, with the same tables, so the two directions cannot drift apart.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "model/entities.h"
#include "stix/pattern/ast.h"

namespace bulwark::stix::mapping::internal {

namespace pat = bulwark::stix::pattern;

// Namespace of the uuidv5 ids this module derives (galaxy SDOs, relationships, sightings, bundles).
inline constexpr std::string_view kBulwarkNamespace = "6f1b1b9e-3c57-4c5e-9a57-3c7b5d7f1e2a";

struct FlatProp {
  std::string object_type;
  std::vector<pat::PathStep> steps;
  pat::Literal value;  // kString or kInt
};

// "src_ref.value", "hashes.SHA-256", "resolves_to_refs[*].value", "x_misp_state[*]" to steps (keys are taken
// literally: the tables never need quoting).
std::vector<pat::PathStep> ParsePathText(std::string_view text);
// The inverse, used as a map key: keys joined by '.', "[*]" / "[n]" appended.
std::string PathText(std::span<const pat::PathStep> steps);
// True when the last key of the path names a STIX integer property (ports, AS number, file size).
bool IsIntegerPath(std::string_view path_text);
// True for paths the reverse mapping ignores: `X_ref.type`, network-traffic protocols, is_multipart.
bool IsStructuralPath(std::string_view object_type, std::string_view path_text);

// "ipv4-addr", "ipv6-addr" or "" (not an address or prefix).
std::string_view IpScoType(std::string_view value);

// Appends a comparison; false when the value does not fit the path (an integer path with a non-integer).
bool AddFlat(std::vector<FlatProp>& out, std::string_view object_type, std::string_view path_text,
             std::string_view value);

// --- attributes ----------------------------------------------------------------------------------------------

// MISP attribute (type, value1, value2) to FlatProps; false when the type has no observable mapping.
bool AttributeToFlat(std::string_view type, const std::string& value1, const std::string& value2,
                     std::vector<FlatProp>& out);

struct MispValue {
  std::string type;
  std::string value1;
  std::string value2;
};
// The reverse. With a type hint (x_misp_type), that type's mapping is tried first. Structural paths are
// ignored. nullopt when no attribute type has exactly these paths.
std::optional<MispValue> FlatToAttribute(std::span<const FlatProp> props, std::string_view type_hint);

// --- objects -------------------------------------------------------------------------------------------------

// The STIX root type a MISP object template maps to ("" when it has no observable mapping).
std::string_view ObjectRootType(std::string_view object_name);
// The MISP template a root SCO type maps back to (file, domain-ip, url, ip-port, email, x509, ...): "" if none.
std::string_view ObjectNameForRoot(std::string_view root_type);

// Assigns a STIX path to each object attribute in order, as export and import both must: the template's path
// for (relation, type) unless it is taken by an earlier scalar, else "x_misp_<relation>[*]". Stateful.
class ObjectPathAssigner {
 public:
  explicit ObjectPathAssigner(std::string_view object_name) : object_name_(object_name) {}
  std::string PathFor(std::string_view relation, std::string_view type, std::string_view value);

 private:
  std::string object_name_;
  std::vector<std::string> used_scalars_;
};

// The (relation, type) a path of a root type maps back to when no metadata says (foreign bundles).
struct RelationGuess {
  std::string relation;
  std::string type;
};
RelationGuess GuessRelation(std::string_view object_name, std::string_view path_text);

// --- SCO graphs ----------------------------------------------------------------------------------------------

// Builds the root SCO and its referenced SCOs from FlatProps of one root type (deterministic ids): the
// referenced SCOs first, the root last.
// nullopt when the props conflict (a scalar set twice, a path through a scalar).
std::optional<std::vector<boost::json::object>> BuildScos(std::span<const FlatProp> props);

// Walks a root SCO (and, through `resolve`, the SCOs it refers to) into FlatProps. Bounded by kMaxScoDepth.
using ScoResolver = std::function<const boost::json::object*(std::string_view id)>;
std::vector<FlatProp> WalkSco(const boost::json::object& root, const ScoResolver& resolve);

// --- patterns ------------------------------------------------------------------------------------------------

// `[a:p = 'v' AND b:q = 2]`, rendered through the pattern AST (canonical escaping).
std::string FlatToPattern(std::span<const FlatProp> props);
// The FlatProps of a pattern that is one observation of `=` comparisons joined by AND (no OR, NOT, qualifier);
// nullopt otherwise.
std::optional<std::vector<FlatProp>> PatternToFlat(const pat::Pattern& pattern);

// --- tags, categories, time ----------------------------------------------------------------------------------

// "network-activity" for "Network activity" (kill chain phase names), and back ("" when unknown).
std::string CategoryToPhase(std::string_view category);
std::string PhaseToCategory(std::string_view phase);

// TLP level of a tag name ("tlp:amber" -> "amber", "tlp:white" -> "clear" in TLP 2.0 terms) or "".
std::string_view TlpLevelOfTag(std::string_view tag_name);
// Marking definition id for a level; "" when the version has no such level.
std::string_view TlpMarkingId(std::string_view level, bool tlp1);
// The marking definition object itself.
boost::json::object TlpMarkingObject(std::string_view level, bool tlp1);
// "tlp:<level>" for a TLP marking id, "" for any other id.
std::string TlpTagForMarking(std::string_view marking_id);

// The SDO type a galaxy (the predicate of misp-galaxy:<galaxy>="value") maps to, or "" for none.
std::string_view GalaxySdoType(std::string_view galaxy);
// The galaxy used for an SDO type on import when the SDO does not say (x_misp_galaxy_type).
std::string_view DefaultGalaxyForSdo(std::string_view sdo_type);

// "2024-05-01T12:00:00.000Z" (millisecond precision, as created/modified require).
std::string StixTime(int64_t epoch_seconds);
std::string StixTimeMicros(int64_t epoch_micros);
// Epoch seconds of a STIX timestamp, nullopt when it does not parse.
std::optional<int64_t> ParseStixSeconds(std::string_view text);

}  // namespace bulwark::stix::mapping::internal
