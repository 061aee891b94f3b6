// MISP object templates (the misp-objects format, `objects/<name>/definition.json`) and the check that an
// object follows its template.
//
// A template names the relations an object may have (each with the MISP attribute type its value must be),
// the relations that are `required`, and `requiredOneOf`: at least one of these must be present.
// ValidateObject applies MISP's rules: known relations only, each attribute's type equal to its relation's
// misp-attribute, every required relation present, at least one of requiredOneOf present, and a relation
// used more than once only if the template marks it `multiple`. Deleted attributes do not count.
//
// Values (not just types) are checked elsewhere (model/value.h). `values_list` and `sane_default` are
// suggestions for user interfaces and are not enforced, as in MISP.
//
// Plain values; all functions are pure and thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/entities.h"

namespace bulwark::model {

struct ObjectTemplateAttribute {
  std::string relation;        // the key in "attributes", e.g. "ip"
  std::string misp_attribute;  // the attribute type, e.g. "ip-dst"
  std::string description;
  std::vector<std::string> categories;  // allowed categories; empty: the type's own
  std::vector<std::string> sane_default;
  std::vector<std::string> values_list;
  bool multiple = false;
  bool disable_correlation = false;
  bool recommended = false;
  std::optional<bool> to_ids;
  int ui_priority = 0;
};

struct ObjectTemplate {
  std::string name;
  std::string uuid;
  int version = 0;
  std::string meta_category;
  std::string description;
  std::vector<ObjectTemplateAttribute> attributes;  // sorted by relation
  std::vector<std::string> required;
  std::vector<std::string> required_one_of;

  // The relation's definition, or nullptr.
  const ObjectTemplateAttribute* Find(std::string_view relation) const;
};

// Reads one definition.json document. Errors: kInvalid naming the offending member, for missing or mistyped
// members, an unknown attribute type, or a required/requiredOneOf relation that the template does not define.
Result<ObjectTemplate> ParseObjectTemplate(const boost::json::value& doc);

// Checks `object` against `tmpl` (rules above). Errors: kInvalid, the message names the relation and the
// template, the field is "Attribute[i].object_relation" / "Attribute[i].type" for one attribute, or
// "Attribute" for a missing relation.
Status ValidateObject(const ObjectTemplate& tmpl, const Object& object);

}  // namespace bulwark::model
