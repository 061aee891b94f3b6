// A STIX 2.1 object as the hub holds it: the parsed JSON object, kept intact (custom `x_` properties,
// extensions and unknown properties round-trip unchanged), plus the common header properties copied out
// once for cheap access. Header fields are best effort: a missing or mistyped property leaves its field
// empty, and Validate() (validate.h) reports it. An Object is a plain value; it is not thread-safe to mutate.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace bulwark::stix {

// What kind of STIX object a type name denotes (spec §2, §4–§7, §11).
enum class ObjectCategory {
  kSdo,      // the 19 STIX Domain Objects
  kSro,      // relationship, sighting
  kSco,      // the 18 STIX Cyber-observable Objects
  kMeta,     // marking-definition, language-content, extension-definition
  kCustom,   // a syntactically valid type that the spec does not define (e.g. "x-mitre-tactic")
  kInvalid,  // not a valid type name at all (or "bundle", which is not a STIX object)
};

std::string_view CategoryName(ObjectCategory category);

// Classifies a type name; kCustom for any other syntactically valid type name.
ObjectCategory Classify(std::string_view type);

// Type-name syntax (spec §2.14 / §11.2): 3..250 characters of [a-z0-9-], starting with a letter, no "--",
// not ending with '-' unless ... (the schema allows a trailing '-'; so do we).
bool IsValidTypeName(std::string_view type);

// `type--uuid` with a syntactically valid type and an RFC 4122 UUID (any case, any version). Does not check
// that the type prefix matches anything.
bool IsIdentifier(std::string_view id);
// The type prefix of an identifier ("" when `id` has no "--").
std::string_view IdentifierType(std::string_view id);

struct Object {
  boost::json::object json;  // the object exactly as received

  // Header, copied from `json` (empty / false / nullopt when absent or of the wrong JSON type).
  std::string type;
  std::string id;
  std::string spec_version;       // "" when absent (allowed for SCOs: defaults to 2.1)
  std::string created;            // textual form, precision preserved
  std::string modified;           // textual form; "" for unversioned objects
  bool revoked = false;
  std::string created_by_ref;
  std::vector<std::string> object_marking_refs;
  ObjectCategory category = ObjectCategory::kInvalid;

  // SDOs, SROs, language-content, extension-definition and custom objects that carry `modified` are versioned
  // by (id, modified) (spec §3.6). SCOs and marking definitions are not.
  bool IsVersioned() const;
  // The version key: `modified` for versioned objects, nullopt otherwise.
  std::optional<std::string_view> Version() const;
};

// What MakeObject does with a value on a borrowed (not reference-counted) memory resource.
enum class ObjectStorage {
  kOwnedOrCopied,  // copy it to the default heap, so the Object never outlives its memory
  kKeepBorrowed,   // keep it: the caller guarantees the resource outlives the Object (BundleReaderOptions::arena)
};

// Takes ownership of `json` and fills the header. Never fails; see the contract above. The Object keeps the
// value's memory resource when the value owns it (a shared arena) or uses the default heap; values on a borrowed
// resource are copied to the default heap unless `storage` says kKeepBorrowed.
Object MakeObject(boost::json::object json, ObjectStorage storage = ObjectStorage::kOwnedOrCopied);

}  // namespace bulwark::stix
