// The mapping tables: MISP attribute types and object relations to STIX paths, TLP, galaxies, categories.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "common/clock.h"
#include "common/ip.h"
#include "model/attribute_types.h"
#include "stix/mapping/internal.h"
#include "stix/timestamp.h"
#include "stix/validate.h"

namespace bulwark::stix::mapping::internal {
namespace {

// One MISP attribute type: its observable root type and the path of value1 (and value2 for composites).
enum class Check : uint8_t { kNone, kIp, kNotIp };
struct TypeMapping {
  std::string_view misp_type;
  std::string_view root;
  std::string_view path1;
  std::string_view path2;  // "" for non-composite types
  Check check1 = Check::kNone;
};

// Order matters for import without x_misp_type: the first entry whose paths match wins.
constexpr std::array<TypeMapping, 57> kTypes = {{
    {"domain", "domain-name", "value", ""},
    {"hostname", "domain-name", "value", ""},
    {"domain|ip", "domain-name", "value", "resolves_to_refs[*].value"},
    {"ip-dst", "network-traffic", "dst_ref.value", "", Check::kIp},
    {"ip-src", "network-traffic", "src_ref.value", "", Check::kIp},
    {"ip-dst|port", "network-traffic", "dst_ref.value", "dst_port", Check::kIp},
    {"ip-src|port", "network-traffic", "src_ref.value", "src_port", Check::kIp},
    {"hostname|port", "network-traffic", "dst_ref.value", "dst_port", Check::kNotIp},
    {"url", "url", "value", ""},
    {"link", "url", "value", ""},
    {"uri", "url", "value", ""},
    {"email", "email-addr", "value", ""},
    {"email-src", "email-message", "from_ref.value", ""},
    {"email-dst", "email-message", "to_refs[*].value", ""},
    {"email-subject", "email-message", "subject", ""},
    {"email-body", "email-message", "body", ""},
    {"email-message-id", "email-message", "message_id", ""},
    {"email-reply-to", "email-message", "additional_header_fields.Reply-To", ""},
    {"email-x-mailer", "email-message", "additional_header_fields.X-Mailer", ""},
    {"filename", "file", "name", ""},
    {"attachment", "file", "name", ""},
    {"md5", "file", "hashes.MD5", ""},
    {"sha1", "file", "hashes.SHA-1", ""},
    {"sha256", "file", "hashes.SHA-256", ""},
    {"sha512", "file", "hashes.SHA-512", ""},
    {"sha3-256", "file", "hashes.SHA3-256", ""},
    {"sha3-512", "file", "hashes.SHA3-512", ""},
    {"ssdeep", "file", "hashes.SSDEEP", ""},
    {"tlsh", "file", "hashes.TLSH", ""},
    {"sha224", "file", "hashes.SHA224", ""},
    {"sha384", "file", "hashes.SHA384", ""},
    {"sha3-224", "file", "hashes.SHA3-224", ""},
    {"sha3-384", "file", "hashes.SHA3-384", ""},
    {"imphash", "file", "hashes.IMPHASH", ""},
    {"pehash", "file", "hashes.PEHASH", ""},
    {"authentihash", "file", "hashes.AUTHENTIHASH", ""},
    {"vhash", "file", "hashes.VHASH", ""},
    {"filename|md5", "file", "name", "hashes.MD5"},
    {"filename|sha1", "file", "name", "hashes.SHA-1"},
    {"filename|sha256", "file", "name", "hashes.SHA-256"},
    {"filename|sha512", "file", "name", "hashes.SHA-512"},
    {"filename|sha3-256", "file", "name", "hashes.SHA3-256"},
    {"filename|sha3-512", "file", "name", "hashes.SHA3-512"},
    {"filename|ssdeep", "file", "name", "hashes.SSDEEP"},
    {"filename|tlsh", "file", "name", "hashes.TLSH"},
    {"filename|sha224", "file", "name", "hashes.SHA224"},
    {"filename|sha384", "file", "name", "hashes.SHA384"},
    {"filename|imphash", "file", "name", "hashes.IMPHASH"},
    {"filename|pehash", "file", "name", "hashes.PEHASH"},
    {"filename|authentihash", "file", "name", "hashes.AUTHENTIHASH"},
    {"malware-sample", "file", "name", "hashes.MD5"},
    {"mac-address", "mac-addr", "value", ""},
    {"mutex", "mutex", "name", ""},
    {"regkey", "windows-registry-key", "key", ""},
    {"regkey|value", "windows-registry-key", "key", "values[*].data"},
    {"x509-fingerprint-sha1", "x509-certificate", "hashes.SHA-1", ""},
    {"AS", "autonomous-system", "number", ""},
}};

// The last entries only serve import: bare address SCOs and patterns (`[ipv4-addr:value = '...']`) as other
// producers write them read back as ip-dst.
constexpr std::array<TypeMapping, 4> kMoreTypes = {{
    {"x509-fingerprint-md5", "x509-certificate", "hashes.MD5", ""},
    {"x509-fingerprint-sha256", "x509-certificate", "hashes.SHA-256", ""},
    {"ip-dst", "ipv4-addr", "value", ""},
    {"ip-dst", "ipv6-addr", "value", ""},
}};

template <typename F>
void ForEachType(F&& f) {
  for (const auto& t : kTypes) f(t);
  for (const auto& t : kMoreTypes) f(t);
}

const TypeMapping* FindType(std::string_view type) {
  const TypeMapping* found = nullptr;
  ForEachType([&](const TypeMapping& t) {
    if (found == nullptr && t.misp_type == type) found = &t;
  });
  return found;
}

struct RelationMapping {
  std::string_view object;
  std::string_view relation;
  std::string_view type;
  std::string_view path;
};

constexpr std::array<RelationMapping, 40> kRelations = {{
    {"file", "filename", "filename", "name"},
    {"file", "md5", "md5", "hashes.MD5"},
    {"file", "sha1", "sha1", "hashes.SHA-1"},
    {"file", "sha256", "sha256", "hashes.SHA-256"},
    {"file", "sha512", "sha512", "hashes.SHA-512"},
    {"file", "sha3-256", "sha3-256", "hashes.SHA3-256"},
    {"file", "ssdeep", "ssdeep", "hashes.SSDEEP"},
    {"file", "tlsh", "tlsh", "hashes.TLSH"},
    {"file", "size-in-bytes", "size-in-bytes", "size"},
    {"file", "mimetype", "mime-type", "mime_type"},
    {"file", "path", "text", "parent_directory_ref.path"},
    {"domain-ip", "domain", "domain", "value"},
    {"domain-ip", "hostname", "hostname", "value"},
    {"domain-ip", "ip", "ip-dst", "resolves_to_refs[*].value"},
    {"url", "url", "url", "value"},
    {"ip-port", "ip", "ip-dst", "dst_ref.value"},
    {"ip-port", "ip-dst", "ip-dst", "dst_ref.value"},
    {"ip-port", "ip-src", "ip-src", "src_ref.value"},
    {"ip-port", "dst-port", "port", "dst_port"},
    {"ip-port", "src-port", "port", "src_port"},
    {"network-connection", "ip-src", "ip-src", "src_ref.value"},
    {"network-connection", "ip-dst", "ip-dst", "dst_ref.value"},
    {"network-connection", "src-port", "port", "src_port"},
    {"network-connection", "dst-port", "port", "dst_port"},
    {"email", "from", "email-src", "from_ref.value"},
    {"email", "to", "email-dst", "to_refs[*].value"},
    {"email", "cc", "email-dst", "cc_refs[*].value"},
    {"email", "subject", "email-subject", "subject"},
    {"email", "message-id", "email-message-id", "message_id"},
    {"email", "reply-to", "email-reply-to", "additional_header_fields.Reply-To"},
    {"email", "x-mailer", "email-x-mailer", "additional_header_fields.X-Mailer"},
    {"email", "email-body", "email-body", "body"},
    {"x509", "x509-fingerprint-sha1", "x509-fingerprint-sha1", "hashes.SHA-1"},
    {"x509", "x509-fingerprint-md5", "x509-fingerprint-md5", "hashes.MD5"},
    {"x509", "x509-fingerprint-sha256", "x509-fingerprint-sha256", "hashes.SHA-256"},
    {"x509", "issuer", "text", "issuer"},
    {"x509", "subject", "text", "subject"},
    {"x509", "serial-number", "text", "serial_number"},
    {"mutex", "name", "text", "name"},
    {"registry-key", "key", "regkey", "key"},
}};

struct RootMapping {
  std::string_view object;
  std::string_view root;
};
constexpr std::array<RootMapping, 9> kRoots = {{
    {"file", "file"},
    {"domain-ip", "domain-name"},
    {"url", "url"},
    {"ip-port", "network-traffic"},
    {"network-connection", "network-traffic"},
    {"email", "email-message"},
    {"x509", "x509-certificate"},
    {"mutex", "mutex"},
    {"registry-key", "windows-registry-key"},
}};

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

// The STIX schema wants full hive names (HKEY_LOCAL_MACHINE\...), MISP values often abbreviate (HKLM\...).
std::string ExpandHive(std::string_view key) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kHives = {{
      {"HKLM", "HKEY_LOCAL_MACHINE"}, {"HKCU", "HKEY_CURRENT_USER"}, {"HKCR", "HKEY_CLASSES_ROOT"},
      {"HKCC", "HKEY_CURRENT_CONFIG"}, {"HKU", "HKEY_USERS"}}};
  for (const auto& [abbr, full] : kHives) {
    if (key.size() < abbr.size() || (key.size() > abbr.size() && key[abbr.size()] != '\\')) continue;
    bool same = true;
    for (size_t i = 0; i < abbr.size(); ++i) {
      same = same && std::toupper(static_cast<unsigned char>(key[i])) == abbr[i];
    }
    if (same) return std::string(full) + std::string(key.substr(abbr.size()));
  }
  return std::string(key);
}

// Values STIX would reject at a path (hash lengths the validator checks, addresses in address SCOs).
bool ValueFitsPath(std::string_view path, std::string_view value) {
  if (value.empty()) return false;
  auto hex_of = [&](size_t n) { return value.size() == n && IsHex(value); };
  if (path == "hashes.MD5") return hex_of(32);
  if (path == "hashes.SHA-1") return hex_of(40);
  if (path == "hashes.SHA-256" || path == "hashes.SHA3-256") return hex_of(64);
  if (path == "hashes.SHA-512" || path == "hashes.SHA3-512") return hex_of(128);
  if (path == "key") return ExpandHive(value) == value;
  if (path == "hashes.TLSH") return value.size() >= 70 && value.size() <= 72;
  if (path == "hashes.SSDEEP") {
    return value.size() <= 128 && std::all_of(value.begin(), value.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '+' || c == ':' || c == '.';
           });
  }
  return true;
}

bool CanonicalInt(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0 && std::to_string(out) == s;
}

std::string Sanitise(std::string_view relation) {
  std::string out = "x_misp_";
  for (char c : relation.substr(0, 200)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(std::isalnum(u) != 0 ? static_cast<char>(std::tolower(u)) : '_');
  }
  return out;
}

std::string LiteralText(const pat::Literal& l) {
  return l.kind == pat::Literal::Kind::kInt ? std::to_string(l.int_value) : l.bytes;
}

bool IpRefPath(std::string_view path) {
  return path.ends_with("src_ref.value") || path.ends_with("dst_ref.value") || path.starts_with("resolves_to_refs");
}

}  // namespace

std::vector<pat::PathStep> ParsePathText(std::string_view text) {
  std::vector<pat::PathStep> steps;
  while (!text.empty()) {
    if (text.front() == '.') text.remove_prefix(1);
    if (text.starts_with("[*]")) {
      steps.push_back({pat::PathStep::Kind::kAnyIndex, {}, 0});
      text.remove_prefix(3);
      continue;
    }
    if (text.front() == '[') {
      const size_t close = text.find(']');
      int64_t n = 0;
      std::from_chars(text.data() + 1, text.data() + (close == std::string_view::npos ? text.size() : close), n);
      steps.push_back({pat::PathStep::Kind::kIndex, {}, n});
      text.remove_prefix(close == std::string_view::npos ? text.size() : close + 1);
      continue;
    }
    const size_t end = text.find_first_of(".[");
    steps.push_back({pat::PathStep::Kind::kKey, std::string(text.substr(0, end)), 0});
    text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  }
  return steps;
}

std::string PathText(std::span<const pat::PathStep> steps) {
  std::string out;
  for (const auto& s : steps) {
    switch (s.kind) {
      case pat::PathStep::Kind::kKey:
        if (!out.empty()) out.push_back('.');
        out += s.key;
        break;
      case pat::PathStep::Kind::kAnyIndex:
        out += "[*]";
        break;
      case pat::PathStep::Kind::kIndex:
        out += "[" + std::to_string(s.index) + "]";
        break;
    }
  }
  return out;
}

bool IsIntegerPath(std::string_view path) {
  const size_t dot = path.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? path : path.substr(dot + 1);
  return last == "src_port" || last == "dst_port" || last == "number" || last == "size";
}

bool IsStructuralPath(std::string_view object_type, std::string_view path) {
  if (path.ends_with("_ref.type") || path.ends_with("_refs[*].type")) return true;
  if (object_type == "network-traffic" && path.starts_with("protocols")) return true;
  if (object_type == "email-message" && path == "is_multipart") return true;
  return false;
}

std::string_view IpScoType(std::string_view value) {
  auto c = Cidr::ParseMasked(value);
  if (!c.ok()) return "";
  return value.find(':') != std::string_view::npos ? "ipv6-addr" : "ipv4-addr";
}

bool AddFlat(std::vector<FlatProp>& out, std::string_view object_type, std::string_view path_text,
             std::string_view value) {
  if (!ValueFitsPath(path_text, value)) return false;
  pat::Literal literal;
  if (IsIntegerPath(path_text)) {
    int64_t n = 0;
    if (!CanonicalInt(value, n)) return false;
    literal.kind = pat::Literal::Kind::kInt;
    literal.int_value = n;
  } else {
    literal.kind = pat::Literal::Kind::kString;
    literal.bytes = std::string(value);
  }
  if (path_text.ends_with("src_ref.value") || path_text.ends_with("dst_ref.value")) {
    std::string_view ref_type = IpScoType(value);
    if (ref_type.empty()) ref_type = "domain-name";
    std::string type_path(path_text.substr(0, path_text.size() - 5));
    type_path += "type";
    pat::Literal t;
    t.kind = pat::Literal::Kind::kString;
    t.bytes = std::string(ref_type);
    out.push_back({std::string(object_type), ParsePathText(type_path), std::move(t)});
  }
  out.push_back({std::string(object_type), ParsePathText(path_text), std::move(literal)});
  return true;
}

bool AttributeToFlat(std::string_view type, const std::string& value1, const std::string& value2,
                     std::vector<FlatProp>& out) {
  const TypeMapping* t = FindType(type);
  if (t == nullptr) return false;
  if (t->path2.empty() != value2.empty()) return false;
  const bool ip = !IpScoType(value1).empty();
  if ((t->check1 == Check::kIp && !ip) || (t->check1 == Check::kNotIp && ip)) return false;
  const std::string expanded = type.starts_with("regkey") ? ExpandHive(value1) : std::string();
  std::string_view v1 = type.starts_with("regkey") ? std::string_view(expanded) : std::string_view(value1);
  if (type == "AS" && (v1.starts_with("AS") || v1.starts_with("as"))) v1.remove_prefix(2);
  const size_t before = out.size();
  if (!AddFlat(out, t->root, t->path1, v1) || (!t->path2.empty() && !AddFlat(out, t->root, t->path2, value2))) {
    out.resize(before);
    return false;
  }
  return true;
}

std::optional<MispValue> FlatToAttribute(std::span<const FlatProp> props, std::string_view type_hint) {
  std::vector<const FlatProp*> real;
  std::vector<std::string> paths;
  for (const auto& p : props) {
    const std::string path = PathText(p.steps);
    if (IsStructuralPath(p.object_type, path)) continue;
    if (!real.empty() && p.object_type != real.front()->object_type) return std::nullopt;
    real.push_back(&p);
    paths.push_back(path);
  }
  if (real.empty() || real.size() > 2) return std::nullopt;
  auto try_mapping = [&](const TypeMapping& t) -> std::optional<MispValue> {
    if (t.root != real.front()->object_type || real.size() != (t.path2.empty() ? 1u : 2u)) return std::nullopt;
    size_t i1 = 0;
    size_t i2 = 1;
    if (real.size() == 2 && paths[0] != t.path1) std::swap(i1, i2);
    if (paths[i1] != t.path1 || (!t.path2.empty() && paths[i2] != t.path2)) return std::nullopt;
    MispValue v{std::string(t.misp_type), LiteralText(real[i1]->value), {}};
    if (!t.path2.empty()) v.value2 = LiteralText(real[i2]->value);
    const bool ip = !IpScoType(v.value1).empty();
    if ((t.check1 == Check::kIp && !ip) || (t.check1 == Check::kNotIp && ip)) return std::nullopt;
    if (t.misp_type == "AS") v.value1 = "AS" + v.value1;
    return v;
  };
  if (!type_hint.empty()) {
    if (const TypeMapping* t = FindType(type_hint)) {
      if (auto v = try_mapping(*t)) return v;
    }
  }
  std::optional<MispValue> found;
  ForEachType([&](const TypeMapping& t) {
    if (!found) found = try_mapping(t);
  });
  return found;
}

std::string_view ObjectRootType(std::string_view object_name) {
  for (const auto& r : kRoots) {
    if (r.object == object_name) return r.root;
  }
  return "";
}

std::string_view ObjectNameForRoot(std::string_view root_type) {
  for (const auto& r : kRoots) {
    if (r.root == root_type) return r.object;
  }
  return "";
}

std::string ObjectPathAssigner::PathFor(std::string_view relation, std::string_view type, std::string_view value) {
  for (const auto& r : kRelations) {
    if (r.object != object_name_ || r.relation != relation || r.type != type) continue;
    const bool scalar = r.path.find('[') == std::string_view::npos;
    if (scalar && std::find(used_scalars_.begin(), used_scalars_.end(), r.path) != used_scalars_.end()) break;
    if (!ValueFitsPath(r.path, value)) break;
    int64_t n = 0;
    if (IsIntegerPath(r.path) && !CanonicalInt(value, n)) break;
    if (IpRefPath(r.path) && type.starts_with("ip") && IpScoType(value).empty()) break;
    if (r.path == "parent_directory_ref.path" && value.empty()) break;
    if (scalar) used_scalars_.emplace_back(r.path);
    return std::string(r.path);
  }
  return Sanitise(relation) + "[*]";
}

RelationGuess GuessRelation(std::string_view object_name, std::string_view path_text) {
  for (const auto& r : kRelations) {
    if (r.object == object_name && r.path == path_text) return {std::string(r.relation), std::string(r.type)};
  }
  std::string_view p = path_text;
  if (p.ends_with("[*]")) p.remove_suffix(3);
  if (p.starts_with("x_misp_")) {
    std::string rel(p.substr(7));
    std::replace(rel.begin(), rel.end(), '_', '-');
    return {rel, "text"};
  }
  std::string rel(p);
  for (char& c : rel) {
    if (c == '.' || c == '_' || c == '[' || c == ']' || c == '*') c = '-';
  }
  return {rel, "text"};
}

std::string CategoryToPhase(std::string_view category) {
  std::string out;
  for (char c : category) {
    out.push_back(c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string PhaseToCategory(std::string_view phase) {
  for (std::string_view c : model::AttributeTypes::Get().Categories()) {
    if (CategoryToPhase(c) == phase || c == phase) return std::string(c);
  }
  return "";
}

std::string_view TlpLevelOfTag(std::string_view tag) {
  if (tag.size() < 5) return "";
  std::string lower;
  for (char c : tag) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "tlp:white" || lower == "tlp:clear") return "clear";
  if (lower == "tlp:green") return "green";
  if (lower == "tlp:amber") return "amber";
  if (lower == "tlp:amber+strict") return "amber+strict";
  if (lower == "tlp:red") return "red";
  return "";
}

std::string_view TlpMarkingId(std::string_view level, bool tlp1) {
  if (tlp1) {
    if (level == "clear") return kTlp1White;
    if (level == "green") return kTlp1Green;
    if (level == "amber" || level == "amber+strict") return kTlp1Amber;
    if (level == "red") return kTlp1Red;
    return "";
  }
  if (level == "clear") return kTlp2Clear;
  if (level == "green") return kTlp2Green;
  if (level == "amber") return kTlp2Amber;
  if (level == "amber+strict") return kTlp2AmberStrict;
  if (level == "red") return kTlp2Red;
  return "";
}

boost::json::object TlpMarkingObject(std::string_view level, bool tlp1) {
  boost::json::object o;
  o["type"] = "marking-definition";
  o["spec_version"] = "2.1";
  o["id"] = TlpMarkingId(level, tlp1);
  std::string upper;
  const std::string_view name_level = tlp1 && level == "clear" ? "white" : (tlp1 && level == "amber+strict" ? "amber" : level);
  for (char c : name_level) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (tlp1) {
    o["created"] = "2017-01-20T00:00:00.000Z";
    o["definition_type"] = "tlp";
    o["name"] = "TLP:" + upper;
    o["definition"] = boost::json::object{{"tlp", name_level}};
  } else {
    o["created"] = "2022-10-01T00:00:00.000Z";
    o["name"] = "TLP:" + upper;
    boost::json::object ext{{"extension_type", "property-extension"}, {"tlp_2_0", level}};
    o["extensions"] = boost::json::object{{kTlp2ExtensionId, std::move(ext)}};
  }
  return o;
}

std::string TlpTagForMarking(std::string_view id) {
  if (id == kTlp1White) return "tlp:white";
  if (id == kTlp1Green || id == kTlp2Green) return "tlp:green";
  if (id == kTlp1Amber || id == kTlp2Amber) return "tlp:amber";
  if (id == kTlp1Red || id == kTlp2Red) return "tlp:red";
  if (id == kTlp2Clear) return "tlp:clear";
  if (id == kTlp2AmberStrict) return "tlp:amber+strict";
  return "";
}

std::string_view GalaxySdoType(std::string_view g) {
  auto has = [&](std::string_view s) { return g.find(s) != std::string_view::npos; };
  if (has("attack-pattern") || has("techniques") || g == "disarm-techniques") return "attack-pattern";
  if (has("threat-actor")) return "threat-actor";
  if (has("intrusion-set")) return "intrusion-set";
  if (has("course-of-action")) return "course-of-action";
  if (has("malware") || g == "ransomware" || g == "botnet" || g == "malpedia" || g == "rat" || g == "backdoor" ||
      g == "banker" || g == "stealer" || g == "exploit-kit" || g == "android") {
    return "malware";
  }
  if (has("tool")) return "tool";
  if (has("campaign")) return "campaign";
  if (has("vulnerability")) return "vulnerability";
  return "";
}

std::string_view DefaultGalaxyForSdo(std::string_view sdo_type) {
  if (sdo_type == "attack-pattern") return "mitre-attack-pattern";
  if (sdo_type == "threat-actor") return "threat-actor";
  if (sdo_type == "intrusion-set") return "mitre-intrusion-set";
  if (sdo_type == "malware") return "mitre-malware";
  if (sdo_type == "tool") return "mitre-tool";
  if (sdo_type == "course-of-action") return "mitre-course-of-action";
  if (sdo_type == "campaign") return "campaign";
  if (sdo_type == "vulnerability") return "branded-vulnerability";
  return "";
}

std::string StixTime(int64_t epoch_seconds) {
  return StixTimeMicros(std::clamp<int64_t>(epoch_seconds, 0, 253402300799) * 1'000'000);
}

std::string StixTimeMicros(int64_t epoch_micros) {
  epoch_micros = std::clamp<int64_t>(epoch_micros, 0, int64_t{253402300799} * 1'000'000);
  return FormatRfc3339Micros(epoch_micros);
}

std::optional<int64_t> ParseStixSeconds(std::string_view text) {
  auto t = ParseTimestamp(text);
  if (!t) return std::nullopt;
  return t->seconds;
}

}  // namespace bulwark::stix::mapping::internal
