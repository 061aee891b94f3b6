// The MISP JSON shapes, in MISP 2.4/2.5's key order (see misp_json.h for the tree renderers built on these).
#include "misp/misp_write.h"

#include <boost/json/serialize.hpp>

#include "common/json_text.h"

namespace bulwark::misp {
namespace {

namespace json = boost::json;

void WriteSeen(JsonObjectWriter& w, std::string_view key, const std::optional<int64_t>& micros) {
  if (micros) {
    w.String(key, FormatMicrosIso(*micros));
  } else {
    w.Null(key);
  }
}

void WriteAppliedTags(JsonObjectWriter& w, const std::vector<model::AppliedTag>& tags) {
  std::string& out = w.Member("Tag");
  out.push_back('[');
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) out.push_back(',');
    WriteAppliedTag(out, tags[i]);
  }
  out.push_back(']');
}

void WriteTagMembers(JsonObjectWriter& w, const model::Tag& t) {
  w.IntString("id", t.id).String("name", t.name).String("colour", t.colour).Bool("exportable", t.exportable);
  w.IntString("org_id", t.org_id).IntString("user_id", t.user_id).Bool("hide_tag", t.hide_tag);
  if (t.numerical_value) {
    w.IntString("numerical_value", *t.numerical_value);
  } else {
    w.Null("numerical_value");
  }
  w.Bool("is_galaxy", t.is_galaxy).Bool("is_custom_galaxy", false).Bool("local_only", t.local_only);
}

enum class AttributeShape { kStandalone, kInEvent };

void WriteAttributeImpl(std::string& out, const model::Attribute& a, const model::Event* event,
                        AttributeShape shape) {
  JsonObjectWriter w(out);
  w.IntString("id", a.id).String("type", a.type).String("category", a.category).Bool("to_ids", a.to_ids);
  w.String("uuid", a.uuid).IntString("event_id", a.event_id).IntString("distribution", static_cast<int64_t>(a.distribution));
  w.IntString("timestamp", a.timestamp).String("comment", a.comment).IntString("sharing_group_id", a.sharing_group_id);
  w.Bool("deleted", a.deleted).Bool("disable_correlation", a.disable_correlation).IntString("object_id", a.object_id);
  if (a.object_relation.empty()) {
    w.Null("object_relation");
  } else {
    w.String("object_relation", a.object_relation);
  }
  WriteSeen(w, "first_seen", a.first_seen_micros);
  WriteSeen(w, "last_seen", a.last_seen_micros);
  std::string& value = w.Member("value");
  AppendJsonString(value, a.value1);
  if (!a.value2.empty()) {  // a composite: one string "value1|value2", without building the joined value
    value.back() = '|';     // the closing quote of the first half
    const size_t second = value.size();
    AppendJsonString(value, a.value2);
    value.erase(second, 1);  // the opening quote of the second half
  }
  if (shape == AttributeShape::kInEvent) w.Raw("Galaxy", "[]").Raw("ShadowAttribute", "[]");
  if (!a.tags.empty()) WriteAppliedTags(w, a.tags);
  if (event != nullptr && shape == AttributeShape::kStandalone) {
    JsonObjectWriter e(w.Member("Event"));
    e.IntString("org_id", event->org_id).IntString("distribution", static_cast<int64_t>(event->distribution));
    e.IntString("id", event->id).String("info", event->info).IntString("orgc_id", event->orgc_id);
    e.String("uuid", event->uuid).Close();
  }
  w.Close();
}

}  // namespace

void WriteTag(std::string& out, const model::Tag& t) {
  JsonObjectWriter w(out);
  WriteTagMembers(w, t);
  w.Close();
}

void WriteAppliedTag(std::string& out, const model::AppliedTag& t) {
  JsonObjectWriter w(out);
  WriteTagMembers(w, t.tag);
  w.Bool("local", t.local).Close();
}

void WriteAttribute(std::string& out, const model::Attribute& a, const model::Event* event) {
  WriteAttributeImpl(out, a, event, AttributeShape::kStandalone);
}

void WriteEventAttribute(std::string& out, const model::Attribute& a) {
  WriteAttributeImpl(out, a, nullptr, AttributeShape::kInEvent);
}

void WriteObjectReference(std::string& out, const model::ObjectReference& r) {
  JsonObjectWriter w(out);
  w.IntString("id", r.id).String("uuid", r.uuid).IntString("timestamp", r.timestamp);
  w.IntString("object_id", r.object_id).IntString("event_id", r.event_id).String("source_uuid", r.source_uuid);
  w.String("referenced_uuid", r.referenced_uuid);
  // MISP stores referenced_type as 0 (Attribute) / 1 (Object) and renders the number as a string.
  w.String("referenced_type", r.referenced_type == "Object" ? "1" : "0");
  w.String("relationship_type", r.relationship_type).String("comment", r.comment).Bool("deleted", r.deleted);
  w.Close();
}

void WriteObject(std::string& out, const model::Object& obj, bool include_attributes) {
  JsonObjectWriter w(out);
  w.IntString("id", obj.id).String("name", obj.name).String("meta-category", obj.meta_category);
  w.String("description", obj.description).String("template_uuid", obj.template_uuid);
  w.String("template_version", obj.template_version).IntString("event_id", obj.event_id).String("uuid", obj.uuid);
  w.IntString("timestamp", obj.timestamp).IntString("distribution", static_cast<int64_t>(obj.distribution));
  w.IntString("sharing_group_id", obj.sharing_group_id).String("comment", obj.comment).Bool("deleted", obj.deleted);
  WriteSeen(w, "first_seen", obj.first_seen_micros);
  WriteSeen(w, "last_seen", obj.last_seen_micros);
  std::string& refs = w.Member("ObjectReference");
  refs.push_back('[');
  for (size_t i = 0; i < obj.references.size(); ++i) {
    if (i > 0) refs.push_back(',');
    WriteObjectReference(refs, obj.references[i]);
  }
  refs.push_back(']');
  std::string& attributes = w.Member("Attribute");
  attributes.push_back('[');
  if (include_attributes) {
    for (size_t i = 0; i < obj.attributes.size(); ++i) {
      if (i > 0) attributes.push_back(',');
      WriteEventAttribute(attributes, obj.attributes[i]);
    }
  }
  attributes.push_back(']');
  w.Close();
}

Result<EventFrame> FrameEvent(const json::value& rendered_event) {
  static constexpr std::string_view kAttributes = "\"Attribute\":[]";
  static constexpr std::string_view kObjects = "\"Object\":[]";
  const std::string text = json::serialize(rendered_event);
  // The first occurrences are the event's own: its header members come before them, and a string value
  // holding the same characters is escaped ("\"Attribute\":[]") so it cannot match.
  const size_t attr_at = text.find(kAttributes);
  const size_t obj_at = text.find(kObjects);
  if (attr_at == std::string::npos || obj_at == std::string::npos || obj_at < attr_at) {
    return MakeError(ErrorCode::kInternal, "a rendered event without its empty Attribute and Object lists");
  }
  const size_t attr_inside = attr_at + kAttributes.size() - 1;  // just before the ']'
  const size_t obj_inside = obj_at + kObjects.size() - 1;
  EventFrame f;
  f.head = text.substr(0, attr_inside);
  f.middle = text.substr(attr_inside, obj_inside - attr_inside);
  f.tail = text.substr(obj_inside);
  return f;
}

void WriteEvent(std::string& out, const model::Event& e, const RenderContext& ctx) {
  RenderContext header_context = ctx;
  header_context.include_attributes = false;
  const json::value header = RenderEvent(e, header_context);
  Result<EventFrame> frame = FrameEvent(header);
  if (!frame.ok() || !ctx.include_attributes) {  // nothing to put in (a frame error cannot happen: see RenderEvent)
    out += json::serialize(header);
    return;
  }
  out += frame->head;
  for (size_t i = 0; i < e.attributes.size(); ++i) {
    if (i > 0) out.push_back(',');
    WriteEventAttribute(out, e.attributes[i]);
  }
  out += frame->middle;
  for (size_t i = 0; i < e.objects.size(); ++i) {
    if (i > 0) out.push_back(',');
    WriteObject(out, e.objects[i], true);
  }
  out += frame->tail;
}

void AppendMembers(std::string& out, const json::object& extra) {
  if (extra.empty() || out.empty() || out.back() != '}') return;
  out.pop_back();
  const bool had_members = !out.empty() && out.back() != '{';
  bool first = !had_members;
  for (const auto& member : extra) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, member.key());
    out.push_back(':');
    out += json::serialize(member.value());
  }
  out.push_back('}');
}

}  // namespace bulwark::misp
