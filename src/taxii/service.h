// The TAXII 2.1 server logic (spec: oasis-tcs/cti-taxii2, docs/taxii.md): collections and who may read and
// write them, object/manifest/versions pages with every filter and signed `next` cursors, POSTed envelopes
// (validated with stix::Validate, written in one store transaction with their change-log rows) and status
// resources. Resources come back as JSON text ready to send; the HTTP layer (api/taxii_routes.cc) only does
// media types, authentication and status codes.
//
// Access: hub collections (the hub's published events in STIX form) are readable by every authenticated user,
// row by row through access::CanSeeEvent/CanSeeObject/CanSeeAttribute on the access fields of the event the row
// came from; nobody writes them over TAXII. Stored collections are readable by site admins, by every user when
// read_all_orgs, else by users of read_orgs; writable by site admins and users of write_orgs whose key and
// role may add (Permission::kAdd). A collection the caller can neither read nor write does not exist for it.
//
// Thread-safety: all methods may be called concurrently.
// Errors: kNotFound (collection/object/status unknown or invisible), kForbidden (visible but not readable or
// writable), kBadRequest (bad filters, bad cursor, malformed JSON), kInvalid (JSON that is not an envelope:
// TAXII 422), kInternal.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "access/access.h"
#include "common/clock.h"
#include "common/result.h"
#include "store/stix_store.h"
#include "taxii/filters.h"

namespace bulwark::taxii {

struct ServiceOptions {
  size_t default_page_size = 1000;  // objects per page when the client gives no limit
  size_t max_page_size = 10000;     // a larger limit is lowered to this
  int64_t status_retention_micros = 7LL * 24 * 3600 * 1'000'000;  // >= 24 h (spec §4.3)
  size_t max_content_length = 64u << 20;  // the API root's max_content_length; match the HTTP body limit
  std::string hub_collection_title = "Hub shared intelligence";
  std::string hub_collection_description =
      "The hub's published events as STIX 2.1 (read-only); each user sees what access control allows.";
};

// One page of objects, manifest records or versions.
struct Page {
  std::string body;                          // the envelope/manifest/versions JSON
  std::optional<int64_t> first_added_micros; // date_added of the first and last item (absent when empty)
  std::optional<int64_t> last_added_micros;
};

class Service {
 public:
  Service(store::StixStore& stix, const Clock& clock, ServiceOptions options = {});

  const ServiceOptions& options() const { return options_; }

  Result<std::string> ListCollections(const access::Principal& p);
  Result<std::string> GetCollection(const access::Principal& p, const std::string& collection);
  Result<Page> GetObjects(const access::Principal& p, const std::string& collection, const QueryParams& query);
  Result<Page> GetManifest(const access::Principal& p, const std::string& collection, const QueryParams& query);
  Result<Page> GetObject(const access::Principal& p, const std::string& collection, const std::string& object_id,
                         const QueryParams& query);
  Result<Page> GetVersions(const access::Principal& p, const std::string& collection, const std::string& object_id,
                           const QueryParams& query);
  // Validates and stores an envelope; returns the status resource (complete, per-object successes/failures).
  Result<std::string> AddObjects(const access::Principal& p, const std::string& collection, std::string_view body);
  Status DeleteObject(const access::Principal& p, const std::string& collection, const std::string& object_id,
                      const QueryParams& query);
  Result<std::string> GetStatus(const access::Principal& p, const std::string& status_id);

 private:
  struct Rights {
    store::TaxiiCollection collection;
    bool can_read = false;
    bool can_write = false;
  };
  Result<Rights> Resolve(const access::Principal& p, const std::string& collection);
  Rights RightsOf(const access::Principal& p, store::TaxiiCollection c) const;
  Status EnsureStarted();
  Result<std::string> Secret();

  enum class Shape { kEnvelope, kManifest, kVersions };
  Result<Page> RunPage(const access::Principal& p, const Rights& rights, Endpoint endpoint, Shape shape,
                       const std::string& object_id, const QueryParams& query);

  store::StixStore& stix_;
  const Clock& clock_;
  ServiceOptions options_;
  std::mutex mu_;
  bool started_ = false;
  std::string secret_;
};

// Whether the principal may see a row of a hub collection (access fields of its event, object, attribute),
// decided by access::CanSeeEvent / CanSeeObject / CanSeeAttribute.
bool CanSeeRow(const access::Principal& p, const store::StixAccess& a);

}  // namespace bulwark::taxii
