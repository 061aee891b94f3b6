#include "stix/object.h"

#include <algorithm>
#include <array>

#include "common/uuid.h"

namespace bulwark::stix {
namespace {

constexpr std::array<std::string_view, 19> kSdoTypes = {
    "attack-pattern", "campaign",      "course-of-action", "grouping",         "identity",
    "incident",       "indicator",     "infrastructure",   "intrusion-set",    "location",
    "malware",        "malware-analysis", "note",          "observed-data",    "opinion",
    "report",         "threat-actor",  "tool",             "vulnerability"};
constexpr std::array<std::string_view, 18> kScoTypes = {
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
    "file",     "ipv4-addr",         "ipv6-addr", "mac-addr",    "mutex",      "network-traffic",
    "process",  "software",          "url",       "user-account", "windows-registry-key", "x509-certificate"};
constexpr std::array<std::string_view, 3> kMetaTypes = {"marking-definition", "language-content",
                                                        "extension-definition"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

std::string StringMember(const boost::json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

}  // namespace

std::string_view CategoryName(ObjectCategory category) {
  switch (category) {
    case ObjectCategory::kSdo: return "SDO";
    case ObjectCategory::kSro: return "SRO";
    case ObjectCategory::kSco: return "SCO";
    case ObjectCategory::kMeta: return "meta";
    case ObjectCategory::kCustom: return "custom";
    case ObjectCategory::kInvalid: return "invalid";
  }
  return "invalid";
}

bool IsValidTypeName(std::string_view type) {
  if (type.size() < 3 || type.size() > 250) return false;
  if (type.front() < 'a' || type.front() > 'z') return false;
  for (size_t i = 0; i < type.size(); ++i) {
    const char c = type[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
    if (c == '-' && i + 1 < type.size() && type[i + 1] == '-') return false;
  }
  return true;
}

ObjectCategory Classify(std::string_view type) {
  if (Contains(kSdoTypes, type)) return ObjectCategory::kSdo;
  if (type == "relationship" || type == "sighting") return ObjectCategory::kSro;
  if (Contains(kScoTypes, type)) return ObjectCategory::kSco;
  if (Contains(kMetaTypes, type)) return ObjectCategory::kMeta;
  if (type == "bundle" || !IsValidTypeName(type)) return ObjectCategory::kInvalid;
  return ObjectCategory::kCustom;
}

std::string_view IdentifierType(std::string_view id) {
  const size_t sep = id.find("--");
  return sep == std::string_view::npos ? std::string_view() : id.substr(0, sep);
}

bool IsIdentifier(std::string_view id) {
  const size_t sep = id.find("--");
  if (sep == std::string_view::npos) return false;
  return IsValidTypeName(id.substr(0, sep)) && IsUuid(id.substr(sep + 2));
}

bool Object::IsVersioned() const {
  if (category == ObjectCategory::kSco || type == "marking-definition") return false;
  return !modified.empty();
}

std::optional<std::string_view> Object::Version() const {
  if (!IsVersioned()) return std::nullopt;
  return std::string_view(modified);
}

Object MakeObject(boost::json::object json, ObjectStorage storage) {
  // Move construction keeps the value's memory resource. That is safe (and saves a deep copy of every object)
  // when the value owns its resource (a shared arena, such as BundleReader's one per object) or uses the
  // default heap; a borrowed resource might die before the Object, so its values are copied to the default heap.
  const boost::json::storage_ptr& sp = json.storage();
  const bool keep = storage == ObjectStorage::kKeepBorrowed || sp.is_shared() ||
                    sp.get() == boost::json::storage_ptr().get();
  boost::json::object j = keep ? std::move(json) : boost::json::object(json, boost::json::storage_ptr());
  std::vector<std::string> markings;
  if (const auto* m = j.if_contains("object_marking_refs"); m != nullptr && m->is_array()) {
    markings.reserve(m->get_array().size());
    for (const auto& e : m->get_array()) {
      if (e.is_string()) markings.emplace_back(e.get_string());
    }
  }
  const auto* r = j.if_contains("revoked");
  const bool revoked = r != nullptr && r->is_bool() && r->get_bool();
  std::string type = StringMember(j, "type");
  std::string id = StringMember(j, "id");
  std::string spec_version = StringMember(j, "spec_version");
  std::string created = StringMember(j, "created");
  std::string modified = StringMember(j, "modified");
  std::string created_by_ref = StringMember(j, "created_by_ref");
  const ObjectCategory category = Classify(type);
  // Every header field is read above: members are initialised in order, and `j` is moved into the first.
  return Object{.json = std::move(j),
                .type = std::move(type),
                .id = std::move(id),
                .spec_version = std::move(spec_version),
                .created = std::move(created),
                .modified = std::move(modified),
                .revoked = revoked,
                .created_by_ref = std::move(created_by_ref),
                .object_marking_refs = std::move(markings),
                .category = category};
}

}  // namespace bulwark::stix
