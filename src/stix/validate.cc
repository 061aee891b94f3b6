#include "stix/validate.h"

#include <array>
#include <cmath>

#include "stix/checker.h"
#include "stix/spec_tables.h"

namespace bulwark::stix {
namespace internal {
namespace {

constexpr std::string_view kMarkingTargets[] = {"marking-definition"};
constexpr std::string_view kIdentityTargets[] = {"identity"};

std::string_view KindName(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "an integer";
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "a list";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

// RFC 4122 variant (10xx) and versions 1-5, as the spec's identifier requires.
bool IsRfc4122(std::string_view uuid) {
  if (uuid.size() != 36) return false;
  const char version = uuid[14];
  const char variant = static_cast<char>(uuid[19] | 0x20);
  return version >= '1' && version <= '5' && (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
}

bool TargetAllowed(std::string_view type, std::span<const std::string_view> targets) {
  if (targets.empty()) return true;
  const ObjectCategory cat = Classify(type);
  for (std::string_view t : targets) {
    if (t == kAnyObject && cat != ObjectCategory::kInvalid) return true;
    if (t == kAnySdo && (cat == ObjectCategory::kSdo || cat == ObjectCategory::kCustom)) return true;
    if (t == kAnySco && (cat == ObjectCategory::kSco || cat == ObjectCategory::kCustom)) return true;
    if (t == kAnySro && cat == ObjectCategory::kSro) return true;
    if (t == type) return true;
  }
  return false;
}

std::string TargetsText(std::span<const std::string_view> targets) {
  std::string out;
  for (std::string_view t : targets) {
    if (!out.empty()) out += ", ";
    if (t == kAnySdo) {
      out += "an SDO";
    } else if (t == kAnySco) {
      out += "an SCO";
    } else if (t == kAnySro) {
      out += "an SRO";
    } else {
      out += t;
    }
  }
  return out;
}

bool IsCustomPropertyName(std::string_view name) {
  if (name.size() < 3 || name.size() > 250) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool LooksLikeRef(const boost::json::value& v) {
  if (!v.is_string()) return false;
  const std::string_view id = v.get_string();
  return IsIdentifier(id) && IsRfc4122(id.substr(id.find("--") + 2));
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Common properties (§3.2); which categories may carry which is checked in CheckCommonProperties.
constexpr std::array<std::string_view, 15> kCommonNames = {
    "type",    "spec_version", "id",         "created_by_ref", "created",             "modified",
    "revoked", "labels",       "confidence", "lang",           "external_references", "object_marking_refs",
    "granular_markings", "extensions", "defanged"};

bool IsCommonName(std::string_view name) {
  for (std::string_view n : kCommonNames) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace

std::string IndexPath(std::string_view path, size_t i) {
  std::string p(path);
  p += '[';
  p += std::to_string(i);
  p += ']';
  return p;
}

std::string MemberPath(std::string_view path, std::string_view key) {
  std::string p(path);
  p += '.';
  p += key;
  return p;
}

void Checker::Error(std::string_view path, std::string message) {
  issues_.push_back(Issue{Severity::kError, object_.id, std::string(path), std::move(message)});
}

void Checker::Warn(std::string_view path, std::string message) {
  issues_.push_back(Issue{Severity::kWarning, object_.id, std::string(path), std::move(message)});
}

std::optional<Timestamp> Checker::CheckTimestamp(std::string_view path, const boost::json::value& v, bool millis) {
  if (!v.is_string()) {
    Error(path, "must be a timestamp string, not " + std::string(KindName(v)));
    return std::nullopt;
  }
  const std::string_view text = v.get_string();
  auto ts = ParseTimestamp(text);
  if (!ts) {
    Error(path, "'" + std::string(text) + "' is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z, UTC)");
    return std::nullopt;
  }
  if (millis && ts->fraction_digits < 3) {
    Error(path, "'" + std::string(text) + "' must be precise to at least the millisecond");
  }
  return ts;
}

std::optional<Timestamp> Checker::TimestampOf(std::string_view key) const {
  const auto* v = json_.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return ParseTimestamp(v->get_string());
}

bool Checker::CheckRef(std::string_view path, const boost::json::value& v, std::span<const std::string_view> targets) {
  if (!v.is_string()) {
    Error(path, "must be an identifier string, not " + std::string(KindName(v)));
    return false;
  }
  const std::string_view id = v.get_string();
  if (!IsIdentifier(id) || !IsRfc4122(id.substr(id.find("--") + 2))) {
    Error(path, "'" + std::string(id) + "' is not a STIX identifier (type--RFC 4122 UUID)");
    return false;
  }
  const std::string_view type = IdentifierType(id);
  if (!TargetAllowed(type, targets)) {
    Error(path, "'" + std::string(id) + "' must refer to " + TargetsText(targets) + ", not " + std::string(type));
    return false;
  }
  return true;
}

bool Checker::CheckRefList(std::string_view path, const boost::json::value& v,
                           std::span<const std::string_view> targets) {
  if (!v.is_array()) {
    Error(path, "must be a list of identifiers, not " + std::string(KindName(v)));
    return false;
  }
  const auto& a = v.get_array();
  if (a.empty()) {
    Error(path, "must not be an empty list");
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < a.size(); ++i) ok = CheckRef(IndexPath(path, i), a[i], targets) && ok;
  return ok;
}

void Checker::CheckKillChainPhases(std::string_view path, const boost::json::value& v) {
  if (!v.is_array() || v.get_array().empty()) {
    Error(path, "must be a non-empty list of kill chain phases");
    return;
  }
  const auto& a = v.get_array();
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string p = IndexPath(path, i);
    if (!a[i].is_object()) {
      Error(p, "must be a kill-chain-phase object");
      continue;
    }
    for (std::string_view key : {"kill_chain_name", "phase_name"}) {
      const auto* s = a[i].get_object().if_contains(key);
      if (s == nullptr || !s->is_string()) Error(MemberPath(p, key), "is required and must be a string");
    }
  }
}

bool Checker::CheckKind(std::string_view path, const boost::json::value& v, const PropSpec& spec) {
  auto fail = [&](std::string_view want) {
    Error(path, "must be " + std::string(want) + ", not " + std::string(KindName(v)));
    return false;
  };
  switch (spec.kind) {
    case PropKind::kString:
      return v.is_string() || fail("a string");
    case PropKind::kStringList: {
      if (!v.is_array()) return fail("a list of strings");
      const auto& a = v.get_array();
      if (a.empty()) {
        Error(path, "must not be an empty list");
        return false;
      }
      for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_string()) {
          Error(IndexPath(path, i), "must be a string, not " + std::string(KindName(a[i])));
          return false;
        }
      }
      return true;
    }
    case PropKind::kInteger: {
      int64_t n = 0;
      if (v.is_int64()) {
        n = v.get_int64();
      } else if (v.is_uint64()) {
        n = v.get_uint64() > static_cast<uint64_t>(spec.max) ? spec.max : static_cast<int64_t>(v.get_uint64());
        if (v.get_uint64() > static_cast<uint64_t>(spec.max)) {
          Error(path, std::to_string(v.get_uint64()) + " is above the maximum " + std::to_string(spec.max));
          return false;
        }
      } else if (v.is_double() && std::floor(v.get_double()) == v.get_double() && std::abs(v.get_double()) < 9e15) {
        n = static_cast<int64_t>(v.get_double());  // 5.0: JSON does not distinguish
      } else {
        return fail("an integer");
      }
      if (n < spec.min || n > spec.max) {
        Error(path, std::to_string(n) + " is outside [" + std::to_string(spec.min) + ", " + std::to_string(spec.max) +
                        "]");
        return false;
      }
      return true;
    }
    case PropKind::kNumber: {
      if (!v.is_number()) return fail("a number");
      const double d = v.to_number<double>();
      if (d < static_cast<double>(spec.min) || d > static_cast<double>(spec.max)) {
        Error(path, "is outside [" + std::to_string(spec.min) + ", " + std::to_string(spec.max) + "]");
        return false;
      }
      return true;
    }
    case PropKind::kBoolean:
      return v.is_bool() || fail("a boolean");
    case PropKind::kTimestamp:
      return CheckTimestamp(path, v).has_value();
    case PropKind::kRef:
      return CheckRef(path, v, spec.targets);
    case PropKind::kRefList:
      return CheckRefList(path, v, spec.targets);
    case PropKind::kHashes:
      CheckHashes(path, v);
      return true;
    case PropKind::kDict:
      return v.is_object() || fail("a dictionary (JSON object)");
    case PropKind::kList:
      if (!v.is_array()) return fail("a list");
      if (v.get_array().empty()) {
        Error(path, "must not be an empty list");
        return false;
      }
      return true;
    case PropKind::kKillChainPhases:
      CheckKillChainPhases(path, v);
      return true;
    case PropKind::kBinary: {
      if (!v.is_string()) return fail("a base64 string");
      for (char ch : std::string_view(v.get_string())) {
        const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                        ch == '+' || ch == '/' || ch == '=';
        if (!ok) {
          Error(path, "is not base64");
          return false;
        }
      }
      return true;
    }
    case PropKind::kHex: {
      if (!v.is_string()) return fail("a hex string");
      const std::string_view s = v.get_string();
      for (char ch : s) {
        if (!std::isxdigit(static_cast<unsigned char>(ch))) {
          Error(path, "is not hexadecimal");
          return false;
        }
      }
      if (s.size() % 2 != 0) {
        Error(path, "must have an even number of hex digits");
        return false;
      }
      return true;
    }
  }
  return true;
}

namespace {

void CheckExternalReferences(Checker& c, const boost::json::value& v) {
  constexpr std::string_view path = "external_references";
  if (!v.is_array() || v.get_array().empty()) {
    c.Error(path, "must be a non-empty list of external references");
    return;
  }
  const auto& a = v.get_array();
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string p = IndexPath(path, i);
    if (!a[i].is_object()) {
      c.Error(p, "must be an external-reference object");
      continue;
    }
    const auto& ref = a[i].get_object();
    const auto* source = ref.if_contains("source_name");
    if (source == nullptr || !source->is_string()) c.Error(MemberPath(p, "source_name"), "is required and must be a string");
    bool has_detail = false;
    for (std::string_view key : {"description", "url", "external_id"}) {
      if (const auto* s = ref.if_contains(key)) {
        has_detail = true;
        if (!s->is_string()) c.Error(MemberPath(p, key), "must be a string");
      }
    }
    if (!has_detail) c.Error(p, "needs at least one of description, url or external_id besides source_name");
    if (const auto* h = ref.if_contains("hashes")) c.CheckHashes(MemberPath(p, "hashes"), *h);
  }
}

void CheckIdAndType(Checker& c) {
  const Object& o = c.object();
  const auto* type = c.json().if_contains("type");
  if (type == nullptr || !type->is_string()) {
    c.Error("type", "is required and must be a string");
  } else if (o.category == ObjectCategory::kInvalid) {
    c.Error("type", "'" + o.type + "' is not a valid STIX object type (3-250 of [a-z0-9-], starting with a letter)");
  } else if (o.category == ObjectCategory::kCustom && c.options().reject_custom_objects) {
    c.Error("type", "custom object type '" + o.type + "' is not accepted");
  }
  const auto* id = c.json().if_contains("id");
  if (id == nullptr || !id->is_string()) {
    c.Error("id", "is required and must be a string");
    return;
  }
  const std::string_view text = id->get_string();
  const size_t sep = text.find("--");
  if (sep == std::string_view::npos || !IsIdentifier(text) || !IsRfc4122(text.substr(sep + 2))) {
    c.Error("id", "'" + std::string(text) + "' is not of the form type--UUID (RFC 4122)");
  } else if (text.substr(0, sep) != o.type) {
    c.Error("id", "type prefix '" + std::string(text.substr(0, sep)) + "' does not match type '" + o.type + "'");
  }
}

void CheckSpecVersion(Checker& c) {
  const Object& o = c.object();
  const auto* sv = c.json().if_contains("spec_version");
  if (sv == nullptr) {
    if (o.category == ObjectCategory::kSdo || o.category == ObjectCategory::kSro ||
        o.category == ObjectCategory::kMeta) {
      c.Error("spec_version", "is required (\"2.1\")");
    } else if (o.category == ObjectCategory::kCustom) {
      c.Warn("spec_version", "is missing; taken as \"2.1\"");
    }
    return;
  }
  if (!sv->is_string() || sv->get_string() != "2.1") {
    c.Error("spec_version", "must be \"2.1\"");
  }
}

void CheckVersioning(Checker& c) {
  const Object& o = c.object();
  const bool sco = o.category == ObjectCategory::kSco;
  const bool marking = o.type == "marking-definition";
  const bool custom = o.category == ObjectCategory::kCustom;
  const auto* created = c.json().if_contains("created");
  const auto* modified = c.json().if_contains("modified");
  std::optional<Timestamp> tc, tm;
  if (created != nullptr) {
    tc = c.CheckTimestamp("created", *created, !sco);
  } else if (!sco && !custom) {
    c.Error("created", "is required");
  }
  if (modified != nullptr) {
    tm = c.CheckTimestamp("modified", *modified, !sco);
  } else if (!sco && !custom && !marking) {
    c.Error("modified", "is required");
  }
  if (tc && tm && *tm < *tc) c.Error("modified", "'" + o.modified + "' is earlier than created '" + o.created + "'");
}

void CheckCommonProperties(Checker& c) {
  const auto& j = c.json();
  const ObjectCategory cat = c.object().category;
  const bool sco = cat == ObjectCategory::kSco;
  if (const auto* v = j.if_contains("created_by_ref")) c.CheckRef("created_by_ref", *v, kIdentityTargets);
  if (const auto* v = j.if_contains("revoked"); v != nullptr && !v->is_bool()) c.Error("revoked", "must be a boolean");
  if (const auto* v = j.if_contains("labels")) c.CheckKind("labels", *v, PropSpec{"labels", PropKind::kStringList});
  if (const auto* v = j.if_contains("confidence")) {
    c.CheckKind("confidence", *v, PropSpec{"confidence", PropKind::kInteger, false, {}, 0, 100});
  }
  if (const auto* v = j.if_contains("lang"); v != nullptr && !v->is_string()) c.Error("lang", "must be a string");
  if (const auto* v = j.if_contains("external_references")) CheckExternalReferences(c, *v);
  if (const auto* v = j.if_contains("object_marking_refs")) {
    c.CheckRefList("object_marking_refs", *v, kMarkingTargets);
    if (v->is_array()) {
      for (const auto& m : v->get_array()) {
        if (m.is_string() && m.get_string() == c.object().id) {
          c.Error("object_marking_refs", "a marking definition must not mark itself");
        }
      }
    }
  }
  if (const auto* v = j.if_contains("defanged")) {
    if (!sco) {
      c.Error("defanged", "is only defined for SCOs");
    } else if (!v->is_bool()) {
      c.Error("defanged", "must be a boolean");
    }
  }
  if (sco) {
    for (std::string_view key : {"created_by_ref", "revoked", "labels", "confidence", "lang", "external_references"}) {
      if (j.contains(key)) c.Error(key, "is not a property of SCOs (spec §3.2)");
    }
  }
}

// Type-specific properties (spec tables) and the generic *_ref / *_refs and property-name rules.
void CheckProperties(Checker& c) {
  const Object& o = c.object();
  const TypeSpec* spec = FindTypeSpec(o.type);
  if (spec != nullptr) {
    for (const PropSpec& p : spec->props) {
      const auto* v = c.json().if_contains(p.name);
      if (v == nullptr) {
        if (p.required) c.Error(p.name, "is required for " + o.type);
        continue;
      }
      c.CheckKind(p.name, *v, p);
    }
  }
  for (const auto& kv : c.json()) {
    const std::string_view name = kv.key();
    bool known = IsCommonName(name);
    if (!known && spec != nullptr) {
      for (const PropSpec& p : spec->props) {
        if (p.name == name) {
          known = true;
          break;
        }
      }
    }
    if (known) continue;
    if (!IsCustomPropertyName(name)) {
      c.Error(name, "is not a valid property name (3-250 characters of [a-zA-Z0-9_])");
      continue;
    }
    // Custom reference properties: the spec constrains only its own properties, so a malformed custom
    // reference is a warning (ATT&CK ICS ships x_mitre_data_source_ref: "").
    if (EndsWith(name, "_ref") && !LooksLikeRef(kv.value())) {
      c.Warn(name, "should be a STIX identifier (a custom reference property)");
    } else if (EndsWith(name, "_refs")) {
      bool ok = kv.value().is_array();
      if (ok) {
        for (const auto& e : kv.value().get_array()) ok = ok && LooksLikeRef(e);
      }
      if (!ok) c.Warn(name, "should be a list of STIX identifiers (a custom reference property)");
    }
  }
}

}  // namespace
}  // namespace internal

std::vector<Issue> Validate(const Object& object, const ValidationOptions& options) {
  std::vector<Issue> issues;
  internal::Checker c(object, options, issues);
  internal::CheckIdAndType(c);
  if (object.category == ObjectCategory::kInvalid) return issues;
  internal::CheckSpecVersion(c);
  internal::CheckVersioning(c);
  internal::CheckCommonProperties(c);
  internal::CheckProperties(c);
  internal::CheckGranularMarkings(c);
  internal::CheckExtensions(c);
  if (object.type == "marking-definition") internal::CheckMarkingDefinition(c);
  internal::CheckTypeRules(c);
  if (object.category == ObjectCategory::kSco && options.check_sco_ids) internal::CheckScoId(c);
  return issues;
}

bool HasErrors(const std::vector<Issue>& issues) {
  for (const auto& i : issues) {
    if (i.severity == Severity::kError) return true;
  }
  return false;
}

std::string FormatIssue(const Issue& issue) {
  std::string out = issue.severity == Severity::kError ? "error: " : "warning: ";
  out += issue.object_id.empty() ? "(no id)" : issue.object_id;
  if (!issue.path.empty()) {
    out += ": ";
    out += issue.path;
  }
  out += ": ";
  out += issue.message;
  return out;
}

}  // namespace bulwark::stix
