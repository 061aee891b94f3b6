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

// Adds "data" (base64 of the stored bytes) to `extra` when the attribute has data. Call outside any store
// transaction (it reads the store).
Status AddAttachmentData(hub::Hub& hub, const model::Attribute& a, boost::json::object& extra);

// The same for every attribute of an event rendered as a tree ("Attribute" and each "Object"'s "Attribute", in
// the order of the model's vectors).
Status AddEventAttachmentData(hub::Hub& hub, const model::Event& e, boost::json::object& rendered_event);

// The same for the attributes of one rendered object.
Status AddObjectAttachmentData(hub::Hub& hub, const model::Object& o, boost::json::object& rendered_object);

// The bytes as a download: 200 application/octet-stream with `Content-Disposition: attachment` naming the
// file (quotes, backslashes, slashes and control bytes replaced; the exact UTF-8 name in filename*).
http::HttpResponse AttachmentDownload(hub::Hub::AttachmentFile file);

}  // namespace bulwark::api
