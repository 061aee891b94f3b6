// model -> MISP JSON, in MISP 2.4/2.5's exact shapes and key order (see misp_json.h).
#include <boost/json/parse.hpp>
#include <string>

#include "common/clock.h"
#include "misp/misp_json.h"
#include "misp/misp_write.h"

namespace bulwark::misp {
namespace {

json::string Str(int64_t n) { return json::string(std::to_string(n)); }
json::string Str(model::Distribution d) { return Str(static_cast<int64_t>(d)); }

json::value DateTimeOrNull(int64_t epoch_seconds) {
  if (epoch_seconds == 0) return nullptr;
  return json::string(FormatDateTime(epoch_seconds));
}

// The tree of JSON text written by misp_write.cc. That text is always valid, so parsing cannot fail.
template <typename Writer, typename... Args>
json::object Parsed(Writer write, const Args&... args) {
  std::string text;
  write(text, args...);
  return json::parse(text).as_object();
}

// Event.Org / Event.Orgc: the brief form when the org is known, else just the id.
json::object OrgBriefById(model::Id id, const RenderContext& ctx) {
  const model::Organisation* org = ctx.org ? ctx.org(id) : nullptr;
  if (org != nullptr) return RenderOrganisationBrief(*org);
  json::object o;
  o["id"] = Str(id);
  return o;
}

// The header keys shared by events/view and events/index, in MISP's order.
void RenderEventHeader(const model::Event& e, json::object& o) {
  o["id"] = Str(e.id);
  o["orgc_id"] = Str(e.orgc_id);
  o["org_id"] = Str(e.org_id);
  o["date"] = e.date;
  o["threat_level_id"] = Str(static_cast<int64_t>(e.threat_level));
  o["info"] = e.info;
  o["published"] = e.published;
  o["uuid"] = e.uuid;
  o["attribute_count"] = Str(e.attribute_count);
  o["analysis"] = Str(static_cast<int64_t>(e.analysis));
  o["timestamp"] = Str(e.timestamp);
  o["distribution"] = Str(e.distribution);
  o["proposal_email_lock"] = false;
  o["locked"] = e.locked;
  o["publish_timestamp"] = Str(e.publish_timestamp);
  o["sharing_group_id"] = Str(e.sharing_group_id);
  o["disable_correlation"] = e.disable_correlation;
  o["extends_uuid"] = e.extends_uuid;
  o["protected"] = e.protected_event;
}

const model::SharingGroup* EventSharingGroup(const model::Event& e, const RenderContext& ctx) {
  if (e.distribution != model::Distribution::kSharingGroup || !ctx.sharing_group) return nullptr;
  return ctx.sharing_group(e.sharing_group_id);
}

}  // namespace

std::string FormatMicrosIso(int64_t epoch_micros) {
  std::string s = FormatRfc3339Micros(epoch_micros);
  if (!s.empty() && s.back() == 'Z') {
    s.pop_back();
    s += "+00:00";
  }
  return s;
}

std::string FormatDateTime(int64_t epoch_seconds) {
  std::string s = FormatRfc3339Micros(epoch_seconds * 1'000'000);
  // "YYYY-MM-DDTHH:MM:SS.ffffffZ" -> "YYYY-MM-DD HH:MM:SS"
  auto t = s.find('T');
  if (t == std::string::npos || s.size() < t + 9) return s;
  s[t] = ' ';
  return s.substr(0, t + 9);
}

json::object RenderOrganisationBrief(const model::Organisation& org) {
  json::object o;
  o["id"] = Str(org.id);
  o["name"] = org.name;
  o["uuid"] = org.uuid;
  o["local"] = org.local;
  return o;
}

json::object RenderOrganisation(const model::Organisation& org) {
  json::object o;
  o["id"] = Str(org.id);
  o["name"] = org.name;
  o["date_created"] = DateTimeOrNull(org.created);
  o["date_modified"] = DateTimeOrNull(org.modified);
  o["description"] = org.description;
  o["type"] = org.type;
  o["nationality"] = org.nationality;
  o["sector"] = org.sector;
  o["uuid"] = org.uuid;
  o["contacts"] = org.contacts;
  o["local"] = org.local;
  o["restricted_to_domain"] = json::array();
  return o;
}

json::object RenderTag(const model::Tag& t) { return Parsed(WriteTag, t); }
json::object RenderAppliedTag(const model::AppliedTag& t) { return Parsed(WriteAppliedTag, t); }
json::object RenderAttribute(const model::Attribute& a, const model::Event* event) {
  return Parsed(WriteAttribute, a, event);
}
json::object RenderEventAttribute(const model::Attribute& a) { return Parsed(WriteEventAttribute, a); }
json::object RenderObject(const model::Object& obj, const RenderContext& ctx) {
  return Parsed(WriteObject, obj, ctx.include_attributes);
}
json::object RenderEventObject(const model::Object& obj) { return Parsed(WriteObject, obj, true); }
json::object RenderObjectReference(const model::ObjectReference& r) { return Parsed(WriteObjectReference, r); }

json::object RenderEvent(const model::Event& e, const RenderContext& ctx) {
  if (ctx.include_attributes) return Parsed(WriteEvent, e, ctx);
  json::object o;
  RenderEventHeader(e, o);
  if (ctx.user_email && e.user_id != 0) {
    std::string email = ctx.user_email(e.user_id);
    if (!email.empty()) o["event_creator_email"] = email;
  }
  o["Org"] = OrgBriefById(e.org_id, ctx);
  o["Orgc"] = OrgBriefById(e.orgc_id, ctx);
  o["Attribute"] = json::array();  // WriteEvent puts the children in
  o["ShadowAttribute"] = json::array();
  o["RelatedEvent"] = json::array();
  o["Galaxy"] = json::array();
  o["Object"] = json::array();
  o["EventReport"] = json::array();
  o["CryptographicKey"] = json::array();
  if (!e.tags.empty()) {
    json::array tags;
    for (const model::AppliedTag& t : e.tags) tags.emplace_back(RenderAppliedTag(t));
    o["Tag"] = std::move(tags);
  }
  if (const model::SharingGroup* sg = EventSharingGroup(e, ctx)) o["SharingGroup"] = RenderSharingGroup(*sg, ctx);
  return o;
}

json::object RenderEventIndexEntry(const model::Event& e, const RenderContext& ctx) {
  json::object o;
  RenderEventHeader(e, o);
  o["sighting_timestamp"] = Str(e.sighting_timestamp);
  o["Org"] = OrgBriefById(e.org_id, ctx);
  o["Orgc"] = OrgBriefById(e.orgc_id, ctx);
  json::array event_tags;
  for (const model::AppliedTag& t : e.tags) {
    json::object et;
    et["id"] = "0";  // the event_tags row id is not part of the model
    et["event_id"] = Str(e.id);
    et["tag_id"] = Str(t.tag.id);
    et["local"] = t.local;
    et["Tag"] = RenderTag(t.tag);
    event_tags.emplace_back(std::move(et));
  }
  o["EventTag"] = std::move(event_tags);
  if (const model::SharingGroup* sg = EventSharingGroup(e, ctx)) {
    json::object brief;
    brief["id"] = Str(sg->id);
    brief["name"] = sg->name;
    brief["uuid"] = sg->uuid;
    o["SharingGroup"] = std::move(brief);
  }
  return o;
}

json::object RenderSighting(const model::Sighting& s, const model::Organisation* org) {
  json::object o;
  o["id"] = Str(s.id);
  o["attribute_id"] = Str(s.attribute_id);
  o["event_id"] = Str(s.event_id);
  o["org_id"] = Str(s.org_id);
  o["date_sighting"] = Str(s.date_sighting);
  o["uuid"] = s.uuid;
  o["source"] = s.source;
  o["type"] = Str(static_cast<int64_t>(s.type));
  if (org != nullptr) {
    json::object brief;
    brief["id"] = Str(org->id);
    brief["uuid"] = org->uuid;
    brief["name"] = org->name;
    o["Organisation"] = std::move(brief);
  }
  return o;
}

json::object RenderUser(const model::User& u) {
  json::object o;
  o["id"] = Str(u.id);
  o["org_id"] = Str(u.org_id);
  o["server_id"] = "0";
  o["email"] = u.email;
  o["autoalert"] = false;
  o["invited_by"] = "0";
  o["gpgkey"] = nullptr;
  o["certif_public"] = "";
  o["nids_sid"] = "0";
  o["termsaccepted"] = false;
  o["newsread"] = "0";
  o["role_id"] = Str(u.role_id);
  o["change_pw"] = "0";
  o["contactalert"] = false;
  o["disabled"] = u.disabled;
  o["expiration"] = nullptr;
  o["current_login"] = "0";
  o["last_login"] = "0";
  o["force_logout"] = false;
  o["date_created"] = Str(u.created);
  o["date_modified"] = Str(u.modified);
  return o;
}

json::object RenderRole(const model::Role& r) {
  using model::Permission;
  static constexpr std::pair<const char*, Permission> kFlags[] = {
      {"perm_add", Permission::kAdd},
      {"perm_modify", Permission::kModify},
      {"perm_modify_org", Permission::kModifyOrg},
      {"perm_publish", Permission::kPublish},
      {"perm_delegate", Permission::kDelegate},
      {"perm_sync", Permission::kSync},
      {"perm_admin", Permission::kAdmin},
      {"perm_audit", Permission::kAudit},
      {"perm_auth", Permission::kAuth},
      {"perm_site_admin", Permission::kSiteAdmin},
      {"perm_regexp_access", Permission::kRegexpAccess},
      {"perm_tagger", Permission::kTagger},
      {"perm_template", Permission::kTemplate},
      {"perm_sharing_group", Permission::kSharingGroup},
      {"perm_tag_editor", Permission::kTagEditor},
      {"perm_sighting", Permission::kSighting},
      {"perm_object_template", Permission::kObjectTemplate},
      {"perm_galaxy_editor", Permission::kGalaxyEditor},
      {"perm_warninglist", Permission::kWarninglist},
      {"perm_decaying", Permission::kDecaying},
  };
  json::object o;
  o["id"] = Str(r.id);
  o["name"] = r.name;
  o["created"] = DateTimeOrNull(r.created);
  o["modified"] = DateTimeOrNull(r.modified);
  for (const auto& [key, perm] : kFlags) o[key] = model::Has(r.permissions, perm);
  o["default_role"] = r.default_role;
  return o;
}

json::object RenderSharingGroup(const model::SharingGroup& sg, const RenderContext& ctx) {
  const model::Organisation* creator = ctx.org ? ctx.org(sg.org_id) : nullptr;
  json::object o;
  o["id"] = Str(sg.id);
  o["name"] = sg.name;
  o["releasability"] = sg.releasability;
  o["description"] = sg.description;
  o["uuid"] = sg.uuid;
  o["organisation_uuid"] = creator != nullptr ? creator->uuid : std::string();
  o["org_id"] = Str(sg.org_id);
  o["sync_user_id"] = "0";
  o["active"] = sg.active;
  o["created"] = DateTimeOrNull(sg.created);
  o["modified"] = DateTimeOrNull(sg.modified);
  o["local"] = sg.local;
  o["roaming"] = sg.roaming;
  if (creator != nullptr) o["Organisation"] = RenderOrganisationBrief(*creator);
  json::array orgs;
  for (const model::SharingGroupOrg& m : sg.orgs) {
    json::object so;
    so["sharing_group_id"] = Str(sg.id);
    so["org_id"] = Str(m.org_id);
    so["extend"] = m.extend;
    so["Organisation"] = OrgBriefById(m.org_id, ctx);
    orgs.emplace_back(std::move(so));
  }
  o["SharingGroupOrg"] = std::move(orgs);
  json::array servers;
  for (const model::SharingGroupServer& s : sg.servers) {
    json::object ss;
    ss["sharing_group_id"] = Str(sg.id);
    ss["server_id"] = Str(s.server_id);
    ss["all_orgs"] = s.all_orgs;
    servers.emplace_back(std::move(ss));
  }
  o["SharingGroupServer"] = std::move(servers);
  return o;
}

json::object RenderAuditEntry(const model::AuditEntry& a) {
  json::object o;
  o["id"] = Str(a.id);
  o["created"] = FormatDateTime(a.created_micros / 1'000'000);
  o["user_id"] = Str(a.user_id);
  o["org_id"] = Str(a.org_id);
  o["ip"] = a.ip;
  o["action"] = a.action;
  o["model"] = a.model;
  o["model_id"] = Str(a.model_id);
  o["model_uuid"] = a.model_uuid;
  o["model_title"] = a.title;
  if (a.change.empty()) {
    o["change"] = nullptr;
  } else {
    boost::system::error_code ec;
    json::value change = json::parse(a.change, ec);
    if (ec) {
      o["change"] = a.change;
    } else {
      o["change"] = std::move(change);
    }
  }
  return o;
}

}  // namespace bulwark::misp
