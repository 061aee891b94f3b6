// Test-only helpers: where the shared test data lives and how to read a JSON file from it. Included by the
// model module's *_test.cc files only.
//
// The data folder is $BULWARK_TESTDATA, or ../shared/data relative to the project root (BULWARK_SOURCE_DIR).
#pragma once

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace bulwark::model::testing {

inline std::filesystem::path TestDataDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') return env;
#ifdef BULWARK_SOURCE_DIR
  return std::filesystem::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data";
#else
  return std::filesystem::path("..") / "shared" / "data";
#endif
}

inline std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The parsed JSON file, or nullopt if it is missing or not JSON.
inline std::optional<boost::json::value> ReadJsonFile(const std::filesystem::path& path) {
  auto text = ReadFile(path);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace bulwark::model::testing
