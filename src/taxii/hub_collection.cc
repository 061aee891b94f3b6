#include "taxii/hub_collection.h"

#include <algorithm>
#include <unordered_map>

#include "access/access.h"
#include "stix/mapping/mapping.h"
#include "taxii/materialise.h"

namespace bulwark::taxii {
namespace {

using model::Distribution;

// True when an attribute or object with (d, sg) is visible to at least everyone who sees the event.
bool AtLeastEventWide(Distribution d, model::Id sg, const model::Event& event) {
  if (d == Distribution::kInherit) return true;
  if (event.distribution == Distribution::kSharingGroup) {
    // Inside a sharing-group event a child is capped by the group: the same group, or any level of the
    // community-or-wider kind (which the cap reduces to the group), is as wide as the event.
    return (d == Distribution::kSharingGroup && sg == event.sharing_group_id) || d == Distribution::kCommunity ||
           d == Distribution::kConnected || d == Distribution::kAll;
  }
  if (d == Distribution::kSharingGroup) return false;
  return static_cast<int>(d) >= static_cast<int>(event.distribution);
}

}  // namespace

model::Event SharedPartOfEvent(model::Event event) {
  auto narrower = [&](const auto& child) { return !AtLeastEventWide(child.distribution, child.sharing_group_id, event); };
  std::erase_if(event.attributes, narrower);
  std::erase_if(event.objects, narrower);
  for (model::Object& o : event.objects) std::erase_if(o.attributes, narrower);
  access::DropReferencesToAbsentTargets(event);  // no relationship to what the collection leaves out
  return event;
}

hub::Hub::EventListener HubCollectionListener(store::Store& store, store::StixStore& stix, Logger log) {
  return [&store, &stix, log](const hub::Hub::EventNotice& notice) {
    using Kind = hub::Hub::EventNotice::Kind;
    if (notice.kind != Kind::kPublished) {
      auto withdrawn = WithdrawEvent(stix, notice.event_id);
      if (!withdrawn.ok()) {
        log->error("hub collection: withdrawing event {}: {}", notice.event_id, withdrawn.error().message);
      }
      return;
    }
    std::optional<model::Event> event;
    std::unordered_map<model::Id, model::Organisation> orgs;
    Status st = store.Read([&](store::ReadTxn& txn) -> Status {
      BW_ASSIGN_OR_RETURN(event, txn.LoadEvent(notice.event_id, store::EventLoad{}));
      if (!event) return Ok();
      for (model::Id id : {event->orgc_id, event->org_id}) {
        BW_ASSIGN_OR_RETURN(auto org, txn.GetOrganisation(id));
        if (org) orgs.emplace(id, *org);
      }
      return Ok();
    });
    if (!st.ok() || !event) {
      if (!st.ok()) log->error("hub collection: loading event {}: {}", notice.event_id, st.error().message);
      return;
    }
    stix::mapping::MappingOptions options;
    options.org = [&orgs](model::Id id) -> const model::Organisation* {
      auto it = orgs.find(id);
      return it == orgs.end() ? nullptr : &it->second;
    };
    EventToStix to_stix = [&options](const model::Event& e) -> Result<std::vector<HubStixObject>> {
      BW_ASSIGN_OR_RETURN(std::vector<boost::json::object> objects, stix::mapping::EventToStix(e, options));
      std::vector<HubStixObject> out;
      out.reserve(objects.size());
      for (auto& o : objects) out.push_back(HubStixObject{std::move(o), "", ""});
      return out;
    };
    auto stats = MaterialiseEvent(stix, to_stix, SharedPartOfEvent(std::move(*event)));
    if (!stats.ok()) {
      log->error("hub collection: materialising event {}: {}", notice.event_id, stats.error().message);
      return;
    }
    log->debug("hub collection: event {}: {} added, {} unchanged, {} removed", notice.event_id, stats->added,
               stats->unchanged, stats->removed);
  };
}

}  // namespace bulwark::taxii
