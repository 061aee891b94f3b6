// Rules that need more than one property at a time: markings, extensions, hashes, ordering and co-occurrence
// rules per type, deterministic SCO ids.
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "stix/checker.h"
#include "stix/sco_id.h"

namespace bulwark::stix::internal {
namespace {

struct HashAlgorithm {
  std::string_view name;
  size_t min_len;
  size_t max_len;
  bool hex;  // else [A-Za-z0-9/+:.]
};

constexpr std::array<HashAlgorithm, 8> kHashAlgorithms = {{
    {"MD5", 32, 32, true},
    {"SHA-1", 40, 40, true},
    {"SHA-256", 64, 64, true},
    {"SHA-512", 128, 128, true},
    {"SHA3-256", 64, 64, true},
    {"SHA3-512", 128, 128, true},
    {"SSDEEP", 1, 128, false},
    {"TLSH", 70, 72, false},
}};

// "sha256" and "Sha-256" both look like "SHA-256": compare without case and hyphens.
bool LooselyEqual(std::string_view a, std::string_view b) {
  auto fold = [](std::string_view s) {
    std::string out;
    for (char c : s) {
      if (c != '-') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
  };
  return fold(a) == fold(b);
}

bool IsDictionaryKey(std::string_view key, size_t min_len) {
  if (key.size() < min_len || key.size() > 250) return false;
  for (char c : key) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const boost::json::value* Member(const boost::json::object& o, std::string_view key) { return o.if_contains(key); }

std::string_view StringOr(const boost::json::value* v, std::string_view fallback = {}) {
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : fallback;
}

// Resolves a granular-marking selector ("description", "external_references.[1].url") in the object.
bool SelectorResolves(const boost::json::object& root, std::string_view selector) {
  const boost::json::value* cur = nullptr;
  bool first = true;
  while (true) {
    const size_t dot = selector.find('.');
    const std::string_view part = selector.substr(0, dot);
    if (first) {
      cur = root.if_contains(part);
      first = false;
    } else if (part.size() >= 3 && part.front() == '[' && part.back() == ']') {
      size_t index = 0;
      const auto digits = part.substr(1, part.size() - 2);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (ec != std::errc() || end != digits.data() + digits.size() || !cur->is_array() ||
          index >= cur->get_array().size()) {
        return false;
      }
      cur = &cur->get_array()[index];
    } else {
      cur = cur->is_object() ? cur->get_object().if_contains(part) : nullptr;
    }
    if (cur == nullptr) return false;
    if (dot == std::string_view::npos) return true;
    selector.remove_prefix(dot + 1);
  }
}

bool SelectorSyntaxOk(std::string_view selector) {
  if (selector == "id") return true;
  bool first = true;
  while (true) {
    const size_t dot = selector.find('.');
    const std::string_view part = selector.substr(0, dot);
    if (part.empty()) return false;
    if (part.front() == '[') {
      if (first || part.size() < 3 || part.back() != ']') return false;
      for (char c : part.substr(1, part.size() - 2)) {
        if (c < '0' || c > '9') return false;
      }
    } else {
      for (char c : part) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
      }
      if (first && part.size() < 3) return false;
    }
    first = false;
    if (dot == std::string_view::npos) return true;
    selector.remove_prefix(dot + 1);
  }
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kTlp1 = {{
    {"white", kTlp1White}, {"green", kTlp1Green}, {"amber", kTlp1Amber}, {"red", kTlp1Red}}};
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kTlp2 = {{{"clear", kTlp2Clear},
                                                                                  {"green", kTlp2Green},
                                                                                  {"amber", kTlp2Amber},
                                                                                  {"amber+strict", kTlp2AmberStrict},
                                                                                  {"red", kTlp2Red}}};
constexpr std::string_view kTlp1Created = "2017-01-20T00:00:00.000Z";

template <size_t N>
std::string_view LevelOfId(const std::array<std::pair<std::string_view, std::string_view>, N>& table,
                           std::string_view id) {
  for (const auto& [level, tid] : table) {
    if (tid == id) return level;
  }
  return {};
}

template <size_t N>
std::string_view IdOfLevel(const std::array<std::pair<std::string_view, std::string_view>, N>& table,
                           std::string_view level) {
  for (const auto& [l, tid] : table) {
    if (l == level) return tid;
  }
  return {};
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void CheckTlp1(Checker& c) {
  const auto& j = c.json();
  const std::string& id = c.object().id;
  const std::string_view id_level = LevelOfId(kTlp1, id);
  const std::string_view def_type = StringOr(Member(j, "definition_type"));
  if (id_level.empty()) {
    if (def_type == "tlp") {
      c.Error("definition_type", "TLP 1.0 marking definitions are only the four fixed objects of spec §7.2.1.4");
    }
    return;
  }
  if (def_type != "tlp") c.Error("definition_type", "must be \"tlp\" for the TLP 1.0 marking " + id);
  const auto* def = Member(j, "definition");
  const std::string_view level = def != nullptr && def->is_object() ? StringOr(Member(def->get_object(), "tlp")) : "";
  if (level != id_level) {
    c.Error("definition.tlp", "must be \"" + std::string(id_level) + "\" for " + id);
  }
  if (c.object().created != kTlp1Created) c.Error("created", "must be " + std::string(kTlp1Created) + " for " + id);
  if (const auto* name = Member(j, "name"); name != nullptr && StringOr(name) != "TLP:" + Upper(id_level)) {
    c.Error("name", "must be \"TLP:" + Upper(id_level) + "\" for " + id);
  }
}

void CheckTlp2(Checker& c) {
  const auto& j = c.json();
  const std::string& id = c.object().id;
  const std::string_view id_level = LevelOfId(kTlp2, id);
  const auto* exts = Member(j, "extensions");
  const boost::json::value* ext =
      exts != nullptr && exts->is_object() ? Member(exts->get_object(), kTlp2ExtensionId) : nullptr;
  const std::string ext_path = MemberPath("extensions", kTlp2ExtensionId);
  if (ext == nullptr) {
    if (!id_level.empty()) c.Error("extensions", "the TLP 2.0 marking " + id + " must carry the TLP 2.0 extension");
    return;
  }
  if (!ext->is_object()) return;  // reported by CheckExtensions
  const std::string_view level = StringOr(Member(ext->get_object(), "tlp_2_0"));
  const std::string_view want_id = IdOfLevel(kTlp2, level);
  if (want_id.empty()) {
    c.Error(MemberPath(ext_path, "tlp_2_0"), "must be one of clear, green, amber, amber+strict, red");
    return;
  }
  if (id != want_id) {
    c.Error("id", "a TLP 2.0 " + std::string(level) + " marking must have the id " + std::string(want_id));
  }
  if (const auto* name = Member(j, "name"); name != nullptr && StringOr(name) != "TLP:" + Upper(level)) {
    c.Error("name", "must be \"TLP:" + Upper(level) + "\" for TLP 2.0 " + std::string(level));
  }
}

void CheckOrder(Checker& c, std::string_view first, std::string_view last, bool strict) {
  const auto a = c.TimestampOf(first);
  const auto b = c.TimestampOf(last);
  if (!a || !b) return;
  if (strict ? !(*a < *b) : *b < *a) {
    c.Error(last, std::string("must be ") + (strict ? "later than " : "no earlier than ") + std::string(first));
  }
}

void CheckIndicator(Checker& c) {
  CheckOrder(c, "valid_from", "valid_until", /*strict=*/true);
  const auto& j = c.json();
  const auto& hook = c.options().pattern_validator;
  const auto* pattern = Member(j, "pattern");
  if (!hook || pattern == nullptr || !pattern->is_string()) return;
  if (auto problem = hook(pattern->get_string(), StringOr(Member(j, "pattern_type")),
                          StringOr(Member(j, "pattern_version")))) {
    c.Error("pattern", *problem);
  }
}

void CheckLocation(Checker& c) {
  const auto& j = c.json();
  const bool lat = j.contains("latitude");
  const bool lon = j.contains("longitude");
  if (lat != lon) c.Error(lat ? "longitude" : "latitude", "latitude and longitude must be given together");
  if (j.contains("precision") && !(lat && lon)) c.Error("precision", "requires latitude and longitude");
  if (!j.contains("region") && !j.contains("country") && !(lat && lon)) {
    c.Error("", "a location needs region, country, or latitude and longitude");
  }
}

void CheckObservedData(Checker& c) {
  CheckOrder(c, "first_observed", "last_observed", false);
  const auto& j = c.json();
  const bool objects = j.contains("objects");
  const bool refs = j.contains("object_refs");
  if (objects == refs) c.Error("object_refs", "exactly one of objects and object_refs must be present");
  if (objects) c.Warn("objects", "is deprecated in STIX 2.1; use object_refs");
}

void CheckArtifact(Checker& c) {
  const auto& j = c.json();
  const bool payload = j.contains("payload_bin");
  const bool url = j.contains("url");
  if (payload == url) c.Error("payload_bin", "exactly one of payload_bin and url must be present");
  if (url && !j.contains("hashes")) c.Error("hashes", "is required when url is present");
  if (j.contains("decryption_key") && !j.contains("encryption_algorithm")) {
    c.Error("decryption_key", "requires encryption_algorithm");
  }
}

void CheckNetworkTraffic(Checker& c) {
  const auto& j = c.json();
  if (!j.contains("src_ref") && !j.contains("dst_ref")) c.Error("", "network-traffic needs src_ref or dst_ref");
  CheckOrder(c, "start", "end", false);
  const auto* active = Member(j, "is_active");
  if (active != nullptr && active->is_bool() && active->get_bool() && j.contains("end")) {
    c.Error("end", "must not be present when is_active is true");
  }
}

void CheckEmailMessage(Checker& c) {
  const auto& j = c.json();
  const auto* multipart = Member(j, "is_multipart");
  if (multipart == nullptr || !multipart->is_bool()) return;
  if (multipart->get_bool() && j.contains("body")) c.Error("body", "must not be present when is_multipart is true");
  if (!multipart->get_bool() && j.contains("body_multipart")) {
    c.Error("body_multipart", "must not be present when is_multipart is false");
  }
}

void CheckExtensionDefinition(Checker& c) {
  const auto& j = c.json();
  if (!j.contains("created_by_ref")) c.Error("created_by_ref", "is required for extension-definition");
  const auto* types = Member(j, "extension_types");
  if (types == nullptr || !types->is_array()) return;
  bool toplevel = false;
  const auto& a = types->get_array();
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string_view t = StringOr(&a[i]);
    if (t == "toplevel-property-extension") toplevel = true;
    if (t != "new-sdo" && t != "new-sco" && t != "new-sro" && t != "property-extension" &&
        t != "toplevel-property-extension") {
      c.Error(IndexPath("extension_types", i), "'" + std::string(t) + "' is not an extension type");
    }
  }
  if (toplevel && !j.contains("extension_properties")) {
    c.Warn("extension_properties", "should list the properties of a toplevel-property-extension");
  }
}

void CheckLanguageContent(Checker& c) {
  const auto* contents = Member(c.json(), "contents");
  if (contents == nullptr || !contents->is_object()) return;
  for (const auto& kv : contents->get_object()) {
    if (!kv.value().is_object()) c.Error(MemberPath("contents", kv.key()), "must be a dictionary of translations");
  }
}

}  // namespace

void Checker::CheckHashes(std::string_view path, const boost::json::value& v) {
  if (!v.is_object()) {
    Error(path, "must be a hashes dictionary");
    return;
  }
  const auto& h = v.get_object();
  if (h.empty()) Error(path, "must not be empty");
  for (const auto& kv : h) {
    const std::string p = MemberPath(path, kv.key());
    if (!kv.value().is_string()) {
      Error(p, "hash value must be a string");
      continue;
    }
    const std::string_view value = kv.value().get_string();
    const HashAlgorithm* algo = nullptr;
    for (const auto& a : kHashAlgorithms) {
      if (a.name == kv.key()) algo = &a;
    }
    if (algo == nullptr) {
      if (!IsDictionaryKey(kv.key(), 3)) {
        Error(p, "is not a valid hash algorithm name (3-250 characters of [a-zA-Z0-9_-])");
        continue;
      }
      for (const auto& a : kHashAlgorithms) {
        if (LooselyEqual(a.name, kv.key())) {
          Warn(p, "is not a hash algorithm name of hash-algorithm-ov (spelling and case matter): use \"" + std::string(a.name) + "\"");
        }
      }
      continue;
    }
    bool ok = value.size() >= algo->min_len && value.size() <= algo->max_len;
    for (char ch : value) {
      const auto u = static_cast<unsigned char>(ch);
      ok = ok && (algo->hex ? std::isxdigit(u) != 0
                            : (std::isalnum(u) != 0 || ch == '/' || ch == '+' || ch == ':' || ch == '.'));
    }
    if (!ok) Error(p, "'" + std::string(value) + "' is not a valid " + std::string(algo->name) + " value");
  }
}

void CheckGranularMarkings(Checker& c) {
  const auto* gm = Member(c.json(), "granular_markings");
  if (gm == nullptr) return;
  constexpr std::string_view path = "granular_markings";
  if (!gm->is_array() || gm->get_array().empty()) {
    c.Error(path, "must be a non-empty list of granular markings");
    return;
  }
  static constexpr std::string_view kMarking[] = {"marking-definition"};
  const auto& a = gm->get_array();
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string p = IndexPath(path, i);
    if (!a[i].is_object()) {
      c.Error(p, "must be a granular-marking object");
      continue;
    }
    const auto& m = a[i].get_object();
    const auto* ref = Member(m, "marking_ref");
    const auto* lang = Member(m, "lang");
    if ((ref == nullptr) == (lang == nullptr)) c.Error(p, "needs exactly one of marking_ref and lang");
    if (ref != nullptr) c.CheckRef(MemberPath(p, "marking_ref"), *ref, kMarking);
    if (lang != nullptr && !lang->is_string()) c.Error(MemberPath(p, "lang"), "must be a string");
    const auto* selectors = Member(m, "selectors");
    const std::string sp = MemberPath(p, "selectors");
    if (selectors == nullptr || !selectors->is_array() || selectors->get_array().empty()) {
      c.Error(sp, "is required and must be a non-empty list of selectors");
      continue;
    }
    const auto& sel = selectors->get_array();
    for (size_t k = 0; k < sel.size(); ++k) {
      const std::string_view s = StringOr(&sel[k]);
      if (!SelectorSyntaxOk(s)) {
        c.Error(IndexPath(sp, k), "'" + std::string(s) + "' is not a valid selector");
      } else if (!SelectorResolves(c.json(), s)) {
        c.Error(IndexPath(sp, k), "'" + std::string(s) + "' does not select anything in the object");
      }
    }
  }
}

void CheckExtensions(Checker& c) {
  const auto* ext = Member(c.json(), "extensions");
  if (ext == nullptr) return;
  if (!ext->is_object() || ext->get_object().empty()) {
    c.Error("extensions", "must be a non-empty dictionary");
    return;
  }
  const Object& o = c.object();
  for (const auto& kv : ext->get_object()) {
    const std::string_view key = kv.key();
    const std::string p = MemberPath("extensions", key);
    if (!kv.value().is_object()) {
      c.Error(p, "an extension must be a JSON object");
      continue;
    }
    if (key.substr(0, 22) == "extension-definition--") {
      if (!IsIdentifier(key)) c.Error(p, "is not a valid extension-definition identifier");
      const auto* t = Member(kv.value().get_object(), "extension_type");
      if (t != nullptr) {
        const std::string_view type = StringOr(t);
        if (type != "new-sdo" && type != "new-sco" && type != "new-sro" && type != "property-extension" &&
            type != "toplevel-property-extension") {
          c.Error(MemberPath(p, "extension_type"), "'" + std::string(type) + "' is not an extension type");
        }
      }
    } else if (IsPredefinedExtension(o.type, key)) {
      continue;
    } else if (IsAnyPredefinedExtension(key)) {
      c.Error(p, "is a predefined extension of another SCO type, not of " + o.type);
    } else if (!IsDictionaryKey(key, 1)) {
      c.Error(p, "is not a valid extension name");
    } else {
      c.Warn(p, "custom extension names are deprecated in STIX 2.1; use an extension-definition");
    }
  }
}

void CheckMarkingDefinition(Checker& c) {
  const auto& j = c.json();
  const bool has_ext = j.contains("extensions");
  const auto* def_type = Member(j, "definition_type");
  const auto* def = Member(j, "definition");
  if (!has_ext && (def_type == nullptr || def == nullptr)) {
    c.Error("definition", "definition_type and definition are required when there are no extensions");
  }
  if ((def_type == nullptr) != (def == nullptr)) c.Error("definition_type", "and definition must be given together");
  if (def_type != nullptr && def != nullptr && def->is_object()) {
    const std::string_view type = StringOr(def_type);
    if (type == "statement" && StringOr(Member(def->get_object(), "statement"), "\x01") == "\x01") {
      c.Error("definition.statement", "is required and must be a string for a statement marking");
    }
  }
  if (j.contains("modified")) c.Warn("modified", "marking definitions are not versioned; modified is ignored");
  CheckTlp1(c);
  CheckTlp2(c);
}

void CheckTypeRules(Checker& c) {
  const std::string& type = c.object().type;
  const auto& j = c.json();
  if (type == "indicator") {
    CheckIndicator(c);
  } else if (type == "campaign" || type == "intrusion-set" || type == "threat-actor" || type == "infrastructure" ||
             type == "sighting" || type == "malware") {
    CheckOrder(c, "first_seen", "last_seen", false);
    if (type == "malware") {
      const auto* fam = Member(j, "is_family");
      if (fam != nullptr && fam->is_bool() && fam->get_bool() && !j.contains("name")) {
        c.Error("name", "is required when is_family is true");
      }
    }
  } else if (type == "relationship") {
    CheckOrder(c, "start_time", "stop_time", true);
  } else if (type == "location") {
    CheckLocation(c);
  } else if (type == "malware-analysis") {
    if (!j.contains("result") && !j.contains("analysis_sco_refs")) {
      c.Error("result", "malware-analysis needs result or analysis_sco_refs");
    }
  } else if (type == "observed-data") {
    CheckObservedData(c);
  } else if (type == "opinion") {
    const std::string_view op = StringOr(Member(j, "opinion"));
    if (op != "strongly-disagree" && op != "disagree" && op != "neutral" && op != "agree" && op != "strongly-agree" &&
        j.contains("opinion")) {
      c.Error("opinion", "'" + std::string(op) + "' is not in opinion-enum");
    }
  } else if (type == "artifact") {
    CheckArtifact(c);
  } else if (type == "file") {
    if (!j.contains("hashes") && !j.contains("name")) c.Error("", "a file needs hashes or name");
  } else if (type == "network-traffic") {
    CheckNetworkTraffic(c);
  } else if (type == "email-message") {
    CheckEmailMessage(c);
  } else if (type == "extension-definition") {
    CheckExtensionDefinition(c);
  } else if (type == "language-content") {
    CheckLanguageContent(c);
  }
}

void CheckScoId(Checker& c) {
  const std::string expected = DeterministicScoId(c.json());
  const std::string& id = c.object().id;
  if (expected.empty() || id.empty() || expected == id) return;
  const size_t sep = id.find("--");
  const bool v5 = sep != std::string::npos && sep + 16 < id.size() && id[sep + 16] == '5';
  c.Warn("id", v5 ? "is a UUIDv5 but not the deterministic id " + expected +
                        " (producers that do not follow spec §2.9 must not use the SCO namespace)"
                  : "should be the deterministic UUIDv5 id " + expected + " (spec §2.9)");
}

}  // namespace bulwark::stix::internal
