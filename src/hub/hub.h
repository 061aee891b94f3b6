// The hub's services: the single write path (validate, normalise, authorise, write in one transaction with
// its change-log entries and audit line) and the access-filtered read paths. Every API route, import, sync
// and sensor report goes through here; the HTTP layer only translates.
//
// Thread-safety: all methods may be called concurrently; writes are serialised by the store.
// Errors: kUnauthenticated, kForbidden, kNotFound (also for what exists but is not visible), kConflict,
// kInvalid / kBadRequest with the offending field, kTooLarge. A failed call writes nothing.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "access/access.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/result.h"
#include "hub/search.h"
#include "lifecycle/lifecycle.h"
#include "misp/misp_json.h"
#include "model/entities.h"
#include "store/store.h"

namespace bulwark::warninglist {
class WarninglistSet;
class WarninglistSnapshot;
}  // namespace bulwark::warninglist
namespace bulwark::model {
class TaxonomyRegistry;
class ObjectTemplateRegistry;
}  // namespace bulwark::model

namespace bulwark::hub {

using access::Principal;
using model::Id;

struct HubOptions {
  // Default: 1 (this community), as MISP's MISP.default_event_distribution.
  model::Distribution default_event_distribution = model::Distribution::kCommunity;
  // Default: 5 (inherit event).
  model::Distribution default_attribute_distribution = model::Distribution::kInherit;
  // Attributes accepted in one request (events/add, attributes/add). Default: 1,000,000.
  size_t max_attributes_per_request = 1'000'000;
  // Where the bytes of attributes' `data` (attachment, malware-sample) are kept (hub/attachment_store.h);
  // `bulwark` uses <data-dir>/attachments. Default: empty, no attachment storage: an attribute that carries
  // data is refused with kUnavailable rather than stored without it.
  std::string attachment_dir;
};

// A freshly created API key: the clear key is returned once and never stored.
struct CreatedKey {
  model::ApiKey key;
  std::string clear_key;
};

// An event reference as clients give it: numeric id or uuid.
struct EventRef {
  std::string text;
};

class Hub {
 public:
  // `metrics` (may be null) receives the ingest counters: bulwark_ingest_events_total,
  // bulwark_ingest_attributes_total and bulwark_ingest_rejected_total{code}.
  Hub(store::Store& store, const Clock& clock, HubOptions options, Logger log, Metrics* metrics = nullptr);
  ~Hub();

  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }

  // Loads taxonomies and object templates from the store's library documents (after `library load`), and
  // the warninglists again if they were loaded.
  Status ReloadLibrary();

  // The compiled warninglists of the store's library. Loaded on first use (about half a second for the whole
  // misp-warninglists set, so short-lived CLI verbs that never ask do not pay it); lists that fail to parse are
  // skipped with a warning in the log. Never null; thread-safe.
  std::shared_ptr<const warninglist::WarninglistSet> Warninglists();
  std::shared_ptr<warninglist::WarninglistSnapshot> WarninglistSnapshot();

  // ---- Indicator lifecycle (docs/lifecycle.md): decay scores and expiry, evaluated at the hub's clock.
  // The evaluator of the current library (rebuilt by ReloadLibrary). Never null.
  std::shared_ptr<const lifecycle::Evaluator> LifecycleEvaluator() const;
  // The evaluator a search uses: LifecycleEvaluator(), or with modelOverrides a copy whose models used by the
  // search (decayingModel; all when empty) carry the overridden parameters. Never null.
  std::shared_ptr<const lifecycle::Evaluator> LifecycleEvaluatorFor(const SearchRequest& r) const;
  // decayingModel names only models this hub has: kInvalid naming the unknown id and the hub's models.
  Status CheckDecayingModels(const SearchRequest& r) const;
  struct Lifecycle {
    std::shared_ptr<const lifecycle::Evaluator> evaluator;  // keeps alive the model names `evaluation` views
    lifecycle::Evaluation evaluation;
  };
  // An attribute's lifecycle now as `p` sees it: from its tags, its event's tags and the sightings `p` may see
  // (access::CanSeeSighting; a sighting the caller may not see must not move the score it is shown). No access
  // decision on the attribute itself: callers evaluate only attributes the principal may see. `evaluator`:
  // the one to use (a search's LifecycleEvaluatorFor); null: LifecycleEvaluator().
  Result<Lifecycle> AttributeLifecycle(const Principal& p, const model::Event& event, const model::Attribute& attribute,
                                       std::shared_ptr<const lifecycle::Evaluator> evaluator = nullptr);

  // ---- Authentication
  Result<Principal> Authenticate(std::string_view api_key);

  // ---- Set-up (no principal: used by `bulwark init` and the demo)
  Status EnsureDefaultRoles();
  // Creates the organisation, a site-admin user in it, and a key. Fails with kConflict if the email exists.
  Result<CreatedKey> CreateSiteAdmin(const std::string& org_name, const std::string& email);

  // ---- Events
  Result<model::Event> AddEvent(const Principal& p, misp::EventInput input);
  Result<model::Event> EditEvent(const Principal& p, const EventRef& ref, misp::EventInput input);
  Status DeleteEvent(const Principal& p, const EventRef& ref);
  Result<model::Event> PublishEvent(const Principal& p, const EventRef& ref, bool publish);
  // The whole event as the principal may see it. kNotFound when absent or invisible.
  Result<model::Event> ViewEvent(const Principal& p, const EventRef& ref, store::DeletedFilter deleted);
  // Event headers (no attributes) the principal may see, matching the search; visitor returns false to stop.
  Status IndexEvents(const Principal& p, const SearchRequest& req, const std::function<bool(const model::Event&)>& visit);
  // Whole events that match: event filters plus, when given, attribute filters (an event matches when one
  // of its visible attributes does). Events are filtered for the principal before the visitor sees them.
  Status SearchEvents(const Principal& p, const SearchRequest& req, const std::function<bool(model::Event&)>& visit);

  // ---- Attributes
  Result<std::vector<model::Attribute>> AddAttributes(const Principal& p, const EventRef& event,
                                                      std::vector<misp::AttributeInput> inputs);
  Result<model::Attribute> EditAttribute(const Principal& p, const std::string& ref, misp::AttributeInput input);
  enum class DeleteMode { kSoft, kHard };
  Status DeleteAttribute(const Principal& p, const std::string& ref, DeleteMode mode);
  Result<model::Attribute> RestoreAttribute(const Principal& p, const std::string& ref);
  // An attribute with its event header, if visible.
  struct AttributeView {
    model::Attribute attribute;
    model::Event event;
  };
  Result<AttributeView> ViewAttribute(const Principal& p, const std::string& ref);
  // The stored bytes of an attribute's `data` and the file name to offer (the attribute's value, or its first
  // half for malware-sample "name|md5"). kNotFound when the attribute is not visible to the principal (the same
  // decision as ViewAttribute) or has no data.
  struct AttachmentFile {
    std::string filename;
    std::string bytes;
    std::string type;  // the attribute's type: attachment or malware-sample
  };
  Result<AttachmentFile> DownloadAttachment(const Principal& p, const std::string& ref);
  // The bytes of `attribute`'s data, nullopt when it has none (only attachment and malware-sample have data).
  // No access decision: callers pass only attributes they were allowed to get (withAttachments rendering).
  Result<std::optional<std::string>> AttachmentData(const model::Attribute& attribute);
  // Visible attributes matching the search, in id order, with their events. Paging by limit/page/after_id.
  Status SearchAttributes(const Principal& p, const SearchRequest& req,
                          const std::function<bool(const store::AttributeRow&)>& visit);

  // ---- Objects
  Result<model::Object> AddObject(const Principal& p, const EventRef& event, misp::ObjectInput input);
  Result<model::Object> EditObject(const Principal& p, const std::string& ref, misp::ObjectInput input);
  Status DeleteObject(const Principal& p, const std::string& ref, DeleteMode mode);

  // ---- Object views and references (hub/objects.cc)
  // The object with its attributes and references as the principal may see it: attributes filtered by the same
  // decision as ViewAttribute, their tags by CanSeeTag. With kExclude (the default of objects/view) a soft-deleted
  // object is kNotFound and soft-deleted attributes and references are left out. A reference whose target events/view
  // would not show (access::DropReferencesToHiddenTargets) is left out. kNotFound when not visible.
  Result<model::Object> ViewObject(const Principal& p, const std::string& ref, store::DeletedFilter deleted);
  // Links the live object `object_ref` (id or uuid) to a live attribute or object of the same event
  // (referenced_uuid), as objectReferences/add. Needs perm_add and the right to modify the event. kInvalid on
  // referenced_uuid for a target that is not in the event or is deleted, on relationship_type when empty;
  // kConflict on uuid when a reference with that uuid exists; kNotFound for a soft-deleted object, as for one the
  // principal may not see. Touches the object and unpublishes the event.
  Result<model::ObjectReference> AddObjectReference(const Principal& p, const std::string& object_ref,
                                                    misp::ObjectReferenceInput input);
  // Soft delete (deleted = 1; kNotFound when already deleted) or hard delete of a reference by id or uuid.
  Status DeleteObjectReference(const Principal& p, const std::string& ref, DeleteMode mode);

  // ---- Tags
  Result<std::vector<model::Tag>> ListTags(const Principal& p, const std::optional<std::string>& search);
  Result<model::Tag> ViewTag(const Principal& p, const std::string& ref);
  Result<model::Tag> AddTag(const Principal& p, misp::TagInput input);
  Result<model::Tag> EditTag(const Principal& p, const std::string& ref, misp::TagInput input);
  Status DeleteTag(const Principal& p, const std::string& ref);
  // Attaches a tag (by id or name; created if the name is new) to the event or attribute with `uuid`.
  Status AttachTag(const Principal& p, const std::string& uuid, const std::string& tag, bool local);
  Status DetachTag(const Principal& p, const std::string& uuid, const std::string& tag);

  // ---- Sightings
  Result<std::vector<model::Sighting>> AddSightings(const Principal& p, misp::SightingInput input);
  Status SearchSightings(const Principal& p, const store::SightingQuery& q,
                         const std::function<bool(const model::Sighting&)>& visit);

  // ---- Organisations, users, keys, roles, sharing groups, audit
  Result<std::vector<model::Organisation>> ListOrganisations(const Principal& p);
  Result<model::Organisation> ViewOrganisation(const Principal& p, const std::string& ref);
  Result<model::Organisation> AddOrganisation(const Principal& p, misp::OrganisationInput input);
  Result<model::Organisation> EditOrganisation(const Principal& p, const std::string& ref, misp::OrganisationInput input);
  Status DeleteOrganisation(const Principal& p, const std::string& ref);

  Result<std::vector<model::User>> ListUsers(const Principal& p);
  Result<model::User> ViewUser(const Principal& p, const std::string& ref);  // "me" is the caller
  Result<model::User> AddUser(const Principal& p, misp::UserInput input);
  Result<model::User> EditUser(const Principal& p, const std::string& ref, misp::UserInput input);
  Status DeleteUser(const Principal& p, const std::string& ref);
  struct KeyRequest {
    std::optional<int64_t> expiration;
    bool read_only = false;
    std::string comment;
  };
  Result<CreatedKey> AddApiKey(const Principal& p, const std::string& user_ref, const KeyRequest& req);
  Result<std::vector<model::Role>> ListRoles(const Principal& p);

  Result<std::vector<model::SharingGroup>> ListSharingGroups(const Principal& p);
  Result<model::SharingGroup> ViewSharingGroup(const Principal& p, const std::string& ref);
  Result<model::SharingGroup> AddSharingGroup(const Principal& p, misp::SharingGroupInput input);
  Result<model::SharingGroup> EditSharingGroup(const Principal& p, const std::string& ref, misp::SharingGroupInput input);
  Status DeleteSharingGroup(const Principal& p, const std::string& ref);
  Status AddSharingGroupOrg(const Principal& p, const std::string& sg_ref, const std::string& org_ref, bool extend);
  Status RemoveSharingGroupOrg(const Principal& p, const std::string& sg_ref, const std::string& org_ref);

  Result<std::vector<model::AuditEntry>> ListAudit(const Principal& p, Id after_id, size_t limit);
  Result<std::vector<model::Change>> ReadChanges(const Principal& p, int64_t after_seq, size_t limit);

  // ---- Notifications: the last step of the write path. After a write commits, the hub tells its listeners
  // (indexes, the TAXII hub collection) which event changed state.
  struct EventNotice {
    enum class Kind { kPublished, kUnpublished, kDeleted };
    Kind kind;
    Id event_id;
  };
  using EventListener = std::function<void(const EventNotice&)>;
  // Listeners run synchronously on the writing thread after the commit, in registration order; they must not
  // fail the write (it is already acknowledged) and log their own errors. Register them before serving:
  // registration is not synchronised with notification.
  void AddEventListener(EventListener listener);

  // After a write that stored attributes commits (events/add, attributes/add): the attributes as written (ids
  // set), for in-process indexes that would otherwise re-read them from the store (the correlator). `seq` is the
  // change-log sequence the write ended at; `whole_event` says that `attributes` and `objects` are all the event
  // holds (a new event). Same rules as event listeners; listeners are told only when some are registered.
  struct AttributesNotice {
    int64_t seq;
    const model::Event& event;
    const std::vector<model::Attribute>& attributes;
    const std::vector<model::Object>* objects;
    bool whole_event;
  };
  using AttributesListener = std::function<void(const AttributesNotice&)>;
  void AddAttributesListener(AttributesListener listener);

  // Lookups for rendering (no access decision: callers render only what they were allowed to get).
  Result<std::optional<model::Organisation>> GetOrganisation(Id id);
  Result<std::optional<model::SharingGroup>> GetSharingGroup(Id id);

 private:
  class Impl;
  Result<model::Event> AddEventUncounted(const Principal& p, misp::EventInput input);
  Status DropOutOfLifecycle(const Principal& p, const SearchRequest& r, model::Event& e);
  void Notify(EventNotice::Kind kind, Id event_id) const;
  void NotifyAttributes(const AttributesNotice& notice) const;
  store::Store& store_;
  const Clock& clock_;
  HubOptions options_;
  Logger log_;
  std::unique_ptr<Impl> impl_;
  std::vector<EventListener> listeners_;
  std::vector<AttributesListener> attributes_listeners_;
};

}  // namespace bulwark::hub
