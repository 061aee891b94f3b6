// MISP JSON -> model: events, attributes, objects and object references, tags (see misp_json.h).
#include <algorithm>

#include "common/clock.h"
#include "misp/json_fields.h"
#include "misp/misp_json.h"
#include "misp/parse_internal.h"

namespace bulwark::misp {

using detail::GetArray;
using detail::GetObject;
using detail::IndexPath;
using detail::JoinPath;
using detail::KeysOf;
using detail::ReadBool;
using detail::ReadDistribution;
using detail::ReadId;
using detail::ReadInt;
using detail::ReadMicros;
using detail::ReadString;
using detail::ReadUuid;

namespace detail {
namespace {

void AddTag(std::vector<TagRef>& tags, TagRef tag) {
  for (TagRef& t : tags) {
    if (t.name == tag.name) {
      t.local = t.local && tag.local;  // a tag given both ways stays global
      if (t.colour.empty()) t.colour = std::move(tag.colour);
      return;
    }
  }
  tags.push_back(std::move(tag));
}

Status ParseTagEntry(const json::value& v, const std::string& path, std::vector<TagRef>& tags) {
  TagRef tag;
  if (v.is_string()) {
    if (v.get_string().size() > kMaxStringBytes) return MakeError(ErrorCode::kTooLarge, "string too long", path);
    tag.name = std::string(v.get_string());
  } else if (v.is_object()) {
    const json::object& outer = v.get_object();
    BW_ASSIGN_OR_RETURN(const json::object* inner, GetObject(outer, "Tag", path));
    const json::object& o = inner != nullptr ? *inner : outer;
    std::string inner_path = inner != nullptr ? JoinPath(path, "Tag") : path;
    BW_RETURN_IF_ERROR(ReadString(o, "name", inner_path, tag.name));
    BW_RETURN_IF_ERROR(ReadString(o, "colour", inner_path, tag.colour));
    BW_RETURN_IF_ERROR(ReadBool(o, "local", inner_path, tag.local));
    if (inner != nullptr) BW_RETURN_IF_ERROR(ReadBool(outer, "local", path, tag.local));
    if (tag.name.empty()) return MakeError(ErrorCode::kInvalid, "a tag needs a name", JoinPath(inner_path, "name"));
  } else {
    return MakeError(ErrorCode::kBadRequest, "expected a tag object or name", path);
  }
  if (tag.name.empty()) return MakeError(ErrorCode::kInvalid, "a tag needs a name", path);
  AddTag(tags, std::move(tag));
  return Ok();
}

}  // namespace

Status ParseTagList(const json::object& o, std::string_view key, std::string_view path, std::vector<TagRef>& tags) {
  BW_ASSIGN_OR_RETURN(const json::array* list, GetArray(o, key, path));
  if (list == nullptr) return Ok();
  for (size_t i = 0; i < list->size(); ++i) {
    BW_RETURN_IF_ERROR(ParseTagEntry((*list)[i], IndexPath(path, key, i), tags));
  }
  return Ok();
}

Status ParseGalaxyTags(const json::object& o, std::string_view path, std::vector<TagRef>& tags) {
  BW_ASSIGN_OR_RETURN(const json::array* galaxies, GetArray(o, "Galaxy", path));
  if (galaxies == nullptr) return Ok();
  for (size_t i = 0; i < galaxies->size(); ++i) {
    std::string gpath = IndexPath(path, "Galaxy", i);
    if (!(*galaxies)[i].is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", gpath);
    const json::object& galaxy = (*galaxies)[i].get_object();
    BW_ASSIGN_OR_RETURN(const json::array* clusters, GetArray(galaxy, "GalaxyCluster", gpath));
    if (clusters == nullptr) continue;
    for (size_t j = 0; j < clusters->size(); ++j) {
      std::string cpath = IndexPath(gpath, "GalaxyCluster", j);
      if (!(*clusters)[j].is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", cpath);
      const json::object& cluster = (*clusters)[j].get_object();
      TagRef tag;
      BW_RETURN_IF_ERROR(ReadString(cluster, "tag_name", cpath, tag.name));
      BW_RETURN_IF_ERROR(ReadBool(cluster, "local", cpath, tag.local));
      if (tag.name.empty()) {
        // Without tag_name, MISP's default-cluster tag form: misp-galaxy:<type>="<value>".
        std::string type, value;
        BW_RETURN_IF_ERROR(ReadString(cluster, "type", cpath, type));
        BW_RETURN_IF_ERROR(ReadString(cluster, "value", cpath, value));
        if (type.empty() || value.empty()) continue;
        tag.name = "misp-galaxy:" + type + "=\"" + value + "\"";
      }
      AddTag(tags, std::move(tag));
    }
  }
  return Ok();
}

Result<OrgRef> ParseOrgRef(const json::object& o, std::string_view path) {
  OrgRef ref;
  BW_RETURN_IF_ERROR(ReadId(o, "id", path, ref.id));
  BW_RETURN_IF_ERROR(ReadString(o, "name", path, ref.name));
  BW_RETURN_IF_ERROR(ReadUuid(o, "uuid", path, ref.uuid));
  return ref;
}

Result<AttributeInput> ParseAttributeObject(const json::object& o, std::string_view path) {
  AttributeInput in;
  model::Attribute& a = in.attribute;
  in.present = KeysOf(o);
  BW_RETURN_IF_ERROR(ReadId(o, "id", path, a.id));
  BW_RETURN_IF_ERROR(ReadId(o, "event_id", path, a.event_id));
  BW_RETURN_IF_ERROR(ReadId(o, "object_id", path, a.object_id));
  BW_RETURN_IF_ERROR(ReadString(o, "object_relation", path, a.object_relation));
  BW_RETURN_IF_ERROR(ReadUuid(o, "uuid", path, a.uuid));
  BW_RETURN_IF_ERROR(ReadString(o, "type", path, a.type));
  BW_RETURN_IF_ERROR(ReadString(o, "category", path, a.category));
  BW_RETURN_IF_ERROR(ReadString(o, "value", path, a.value1));
  in.raw_value = a.value1;
  BW_RETURN_IF_ERROR(ReadBool(o, "to_ids", path, a.to_ids));
  BW_RETURN_IF_ERROR(ReadDistribution(o, "distribution", path, 5, a.distribution));
  BW_RETURN_IF_ERROR(ReadId(o, "sharing_group_id", path, a.sharing_group_id));
  BW_RETURN_IF_ERROR(ReadString(o, "comment", path, a.comment));
  BW_RETURN_IF_ERROR(ReadBool(o, "deleted", path, a.deleted));
  BW_RETURN_IF_ERROR(ReadBool(o, "disable_correlation", path, a.disable_correlation));
  BW_ASSIGN_OR_RETURN(std::optional<int64_t> ts, GetInt(o, "timestamp", path));
  if (ts) {
    if (*ts < 0) return MakeError(ErrorCode::kInvalid, "must not be negative", JoinPath(path, "timestamp"));
    a.timestamp = *ts;
    in.has_timestamp = true;
  }
  BW_RETURN_IF_ERROR(ReadMicros(o, "first_seen", path, a.first_seen_micros));
  BW_RETURN_IF_ERROR(ReadMicros(o, "last_seen", path, a.last_seen_micros));
  BW_RETURN_IF_ERROR(ReadString(o, "data", path, in.data, kMaxDataBytes));
  BW_RETURN_IF_ERROR(ReadBool(o, "encrypt", path, in.encrypt));
  BW_RETURN_IF_ERROR(ParseTagList(o, "Tag", path, in.tags));
  BW_RETURN_IF_ERROR(ParseGalaxyTags(o, path, in.tags));
  return in;
}

namespace {

Result<std::string> ParseReferencedType(const json::object& o, std::string_view path) {
  auto it = o.find("referenced_type");
  if (it == o.end() || it->value().is_null()) return std::string();
  const json::value& v = it->value();
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (s.empty()) return std::string();
    if (s == "Attribute" || s == "attribute") return std::string("Attribute");
    if (s == "Object" || s == "object") return std::string("Object");
  }
  int64_t n = -1;
  BW_RETURN_IF_ERROR(ReadInt(o, "referenced_type", path, n, 0, 1));
  return std::string(n == 0 ? "Attribute" : "Object");
}

Result<ObjectReferenceInput> ParseReferenceObject(const json::object& o, std::string_view path) {
  ObjectReferenceInput in;
  model::ObjectReference& r = in.reference;
  in.present = KeysOf(o);
  BW_RETURN_IF_ERROR(ReadId(o, "id", path, r.id));
  BW_RETURN_IF_ERROR(ReadUuid(o, "uuid", path, r.uuid));
  BW_RETURN_IF_ERROR(ReadId(o, "timestamp", path, r.timestamp));
  BW_RETURN_IF_ERROR(ReadId(o, "object_id", path, r.object_id));
  BW_RETURN_IF_ERROR(ReadId(o, "event_id", path, r.event_id));
  BW_RETURN_IF_ERROR(ReadUuid(o, "object_uuid", path, r.source_uuid));  // PyMISP's older name
  BW_RETURN_IF_ERROR(ReadUuid(o, "source_uuid", path, r.source_uuid));
  BW_RETURN_IF_ERROR(ReadUuid(o, "referenced_uuid", path, r.referenced_uuid));
  BW_RETURN_IF_ERROR(ReadId(o, "referenced_id", path, in.referenced_id));
  BW_ASSIGN_OR_RETURN(r.referenced_type, ParseReferencedType(o, path));
  BW_RETURN_IF_ERROR(ReadString(o, "relationship_type", path, r.relationship_type));
  BW_RETURN_IF_ERROR(ReadString(o, "comment", path, r.comment));
  BW_RETURN_IF_ERROR(ReadBool(o, "deleted", path, r.deleted));
  return in;
}

}  // namespace

Result<ObjectInput> ParseObjectObject(const json::object& o, std::string_view path) {
  ObjectInput in;
  model::Object& obj = in.object;
  in.present = KeysOf(o);
  BW_RETURN_IF_ERROR(ReadId(o, "id", path, obj.id));
  BW_RETURN_IF_ERROR(ReadId(o, "event_id", path, obj.event_id));
  BW_RETURN_IF_ERROR(ReadUuid(o, "uuid", path, obj.uuid));
  BW_RETURN_IF_ERROR(ReadString(o, "name", path, obj.name));
  BW_RETURN_IF_ERROR(ReadString(o, "meta_category", path, obj.meta_category));
  BW_RETURN_IF_ERROR(ReadString(o, "meta-category", path, obj.meta_category));
  BW_RETURN_IF_ERROR(ReadString(o, "description", path, obj.description));
  BW_RETURN_IF_ERROR(ReadString(o, "template_uuid", path, obj.template_uuid));
  BW_RETURN_IF_ERROR(ReadString(o, "template_version", path, obj.template_version));
  BW_RETURN_IF_ERROR(ReadString(o, "comment", path, obj.comment));
  BW_RETURN_IF_ERROR(ReadDistribution(o, "distribution", path, 5, obj.distribution));
  BW_RETURN_IF_ERROR(ReadId(o, "sharing_group_id", path, obj.sharing_group_id));
  BW_RETURN_IF_ERROR(ReadBool(o, "deleted", path, obj.deleted));
  BW_RETURN_IF_ERROR(ReadId(o, "timestamp", path, obj.timestamp));
  BW_RETURN_IF_ERROR(ReadMicros(o, "first_seen", path, obj.first_seen_micros));
  BW_RETURN_IF_ERROR(ReadMicros(o, "last_seen", path, obj.last_seen_micros));
  BW_ASSIGN_OR_RETURN(const json::array* attributes, GetArray(o, "Attribute", path));
  if (attributes != nullptr) {
    for (size_t i = 0; i < attributes->size(); ++i) {
      std::string apath = IndexPath(path, "Attribute", i);
      if (!(*attributes)[i].is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", apath);
      BW_ASSIGN_OR_RETURN(AttributeInput a, ParseAttributeObject((*attributes)[i].get_object(), apath));
      in.attributes.push_back(std::move(a));
    }
  }
  BW_ASSIGN_OR_RETURN(const json::array* references, GetArray(o, "ObjectReference", path));
  if (references != nullptr) {
    for (size_t i = 0; i < references->size(); ++i) {
      std::string rpath = IndexPath(path, "ObjectReference", i);
      if (!(*references)[i].is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", rpath);
      BW_ASSIGN_OR_RETURN(ObjectReferenceInput r, ParseReferenceObject((*references)[i].get_object(), rpath));
      in.references.push_back(std::move(r));
    }
  }
  return in;
}

}  // namespace detail

namespace {

// Event.Org / Event.Orgc, or the flat org_id / orgc_id / orgc_uuid keys.
Status ParseEventOrgs(const json::object& o, EventInput& in) {
  model::Event& e = in.event;
  BW_RETURN_IF_ERROR(ReadId(o, "org_id", "", e.org_id));
  BW_RETURN_IF_ERROR(ReadId(o, "orgc_id", "", e.orgc_id));
  BW_ASSIGN_OR_RETURN(const json::object* org, GetObject(o, "Org", ""));
  if (org != nullptr) {
    BW_ASSIGN_OR_RETURN(in.org, detail::ParseOrgRef(*org, "Org"));
  } else if (e.org_id > 0) {
    in.org = OrgRef{.uuid = {}, .name = {}, .id = e.org_id};
  }
  BW_ASSIGN_OR_RETURN(const json::object* orgc, GetObject(o, "Orgc", ""));
  std::string orgc_uuid;
  BW_RETURN_IF_ERROR(ReadUuid(o, "orgc_uuid", "", orgc_uuid));
  if (orgc != nullptr) {
    BW_ASSIGN_OR_RETURN(in.orgc, detail::ParseOrgRef(*orgc, "Orgc"));
    if (in.orgc->uuid.empty()) in.orgc->uuid = orgc_uuid;
  } else if (e.orgc_id > 0 || !orgc_uuid.empty()) {
    in.orgc = OrgRef{.uuid = orgc_uuid, .name = {}, .id = e.orgc_id};
  }
  return Ok();
}

Status ParseEventHeader(const json::object& o, model::Event& e) {
  BW_RETURN_IF_ERROR(ReadId(o, "id", "", e.id));
  BW_RETURN_IF_ERROR(ReadUuid(o, "uuid", "", e.uuid));
  BW_RETURN_IF_ERROR(ReadString(o, "info", "", e.info));
  BW_RETURN_IF_ERROR(ReadString(o, "date", "", e.date));
  if (!e.date.empty() && !ParseDate(e.date)) {
    return MakeError(ErrorCode::kInvalid, "expected a date YYYY-MM-DD", "date");
  }
  int64_t threat = static_cast<int64_t>(e.threat_level);
  BW_RETURN_IF_ERROR(ReadInt(o, "threat_level_id", "", threat, 1, 4));
  e.threat_level = static_cast<model::ThreatLevel>(threat);
  int64_t analysis = static_cast<int64_t>(e.analysis);
  BW_RETURN_IF_ERROR(ReadInt(o, "analysis", "", analysis, 0, 2));
  e.analysis = static_cast<model::Analysis>(analysis);
  BW_RETURN_IF_ERROR(ReadDistribution(o, "distribution", "", 4, e.distribution));
  BW_RETURN_IF_ERROR(ReadId(o, "sharing_group_id", "", e.sharing_group_id));
  BW_RETURN_IF_ERROR(ReadBool(o, "published", "", e.published));
  BW_RETURN_IF_ERROR(ReadId(o, "publish_timestamp", "", e.publish_timestamp));
  BW_RETURN_IF_ERROR(ReadId(o, "timestamp", "", e.timestamp));
  BW_RETURN_IF_ERROR(ReadId(o, "sighting_timestamp", "", e.sighting_timestamp));
  BW_RETURN_IF_ERROR(ReadId(o, "attribute_count", "", e.attribute_count));
  BW_RETURN_IF_ERROR(ReadBool(o, "locked", "", e.locked));
  BW_RETURN_IF_ERROR(ReadBool(o, "disable_correlation", "", e.disable_correlation));
  BW_RETURN_IF_ERROR(ReadBool(o, "protected", "", e.protected_event));
  BW_RETURN_IF_ERROR(ReadUuid(o, "extends_uuid", "", e.extends_uuid));
  BW_RETURN_IF_ERROR(ReadId(o, "user_id", "", e.user_id));
  return Ok();
}

// The embedded SharingGroup; {"id": null, "name": null} (events/index for non-SG events) counts as absent.
Status ParseEventSharingGroup(const json::object& o, EventInput& in) {
  BW_ASSIGN_OR_RETURN(const json::object* sg, GetObject(o, "SharingGroup", ""));
  if (sg == nullptr) return Ok();
  bool all_null = std::all_of(sg->begin(), sg->end(), [](const auto& kv) { return kv.value().is_null(); });
  if (all_null) return Ok();
  BW_ASSIGN_OR_RETURN(SharingGroupInput sgi, detail::ParseSharingGroupObject(*sg, "SharingGroup", *sg, "SharingGroup"));
  in.sharing_group = sgi.sg;
  in.sharing_group_input = std::move(sgi);
  return Ok();
}

Status ParseEventChildren(const json::object& o, EventInput& in) {
  BW_ASSIGN_OR_RETURN(const json::array* attributes, GetArray(o, "Attribute", ""));
  if (attributes != nullptr) {
    in.attributes.reserve(attributes->size());
    for (size_t i = 0; i < attributes->size(); ++i) {
      std::string path = IndexPath("", "Attribute", i);
      if (!(*attributes)[i].is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", path);
      BW_ASSIGN_OR_RETURN(AttributeInput a, detail::ParseAttributeObject((*attributes)[i].get_object(), path));
      in.attributes.push_back(std::move(a));
    }
  }
  BW_ASSIGN_OR_RETURN(const json::array* objects, GetArray(o, "Object", ""));
  if (objects != nullptr) {
    in.objects.reserve(objects->size());
    for (size_t i = 0; i < objects->size(); ++i) {
      std::string path = IndexPath("", "Object", i);
      if (!(*objects)[i].is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", path);
      BW_ASSIGN_OR_RETURN(ObjectInput obj, detail::ParseObjectObject((*objects)[i].get_object(), path));
      in.objects.push_back(std::move(obj));
    }
  }
  return Ok();
}

}  // namespace

Result<EventInput> ParseEvent(const json::value& v) {
  BW_ASSIGN_OR_RETURN(const json::object* root, detail::Unwrap(v, "Event"));
  const json::object& o = *root;
  EventInput in;
  in.present = KeysOf(o);
  BW_RETURN_IF_ERROR(ParseEventHeader(o, in.event));
  BW_RETURN_IF_ERROR(ParseEventOrgs(o, in));
  BW_RETURN_IF_ERROR(ParseEventSharingGroup(o, in));
  BW_RETURN_IF_ERROR(detail::ParseTagList(o, "Tag", "", in.tags));
  BW_RETURN_IF_ERROR(detail::ParseTagList(o, "EventTag", "", in.tags));
  BW_RETURN_IF_ERROR(detail::ParseGalaxyTags(o, "", in.tags));
  BW_RETURN_IF_ERROR(ParseEventChildren(o, in));
  return in;
}

Result<AttributeInput> ParseAttribute(const json::value& v) {
  BW_ASSIGN_OR_RETURN(const json::object* o, detail::Unwrap(v, "Attribute"));
  return detail::ParseAttributeObject(*o, "");
}

Result<std::vector<AttributeInput>> ParseAttributeList(const json::value& v) {
  std::vector<AttributeInput> out;
  const json::array* list = nullptr;
  std::string key;
  if (v.is_array()) {
    list = &v.get_array();
  } else if (v.is_object() && v.get_object().contains("Attribute") && v.get_object().at("Attribute").is_array()) {
    list = &v.get_object().at("Attribute").get_array();
    key = "Attribute";
  }
  if (list == nullptr) {
    BW_ASSIGN_OR_RETURN(AttributeInput one, ParseAttribute(v));
    out.push_back(std::move(one));
    return out;
  }
  out.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    std::string path = key + "[" + std::to_string(i) + "]";
    const json::value& item = (*list)[i];
    if (!item.is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", path);
    const json::object* o = &item.get_object();
    if (auto it = o->find("Attribute"); it != o->end() && it->value().is_object()) {
      o = &it->value().get_object();
      path += ".Attribute";
    }
    BW_ASSIGN_OR_RETURN(AttributeInput a, detail::ParseAttributeObject(*o, path));
    out.push_back(std::move(a));
  }
  return out;
}

Result<ObjectInput> ParseObject(const json::value& v) {
  BW_ASSIGN_OR_RETURN(const json::object* o, detail::Unwrap(v, "Object"));
  return detail::ParseObjectObject(*o, "");
}

Result<ObjectReferenceInput> ParseObjectReference(const json::value& v) {
  BW_ASSIGN_OR_RETURN(const json::object* o, detail::Unwrap(v, "ObjectReference"));
  return detail::ParseReferenceObject(*o, "");
}

}  // namespace bulwark::misp
