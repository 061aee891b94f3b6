// Test-only helpers for stix_mapping_test: the MISP event fixtures as model::Events, built from misp::ParseEvent
// the way the hub does (values split and normalised, tags attached, default categories).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "common/uuid.h"
#include "misp/misp_json.h"
#include "model/attribute_types.h"
#include "model/value.h"

namespace bulwark::stix::mapping::testing {

inline std::filesystem::path DataDir() {
  if (const char* env = std::getenv("BULWARK_TESTDATA"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "data";
}

inline std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void Split(model::Attribute& a, const std::string& raw) {
  auto n = model::NormaliseValue(a.type, raw);
  if (n.ok()) {
    a.value1 = n->value1;
    a.value2 = n->value2;
    return;
  }
  const auto* info = model::AttributeTypes::Get().Find(a.type);
  const size_t bar = raw.find('|');
  if (info != nullptr && info->composite && bar != std::string::npos) {
    a.value1 = raw.substr(0, bar);
    a.value2 = raw.substr(bar + 1);
  } else {
    a.value1 = raw;
    a.value2.clear();
  }
}

// Entities without a uuid get one as the hub would give them, but deterministic (uuidv5 of `seed`).
inline std::string UuidFor(const std::string& uuid, const std::string& seed) {
  return uuid.empty() ? UuidV5("4b0c1f53-2f0e-4a8e-8f43-0c8f2d5b7a10", seed) : uuid;
}

inline model::Attribute ToAttribute(const misp::AttributeInput& in, model::Id& next_id, const std::string& seed) {
  model::Attribute a = in.attribute;
  a.id = ++next_id;
  a.uuid = UuidFor(a.uuid, seed + ":attribute:" + std::to_string(a.id));
  Split(a, in.raw_value);
  if (a.category.empty()) {
    const auto* info = model::AttributeTypes::Get().Find(a.type);
    a.category = info != nullptr ? std::string(info->default_category) : "Other";
  }
  for (const auto& t : in.tags) {
    model::AppliedTag at;
    at.tag.name = t.name;
    at.local = t.local;
    a.tags.push_back(std::move(at));
  }
  return a;
}

inline model::Event ToEvent(const misp::EventInput& in, const std::string& seed) {
  model::Event e = in.event;
  e.uuid = UuidFor(e.uuid, seed);
  model::Id next_id = 0;
  for (const auto& t : in.tags) {
    model::AppliedTag at;
    at.tag.name = t.name;
    at.local = t.local;
    e.tags.push_back(std::move(at));
  }
  for (const auto& a : in.attributes) e.attributes.push_back(ToAttribute(a, next_id, seed));
  for (const auto& o : in.objects) {
    model::Object obj = o.object;
    obj.uuid = UuidFor(obj.uuid, seed + ":object:" + std::to_string(e.objects.size()));
    for (const auto& a : o.attributes) obj.attributes.push_back(ToAttribute(a, next_id, seed));
    for (const auto& r : o.references) obj.references.push_back(r.reference);
    e.objects.push_back(std::move(obj));
  }
  return e;
}

struct Fixture {
  std::string name;
  model::Event event;
};

// Every event of pymisp/*.json and misp-ci-event.json (list files contribute each element that parses as an
// event; missing uuids are filled in deterministically, as the hub fills them in). Empty when the data folder
// is missing.
inline std::vector<Fixture> LoadFixtures() {
  std::vector<Fixture> out;
  const auto dir = DataDir() / "misp" / "events";
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::exists(dir / "pymisp")) return out;
  for (const auto& f : std::filesystem::directory_iterator(dir / "pymisp")) files.push_back(f.path());
  files.push_back(dir / "misp-ci-event.json");
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    boost::system::error_code ec;
    auto v = boost::json::parse(ReadText(f), ec);
    if (ec) continue;
    std::vector<boost::json::value> docs;
    if (v.is_array()) {
      for (auto& x : v.as_array()) docs.push_back(x);
    } else {
      docs.push_back(v);
    }
    for (size_t i = 0; i < docs.size(); ++i) {
      auto in = misp::ParseEvent(docs[i]);
      if (!in.ok()) continue;
      std::string name = f.filename().string() + (docs.size() > 1 ? "#" + std::to_string(i) : "");
      out.push_back({name, ToEvent(*in, name)});
    }
  }
  return out;
}

}  // namespace bulwark::stix::mapping::testing
