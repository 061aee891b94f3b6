#include <string>

#include "api/api.h"
#include "api/openapi_json.h"  // generated from src/api/openapi.json at build time

namespace bulwark::api {

std::string OpenApiDocument(const std::string& version) {
  std::string doc(kOpenApiJson);
  const std::string marker = "\"version\": \"{{VERSION}}\"";
  if (auto pos = doc.find(marker); pos != std::string::npos) {
    doc.replace(pos, marker.size(), "\"version\": \"" + version + "\"");
  }
  return doc;
}

}  // namespace bulwark::api
