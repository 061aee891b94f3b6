// Validation of STIX 2.1 objects against the specification's MUST rules (errors) and a few SHOULD rules that
// matter for deduplication (warnings). An object with an error is rejected by the importer; warnings are
// reported and the object is kept. Custom objects (`x-...` types), custom properties and extensions are
// allowed and kept; only their syntax is checked.
//
// What is checked (spec section in brackets):
//  - type name syntax [2.14, 11.2]; id = `type--uuid` with the same type and an RFC 4122 UUID [2.9];
//  - spec_version "2.1" (required except on SCOs, where it is optional) [3.2];
//  - timestamps: RFC 3339 UTC with 'Z', real dates; created/modified to at least millisecond precision;
//    modified >= created; first/last pairs ordered; valid_until > valid_from; stop_time > start_time [3.2, 4, 5];
//  - required properties and JSON value kinds of every property the spec defines, per type [3.2, 4-7];
//  - property names (custom ones: 3..250 of [a-zA-Z0-9_]) [3.1, 11.1]; any `*_ref`/`*_refs` property holds
//    identifiers; spec-defined references point at the allowed types (created_by_ref -> identity,
//    object_marking_refs -> marking-definition, relationship ends -> SDO/SCO, sighting_of_ref -> SDO, ...);
//  - hashes: known algorithm names with well-formed values, other keys well-formed [2.7, 10.10];
//  - external references and kill chain phases [2.5, 2.8];
//  - markings: object_marking_refs, granular markings (selectors must resolve in the object, marking_ref xor
//    lang), marking definitions (definition_type/definition when there are no extensions), TLP 1.0's four
//    fixed objects and the TLP 2.0 extension's five [7.2];
//  - extensions: keys are `extension-definition--uuid` or a predefined extension of that SCO type
//    (other names are the deprecated custom-extension form: a warning) [7.3];
//  - per-type co-occurrence rules (location, malware, malware-analysis, observed-data, artifact, file,
//    network-traffic, email-message, extension-definition, language-content) [4-7];
//  - SCO ids: an id that is not the deterministic UUIDv5 of the SCO is a WARNING, because the spec says
//    producers SHOULD (not MUST) use it [2.9];
//  - indicator patterns: not here; `pattern_validator` is the hook (see below).
// Not checked: references resolving to objects that exist (a bundle need not be closed), open vocabularies.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stix/object.h"

namespace bulwark::stix {

enum class Severity { kError, kWarning };

struct Issue {
  Severity severity = Severity::kError;
  std::string object_id;  // the object's id as received ("" if it has none)
  std::string path;       // JSON path inside the object, e.g. "external_references[2].source_name"
  std::string message;
};

// Validates an indicator's pattern: given pattern, pattern_type and pattern_version ("" when absent), returns
// nullopt when valid or a message. Called only when set. The pattern module is wired here by the caller.
using PatternValidator =
    std::function<std::optional<std::string>(std::string_view pattern, std::string_view pattern_type,
                                             std::string_view pattern_version)>;

struct ValidationOptions {
  // Warn when an SCO's id is not its deterministic UUIDv5 id. Default: true.
  bool check_sco_ids = true;
  // Reject custom object types (x-...) instead of accepting them. Default: false (they are accepted).
  bool reject_custom_objects = false;
  // Indicator pattern validation hook; empty = patterns are not checked.
  PatternValidator pattern_validator;
};

// Validates one object. Thread-safe (reads only). The result is empty for a clean object.
std::vector<Issue> Validate(const Object& object, const ValidationOptions& options = {});

bool HasErrors(const std::vector<Issue>& issues);
// "error: indicator--...: valid_from: not a STIX timestamp ..." for logs and API answers.
std::string FormatIssue(const Issue& issue);

// TLP marking definitions (spec §7.2.1.4 for TLP 1.0; the OASIS TLP 2.0 extension definition).
inline constexpr std::string_view kTlp1White = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
inline constexpr std::string_view kTlp1Green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
inline constexpr std::string_view kTlp1Amber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
inline constexpr std::string_view kTlp1Red = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
inline constexpr std::string_view kTlp2ExtensionId = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
inline constexpr std::string_view kTlp2Clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
inline constexpr std::string_view kTlp2Green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
inline constexpr std::string_view kTlp2Amber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
inline constexpr std::string_view kTlp2AmberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
inline constexpr std::string_view kTlp2Red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

}  // namespace bulwark::stix
