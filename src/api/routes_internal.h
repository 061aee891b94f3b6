// Route registration split by area; private to the api module.
#pragma once

#include <boost/json/object.hpp>

#include "api/api.h"

namespace bulwark::api {

void RegisterMispEventRoutes(http::Router& r, ApiContext& ctx);
void RegisterMispAdminRoutes(http::Router& r, ApiContext& ctx);
void RegisterNativeRoutes(http::Router& r, ApiContext& ctx);
void RegisterSystemRoutes(http::Router& r, ApiContext& ctx);

// MISP's describeTypes document, built from the attribute type registry.
boost::json::object DescribeTypes();

}  // namespace bulwark::api
