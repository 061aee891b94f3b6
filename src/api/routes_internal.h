// Route registration split by area; private to the api module.
#pragma once

#include <boost/json/object.hpp>

#include "api/api.h"

namespace bulwark::api {

void RegisterMispEventRoutes(http::Router& r, ApiContext& ctx);
void RegisterMispAdminRoutes(http::Router& r, ApiContext& ctx);
void RegisterNativeRoutes(http::Router& r, ApiContext& ctx);
void RegisterSystemRoutes(http::Router& r, ApiContext& ctx);
void RegisterTaxiiRoutes(http::Router& r, ApiContext& ctx);
void RegisterCorrelationRoutes(http::Router& r, ApiContext& ctx);
void RegisterWarninglistRoutes(http::Router& r, ApiContext& ctx);
void RegisterSensorRoutes(http::Router& r, ApiContext& ctx);

class RenderCache;
class Annotator;
// {"Event": ...} for a whole event, streamed child by child so that huge events need no JSON tree in memory.
// The annotator (may be null) adds warnings and correlations; it must outlive the response. With
// `attachments_from` (may be null: no data), attributes that have data get it as base64 "data".
http::HttpResponse StreamEventView(RenderCache& cache, model::Event event, std::shared_ptr<const Annotator> annotator,
                                   hub::Hub* attachments_from = nullptr);

// MISP's describeTypes document, built from the attribute type registry.
boost::json::object DescribeTypes();

}  // namespace bulwark::api
