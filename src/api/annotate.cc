#include "api/annotate.h"

#include <string>

#include "warninglist/warninglist_set.h"

namespace bulwark::api {

namespace json = boost::json;

namespace {

std::string IdText(model::Id id) { return std::to_string(id); }

json::array RenderOverCorrelating(const std::vector<correlate::OverCorrelating>& over) {
  json::array out;
  for (const auto& o : over) {
    json::object j;
    j["value"] = o.value;
    j["kind"] = correlate::LinkKindName(o.kind);
    j["count"] = o.count;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

json::object RenderAttributeCorrelations(const correlate::AttributeCorrelations& ac) {
  json::object j;
  j["id"] = IdText(ac.attribute_id);
  j["uuid"] = ac.attribute_uuid;
  j["type"] = ac.type;
  j["value"] = ac.value;
  json::array related;
  for (const auto& r : ac.related) {
    json::object o;
    o["id"] = IdText(r.id);
    o["org_id"] = IdText(r.org_id);
    o["info"] = r.info;
    o["value"] = r.value;
    o["event_id"] = IdText(r.event_id);
    o["event_uuid"] = r.event_uuid;
    o["attribute_id"] = IdText(r.attribute_id);
    o["attribute_uuid"] = r.attribute_uuid;
    o["type"] = r.type;
    o["category"] = r.category;
    o["correlation"] = json::object{{"kind", correlate::LinkKindName(r.kind)}, {"via", r.via}};
    related.push_back(std::move(o));
  }
  j["RelatedAttribute"] = std::move(related);
  j["over_correlating"] = RenderOverCorrelating(ac.over_correlating);
  j["truncated"] = ac.truncated;
  return j;
}

json::array RenderRelatedEvents(const std::vector<correlate::RelatedEvent>& related, const misp::RenderContext& rc) {
  // MISP's RelatedEvent entry: the owner and creator orgs beside a short event header.
  static constexpr const char* kHeaderFields[] = {"id",        "date",         "threat_level_id", "info",
                                                  "published", "uuid",         "analysis",        "timestamp",
                                                  "distribution", "org_id",    "orgc_id"};
  json::array out;
  out.reserve(related.size());
  for (const auto& re : related) {
    json::object full = misp::RenderEventIndexEntry(re.event, rc);
    json::object entry;
    entry["Org"] = full["Org"];
    entry["Orgc"] = full["Orgc"];
    json::object header;
    for (const char* f : kHeaderFields) {
      if (auto* v = full.if_contains(f)) header[f] = *v;
    }
    entry["Event"] = std::move(header);
    out.push_back(std::move(entry));
  }
  return out;
}

Annotator::Annotator(ApiContext& ctx, const access::Principal& p)
    : ctx_(ctx), principal_(p), warninglists_(ctx.hub.Warninglists()) {}

void Annotator::AddWarnings(const model::Attribute& a, json::object& rendered) const {
  if (!a.to_ids || !warninglists_) return;
  auto hits = warninglist::CheckAttribute(*warninglists_, a);
  if (!hits.empty()) rendered["warnings"] = warninglist::WarningsJson(hits);
}

void Annotator::AddDecayScore(const model::Event& e, const model::Attribute& a, json::object& rendered) const {
  auto lc = ctx_.hub.AttributeLifecycle(principal_, e, a, evaluator_);
  if (!lc.ok()) {
    if (ctx_.log) ctx_.log->warn("attribute {}: decay score left out: {}", a.id, lc.error().message);
    return;
  }
  lifecycle::Evaluation ev = lc->evaluation;
  ev.KeepModels(decaying_models_);
  json::array scores = lifecycle::RenderDecayScores(ev);
  if (!scores.empty()) rendered["decay_score"] = std::move(scores);
  json::object state;
  state["expired"] = ev.expiry.expired;
  if (ev.expiry.expires_at != lifecycle::kNeverExpires) state["expires_at"] = ev.expiry.expires_at;
  const auto reason = ev.ExclusionReason();
  state["excluded"] = reason.has_value();
  if (reason) state["reason"] = *reason;
  rendered["lifecycle"] = std::move(state);
}

namespace {

// Calls fn(attribute, rendered attribute) for each attribute of a rendered event, its own and its objects'.
template <typename Fn>
void ForEachRenderedAttribute(const model::Event& e, json::object& rendered_event, Fn&& fn) {
  auto each = [&](const std::vector<model::Attribute>& attributes, json::object& holder) {
    auto* list = holder.if_contains("Attribute");
    if (list == nullptr || !list->is_array()) return;
    auto& arr = list->get_array();
    for (size_t i = 0; i < arr.size() && i < attributes.size(); ++i) {
      if (arr[i].is_object()) fn(attributes[i], arr[i].get_object());
    }
  };
  each(e.attributes, rendered_event);
  auto* objects = rendered_event.if_contains("Object");
  if (objects == nullptr || !objects->is_array()) return;
  auto& arr = objects->get_array();
  for (size_t i = 0; i < arr.size() && i < e.objects.size(); ++i) {
    if (arr[i].is_object()) each(e.objects[i].attributes, arr[i].get_object());
  }
}

// MISP's RelatedAttribute list: one entry per related attribute, named by its event.
json::array RenderRelatedAttributeList(const std::vector<correlate::RelatedAttribute>& related) {
  json::array list;
  for (const auto& r : related) {
    json::object o;
    o["id"] = IdText(r.id);
    o["org_id"] = IdText(r.org_id);
    o["info"] = r.info;
    o["value"] = r.value;
    list.push_back(std::move(o));
  }
  return list;
}

}  // namespace

void Annotator::AddDecayScores(const model::Event& e, json::object& rendered_event) const {
  ForEachRenderedAttribute(e, rendered_event,
                           [&](const model::Attribute& a, json::object& rendered) { AddDecayScore(e, a, rendered); });
}

void Annotator::AddEventCorrelations(const model::Event& e, json::object& rendered_event,
                                     const misp::RenderContext& rc) {
  LoadEventCorrelations(e.id);
  AddRelatedEvents(rendered_event, rc);
  ForEachRenderedAttribute(e, rendered_event,
                           [&](const model::Attribute& a, json::object& rendered) { AddRelatedAttributes(a, rendered); });
}

void Annotator::AddAttributeCorrelations(const model::Attribute& a, json::object& rendered) const {
  if (!ctx_.correlation) return;
  auto found = ctx_.correlation->ForAttribute(principal_, a.id);
  if (!found.ok()) {
    if (ctx_.log) ctx_.log->warn("attribute {}: correlations left out: {}", a.id, found.error().message);
    return;
  }
  if (!found->related.empty()) rendered["RelatedAttribute"] = RenderRelatedAttributeList(found->related);
}

void Annotator::LoadEventCorrelations(model::Id event_id) {
  if (!ctx_.correlation) return;
  auto found = ctx_.correlation->ForEvent(principal_, event_id);
  if (!found.ok()) {
    if (ctx_.log) ctx_.log->warn("event {}: correlations left out of the view: {}", event_id, found.error().message);
    return;
  }
  related_events_ = std::move(found->related_events);
  by_attribute_.clear();  // one event at a time (events/restSearch loads each in turn)
  for (auto& ac : found->attributes) {
    const model::Id id = ac.attribute_id;
    by_attribute_.emplace(id, std::move(ac));
  }
}

void Annotator::AddRelatedEvents(json::object& rendered_event, const misp::RenderContext& rc) const {
  if (!related_events_.empty()) rendered_event["RelatedEvent"] = RenderRelatedEvents(related_events_, rc);
}

void Annotator::AddRelatedAttributes(const model::Attribute& a, json::object& rendered) const {
  auto it = by_attribute_.find(a.id);
  if (it == by_attribute_.end() || it->second.related.empty()) return;
  rendered["RelatedAttribute"] = RenderRelatedAttributeList(it->second.related);
}

}  // namespace bulwark::api
