// Hub's private state: the loaded library (taxonomies, object templates) as immutable snapshots swapped
// atomically on reload, and ingest counters. Private to the hub module.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>
#include <string>
#include <unordered_map>

#include "hub/attachment_store.h"
#include "hub/hub.h"
#include "warninglist/warninglist_set.h"
#include "model/object_template.h"
#include "model/taxonomy.h"

namespace bulwark::hub {

// An attribute's data written to the attachment store during a write, to be referenced once the attribute
// has its id (after its insert). `attribute` points into the write's own vectors, which no longer grow.
struct StagedAttachment {
  const model::Attribute* attribute;
  store::AttachmentRef ref;
};

struct Library {
  std::shared_ptr<const model::TaxonomyRegistry> taxonomies;
  // Built over `taxonomies` (the registry must outlive it: both live as long as the Library).
  std::shared_ptr<const lifecycle::Evaluator> lifecycle;
  std::map<std::string, model::ObjectTemplate, std::less<>> object_templates;  // by name
};

class Hub::Impl {
 public:
  explicit Impl(Metrics* metrics);
  Status Reload(store::Store& store);
  std::shared_ptr<const Library> library() const;
  // The warninglist snapshot, loaded from the store on first call (see Hub::Warninglists).
  std::shared_ptr<warninglist::WarninglistSnapshot> Warninglists(store::Store& store, const Logger& log);

  // Tag references by name or numeric id -> stored tags; new names are created (needs perm_tagger);
  // exclusive taxonomies are enforced over the resulting set.
  Result<std::vector<model::AppliedTag>> ResolveTags(store::WriteTxn& txn, const Principal& p,
                                                     const std::vector<misp::TagRef>& refs);
  // Validates and normalises an object and its attributes for `event` (template rules when the template is
  // known to the library).
  Result<model::Object> BuildObject(const misp::ObjectInput& in, const model::Event& event, const HubOptions& options,
                                    int64_t now);
  // A reference of `object` (of event `event_id`) from its input: referenced_uuid and relationship_type required
  // (kInvalid on `field`.referenced_uuid / `field`.relationship_type, the bare names when `field` is empty); uuid
  // drawn when absent; source and object taken from `object`. The target is checked by ResolveReferenceTarget.
  static Result<model::ObjectReference> BuildReference(const misp::ObjectReferenceInput& in, const model::Object& object,
                                                       Id event_id, int64_t now, const std::string& field);
  // Uuids a request writes before (or together with) references to them, with what they are ("Attribute" or
  // "Object"): a reference may point at an attribute or object created in the same request.
  using PendingTargets = std::unordered_map<std::string, std::string>;
  enum class TargetState { kAny, kLive };
  // `ref` must point at an attribute or object of `event_id`: one of `pending` or one in the store (with kLive, not
  // soft-deleted). Sets referenced_type from what the target is. kInvalid on `field` (the referenced_uuid's path)
  // otherwise, with one message whether the uuid is unknown or in another event.
  static Status ResolveReferenceTarget(store::ReadTxn& txn, Id event_id, const PendingTargets& pending,
                                       model::ObjectReference& ref, const std::string& field, TargetState state);
  // The attribute and object uuids an events/add|edit request names (drawn uuids cannot be referenced).
  static PendingTargets RequestTargets(const misp::EventInput& in);
  // events/add|edit: each reference of `o` (a new object of the request at `prefix`, "Object[2]") resolved as
  // ResolveReferenceTarget with kAny (a request may carry deleted attributes, and references to them).
  static Status ResolveObjectReferences(store::ReadTxn& txn, Id event_id, const PendingTargets& pending,
                                        model::Object& o, const std::string& prefix);
  // objects/edit: inserts the references of the request that `current` does not have yet. A uuid `current`
  // already has, or (without a uuid) the same target and relationship as one of its live references, is skipped;
  // a uuid used elsewhere is kConflict. `refs` come from BuildObject; targets are checked as ResolveReferenceTarget
  // with kLive.
  static Status AddEditedReferences(store::WriteTxn& txn, const model::Object& current, const misp::ObjectInput& input,
                                    std::vector<model::ObjectReference> refs);
  // The object's and each of its attributes' sharing group, when their distribution is 4. `prefix` is the
  // object's field path for error messages ("Object[2]", or "" for a top-level object).
  Status CheckObjectSharingGroups(store::ReadTxn& txn, const Principal& p, const model::Object& o,
                                  const std::string& prefix);
  // When `in` carries data and `a` (the attribute built from it) is of a type that keeps data (attachment,
  // malware-sample): decodes it and writes it to the attachment store, and appends it to `staged`. Otherwise
  // nothing. Errors: kInvalid on "data" (not base64), kUnavailable (no attachment storage), kInternal (I/O).
  Status StageAttachment(const misp::AttributeInput& in, const model::Attribute& a,
                         std::vector<StagedAttachment>& staged);
  // References every staged attachment from its attribute, inside the write transaction.
  static Status ReferenceStaged(store::WriteTxn& txn, const std::vector<StagedAttachment>& staged);
  // The attachment store; null when the hub has none (HubOptions::attachment_dir empty).
  const AttachmentStore* attachments() const { return attachments_ ? &*attachments_ : nullptr; }
  void SetAttachmentDir(const std::string& dir) {
    if (!dir.empty()) attachments_.emplace(dir);
  }
  void CountIngest(const model::Event& e);
  void CountAttributes(size_t n);
  // Counts a rejected write by error code and passes the error through.
  Error CountRejected(Error e);

 private:
  Counter* events_ingested_ = nullptr;
  Counter* attributes_ingested_ = nullptr;
  CounterFamily* rejected_ = nullptr;
  std::optional<AttachmentStore> attachments_;
  mutable std::mutex mu_;
  std::shared_ptr<const Library> library_;
  std::mutex warninglists_mu_;  // serialises the first load and reloads
  bool warninglists_loaded_ = false;
  std::shared_ptr<warninglist::WarninglistSnapshot> warninglists_ = std::make_shared<warninglist::WarninglistSnapshot>();
};

}  // namespace bulwark::hub
