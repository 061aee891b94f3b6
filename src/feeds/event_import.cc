#include "feeds/event_import.h"

#include <charconv>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace bulwark::feeds {
namespace {

std::string Describe(const misp::AttributeInput& a) {
  std::string value = a.raw_value.size() > 200 ? a.raw_value.substr(0, 200) + "..." : a.raw_value;
  return "Attribute " + (a.attribute.uuid.empty() ? std::string("(no uuid)") : a.attribute.uuid) + " (" +
         a.attribute.type + " " + value + ")";
}

std::string Reason(const Error& e) {
  std::string r = e.message;
  if (!e.field.empty()) r += " [" + e.field + "]";
  return r;
}

// "Attribute[12].value" -> ("Attribute", 12, ".value").
struct FieldIndex {
  std::string name;
  size_t index = 0;
  std::string_view rest;
};

std::optional<FieldIndex> LeadingIndex(std::string_view field) {
  const size_t open = field.find('[');
  if (open == std::string_view::npos || open == 0) return std::nullopt;
  const size_t close = field.find(']', open);
  if (close == std::string_view::npos) return std::nullopt;
  FieldIndex out;
  out.name = std::string(field.substr(0, open));
  auto [ptr, ec] = std::from_chars(field.data() + open + 1, field.data() + close, out.index);
  if (ec != std::errc() || ptr != field.data() + close) return std::nullopt;
  out.rest = field.substr(close + 1);
  if (!out.rest.empty() && out.rest.front() == '.') out.rest.remove_prefix(1);
  return out;
}

bool IsFatal(ErrorCode code) {
  return code == ErrorCode::kForbidden || code == ErrorCode::kUnauthenticated || code == ErrorCode::kInternal ||
         code == ErrorCode::kUnavailable;
}

int64_t IncomingTimestamp(const misp::EventInput& in) {
  return in.present.count("timestamp") ? in.event.timestamp : 0;
}

}  // namespace

void ImportStats::Reject(Rejection r) {
  ++rejections_total;
  if (rejections.size() < kMaxListedRejections) rejections.push_back(std::move(r));
}

void ImportStats::Merge(const ImportStats& o) {
  events_added += o.events_added;
  events_updated += o.events_updated;
  events_unchanged += o.events_unchanged;
  events_rejected += o.events_rejected;
  attributes_offered += o.attributes_offered;
  attributes_stored += o.attributes_stored;
  attributes_unchanged += o.attributes_unchanged;
  attributes_rejected += o.attributes_rejected;
  objects_rejected += o.objects_rejected;
  sightings_added += o.sightings_added;
  sightings_rejected += o.sightings_rejected;
  rejections_total += o.rejections_total;
  for (const auto& r : o.rejections) {
    if (rejections.size() >= kMaxListedRejections) break;
    rejections.push_back(r);
  }
}

size_t CountAttributes(const misp::EventInput& input) {
  size_t n = input.attributes.size();
  for (const auto& o : input.objects) n += o.attributes.size();
  return n;
}

std::string Summary(const ImportStats& s) {
  std::string out = "events: " + std::to_string(s.events_added) + " added, " + std::to_string(s.events_updated) +
                    " updated, " + std::to_string(s.events_unchanged) + " unchanged, " +
                    std::to_string(s.events_rejected) + " rejected; attributes: " +
                    std::to_string(s.attributes_offered) + " offered, " + std::to_string(s.attributes_stored) +
                    " stored, " + std::to_string(s.attributes_unchanged) + " unchanged, " +
                    std::to_string(s.attributes_rejected) + " rejected";
  if (s.objects_rejected > 0) out += "; objects rejected: " + std::to_string(s.objects_rejected);
  if (s.sightings_added + s.sightings_rejected > 0) {
    out += "; sightings: " + std::to_string(s.sightings_added) + " added, " + std::to_string(s.sightings_rejected) +
           " rejected";
  }
  return out;
}

EventImporter::EventImporter(hub::Hub& hub, const access::Principal& principal) : hub_(hub), principal_(principal) {}

Status EventImporter::Import(misp::EventInput input) {
  stats_.attributes_offered += CountAttributes(input);
  if (!input.event.uuid.empty()) {
    auto existing = hub_.ViewEvent(principal_, hub::EventRef{input.event.uuid}, store::DeletedFilter::kInclude);
    if (existing.ok()) return Update(*existing, std::move(input));
    if (existing.error().code != ErrorCode::kNotFound) return existing.error();
  }
  return Add(std::move(input));
}

bool EventImporter::DropItem(misp::EventInput& input, const Error& error) {
  const std::string& uuid = input.event.uuid;
  auto drop_attribute = [&](std::vector<misp::AttributeInput>& list, size_t i) {
    stats_.attributes_rejected++;
    stats_.Reject({uuid, Describe(list[i]), Reason(error)});
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
  };
  auto drop_object = [&](size_t i) {
    const misp::ObjectInput& o = input.objects[i];
    stats_.objects_rejected++;
    stats_.attributes_rejected += o.attributes.size();
    stats_.Reject({uuid, "Object " + o.object.uuid + " (" + o.object.name + ", " + std::to_string(o.attributes.size()) +
                             " attributes)",
                   Reason(error)});
    input.objects.erase(input.objects.begin() + static_cast<std::ptrdiff_t>(i));
  };
  if (auto f = LeadingIndex(error.field)) {
    if (f->name == "Attribute" && f->index < input.attributes.size()) {
      drop_attribute(input.attributes, f->index);
      return true;
    }
    if (f->name == "Object" && f->index < input.objects.size()) {
      auto inner = LeadingIndex(f->rest);
      auto& attrs = input.objects[f->index].attributes;
      auto& refs = input.objects[f->index].references;
      if (inner && inner->name == "ObjectReference" && inner->index < refs.size()) {
        // A reference to something the event does not hold (MISP drops those): only the link goes.
        stats_.Reject({uuid, "ObjectReference " + refs[inner->index].reference.uuid + " of Object " +
                                 input.objects[f->index].object.uuid + " (to " +
                                 refs[inner->index].reference.referenced_uuid + ")",
                       Reason(error)});
        refs.erase(refs.begin() + static_cast<std::ptrdiff_t>(inner->index));
      } else if (inner && inner->name == "Attribute" && inner->index < attrs.size() && attrs.size() > 1) {
        drop_attribute(attrs, inner->index);
      } else {
        drop_object(f->index);
      }
      return true;
    }
  }
  // The store names a uuid that exists elsewhere in its message ("an attribute with uuid X already exists").
  if (error.code == ErrorCode::kConflict) {
    for (size_t i = 0; i < input.attributes.size(); ++i) {
      const std::string& u = input.attributes[i].attribute.uuid;
      if (!u.empty() && error.message.find(u) != std::string::npos) {
        drop_attribute(input.attributes, i);
        return true;
      }
    }
    for (size_t i = 0; i < input.objects.size(); ++i) {
      auto& attrs = input.objects[i].attributes;
      for (size_t j = 0; j < attrs.size(); ++j) {
        if (!attrs[j].attribute.uuid.empty() && error.message.find(attrs[j].attribute.uuid) != std::string::npos) {
          drop_object(i);
          return true;
        }
      }
      if (!input.objects[i].object.uuid.empty() && error.message.find(input.objects[i].object.uuid) != std::string::npos) {
        drop_object(i);
        return true;
      }
    }
  }
  return false;
}

Status EventImporter::Add(misp::EventInput input) {
  for (int attempt = 0;; ++attempt) {
    auto added = hub_.AddEvent(principal_, input);
    if (added.ok()) {
      stats_.events_added++;
      stats_.attributes_stored += CountAttributes(input);
      return Ok();
    }
    const Error& e = added.error();
    if (IsFatal(e.code)) return e;
    if (e.code == ErrorCode::kConflict && e.field == "uuid" && e.message.find("an event with uuid") == 0) {
      // Added by someone else meanwhile (e.g. the server running on the same data directory).
      auto existing = hub_.ViewEvent(principal_, hub::EventRef{input.event.uuid}, store::DeletedFilter::kInclude);
      if (!existing.ok()) return existing.error();
      return Update(*existing, std::move(input));
    }
    if (attempt >= kMaxRetries || !DropItem(input, e)) {
      stats_.events_rejected++;
      stats_.attributes_rejected += CountAttributes(input);
      stats_.Reject({input.event.uuid, "Event (" + std::to_string(CountAttributes(input)) + " attributes)", Reason(e)});
      return Ok();
    }
  }
}

Status EventImporter::Update(const model::Event& existing, misp::EventInput input) {
  std::unordered_map<std::string, int64_t> held;  // attribute uuid -> timestamp
  std::unordered_set<std::string> held_objects;
  for (const auto& a : existing.attributes) held.emplace(a.uuid, a.timestamp);
  for (const auto& o : existing.objects) {
    held_objects.insert(o.uuid);
    for (const auto& a : o.attributes) held.emplace(a.uuid, a.timestamp);
  }
  const bool newer = IncomingTimestamp(input) > existing.timestamp;
  // Counts what the hub will do with each attribute (EditEvent updates an attribute only when its timestamp
  // is newer, and leaves objects it holds alone).
  auto classify = [&](size_t& stored, size_t& unchanged) {
    stored = unchanged = 0;
    for (const auto& a : input.attributes) {
      auto it = a.attribute.uuid.empty() ? held.end() : held.find(a.attribute.uuid);
      if (it == held.end()) {
        ++stored;
      } else if (newer && (!a.has_timestamp || a.attribute.timestamp > it->second)) {
        ++stored;
      } else {
        ++unchanged;
      }
    }
    for (const auto& o : input.objects) {
      if (held_objects.count(o.object.uuid)) {
        unchanged += o.attributes.size();
      } else {
        stored += o.attributes.size();
      }
    }
  };
  size_t stored = 0;
  size_t unchanged = 0;
  classify(stored, unchanged);
  if (!newer && stored == 0) {
    stats_.events_unchanged++;
    stats_.attributes_unchanged += unchanged;
    return Ok();
  }
  if (!newer) {
    // Only new children: send just those, so the hub's copy of the rest is not touched.
    std::vector<misp::AttributeInput> fresh;
    for (auto& a : input.attributes) {
      if (a.attribute.uuid.empty() || !held.count(a.attribute.uuid)) fresh.push_back(std::move(a));
    }
    input.attributes = std::move(fresh);
    std::vector<misp::ObjectInput> fresh_objects;
    for (auto& o : input.objects) {
      if (!held_objects.count(o.object.uuid)) fresh_objects.push_back(std::move(o));
    }
    input.objects = std::move(fresh_objects);
    stats_.attributes_unchanged += unchanged;
    unchanged = 0;
  }
  for (int attempt = 0;; ++attempt) {
    auto edited = hub_.EditEvent(principal_, hub::EventRef{existing.uuid}, input);
    if (edited.ok()) {
      classify(stored, unchanged);
      stats_.events_updated++;
      stats_.attributes_stored += stored;
      stats_.attributes_unchanged += unchanged;
      return Ok();
    }
    const Error& e = edited.error();
    if (IsFatal(e.code)) return e;
    const bool dropped = attempt < kMaxRetries && DropItem(input, e);
    if (dropped && !newer && input.attributes.empty() && input.objects.empty()) {
      stats_.events_unchanged++;  // every new child was refused: nothing left to write
      return Ok();
    }
    if (!dropped) {
      classify(stored, unchanged);
      stats_.events_rejected++;
      stats_.attributes_rejected += stored;
      stats_.attributes_unchanged += unchanged;
      stats_.Reject({input.event.uuid, "Event update (" + std::to_string(stored) + " attributes)", Reason(e)});
      return Ok();
    }
  }
}

misp::EventInput EventToInput(const model::Event& event, const model::Organisation* creator) {
  misp::EventInput in;
  in.event = event;
  in.event.attributes.clear();
  in.event.objects.clear();
  in.event.tags.clear();
  in.present = {"uuid", "info", "date", "threat_level_id", "analysis", "distribution", "published"};
  if (event.timestamp > 0) in.present.insert("timestamp");
  if (event.publish_timestamp > 0) in.present.insert("publish_timestamp");
  if (!event.tags.empty()) in.present.insert("Tag");
  for (const auto& t : event.tags) in.tags.push_back(misp::TagRef{t.tag.name, t.local, t.tag.colour});
  if (creator != nullptr && (!creator->name.empty() || !creator->uuid.empty())) {
    in.orgc = misp::OrgRef{creator->uuid, creator->name, 0};
    in.present.insert("Orgc");
  }
  auto to_attr = [](const model::Attribute& a) {
    misp::AttributeInput ai;
    ai.attribute = a;
    ai.raw_value = a.Value();
    ai.attribute.value1 = ai.raw_value;
    ai.attribute.value2.clear();
    ai.attribute.tags.clear();
    for (const auto& t : a.tags) ai.tags.push_back(misp::TagRef{t.tag.name, t.local, t.tag.colour});
    ai.present = {"uuid", "type", "category", "value", "to_ids", "distribution", "comment", "deleted",
                  "disable_correlation"};
    if (!a.object_relation.empty()) ai.present.insert("object_relation");
    if (a.timestamp > 0) {
      ai.present.insert("timestamp");
      ai.has_timestamp = true;
    }
    if (a.first_seen_micros) ai.present.insert("first_seen");
    if (a.last_seen_micros) ai.present.insert("last_seen");
    if (!a.tags.empty()) ai.present.insert("Tag");
    return ai;
  };
  for (const auto& a : event.attributes) in.attributes.push_back(to_attr(a));
  for (const auto& o : event.objects) {
    misp::ObjectInput oi;
    oi.object = o;
    oi.object.attributes.clear();
    oi.object.references.clear();
    oi.present = {"uuid", "name", "meta-category", "description", "template_uuid", "template_version", "comment",
                  "distribution", "Attribute"};
    if (o.timestamp > 0) oi.present.insert("timestamp");
    for (const auto& a : o.attributes) oi.attributes.push_back(to_attr(a));
    for (const auto& r : o.references) {
      misp::ObjectReferenceInput ri;
      ri.reference = r;
      ri.present = {"uuid", "referenced_uuid", "referenced_type", "relationship_type", "comment"};
      oi.references.push_back(std::move(ri));
    }
    in.objects.push_back(std::move(oi));
  }
  return in;
}

}  // namespace bulwark::feeds
