// Internal parsers shared by the misp module's parse files: each reads one JSON object at a known JSON path.
// Not part of the module's API.
#pragma once

#include <string_view>
#include <vector>

#include "misp/misp_json.h"

namespace bulwark::misp::detail {

// Tag[] entries ({"name"}, plain strings, {"Tag": {...}, "local"}) appended to tags, deduplicated by name.
Status ParseTagList(const json::object& o, std::string_view key, std::string_view path, std::vector<TagRef>& tags);
// Galaxy[].GalaxyCluster[].tag_name appended to tags, deduplicated by name.
Status ParseGalaxyTags(const json::object& o, std::string_view path, std::vector<TagRef>& tags);
Result<OrgRef> ParseOrgRef(const json::object& o, std::string_view path);
Result<AttributeInput> ParseAttributeObject(const json::object& o, std::string_view path);
Result<ObjectInput> ParseObjectObject(const json::object& o, std::string_view path);
// `sg` holds the sharing group's own fields; `lists` holds Organisation / SharingGroupOrg / SharingGroupServer
// (the same object for the embedded form, the outer one for the sharing_groups/view form).
Result<SharingGroupInput> ParseSharingGroupObject(const json::object& sg, std::string_view sg_path,
                                                  const json::object& lists, std::string_view lists_path);

}  // namespace bulwark::misp::detail
