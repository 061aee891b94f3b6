#include "feeds/stix_import.h"

#include <cstdio>

#include <boost/json/monotonic_resource.hpp>

#include "stix/bundle_reader.h"

namespace bulwark::feeds {

namespace {

constexpr size_t kProgressEveryObjects = 50'000;
constexpr size_t kProgressEveryEvents = 1'000;

void AddSightings(EventImporter& importer, hub::Hub& hub, const access::Principal& p,
                  const std::vector<stix::mapping::ImportedSighting>& sightings, const std::string& event_uuid) {
  ImportStats& stats = importer.stats();
  for (const auto& s : sightings) {
    misp::SightingInput in;
    in.attribute_uuid = s.attribute_uuid;
    in.sighting.type = s.type;
    in.sighting.date_sighting = s.last_seen > 0 ? s.last_seen : s.first_seen;
    in.sighting.source = "STIX";
    in.present = {"uuid", "type", "source"};
    if (in.sighting.date_sighting > 0) in.present.insert("date_sighting");
    if (!s.org_uuid.empty() || !s.org_name.empty()) in.org = misp::OrgRef{s.org_uuid, s.org_name, 0};
    auto added = hub.AddSightings(p, std::move(in));
    if (added.ok()) {
      stats.sightings_added += added->size();
    } else {
      stats.sightings_rejected++;
      stats.Reject({event_uuid, "Sighting of attribute " + s.attribute_uuid, added.error().message});
    }
  }
}

}  // namespace

void StixReport::Merge(const stix::mapping::ImportResult& r) {
  objects_seen += r.objects_seen;
  objects_mapped += r.objects_mapped;
  for (const auto& [type, n] : r.unmapped) unmapped[type] += n;
  for (const auto& note : r.notes) {
    if (notes.size() >= stix::mapping::kMaxNotes) break;
    notes.push_back(note);
  }
  events += r.events.size();
}

Status ImportMapped(EventImporter& importer, hub::Hub& hub, const access::Principal& principal,
                    stix::mapping::ImportResult& mapped, const ProgressFn& progress) {
  size_t done = 0;
  for (auto& ev : mapped.events) {
    const std::string uuid = ev.event.uuid;
    misp::EventInput input = EventToInput(ev.event, ev.creator ? &*ev.creator : nullptr);
    // Artifact content (attachments, malware samples) travels as MISP's `data`; the hub's write path stores it.
    for (misp::AttributeInput& a : input.attributes) {
      if (auto it = ev.attribute_data.find(a.attribute.uuid); it != ev.attribute_data.end()) {
        a.data = std::move(it->second);
      }
    }
    BW_RETURN_IF_ERROR(importer.Import(std::move(input)));
    if (!ev.sightings.empty()) AddSightings(importer, hub, principal, ev.sightings, uuid);
    ev.event = model::Event{};  // one event's model at a time besides the mapping's output
    if (progress && ++done % kProgressEveryEvents == 0) {
      progress(std::to_string(done) + "/" + std::to_string(mapped.events.size()) + " events imported");
    }
  }
  return Ok();
}

Status ImportStixObjects(EventImporter& importer, hub::Hub& hub, const access::Principal& principal,
                         std::vector<stix::Object> objects, const stix::mapping::ImportOptions& options,
                         StixReport& report, const ProgressFn& progress) {
  BW_ASSIGN_OR_RETURN(stix::mapping::ImportResult mapped, stix::mapping::StixToEvents(objects, options));
  objects.clear();
  objects.shrink_to_fit();
  report.Merge(mapped);
  BW_RETURN_IF_ERROR(ImportMapped(importer, hub, principal, mapped, progress));
  report.stats = importer.stats();
  return Ok();
}

Result<MappedStixFile> ReadStixFile(const std::string& path, int64_t now, const ProgressFn& progress) {
  // Every object of the file is parsed into one arena: the mapping holds them all anyway, and dropping them
  // afterwards is then one release instead of a walk over every JSON value.
  boost::json::monotonic_resource arena;
  stix::BundleReaderOptions reader_options;
  reader_options.arena = &arena;
  std::vector<stix::Object> objects;
  stix::BundleReader reader(
      [&](stix::Object&& o) -> Status {
        objects.push_back(std::move(o));
        if (progress && objects.size() % kProgressEveryObjects == 0) {
          progress(path + ": " + std::to_string(objects.size()) + " objects read");
        }
        return Ok();
      },
      reader_options);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  std::vector<char> buf(64 * 1024);
  Status st = Ok();
  while (st.ok()) {
    const size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n == 0) break;
    st = reader.Feed(std::string_view(buf.data(), n));
  }
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (!st.ok()) return std::move(st).error();
  if (read_error) return MakeError(ErrorCode::kInternal, "cannot read " + path);
  BW_RETURN_IF_ERROR(reader.Finish());
  stix::mapping::ImportOptions options;
  // The loose objects' event derives from the bundle id, so importing the same bundle again (from any path)
  // merges into the same event.
  options.bundle_id = reader.bundle_id();
  if (options.bundle_id.empty()) options.loose_event_title = "STIX import " + path.substr(path.rfind('/') + 1);
  options.now = now;
  MappedStixFile out;
  BW_ASSIGN_OR_RETURN(out.mapped, stix::mapping::StixToEvents(objects, options));
  out.report.Merge(out.mapped);
  return out;  // `objects` go first (nothing to free on the arena), then the arena in one go
}

Result<StixReport> ImportMappedStixFile(hub::Hub& hub, const access::Principal& principal, MappedStixFile file,
                                        const ProgressFn& progress) {
  EventImporter importer(hub, principal);
  BW_RETURN_IF_ERROR(ImportMapped(importer, hub, principal, file.mapped, progress));
  file.report.stats = importer.stats();
  return std::move(file.report);
}

Result<StixReport> ImportStixFile(hub::Hub& hub, const access::Principal& principal, const std::string& path,
                                  int64_t now, const ProgressFn& progress) {
  BW_ASSIGN_OR_RETURN(MappedStixFile file, ReadStixFile(path, now, progress));
  return ImportMappedStixFile(hub, principal, std::move(file), progress);
}

}  // namespace bulwark::feeds
