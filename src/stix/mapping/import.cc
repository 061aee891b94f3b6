// STIX 2.1 objects -> MISP events.
#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "common/crypto.h"
#include "common/uuid.h"
#include "model/attribute_types.h"
#include "model/machine_tag.h"
#include "model/value.h"
#include "stix/mapping/internal.h"
#include "stix/mapping/mapping.h"
#include "stix/pattern/parser.h"
#include "stix/timestamp.h"

namespace bulwark::stix::mapping {
namespace {

namespace json = boost::json;
using internal::FlatProp;
using internal::ScoResolver;
namespace pat = bulwark::stix::pattern;

std::string_view Str(const json::object& j, std::string_view key) {
  const auto* v = j.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::optional<bool> Bool(const json::object& j, std::string_view key) {
  const auto* v = j.if_contains(key);
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

int64_t Int(const json::object& j, std::string_view key, int64_t fallback) {
  const auto* v = j.if_contains(key);
  if (v != nullptr && v->is_int64()) return v->get_int64();
  if (v != nullptr && v->is_uint64()) return static_cast<int64_t>(std::min<uint64_t>(v->get_uint64(), INT64_MAX));
  return fallback;
}

std::string UuidOfId(std::string_view id) {
  const size_t sep = id.find("--");
  const std::string_view u = sep == std::string_view::npos ? std::string_view() : id.substr(sep + 2);
  if (IsUuid(u)) return NormaliseUuid(u);
  return UuidV5(internal::kBulwarkNamespace, id);
}

// misp-stix's metadata labels are not tags.
bool IsMetadataLabel(std::string_view l) {
  for (std::string_view p : {"misp:type=", "misp:category=", "misp:to_ids=", "misp:name=", "misp:meta-category="}) {
    if (l.starts_with(p)) return true;
  }
  return false;
}

void AddTag(std::vector<model::AppliedTag>& tags, std::string_view name) {
  if (!model::ValidateTagName(name).ok()) return;
  for (const auto& t : tags) {
    if (t.tag.name == name) return;
  }
  model::AppliedTag t;
  t.tag.name = std::string(name);
  t.tag.is_galaxy = name.starts_with("misp-galaxy:");
  tags.push_back(std::move(t));
}

void TagsFromLabels(const json::object& j, std::vector<model::AppliedTag>& tags) {
  const auto* labels = j.if_contains("labels");
  if (labels == nullptr || !labels->is_array()) return;
  for (const auto& l : labels->get_array()) {
    if (l.is_string() && !IsMetadataLabel(l.get_string())) AddTag(tags, l.get_string());
  }
}

void TagsFromMarkings(const json::object& j, std::vector<model::AppliedTag>& tags) {
  const auto* refs = j.if_contains("object_marking_refs");
  if (refs == nullptr || !refs->is_array()) return;
  const bool has_tlp = std::any_of(tags.begin(), tags.end(), [](const model::AppliedTag& t) {
    return !internal::TlpLevelOfTag(t.tag.name).empty();
  });
  if (has_tlp) return;
  for (const auto& r : refs->get_array()) {
    if (!r.is_string()) continue;
    const std::string tag = internal::TlpTagForMarking(r.get_string());
    if (!tag.empty()) {
      AddTag(tags, tag);
      return;
    }
  }
}

void SplitValue(model::Attribute& a, std::string_view raw) {
  const auto* info = model::AttributeTypes::Get().Find(a.type);
  if (info == nullptr || !info->composite) {
    a.value1 = std::string(raw);
    a.value2.clear();
    return;
  }
  auto n = model::NormaliseValue(a.type, raw);
  if (n.ok() && n->value1.size() + 1 + n->value2.size() == raw.size() && raw.starts_with(n->value1) &&
      raw.ends_with(n->value2) && raw[n->value1.size()] == '|') {
    a.value1 = n->value1;
    a.value2 = n->value2;
    return;
  }
  const size_t bar = raw.find('|');
  a.value1 = std::string(raw.substr(0, bar));
  a.value2 = bar == std::string_view::npos ? std::string() : std::string(raw.substr(bar + 1));
}

std::string DefaultCategory(std::string_view type) {
  const auto* info = model::AttributeTypes::Get().Find(type);
  return info != nullptr ? std::string(info->default_category) : "Other";
}

std::string CategoryOf(const json::object& j, std::string_view type) {
  std::string c(Str(j, "x_misp_category"));
  if (!c.empty()) return c;
  const auto* kcp = j.if_contains("kill_chain_phases");
  if (kcp != nullptr && kcp->is_array()) {
    for (const auto& p : kcp->get_array()) {
      if (!p.is_object() || Str(p.get_object(), "kill_chain_name") != "misp-category") continue;
      c = internal::PhaseToCategory(Str(p.get_object(), "phase_name"));
      if (!c.empty()) return c;
    }
  }
  return DefaultCategory(type);
}

std::optional<int64_t> SeenMicros(const json::object& j, std::string_view key) {
  auto t = ParseTimestamp(Str(j, key));
  if (!t) return std::nullopt;
  return t->seconds * 1'000'000 + t->nanos / 1000;
}

bool IsContentProp(const FlatProp& f) {
  return f.object_type == "file" && !f.steps.empty() && f.steps[0].kind == pat::PathStep::Kind::kKey &&
         f.steps[0].key == "content_ref";
}

// Takes a file's content out of its FlatProps (file:content_ref.* of a pattern or of an SCO walk), so that the
// rest maps to a value as for a file without content; a file hash that only repeats its artifact's goes too (the
// exporter gives an attachment's file the SHA-256 of its bytes). Returns payload_bin when there is one (a url
// artifact has none).
std::optional<std::string> TakeContent(std::vector<FlatProp>& flat) {
  std::optional<std::string> payload;
  std::vector<std::pair<std::string, std::string>> artifact_hashes;  // path on the file, value
  for (const auto& f : flat) {
    if (!IsContentProp(f) || f.value.kind != pat::Literal::Kind::kString) continue;
    const std::string rest = internal::PathText(std::span<const pat::PathStep>(f.steps).subspan(1));
    if (rest == "payload_bin") payload = f.value.bytes;
    if (rest.starts_with("hashes.")) artifact_hashes.emplace_back(rest, f.value.bytes);
  }
  std::erase_if(flat, [&](const FlatProp& f) {
    if (IsContentProp(f)) return true;
    if (f.object_type != "file" || f.value.kind != pat::Literal::Kind::kString) return false;
    const std::pair<std::string, std::string> prop{internal::PathText(f.steps), f.value.bytes};
    return std::find(artifact_hashes.begin(), artifact_hashes.end(), prop) != artifact_hashes.end();
  });
  return payload;
}

// Where a file's content came from: its payload_bin and the artifact holding it ("" for a pattern's).
struct FileContent {
  std::optional<std::string> payload_bin;
  std::string artifact_id;
};

// Where a STIX id landed in the event being built.
struct Target {
  int attribute = -1;  // index into event.attributes
  int object = -1;     // index into event.objects
};

class EventBuilder;

class Importer {
 public:
  Importer(std::span<const Object> objects, const ImportOptions& options) : objs_(objects), opt_(options) {}

  Result<ImportResult> Run();

  const Object* Find(std::string_view id) const {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &objs_[it->second];
  }
  void MarkMapped(std::string_view id) {
    auto it = index_.find(id);
    if (it != index_.end()) mapped_[it->second] = true;
  }
  void MarkMapped(const Object& o) { mapped_[static_cast<size_t>(&o - objs_.data())] = true; }
  // An artifact whose content was not carried is counted as unmapped even when its observed-data was mapped.
  void Unmark(std::string_view id) {
    auto it = index_.find(id);
    if (it != index_.end()) mapped_[it->second] = false;
  }
  void Note(std::string text) {
    if (result_.notes.size() < kMaxNotes) result_.notes.push_back(std::move(text));
  }
  bool ScoReferenced(std::string_view id) const { return sco_referenced_.count(id) != 0; }
  const ImportOptions& options() const { return opt_; }

 private:
  Status BuildEvent(const Object* container, const std::vector<const Object*>& members);

  std::span<const Object> objs_;
  const ImportOptions& opt_;
  ImportResult result_;
  std::unordered_map<std::string_view, size_t> index_;
  std::unordered_set<std::string_view> sco_referenced_;
  std::vector<bool> mapped_;
};

class EventBuilder {
 public:
  EventBuilder(Importer& im, ImportedEvent& out) : im_(im), out_(out), ev_(out.event) {}

  void Add(const Object& o) {
    const auto& t = o.type;
    if (t == "identity") {
      im_.MarkMapped(o);
    } else if (t == "marking-definition") {
      if (!internal::TlpTagForMarking(o.id).empty()) im_.MarkMapped(o);
    } else if (t == "indicator") {
      const size_t before = ev_.attributes.size();
      FileContent content = Indicator(o);
      if (!content.payload_bin) content = LinkedContent(o);
      FinishContent(o, before, content);
    } else if (t == "observed-data") {
      ObservedData(o);
    } else if (t == "x-misp-attribute") {
      const size_t before = ev_.attributes.size();
      CustomAttribute(o);
      FinishContent(o, before, LinkedContent(o));
    } else if (t == "x-misp-object") {
      CustomObject(o);
    } else if (t == "vulnerability") {
      Vulnerability(o);
    } else if (t == "note") {
      NoteObject(o);
    } else if (!internal::DefaultGalaxyForSdo(t).empty()) {
      galaxies_.push_back(&o);
    } else if (t == "relationship") {
      relationships_.push_back(&o);
    } else if (t == "sighting") {
      sightings_.push_back(&o);
    } else if (o.category == ObjectCategory::kSco) {
      if (!im_.ScoReferenced(o.id)) LooseSco(o);
    }
  }

  // Relationships, galaxies and sightings need every attribute in place.
  void Finish() {
    for (const Object* r : relationships_) Relationship(*r);
    for (const Object* g : galaxies_) Galaxy(*g);
    for (const Object* s : sightings_) Sighting(*s);
  }

 private:
  model::Attribute NewAttribute(const Object& o, std::string type, std::string_view value, bool to_ids,
                                std::string uuid) {
    model::Attribute a;
    a.type = std::move(type);
    SplitValue(a, value);
    a.category = CategoryOf(o.json, a.type);
    a.to_ids = Bool(o.json, "x_misp_to_ids").value_or(to_ids);
    a.comment = std::string(Str(o.json, "x_misp_comment"));
    a.uuid = std::move(uuid);
    a.timestamp = Timestamp(o);
    a.first_seen_micros = SeenMicros(o.json, "x_misp_first_seen");
    a.last_seen_micros = SeenMicros(o.json, "x_misp_last_seen");
    TagsFromLabels(o.json, a.tags);
    TagsFromMarkings(o.json, a.tags);
    return a;
  }

  int64_t Timestamp(const Object& o) const {
    auto t = internal::ParseStixSeconds(o.modified.empty() ? o.created : o.modified);
    return t ? *t : im_.options().now;
  }

  void PushAttribute(const Object& o, model::Attribute a) {
    targets_[o.id] = Target{static_cast<int>(ev_.attributes.size()), -1};
    ev_.attributes.push_back(std::move(a));
    im_.MarkMapped(o);
  }

  // One MISP object from FlatProps: from x_misp_attributes when present, else guessed per path.
  void PushObject(const Object& o, std::span<const FlatProp> flat, std::string name, bool to_ids) {
    model::Object obj;
    obj.uuid = UuidOfId(o.id);
    obj.name = std::move(name);
    obj.meta_category = std::string(Str(o.json, "x_misp_meta_category"));
    obj.comment = std::string(Str(o.json, "x_misp_comment"));
    obj.template_uuid = std::string(Str(o.json, "x_misp_template_uuid"));
    obj.template_version = std::string(Str(o.json, "x_misp_template_version"));
    obj.timestamp = Timestamp(o);
    obj.first_seen_micros = SeenMicros(o.json, "x_misp_first_seen");
    obj.last_seen_micros = SeenMicros(o.json, "x_misp_last_seen");
    std::unordered_map<std::string, std::deque<std::string>> by_path;
    std::vector<std::pair<std::string, std::string>> ordered;  // path, value (foreign objects)
    for (const auto& f : flat) {
      const std::string path = internal::PathText(f.steps);
      if (internal::IsStructuralPath(f.object_type, path)) continue;
      std::string v = f.value.kind == pat::Literal::Kind::kInt ? std::to_string(f.value.int_value) : f.value.bytes;
      by_path[path].push_back(v);
      ordered.emplace_back(path, std::move(v));
    }
    const auto* meta = o.json.if_contains("x_misp_attributes");
    if (meta != nullptr && meta->is_array()) {
      for (const auto& m : meta->get_array()) {
        if (!m.is_object()) continue;
        const auto& mo = m.get_object();
        std::string value;
        if (const auto* v = mo.if_contains("value"); v != nullptr && v->is_string()) {
          value = std::string(v->get_string());
        } else {
          auto& q = by_path[std::string(Str(mo, "path"))];
          if (q.empty()) {
            im_.Note(o.id + ": no value for object attribute " + std::string(Str(mo, "object_relation")));
            continue;
          }
          value = std::move(q.front());
          q.pop_front();
        }
        obj.attributes.push_back(MetaAttribute(o, mo, value, to_ids));
      }
    } else {
      for (size_t i = 0; i < ordered.size(); ++i) {
        auto guess = internal::GuessRelation(obj.name, ordered[i].first);
        model::Attribute a;
        a.type = guess.type;
        SplitValue(a, ordered[i].second);
        a.object_relation = guess.relation;
        a.category = DefaultCategory(a.type);
        a.to_ids = to_ids;
        a.uuid = UuidV5(internal::kBulwarkNamespace, o.id + ":" + std::to_string(i));
        a.timestamp = obj.timestamp;
        obj.attributes.push_back(std::move(a));
      }
    }
    if (obj.attributes.empty()) {
      im_.Note(o.id + ": no attribute could be read");
      return;
    }
    targets_[o.id] = Target{-1, static_cast<int>(ev_.objects.size())};
    ev_.objects.push_back(std::move(obj));
    im_.MarkMapped(o);
  }

  model::Attribute MetaAttribute(const Object& o, const json::object& m, std::string_view value, bool to_ids) {
    model::Attribute a;
    a.type = std::string(Str(m, "type"));
    if (a.type.empty()) a.type = "text";
    SplitValue(a, value);
    a.object_relation = std::string(Str(m, "object_relation"));
    a.category = std::string(Str(m, "category"));
    if (a.category.empty()) a.category = DefaultCategory(a.type);
    a.to_ids = Bool(m, "to_ids").value_or(to_ids);
    a.comment = std::string(Str(m, "comment"));
    const std::string_view uuid = Str(m, "uuid");
    a.uuid = IsUuid(uuid) ? NormaliseUuid(uuid) : UuidV5(internal::kBulwarkNamespace, o.id + ":" + std::string(value));
    a.timestamp = Timestamp(o);
    a.first_seen_micros = SeenMicros(m, "first_seen");
    a.last_seen_micros = SeenMicros(m, "last_seen");
    TagsFromLabels(m, a.tags);
    return a;
  }

  void FromFlat(const Object& o, std::span<const FlatProp> flat, bool to_ids, size_t ordinal) {
    const std::string uuid = ordinal == 0 ? UuidOfId(o.id)
                                          : UuidV5(internal::kBulwarkNamespace, o.id + ":" + std::to_string(ordinal));
    if (auto v = internal::FlatToAttribute(flat, "")) {
      model::Attribute a = NewAttribute(o, v->type, {}, to_ids, uuid);
      a.value1 = std::move(v->value1);
      a.value2 = std::move(v->value2);
      PushAttribute(o, std::move(a));
      return;
    }
    std::string root = flat.empty() ? std::string() : flat.front().object_type;
    std::string name(internal::ObjectNameForRoot(root));
    PushObject(o, flat, name.empty() ? root : name, to_ids);
  }

  void PatternAttribute(const Object& o, std::string type, bool to_ids) {
    PushAttribute(o, NewAttribute(o, std::move(type), Str(o.json, "pattern"), to_ids, UuidOfId(o.id)));
  }

  // Returns the file content the pattern states (file:content_ref.payload_bin, misp-stix's form), if any.
  FileContent Indicator(const Object& o) {
    const std::string_view pattern_type = Str(o.json, "pattern_type");
    const std::string_view text = Str(o.json, "pattern");
    if (text.empty()) return {};
    if (pattern_type != "stix") {
      std::string t(pattern_type == "suricata" ? "snort" : pattern_type);
      if (!model::AttributeTypes::Get().IsValidType(t)) t = "text";
      PatternAttribute(o, t, true);
      return {};
    }
    auto parsed = pattern::Parse(text);
    std::optional<std::vector<FlatProp>> flat;
    if (parsed.ok()) flat = internal::PatternToFlat(*parsed);
    FileContent content;
    if (flat) content.payload_bin = TakeContent(*flat);
    IndicatorFromFlat(o, flat);
    return content;
  }

  void IndicatorFromFlat(const Object& o, const std::optional<std::vector<FlatProp>>& flat) {
    const bool meta = o.json.contains("x_misp_attributes") && o.json.contains("x_misp_name");
    if (meta) {
      PushObject(o, flat ? std::span<const FlatProp>(*flat) : std::span<const FlatProp>(),
                 std::string(Str(o.json, "x_misp_name")), true);
      return;
    }
    const std::string_view hint = Str(o.json, "x_misp_type");
    if (!hint.empty()) {
      if (const auto* v = o.json.if_contains("x_misp_value"); v != nullptr && v->is_string()) {
        PushAttribute(o, NewAttribute(o, std::string(hint), v->get_string(), true, UuidOfId(o.id)));
        return;
      }
      if (flat) {
        if (auto v = internal::FlatToAttribute(*flat, hint)) {
          model::Attribute a = NewAttribute(o, v->type, {}, true, UuidOfId(o.id));
          a.value1 = std::move(v->value1);
          a.value2 = std::move(v->value2);
          PushAttribute(o, std::move(a));
          return;
        }
      }
    }
    if (flat && !flat->empty()) {
      const std::string& root = flat->front().object_type;
      const bool one_root = std::all_of(flat->begin(), flat->end(), [&](const FlatProp& f) { return f.object_type == root; });
      if (one_root) {
        FromFlat(o, *flat, true, 0);
        return;
      }
    }
    PatternAttribute(o, "stix2-pattern", true);
  }

  // The artifact named by x_misp_attachment_ref: this exporter's link from an indicator, or from an
  // observed-data whose file SCO could not carry content_ref.
  FileContent LinkedContent(const Object& o) const {
    FileContent c;
    const std::string_view ref = Str(o.json, "x_misp_attachment_ref");
    const Object* artifact = ref.empty() ? nullptr : im_.Find(ref);
    if (artifact == nullptr || artifact->type != "artifact") return c;
    c.artifact_id = artifact->id;
    if (const auto* p = artifact->json.if_contains("payload_bin"); p != nullptr && p->is_string()) {
      c.payload_bin = std::string(p->get_string());
    }
    return c;
  }

  // The content of the root file SCO `root` (its content_ref artifact, walked into `flat`), taken out of `flat`.
  static FileContent RootContent(const json::object& root, std::vector<FlatProp>& flat) {
    FileContent c;
    c.payload_bin = TakeContent(flat);
    if (c.payload_bin) c.artifact_id = std::string(Str(root, "content_ref"));
    return c;
  }

  // Gives the one attribute pushed for `o` since `before` the content's bytes as its data. For a file without
  // x_misp_type (foreign STIX), a filename with content becomes an attachment and a filename|md5 a
  // malware-sample. Returns false when there was content that is not carried (not base64, or no attachment or
  // malware-sample attribute to hold it), with a note.
  bool AttachContent(const Object& o, size_t before, const FileContent& c) {
    if (!c.payload_bin) return true;
    const std::string from = c.artifact_id.empty() ? std::string("file:content_ref") : c.artifact_id;
    std::optional<std::string> bytes = Base64Decode(*c.payload_bin);
    if (!bytes) {
      im_.Note(o.id + ": payload_bin of " + from + " is not base64; the file's content is not imported");
      return false;
    }
    if (ev_.attributes.size() != before + 1) {
      im_.Note(o.id + ": the content of " + from + " is not imported (the file did not become one attribute)");
      return false;
    }
    model::Attribute& a = ev_.attributes.back();
    if (Str(o.json, "x_misp_type").empty()) {
      if (a.type == "filename") a.type = "attachment";
      if (a.type == "filename|md5") a.type = "malware-sample";
    }
    if (a.type != "attachment" && a.type != "malware-sample") {
      im_.Note(o.id + ": the content of " + from + " is not imported (a " + a.type + " attribute has no data)");
      return false;
    }
    out_.attribute_data[a.uuid] = Base64Encode(*bytes);
    return true;
  }

  // AttachContent, then the artifact is mapped exactly when its content was carried.
  void FinishContent(const Object& o, size_t before, const FileContent& c) {
    const bool carried = AttachContent(o, before, c);
    if (c.artifact_id.empty() || !c.payload_bin) return;
    if (carried) {
      im_.MarkMapped(c.artifact_id);
    } else {
      im_.Unmark(c.artifact_id);
    }
  }

  void ObservedData(const Object& o) {
    const auto* refs = o.json.if_contains("object_refs");
    if (refs == nullptr || !refs->is_array()) {
      im_.Note(o.id + ": observed-data without object_refs (STIX 2.0 embedded objects are not read)");
      return;
    }
    std::vector<const Object*> scos;
    std::unordered_set<std::string_view> inner;
    for (const auto& r : refs->get_array()) {
      if (!r.is_string()) continue;
      const Object* s = im_.Find(r.get_string());
      if (s == nullptr) continue;
      scos.push_back(s);
      for (const auto& kv : s->json) {
        if (kv.key().ends_with("_ref") && kv.value().is_string()) inner.insert(kv.value().get_string());
        if (kv.key().ends_with("_refs") && kv.value().is_array()) {
          for (const auto& x : kv.value().get_array()) {
            if (x.is_string()) inner.insert(x.get_string());
          }
        }
      }
    }
    if (scos.empty()) {
      im_.Note(o.id + ": none of the observed objects is in the input");
      return;
    }
    const ScoResolver resolve = [this](std::string_view id) -> const json::object* {
      const Object* x = im_.Find(id);
      return x != nullptr && x->category == ObjectCategory::kSco ? &x->json : nullptr;
    };
    std::vector<const Object*> roots;
    for (const Object* s : scos) {
      if (!inner.count(s->id)) roots.push_back(s);
    }
    if (roots.empty()) roots.push_back(scos.front());
    const bool meta = o.json.contains("x_misp_attributes") && o.json.contains("x_misp_name");
    const std::string_view hint = Str(o.json, "x_misp_type");
    const size_t before = ev_.attributes.size() + ev_.objects.size();
    std::vector<std::pair<size_t, FileContent>> contents;  // (attributes before, content) per attribute
    if (meta) {
      auto flat = internal::WalkSco(roots.front()->json, resolve);
      PushObject(o, flat, std::string(Str(o.json, "x_misp_name")), false);
    } else if (!hint.empty()) {
      const auto* v = o.json.if_contains("x_misp_value");
      auto flat = internal::WalkSco(roots.front()->json, resolve);
      contents.emplace_back(ev_.attributes.size(), RootContent(roots.front()->json, flat));
      if (!contents.back().second.payload_bin) contents.back().second = LinkedContent(o);
      std::optional<internal::MispValue> mv;
      if (v == nullptr || !v->is_string()) mv = internal::FlatToAttribute(flat, hint);
      if (v != nullptr && v->is_string()) {
        PushAttribute(o, NewAttribute(o, std::string(hint), v->get_string(), false, UuidOfId(o.id)));
      } else if (mv) {
        model::Attribute a = NewAttribute(o, mv->type, {}, false, UuidOfId(o.id));
        a.value1 = std::move(mv->value1);
        a.value2 = std::move(mv->value2);
        PushAttribute(o, std::move(a));
      }
    } else {
      for (size_t i = 0; i < roots.size(); ++i) {
        auto flat = internal::WalkSco(roots[i]->json, resolve);
        contents.emplace_back(ev_.attributes.size(), RootContent(roots[i]->json, flat));
        FromFlat(o, flat, false, i);
        if (!AttachContent(o, contents.back().first, contents.back().second)) continue;
        contents.pop_back();  // carried, or nothing to carry
      }
    }
    if (ev_.attributes.size() + ev_.objects.size() > before) {
      for (const Object* s : scos) im_.MarkMapped(*s);
      for (std::string_view id : inner) im_.MarkMapped(id);
    }
    if (!hint.empty() && !contents.empty()) {
      FinishContent(o, contents.front().first, contents.front().second);
    } else {
      for (const auto& [at, content] : contents) im_.Unmark(content.artifact_id);  // generic roots, not carried
    }
  }

  void LooseSco(const Object& o) {
    const ScoResolver resolve = [this](std::string_view id) -> const json::object* {
      const Object* x = im_.Find(id);
      return x != nullptr && x->category == ObjectCategory::kSco ? &x->json : nullptr;
    };
    auto flat = internal::WalkSco(o.json, resolve);
    if (flat.empty()) return;
    const FileContent content = RootContent(o.json, flat);
    const size_t before = ev_.attributes.size();
    FromFlat(o, flat, false, 0);
    FinishContent(o, before, content);
  }

  void CustomAttribute(const Object& o) {
    const std::string_view type = Str(o.json, "x_misp_type");
    if (type.empty()) return;
    PushAttribute(o, NewAttribute(o, std::string(type), Str(o.json, "x_misp_value"), false, UuidOfId(o.id)));
  }

  void CustomObject(const Object& o) { PushObject(o, {}, std::string(Str(o.json, "x_misp_name")), false); }

  void Vulnerability(const Object& o) {
    const std::string_view name = Str(o.json, "name");
    if (name.empty()) return;
    const std::string_view hint = Str(o.json, "x_misp_type");
    const auto* v = o.json.if_contains("x_misp_value");
    const std::string_view value = v != nullptr && v->is_string() ? std::string_view(v->get_string()) : name;
    PushAttribute(o, NewAttribute(o, hint.empty() ? "vulnerability" : std::string(hint), value, false, UuidOfId(o.id)));
    if (hint.empty()) AddTag(ev_.tags, "misp-galaxy:branded-vulnerability=\"" + std::string(name) + "\"");
  }

  void NoteObject(const Object& o) {
    const std::string_view content = Str(o.json, "content");
    if (content.empty()) return;
    model::Attribute a = NewAttribute(o, "text", content, false, UuidOfId(o.id));
    if (a.comment.empty()) a.comment = std::string(Str(o.json, "abstract"));
    PushAttribute(o, std::move(a));
  }

  std::string GalaxyTag(const Object& o) const {
    const std::string_view name = Str(o.json, "name");
    if (name.empty() || name.find('"') != std::string_view::npos) return "";
    std::string_view galaxy = Str(o.json, "x_misp_galaxy_type");
    if (galaxy.empty()) galaxy = internal::DefaultGalaxyForSdo(o.type);
    return "misp-galaxy:" + std::string(galaxy) + "=\"" + std::string(name) + "\"";
  }

  void Galaxy(const Object& o) {
    const std::string tag = GalaxyTag(o);
    if (tag.empty()) {
      im_.Note(o.id + ": " + o.type + " without a usable name");
      return;
    }
    if (!attached_.count(o.id)) AddTag(ev_.tags, tag);
    im_.MarkMapped(o);
  }

  void Relationship(const Object& r) {
    const std::string_view src = Str(r.json, "source_ref");
    const std::string_view tgt = Str(r.json, "target_ref");
    auto s = targets_.find(std::string(src));
    if (s == targets_.end()) return;
    const Object* target = im_.Find(tgt);
    if (target != nullptr && !internal::DefaultGalaxyForSdo(target->type).empty()) {
      const std::string tag = GalaxyTag(*target);
      if (tag.empty()) return;
      std::vector<model::AppliedTag>* tags = nullptr;
      if (s->second.attribute >= 0) tags = &ev_.attributes[static_cast<size_t>(s->second.attribute)].tags;
      if (s->second.object >= 0) {
        auto& attrs = ev_.objects[static_cast<size_t>(s->second.object)].attributes;
        const bool present = std::any_of(attrs.begin(), attrs.end(), [&](const model::Attribute& a) {
          return std::any_of(a.tags.begin(), a.tags.end(), [&](const model::AppliedTag& t) { return t.tag.name == tag; });
        });
        if (!present && !attrs.empty()) tags = &attrs.front().tags;
        if (present) attached_.insert(target->id);
      }
      if (tags != nullptr) {
        AddTag(*tags, tag);
        attached_.insert(target->id);
      }
      im_.MarkMapped(r);
      return;
    }
    auto t = targets_.find(std::string(tgt));
    if (t == targets_.end() || s->second.object < 0) return;
    model::ObjectReference ref;
    auto& obj = ev_.objects[static_cast<size_t>(s->second.object)];
    ref.uuid = UuidOfId(r.id);
    ref.source_uuid = obj.uuid;
    const std::string_view referenced = Str(r.json, "x_misp_referenced_uuid");
    if (!referenced.empty()) {
      ref.referenced_uuid = std::string(referenced);
    } else if (t->second.object >= 0) {
      ref.referenced_uuid = ev_.objects[static_cast<size_t>(t->second.object)].uuid;
    } else {
      ref.referenced_uuid = ev_.attributes[static_cast<size_t>(t->second.attribute)].uuid;
    }
    ref.referenced_type = t->second.object >= 0 ? "Object" : "Attribute";
    const std::string_view misp_type = Str(r.json, "x_misp_relationship_type");
    ref.relationship_type = std::string(misp_type.empty() ? Str(r.json, "relationship_type") : misp_type);
    ref.comment = std::string(Str(r.json, "x_misp_comment"));
    ref.timestamp = Timestamp(r);
    obj.references.push_back(std::move(ref));
    im_.MarkMapped(r);
  }

  void Sighting(const Object& s) {
    auto t = targets_.find(std::string(Str(s.json, "sighting_of_ref")));
    if (t == targets_.end()) return;
    ImportedSighting out;
    out.attribute_uuid = std::string(Str(s.json, "x_misp_attribute_uuid"));
    if (out.attribute_uuid.empty()) {
      if (t->second.attribute >= 0) {
        out.attribute_uuid = ev_.attributes[static_cast<size_t>(t->second.attribute)].uuid;
      } else {
        const auto& attrs = ev_.objects[static_cast<size_t>(t->second.object)].attributes;
        if (attrs.empty()) return;
        out.attribute_uuid = attrs.front().uuid;
      }
    }
    const auto* where = s.json.if_contains("where_sighted_refs");
    std::string_view org_id = s.created_by_ref;
    if (where != nullptr && where->is_array() && !where->get_array().empty() && where->get_array()[0].is_string()) {
      org_id = where->get_array()[0].get_string();
    }
    if (!org_id.empty()) {
      out.org_uuid = UuidOfId(org_id);
      if (const Object* ident = im_.Find(org_id)) out.org_name = std::string(Str(ident->json, "name"));
    }
    out.count = std::max<int64_t>(Int(s.json, "count", 1), 0);
    out.first_seen = internal::ParseStixSeconds(Str(s.json, "first_seen")).value_or(0);
    out.last_seen = internal::ParseStixSeconds(Str(s.json, "last_seen")).value_or(out.first_seen);
    const std::string_view type = Str(s.json, "x_misp_sighting_type");
    out.type = type == "false-positive" ? model::SightingType::kFalsePositive
               : type == "expiration"   ? model::SightingType::kExpiration
                                        : model::SightingType::kSighting;
    out_.sightings.push_back(std::move(out));
    im_.MarkMapped(s);
  }

  Importer& im_;
  ImportedEvent& out_;
  model::Event& ev_;
  std::unordered_map<std::string, Target> targets_;
  std::unordered_set<std::string> attached_;  // galaxy SDO ids linked to an attribute
  std::vector<const Object*> relationships_, galaxies_, sightings_;
};

void FillHeader(ImportedEvent& out, const Object& c, Importer& im) {
  model::Event& e = out.event;
  const auto& j = c.json;
  e.uuid = UuidOfId(c.id);
  e.info = std::string(Str(j, "name"));
  if (e.info.empty()) e.info = "STIX " + c.type + " " + c.id;
  e.date = std::string(Str(j, "x_misp_date"));
  if (e.date.size() != 10) {
    const std::string_view when = Str(j, "published").empty() ? std::string_view(c.created) : Str(j, "published");
    e.date = std::string(when.substr(0, std::min<size_t>(10, when.size())));
  }
  e.timestamp = internal::ParseStixSeconds(c.modified).value_or(im.options().now);
  const int64_t tl = Int(j, "x_misp_threat_level_id", 4);
  e.threat_level = tl >= 1 && tl <= 4 ? static_cast<model::ThreatLevel>(tl) : model::ThreatLevel::kUndefined;
  const int64_t an = Int(j, "x_misp_analysis", 0);
  e.analysis = an >= 0 && an <= 2 ? static_cast<model::Analysis>(an) : model::Analysis::kInitial;
  e.published = Bool(j, "x_misp_published").value_or(false);
  TagsFromLabels(j, e.tags);
  TagsFromMarkings(j, e.tags);
}

void FillCreator(ImportedEvent& out, std::string_view identity_id, Importer& im) {
  const Object* ident = identity_id.empty() ? nullptr : im.Find(identity_id);
  if (ident == nullptr || ident->type != "identity") return;
  model::Organisation org;
  org.uuid = UuidOfId(ident->id);
  org.name = std::string(Str(ident->json, "name"));
  org.local = false;
  out.creator = std::move(org);
  im.MarkMapped(*ident);
}

Status Importer::BuildEvent(const Object* container, const std::vector<const Object*>& members) {
  if (result_.events.size() >= opt_.max_events) {
    return MakeError(ErrorCode::kTooLarge, "more than " + std::to_string(opt_.max_events) + " events in one import");
  }
  result_.events.emplace_back();
  ImportedEvent& out = result_.events.back();
  if (container != nullptr) {
    FillHeader(out, *container, *this);
    FillCreator(out, container->created_by_ref, *this);
    mapped_[static_cast<size_t>(container - objs_.data())] = true;
  }
  EventBuilder b(*this, out);
  for (const Object* m : members) b.Add(*m);
  b.Finish();
  return Ok();
}

Result<ImportResult> Importer::Run() {
  result_.objects_seen = objs_.size();
  mapped_.assign(objs_.size(), false);
  index_.reserve(objs_.size());
  for (size_t i = 0; i < objs_.size(); ++i) {
    const Object& o = objs_[i];
    if (o.id.empty()) continue;
    auto [it, inserted] = index_.emplace(o.id, i);
    if (!inserted) {
      // Versions of one object: keep the newest (spec 3.6); the older one is accounted for as superseded.
      const Object& prev = objs_[it->second];
      const bool newer = o.modified > prev.modified;
      mapped_[newer ? it->second : i] = true;
      if (newer) it->second = i;
      Note("older version of " + o.id + " superseded");
    }
    if (o.category == ObjectCategory::kSco) {
      for (const auto& kv : o.json) {
        if (kv.key().ends_with("_ref") && kv.value().is_string()) sco_referenced_.insert(kv.value().get_string());
        if (kv.key().ends_with("_refs") && kv.value().is_array()) {
          for (const auto& x : kv.value().get_array()) {
            if (x.is_string()) sco_referenced_.insert(x.get_string());
          }
        }
      }
    }
    // An artifact linked by x_misp_attachment_ref is its attribute's content, not an observable of its own.
    if (const auto* r = o.json.if_contains("x_misp_attachment_ref"); r != nullptr && r->is_string()) {
      sco_referenced_.insert(r->get_string());
    }
    if (o.type == "observed-data") {
      if (const auto* r = o.json.if_contains("object_refs"); r != nullptr && r->is_array()) {
        for (const auto& x : r->get_array()) {
          if (x.is_string()) sco_referenced_.insert(x.get_string());
        }
      }
    }
  }
  std::vector<bool> in_container(objs_.size(), false);
  for (size_t i = 0; i < objs_.size(); ++i) {
    const Object& c = objs_[i];
    if (c.type != "report" && c.type != "grouping") continue;
    if (index_.at(c.id) != i) continue;  // a superseded version
    std::vector<const Object*> members;
    if (const auto* r = c.json.if_contains("object_refs"); r != nullptr && r->is_array()) {
      for (const auto& x : r->get_array()) {
        if (!x.is_string()) continue;
        auto it = index_.find(x.get_string());
        if (it == index_.end()) continue;
        members.push_back(&objs_[it->second]);
        in_container[it->second] = true;
      }
    }
    BW_RETURN_IF_ERROR(BuildEvent(&c, members));
  }
  std::vector<const Object*> loose;
  std::unordered_map<std::string_view, size_t> creators;
  for (size_t i = 0; i < objs_.size(); ++i) {
    const Object& o = objs_[i];
    if (in_container[i] || mapped_[i] || o.type == "report" || o.type == "grouping") continue;
    loose.push_back(&o);
    if (!o.created_by_ref.empty()) ++creators[o.created_by_ref];
  }
  if (!loose.empty()) {
    const size_t first_event = result_.events.size();
    BW_RETURN_IF_ERROR(BuildEvent(nullptr, loose));
    ImportedEvent& ev = result_.events[first_event];
    std::string_view creator;
    size_t best = 0;
    for (const auto& [id, n] : creators) {
      if (n > best || (n == best && id < creator)) {
        best = n;
        creator = id;
      }
    }
    FillCreator(ev, creator, *this);
    const std::string seed = !opt_.bundle_id.empty() ? opt_.bundle_id : loose.front()->id;
    ev.event.uuid = UuidV5(internal::kBulwarkNamespace, "loose:" + seed);
    ev.event.info = opt_.loose_event_title;
    if (ev.event.info.empty()) {
      ev.event.info = "STIX import";
      if (!opt_.bundle_id.empty()) {
        ev.event.info += " " + opt_.bundle_id;
      } else if (ev.creator && !ev.creator->name.empty()) {
        ev.event.info += " from " + ev.creator->name;
      }
    }
    ev.event.timestamp = opt_.now;
    if (ev.event.attributes.empty() && ev.event.objects.empty() && ev.event.tags.empty()) {
      result_.events.erase(result_.events.begin() + static_cast<std::ptrdiff_t>(first_event));
    }
  }
  for (size_t i = 0; i < objs_.size(); ++i) {
    if (mapped_[i]) {
      ++result_.objects_mapped;
    } else {
      ++result_.unmapped[objs_[i].type.empty() ? std::string("(no type)") : objs_[i].type];
    }
  }
  return std::move(result_);
}

}  // namespace

size_t ImportResult::unmapped_total() const {
  size_t n = 0;
  for (const auto& [type, count] : unmapped) n += count;
  return n;
}

Result<ImportResult> StixToEvents(std::span<const Object> objects, const ImportOptions& options) {
  Importer importer(objects, options);
  return importer.Run();
}

}  // namespace bulwark::stix::mapping
