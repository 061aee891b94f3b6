// Attribute data (attachment, malware-sample) in API replies: the base64 `data` member of rendered attributes,
// when the route was asked for it, and the raw download. Private to the api module.
#pragma once

#include <boost/json.hpp>

#include "api/api.h"
#include "hub/hub.h"

namespace bulwark::api {

// Whether the request asks for attachment data: `withAttachments` (MISP's restSearch key) or
// `includeAttachments` (MISP's events/view switch) in the query string, else in the JSON body (also inside
// {"request": {...}}); `fallback` when none names it. kBadRequest for a value that is not a boolean.
Result<bool> WantsAttachments(const http::HttpRequest& req, const boost::json::value& body, bool fallback);

// Adds "data" to `extra` when the attribute has data, in MISP's form: base64 of the stored bytes for an
// attachment, of the sample's encrypted zip for a malware-sample (hub/sample_zip.h). Call outside any store
// transaction (it reads the store).
Status AddAttachmentData(hub::Hub& hub, const model::Attribute& a, boost::json::object& extra);

// The same for every attribute of an event rendered as a tree ("Attribute" and each "Object"'s "Attribute", in
// the order of the model's vectors).
Status AddEventAttachmentData(hub::Hub& hub, const model::Event& e, boost::json::object& rendered_event);

// The same for the attributes of one rendered object.
Status AddObjectAttachmentData(hub::Hub& hub, const model::Object& o, boost::json::object& rendered_object);

// What a download route serves.
enum class DownloadForm {
  kStored,  // the stored bytes (the native API: a malware-sample is the raw file)
  kMisp,    // as MISP serves them: a malware-sample as its encrypted zip ("<name>.zip", application/zip)
};

// The data as a download: 200 application/octet-stream (application/zip for a sample zip) with
// `Content-Disposition: attachment` naming the file (quotes, backslashes, slashes and control bytes replaced; the
// exact UTF-8 name in filename*).
http::HttpResponse AttachmentDownload(hub::Hub::AttachmentFile file, DownloadForm form);

}  // namespace bulwark::api
