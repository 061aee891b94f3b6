// MISP event -> STIX 2.1 objects.
#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "common/crypto.h"
#include "common/uuid.h"
#include "model/machine_tag.h"
#include "stix/mapping/internal.h"
#include "stix/mapping/mapping.h"
#include "stix/sco_id.h"

namespace bulwark::stix::mapping {
namespace {

namespace json = boost::json;
using internal::FlatProp;

std::string UuidOr(std::string_view uuid, std::string_view fallback_name) {
  if (IsUuid(uuid)) return NormaliseUuid(uuid);
  return UuidV5(internal::kBulwarkNamespace, fallback_name);
}

// A file's content as an artifact SCO (misp-stix's form): payload_bin in base64 with its SHA-256; a
// malware-sample's payload is MISP's encrypted zip, which the artifact says how to open.
struct FileContent {
  json::object artifact;
  std::string file_sha256;  // the SHA-256 of the file itself when the artifact holds it bare (attachment), else ""
};

FileContent MakeFileContent(std::string_view attribute_type, const AttributePayload& payload) {
  const bool sample = attribute_type == "malware-sample";
  FileContent c;
  json::object& j = c.artifact;
  j["type"] = "artifact";
  j["spec_version"] = "2.1";
  j["id"] = "";
  if (sample) {
    j["mime_type"] = "application/zip";
  } else if (!payload.mime_type.empty()) {
    j["mime_type"] = payload.mime_type;
  }
  j["payload_bin"] = Base64Encode(payload.bytes);
  const std::string sha256 = Sha256Hex(payload.bytes);
  j["hashes"] = json::object{{"SHA-256", sha256}};
  if (sample) {
    j["encryption_algorithm"] = "mime-type-indicated";
    j["decryption_key"] = "infected";
  } else {
    c.file_sha256 = sha256;
  }
  j["id"] = DeterministicScoId(j);
  return c;
}

bool IsRelationshipType(std::string_view s) {
  if (s.size() < 3 || s.size() > 250) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

class Exporter {
 public:
  Exporter(const model::Event& e, const MappingOptions& o, const ObjectSink& sink) : e_(e), o_(o), sink_(sink) {}

  Status Run() {
    if (!IsUuid(e_.uuid)) return MakeError(ErrorCode::kInvalid, "the event has no valid uuid", "uuid");
    event_uuid_ = NormaliseUuid(e_.uuid);
    event_time_ = internal::StixTime(e_.timestamp);
    BW_RETURN_IF_ERROR(EmitCreator());
    for (const auto& a : e_.attributes) {
      if (a.deleted && !o_.include_deleted) continue;
      BW_RETURN_IF_ERROR(ExportAttribute(a));
    }
    for (const auto& obj : e_.objects) {
      if (obj.deleted && !o_.include_deleted) continue;
      BW_RETURN_IF_ERROR(ExportObject(obj));
    }
    for (const auto& obj : e_.objects) {
      if (obj.deleted && !o_.include_deleted) continue;
      for (const auto& r : obj.references) {
        if (r.deleted && !o_.include_deleted) continue;
        BW_RETURN_IF_ERROR(ExportReference(obj, r));
      }
    }
    BW_RETURN_IF_ERROR(ExportSightings());
    return EmitContainer();
  }

 private:
  json::object Base(std::string_view type, std::string id, int64_t timestamp) {
    json::object j;
    j["type"] = type;
    j["spec_version"] = "2.1";
    j["id"] = std::move(id);
    j["created_by_ref"] = creator_id_;
    const std::string t = timestamp > 0 ? internal::StixTime(timestamp) : event_time_;
    j["created"] = t;
    j["modified"] = t;
    return j;
  }

  Status Emit(json::object&& j, bool referenced) {
    if (referenced) refs_.emplace_back(j["id"].as_string());
    return sink_(std::move(j));
  }

  Status EmitIdentity(const model::Organisation* org, std::string& id_out) {
    std::string uuid;
    std::string name;
    if (org != nullptr && IsUuid(org->uuid)) {
      uuid = NormaliseUuid(org->uuid);
      name = org->name.empty() ? org->uuid : org->name;
    } else {
      name = org != nullptr && !org->name.empty() ? org->name : o_.producer_name;
      uuid = UuidV5(internal::kBulwarkNamespace, "identity:" + name);
    }
    id_out = "identity--" + uuid;
    if (!identities_.insert(id_out).second) return Ok();
    json::object j;
    j["type"] = "identity";
    j["spec_version"] = "2.1";
    j["id"] = id_out;
    const std::string t = org != nullptr && org->created > 0 ? internal::StixTime(org->created) : event_time_;
    j["created"] = t;
    j["modified"] = org != nullptr && org->modified > 0 ? internal::StixTime(std::max(org->created, org->modified)) : t;
    j["name"] = name;
    j["identity_class"] = "organization";
    if (org != nullptr && !org->sector.empty()) j["sectors"] = json::array{json::string(org->sector)};
    return Emit(std::move(j), true);
  }

  Status EmitCreator() {
    const model::Organisation* org = o_.org ? o_.org(e_.orgc_id) : nullptr;
    return EmitIdentity(org, creator_id_);
  }

  bool Exportable(const model::AppliedTag& t) const { return o_.include_local_tags || !t.local; }

  // labels, object_marking_refs (and the marking definitions), galaxy SDOs + relationships from `source_id`.
  Status ApplyTags(json::object& j, const std::vector<model::AppliedTag>& tags, std::string_view source_id,
                   std::vector<std::string>* galaxy_ids) {
    json::array labels;
    json::array markings;
    for (const auto& t : tags) {
      if (!Exportable(t)) continue;
      labels.push_back(json::string(t.tag.name));
      const std::string_view level = internal::TlpLevelOfTag(t.tag.name);
      if (!level.empty()) {
        const bool tlp1 = o_.tlp == TlpVersion::kTlp1;
        const std::string_view mid = internal::TlpMarkingId(level, tlp1);
        if (markings_.insert(std::string(mid)).second) {
          BW_RETURN_IF_ERROR(Emit(internal::TlpMarkingObject(level, tlp1), true));
        }
        if (std::find(markings.begin(), markings.end(), json::value(json::string(mid))) == markings.end()) {
          markings.push_back(json::string(mid));
        }
        continue;
      }
      std::string sdo_id;
      BW_RETURN_IF_ERROR(GalaxySdo(t.tag.name, sdo_id));
      if (sdo_id.empty()) continue;
      if (galaxy_ids != nullptr) galaxy_ids->push_back(sdo_id);
      if (!source_id.empty()) BW_RETURN_IF_ERROR(GalaxyRelationship(source_id, sdo_id));
    }
    if (!labels.empty()) j["labels"] = std::move(labels);
    if (!markings.empty()) j["object_marking_refs"] = std::move(markings);
    return Ok();
  }

  Status GalaxySdo(std::string_view tag_name, std::string& id_out) {
    id_out.clear();
    auto mt = model::ParseMachineTag(tag_name);
    if (!mt || mt->ns != "misp-galaxy" || !mt->has_value()) return Ok();
    const std::string_view type = internal::GalaxySdoType(mt->predicate);
    if (type.empty()) return Ok();
    id_out = std::string(type) + "--" + UuidV5(internal::kBulwarkNamespace, "galaxy:" + mt->predicate + "=" + mt->value);
    if (!galaxies_.insert(id_out).second) return Ok();
    json::object j = Base(type, id_out, 0);
    j["name"] = mt->value;
    if (type == "malware") j["is_family"] = true;
    j["x_misp_galaxy_type"] = mt->predicate;
    return Emit(std::move(j), true);
  }

  Status GalaxyRelationship(std::string_view source_id, std::string_view target_id) {
    const std::string_view src_type = IdentifierType(source_id);
    const std::string_view tgt_type = IdentifierType(target_id);
    const bool indicates = src_type == "indicator" && tgt_type != "course-of-action" && tgt_type != "vulnerability";
    const std::string rel_type = indicates ? "indicates" : "related-to";
    const std::string uuid =
        UuidV5(internal::kBulwarkNamespace, std::string(source_id) + " " + rel_type + " " + std::string(target_id));
    json::object j = Base("relationship", "relationship--" + uuid, 0);
    j["relationship_type"] = rel_type;
    j["source_ref"] = source_id;
    j["target_ref"] = target_id;
    j["x_misp_galaxy_link"] = true;
    return Emit(std::move(j), true);
  }

  // MISP fields of one attribute as custom properties (and misp-stix's labels).
  static void AttributeProps(json::object& j, const model::Attribute& a) {
    j["x_misp_type"] = a.type;
    j["x_misp_category"] = a.category;
    j["x_misp_to_ids"] = a.to_ids;
    if (!a.comment.empty()) j["x_misp_comment"] = a.comment;
  }

  static void SeenProps(json::object& j, const std::optional<int64_t>& first, const std::optional<int64_t>& last) {
    if (first) j["x_misp_first_seen"] = internal::StixTimeMicros(*first);
    if (last) j["x_misp_last_seen"] = internal::StixTimeMicros(*last);
  }

  json::object Indicator(std::string id, int64_t timestamp, std::span<const FlatProp> flat,
                         const std::optional<int64_t>& first_seen, const std::optional<int64_t>& last_seen,
                         std::string_view category) {
    json::object j = Base("indicator", std::move(id), timestamp);
    j["pattern"] = internal::FlatToPattern(flat);
    j["pattern_type"] = "stix";
    j["pattern_version"] = "2.1";
    const int64_t from = first_seen ? *first_seen : std::max<int64_t>(timestamp, 0) * 1'000'000;
    j["valid_from"] = internal::StixTimeMicros(from);
    if (last_seen && *last_seen > from) j["valid_until"] = internal::StixTimeMicros(*last_seen);
    j["kill_chain_phases"] =
        json::array{json::object{{"kill_chain_name", "misp-category"}, {"phase_name", internal::CategoryToPhase(category)}}};
    return j;
  }

  // The artifact of a file's content, emitted once; returns its id.
  Result<std::string> EmitArtifact(FileContent& content) {
    std::string id(content.artifact["id"].as_string());
    if (scos_.insert(id).second) BW_RETURN_IF_ERROR(Emit(std::move(content.artifact), false));
    return id;
  }

  // observed-data over SCOs (emitted first, each once); nullopt when the SCOs cannot be built. With `content`,
  // the root file SCO refers to the artifact by content_ref (and carries the file's SHA-256, so that files of
  // one name with different contents get different ids); when that file SCO was already emitted without it,
  // the observed-data refers to the artifact by x_misp_attachment_ref instead.
  Result<std::optional<json::object>> ObservedData(std::string id, int64_t timestamp, std::span<const FlatProp> flat,
                                                   const std::optional<int64_t>& first_seen,
                                                   const std::optional<int64_t>& last_seen,
                                                   FileContent* content = nullptr) {
    if (content != nullptr && flat.front().object_type != "file") content = nullptr;
    std::vector<FlatProp> hashed;
    if (content != nullptr && !content->file_sha256.empty()) {
      const bool has_sha256 = std::any_of(flat.begin(), flat.end(), [](const FlatProp& f) {
        return internal::PathText(f.steps) == "hashes.SHA-256";
      });
      if (!has_sha256) {
        hashed.assign(flat.begin(), flat.end());
        internal::AddFlat(hashed, "file", "hashes.SHA-256", content->file_sha256);
        flat = hashed;
      }
    }
    auto scos = internal::BuildScos(flat);
    if (!scos) return std::optional<json::object>();
    json::object& root = scos->back();
    if (root.at("type").as_string() == "network-traffic" && !root.contains("src_ref") && !root.contains("dst_ref")) {
      return std::optional<json::object>();
    }
    std::string artifact_id;
    bool linked = false;
    if (content != nullptr) {
      BW_ASSIGN_OR_RETURN(artifact_id, EmitArtifact(*content));
      if (!scos_.count(std::string(root["id"].as_string()))) {
        root["content_ref"] = artifact_id;
        linked = true;
      }
    }
    json::array refs;
    for (auto it = scos->rbegin(); it != scos->rend(); ++it) refs.push_back((*it)["id"]);
    if (linked) refs.push_back(json::string(artifact_id));
    for (auto& sco : *scos) {
      std::string sid(sco["id"].as_string());
      if (scos_.insert(sid).second) BW_RETURN_IF_ERROR(Emit(std::move(sco), false));
    }
    json::object j = Base("observed-data", std::move(id), timestamp);
    if (content != nullptr && !linked) j["x_misp_attachment_ref"] = artifact_id;
    const int64_t from = first_seen ? *first_seen : std::max<int64_t>(timestamp, 0) * 1'000'000;
    j["first_observed"] = internal::StixTimeMicros(from);
    j["last_observed"] = internal::StixTimeMicros(last_seen && *last_seen >= from ? *last_seen : from);
    j["number_observed"] = 1;
    j["object_refs"] = std::move(refs);
    return std::optional<json::object>(std::move(j));
  }

  Status ExportAttribute(const model::Attribute& a) {
    const std::string uuid = UuidOr(a.uuid, event_uuid_ + ":attribute:" + a.type + ":" + a.Value());
    std::vector<FlatProp> flat;
    std::optional<json::object> out;
    bool mapped_value = false;
    std::optional<FileContent> content;
    if ((a.type == "attachment" || a.type == "malware-sample") && o_.attribute_data) {
      BW_ASSIGN_OR_RETURN(std::optional<AttributePayload> payload, o_.attribute_data(a));
      if (payload) content = MakeFileContent(a.type, *payload);
    }
    if (a.type == "vulnerability") {
      json::object j = Base("vulnerability", "vulnerability--" + uuid, a.timestamp);
      j["name"] = a.Value();
      if (a.value1.starts_with("CVE-")) {
        j["external_references"] = json::array{json::object{{"source_name", "cve"}, {"external_id", a.value1}}};
      }
      out = std::move(j);
      mapped_value = true;
    } else if (internal::AttributeToFlat(a.type, a.value1, a.value2, flat)) {
      if (a.to_ids) {
        out = Indicator("indicator--" + uuid, a.timestamp, flat, a.first_seen_micros, a.last_seen_micros, a.category);
      } else {
        BW_ASSIGN_OR_RETURN(out, ObservedData("observed-data--" + uuid, a.timestamp, flat, a.first_seen_micros,
                                              a.last_seen_micros, content ? &*content : nullptr));
        if (out && flat.front().object_type == "file") content.reset();  // linked by the observed-data
      }
      if (out) {
        auto back = internal::FlatToAttribute(flat, a.type);
        mapped_value = back && back->type == a.type && back->value1 == a.value1 && back->value2 == a.value2;
      }
    }
    if (!out) {
      out = Base("x-misp-attribute", "x-misp-attribute--" + uuid, a.timestamp);
      mapped_value = false;
    }
    json::object& j = *out;
    if (content) {
      // An indicator's pattern stays name and hashes; the content travels beside it (docs/stix-mapping.md).
      BW_ASSIGN_OR_RETURN(std::string artifact_id, EmitArtifact(*content));
      j["x_misp_attachment_ref"] = artifact_id;
    }
    AttributeProps(j, a);
    if (!mapped_value) j["x_misp_value"] = a.Value();
    SeenProps(j, a.first_seen_micros, a.last_seen_micros);
    std::string id(j["id"].as_string());
    std::vector<std::string> galaxy_ids;
    BW_RETURN_IF_ERROR(ApplyTags(j, a.tags, "", &galaxy_ids));
    stix_ids_[a.uuid] = id;
    if (a.id != 0) attr_by_id_[a.id] = {&a, id};
    BW_RETURN_IF_ERROR(Emit(std::move(j), true));
    for (const auto& g : galaxy_ids) BW_RETURN_IF_ERROR(GalaxyRelationship(id, g));
    return Ok();
  }

  json::object AttributeMeta(const model::Attribute& a, bool with_value, std::string_view path) {
    json::object m;
    m["uuid"] = a.uuid;
    m["object_relation"] = a.object_relation;
    m["type"] = a.type;
    m["category"] = a.category;
    m["to_ids"] = a.to_ids;
    if (!a.comment.empty()) m["comment"] = a.comment;
    if (with_value) m["value"] = a.Value();
    if (!with_value && !path.empty()) m["path"] = path;
    json::array labels;
    for (const auto& t : a.tags) {
      if (Exportable(t)) labels.push_back(json::string(t.tag.name));
    }
    if (!labels.empty()) m["labels"] = std::move(labels);
    if (a.first_seen_micros) m["first_seen"] = internal::StixTimeMicros(*a.first_seen_micros);
    if (a.last_seen_micros) m["last_seen"] = internal::StixTimeMicros(*a.last_seen_micros);
    return m;
  }

  Status ExportObject(const model::Object& o) {
    const std::string uuid = UuidOr(o.uuid, event_uuid_ + ":object:" + o.name + ":" + std::to_string(o.timestamp));
    const std::string_view root = internal::ObjectRootType(o.name);
    std::vector<const model::Attribute*> attrs;
    for (const auto& a : o.attributes) {
      if (!a.deleted || o_.include_deleted) attrs.push_back(&a);
    }
    std::vector<FlatProp> flat;
    bool mapped = !root.empty() && !attrs.empty();
    bool any_ids = false;
    internal::ObjectPathAssigner assigner(o.name);
    std::vector<std::string> paths;
    for (const auto* a : attrs) {
      if (!mapped) break;
      const std::string value = a->Value();
      paths.push_back(assigner.PathFor(a->object_relation, a->type, value));
      mapped = internal::AddFlat(flat, root, paths.back(), value);
      any_ids = any_ids || a->to_ids;
    }
    std::optional<json::object> out;
    if (mapped) {
      if (any_ids) {
        out = Indicator("indicator--" + uuid, o.timestamp, flat, o.first_seen_micros, o.last_seen_micros,
                        attrs.front()->category);
      } else {
        BW_ASSIGN_OR_RETURN(out, ObservedData("observed-data--" + uuid, o.timestamp, flat, o.first_seen_micros,
                                              o.last_seen_micros));
      }
    }
    const bool with_values = !out;
    if (!out) out = Base("x-misp-object", "x-misp-object--" + uuid, o.timestamp);
    json::object& j = *out;
    j["x_misp_name"] = o.name;
    if (!o.meta_category.empty()) j["x_misp_meta_category"] = o.meta_category;
    if (!o.comment.empty()) j["x_misp_comment"] = o.comment;
    if (!o.template_uuid.empty()) j["x_misp_template_uuid"] = o.template_uuid;
    if (!o.template_version.empty()) j["x_misp_template_version"] = o.template_version;
    SeenProps(j, o.first_seen_micros, o.last_seen_micros);
    json::array meta;
    for (size_t i = 0; i < attrs.size(); ++i) {
      meta.push_back(AttributeMeta(*attrs[i], with_values, i < paths.size() ? std::string_view(paths[i]) : ""));
    }
    j["x_misp_attributes"] = std::move(meta);
    json::array labels{json::string("misp:name=\"" + o.name + "\"")};
    if (!o.meta_category.empty()) labels.push_back(json::string("misp:meta-category=\"" + o.meta_category + "\""));
    j["labels"] = std::move(labels);
    std::string id(j["id"].as_string());
    stix_ids_[o.uuid] = id;
    for (const auto* a : attrs) {
      stix_ids_[a->uuid] = id;
      if (a->id != 0) attr_by_id_[a->id] = {a, id};
    }
    BW_RETURN_IF_ERROR(Emit(std::move(j), true));
    // Galaxy tags of the object's attributes link the object to their SDOs.
    for (const auto* a : attrs) {
      json::object scratch;
      std::vector<std::string> galaxy_ids;
      BW_RETURN_IF_ERROR(ApplyTags(scratch, a->tags, "", &galaxy_ids));
      for (const auto& g : galaxy_ids) BW_RETURN_IF_ERROR(GalaxyRelationship(id, g));
    }
    return Ok();
  }

  Status ExportReference(const model::Object& o, const model::ObjectReference& r) {
    auto src = stix_ids_.find(o.uuid);
    auto tgt = stix_ids_.find(r.referenced_uuid);
    if (src == stix_ids_.end() || tgt == stix_ids_.end()) return Ok();  // points outside the event
    const std::string uuid = UuidOr(r.uuid, src->second + " " + r.relationship_type + " " + tgt->second);
    json::object j = Base("relationship", "relationship--" + uuid, r.timestamp);
    const bool valid = IsRelationshipType(r.relationship_type);
    j["relationship_type"] = valid ? r.relationship_type : "related-to";
    j["source_ref"] = src->second;
    j["target_ref"] = tgt->second;
    j["x_misp_source_uuid"] = o.uuid;
    j["x_misp_referenced_uuid"] = r.referenced_uuid;
    if (!valid) j["x_misp_relationship_type"] = r.relationship_type;
    if (!r.comment.empty()) j["x_misp_comment"] = r.comment;
    return Emit(std::move(j), true);
  }

  Status ExportSightings() {
    struct Group {
      int64_t first = INT64_MAX;
      int64_t last = 0;
      int64_t count = 0;
    };
    // (attribute id, org id, type) -> aggregate, in a stable order.
    std::map<std::tuple<model::Id, model::Id, int>, Group> groups;
    for (const auto& s : o_.sightings) {
      if (!attr_by_id_.count(s.attribute_id)) continue;
      auto& g = groups[{s.attribute_id, s.org_id, static_cast<int>(s.type)}];
      g.first = std::min(g.first, s.date_sighting);
      g.last = std::max(g.last, s.date_sighting);
      ++g.count;
    }
    for (const auto& [key, g] : groups) {
      const auto& [attr_id, org_id, type] = key;
      const auto& [attr, stix_id] = attr_by_id_[attr_id];
      const model::Organisation* org = o_.org ? o_.org(org_id) : nullptr;
      std::string where;
      BW_RETURN_IF_ERROR(EmitIdentity(org, where));
      const std::string uuid = UuidV5(internal::kBulwarkNamespace, "sighting:" + attr->uuid + ":" + where + ":" +
                                                                       std::to_string(type));
      json::object j = Base("sighting", "sighting--" + uuid, g.last);
      j["sighting_of_ref"] = stix_id;
      j["count"] = std::min<int64_t>(g.count, 999999999);
      j["first_seen"] = internal::StixTime(g.first);
      j["last_seen"] = internal::StixTime(g.last);
      j["where_sighted_refs"] = json::array{json::string(where)};
      j["x_misp_attribute_uuid"] = attr->uuid;
      if (type == 1) j["x_misp_sighting_type"] = "false-positive";
      if (type == 2) j["x_misp_sighting_type"] = "expiration";
      BW_RETURN_IF_ERROR(Emit(std::move(j), true));
    }
    return Ok();
  }

  Status EmitContainer() {
    const bool report = o_.container == Container::kReport;
    json::object j = Base(report ? "report" : "grouping", (report ? "report--" : "grouping--") + event_uuid_, e_.timestamp);
    j["name"] = e_.info.empty() ? std::string("MISP event ") + event_uuid_ : e_.info;
    if (report) {
      j["report_types"] = json::array{"threat-report"};
      j["published"] = internal::StixTime(e_.publish_timestamp > 0 ? e_.publish_timestamp : e_.timestamp);
    } else {
      j["context"] = "suspicious-activity";
    }
    std::vector<std::string> galaxy_ids;
    BW_RETURN_IF_ERROR(ApplyTags(j, e_.tags, "", &galaxy_ids));
    json::array refs;
    refs.reserve(refs_.size());
    for (auto& r : refs_) refs.push_back(json::string(std::move(r)));
    j["object_refs"] = std::move(refs);
    j["x_misp_date"] = e_.date;
    j["x_misp_threat_level_id"] = static_cast<int>(e_.threat_level);
    j["x_misp_analysis"] = static_cast<int>(e_.analysis);
    j["x_misp_published"] = e_.published;
    return sink_(std::move(j));
  }

  const model::Event& e_;
  const MappingOptions& o_;
  const ObjectSink& sink_;
  std::string event_uuid_;
  std::string event_time_;
  std::string creator_id_;
  std::vector<std::string> refs_;
  std::unordered_set<std::string> scos_, markings_, galaxies_, identities_;
  std::unordered_map<std::string, std::string> stix_ids_;  // MISP uuid -> STIX id
  std::unordered_map<model::Id, std::pair<const model::Attribute*, std::string>> attr_by_id_;
};

}  // namespace

Status StreamEventToStix(const model::Event& event, const MappingOptions& options, const ObjectSink& sink) {
  Exporter exporter(event, options, sink);
  return exporter.Run();
}

Result<std::vector<boost::json::object>> EventToStix(const model::Event& event, const MappingOptions& options) {
  std::vector<boost::json::object> out;
  BW_RETURN_IF_ERROR(StreamEventToStix(event, options, [&](boost::json::object&& o) -> Status {
    out.push_back(std::move(o));
    return Ok();
  }));
  return out;
}

boost::json::object MakeBundle(std::string_view event_uuid, std::vector<boost::json::object> objects) {
  boost::json::object b;
  b["type"] = "bundle";
  b["id"] = "bundle--" + UuidV5(internal::kBulwarkNamespace, "bundle:" + std::string(event_uuid));
  boost::json::array arr;
  arr.reserve(objects.size());
  for (auto& o : objects) arr.push_back(std::move(o));
  b["objects"] = std::move(arr);
  return b;
}

}  // namespace bulwark::stix::mapping
