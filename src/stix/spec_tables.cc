#include "stix/spec_tables.h"

#include <array>
#include <utility>

namespace bulwark::stix::internal {
namespace {

using K = PropKind;
using Targets = std::span<const std::string_view>;

constexpr PropSpec Opt(std::string_view n, K k) { return PropSpec{n, k, false, {}}; }
constexpr PropSpec Req(std::string_view n, K k) { return PropSpec{n, k, true, {}}; }
constexpr PropSpec Ref(std::string_view n, K k, Targets t, bool required = false) { return PropSpec{n, k, required, t}; }
constexpr PropSpec Int(std::string_view n, int64_t lo, int64_t hi, bool required = false) {
  return PropSpec{n, K::kInteger, required, {}, lo, hi};
}
constexpr PropSpec Num(std::string_view n, int64_t lo, int64_t hi) { return PropSpec{n, K::kNumber, false, {}, lo, hi}; }

constexpr std::string_view kSdoOrSco[] = {kAnySdo, kAnySco};
constexpr std::string_view kSdo[] = {kAnySdo};
constexpr std::string_view kSco[] = {kAnySco};
constexpr std::string_view kScoOrSro[] = {kAnySco, kAnySro};
constexpr std::string_view kAny[] = {kAnyObject};
constexpr std::string_view kIdentityOrLocation[] = {"identity", "location"};
constexpr std::string_view kObservedData[] = {"observed-data"};
constexpr std::string_view kSoftware[] = {"software"};
constexpr std::string_view kFileOrArtifact[] = {"file", "artifact"};
constexpr std::string_view kSample[] = {"file", "artifact", "network-traffic"};
constexpr std::string_view kFileOrDirectory[] = {"file", "directory"};
constexpr std::string_view kResolvesDomain[] = {"ipv4-addr", "ipv6-addr", "domain-name"};
constexpr std::string_view kUserAccount[] = {"user-account"};
constexpr std::string_view kEmailAddr[] = {"email-addr"};
constexpr std::string_view kArtifact[] = {"artifact"};
constexpr std::string_view kDirectory[] = {"directory"};
constexpr std::string_view kMacAddr[] = {"mac-addr"};
constexpr std::string_view kAs[] = {"autonomous-system"};
constexpr std::string_view kEndpoint[] = {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"};
constexpr std::string_view kNetworkTraffic[] = {"network-traffic"};
constexpr std::string_view kFile[] = {"file"};
constexpr std::string_view kProcess[] = {"process"};

constexpr int64_t kMaxCount = 999'999'999;

// SDOs (§4).
constexpr PropSpec kAttackPattern[] = {Req("name", K::kString), Opt("description", K::kString),
                                       Opt("aliases", K::kStringList), Opt("kill_chain_phases", K::kKillChainPhases)};
constexpr PropSpec kCampaign[] = {Req("name", K::kString),       Opt("description", K::kString),
                                  Opt("aliases", K::kStringList), Opt("first_seen", K::kTimestamp),
                                  Opt("last_seen", K::kTimestamp), Opt("objective", K::kString)};
constexpr PropSpec kCourseOfAction[] = {Req("name", K::kString), Opt("description", K::kString),
                                        Opt("action_type", K::kString), Opt("os_execution_envs", K::kStringList),
                                        Opt("action_bin", K::kBinary), Opt("action_reference", K::kDict)};
constexpr PropSpec kGrouping[] = {Opt("name", K::kString), Opt("description", K::kString), Req("context", K::kString),
                                  Ref("object_refs", K::kRefList, kAny, true)};
constexpr PropSpec kIdentityProps[] = {Req("name", K::kString),         Opt("description", K::kString),
                                       Opt("roles", K::kStringList),     Opt("identity_class", K::kString),
                                       Opt("sectors", K::kStringList),   Opt("contact_information", K::kString)};
constexpr PropSpec kIncident[] = {Req("name", K::kString), Opt("description", K::kString),
                                  Opt("kill_chain_phases", K::kKillChainPhases)};
constexpr PropSpec kIndicator[] = {Opt("name", K::kString),           Opt("description", K::kString),
                                   Opt("indicator_types", K::kStringList), Req("pattern", K::kString),
                                   Req("pattern_type", K::kString),   Opt("pattern_version", K::kString),
                                   Req("valid_from", K::kTimestamp),  Opt("valid_until", K::kTimestamp),
                                   Opt("kill_chain_phases", K::kKillChainPhases)};
constexpr PropSpec kInfrastructure[] = {Req("name", K::kString),          Opt("description", K::kString),
                                        Opt("infrastructure_types", K::kStringList), Opt("aliases", K::kStringList),
                                        Opt("kill_chain_phases", K::kKillChainPhases),
                                        Opt("first_seen", K::kTimestamp), Opt("last_seen", K::kTimestamp)};
constexpr PropSpec kIntrusionSet[] = {Req("name", K::kString),           Opt("description", K::kString),
                                      Opt("aliases", K::kStringList),     Opt("first_seen", K::kTimestamp),
                                      Opt("last_seen", K::kTimestamp),    Opt("goals", K::kStringList),
                                      Opt("resource_level", K::kString),  Opt("primary_motivation", K::kString),
                                      Opt("secondary_motivations", K::kStringList)};
constexpr PropSpec kLocation[] = {Opt("name", K::kString),          Opt("description", K::kString),
                                  Num("latitude", -90, 90),          Num("longitude", -180, 180),
                                  Num("precision", 0, std::numeric_limits<int64_t>::max()),
                                  Opt("region", K::kString),         Opt("country", K::kString),
                                  Opt("administrative_area", K::kString), Opt("city", K::kString),
                                  Opt("street_address", K::kString), Opt("postal_code", K::kString)};
constexpr PropSpec kMalware[] = {Opt("name", K::kString),
                                 Opt("description", K::kString),
                                 Opt("malware_types", K::kStringList),
                                 Req("is_family", K::kBoolean),
                                 Opt("aliases", K::kStringList),
                                 Opt("kill_chain_phases", K::kKillChainPhases),
                                 Opt("first_seen", K::kTimestamp),
                                 Opt("last_seen", K::kTimestamp),
                                 Ref("operating_system_refs", K::kRefList, kSoftware),
                                 Opt("architecture_execution_envs", K::kStringList),
                                 Opt("implementation_languages", K::kStringList),
                                 Opt("capabilities", K::kStringList),
                                 Ref("sample_refs", K::kRefList, kFileOrArtifact)};
constexpr PropSpec kMalwareAnalysis[] = {Req("product", K::kString),
                                         Opt("version", K::kString),
                                         Ref("host_vm_ref", K::kRef, kSoftware),
                                         Ref("operating_system_ref", K::kRef, kSoftware),
                                         Ref("installed_software_refs", K::kRefList, kSoftware),
                                         Opt("configuration_version", K::kString),
                                         Opt("modules", K::kStringList),
                                         Opt("analysis_engine_version", K::kString),
                                         Opt("analysis_definition_version", K::kString),
                                         Opt("submitted", K::kTimestamp),
                                         Opt("analysis_started", K::kTimestamp),
                                         Opt("analysis_ended", K::kTimestamp),
                                         Opt("result_name", K::kString),
                                         Opt("result", K::kString),
                                         Ref("analysis_sco_refs", K::kRefList, kSco),
                                         Ref("sample_ref", K::kRef, kSample)};
constexpr PropSpec kNote[] = {Opt("abstract", K::kString), Req("content", K::kString), Opt("authors", K::kStringList),
                              Ref("object_refs", K::kRefList, kAny, true)};
constexpr PropSpec kObservedDataProps[] = {Req("first_observed", K::kTimestamp), Req("last_observed", K::kTimestamp),
                                           Int("number_observed", 1, kMaxCount, true), Opt("objects", K::kDict),
                                           Ref("object_refs", K::kRefList, kScoOrSro)};
constexpr PropSpec kOpinion[] = {Opt("explanation", K::kString), Opt("authors", K::kStringList),
                                 Req("opinion", K::kString), Ref("object_refs", K::kRefList, kAny, true)};
constexpr PropSpec kReport[] = {Req("name", K::kString), Opt("description", K::kString),
                                Opt("report_types", K::kStringList), Req("published", K::kTimestamp),
                                Ref("object_refs", K::kRefList, kAny, true)};
constexpr PropSpec kThreatActor[] = {Req("name", K::kString),           Opt("description", K::kString),
                                     Opt("threat_actor_types", K::kStringList), Opt("aliases", K::kStringList),
                                     Opt("first_seen", K::kTimestamp),   Opt("last_seen", K::kTimestamp),
                                     Opt("roles", K::kStringList),       Opt("goals", K::kStringList),
                                     Opt("sophistication", K::kString),  Opt("resource_level", K::kString),
                                     Opt("primary_motivation", K::kString),
                                     Opt("secondary_motivations", K::kStringList),
                                     Opt("personal_motivations", K::kStringList)};
constexpr PropSpec kTool[] = {Req("name", K::kString),         Opt("description", K::kString),
                              Opt("tool_types", K::kStringList), Opt("aliases", K::kStringList),
                              Opt("kill_chain_phases", K::kKillChainPhases), Opt("tool_version", K::kString)};
constexpr PropSpec kVulnerability[] = {Req("name", K::kString), Opt("description", K::kString)};

// SROs (§5).
constexpr PropSpec kRelationship[] = {Req("relationship_type", K::kString), Opt("description", K::kString),
                                      Ref("source_ref", K::kRef, kSdoOrSco, true),
                                      Ref("target_ref", K::kRef, kSdoOrSco, true), Opt("start_time", K::kTimestamp),
                                      Opt("stop_time", K::kTimestamp)};
constexpr PropSpec kSighting[] = {Opt("description", K::kString),
                                  Opt("first_seen", K::kTimestamp),
                                  Opt("last_seen", K::kTimestamp),
                                  Int("count", 0, kMaxCount),
                                  Ref("sighting_of_ref", K::kRef, kSdo, true),
                                  Ref("observed_data_refs", K::kRefList, kObservedData),
                                  Ref("where_sighted_refs", K::kRefList, kIdentityOrLocation),
                                  Opt("summary", K::kBoolean)};

// SCOs (§6).
constexpr PropSpec kArtifactProps[] = {Opt("mime_type", K::kString), Opt("payload_bin", K::kBinary),
                                       Opt("url", K::kString),       Opt("hashes", K::kHashes),
                                       Opt("encryption_algorithm", K::kString), Opt("decryption_key", K::kString)};
constexpr PropSpec kAutonomousSystem[] = {Int("number", 0, std::numeric_limits<int64_t>::max(), true),
                                          Opt("name", K::kString), Opt("rir", K::kString)};
constexpr PropSpec kDirectoryProps[] = {Req("path", K::kString),      Opt("path_enc", K::kString),
                                        Opt("ctime", K::kTimestamp),  Opt("mtime", K::kTimestamp),
                                        Opt("atime", K::kTimestamp),  Ref("contains_refs", K::kRefList, kFileOrDirectory)};
constexpr PropSpec kDomainName[] = {Req("value", K::kString), Ref("resolves_to_refs", K::kRefList, kResolvesDomain)};
constexpr PropSpec kEmailAddrProps[] = {Req("value", K::kString), Opt("display_name", K::kString),
                                        Ref("belongs_to_ref", K::kRef, kUserAccount)};
constexpr PropSpec kEmailMessage[] = {Req("is_multipart", K::kBoolean),
                                      Opt("date", K::kTimestamp),
                                      Opt("content_type", K::kString),
                                      Ref("from_ref", K::kRef, kEmailAddr),
                                      Ref("sender_ref", K::kRef, kEmailAddr),
                                      Ref("to_refs", K::kRefList, kEmailAddr),
                                      Ref("cc_refs", K::kRefList, kEmailAddr),
                                      Ref("bcc_refs", K::kRefList, kEmailAddr),
                                      Opt("message_id", K::kString),
                                      Opt("subject", K::kString),
                                      Opt("received_lines", K::kStringList),
                                      Opt("additional_header_fields", K::kDict),
                                      Opt("body", K::kString),
                                      Opt("body_multipart", K::kList),
                                      Ref("raw_email_ref", K::kRef, kArtifact)};
constexpr PropSpec kFileProps[] = {Opt("hashes", K::kHashes),
                                   Int("size", 0, std::numeric_limits<int64_t>::max()),
                                   Opt("name", K::kString),
                                   Opt("name_enc", K::kString),
                                   Opt("magic_number_hex", K::kHex),
                                   Opt("mime_type", K::kString),
                                   Opt("ctime", K::kTimestamp),
                                   Opt("mtime", K::kTimestamp),
                                   Opt("atime", K::kTimestamp),
                                   Ref("parent_directory_ref", K::kRef, kDirectory),
                                   Ref("contains_refs", K::kRefList, kSco),
                                   Ref("content_ref", K::kRef, kArtifact)};
constexpr PropSpec kIpAddr[] = {Req("value", K::kString), Ref("resolves_to_refs", K::kRefList, kMacAddr),
                                Ref("belongs_to_refs", K::kRefList, kAs)};
constexpr PropSpec kValueOnly[] = {Req("value", K::kString)};
constexpr PropSpec kMutex[] = {Req("name", K::kString)};
constexpr PropSpec kNetworkTrafficProps[] = {Opt("start", K::kTimestamp),
                                             Opt("end", K::kTimestamp),
                                             Opt("is_active", K::kBoolean),
                                             Ref("src_ref", K::kRef, kEndpoint),
                                             Ref("dst_ref", K::kRef, kEndpoint),
                                             Int("src_port", 0, 65535),
                                             Int("dst_port", 0, 65535),
                                             Req("protocols", K::kStringList),
                                             Int("src_byte_count", 0, std::numeric_limits<int64_t>::max()),
                                             Int("dst_byte_count", 0, std::numeric_limits<int64_t>::max()),
                                             Int("src_packets", 0, std::numeric_limits<int64_t>::max()),
                                             Int("dst_packets", 0, std::numeric_limits<int64_t>::max()),
                                             Opt("ipfix", K::kDict),
                                             Ref("src_payload_ref", K::kRef, kArtifact),
                                             Ref("dst_payload_ref", K::kRef, kArtifact),
                                             Ref("encapsulates_refs", K::kRefList, kNetworkTraffic),
                                             Ref("encapsulated_by_ref", K::kRef, kNetworkTraffic)};
constexpr PropSpec kProcessProps[] = {Opt("is_hidden", K::kBoolean),
                                      Int("pid", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()),
                                      Opt("created_time", K::kTimestamp),
                                      Opt("cwd", K::kString),
                                      Opt("command_line", K::kString),
                                      Opt("environment_variables", K::kDict),
                                      Ref("opened_connection_refs", K::kRefList, kNetworkTraffic),
                                      Ref("creator_user_ref", K::kRef, kUserAccount),
                                      Ref("image_ref", K::kRef, kFile),
                                      Ref("parent_ref", K::kRef, kProcess),
                                      Ref("child_refs", K::kRefList, kProcess)};
constexpr PropSpec kSoftwareProps[] = {Req("name", K::kString),  Opt("cpe", K::kString),    Opt("swid", K::kString),
                                       Opt("languages", K::kStringList), Opt("vendor", K::kString),
                                       Opt("version", K::kString)};
constexpr PropSpec kUserAccountProps[] = {Opt("user_id", K::kString),
                                          Opt("credential", K::kString),
                                          Opt("account_login", K::kString),
                                          Opt("account_type", K::kString),
                                          Opt("display_name", K::kString),
                                          Opt("is_service_account", K::kBoolean),
                                          Opt("is_privileged", K::kBoolean),
                                          Opt("can_escalate_privs", K::kBoolean),
                                          Opt("is_disabled", K::kBoolean),
                                          Opt("account_created", K::kTimestamp),
                                          Opt("account_expires", K::kTimestamp),
                                          Opt("credential_last_changed", K::kTimestamp),
                                          Opt("account_first_login", K::kTimestamp),
                                          Opt("account_last_login", K::kTimestamp)};
constexpr PropSpec kRegistryKey[] = {Opt("key", K::kString), Opt("values", K::kList), Opt("modified_time", K::kTimestamp),
                                     Ref("creator_user_ref", K::kRef, kUserAccount),
                                     Int("number_of_subkeys", 0, std::numeric_limits<int64_t>::max())};
constexpr PropSpec kX509[] = {Opt("is_self_signed", K::kBoolean),
                              Opt("hashes", K::kHashes),
                              Opt("version", K::kString),
                              Opt("serial_number", K::kString),
                              Opt("signature_algorithm", K::kString),
                              Opt("issuer", K::kString),
                              Opt("validity_not_before", K::kTimestamp),
                              Opt("validity_not_after", K::kTimestamp),
                              Opt("subject", K::kString),
                              Opt("subject_public_key_algorithm", K::kString),
                              Opt("subject_public_key_modulus", K::kString),
                              Int("subject_public_key_exponent", 0, std::numeric_limits<int64_t>::max()),
                              Opt("x509_v3_extensions", K::kDict)};

// Meta objects (§7).
constexpr PropSpec kMarkingDefinition[] = {Opt("name", K::kString), Opt("definition_type", K::kString),
                                           Opt("definition", K::kDict)};
constexpr PropSpec kLanguageContent[] = {Ref("object_ref", K::kRef, kAny, true),
                                         Opt("object_modified", K::kTimestamp), Req("contents", K::kDict)};
constexpr PropSpec kExtensionDefinition[] = {Req("name", K::kString),           Opt("description", K::kString),
                                             Req("schema", K::kString),         Req("version", K::kString),
                                             Req("extension_types", K::kStringList),
                                             Opt("extension_properties", K::kStringList)};

constexpr std::array<TypeSpec, 42> kTypes = {{
    {"attack-pattern", kAttackPattern},
    {"campaign", kCampaign},
    {"course-of-action", kCourseOfAction},
    {"grouping", kGrouping},
    {"identity", kIdentityProps},
    {"incident", kIncident},
    {"indicator", kIndicator},
    {"infrastructure", kInfrastructure},
    {"intrusion-set", kIntrusionSet},
    {"location", kLocation},
    {"malware", kMalware},
    {"malware-analysis", kMalwareAnalysis},
    {"note", kNote},
    {"observed-data", kObservedDataProps},
    {"opinion", kOpinion},
    {"report", kReport},
    {"threat-actor", kThreatActor},
    {"tool", kTool},
    {"vulnerability", kVulnerability},
    {"relationship", kRelationship},
    {"sighting", kSighting},
    {"artifact", kArtifactProps},
    {"autonomous-system", kAutonomousSystem},
    {"directory", kDirectoryProps},
    {"domain-name", kDomainName},
    {"email-addr", kEmailAddrProps},
    {"email-message", kEmailMessage},
    {"file", kFileProps},
    {"ipv4-addr", kIpAddr},
    {"ipv6-addr", kIpAddr},
    {"mac-addr", kValueOnly},
    {"mutex", kMutex},
    {"network-traffic", kNetworkTrafficProps},
    {"process", kProcessProps},
    {"software", kSoftwareProps},
    {"url", kValueOnly},
    {"user-account", kUserAccountProps},
    {"windows-registry-key", kRegistryKey},
    {"x509-certificate", kX509},
    {"marking-definition", kMarkingDefinition},
    {"language-content", kLanguageContent},
    {"extension-definition", kExtensionDefinition},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kPredefinedExtensions = {{
    {"file", "archive-ext"},
    {"file", "ntfs-ext"},
    {"file", "pdf-ext"},
    {"file", "raster-image-ext"},
    {"file", "windows-pebinary-ext"},
    {"network-traffic", "http-request-ext"},
    {"network-traffic", "icmp-ext"},
    {"network-traffic", "socket-ext"},
    {"network-traffic", "tcp-ext"},
    {"process", "windows-process-ext"},
    {"process", "windows-service-ext"},
    {"user-account", "unix-account-ext"},
}};

}  // namespace

const TypeSpec* FindTypeSpec(std::string_view type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

bool IsPredefinedExtension(std::string_view sco_type, std::string_view name) {
  for (const auto& [type, ext] : kPredefinedExtensions) {
    if (type == sco_type && ext == name) return true;
  }
  return false;
}

bool IsAnyPredefinedExtension(std::string_view name) {
  for (const auto& [type, ext] : kPredefinedExtensions) {
    if (ext == name) return true;
  }
  return false;
}

}  // namespace bulwark::stix::internal
