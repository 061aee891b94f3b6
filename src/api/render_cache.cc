#include "api/render_cache.h"

namespace bulwark::api {

misp::RenderContext RenderCache::Context(bool include_attributes) {
  misp::RenderContext ctx;
  ctx.org = [this](model::Id id) { return Org(id); };
  ctx.sharing_group = [this](model::Id id) { return SharingGroup(id); };
  ctx.include_attributes = include_attributes;
  return ctx;
}

const model::Organisation* RenderCache::Org(model::Id id) {
  auto it = orgs_.find(id);
  if (it == orgs_.end()) {
    auto r = hub_.GetOrganisation(id);
    it = orgs_.emplace(id, r.ok() ? std::move(r).value() : std::nullopt).first;
  }
  return it->second ? &*it->second : nullptr;
}

const model::SharingGroup* RenderCache::SharingGroup(model::Id id) {
  auto it = sgs_.find(id);
  if (it == sgs_.end()) {
    auto r = hub_.GetSharingGroup(id);
    it = sgs_.emplace(id, r.ok() ? std::move(r).value() : std::nullopt).first;
  }
  return it->second ? &*it->second : nullptr;
}

}  // namespace bulwark::api
