// Fuzzes the parsers of library documents loaded by `bulwark library load`: taxonomies and object
// templates (JSON in the misp-taxonomies / misp-objects formats), then validation of an object against
// whatever template parsed.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/object_template.h"
#include "model/taxonomy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::json::parse_options opt;
  opt.max_depth = 64;
  boost::system::error_code ec;
  boost::json::value v =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, opt);
  if (ec) return 0;
  auto taxonomy = bulwark::model::ParseTaxonomy(v);
  if (taxonomy.ok()) {
    bulwark::model::TaxonomyRegistry::Builder builder;
    builder.AddOrReplace(std::move(taxonomy).value());
    auto registry = std::move(builder).Build();
    (void)registry.CheckExclusive({"tlp:red", "tlp:green", "a:b=\"c\"", "a:b=\"d\""});
  }
  auto tmpl = bulwark::model::ParseObjectTemplate(v);
  if (tmpl.ok()) {
    bulwark::model::Object o;
    o.name = tmpl->name;
    for (const auto& a : tmpl->attributes) {
      bulwark::model::Attribute attr;
      attr.object_relation = a.relation;
      attr.type = a.misp_attribute;
      o.attributes.push_back(attr);
    }
    (void)bulwark::model::ValidateObject(*tmpl, o);
  }
  return 0;
}
