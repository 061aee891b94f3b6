#include "model/attribute_types.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>

namespace bulwark::model {
namespace {

// Types in the order of PyMISP's describeTypes.json ("types"), with MISP's sane defaults (default category,
// to_ids), the ValueKind of the value (or of each half of a composite), and MISP's correlation rules
// (NON_CORRELATING_TYPES, PRIMARY_ONLY_CORRELATING_TYPES). Categories are filled in from the category lists.
// clang-format off
constexpr AttributeTypeInfo kTypeTable[] = {
  {"md5", "Payload delivery", true, ValueKind::kMd5, ValueKind::kNone, false, Correlation::kFull},
  {"sha1", "Payload delivery", true, ValueKind::kSha1, ValueKind::kNone, false, Correlation::kFull},
  {"sha256", "Payload delivery", true, ValueKind::kSha256, ValueKind::kNone, false, Correlation::kFull},
  {"filename", "Payload delivery", true, ValueKind::kFilename, ValueKind::kNone, false, Correlation::kFull},
  {"pdb", "Artifacts dropped", false, ValueKind::kFilename, ValueKind::kNone, false, Correlation::kFull},
  {"filename|md5", "Payload delivery", true, ValueKind::kFilename, ValueKind::kMd5, true, Correlation::kFull},
  {"filename|sha1", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha1, true, Correlation::kFull},
  {"filename|sha256", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha256, true, Correlation::kFull},
  {"ip-src", "Network activity", true, ValueKind::kIpOrCidr, ValueKind::kNone, false, Correlation::kFull},
  {"ip-dst", "Network activity", true, ValueKind::kIpOrCidr, ValueKind::kNone, false, Correlation::kFull},
  {"hostname", "Network activity", true, ValueKind::kHostname, ValueKind::kNone, false, Correlation::kFull},
  {"domain", "Network activity", true, ValueKind::kDomain, ValueKind::kNone, false, Correlation::kFull},
  {"domain|ip", "Network activity", true, ValueKind::kDomain, ValueKind::kIpAddress, true, Correlation::kFull},
  {"email", "Social network", true, ValueKind::kEmail, ValueKind::kNone, false, Correlation::kFull},
  {"email-src", "Payload delivery", true, ValueKind::kEmail, ValueKind::kNone, false, Correlation::kFull},
  {"eppn", "Network activity", true, ValueKind::kEmail, ValueKind::kNone, false, Correlation::kFull},
  {"email-dst", "Network activity", true, ValueKind::kEmail, ValueKind::kNone, false, Correlation::kFull},
  {"email-subject", "Payload delivery", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"email-attachment", "Payload delivery", true, ValueKind::kFilename, ValueKind::kNone, false, Correlation::kFull},
  {"email-body", "Payload delivery", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"float", "Other", false, ValueKind::kFloat, ValueKind::kNone, false, Correlation::kNever},
  {"git-commit-id", "Internal reference", false, ValueKind::kSha1, ValueKind::kNone, false, Correlation::kFull},
  {"url", "Network activity", true, ValueKind::kUrl, ValueKind::kNone, false, Correlation::kFull},
  {"http-method", "Network activity", false, ValueKind::kHttpMethod, ValueKind::kNone, false, Correlation::kNever},
  {"user-agent", "Network activity", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"ja3-fingerprint-md5", "Network activity", true, ValueKind::kMd5, ValueKind::kNone, false, Correlation::kFull},
  {"jarm-fingerprint", "Network activity", true, ValueKind::kJarm, ValueKind::kNone, false, Correlation::kFull},
  {"favicon-mmh3", "Network activity", true, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"hassh-md5", "Network activity", true, ValueKind::kMd5, ValueKind::kNone, false, Correlation::kFull},
  {"hasshserver-md5", "Network activity", true, ValueKind::kMd5, ValueKind::kNone, false, Correlation::kFull},
  {"regkey", "Persistence mechanism", true, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"regkey|value", "Persistence mechanism", true,
   ValueKind::kSingleLineText, ValueKind::kSingleLineText, true, Correlation::kFull},
  {"AS", "Network activity", false, ValueKind::kAsn, ValueKind::kNone, false, Correlation::kFull},
  {"snort", "Network activity", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"suricata", "Network activity", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"bro", "Network activity", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"zeek", "Network activity", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"community-id", "Network activity", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"dom-hash", "Network activity", true, ValueKind::kMd5, ValueKind::kNone, false, Correlation::kFull},
  {"pattern-in-file", "Payload installation", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"pattern-in-traffic", "Network activity", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"pattern-in-memory", "Payload installation", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"filename-pattern", "Payload installation", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"pgp-public-key", "Person", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"pgp-private-key", "Person", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"ssh-fingerprint", "Network activity", false,
   ValueKind::kSshFingerprint, ValueKind::kNone, false, Correlation::kFull},
  {"yara", "Payload installation", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"stix2-pattern", "Payload installation", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"sigma", "Payload installation", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"gene", "Artifacts dropped", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"kusto-query", "Artifacts dropped", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"mime-type", "Artifacts dropped", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"identity-card-number", "Person", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"cookie", "Network activity", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"vulnerability", "External analysis", false, ValueKind::kCve, ValueKind::kNone, false, Correlation::kFull},
  {"cpe", "External analysis", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"weakness", "External analysis", false, ValueKind::kCwe, ValueKind::kNone, false, Correlation::kFull},
  {"attachment", "External analysis", false, ValueKind::kFilename, ValueKind::kNone, false, Correlation::kFull},
  {"malware-sample", "Payload delivery", true, ValueKind::kFilename, ValueKind::kMd5, true, Correlation::kFull},
  {"link", "External analysis", false, ValueKind::kLink, ValueKind::kNone, false, Correlation::kFull},
  {"comment", "Other", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kNever},
  {"text", "Other", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"hex", "Other", false, ValueKind::kHex, ValueKind::kNone, false, Correlation::kFull},
  {"other", "Other", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"named pipe", "Artifacts dropped", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"mutex", "Artifacts dropped", true, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"process-state", "Artifacts dropped", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"target-user", "Targeting data", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"target-email", "Targeting data", false, ValueKind::kEmail, ValueKind::kNone, false, Correlation::kFull},
  {"target-machine", "Targeting data", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"target-org", "Targeting data", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"target-location", "Targeting data", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"target-external", "Targeting data", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"btc", "Financial fraud", true, ValueKind::kAlphanumeric, ValueKind::kNone, false, Correlation::kFull},
  {"dash", "Financial fraud", true, ValueKind::kAlphanumeric, ValueKind::kNone, false, Correlation::kFull},
  {"xmr", "Financial fraud", true, ValueKind::kAlphanumeric, ValueKind::kNone, false, Correlation::kFull},
  {"iban", "Financial fraud", true, ValueKind::kBankCode, ValueKind::kNone, false, Correlation::kFull},
  {"bic", "Financial fraud", true, ValueKind::kBankCode, ValueKind::kNone, false, Correlation::kFull},
  {"bank-account-nr", "Financial fraud", true, ValueKind::kDigits, ValueKind::kNone, false, Correlation::kFull},
  {"aba-rtn", "Financial fraud", true, ValueKind::kDigits, ValueKind::kNone, false, Correlation::kNever},
  {"bin", "Financial fraud", true, ValueKind::kCardNumber, ValueKind::kNone, false, Correlation::kFull},
  {"cc-number", "Financial fraud", true, ValueKind::kCardNumber, ValueKind::kNone, false, Correlation::kFull},
  {"prtn", "Financial fraud", true, ValueKind::kPhoneNumber, ValueKind::kNone, false, Correlation::kFull},
  {"phone-number", "Person", false, ValueKind::kPhoneNumber, ValueKind::kNone, false, Correlation::kFull},
  {"threat-actor", "Attribution", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"campaign-name", "Attribution", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"campaign-id", "Attribution", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"malware-type", "Payload delivery", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"uri", "Network activity", true, ValueKind::kUri, ValueKind::kNone, false, Correlation::kFull},
  {"authentihash", "Payload delivery", true, ValueKind::kSha256, ValueKind::kNone, false, Correlation::kFull},
  {"vhash", "Payload delivery", true, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"ssdeep", "Payload delivery", true, ValueKind::kSsdeep, ValueKind::kNone, false, Correlation::kFull},
  {"imphash", "Payload delivery", true, ValueKind::kMd5, ValueKind::kNone, false, Correlation::kFull},
  {"telfhash", "Payload delivery", true, ValueKind::kTelfhash, ValueKind::kNone, false, Correlation::kFull},
  {"pehash", "Payload delivery", true, ValueKind::kSha1, ValueKind::kNone, false, Correlation::kFull},
  {"impfuzzy", "Payload delivery", true, ValueKind::kImpfuzzy, ValueKind::kNone, false, Correlation::kFull},
  {"sha224", "Payload delivery", true, ValueKind::kSha224, ValueKind::kNone, false, Correlation::kFull},
  {"sha384", "Payload delivery", true, ValueKind::kSha384, ValueKind::kNone, false, Correlation::kFull},
  {"sha512", "Payload delivery", true, ValueKind::kSha512, ValueKind::kNone, false, Correlation::kFull},
  {"sha512/224", "Payload delivery", true, ValueKind::kSha512_224, ValueKind::kNone, false, Correlation::kFull},
  {"sha512/256", "Payload delivery", true, ValueKind::kSha512_256, ValueKind::kNone, false, Correlation::kFull},
  {"sha3-224", "Payload delivery", true, ValueKind::kSha3_224, ValueKind::kNone, false, Correlation::kFull},
  {"sha3-256", "Payload delivery", true, ValueKind::kSha3_256, ValueKind::kNone, false, Correlation::kFull},
  {"sha3-384", "Payload delivery", true, ValueKind::kSha3_384, ValueKind::kNone, false, Correlation::kFull},
  {"sha3-512", "Payload delivery", true, ValueKind::kSha3_512, ValueKind::kNone, false, Correlation::kFull},
  {"tlsh", "Payload delivery", true, ValueKind::kTlsh, ValueKind::kNone, false, Correlation::kFull},
  {"cdhash", "Payload delivery", true, ValueKind::kCdhash, ValueKind::kNone, false, Correlation::kFull},
  {"filename|authentihash", "Payload delivery", true,
   ValueKind::kFilename, ValueKind::kSha256, true, Correlation::kFull},
  {"filename|vhash", "Payload delivery", true,
   ValueKind::kFilename, ValueKind::kSingleLineText, true, Correlation::kFull},
  {"filename|ssdeep", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSsdeep, true, Correlation::kFull},
  {"filename|imphash", "Payload delivery", true, ValueKind::kFilename, ValueKind::kMd5, true, Correlation::kFull},
  {"filename|impfuzzy", "Payload delivery", true, ValueKind::kFilename, ValueKind::kImpfuzzy, true, Correlation::kFull},
  {"filename|pehash", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha1, true, Correlation::kFull},
  {"filename|sha224", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha224, true, Correlation::kFull},
  {"filename|sha384", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha384, true, Correlation::kFull},
  {"filename|sha512", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha512, true, Correlation::kFull},
  {"filename|sha512/224", "Payload delivery", true,
   ValueKind::kFilename, ValueKind::kSha512_224, true, Correlation::kFull},
  {"filename|sha512/256", "Payload delivery", true,
   ValueKind::kFilename, ValueKind::kSha512_256, true, Correlation::kFull},
  {"filename|sha3-224", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha3_224, true, Correlation::kFull},
  {"filename|sha3-256", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha3_256, true, Correlation::kFull},
  {"filename|sha3-384", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha3_384, true, Correlation::kFull},
  {"filename|sha3-512", "Payload delivery", true, ValueKind::kFilename, ValueKind::kSha3_512, true, Correlation::kFull},
  {"filename|tlsh", "Payload delivery", true, ValueKind::kFilename, ValueKind::kTlsh, true, Correlation::kFull},
  {"windows-scheduled-task", "Artifacts dropped", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"windows-service-name", "Artifacts dropped", false,
   ValueKind::kWindowsServiceName, ValueKind::kNone, false, Correlation::kFull},
  {"windows-service-displayname", "Artifacts dropped", false,
   ValueKind::kWindowsServiceName, ValueKind::kNone, false, Correlation::kFull},
  {"whois-registrant-email", "Attribution", false, ValueKind::kEmail, ValueKind::kNone, false, Correlation::kFull},
  {"whois-registrant-phone", "Attribution", false,
   ValueKind::kPhoneNumber, ValueKind::kNone, false, Correlation::kFull},
  {"whois-registrant-name", "Attribution", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"whois-registrant-org", "Attribution", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"whois-registrar", "Attribution", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"whois-creation-date", "Attribution", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"x509-fingerprint-sha1", "Network activity", true,
   ValueKind::kFingerprintSha1, ValueKind::kNone, false, Correlation::kFull},
  {"x509-fingerprint-md5", "Network activity", true,
   ValueKind::kFingerprintMd5, ValueKind::kNone, false, Correlation::kFull},
  {"x509-fingerprint-sha256", "Network activity", true,
   ValueKind::kFingerprintSha256, ValueKind::kNone, false, Correlation::kFull},
  {"dns-soa-email", "Attribution", false, ValueKind::kEmail, ValueKind::kNone, false, Correlation::kFull},
  {"size-in-bytes", "Other", false, ValueKind::kCount, ValueKind::kNone, false, Correlation::kFull},
  {"counter", "Other", false, ValueKind::kCount, ValueKind::kNone, false, Correlation::kNever},
  {"integer", "Other", false, ValueKind::kInteger, ValueKind::kNone, false, Correlation::kNever},
  {"datetime", "Other", false, ValueKind::kDateTime, ValueKind::kNone, false, Correlation::kFull},
  {"port", "Network activity", false, ValueKind::kPort, ValueKind::kNone, false, Correlation::kNever},
  {"ip-dst|port", "Network activity", true, ValueKind::kIpAddress, ValueKind::kPort, true, Correlation::kFirstHalfOnly},
  {"ip-src|port", "Network activity", true, ValueKind::kIpAddress, ValueKind::kPort, true, Correlation::kFirstHalfOnly},
  {"hostname|port", "Network activity", true,
   ValueKind::kHostname, ValueKind::kPort, true, Correlation::kFirstHalfOnly},
  {"mac-address", "Network activity", false, ValueKind::kMacAddress, ValueKind::kNone, false, Correlation::kFull},
  {"mac-eui-64", "Network activity", false, ValueKind::kMacEui64, ValueKind::kNone, false, Correlation::kFull},
  {"email-dst-display-name", "Payload delivery", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"email-src-display-name", "Payload delivery", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"email-header", "Payload delivery", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"email-reply-to", "Payload delivery", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"email-x-mailer", "Payload delivery", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"email-mime-boundary", "Payload delivery", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"email-thread-index", "Payload delivery", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"email-message-id", "Payload delivery", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"github-username", "Social network", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"github-repository", "Social network", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"github-organisation", "Social network", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"jabber-id", "Social network", false, ValueKind::kEmail, ValueKind::kNone, false, Correlation::kFull},
  {"twitter-id", "Social network", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"dkim", "Network activity", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"dkim-signature", "Network activity", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"first-name", "Person", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"middle-name", "Person", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"last-name", "Person", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"full-name", "Person", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kFull},
  {"date-of-birth", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"place-of-birth", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"gender", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kNever},
  {"passport-number", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"passport-country", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"passport-expiration", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"redress-number", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"nationality", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kNever},
  {"visa-number", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"issue-date-of-the-visa", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"primary-residence", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"country-of-residence", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"special-service-request", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"frequent-flyer-number", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"travel-details", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"payment-details", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"place-port-of-original-embarkation", "Person", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"place-port-of-clearance", "Person", false, ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"place-port-of-onward-foreign-destination", "Person", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"passenger-name-record-locator-number", "Person", false,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"mobile-application-id", "Payload delivery", true,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"azure-application-id", "Payload delivery", true,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"chrome-extension-id", "Payload delivery", true,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"edge-extension-id", "Payload delivery", true,
   ValueKind::kSingleLineText, ValueKind::kNone, false, Correlation::kFull},
  {"cortex", "External analysis", false, ValueKind::kJson, ValueKind::kNone, false, Correlation::kNever},
  {"boolean", "Other", false, ValueKind::kBoolean, ValueKind::kNone, false, Correlation::kNever},
  {"uuid", "Other", false, ValueKind::kUuid, ValueKind::kNone, false, Correlation::kFull},
  {"anonymised", "Other", false, ValueKind::kText, ValueKind::kNone, false, Correlation::kNever},
  {"onion-address", "Network activity", true, ValueKind::kOnionAddress, ValueKind::kNone, false, Correlation::kFull},
};

// MISP's category_type_mappings: the types each category allows, in MISP's order.
constexpr std::string_view kInternalReferenceTypes[] = {"text", "link", "comment", "other", "hex", "anonymised",
    "git-commit-id"};
constexpr std::string_view kTargetingDataTypes[] = {"target-user", "target-email", "target-machine", "target-org",
    "target-location", "target-external", "comment", "anonymised"};
constexpr std::string_view kAntivirusDetectionTypes[] = {"link", "comment", "text", "hex", "attachment", "other",
    "anonymised"};
constexpr std::string_view kPayloadDeliveryTypes[] = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512",
    "sha512/224", "sha512/256", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "ssdeep", "imphash", "telfhash",
    "impfuzzy", "authentihash", "vhash", "pehash", "tlsh", "cdhash", "filename", "filename|md5", "filename|sha1",
    "filename|sha224", "filename|sha256", "filename|sha384", "filename|sha512", "filename|sha512/224",
    "filename|sha512/256", "filename|sha3-224", "filename|sha3-256", "filename|sha3-384", "filename|sha3-512",
    "filename|authentihash", "filename|vhash", "filename|ssdeep", "filename|tlsh", "filename|imphash",
    "filename|impfuzzy", "filename|pehash", "mac-address", "mac-eui-64", "ip-src", "ip-dst", "ip-dst|port",
    "ip-src|port", "hostname", "domain", "email", "email-src", "email-dst", "email-subject", "email-attachment",
    "email-body", "url", "user-agent", "AS", "pattern-in-file", "pattern-in-traffic", "filename-pattern",
    "stix2-pattern", "yara", "sigma", "mime-type", "attachment", "malware-sample", "link", "malware-type", "comment",
    "text", "hex", "vulnerability", "cpe", "weakness", "x509-fingerprint-sha1", "x509-fingerprint-md5",
    "x509-fingerprint-sha256", "ja3-fingerprint-md5", "jarm-fingerprint", "hassh-md5", "hasshserver-md5", "other",
    "hostname|port", "email-dst-display-name", "email-src-display-name", "email-header", "email-reply-to",
    "email-x-mailer", "email-mime-boundary", "email-thread-index", "email-message-id", "azure-application-id",
    "mobile-application-id", "chrome-extension-id", "edge-extension-id", "whois-registrant-email", "anonymised",
    "onion-address"};
constexpr std::string_view kArtifactsDroppedTypes[] = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512",
    "sha512/224", "sha512/256", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "ssdeep", "imphash", "telfhash",
    "impfuzzy", "authentihash", "vhash", "cdhash", "filename", "filename|md5", "filename|sha1", "filename|sha224",
    "filename|sha256", "filename|sha384", "filename|sha512", "filename|sha512/224", "filename|sha512/256",
    "filename|sha3-224", "filename|sha3-256", "filename|sha3-384", "filename|sha3-512", "filename|authentihash",
    "filename|vhash", "filename|ssdeep", "filename|tlsh", "filename|imphash", "filename|impfuzzy", "filename|pehash",
    "regkey", "regkey|value", "pattern-in-file", "pattern-in-memory", "filename-pattern", "pdb", "stix2-pattern",
    "yara", "sigma", "attachment", "malware-sample", "named pipe", "mutex", "process-state", "windows-scheduled-task",
    "windows-service-name", "windows-service-displayname", "comment", "text", "hex", "x509-fingerprint-sha1",
    "x509-fingerprint-md5", "x509-fingerprint-sha256", "other", "cookie", "gene", "kusto-query", "mime-type",
    "anonymised", "pgp-public-key", "pgp-private-key"};
constexpr std::string_view kPayloadInstallationTypes[] = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512",
    "sha512/224", "sha512/256", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "ssdeep", "imphash", "telfhash",
    "impfuzzy", "authentihash", "vhash", "pehash", "tlsh", "cdhash", "filename", "filename|md5", "filename|sha1",
    "filename|sha224", "filename|sha256", "filename|sha384", "filename|sha512", "filename|sha512/224",
    "filename|sha512/256", "filename|sha3-224", "filename|sha3-256", "filename|sha3-384", "filename|sha3-512",
    "filename|authentihash", "filename|vhash", "filename|ssdeep", "filename|tlsh", "filename|imphash",
    "filename|impfuzzy", "filename|pehash", "pattern-in-file", "pattern-in-traffic", "pattern-in-memory",
    "filename-pattern", "stix2-pattern", "yara", "sigma", "vulnerability", "cpe", "weakness", "attachment",
    "malware-sample", "malware-type", "comment", "text", "hex", "x509-fingerprint-sha1", "x509-fingerprint-md5",
    "x509-fingerprint-sha256", "azure-application-id", "mobile-application-id", "chrome-extension-id",
    "edge-extension-id", "other", "mime-type", "anonymised"};
constexpr std::string_view kPersistenceMechanismTypes[] = {"filename", "regkey", "regkey|value", "comment", "text",
    "other", "hex", "anonymised"};
constexpr std::string_view kNetworkActivityTypes[] = {"ip-src", "ip-dst", "ip-dst|port", "ip-src|port", "port",
    "hostname", "domain", "domain|ip", "mac-address", "mac-eui-64", "email", "email-dst", "email-src", "eppn", "url",
    "uri", "user-agent", "http-method", "AS", "snort", "suricata", "pattern-in-file", "filename-pattern",
    "stix2-pattern", "pattern-in-traffic", "attachment", "comment", "text", "x509-fingerprint-md5",
    "x509-fingerprint-sha1", "x509-fingerprint-sha256", "ja3-fingerprint-md5", "jarm-fingerprint", "hassh-md5",
    "hasshserver-md5", "other", "hex", "cookie", "hostname|port", "bro", "zeek", "anonymised", "community-id",
    "email-subject", "favicon-mmh3", "dkim", "dkim-signature", "ssh-fingerprint", "dom-hash", "onion-address"};
constexpr std::string_view kPayloadTypeTypes[] = {"comment", "text", "other", "anonymised"};
constexpr std::string_view kAttributionTypes[] = {"threat-actor", "campaign-name", "campaign-id",
    "whois-registrant-phone", "whois-registrant-email", "whois-registrant-name", "whois-registrant-org",
    "whois-registrar", "whois-creation-date", "comment", "text", "x509-fingerprint-sha1", "x509-fingerprint-md5",
    "x509-fingerprint-sha256", "other", "dns-soa-email", "anonymised", "email"};
constexpr std::string_view kExternalAnalysisTypes[] = {"md5", "sha1", "sha256", "sha3-224", "sha3-256", "sha3-384",
    "sha3-512", "filename", "filename|md5", "filename|sha1", "filename|sha256", "filename|sha3-224",
    "filename|sha3-256", "filename|sha3-384", "filename|sha3-512", "ip-src", "ip-dst", "ip-dst|port", "ip-src|port",
    "mac-address", "mac-eui-64", "hostname", "domain", "domain|ip", "url", "user-agent", "regkey", "regkey|value",
    "AS", "snort", "suricata", "bro", "zeek", "pattern-in-file", "pattern-in-traffic", "pattern-in-memory",
    "filename-pattern", "vulnerability", "cpe", "weakness", "attachment", "malware-sample", "link", "comment", "text",
    "x509-fingerprint-sha1", "x509-fingerprint-md5", "x509-fingerprint-sha256", "ja3-fingerprint-md5",
    "jarm-fingerprint", "hassh-md5", "hasshserver-md5", "github-repository", "other", "cortex", "anonymised",
    "community-id", "dom-hash", "onion-address"};
constexpr std::string_view kFinancialFraudTypes[] = {"btc", "dash", "xmr", "iban", "bic", "bank-account-nr",
    "aba-rtn", "bin", "cc-number", "prtn", "phone-number", "comment", "text", "other", "hex", "anonymised"};
constexpr std::string_view kSupportToolTypes[] = {"link", "text", "attachment", "comment", "other", "hex",
    "anonymised"};
constexpr std::string_view kSocialNetworkTypes[] = {"github-username", "github-repository", "github-organisation",
    "jabber-id", "twitter-id", "email", "email-src", "email-dst", "eppn", "comment", "text", "other",
    "whois-registrant-email", "anonymised", "pgp-public-key", "pgp-private-key"};
constexpr std::string_view kPersonTypes[] = {"first-name", "middle-name", "last-name", "full-name", "date-of-birth",
    "place-of-birth", "gender", "passport-number", "passport-country", "passport-expiration", "redress-number",
    "nationality", "visa-number", "issue-date-of-the-visa", "primary-residence", "country-of-residence",
    "special-service-request", "frequent-flyer-number", "travel-details", "payment-details",
    "place-port-of-original-embarkation", "place-port-of-clearance", "place-port-of-onward-foreign-destination",
    "passenger-name-record-locator-number", "comment", "text", "other", "phone-number", "identity-card-number",
    "anonymised", "email", "pgp-public-key", "pgp-private-key"};
constexpr std::string_view kOtherTypes[] = {"comment", "text", "other", "size-in-bytes", "counter", "integer",
    "datetime", "cpe", "port", "float", "hex", "phone-number", "boolean", "anonymised", "pgp-public-key",
    "pgp-private-key", "uuid"};

struct CategoryEntry {
  std::string_view name;
  std::span<const std::string_view> types;
};

constexpr CategoryEntry kCategoryTable[] = {
    {"Internal reference", kInternalReferenceTypes},
    {"Targeting data", kTargetingDataTypes},
    {"Antivirus detection", kAntivirusDetectionTypes},
    {"Payload delivery", kPayloadDeliveryTypes},
    {"Artifacts dropped", kArtifactsDroppedTypes},
    {"Payload installation", kPayloadInstallationTypes},
    {"Persistence mechanism", kPersistenceMechanismTypes},
    {"Network activity", kNetworkActivityTypes},
    {"Payload type", kPayloadTypeTypes},
    {"Attribution", kAttributionTypes},
    {"External analysis", kExternalAnalysisTypes},
    {"Financial fraud", kFinancialFraudTypes},
    {"Support Tool", kSupportToolTypes},
    {"Social network", kSocialNetworkTypes},
    {"Person", kPersonTypes},
    {"Other", kOtherTypes}
};
// clang-format on

constexpr std::array<std::string_view, std::size(kCategoryTable)> CategoryNames() {
  std::array<std::string_view, std::size(kCategoryTable)> names{};
  for (size_t i = 0; i < std::size(kCategoryTable); ++i) names[i] = kCategoryTable[i].name;
  return names;
}

constexpr auto kCategoryNames = CategoryNames();
static_assert(std::size(kCategoryTable) <= 32, "categories are a 32-bit mask");

struct Registry {
  std::array<AttributeTypeInfo, std::size(kTypeTable)> types;
  std::unordered_map<std::string_view, size_t> type_index;
  std::unordered_map<std::string_view, int> category_index;
};

const Registry& GetRegistry() {
  static const Registry* const registry = [] {
    auto* r = new Registry();
    std::copy(std::begin(kTypeTable), std::end(kTypeTable), r->types.begin());
    for (size_t i = 0; i < r->types.size(); ++i) r->type_index.emplace(r->types[i].name, i);
    for (size_t c = 0; c < std::size(kCategoryTable); ++c) {
      r->category_index.emplace(kCategoryTable[c].name, static_cast<int>(c));
      for (std::string_view type : kCategoryTable[c].types) {
        auto it = r->type_index.find(type);
        if (it != r->type_index.end()) r->types[it->second].categories |= uint32_t{1} << c;
      }
    }
    return r;
  }();
  return *registry;
}

}  // namespace

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNone:
      return "none";
    case ValueKind::kText:
      return "text";
    case ValueKind::kSingleLineText:
      return "single-line text";
    case ValueKind::kFilename:
      return "filename";
    case ValueKind::kJson:
      return "json";
    case ValueKind::kIpAddress:
      return "ip-address";
    case ValueKind::kIpOrCidr:
      return "ip-or-cidr";
    case ValueKind::kDomain:
      return "domain";
    case ValueKind::kHostname:
      return "hostname";
    case ValueKind::kOnionAddress:
      return "onion-address";
    case ValueKind::kUrl:
      return "url";
    case ValueKind::kUri:
      return "uri";
    case ValueKind::kLink:
      return "link";
    case ValueKind::kEmail:
      return "email";
    case ValueKind::kPort:
      return "port";
    case ValueKind::kAsn:
      return "as-number";
    case ValueKind::kMacAddress:
      return "mac-address";
    case ValueKind::kMacEui64:
      return "mac-eui-64";
    case ValueKind::kHttpMethod:
      return "http-method";
    case ValueKind::kSshFingerprint:
      return "ssh-fingerprint";
    case ValueKind::kMd5:
      return "md5";
    case ValueKind::kSha1:
      return "sha1";
    case ValueKind::kSha224:
      return "sha224";
    case ValueKind::kSha256:
      return "sha256";
    case ValueKind::kSha384:
      return "sha384";
    case ValueKind::kSha512:
      return "sha512";
    case ValueKind::kSha512_224:
      return "sha512/224";
    case ValueKind::kSha512_256:
      return "sha512/256";
    case ValueKind::kSha3_224:
      return "sha3-224";
    case ValueKind::kSha3_256:
      return "sha3-256";
    case ValueKind::kSha3_384:
      return "sha3-384";
    case ValueKind::kSha3_512:
      return "sha3-512";
    case ValueKind::kFingerprintMd5:
      return "md5 fingerprint";
    case ValueKind::kFingerprintSha1:
      return "sha1 fingerprint";
    case ValueKind::kFingerprintSha256:
      return "sha256 fingerprint";
    case ValueKind::kJarm:
      return "jarm";
    case ValueKind::kCdhash:
      return "cdhash";
    case ValueKind::kTelfhash:
      return "telfhash";
    case ValueKind::kTlsh:
      return "tlsh";
    case ValueKind::kSsdeep:
      return "ssdeep";
    case ValueKind::kImpfuzzy:
      return "impfuzzy";
    case ValueKind::kHex:
      return "hex";
    case ValueKind::kInteger:
      return "integer";
    case ValueKind::kCount:
      return "count";
    case ValueKind::kFloat:
      return "float";
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kDateTime:
      return "datetime";
    case ValueKind::kUuid:
      return "uuid";
    case ValueKind::kCve:
      return "cve";
    case ValueKind::kCwe:
      return "cwe";
    case ValueKind::kWindowsServiceName:
      return "windows-service-name";
    case ValueKind::kPhoneNumber:
      return "phone-number";
    case ValueKind::kCardNumber:
      return "card-number";
    case ValueKind::kBankCode:
      return "bank-code";
    case ValueKind::kAlphanumeric:
      return "alphanumeric";
    case ValueKind::kDigits:
      return "digits";
  }
  return "unknown";
}

AttributeTypes::AttributeTypes() = default;

const AttributeTypes& AttributeTypes::Get() {
  static const AttributeTypes instance;
  GetRegistry();  // build the tables once, under the static-local guard
  return instance;
}

const AttributeTypeInfo* AttributeTypes::Find(std::string_view type) const {
  const Registry& r = GetRegistry();
  auto it = r.type_index.find(type);
  return it == r.type_index.end() ? nullptr : &r.types[it->second];
}

int AttributeTypes::CategoryIndex(std::string_view category) const {
  const Registry& r = GetRegistry();
  auto it = r.category_index.find(category);
  return it == r.category_index.end() ? -1 : it->second;
}

bool AttributeTypes::CategoryAllows(std::string_view category, std::string_view type) const {
  const AttributeTypeInfo* info = Find(type);
  int index = CategoryIndex(category);
  return info != nullptr && index >= 0 && (info->categories & (uint32_t{1} << index)) != 0;
}

std::span<const std::string_view> AttributeTypes::Categories() const { return kCategoryNames; }

std::span<const AttributeTypeInfo> AttributeTypes::Types() const { return GetRegistry().types; }

std::span<const std::string_view> AttributeTypes::TypesOfCategory(std::string_view category) const {
  int index = CategoryIndex(category);
  if (index < 0) return {};
  return kCategoryTable[index].types;
}

}  // namespace bulwark::model
