// Per-request lookups for rendering: organisations and sharing groups by id, fetched once each.
#pragma once

#include <map>
#include <optional>

#include "hub/hub.h"
#include "misp/misp_json.h"

namespace bulwark::api {

class RenderCache {
 public:
  explicit RenderCache(hub::Hub& hub) : hub_(hub) {}
  misp::RenderContext Context(bool include_attributes = true);

 private:
  const model::Organisation* Org(model::Id id);
  const model::SharingGroup* SharingGroup(model::Id id);
  hub::Hub& hub_;
  std::map<model::Id, std::optional<model::Organisation>> orgs_;
  std::map<model::Id, std::optional<model::SharingGroup>> sgs_;
};

}  // namespace bulwark::api
