#include "feeds/feed_writer.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include <boost/json.hpp>

#include "common/crypto.h"
#include "common/durable_file.h"
#include "hub/sample_zip.h"

namespace bulwark::feeds {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr size_t kProgressEvery = 1'000;

// A file written through a temporary name and renamed into place by Commit().
class AtomicFile {
 public:
  explicit AtomicFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {}
  ~AtomicFile() {
    if (f_ != nullptr) {
      std::fclose(f_);
      std::remove(tmp_.c_str());
    }
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status Open() {
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (f_ == nullptr) return MakeError(ErrorCode::kInternal, "cannot write " + tmp_);
    return Ok();
  }
  Status Write(std::string_view s) {
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) return MakeError(ErrorCode::kInternal, "cannot write " + tmp_);
    return Ok();
  }
  // Flushed and synced before the rename, and the directory after it: a feed file is whole or absent after a
  // crash or power loss, never present but empty.
  Status Commit() {
    const bool ok = std::fflush(f_) == 0 && fdatasync(fileno(f_)) == 0;
    const bool closed = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok || !closed) return MakeError(ErrorCode::kInternal, "cannot write " + tmp_);
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0) return MakeError(ErrorCode::kInternal, "cannot rename " + tmp_);
    return SyncDirectory(std::filesystem::path(path_).parent_path().string());
  }

 private:
  std::string path_;
  std::string tmp_;
  std::FILE* f_ = nullptr;
};

bool Exportable(const model::AppliedTag& t) { return !t.local && t.tag.exportable && !t.tag.local_only; }

json::array Tags(const std::vector<model::AppliedTag>& tags) {
  json::array out;
  for (const auto& t : tags) {
    if (!Exportable(t)) continue;
    json::object o;
    o["name"] = t.tag.name;
    o["colour"] = t.tag.colour;
    out.push_back(std::move(o));
  }
  return out;
}

void Seen(json::object& o, const std::optional<int64_t>& first, const std::optional<int64_t>& last) {
  if (first) o["first_seen"] = misp::FormatMicrosIso(*first);
  if (last) o["last_seen"] = misp::FormatMicrosIso(*last);
}

Result<json::object> FeedAttribute(const model::Attribute& a, const AttachmentReader& attachments) {
  json::object o;
  o["uuid"] = a.uuid;
  o["type"] = a.type;
  o["category"] = a.category;
  o["value"] = a.Value();
  o["comment"] = a.comment;
  o["to_ids"] = a.to_ids;
  o["disable_correlation"] = a.disable_correlation;
  o["deleted"] = false;
  o["timestamp"] = std::to_string(a.timestamp);
  if (!a.object_relation.empty()) o["object_relation"] = a.object_relation;
  Seen(o, a.first_seen_micros, a.last_seen_micros);
  json::array tags = Tags(a.tags);
  if (!tags.empty()) o["Tag"] = std::move(tags);
  if (attachments) {
    BW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, attachments(a));
    if (bytes) o["data"] = Base64Encode(hub::MispAttributeData(a, std::move(*bytes)));
  }
  return o;
}

Result<json::array> FeedAttributes(const std::vector<model::Attribute>& attributes,
                                   const AttachmentReader& attachments) {
  json::array out;
  for (const auto& a : attributes) {
    if (a.deleted) continue;
    BW_ASSIGN_OR_RETURN(json::object o, FeedAttribute(a, attachments));
    out.push_back(std::move(o));
  }
  return out;
}

Result<json::object> FeedObject(const model::Object& ob, const AttachmentReader& attachments) {
  json::object o;
  o["uuid"] = ob.uuid;
  o["name"] = ob.name;
  o["meta-category"] = ob.meta_category;
  o["description"] = ob.description;
  o["template_uuid"] = ob.template_uuid;
  o["template_version"] = ob.template_version;
  o["comment"] = ob.comment;
  o["timestamp"] = std::to_string(ob.timestamp);
  o["deleted"] = false;
  Seen(o, ob.first_seen_micros, ob.last_seen_micros);
  json::array refs;
  for (const auto& r : ob.references) {
    if (r.deleted) continue;
    json::object ro;
    ro["uuid"] = r.uuid;
    ro["timestamp"] = std::to_string(r.timestamp);
    ro["object_uuid"] = ob.uuid;
    ro["referenced_uuid"] = r.referenced_uuid;
    ro["referenced_type"] = r.referenced_type == "Object" ? "1" : "0";
    ro["relationship_type"] = r.relationship_type;
    ro["comment"] = r.comment;
    refs.push_back(std::move(ro));
  }
  o["ObjectReference"] = std::move(refs);
  BW_ASSIGN_OR_RETURN(o["Attribute"], FeedAttributes(ob.attributes, attachments));
  return o;
}

json::object OrgcJson(const model::Organisation& org) {
  json::object o;
  o["name"] = org.name;
  o["uuid"] = org.uuid;
  return o;
}

void Hashes(const model::Attribute& a, const std::string& event_uuid, std::string& out, size_t& n) {
  out += Md5Hex(a.value1) + "," + event_uuid + "\n";
  ++n;
  if (!a.value2.empty()) {
    out += Md5Hex(a.value2) + "," + event_uuid + "\n";
    ++n;
  }
}

}  // namespace

Result<json::object> FeedEventJson(const model::Event& e, const model::Organisation* orgc,
                                   const AttachmentReader& attachments) {
  json::object o;
  o["uuid"] = e.uuid;
  o["info"] = e.info;
  o["date"] = e.date;
  o["threat_level_id"] = std::to_string(static_cast<int>(e.threat_level));
  o["analysis"] = std::to_string(static_cast<int>(e.analysis));
  o["timestamp"] = std::to_string(e.timestamp);
  o["publish_timestamp"] = std::to_string(e.publish_timestamp);
  o["published"] = e.published;
  if (!e.extends_uuid.empty()) o["extends_uuid"] = e.extends_uuid;
  if (orgc != nullptr) o["Orgc"] = OrgcJson(*orgc);
  o["Tag"] = Tags(e.tags);
  BW_ASSIGN_OR_RETURN(o["Attribute"], FeedAttributes(e.attributes, attachments));
  json::array objs;
  for (const auto& ob : e.objects) {
    if (ob.deleted) continue;
    BW_ASSIGN_OR_RETURN(json::object fo, FeedObject(ob, attachments));
    objs.push_back(std::move(fo));
  }
  o["Object"] = std::move(objs);
  return o;
}

Result<FeedWriteReport> WriteMispFeed(hub::Hub& hub, const access::Principal& principal,
                                      const hub::SearchRequest& filter, const std::string& dir,
                                      const ProgressFn& progress) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + dir + ": " + ec.message());
  std::vector<model::Id> ids;
  BW_RETURN_IF_ERROR(hub.IndexEvents(principal, filter, [&](const model::Event& e) {
    ids.push_back(e.id);
    return true;
  }));
  FeedWriteReport report;
  AtomicFile manifest((fs::path(dir) / "manifest.json").string());
  AtomicFile hashes((fs::path(dir) / "hashes.csv").string());
  BW_RETURN_IF_ERROR(manifest.Open());
  BW_RETURN_IF_ERROR(hashes.Open());
  BW_RETURN_IF_ERROR(manifest.Write("{"));
  std::map<model::Id, std::optional<model::Organisation>> orgs;
  bool first = true;
  for (model::Id id : ids) {
    auto ev = hub.ViewEvent(principal, hub::EventRef{std::to_string(id)}, store::DeletedFilter::kExclude);
    if (!ev.ok()) {
      if (ev.error().code == ErrorCode::kNotFound) continue;  // deleted since the index was read
      return ev.error();
    }
    const model::Event& e = *ev;
    auto org_it = orgs.find(e.orgc_id);
    if (org_it == orgs.end()) {
      BW_ASSIGN_OR_RETURN(auto org, hub.GetOrganisation(e.orgc_id));
      org_it = orgs.emplace(e.orgc_id, std::move(org)).first;
    }
    const model::Organisation* orgc = org_it->second ? &*org_it->second : nullptr;
    // The event was read through the access decision: its attributes' data may be written.
    BW_ASSIGN_OR_RETURN(json::object event_json,
                        FeedEventJson(e, orgc, [&hub](const model::Attribute& a) { return hub.AttachmentData(a); }));
    {
      AtomicFile f((fs::path(dir) / (e.uuid + ".json")).string());
      BW_RETURN_IF_ERROR(f.Open());
      json::object wrapper;
      wrapper["Event"] = std::move(event_json);
      BW_RETURN_IF_ERROR(f.Write(json::serialize(wrapper)));
      BW_RETURN_IF_ERROR(f.Commit());
    }
    json::object entry;
    if (orgc != nullptr) entry["Orgc"] = OrgcJson(*orgc);
    entry["Tag"] = Tags(e.tags);
    entry["info"] = e.info;
    entry["date"] = e.date;
    entry["analysis"] = std::to_string(static_cast<int>(e.analysis));
    entry["threat_level_id"] = std::to_string(static_cast<int>(e.threat_level));
    entry["timestamp"] = std::to_string(e.timestamp);
    BW_RETURN_IF_ERROR(manifest.Write((first ? "" : ",") + json::serialize(json::string(e.uuid)) + ":" +
                                      json::serialize(entry)));
    first = false;
    std::string lines;
    for (const auto& a : e.attributes) {
      if (a.deleted) continue;
      Hashes(a, e.uuid, lines, report.hashes);
      report.attributes++;
    }
    for (const auto& ob : e.objects) {
      if (ob.deleted) continue;
      for (const auto& a : ob.attributes) {
        if (a.deleted) continue;
        Hashes(a, e.uuid, lines, report.hashes);
        report.attributes++;
      }
    }
    BW_RETURN_IF_ERROR(hashes.Write(lines));
    report.events++;
    if (progress && report.events % kProgressEvery == 0) {
      progress(std::to_string(report.events) + "/" + std::to_string(ids.size()) + " events written");
    }
  }
  BW_RETURN_IF_ERROR(manifest.Write("}\n"));
  BW_RETURN_IF_ERROR(hashes.Commit());
  BW_RETURN_IF_ERROR(manifest.Commit());
  return report;
}

}  // namespace bulwark::feeds
