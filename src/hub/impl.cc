#include <algorithm>
#include <cctype>
#include <set>

#include <boost/json.hpp>

#include "common/uuid.h"
#include "hub/hub_impl.h"
#include "hub/internal.h"
#include "model/machine_tag.h"

namespace bulwark::hub {

using namespace internal;

namespace {

// The built-in decay model and expiry policy over the library's taxonomies (the Evaluator keeps a reference
// to the registry, which the Library owns alongside it).
std::shared_ptr<const lifecycle::Evaluator> MakeEvaluator(const std::shared_ptr<const model::TaxonomyRegistry>& t) {
  return std::make_shared<const lifecycle::Evaluator>(std::vector<lifecycle::DecayModel>{lifecycle::DefaultDecayModel()},
                                                      lifecycle::ExpiryPolicy::Default(), *t);
}

}  // namespace

Hub::Impl::Impl(Metrics* metrics) {
  if (metrics != nullptr) {
    events_ingested_ = &metrics->RegisterCounter("bulwark_ingest_events_total", "Events created").Get();
    attributes_ingested_ =
        &metrics->RegisterCounter("bulwark_ingest_attributes_total", "Attributes created, objects' included").Get();
    rejected_ = &metrics->RegisterCounter("bulwark_ingest_rejected_total", "Writes rejected, by error code", {"code"});
  }
  auto lib = std::make_shared<Library>();
  lib->taxonomies = std::make_shared<model::TaxonomyRegistry>(model::TaxonomyRegistry::BuiltIn());
  lib->lifecycle = MakeEvaluator(lib->taxonomies);
  library_ = std::move(lib);
}

std::shared_ptr<const Library> Hub::Impl::library() const {
  std::lock_guard<std::mutex> lock(mu_);
  return library_;
}

void Hub::Impl::CountIngest(const model::Event& e) {
  size_t n = e.attributes.size();
  for (const auto& o : e.objects) n += o.attributes.size();
  if (events_ingested_ != nullptr) events_ingested_->Inc();
  CountAttributes(n);
}

void Hub::Impl::CountAttributes(size_t n) {
  if (attributes_ingested_ != nullptr) attributes_ingested_->Inc(n);
}

Error Hub::Impl::CountRejected(Error e) {
  if (rejected_ != nullptr) rejected_->WithLabels({std::string(ErrorCodeName(e.code))}).Inc();
  return e;
}

Result<std::vector<model::AppliedTag>> Hub::Impl::ResolveTags(store::WriteTxn& txn, const Principal& p,
                                                              const std::vector<misp::TagRef>& refs) {
  std::vector<model::AppliedTag> out;
  if (refs.empty()) return out;
  std::set<Id> seen;
  std::vector<std::string> names;
  for (size_t i = 0; i < refs.size(); ++i) {
    const misp::TagRef& ref = refs[i];
    const std::string field = "Tag[" + std::to_string(i) + "]";
    std::optional<model::Tag> tag;
    Id id = 0;
    if (ParseId(ref.name, id)) {
      BW_ASSIGN_OR_RETURN(tag, txn.GetTag(id));
      if (!tag) return MakeError(ErrorCode::kInvalid, "tag " + ref.name + " does not exist", field);
    } else {
      BW_RETURN_IF_ERROR(model::ValidateTagName(ref.name));
      BW_ASSIGN_OR_RETURN(tag, txn.FindTagByName(ref.name));
      if (!tag) {
        if (!p.Can(model::Permission::kTagger)) {
          return MakeError(ErrorCode::kForbidden, "tag '" + ref.name + "' does not exist and your role cannot create tags",
                           field);
        }
        model::Tag t;
        t.name = ref.name;
        // A colour that is not #rrggbb (seen in the wild) is replaced, not fatal: the tag's name is what matters.
        const bool valid_colour = ref.colour.size() == 7 && ref.colour[0] == '#' &&
                                  std::all_of(ref.colour.begin() + 1, ref.colour.end(),
                                              [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
        t.colour = valid_colour ? ref.colour : "#0088cc";
        auto lib = library();
        if (auto entry = lib->taxonomies->Find(ref.name)) {
          if (!entry->colour().empty()) t.colour = std::string(entry->colour());
          t.numerical_value = entry->numerical_value();
        }
        t.is_galaxy = ref.name.rfind("misp-galaxy:", 0) == 0;
        BW_RETURN_IF_ERROR(txn.InsertTag(t));
        tag = t;
      }
    }
    if (tag->org_id != 0 && tag->org_id != p.org.id && !p.IsSiteAdmin()) {
      return MakeError(ErrorCode::kForbidden, "tag '" + tag->name + "' is restricted to another organisation", field);
    }
    if (tag->local_only && !ref.local) {
      return MakeError(ErrorCode::kInvalid, "tag '" + tag->name + "' can only be attached as a local tag", field);
    }
    if (!seen.insert(tag->id).second) continue;
    names.push_back(tag->name);
    out.push_back(model::AppliedTag{std::move(*tag), ref.local});
  }
  BW_RETURN_IF_ERROR(library()->taxonomies->CheckExclusive(names));
  return out;
}

Status Hub::Impl::CheckObjectSharingGroups(store::ReadTxn& txn, const Principal& p, const model::Object& o,
                                           const std::string& prefix) {
  const std::string base = prefix.empty() ? "" : prefix + ".";
  BW_RETURN_IF_ERROR(CheckSharingGroup(txn, p, o.distribution, o.sharing_group_id, base + "sharing_group_id"));
  for (size_t j = 0; j < o.attributes.size(); ++j) {
    BW_RETURN_IF_ERROR(CheckSharingGroup(txn, p, o.attributes[j].distribution, o.attributes[j].sharing_group_id,
                                         base + "Attribute[" + std::to_string(j) + "].sharing_group_id"));
  }
  return Ok();
}

Result<model::Object> Hub::Impl::BuildObject(const misp::ObjectInput& in, const model::Event& event,
                                             const HubOptions& options, int64_t now) {
  model::Object o = in.object;
  if (o.name.empty()) return MakeError(ErrorCode::kInvalid, "an object needs a name (its template name)", "name");
  if (o.uuid.empty()) o.uuid = NewUuidV4();
  if (!in.present.count("distribution")) o.distribution = options.default_attribute_distribution;
  if (o.distribution != model::Distribution::kSharingGroup) o.sharing_group_id = 0;
  if (o.timestamp <= 0 || !in.present.count("timestamp")) o.timestamp = now;
  o.event_id = event.id;
  o.attributes.clear();
  o.references.clear();
  for (size_t i = 0; i < in.attributes.size(); ++i) {
    const std::string field = "Attribute[" + std::to_string(i) + "]";
    BW_ASSIGN_OR_RETURN(model::Attribute a, BuildAttribute(in.attributes[i], event, options, now));
    if (a.object_relation.empty()) {
      return MakeError(ErrorCode::kInvalid, "an object attribute needs an object_relation", field + ".object_relation");
    }
    o.attributes.push_back(std::move(a));
  }
  auto lib = library();
  auto tmpl = lib->object_templates.find(o.name);
  if (tmpl != lib->object_templates.end()) {
    BW_RETURN_IF_ERROR(model::ValidateObject(tmpl->second, o));
    if (o.template_uuid.empty()) o.template_uuid = tmpl->second.uuid;
    if (o.template_version.empty()) o.template_version = std::to_string(tmpl->second.version);
    if (o.meta_category.empty()) o.meta_category = tmpl->second.meta_category;
    if (o.description.empty()) o.description = tmpl->second.description;
  }
  for (size_t i = 0; i < in.references.size(); ++i) {
    BW_ASSIGN_OR_RETURN(model::ObjectReference r,
                        BuildReference(in.references[i], o, event.id, now, "ObjectReference[" + std::to_string(i) + "]"));
    o.references.push_back(std::move(r));
  }
  return o;
}

Status Hub::Impl::Reload(store::Store& store) {
  auto lib = std::make_shared<Library>();
  model::TaxonomyRegistry::Builder builder;
  for (auto& t : model::TaxonomyRegistry::BuiltInTaxonomies()) builder.AddOrReplace(std::move(t));
  // Documents that no longer parse are skipped: `library load` validated them when they came in.
  Status st = store.Read([&](store::ReadTxn& txn) -> Status {
    BW_RETURN_IF_ERROR(txn.ScanLibrary("taxonomy", [&](const store::LibraryDocument& doc) {
      boost::system::error_code ec;
      auto v = boost::json::parse(doc.json, ec);
      if (ec) return true;
      auto t = model::ParseTaxonomy(v);
      if (t.ok()) builder.AddOrReplace(std::move(t).value());
      return true;
    }));
    return txn.ScanLibrary("object-template", [&](const store::LibraryDocument& doc) {
      boost::system::error_code ec;
      auto v = boost::json::parse(doc.json, ec);
      if (ec) return true;
      auto t = model::ParseObjectTemplate(v);
      if (t.ok()) lib->object_templates.emplace(t->name, std::move(t).value());
      return true;
    });
  });
  if (!st.ok()) return st;
  lib->taxonomies = std::make_shared<model::TaxonomyRegistry>(std::move(builder).Build());
  lib->lifecycle = MakeEvaluator(lib->taxonomies);
  {
    std::lock_guard<std::mutex> lock(mu_);
    library_ = std::move(lib);
  }
  std::lock_guard<std::mutex> lock(warninglists_mu_);
  if (!warninglists_loaded_) return Ok();  // loaded on first use
  auto reloaded = warninglists_->ReloadFromStore(store);
  if (!reloaded.ok()) return std::move(reloaded).error();
  return Ok();
}

std::shared_ptr<warninglist::WarninglistSnapshot> Hub::Impl::Warninglists(store::Store& store, const Logger& log) {
  std::lock_guard<std::mutex> lock(warninglists_mu_);
  if (!warninglists_loaded_) {
    warninglists_loaded_ = true;  // a store error is logged, not retried on every call
    auto issues = warninglists_->ReloadFromStore(store);
    if (!issues.ok()) {
      if (log) log->error("warninglists not loaded: {}", issues.error().message);
    } else if (log) {
      for (const auto& issue : *issues) log->warn("warninglist {} skipped: {}", issue.source, issue.message);
    }
  }
  return warninglists_;
}

}  // namespace bulwark::hub
