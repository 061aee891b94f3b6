// Conversion between MISP core format JSON (draft-dulaunoy-misp-core-format, MISP 2.4/2.5 REST shapes) and the
// hub's model values. Pure functions: no I/O, no store, no access control; every function is thread-safe
// (RenderContext callbacks are called on the calling thread only).
//
// Input is as tolerant as MISP: numbers may be JSON numbers or decimal strings ("3"); booleans may be true/false,
// 0/1, "0"/"1", "true"/"false"; null or "" counts as absent; absent fields take MISP defaults; unknown keys are
// ignored; {"Event": {...}} envelopes and bare objects are both accepted. Errors:
//   kBadRequest  wrong JSON type, a number that does not parse or does not fit int64;
//   kInvalid     well-formed but out of range (distribution 7, threat_level_id 0), a bad uuid or date;
//   kTooLarge    a string over kMaxStringBytes (kMaxDataBytes for an attribute's base64 "data").
// Error::field is the JSON path relative to the entity object, e.g. "Attribute[3].distribution" (no "Event."
// prefix even when the input was enveloped). UUIDs are validated and lowercased.
//
// Output is MISP's exact shape: ids, counts, enums and timestamps as JSON strings ("12"), flags as JSON booleans,
// first_seen/last_seen as ISO 8601 with microseconds and "+00:00" (or null), Event.date "YYYY-MM-DD"; keys in
// MISP's order (boost::json::object keeps insertion order).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/entities.h"

namespace bulwark::misp {
namespace json = boost::json;

// Limits on untrusted input (bytes of one JSON string).
inline constexpr size_t kMaxStringBytes = 1 << 20;  // any ordinary string field
inline constexpr size_t kMaxDataBytes = 32 << 20;   // Attribute.data (base64 attachment / malware sample)

// ---------------------------------------------------------------------------------------------------------------
// Input

// An organisation named in input (Event.Org/Orgc, SharingGroupOrg.Organisation). Any field may be empty/0.
struct OrgRef {
  std::string uuid;
  std::string name;
  model::Id id = 0;
};

// A tag named in input: {"name": ...} objects, plain strings, or {"Tag": {...}, "local": ...} (EventTag shape).
struct TagRef {
  std::string name;
  bool local = false;
  std::string colour;
};

// The keys present in an input object, even when null ("value", "to_ids", ...): what an edit leaves alone is
// what its input does not name. A sorted vector: one allocation for the handful of short keys of an attribute,
// where a node-based set costs one per key (bulk ingest parses millions).
class KeySet {
 public:
  KeySet() = default;
  KeySet(std::initializer_list<std::string_view> keys);
  void insert(std::string_view key);
  void reserve(size_t n) { keys_.reserve(n); }
  size_t count(std::string_view key) const;
  bool contains(std::string_view key) const { return count(key) > 0; }
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  std::vector<std::string>::const_iterator begin() const { return keys_.begin(); }
  std::vector<std::string>::const_iterator end() const { return keys_.end(); }
  bool operator==(const KeySet&) const = default;

 private:
  std::vector<std::string> keys_;  // sorted, unique
};

struct AttributeInput {
  model::Attribute attribute;     // value1 holds the raw "value" as given (value2 empty; the hub splits)
  std::string raw_value;          // same as attribute.value1
  std::vector<TagRef> tags;       // Tag[] plus Galaxy[].GalaxyCluster[].tag_name, deduplicated by name
  std::string data;               // base64 "data" of attachment / malware-sample, empty if none
  bool encrypt = false;           // "encrypt": data is a raw malware sample, not MISP's zip (PyMISP's upload)
  KeySet present;  // keys present in the input object ("value", "to_ids", ...), even if null
  bool has_timestamp = false;
};

struct ObjectReferenceInput {
  model::ObjectReference reference;  // referenced_type normalised to "Attribute" / "Object" (or empty)
  model::Id referenced_id = 0;
  KeySet present;
};

struct ObjectInput {
  model::Object object;  // attributes/references left empty here
  std::vector<AttributeInput> attributes;
  std::vector<ObjectReferenceInput> references;
  KeySet present;
};

// A member of a sharing group as given in input: the org (by uuid/name/remote id) and its extend flag.
struct SharingGroupOrgRef : OrgRef {
  bool extend = false;
};

struct SharingGroupServerRef {
  model::Id server_id = 0;  // 0 = the sending instance itself
  bool all_orgs = false;
  std::string url;
  std::string name;
};

struct SharingGroupInput {
  model::SharingGroup sg;                      // sg.orgs / sg.servers hold the ids as given (remote ids)
  std::vector<SharingGroupOrgRef> orgs;        // SharingGroupOrg[]
  std::vector<SharingGroupServerRef> servers;  // SharingGroupServer[]
  std::optional<OrgRef> organisation;          // the creator org ("Organisation" or organisation_uuid)
  KeySet present;
};

struct EventInput {
  model::Event event;  // header fields; event.attributes/objects/tags left empty here
  std::vector<AttributeInput> attributes;
  std::vector<ObjectInput> objects;
  std::vector<TagRef> tags;    // Event.Tag[] / EventTag[] plus Galaxy[].GalaxyCluster[].tag_name, deduplicated
  std::optional<OrgRef> orgc;  // Event.Orgc or orgc_id/orgc_uuid
  std::optional<OrgRef> org;   // Event.Org or org_id
  std::optional<model::SharingGroup> sharing_group;      // an embedded SharingGroup, if given
  std::optional<SharingGroupInput> sharing_group_input;  // the same with its members as OrgRefs
  KeySet present;                         // top-level keys present in the Event object
};

Result<EventInput> ParseEvent(const json::value& v);
Result<AttributeInput> ParseAttribute(const json::value& v);  // {"Attribute": {...}} or bare
// A JSON list of attributes, {"Attribute": [...]}, or one attribute (enveloped or bare).
Result<std::vector<AttributeInput>> ParseAttributeList(const json::value& v);
Result<ObjectInput> ParseObject(const json::value& v);  // {"Object": {...}} or bare
Result<ObjectReferenceInput> ParseObjectReference(const json::value& v);  // {"ObjectReference": {...}} or bare

// A sighting as sent to sightings/add or synced. sighting.id <- "id", sighting.uuid <- "uuid" (for the
// sightings/add body MISP reads "id"/"uuid" as the *attribute's*: the hub decides by route), attribute_id <-
// "attribute_id", attribute_uuid <- "attribute_uuid", date_sighting <- "date_sighting" or "timestamp",
// type 0-2. {"Sighting": {...}} or bare.
struct SightingInput {
  model::Sighting sighting;
  std::string value;
  std::string attribute_uuid;
  model::Id attribute_id = 0;
  std::vector<std::string> values;
  std::optional<OrgRef> org;  // "Organisation" if given
  KeySet present;
};
Result<SightingInput> ParseSighting(const json::value& v);

struct OrganisationInput {
  model::Organisation org;
  KeySet present;
};
Result<OrganisationInput> ParseOrganisation(const json::value& v);  // {"Organisation": {...}} or bare

struct UserInput {
  model::User user;
  std::string password;  // "password" if given (never rendered)
  KeySet present;
};
Result<UserInput> ParseUser(const json::value& v);  // {"User": {...}} or bare

struct TagInput {
  model::Tag tag;
  KeySet present;
};
Result<TagInput> ParseTag(const json::value& v);  // {"Tag": {...}} or bare

// {"SharingGroup": {...}, "Organisation": {...}, "SharingGroupOrg": [...], "SharingGroupServer": [...]}
// (sharing_groups/view shape), {"SharingGroup": {... with the lists inside}}, or the flat object.
Result<SharingGroupInput> ParseSharingGroup(const json::value& v);

// Tolerant field readers. `path` is the JSON path of `o` ("" at top level); errors name path + "." + key.
// Absent, null and "" give nullopt.
Result<std::optional<int64_t>> GetInt(const json::object& o, std::string_view key, std::string_view path);
Result<std::optional<bool>> GetBool(const json::object& o, std::string_view key, std::string_view path);
// Strings; JSON numbers are accepted and given as their decimal text. Null gives nullopt, "" gives "".
Result<std::optional<std::string>> GetString(const json::object& o, std::string_view key, std::string_view path);

// ---------------------------------------------------------------------------------------------------------------
// Output

struct RenderContext {
  std::function<const model::Organisation*(model::Id)> org;  // may be empty or return nullptr
  std::function<const model::SharingGroup*(model::Id)> sharing_group;
  std::function<std::string(model::Id)> user_email;  // for Event.event_creator_email; may be empty
  bool include_attributes = true;                    // false: Attribute[]/Object[] rendered empty
};

json::object RenderOrganisationBrief(const model::Organisation&);  // {id, name, uuid, local}
json::object RenderOrganisation(const model::Organisation&);       // organisations/view "Organisation"
json::object RenderTag(const model::Tag&);                         // MISP Tag object
json::object RenderAppliedTag(const model::AppliedTag&);           // Tag object + "local"
// An attribute as attributes/view renders it; with an event, also "Event": {org_id, distribution, id, info,
// orgc_id, uuid} as attributes/restSearch does.
json::object RenderAttribute(const model::Attribute&, const model::Event* event);
// Object keys as MISP renders them, ObjectReference[] before Attribute[] (MISP's order); references carry
// referenced_type as MISP's "0" (Attribute) / "1" (Object).
json::object RenderObject(const model::Object&, const RenderContext&);
json::object RenderObjectReference(const model::ObjectReference&);  // one element of ObjectReference[]
// The object inside {"Event": ...}: header, Org/Orgc (just {"id"} when ctx.org does not know the org), Attribute[]
// and Object[] (empty unless ctx.include_attributes), ShadowAttribute/RelatedEvent/Galaxy/EventReport/
// CryptographicKey always [], Tag[] only when non-empty, SharingGroup when distribution is 4 and ctx knows it.
json::object RenderEvent(const model::Event&, const RenderContext&);
// One element of an event's Attribute[] / Object[] as RenderEvent writes it, for writers that stream an event
// piece by piece (RenderEvent with include_attributes = false gives the rest).
json::object RenderEventAttribute(const model::Attribute&);
json::object RenderEventObject(const model::Object&);
// One events/index element: header + sighting_timestamp, Org, Orgc, EventTag[{..., Tag}], SharingGroup brief.
json::object RenderEventIndexEntry(const model::Event&, const RenderContext&);
json::object RenderSighting(const model::Sighting&, const model::Organisation* org);
json::object RenderUser(const model::User&);
json::object RenderRole(const model::Role&);  // perm_* flags as booleans
// The SharingGroup object as embedded in an event: fields, Organisation, SharingGroupOrg[], SharingGroupServer[].
json::object RenderSharingGroup(const model::SharingGroup&, const RenderContext&);
json::object RenderAuditEntry(const model::AuditEntry&);

// Small output helpers, exposed for the API layer.
std::string FormatMicrosIso(int64_t epoch_micros);  // "2024-05-01T12:00:00.123456+00:00"
std::string FormatDateTime(int64_t epoch_seconds);  // "2024-05-01 12:00:00" (MISP's created/modified)

}  // namespace bulwark::misp
