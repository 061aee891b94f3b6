#include "model/object_template.h"

#include <algorithm>
#include <boost/json.hpp>
#include <climits>
#include <unordered_map>

#include "model/attribute_types.h"

namespace bulwark::model {
namespace {

namespace json = boost::json;

Error Bad(std::string message, std::string field) {
  return MakeError(ErrorCode::kInvalid, std::move(message), std::move(field));
}

Result<std::string> GetString(const json::object& o, std::string_view key, const std::string& path, bool required) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) return Bad(std::string(key) + " is required", path + std::string(key));
    return std::string();
  }
  if (!v->is_string() || (required && v->as_string().empty())) {
    return Bad(std::string(key) + " must be a non-empty string", path + std::string(key));
  }
  return std::string(v->as_string());
}

Result<bool> GetBool(const json::object& o, std::string_view key, const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_bool()) return Bad(std::string(key) + " must be true or false", path + std::string(key));
  return v->as_bool();
}

Result<std::optional<int>> GetInt(const json::object& o, std::string_view key, const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<int>();
  if (!v->is_int64() || v->as_int64() < INT_MIN || v->as_int64() > INT_MAX) {
    return Bad(std::string(key) + " must be an integer", path + std::string(key));
  }
  return std::optional<int>(static_cast<int>(v->as_int64()));
}

// A list of strings; JSON numbers are accepted and written in decimal (some values_list hold numbers).
Result<std::vector<std::string>> GetStrings(const json::object& o, std::string_view key, const std::string& path) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return Bad(std::string(key) + " must be an array", path + std::string(key));
  for (const auto& e : v->as_array()) {
    if (e.is_string()) {
      out.emplace_back(e.as_string());
    } else if (e.is_int64()) {
      out.push_back(std::to_string(e.as_int64()));
    } else {
      return Bad(std::string(key) + " must hold strings", path + std::string(key));
    }
  }
  return out;
}

Result<ObjectTemplateAttribute> ParseAttribute(std::string relation, const json::value& v) {
  std::string path = "attributes." + relation + ".";
  if (!v.is_object()) return Bad("must be an object", path);
  const auto& o = v.as_object();
  ObjectTemplateAttribute a;
  a.relation = std::move(relation);
  BW_ASSIGN_OR_RETURN(a.misp_attribute, GetString(o, "misp-attribute", path, true));
  if (AttributeTypes::Get().Find(a.misp_attribute) == nullptr) {
    return Bad("unknown attribute type \"" + a.misp_attribute + "\"", path + "misp-attribute");
  }
  BW_ASSIGN_OR_RETURN(a.description, GetString(o, "description", path, false));
  BW_ASSIGN_OR_RETURN(a.categories, GetStrings(o, "categories", path));
  for (const auto& c : a.categories) {
    if (!AttributeTypes::Get().IsValidCategory(c)) return Bad("unknown category \"" + c + "\"", path + "categories");
  }
  BW_ASSIGN_OR_RETURN(a.sane_default, GetStrings(o, "sane_default", path));
  BW_ASSIGN_OR_RETURN(a.values_list, GetStrings(o, "values_list", path));
  BW_ASSIGN_OR_RETURN(a.multiple, GetBool(o, "multiple", path));
  BW_ASSIGN_OR_RETURN(a.disable_correlation, GetBool(o, "disable_correlation", path));
  BW_ASSIGN_OR_RETURN(a.recommended, GetBool(o, "recommended", path));
  if (const json::value* t = o.if_contains("to_ids"); t != nullptr && !t->is_null()) {
    if (!t->is_bool()) return Bad("to_ids must be true or false", path + "to_ids");
    a.to_ids = t->as_bool();
  }
  BW_ASSIGN_OR_RETURN(std::optional<int> priority, GetInt(o, "ui-priority", path));
  a.ui_priority = priority.value_or(0);
  return a;
}

Error ForAttribute(size_t index, std::string_view member, std::string message) {
  return MakeError(ErrorCode::kInvalid, std::move(message),
                   "Attribute[" + std::to_string(index) + "]." + std::string(member));
}

}  // namespace

const ObjectTemplateAttribute* ObjectTemplate::Find(std::string_view relation) const {
  auto it = std::lower_bound(attributes.begin(), attributes.end(), relation,
                             [](const ObjectTemplateAttribute& a, std::string_view r) { return a.relation < r; });
  return it != attributes.end() && it->relation == relation ? &*it : nullptr;
}

Result<ObjectTemplate> ParseObjectTemplate(const json::value& doc) {
  if (!doc.is_object()) return Bad("an object template must be a JSON object", "");
  const auto& o = doc.as_object();
  ObjectTemplate t;
  BW_ASSIGN_OR_RETURN(t.name, GetString(o, "name", "", true));
  BW_ASSIGN_OR_RETURN(t.uuid, GetString(o, "uuid", "", true));
  BW_ASSIGN_OR_RETURN(t.meta_category, GetString(o, "meta-category", "", false));
  BW_ASSIGN_OR_RETURN(t.description, GetString(o, "description", "", false));
  BW_ASSIGN_OR_RETURN(std::optional<int> version, GetInt(o, "version", ""));
  if (!version) return Bad("version is required", "version");
  t.version = *version;
  const json::value* attributes = o.if_contains("attributes");
  if (attributes == nullptr || !attributes->is_object()) return Bad("attributes must be an object", "attributes");
  for (const auto& [relation, definition] : attributes->as_object()) {
    BW_ASSIGN_OR_RETURN(ObjectTemplateAttribute a, ParseAttribute(std::string(relation), definition));
    t.attributes.push_back(std::move(a));
  }
  std::sort(t.attributes.begin(), t.attributes.end(),
            [](const ObjectTemplateAttribute& a, const ObjectTemplateAttribute& b) { return a.relation < b.relation; });
  for (size_t i = 1; i < t.attributes.size(); ++i) {
    if (t.attributes[i].relation == t.attributes[i - 1].relation) {
      return Bad("relation \"" + t.attributes[i].relation + "\" is defined twice", "attributes");
    }
  }
  BW_ASSIGN_OR_RETURN(t.required, GetStrings(o, "required", ""));
  BW_ASSIGN_OR_RETURN(t.required_one_of, GetStrings(o, "requiredOneOf", ""));
  for (const auto* list : {&t.required, &t.required_one_of}) {
    for (const auto& r : *list) {
      if (t.Find(r) == nullptr) {
        return Bad("relation \"" + r + "\" is required but not defined",
                   list == &t.required ? "required" : "requiredOneOf");
      }
    }
  }
  return t;
}

Status ValidateObject(const ObjectTemplate& tmpl, const Object& object) {
  if (!object.name.empty() && object.name != tmpl.name) {
    return MakeError(ErrorCode::kInvalid,
                     "object \"" + object.name + "\" does not match template \"" + tmpl.name + "\"", "name");
  }
  std::unordered_map<std::string_view, int> count;
  for (size_t i = 0; i < object.attributes.size(); ++i) {
    const Attribute& a = object.attributes[i];
    if (a.deleted) continue;
    const ObjectTemplateAttribute* def = tmpl.Find(a.object_relation);
    if (def == nullptr) {
      return ForAttribute(
          i, "object_relation",
          "relation \"" + a.object_relation + "\" is not defined by object template \"" + tmpl.name + "\"");
    }
    if (a.type != def->misp_attribute) {
      return ForAttribute(i, "type",
                          "relation \"" + a.object_relation + "\" of object template \"" + tmpl.name +
                              "\" must have type \"" + def->misp_attribute + "\", not \"" + a.type + "\"");
    }
    if (++count[def->relation] > 1 && !def->multiple) {
      return ForAttribute(
          i, "object_relation",
          "relation \"" + a.object_relation + "\" may appear only once in object template \"" + tmpl.name + "\"");
    }
  }
  for (const auto& r : tmpl.required) {
    if (count.find(r) == count.end()) {
      return MakeError(ErrorCode::kInvalid,
                       "required relation \"" + r + "\" of object template \"" + tmpl.name + "\" is missing",
                       "Attribute");
    }
  }
  if (!tmpl.required_one_of.empty()) {
    bool any = std::any_of(tmpl.required_one_of.begin(), tmpl.required_one_of.end(),
                           [&](const std::string& r) { return count.find(r) != count.end(); });
    if (!any) {
      std::string names;
      for (const auto& r : tmpl.required_one_of) names += (names.empty() ? "" : ", ") + r;
      return MakeError(ErrorCode::kInvalid,
                       "object template \"" + tmpl.name + "\" needs at least one of these relations: " + names,
                       "Attribute");
    }
  }
  return Ok();
}

}  // namespace bulwark::model
