// Annotations: what the hub adds to rendered attributes and events beyond their stored fields, computed per
// request for the caller.
//   "warnings"          an attribute's warninglist hits, in MISP's shape, on to_ids attributes (as MISP shows
//                        them by default): attributes/view, attributes/add, attributes/edit, events/view
//   "RelatedAttribute"  an attribute's correlations the caller may see (events/view; both restSearch routes
//                        with includeCorrelations), MISP's shape
//   "RelatedEvent"      the events an event correlates with, as the caller may see them (events/view;
//                        events/restSearch with includeCorrelations)
// The correlation renderings are shared with the native correlation routes (correlation_routes.cc).
//
// Thread-safety: an Annotator belongs to one request. Errors while loading correlations never fail the view:
// they are logged and the view goes out without them.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <unordered_map>

#include "access/access.h"
#include "api/api.h"
#include "correlate/service.h"
#include "misp/misp_json.h"

namespace bulwark::warninglist {
class WarninglistSet;
}

namespace bulwark::api {

// The native shape of one attribute's correlations: {id, uuid, type, value, RelatedAttribute: [...],
// over_correlating: [...], truncated}.
boost::json::object RenderAttributeCorrelations(const correlate::AttributeCorrelations& ac);
// MISP's RelatedEvent list: [{"Org": {...}, "Orgc": {...}, "Event": {id, date, info, uuid, ...}}].
boost::json::array RenderRelatedEvents(const std::vector<correlate::RelatedEvent>& related,
                                       const misp::RenderContext& rc);

class Annotator {
 public:
  Annotator(ApiContext& ctx, const access::Principal& p);

  // Adds "warnings" to a rendered attribute when it is to_ids and an applicable warninglist matches it.
  void AddWarnings(const model::Attribute& a, boost::json::object& rendered) const;

  // Loads the correlations of one event for the caller (events/view). Without a correlation service (CLI
  // contexts), nothing is loaded.
  void LoadEventCorrelations(model::Id event_id);
  // "RelatedEvent" on the rendered event (replacing the empty list RenderEvent puts there).
  void AddRelatedEvents(boost::json::object& rendered_event, const misp::RenderContext& rc) const;
  // "RelatedAttribute" on a rendered attribute of that event, when it correlates.
  void AddRelatedAttributes(const model::Attribute& a, boost::json::object& rendered) const;
  // MISP's "decay_score" (includeDecayScore): the attribute's scores under every decay model that applies to
  // its type, plus Bulwark's "lifecycle" member ({"expired", "expires_at", "excluded", "reason"}). A store
  // error while reading sightings leaves both out (logged).
  void AddDecayScore(const model::Event& e, const model::Attribute& a, boost::json::object& rendered) const;
  // decayingModel: the decay scores rendered are those of these models only (all when empty).
  void set_decaying_models(std::vector<std::string> ids) { decaying_models_ = std::move(ids); }
  // modelOverrides: the evaluator scoring them (Hub::LifecycleEvaluatorFor); null: the hub's.
  void set_lifecycle_evaluator(std::shared_ptr<const lifecycle::Evaluator> e) { evaluator_ = std::move(e); }
  // The same for every attribute of a rendered event (its "Attribute" list and each "Object"'s).
  void AddDecayScores(const model::Event& e, boost::json::object& rendered_event) const;

  // includeCorrelations on events/restSearch: loads the event's correlations for the caller and adds
  // "RelatedEvent" and each attribute's "RelatedAttribute", as events/view shows them.
  void AddEventCorrelations(const model::Event& e, boost::json::object& rendered_event, const misp::RenderContext& rc);
  // includeCorrelations on attributes/restSearch: the attribute's "RelatedAttribute" (MISP's shape), looked up
  // for this one attribute.
  void AddAttributeCorrelations(const model::Attribute& a, boost::json::object& rendered) const;

  // Everything this annotator knows for an attribute: warnings and correlations.
  void Annotate(const model::Attribute& a, boost::json::object& rendered) const {
    AddWarnings(a, rendered);
    AddRelatedAttributes(a, rendered);
  }

 private:
  ApiContext& ctx_;
  access::Principal principal_;  // a copy: a streamed view outlives the handler
  std::shared_ptr<const warninglist::WarninglistSet> warninglists_;
  std::vector<correlate::RelatedEvent> related_events_;
  std::unordered_map<model::Id, correlate::AttributeCorrelations> by_attribute_;
  std::vector<std::string> decaying_models_;
  std::shared_ptr<const lifecycle::Evaluator> evaluator_;
};

}  // namespace bulwark::api
