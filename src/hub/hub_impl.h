// Hub's private state: the loaded library (taxonomies, object templates) as immutable snapshots swapped
// atomically on reload, and ingest counters. Private to the hub module.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "hub/hub.h"
#include "model/object_template.h"
#include "model/taxonomy.h"

namespace bulwark::hub {

struct Library {
  std::shared_ptr<const model::TaxonomyRegistry> taxonomies;
  std::map<std::string, model::ObjectTemplate, std::less<>> object_templates;  // by name
};

class Hub::Impl {
 public:
  Impl();
  Status Reload(store::Store& store);
  std::shared_ptr<const Library> library() const;

  // Tag references by name or numeric id -> stored tags; new names are created (needs perm_tagger);
  // exclusive taxonomies are enforced over the resulting set.
  Result<std::vector<model::AppliedTag>> ResolveTags(store::WriteTxn& txn, const Principal& p,
                                                     const std::vector<misp::TagRef>& refs);
  // Validates and normalises an object and its attributes for `event` (template rules when the template is
  // known to the library).
  Result<model::Object> BuildObject(const misp::ObjectInput& in, const model::Event& event, const HubOptions& options,
                                    int64_t now);
  void CountIngest(const model::Event& e);

  std::atomic<int64_t> events_ingested{0};
  std::atomic<int64_t> attributes_ingested{0};

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Library> library_;
};

}  // namespace bulwark::hub
