// MISP JSON -> model: sightings, organisations, users, tags, sharing groups (see misp_json.h).
#include "misp/json_fields.h"
#include "misp/misp_json.h"
#include "misp/parse_internal.h"

namespace bulwark::misp {

using detail::GetArray;
using detail::GetObject;
using detail::IndexPath;
using detail::KeysOf;
using detail::ReadBool;
using detail::ReadDateTimeSeconds;
using detail::ReadId;
using detail::ReadInt;
using detail::ReadString;
using detail::ReadUuid;

namespace detail {
namespace {

Status ParseSgOrgs(const json::object& lists, std::string_view path, SharingGroupInput& in) {
  BW_ASSIGN_OR_RETURN(const json::array* orgs, GetArray(lists, "SharingGroupOrg", path));
  if (orgs == nullptr) return Ok();
  for (size_t i = 0; i < orgs->size(); ++i) {
    std::string opath = IndexPath(path, "SharingGroupOrg", i);
    if (!(*orgs)[i].is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", opath);
    const json::object& o = (*orgs)[i].get_object();
    SharingGroupOrgRef ref;
    BW_RETURN_IF_ERROR(ReadId(o, "org_id", opath, ref.id));
    BW_RETURN_IF_ERROR(ReadBool(o, "extend", opath, ref.extend));
    BW_ASSIGN_OR_RETURN(const json::object* org, GetObject(o, "Organisation", opath));
    if (org != nullptr) {
      BW_ASSIGN_OR_RETURN(OrgRef named, ParseOrgRef(*org, JoinPath(opath, "Organisation")));
      ref.uuid = std::move(named.uuid);
      ref.name = std::move(named.name);
      if (ref.id == 0) ref.id = named.id;
    }
    in.sg.orgs.push_back(model::SharingGroupOrg{.org_id = ref.id, .extend = ref.extend});
    in.orgs.push_back(std::move(ref));
  }
  return Ok();
}

Status ParseSgServers(const json::object& lists, std::string_view path, SharingGroupInput& in) {
  BW_ASSIGN_OR_RETURN(const json::array* servers, GetArray(lists, "SharingGroupServer", path));
  if (servers == nullptr) return Ok();
  for (size_t i = 0; i < servers->size(); ++i) {
    std::string spath = IndexPath(path, "SharingGroupServer", i);
    if (!(*servers)[i].is_object()) return MakeError(ErrorCode::kBadRequest, "expected an object", spath);
    const json::object& o = (*servers)[i].get_object();
    SharingGroupServerRef ref;
    BW_RETURN_IF_ERROR(ReadId(o, "server_id", spath, ref.server_id));
    BW_RETURN_IF_ERROR(ReadBool(o, "all_orgs", spath, ref.all_orgs));
    // MISP renders the local server as "Server": [] and a remote one as {"id", "url", "name"}.
    auto it = o.find("Server");
    if (it != o.end() && it->value().is_object()) {
      std::string server_path = JoinPath(spath, "Server");
      const json::object& server = it->value().get_object();
      BW_RETURN_IF_ERROR(ReadString(server, "url", server_path, ref.url));
      BW_RETURN_IF_ERROR(ReadString(server, "name", server_path, ref.name));
      if (ref.server_id == 0) BW_RETURN_IF_ERROR(ReadId(server, "id", server_path, ref.server_id));
    } else if (it != o.end() && !it->value().is_array() && !it->value().is_null()) {
      return MakeError(ErrorCode::kBadRequest, "expected an object", JoinPath(spath, "Server"));
    }
    in.sg.servers.push_back(model::SharingGroupServer{.server_id = ref.server_id, .all_orgs = ref.all_orgs});
    in.servers.push_back(std::move(ref));
  }
  return Ok();
}

}  // namespace

Result<SharingGroupInput> ParseSharingGroupObject(const json::object& sg, std::string_view sg_path,
                                                  const json::object& lists, std::string_view lists_path) {
  SharingGroupInput in;
  model::SharingGroup& g = in.sg;
  in.present = KeysOf(sg);
  BW_RETURN_IF_ERROR(ReadId(sg, "id", sg_path, g.id));
  BW_RETURN_IF_ERROR(ReadUuid(sg, "uuid", sg_path, g.uuid));
  BW_RETURN_IF_ERROR(ReadString(sg, "name", sg_path, g.name));
  BW_RETURN_IF_ERROR(ReadString(sg, "description", sg_path, g.description));
  BW_RETURN_IF_ERROR(ReadString(sg, "releasability", sg_path, g.releasability));
  BW_RETURN_IF_ERROR(ReadId(sg, "org_id", sg_path, g.org_id));
  BW_RETURN_IF_ERROR(ReadBool(sg, "active", sg_path, g.active));
  BW_RETURN_IF_ERROR(ReadBool(sg, "local", sg_path, g.local));
  BW_RETURN_IF_ERROR(ReadBool(sg, "roaming", sg_path, g.roaming));
  BW_RETURN_IF_ERROR(ReadDateTimeSeconds(sg, "created", sg_path, g.created));
  BW_RETURN_IF_ERROR(ReadDateTimeSeconds(sg, "modified", sg_path, g.modified));
  std::string organisation_uuid;
  BW_RETURN_IF_ERROR(ReadUuid(sg, "organisation_uuid", sg_path, organisation_uuid));
  BW_ASSIGN_OR_RETURN(const json::object* creator, GetObject(lists, "Organisation", lists_path));
  if (creator != nullptr) {
    BW_ASSIGN_OR_RETURN(in.organisation, ParseOrgRef(*creator, JoinPath(lists_path, "Organisation")));
    if (in.organisation->uuid.empty()) in.organisation->uuid = organisation_uuid;
  } else if (!organisation_uuid.empty() || g.org_id > 0) {
    in.organisation = OrgRef{.uuid = organisation_uuid, .name = {}, .id = g.org_id};
  }
  BW_RETURN_IF_ERROR(ParseSgOrgs(lists, lists_path, in));
  BW_RETURN_IF_ERROR(ParseSgServers(lists, lists_path, in));
  return in;
}

}  // namespace detail

Result<SharingGroupInput> ParseSharingGroup(const json::value& v) {
  if (!v.is_object()) return MakeError(ErrorCode::kBadRequest, "expected a JSON object");
  const json::object& outer = v.get_object();
  BW_ASSIGN_OR_RETURN(const json::object* inner, GetObject(outer, "SharingGroup", ""));
  if (inner == nullptr) return detail::ParseSharingGroupObject(outer, "", outer, "");
  // The lists may sit beside "SharingGroup" (sharing_groups/view) or inside it.
  bool lists_outside =
      outer.contains("SharingGroupOrg") || outer.contains("SharingGroupServer") || outer.contains("Organisation");
  if (lists_outside) return detail::ParseSharingGroupObject(*inner, "SharingGroup", outer, "");
  return detail::ParseSharingGroupObject(*inner, "SharingGroup", *inner, "SharingGroup");
}

Result<SightingInput> ParseSighting(const json::value& v) {
  BW_ASSIGN_OR_RETURN(const json::object* root, detail::Unwrap(v, "Sighting"));
  const json::object& o = *root;
  SightingInput in;
  model::Sighting& s = in.sighting;
  in.present = KeysOf(o);
  BW_RETURN_IF_ERROR(ReadId(o, "id", "", s.id));
  BW_RETURN_IF_ERROR(ReadUuid(o, "uuid", "", s.uuid));
  BW_RETURN_IF_ERROR(ReadId(o, "attribute_id", "", in.attribute_id));
  s.attribute_id = in.attribute_id;
  BW_RETURN_IF_ERROR(ReadUuid(o, "attribute_uuid", "", in.attribute_uuid));
  BW_RETURN_IF_ERROR(ReadId(o, "event_id", "", s.event_id));
  BW_RETURN_IF_ERROR(ReadId(o, "org_id", "", s.org_id));
  BW_RETURN_IF_ERROR(ReadId(o, "timestamp", "", s.date_sighting));
  BW_RETURN_IF_ERROR(ReadId(o, "date_sighting", "", s.date_sighting));
  BW_RETURN_IF_ERROR(ReadString(o, "source", "", s.source));
  int64_t type = 0;
  BW_RETURN_IF_ERROR(ReadInt(o, "type", "", type, 0, 2));
  s.type = static_cast<model::SightingType>(type);
  BW_RETURN_IF_ERROR(ReadString(o, "value", "", in.value));
  BW_ASSIGN_OR_RETURN(const json::array* values, GetArray(o, "values", ""));
  if (values != nullptr) {
    for (size_t i = 0; i < values->size(); ++i) {
      const json::value& item = (*values)[i];
      std::string path = "values[" + std::to_string(i) + "]";
      if (item.is_string()) {
        if (item.get_string().size() > kMaxStringBytes) return MakeError(ErrorCode::kTooLarge, "string too long", path);
        in.values.emplace_back(item.get_string());
      } else if (item.is_number()) {
        in.values.push_back(detail::NumberText(item));
      } else {
        return MakeError(ErrorCode::kBadRequest, "expected a string", path);
      }
    }
  }
  BW_ASSIGN_OR_RETURN(const json::object* org, GetObject(o, "Organisation", ""));
  if (org != nullptr) {
    BW_ASSIGN_OR_RETURN(in.org, detail::ParseOrgRef(*org, "Organisation"));
  }
  return in;
}

Result<OrganisationInput> ParseOrganisation(const json::value& v) {
  BW_ASSIGN_OR_RETURN(const json::object* root, detail::Unwrap(v, "Organisation"));
  const json::object& o = *root;
  OrganisationInput in;
  model::Organisation& org = in.org;
  in.present = KeysOf(o);
  BW_RETURN_IF_ERROR(ReadId(o, "id", "", org.id));
  BW_RETURN_IF_ERROR(ReadUuid(o, "uuid", "", org.uuid));
  BW_RETURN_IF_ERROR(ReadString(o, "name", "", org.name));
  BW_RETURN_IF_ERROR(ReadString(o, "description", "", org.description));
  BW_RETURN_IF_ERROR(ReadString(o, "type", "", org.type));
  BW_RETURN_IF_ERROR(ReadString(o, "sector", "", org.sector));
  BW_RETURN_IF_ERROR(ReadString(o, "nationality", "", org.nationality));
  BW_RETURN_IF_ERROR(ReadString(o, "contacts", "", org.contacts));
  BW_RETURN_IF_ERROR(ReadBool(o, "local", "", org.local));
  BW_RETURN_IF_ERROR(ReadDateTimeSeconds(o, "date_created", "", org.created));
  BW_RETURN_IF_ERROR(ReadDateTimeSeconds(o, "date_modified", "", org.modified));
  return in;
}

Result<UserInput> ParseUser(const json::value& v) {
  BW_ASSIGN_OR_RETURN(const json::object* root, detail::Unwrap(v, "User"));
  const json::object& o = *root;
  UserInput in;
  model::User& u = in.user;
  in.present = KeysOf(o);
  BW_RETURN_IF_ERROR(ReadId(o, "id", "", u.id));
  BW_RETURN_IF_ERROR(ReadString(o, "email", "", u.email));
  BW_RETURN_IF_ERROR(ReadId(o, "org_id", "", u.org_id));
  BW_RETURN_IF_ERROR(ReadId(o, "role_id", "", u.role_id));
  BW_RETURN_IF_ERROR(ReadBool(o, "disabled", "", u.disabled));
  BW_RETURN_IF_ERROR(ReadString(o, "password", "", in.password));
  return in;
}

Result<TagInput> ParseTag(const json::value& v) {
  BW_ASSIGN_OR_RETURN(const json::object* root, detail::Unwrap(v, "Tag"));
  const json::object& o = *root;
  TagInput in;
  model::Tag& t = in.tag;
  in.present = KeysOf(o);
  BW_RETURN_IF_ERROR(ReadId(o, "id", "", t.id));
  BW_RETURN_IF_ERROR(ReadString(o, "name", "", t.name));
  BW_RETURN_IF_ERROR(ReadString(o, "colour", "", t.colour));
  BW_RETURN_IF_ERROR(ReadBool(o, "exportable", "", t.exportable));
  BW_RETURN_IF_ERROR(ReadBool(o, "hide_tag", "", t.hide_tag));
  BW_RETURN_IF_ERROR(ReadBool(o, "is_galaxy", "", t.is_galaxy));
  BW_RETURN_IF_ERROR(ReadBool(o, "local_only", "", t.local_only));
  BW_RETURN_IF_ERROR(ReadId(o, "org_id", "", t.org_id));
  BW_RETURN_IF_ERROR(ReadId(o, "user_id", "", t.user_id));
  int64_t numerical = INT64_MIN;
  BW_RETURN_IF_ERROR(ReadInt(o, "numerical_value", "", numerical, INT32_MIN, INT32_MAX));
  if (numerical != INT64_MIN) t.numerical_value = static_cast<int>(numerical);
  return in;
}

}  // namespace bulwark::misp
