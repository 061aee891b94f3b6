#include "taxii/materialise.h"

#include <boost/json.hpp>

#include <map>
#include <set>

#include "stix/object.h"
#include "taxii/filters.h"

namespace bulwark::taxii {
namespace {

store::StixAccess EventAccess(const model::Event& e) {
  store::StixAccess a;
  a.event_id = e.id;
  a.org_id = e.org_id;
  a.event_distribution = static_cast<int>(e.distribution);
  a.event_sharing_group_id = e.sharing_group_id;
  return a;
}

// The access of one object: the event's, narrowed by the MISP object and attribute it comes from.
store::StixAccess AccessOf(const model::Event& e, const HubStixObject& o) {
  store::StixAccess a = EventAccess(e);
  auto set_attribute = [&](const model::Attribute& at) {
    a.attribute_distribution = static_cast<int>(at.distribution);
    a.attribute_sharing_group_id = at.sharing_group_id;
  };
  auto set_object = [&](const model::Object& ob) {
    a.object_distribution = static_cast<int>(ob.distribution);
    a.object_sharing_group_id = ob.sharing_group_id;
  };
  for (const auto& at : e.attributes) {
    if (!o.attribute_uuid.empty() && at.uuid == o.attribute_uuid) set_attribute(at);
  }
  for (const auto& ob : e.objects) {
    const bool is_object = !o.object_uuid.empty() && ob.uuid == o.object_uuid;
    if (is_object) set_object(ob);
    for (const auto& at : ob.attributes) {
      if (!o.attribute_uuid.empty() && at.uuid == o.attribute_uuid) {
        set_object(ob);
        set_attribute(at);
      }
    }
  }
  return a;
}

}  // namespace

Result<int64_t> WithdrawEvent(store::StixStore& stix, model::Id event_id) {
  BW_ASSIGN_OR_RETURN(auto collections, stix.ListCollections());
  int64_t removed = 0;
  for (const auto& c : collections) {
    if (c.kind != store::CollectionKind::kHub) continue;
    BW_ASSIGN_OR_RETURN(int64_t n, stix.WithdrawEvent(c.id, event_id));
    removed += n;
  }
  return removed;
}

Result<MaterialiseStats> MaterialiseEvent(store::StixStore& stix, const EventToStix& to_stix,
                                          const model::Event& event, const std::string& hub_title,
                                          const std::string& hub_description) {
  MaterialiseStats stats;
  if (!event.published) {
    BW_ASSIGN_OR_RETURN(int64_t n, WithdrawEvent(stix, event.id));
    stats.removed = static_cast<size_t>(n);
    return stats;
  }
  if (!to_stix) return MakeError(ErrorCode::kInternal, "no EventToStix mapping is wired");
  BW_ASSIGN_OR_RETURN(store::TaxiiCollection hub, stix.EnsureHubCollection(hub_title, hub_description));
  BW_ASSIGN_OR_RETURN(std::vector<HubStixObject> objects, to_stix(event));
  BW_ASSIGN_OR_RETURN(std::vector<store::StixRow> stored, stix.LatestOfEvent(hub.id, event.id));
  std::map<std::string, std::string> latest;
  for (auto& row : stored) latest[row.stix_id] = std::move(row.json);

  std::vector<store::StixObjectInput> inputs;
  std::vector<std::pair<std::string, store::StixAccess>> access;
  std::set<std::string> produced;
  for (const HubStixObject& o : objects) {
    stix::Object obj = stix::MakeObject(o.json);
    if (!stix::IsIdentifier(obj.id) || stix::IdentifierType(obj.id) != obj.type || !produced.insert(obj.id).second) {
      ++stats.rejected;
      continue;
    }
    store::StixObjectInput in;
    in.stix_id = obj.id;
    in.type = obj.type;
    in.spec_version = obj.spec_version.empty() ? "2.1" : obj.spec_version;
    const std::string version = obj.modified.empty() ? obj.created : obj.modified;
    if (!version.empty()) {
      auto ns = TimestampNanos(version);
      if (!ns) {
        ++stats.rejected;
        continue;
      }
      in.version = version;
      in.version_ns = *ns;
    }
    in.json = boost::json::serialize(obj.json);
    in.access = AccessOf(event, o);
    access.emplace_back(in.stix_id, *in.access);
    auto it = latest.find(in.stix_id);
    if (it != latest.end() && it->second == in.json) {
      ++stats.unchanged;
      continue;
    }
    inputs.push_back(std::move(in));
  }
  for (const auto& [id, json] : latest) {
    if (produced.count(id) > 0) continue;
    BW_ASSIGN_OR_RETURN(int64_t n, stix.DeleteObject(hub.id, id, store::VersionMatch{true, false, false, {}}, {}));
    if (n > 0) ++stats.removed;
  }
  BW_RETURN_IF_ERROR(stix.SetEventAccess(hub.id, event.id, access));
  if (!inputs.empty()) {
    BW_ASSIGN_OR_RETURN(auto results, stix.AppendObjects(hub.id, inputs, nullptr));
    for (const auto& r : results) {
      if (r.outcome == store::AppendOutcome::kAdded || r.outcome == store::AppendOutcome::kReplaced) ++stats.added;
      if (r.outcome == store::AppendOutcome::kDuplicate) ++stats.unchanged;
    }
  }
  return stats;
}

}  // namespace bulwark::taxii
