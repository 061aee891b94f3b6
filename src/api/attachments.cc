#include "api/attachments.h"

#include "common/crypto.h"
#include "hub/sample_zip.h"
#include "misp/misp_json.h"

namespace bulwark::api {
namespace {

namespace json = boost::json;

Result<std::optional<bool>> QueryBool(const http::HttpRequest& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v) return std::optional<bool>();
  if (*v == "1" || *v == "true") return std::optional<bool>(true);
  if (*v == "0" || *v == "false") return std::optional<bool>(false);
  return MakeError(ErrorCode::kBadRequest, std::string(name) + " takes 1, 0, true or false", std::string(name));
}

// Adds data to each rendered attribute of `list` (a JSON array in the order of `attributes`).
Status AddToList(hub::Hub& hub, const std::vector<model::Attribute>& attributes, json::value* list) {
  if (list == nullptr || !list->is_array()) return Ok();
  auto& arr = list->get_array();
  for (size_t i = 0; i < arr.size() && i < attributes.size(); ++i) {
    if (arr[i].is_object()) BW_RETURN_IF_ERROR(AddAttachmentData(hub, attributes[i], arr[i].get_object()));
  }
  return Ok();
}

bool SafeFilenameByte(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/'; }

}  // namespace

Result<bool> WantsAttachments(const http::HttpRequest& req, const json::value& body, bool fallback) {
  for (std::string_view key : {"withAttachments", "includeAttachments"}) {
    BW_ASSIGN_OR_RETURN(std::optional<bool> q, QueryBool(req, key));
    if (q) return *q;
  }
  if (body.is_object()) {
    const json::object* o = &body.get_object();
    if (auto* inner = o->if_contains("request"); inner != nullptr && inner->is_object()) o = &inner->get_object();
    BW_ASSIGN_OR_RETURN(std::optional<bool> b, misp::GetBool(*o, "withAttachments", ""));
    if (b) return *b;
  }
  return fallback;
}

Status AddAttachmentData(hub::Hub& hub, const model::Attribute& a, json::object& extra) {
  BW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, hub.AttachmentData(a));
  if (bytes) extra["data"] = Base64Encode(hub::MispAttributeData(a, std::move(*bytes)));
  return Ok();
}

Status AddEventAttachmentData(hub::Hub& hub, const model::Event& e, json::object& rendered_event) {
  BW_RETURN_IF_ERROR(AddToList(hub, e.attributes, rendered_event.if_contains("Attribute")));
  json::value* objects = rendered_event.if_contains("Object");
  if (objects == nullptr || !objects->is_array()) return Ok();
  auto& arr = objects->get_array();
  for (size_t i = 0; i < arr.size() && i < e.objects.size(); ++i) {
    if (arr[i].is_object()) BW_RETURN_IF_ERROR(AddObjectAttachmentData(hub, e.objects[i], arr[i].get_object()));
  }
  return Ok();
}

Status AddObjectAttachmentData(hub::Hub& hub, const model::Object& o, json::object& rendered_object) {
  return AddToList(hub, o.attributes, rendered_object.if_contains("Attribute"));
}

http::HttpResponse AttachmentDownload(hub::Hub::AttachmentFile file, DownloadForm form) {
  const bool sample_zip = form == DownloadForm::kMisp && file.type == "malware-sample";
  if (sample_zip) {
    // MISP serves a sample as its zip, named after the sample with ".zip" appended.
    file.bytes = hub::BuildSampleZip(file.bytes, file.filename);
    file.filename += ".zip";
  }
  std::string plain;
  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : file.filename) {
    const auto c = static_cast<unsigned char>(ch);
    plain += SafeFilenameByte(c) ? ch : '_';
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
        c == '_') {
      encoded += ch;
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  if (plain.empty()) plain = encoded = "attachment";
  http::HttpResponse r;
  r.status = 200;
  r.content_type = sample_zip ? "application/zip" : "application/octet-stream";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded);
  r.body = std::move(file.bytes);
  return r;
}

}  // namespace bulwark::api
