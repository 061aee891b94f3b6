#include "hub/hub.h"

#include <charconv>
#include <mutex>

#include "access/roles.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "hub/hub_impl.h"
#include "hub/internal.h"
#include "hub/sample_zip.h"
#include "model/attribute_types.h"
#include "model/value.h"

namespace bulwark::hub {

using namespace internal;

Hub::Hub(store::Store& store, const Clock& clock, HubOptions options, Logger log, Metrics* metrics)
    : store_(store), clock_(clock), options_(options), log_(std::move(log)), impl_(std::make_unique<Impl>(metrics)) {
  impl_->SetAttachmentDir(options_.attachment_dir);
}

Hub::~Hub() = default;

Status Hub::ReloadLibrary() { return impl_->Reload(store_); }

std::shared_ptr<warninglist::WarninglistSnapshot> Hub::WarninglistSnapshot() {
  return impl_->Warninglists(store_, log_);
}

std::shared_ptr<const warninglist::WarninglistSet> Hub::Warninglists() { return WarninglistSnapshot()->Get(); }

std::shared_ptr<const lifecycle::Evaluator> Hub::LifecycleEvaluator() const { return impl_->library()->lifecycle; }

Result<Hub::Lifecycle> Hub::AttributeLifecycle(const Principal& p, const model::Event& event,
                                               const model::Attribute& attribute,
                                               std::shared_ptr<const lifecycle::Evaluator> evaluator) {
  std::vector<model::Sighting> sightings;
  if (attribute.id != 0) {
    store::SightingQuery q;
    q.attribute_ids.push_back(attribute.id);
    BW_RETURN_IF_ERROR(store_.Read([&](store::ReadTxn& txn) -> Status {
      BW_ASSIGN_OR_RETURN(sightings, txn.ListSightings(q));
      return Ok();
    }));
    std::erase_if(sightings, [&](const model::Sighting& s) { return !access::CanSeeSighting(p, event, s); });
  }
  Lifecycle out;
  out.evaluator = evaluator ? std::move(evaluator) : LifecycleEvaluator();
  out.evaluation = out.evaluator->Evaluate(event, attribute, sightings, clock_.NowSeconds());
  return out;
}

Result<Principal> Hub::Authenticate(std::string_view api_key) {
  auto bad = [] {
    return MakeError(ErrorCode::kUnauthenticated,
                     "authentication failed: send a valid 40-character API key in the Authorization header");
  };
  if (api_key.size() != 40) return bad();
  for (char c : api_key) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return bad();
  }
  const std::string hash = Sha256Hex(api_key);
  Principal p;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(auto key, txn.FindApiKeyByHash(hash));
    if (!key || !ConstantTimeEquals(key->key_hash, hash)) return bad();
    if (key->expiration && *key->expiration <= clock_.NowSeconds()) {
      return MakeError(ErrorCode::kUnauthenticated, "this API key has expired: ask an administrator for a new one");
    }
    BW_ASSIGN_OR_RETURN(auto user, txn.GetUser(key->user_id));
    if (!user || user->disabled) return MakeError(ErrorCode::kUnauthenticated, "the user of this API key is disabled");
    BW_ASSIGN_OR_RETURN(auto org, txn.GetOrganisation(user->org_id));
    BW_ASSIGN_OR_RETURN(auto role, txn.GetRole(user->role_id));
    if (!org || !role) return MakeError(ErrorCode::kInternal, "user has no organisation or role");
    BW_ASSIGN_OR_RETURN(p.sharing_group_ids, txn.SharingGroupIdsForOrg(org->id));
    std::sort(p.sharing_group_ids.begin(), p.sharing_group_ids.end());
    p.user = std::move(*user);
    p.org = std::move(*org);
    p.role = std::move(*role);
    p.read_only = key->read_only;
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  if (!model::Has(p.role.permissions, model::Permission::kAuth) &&
      !model::Has(p.role.permissions, model::Permission::kSiteAdmin)) {
    return MakeError(ErrorCode::kForbidden, "your role does not allow API access (perm_auth)");
  }
  return p;
}

Status Hub::EnsureDefaultRoles() {
  return store_.Write([&](store::WriteTxn& txn) -> Status {
    for (auto role : access::DefaultRoles()) {
      BW_ASSIGN_OR_RETURN(auto existing, txn.GetRole(role.id));
      if (existing) continue;
      role.created = role.modified = clock_.NowSeconds();
      BW_RETURN_IF_ERROR(txn.InsertRole(role));
    }
    return Ok();
  });
}

Result<CreatedKey> Hub::CreateSiteAdmin(const std::string& org_name, const std::string& email) {
  BW_RETURN_IF_ERROR(internal::ValidateEmail(email));
  if (org_name.empty() || org_name.size() > 255) {
    return MakeError(ErrorCode::kInvalid, "the organisation needs a name of 1 to 255 characters", "org");
  }
  BW_RETURN_IF_ERROR(EnsureDefaultRoles());
  CreatedKey created;
  const int64_t now = clock_.NowSeconds();
  Status st = store_.Write([&](store::WriteTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(auto org, txn.FindOrganisationByName(org_name));
    if (!org) {
      model::Organisation o;
      o.uuid = NewUuidV4();
      o.name = org_name;
      o.type = "CERT";
      o.local = true;
      o.created = o.modified = now;
      BW_RETURN_IF_ERROR(txn.InsertOrganisation(o));
      org = o;
    }
    model::User u;
    u.email = email;
    u.org_id = org->id;
    u.role_id = access::kRoleSiteAdmin;
    u.created = u.modified = now;
    BW_RETURN_IF_ERROR(txn.InsertUser(u));
    created.clear_key = NewApiKey();
    created.key.uuid = NewUuidV4();
    created.key.user_id = u.id;
    created.key.key_hash = Sha256Hex(created.clear_key);
    created.key.key_start = created.clear_key.substr(0, 4);
    created.key.key_end = created.clear_key.substr(36);
    created.key.comment = "created by bulwark init";
    created.key.created = now;
    BW_RETURN_IF_ERROR(txn.InsertApiKey(created.key));
    model::AuditEntry a;
    a.created_micros = clock_.NowMicros();
    a.user_id = u.id;
    a.org_id = org->id;
    a.action = "add";
    a.model = "User";
    a.model_id = u.id;
    a.title = "Site admin " + email + " created by init";
    return txn.AppendAudit(a);
  });
  if (!st.ok()) return std::move(st).error();
  return created;
}

Result<std::optional<model::Organisation>> Hub::GetOrganisation(Id id) {
  std::optional<model::Organisation> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, txn.GetOrganisation(id));
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

Result<std::optional<model::SharingGroup>> Hub::GetSharingGroup(Id id) {
  std::optional<model::SharingGroup> out;
  Status st = store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(out, txn.GetSharingGroup(id));
    return Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

namespace internal {

bool ParseId(std::string_view s, Id& out) {
  if (s.empty() || s.size() > 18) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && out > 0;
}

Result<model::Event> FindVisibleEvent(store::ReadTxn& txn, const Principal& p, std::string_view ref) {
  BW_ASSIGN_OR_RETURN(auto event, LookupRef<model::Event>(
                                      ref, "an event", [&](Id id) { return txn.GetEvent(id); },
                                      [&](const std::string& uuid) { return txn.FindEventByUuid(uuid); }));
  if (!event || !access::CanSeeEvent(p, *event)) return NotFound("event", ref);
  return std::move(*event);
}

Result<model::Attribute> BuildAttribute(const misp::AttributeInput& in, const model::Event& event,
                                        const HubOptions& options, int64_t now) {
  model::Attribute a = in.attribute;
  const auto& types = model::AttributeTypes::Get();
  if (a.type.empty()) return MakeError(ErrorCode::kInvalid, "an attribute needs a type", "type");
  const model::AttributeTypeInfo* info = types.Find(a.type);
  if (info == nullptr) {
    return MakeError(ErrorCode::kInvalid, "unknown attribute type '" + a.type.substr(0, 64) +
                                              "': see /attributes/describeTypes.json for the valid types", "type");
  }
  if (a.category.empty()) {
    a.category = std::string(info->default_category);
  } else if (!types.IsValidCategory(a.category)) {
    return MakeError(ErrorCode::kInvalid, "unknown category '" + a.category.substr(0, 64) + "'", "category");
  } else if (!types.CategoryAllows(a.category, a.type)) {
    return MakeError(ErrorCode::kInvalid,
                     "type '" + a.type + "' is not allowed in category '" + a.category + "'", "category");
  }
  if (!in.present.count("value")) return MakeError(ErrorCode::kInvalid, "an attribute needs a value", "value");
  std::string raw = in.raw_value;
  if (a.type == "malware-sample" && !in.data.empty()) {
    // Checked here, before any byte is stored; the bytes are kept by Hub::Impl::StageAttachment (attachments.cc).
    const SampleUpload upload = in.encrypt ? SampleUpload::kRawFile : SampleUpload::kDetect;
    BW_ASSIGN_OR_RETURN(std::string bytes, StoredAttributeData(in.data, a.type, upload));
    // PyMISP uploads a sample as value "name" plus base64 data; MISP's value is "name|md5 of the sample".
    if (raw.find('|') == std::string::npos) raw += "|" + Md5Hex(bytes);
  }
  BW_ASSIGN_OR_RETURN(model::NormalisedValue v, model::NormaliseValue(a.type, raw));
  a.value1 = std::move(v.value1);
  a.value2 = std::move(v.value2);
  if (!in.present.count("to_ids")) a.to_ids = info->default_to_ids;
  if (!in.present.count("distribution")) a.distribution = options.default_attribute_distribution;
  if (a.distribution != model::Distribution::kSharingGroup) a.sharing_group_id = 0;
  if (a.uuid.empty()) a.uuid = NewUuidV4();
  if (!in.has_timestamp || a.timestamp <= 0) a.timestamp = now;
  if (a.first_seen_micros && a.last_seen_micros && *a.first_seen_micros > *a.last_seen_micros) {
    return MakeError(ErrorCode::kInvalid, "last_seen is before first_seen", "last_seen");
  }
  a.event_id = event.id;
  a.id = 0;
  return a;
}

bool CarriesData(std::string_view type) { return type == "attachment" || type == "malware-sample"; }

misp::AttributeInput MergeAttributeInput(const model::Attribute& current, const misp::AttributeInput& input) {
  const auto& in = input.attribute;
  const auto& has = input.present;
  misp::AttributeInput merged;
  merged.attribute = current;
  merged.raw_value = has.count("value") ? input.raw_value : current.Value();
  // New data for a malware-sample whose value the request leaves alone: BuildAttribute recomputes "name|md5" from
  // the new bytes, as on add (the stored md5 names the old bytes).
  if (!has.count("value") && !input.data.empty() && current.type == "malware-sample") merged.raw_value = current.value1;
  merged.present = {"value", "to_ids", "distribution"};
  merged.tags = input.tags;
  merged.data = input.data;  // new data replaces the stored data; none keeps it
  merged.encrypt = input.encrypt;
  if (has.count("type")) merged.attribute.type = in.type;
  if (has.count("category")) merged.attribute.category = in.category;
  if (has.count("to_ids")) merged.attribute.to_ids = in.to_ids;
  if (has.count("distribution")) {
    merged.attribute.distribution = in.distribution;
    merged.attribute.sharing_group_id = in.sharing_group_id;
  }
  if (has.count("sharing_group_id")) merged.attribute.sharing_group_id = in.sharing_group_id;
  if (has.count("comment")) merged.attribute.comment = in.comment;
  if (has.count("disable_correlation")) merged.attribute.disable_correlation = in.disable_correlation;
  if (has.count("first_seen")) merged.attribute.first_seen_micros = in.first_seen_micros;
  if (has.count("last_seen")) merged.attribute.last_seen_micros = in.last_seen_micros;
  if (has.count("deleted")) merged.attribute.deleted = in.deleted;
  merged.has_timestamp = input.has_timestamp;
  merged.attribute.timestamp = input.has_timestamp ? in.timestamp : 0;
  return merged;
}

Status Audit(store::WriteTxn& txn, const Principal& p, int64_t now_micros, std::string action, std::string model,
             Id model_id, std::string uuid, std::string title) {
  model::AuditEntry a;
  a.created_micros = now_micros;
  a.user_id = p.user.id;
  a.org_id = p.org.id;
  a.action = std::move(action);
  a.model = std::move(model);
  a.model_id = model_id;
  a.model_uuid = std::move(uuid);
  a.title = std::move(title);
  return txn.AppendAudit(a);
}

Status CheckSharingGroup(store::ReadTxn& txn, const Principal& p, model::Distribution d, Id sg,
                         std::string_view field) {
  if (d != model::Distribution::kSharingGroup) return Ok();
  if (sg <= 0) {
    return MakeError(ErrorCode::kInvalid, "distribution 4 (sharing group) needs a sharing_group_id",
                     std::string(field));
  }
  BW_ASSIGN_OR_RETURN(auto group, txn.GetSharingGroup(sg));
  if (!group || !access::CanSeeSharingGroup(p, *group)) {
    return MakeError(ErrorCode::kInvalid, "sharing group " + std::to_string(sg) + " does not exist or is not yours to use",
                     std::string(field));
  }
  return Ok();
}

}  // namespace internal
}  // namespace bulwark::hub
