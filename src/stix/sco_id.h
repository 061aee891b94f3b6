// Deterministic identifiers of STIX Cyber-observable Objects (spec §2.9): UUIDv5 in the namespace
// 00abedb4-aa42-466c-9c01-fed23315a9b7 over the RFC 8785 (JCS) serialisation of a JSON object holding the
// type's "ID Contributing Properties" that the SCO has. Producers SHOULD use it, so a consumer that finds a
// different id only warns (see validate.h).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace bulwark::stix {

inline constexpr std::string_view kScoIdNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";

// The ID Contributing Properties of an SCO type, in the spec's order; empty for `process` (which has none)
// and for any non-SCO type.
std::span<const std::string_view> IdContributingProperties(std::string_view sco_type);

// "type--uuidv5" for the SCO in `sco` (its "type" member names the type). Returns "" when the type has no ID
// Contributing Properties or the object has none of them: the spec then says to use a UUIDv4.
// For `hashes` only one hash contributes, chosen in the order MD5, SHA-1, SHA-256, SHA-512, then the
// lexicographically first remaining key (spec §2.9 names the first four; the tie-break for other algorithms
// is ours, chosen to be independent of the producer's member order). Thread-safe.
std::string DeterministicScoId(const boost::json::object& sco);

}  // namespace bulwark::stix
