// Search requests shared by the native /api/v1 search and MISP's restSearch routes, and their parsing from
// the JSON body MISP clients send (RestSearch parameters: value, type, category, org, tags, from, to, last,
// timestamp, publish_timestamp, eventid, uuid, published, to_ids, deleted, limit, page, ...).
#pragma once

#include <boost/json/fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/store.h"

namespace bulwark::lifecycle {
struct ModelOverrides;
}  // namespace bulwark::lifecycle

namespace bulwark::hub {

// Tag names with MISP's AND / OR / NOT semantics. A plain list is OR; "!name" in a list is NOT.
struct TagTerms {
  std::vector<std::string> all_of;
  std::vector<std::string> any_of;
  std::vector<std::string> none_of;
  bool empty() const { return all_of.empty() && any_of.empty() && none_of.empty(); }
};

struct SearchRequest {
  std::vector<std::string> values;      // exact, or with '%' wildcards; "!v" excludes are not supported
  std::vector<std::string> types;
  std::vector<std::string> categories;
  std::vector<std::string> orgs;        // creator org: id, uuid or name
  std::vector<std::string> events;      // event id or uuid
  std::vector<std::string> uuids;       // attribute uuid (attribute search) or event uuid (event search)
  TagTerms tags;
  std::optional<int64_t> date_from;     // event date, epoch seconds of the day
  std::optional<int64_t> date_to;
  std::optional<int64_t> timestamp_from;
  std::optional<int64_t> timestamp_to;
  std::optional<int64_t> publish_timestamp_from;
  std::optional<int64_t> publish_timestamp_to;
  std::optional<bool> published;
  std::optional<bool> to_ids;
  store::DeletedFilter deleted = store::DeletedFilter::kExclude;
  size_t limit = 0;                     // 0: no limit
  size_t page = 1;                      // MISP paging, 1-based; used with limit
  int64_t after_id = 0;                 // native cursor: results with id greater than this
  // Whether timestamp_from/to apply to the event (events/restSearch, events/index) or to the attribute
  // (attributes/restSearch, the default).
  bool timestamp_is_event = false;
  // MISP's returnFormat: "json" (default) or an export format; the API layer checks the name
  // (api/export_stream.h).
  std::string return_format = "json";
  // MISP's enforceWarninglist: attributes that match an applicable warninglist are left out (from the
  // attribute results, and from the attributes of the events returned).
  bool enforce_warninglist = false;
  // MISP's includeDecayScore: render each attribute's decay scores (an API-layer concern; parsed here).
  bool include_decay_score = false;
  bool include_correlations = false;  // includeCorrelations (json answers): RelatedEvent / RelatedAttribute
  std::vector<std::string> decaying_models;  // decayingModel: ids of the decay models to use (all when empty)
  // MISP's modelOverrides: decay parameters replacing those of the models used, for this query only
  // (Hub::LifecycleEvaluatorFor). Null: none.
  std::shared_ptr<const lifecycle::ModelOverrides> model_overrides;
  // MISP's excludeDecayed: leave out attributes decayed under every decay model that scores them.
  bool exclude_decayed = false;
  // Leave out expired attributes (docs/lifecycle.md). Unset: the caller's default (detection exports: true).
  std::optional<bool> exclude_expired;
  // Whether any lifecycle filter applies (needs the attributes' sightings).
  bool FiltersLifecycle() const { return exclude_decayed || exclude_expired.value_or(false); }
};

// Parses a RestSearch JSON body (MISP's parameter names, also in {"request": {...}}). `now` resolves `last`.
// Errors: kBadRequest for wrong JSON types, kInvalid for values that do not parse (with the parameter name).
Result<SearchRequest> ParseSearchRequest(const boost::json::value& body, const Clock& clock);

}  // namespace bulwark::hub
