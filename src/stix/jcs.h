// JSON Canonicalization Scheme (RFC 8785): the byte-exact serialisation STIX 2.1 uses as the UUIDv5 name of
// deterministic SCO identifiers (spec §2.9). Object members are sorted by the UTF-16 code units of their
// names, numbers are written as ECMAScript's Number.prototype.toString would write the IEEE 754 double,
// strings use the minimal escaping of RFC 8785 §3.2.2.2, and there is no whitespace.
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace bulwark::stix {

// Canonical JSON text of `value`. Integers beyond ±2^53 are converted to the nearest double first, exactly as
// a JCS implementation working on IEEE 754 numbers would. Thread-safe; never fails (boost::json values hold no
// NaN or infinity; if one did, it is written as null, as ECMAScript's JSON.stringify does).
std::string CanonicalJson(const boost::json::value& value);

// Appends the canonical form to `out` (avoids a temporary when building larger texts).
void AppendCanonicalJson(const boost::json::value& value, std::string& out);

// The ECMAScript (ES2015+ Number::toString) text of a double: shortest round-trip digits, exponent form
// outside [1e-7, 1e21). Exposed for tests.
std::string EcmaScriptNumber(double d);

}  // namespace bulwark::stix
