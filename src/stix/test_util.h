// Test helpers for stix_test (header-only; not part of the library's API).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/json/parse.hpp>

#include "stix/object.h"

namespace bulwark::stix::testing {

// The shared data directory: $BULWARK_TESTDATA, else <source>/../shared/data.
inline std::filesystem::path DataDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data";
}

inline Object ParseObject(const std::string& json_text) {
  return MakeObject(boost::json::parse(json_text).as_object());
}

}  // namespace bulwark::stix::testing
