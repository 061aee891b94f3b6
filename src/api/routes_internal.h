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

class RenderCache;
// {"Event": ...} for a whole event, streamed child by child so that huge events need no JSON tree in memory.
http::HttpResponse StreamEventView(RenderCache& cache, model::Event event);

// MISP's describeTypes document, built from the attribute type registry.
boost::json::object DescribeTypes();

}  // namespace bulwark::api
