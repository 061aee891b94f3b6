// Test helpers shared by the stix_pattern tests (not part of the library API).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bulwark::stix::pattern::testing {

// ../shared/data relative to the project root, or $BULWARK_TESTDATA.
inline std::filesystem::path TestDataDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA")) return env;
  return std::filesystem::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data";
}

inline bool ReadFile(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

}  // namespace bulwark::stix::pattern::testing
