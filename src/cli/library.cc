// `bulwark library load DIR`: taxonomies, galaxies, object templates and warninglists in their upstream
// formats (misp-taxonomies, misp-galaxy, misp-objects, misp-warninglists), recognised by their content.
#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/app.h"

namespace bulwark::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// Which library kind a JSON document is, and its name, or nullopt for files that are none of them.
std::optional<store::LibraryDocument> Classify(const json::value& v, const std::string& text) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  auto str = [&](const char* key) -> std::string {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
  };
  auto version = [&]() -> int64_t {
    auto it = o.find("version");
    if (it == o.end()) return 0;
    if (it->value().is_int64()) return it->value().get_int64();
    if (it->value().is_uint64()) return static_cast<int64_t>(it->value().get_uint64());
    return 0;
  };
  store::LibraryDocument doc;
  doc.json = text;
  doc.uuid = str("uuid");
  doc.version = version();
  if (o.contains("predicates") && !str("namespace").empty()) {
    doc.kind = "taxonomy";
    doc.name = str("namespace");
  } else if (o.contains("attributes") && o.contains("meta-category") && !str("name").empty()) {
    doc.kind = "object-template";
    doc.name = str("name");
  } else if (o.contains("list") && o.contains("matching_attributes") && !str("name").empty()) {
    doc.kind = "warninglist";
    doc.name = str("name");
  } else if (o.contains("values") && o.contains("type") && !str("name").empty() && o.contains("authors")) {
    doc.kind = "galaxy-cluster";
    doc.name = str("type");
  } else if (o.contains("namespace") && o.contains("type") && !str("name").empty() && !o.contains("values")) {
    doc.kind = "galaxy-definition";
    doc.name = str("type");
  } else {
    return std::nullopt;
  }
  return doc;
}

}  // namespace

int RunLibraryLoad(const Config& config, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::fprintf(stderr, "bulwark library load: %s is not a directory\n", dir.c_str());
    return kExitUsage;
  }
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) {
    std::fprintf(stderr, "bulwark library load: %s\n", app.error().message.c_str());
    return ExitCodeFor(app.error());
  }
  std::vector<store::LibraryDocument> docs;
  std::map<std::string, int> counts;
  int skipped = 0;
  int failed = 0;
  size_t seen = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".json") continue;
    if (it->file_size(ec) > (64u << 20)) {
      std::fprintf(stderr, "  skipped %s: larger than 64 MiB\n", it->path().c_str());
      ++skipped;
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    boost::system::error_code jec;
    json::value v = json::parse(text, jec);
    if (jec) {
      std::fprintf(stderr, "  not JSON, skipped: %s (%s)\n", it->path().c_str(), jec.message().c_str());
      ++failed;
      continue;
    }
    auto doc = Classify(v, text);
    if (!doc) {
      ++skipped;
      continue;
    }
    counts[doc->kind]++;
    docs.push_back(std::move(*doc));
    if (++seen % 200 == 0) std::fprintf(stderr, "  read %zu documents...\n", seen);
  }
  Status st = app.value()->store->Write([&](store::WriteTxn& txn) -> Status {
    for (const auto& d : docs) BW_RETURN_IF_ERROR(txn.PutLibraryDocument(d));
    return Ok();
  });
  if (!st.ok()) {
    std::fprintf(stderr, "bulwark library load: %s\n", st.error().message.c_str());
    return kExitFailure;
  }
  Status reload = app.value()->hub->ReloadLibrary();
  if (!reload.ok()) {
    std::fprintf(stderr, "bulwark library load: loaded, but reloading failed: %s\n", reload.error().message.c_str());
    return kExitFailure;
  }
  std::printf("loaded from %s:", dir.c_str());
  for (const auto& [kind, n] : counts) std::printf(" %d %s", n, (kind + (n == 1 ? "" : "s")).c_str());
  std::printf(" (%d other JSON files skipped, %d unreadable)\n", skipped, failed);
  return failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace bulwark::cli
