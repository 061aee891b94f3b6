// Test-only helpers for the lifecycle module's *_test.cc files: attributes, tags and sightings over a fixed
// epoch, and the real MISP taxonomies from the shared test data ($BULWARK_TESTDATA, else ../shared/data
// relative to the project root).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "lifecycle/decay.h"
#include "model/entities.h"
#include "model/taxonomy.h"

namespace bulwark::lifecycle::testing {

inline constexpr int64_t kT0 = 1'767'225'600;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kDay = kSecondsPerDay;

inline model::AppliedTag MakeTag(std::string name, std::optional<int> numerical_value = std::nullopt) {
  model::AppliedTag t;
  t.tag.name = std::move(name);
  t.tag.numerical_value = numerical_value;
  return t;
}

inline model::Attribute MakeAttribute(std::string type, int64_t timestamp = kT0,
                                      std::initializer_list<std::string> tags = {}) {
  model::Attribute a;
  a.id = 7;
  a.type = std::move(type);
  a.value1 = "198.51.100.7";
  a.to_ids = true;
  a.timestamp = timestamp;
  for (const auto& t : tags) a.tags.push_back(MakeTag(t));
  return a;
}

inline model::Sighting MakeSighting(int64_t when, model::SightingType type = model::SightingType::kSighting,
                                    std::string source = {}) {
  model::Sighting s;
  s.attribute_id = 7;
  s.date_sighting = when;
  s.type = type;
  s.source = std::move(source);
  return s;
}

inline std::filesystem::path TestDataDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data";
}

// The named taxonomies from misp/taxonomies/<ns>/machinetag.json, or nullopt if any file is missing or bad.
inline std::optional<model::TaxonomyRegistry> LoadTaxonomies(std::initializer_list<const char*> namespaces) {
  model::TaxonomyRegistry::Builder builder;
  for (const char* ns : namespaces) {
    std::ifstream in(TestDataDir() / "misp" / "taxonomies" / ns / "machinetag.json", std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(text.str(), ec);
    if (ec) return std::nullopt;
    auto taxonomy = model::ParseTaxonomy(doc);
    if (!taxonomy.ok()) return std::nullopt;
    if (!builder.Add(std::move(taxonomy).value()).ok()) return std::nullopt;
  }
  return std::move(builder).Build();
}

}  // namespace bulwark::lifecycle::testing
