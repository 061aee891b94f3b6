#include "model/taxonomy.h"

#include <boost/json.hpp>
#include <climits>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace bulwark::model {
namespace {

namespace json = boost::json;

Error Bad(std::string message, std::string field) {
  return MakeError(ErrorCode::kInvalid, std::move(message), std::move(field));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// An optional string member: empty when absent. Errors when present with another JSON type.
Result<std::string> OptString(const json::object& o, std::string_view key, const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return Bad(std::string(key) + " must be a string", path + "." + std::string(key));
  return std::string(v->as_string());
}

Result<std::string> ReqString(const json::object& o, std::string_view key, const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string() || v->as_string().empty()) {
    return Bad(std::string(key) + " must be a non-empty string", path + "." + std::string(key));
  }
  return std::string(v->as_string());
}

Result<bool> OptBool(const json::object& o, std::string_view key, const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_bool()) return Bad(std::string(key) + " must be true or false", path + "." + std::string(key));
  return v->as_bool();
}

Result<std::optional<int>> OptInt(const json::object& o, std::string_view key, const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<int>();
  bool fits = (v->is_int64() && v->as_int64() >= INT_MIN && v->as_int64() <= INT_MAX) ||
              (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT_MAX));
  if (!fits) return Bad(std::string(key) + " must be a 32-bit integer", path + "." + std::string(key));
  return std::optional<int>(v->is_int64() ? static_cast<int>(v->as_int64()) : static_cast<int>(v->as_uint64()));
}

Result<TaxonomyEntry> ParseEntry(const json::value& v, const std::string& path) {
  if (!v.is_object()) return Bad("must be an object", path);
  const auto& o = v.as_object();
  TaxonomyEntry e;
  BW_ASSIGN_OR_RETURN(e.value, ReqString(o, "value", path));
  BW_ASSIGN_OR_RETURN(e.expanded, OptString(o, "expanded", path));
  BW_ASSIGN_OR_RETURN(e.description, OptString(o, "description", path));
  BW_ASSIGN_OR_RETURN(e.colour, OptString(o, "colour", path));
  BW_ASSIGN_OR_RETURN(e.numerical_value, OptInt(o, "numerical_value", path));
  return e;
}

Result<TaxonomyPredicate> ParsePredicate(const json::value& v, const std::string& path) {
  if (!v.is_object()) return Bad("must be an object", path);
  const auto& o = v.as_object();
  TaxonomyPredicate p;
  BW_ASSIGN_OR_RETURN(p.value, ReqString(o, "value", path));
  BW_ASSIGN_OR_RETURN(p.expanded, OptString(o, "expanded", path));
  BW_ASSIGN_OR_RETURN(p.description, OptString(o, "description", path));
  BW_ASSIGN_OR_RETURN(p.colour, OptString(o, "colour", path));
  BW_ASSIGN_OR_RETURN(p.numerical_value, OptInt(o, "numerical_value", path));
  BW_ASSIGN_OR_RETURN(p.exclusive, OptBool(o, "exclusive", path));
  return p;
}

// Fills predicates' entries from the "values" list.
Status ParseValues(const json::value* values, Taxonomy& t) {
  if (values == nullptr || values->is_null()) return Ok();
  if (!values->is_array()) return Bad("values must be an array", "values");
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < t.predicates.size(); ++i) index.emplace(t.predicates[i].value, i);
  const auto& arr = values->as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string path = "values[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return Bad("must be an object", path);
    const auto& o = arr[i].as_object();
    BW_ASSIGN_OR_RETURN(std::string predicate, ReqString(o, "predicate", path));
    auto it = index.find(predicate);
    if (it == index.end()) return Bad("predicate \"" + predicate + "\" is not declared in predicates", path);
    const json::value* entries = o.if_contains("entry");
    if (entries == nullptr || !entries->is_array()) return Bad("entry must be an array", path + ".entry");
    TaxonomyPredicate& p = t.predicates[it->second];
    std::unordered_set<std::string> seen;
    for (const auto& e : p.entries) seen.insert(e.value);
    for (size_t j = 0; j < entries->as_array().size(); ++j) {
      std::string entry_path = path + ".entry[" + std::to_string(j) + "]";
      BW_ASSIGN_OR_RETURN(TaxonomyEntry entry, ParseEntry(entries->as_array()[j], entry_path));
      if (!seen.insert(entry.value).second) return Bad("duplicate value \"" + entry.value + "\"", entry_path);
      p.entries.push_back(std::move(entry));
    }
  }
  return Ok();
}

TaxonomyPredicate Pred(std::string value, std::string expanded, std::string colour) {
  TaxonomyPredicate p;
  p.value = std::move(value);
  p.expanded = std::move(expanded);
  p.colour = std::move(colour);
  return p;
}

}  // namespace

Result<Taxonomy> ParseTaxonomy(const json::value& doc) {
  if (!doc.is_object()) return Bad("a taxonomy must be a JSON object", "");
  const auto& o = doc.as_object();
  Taxonomy t;
  BW_ASSIGN_OR_RETURN(t.ns, ReqString(o, "namespace", ""));
  BW_ASSIGN_OR_RETURN(t.description, OptString(o, "description", ""));
  BW_ASSIGN_OR_RETURN(t.expanded, OptString(o, "expanded", ""));
  BW_ASSIGN_OR_RETURN(t.uuid, OptString(o, "uuid", ""));
  BW_ASSIGN_OR_RETURN(t.exclusive, OptBool(o, "exclusive", ""));
  BW_ASSIGN_OR_RETURN(std::optional<int> version, OptInt(o, "version", ""));
  if (!version) return Bad("version must be an integer", "version");
  t.version = *version;
  const json::value* predicates = o.if_contains("predicates");
  if (predicates == nullptr || !predicates->is_array()) return Bad("predicates must be an array", "predicates");
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < predicates->as_array().size(); ++i) {
    std::string path = "predicates[" + std::to_string(i) + "]";
    BW_ASSIGN_OR_RETURN(TaxonomyPredicate p, ParsePredicate(predicates->as_array()[i], path));
    if (!seen.insert(p.value).second) return Bad("duplicate predicate \"" + p.value + "\"", path);
    t.predicates.push_back(std::move(p));
  }
  BW_RETURN_IF_ERROR(ParseValues(o.if_contains("values"), t));
  return t;
}

std::optional<int> TaxonomyTagInfo::numerical_value() const {
  if (entry != nullptr && entry->numerical_value) return entry->numerical_value;
  return predicate != nullptr ? predicate->numerical_value : std::nullopt;
}

std::string_view TaxonomyTagInfo::colour() const {
  if (entry != nullptr && !entry->colour.empty()) return entry->colour;
  return predicate != nullptr ? std::string_view(predicate->colour) : std::string_view();
}

std::string_view TaxonomyTagInfo::expanded() const {
  if (entry != nullptr) return entry->expanded;
  return predicate != nullptr ? std::string_view(predicate->expanded) : std::string_view();
}

// --- Registry ---

struct TagRef {
  size_t taxonomy;
  size_t predicate;
  std::optional<size_t> entry;
};

struct TaxonomyRegistry::Data {
  std::vector<Taxonomy> taxonomies;
  std::unordered_map<std::string, TagRef> exact;
  std::unordered_map<std::string, TagRef> folded;  // lowercase name -> first taxonomy defining it
  std::unordered_map<std::string, size_t> ns_exact;
  std::unordered_map<std::string, size_t> ns_folded;
};

Status TaxonomyRegistry::Builder::Add(Taxonomy taxonomy) {
  for (const auto& t : taxonomies_) {
    if (Lower(t.ns) == Lower(taxonomy.ns)) {
      return MakeError(ErrorCode::kConflict, "taxonomy \"" + taxonomy.ns + "\" is already loaded", "namespace");
    }
  }
  taxonomies_.push_back(std::move(taxonomy));
  return Ok();
}

void TaxonomyRegistry::Builder::AddOrReplace(Taxonomy taxonomy) {
  for (auto& t : taxonomies_) {
    if (Lower(t.ns) == Lower(taxonomy.ns)) {
      t = std::move(taxonomy);
      return;
    }
  }
  taxonomies_.push_back(std::move(taxonomy));
}

TaxonomyRegistry TaxonomyRegistry::Builder::Build() && {
  auto data = std::make_shared<Data>();
  data->taxonomies = std::move(taxonomies_);
  for (size_t t = 0; t < data->taxonomies.size(); ++t) {
    const Taxonomy& tax = data->taxonomies[t];
    data->ns_exact.emplace(tax.ns, t);
    data->ns_folded.emplace(Lower(tax.ns), t);
    for (size_t p = 0; p < tax.predicates.size(); ++p) {
      const TaxonomyPredicate& pred = tax.predicates[p];
      auto add = [&](std::string name, TagRef ref) {
        data->folded.emplace(Lower(name), ref);
        data->exact.emplace(std::move(name), ref);
      };
      if (pred.entries.empty()) {
        add(tax.ns + ":" + pred.value, TagRef{t, p, std::nullopt});
        continue;
      }
      for (size_t e = 0; e < pred.entries.size(); ++e) {
        add(tax.ns + ":" + pred.value + "=\"" + pred.entries[e].value + "\"", TagRef{t, p, e});
      }
    }
  }
  return TaxonomyRegistry(std::move(data));
}

TaxonomyRegistry::TaxonomyRegistry() : data_(std::make_shared<Data>()) {}

TaxonomyRegistry::TaxonomyRegistry(std::shared_ptr<const Data> data) : data_(std::move(data)) {}

std::vector<Taxonomy> TaxonomyRegistry::BuiltInTaxonomies() {
  // Labels and colours of FIRST's TLP 2.0 and of the Permissible Actions Protocol.
  Taxonomy tlp;
  tlp.ns = "tlp";
  tlp.expanded = "Traffic Light Protocol";
  tlp.description = "Traffic Light Protocol 2.0: who the recipients may share the information with.";
  tlp.version = 2;
  tlp.exclusive = true;
  tlp.predicates = {
      Pred("clear", "(TLP:CLEAR) Recipients can spread this to the world, there is no limit on disclosure.", "#ffffff"),
      Pred("green", "(TLP:GREEN) Limited disclosure, recipients can spread this within their community.", "#33ff00"),
      Pred("amber",
           "(TLP:AMBER) Limited disclosure, recipients may share on a need-to-know basis within their "
           "organisation and its clients.",
           "#ffc000"),
      Pred("amber+strict",
           "(TLP:AMBER+STRICT) Limited disclosure, recipients may share on a need-to-know basis "
           "within their organisation only.",
           "#ffc000"),
      Pred("red", "(TLP:RED) For the eyes and ears of individual recipients only, no further disclosure.", "#ff2b2b"),
  };
  Taxonomy pap;
  pap.ns = "PAP";
  pap.expanded = "Permissible Actions Protocol";
  pap.description = "Permissible Actions Protocol: how the received information may be used.";
  pap.version = 1;
  pap.exclusive = true;
  pap.predicates = {
      Pred("CLEAR", "(PAP:CLEAR) No restrictions on using this information.", "#ffffff"),
      Pred("GREEN", "(PAP:GREEN) Active actions allowed, such as blocking or interacting with the target.", "#33ff00"),
      Pred("AMBER", "(PAP:AMBER) Passive cross-checks only, such as third-party lookups.", "#ffc000"),
      Pred("RED", "(PAP:RED) Non-detectable actions only: passive use on logs, nothing on the network.", "#ff2b2b"),
  };
  return {std::move(tlp), std::move(pap)};
}

const TaxonomyRegistry& TaxonomyRegistry::BuiltIn() {
  static const TaxonomyRegistry* const registry = [] {
    Builder b;
    for (auto& t : BuiltInTaxonomies()) b.AddOrReplace(std::move(t));
    return new TaxonomyRegistry(std::move(b).Build());
  }();
  return *registry;
}

std::optional<TaxonomyTagInfo> TaxonomyRegistry::Find(std::string_view tag_name) const {
  auto it = data_->exact.find(std::string(tag_name));
  if (it == data_->exact.end()) {
    it = data_->folded.find(Lower(tag_name));
    if (it == data_->folded.end()) return std::nullopt;
  }
  const TagRef& ref = it->second;
  TaxonomyTagInfo info;
  info.taxonomy = &data_->taxonomies[ref.taxonomy];
  info.predicate = &info.taxonomy->predicates[ref.predicate];
  info.tag_name = info.taxonomy->ns + ":" + info.predicate->value;
  if (ref.entry) {
    info.entry = &info.predicate->entries[*ref.entry];
    info.tag_name += "=\"" + info.entry->value + "\"";
  }
  return info;
}

const Taxonomy* TaxonomyRegistry::FindTaxonomy(std::string_view ns) const {
  auto it = data_->ns_exact.find(std::string(ns));
  if (it == data_->ns_exact.end()) {
    it = data_->ns_folded.find(Lower(ns));
    if (it == data_->ns_folded.end()) return nullptr;
  }
  return &data_->taxonomies[it->second];
}

Status TaxonomyRegistry::CheckExclusive(const std::vector<std::string>& tag_names) const {
  // The first tag seen per exclusive taxonomy and per exclusive predicate: any later tag that differs from
  // it is a conflict (and one that equals it cannot conflict with anything the first did not), so a single
  // pass suffices.
  struct First {
    const TaxonomyPredicate* predicate;
    const TaxonomyEntry* entry;
    std::string name;
  };
  std::unordered_map<const void*, First> first;
  for (const auto& name : tag_names) {
    auto info = Find(name);
    if (!info) continue;
    auto check = [&](const void* scope, bool exclusive, const std::string& rule) -> Status {
      if (!exclusive) return Ok();
      auto [it, inserted] = first.try_emplace(scope, First{info->predicate, info->entry, name});
      if (inserted || (it->second.predicate == info->predicate && it->second.entry == info->entry)) return Ok();
      return MakeError(ErrorCode::kInvalid,
                       "tags \"" + it->second.name + "\" and \"" + name + "\" cannot be used together: " + rule, "Tag");
    };
    BW_RETURN_IF_ERROR(
        check(info->taxonomy, info->taxonomy->exclusive, "taxonomy \"" + info->taxonomy->ns + "\" is exclusive"));
    BW_RETURN_IF_ERROR(check(info->predicate, info->predicate->exclusive,
                             "predicate \"" + info->taxonomy->ns + ":" + info->predicate->value + "\" is exclusive"));
  }
  return Ok();
}

size_t TaxonomyRegistry::size() const { return data_->taxonomies.size(); }

std::vector<const Taxonomy*> TaxonomyRegistry::Taxonomies() const {
  std::vector<const Taxonomy*> out;
  out.reserve(data_->taxonomies.size());
  for (const auto& t : data_->taxonomies) out.push_back(&t);
  return out;
}

}  // namespace bulwark::model
