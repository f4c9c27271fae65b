// The simulated Authorization Extension API (mounted under
// /adf6e2f2b84784b57522e3b19dfc9201/api on the extension host). Like
// management_api.h, handlers answer from the tenant; tokens and scopes are
// checked before they run.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_EXTENSION_API_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_EXTENSION_API_H_

#include "tests/auth0_sim/api_reply.h"
#include "tests/auth0_sim/tenant.h"

namespace identitygraph::sim {

// The path prefix of every extension route.
inline constexpr char kExtensionPrefix[] =
    "/adf6e2f2b84784b57522e3b19dfc9201/api";

// GET /configuration/export: the whole storage document in one call.
ApiReply ExportExtensionConfiguration(const Tenant& tenant);
// GET /groups, /roles, /permissions: {"<kind>": [...], "total": N}, no paging.
ApiReply ListExtensionRecords(const Tenant& tenant, const std::string& kind);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_EXTENSION_API_H_
