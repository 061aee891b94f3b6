#include "stix/sco_id.h"

#include <array>
#include <utility>

#include "common/uuid.h"
#include "stix/jcs.h"

namespace bulwark::stix {
namespace {

using Props = std::span<const std::string_view>;

constexpr std::string_view kArtifact[] = {"hashes", "payload_bin"};
constexpr std::string_view kAutonomousSystem[] = {"number"};
constexpr std::string_view kDirectory[] = {"path"};
constexpr std::string_view kValue[] = {"value"};
constexpr std::string_view kEmailMessage[] = {"from_ref", "subject", "body"};
constexpr std::string_view kFile[] = {"hashes", "name", "extensions", "parent_directory_ref"};
constexpr std::string_view kMutex[] = {"name"};
constexpr std::string_view kNetworkTraffic[] = {"start",    "end",      "src_ref",   "dst_ref",
                                                "src_port", "dst_port", "protocols", "extensions"};
constexpr std::string_view kSoftware[] = {"name", "cpe", "swid", "vendor", "version"};
constexpr std::string_view kUserAccount[] = {"account_type", "user_id", "account_login"};
constexpr std::string_view kRegistryKey[] = {"key", "values"};
constexpr std::string_view kX509[] = {"hashes", "serial_number"};

constexpr std::array<std::pair<std::string_view, Props>, 17> kTable = {{
    {"artifact", kArtifact},
    {"autonomous-system", kAutonomousSystem},
    {"directory", kDirectory},
    {"domain-name", kValue},
    {"email-addr", kValue},
    {"email-message", kEmailMessage},
    {"file", kFile},
    {"ipv4-addr", kValue},
    {"ipv6-addr", kValue},
    {"mac-addr", kValue},
    {"mutex", kMutex},
    {"network-traffic", kNetworkTraffic},
    {"software", kSoftware},
    {"url", kValue},
    {"user-account", kUserAccount},
    {"windows-registry-key", kRegistryKey},
    {"x509-certificate", kX509},
}};

// One hash of a hashes dictionary, as the contributing value; null when the dictionary is empty.
boost::json::value ChooseOneHash(const boost::json::value& hashes) {
  if (!hashes.is_object() || hashes.get_object().empty()) return nullptr;
  const auto& h = hashes.get_object();
  for (std::string_view preferred : {"MD5", "SHA-1", "SHA-256", "SHA-512"}) {
    if (const auto* v = h.if_contains(preferred)) return boost::json::object{{preferred, *v}};
  }
  const boost::json::key_value_pair* first = nullptr;
  for (const auto& kv : h) {
    if (first == nullptr || kv.key() < first->key()) first = &kv;
  }
  return boost::json::object{{first->key(), first->value()}};
}

}  // namespace

std::span<const std::string_view> IdContributingProperties(std::string_view sco_type) {
  for (const auto& [type, props] : kTable) {
    if (type == sco_type) return props;
  }
  return {};
}

std::string DeterministicScoId(const boost::json::object& sco) {
  const auto* type_value = sco.if_contains("type");
  if (type_value == nullptr || !type_value->is_string()) return {};
  const std::string_view type = type_value->get_string();
  const auto props = IdContributingProperties(type);
  if (props.empty()) return {};
  boost::json::object name;
  for (std::string_view prop : props) {
    const auto* v = sco.if_contains(prop);
    if (v == nullptr) continue;
    if (prop == "hashes") {
      boost::json::value one = ChooseOneHash(*v);
      if (!one.is_null()) name.emplace(prop, std::move(one));
    } else {
      name.emplace(prop, *v);
    }
  }
  if (name.empty()) return {};
  std::string id(type);
  id += "--";
  id += UuidV5(kScoIdNamespace, CanonicalJson(name));
  return id;
}

}  // namespace bulwark::stix
