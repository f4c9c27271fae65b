// The simulated Authorization Extension API (mounted under
// /adf6e2f2b84784b57522e3b19dfc9201/api on the extension host). Like
// management_api.h, handlers answer from the tenant; tokens and scopes are
// checked before they run.
//
// Nesting: when group A lists B in `nested`, B is A's child: B's members are
// members of A, and B inherits A's roles. Walks over nesting visit each group
// once, so cycles end.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_EXTENSION_API_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_EXTENSION_API_H_

#include <string>

#include "tests/auth0_sim/api_reply.h"
#include "tests/auth0_sim/paging.h"
#include "tests/auth0_sim/tenant.h"

namespace identitygraph::sim {

// The path prefix of every extension route.
inline constexpr char kExtensionPrefix[] =
    "/adf6e2f2b84784b57522e3b19dfc9201/api";

// GET /configuration/export: the whole storage document in one call.
ApiReply ExportExtensionConfiguration(const Tenant& tenant);
// GET /groups, /roles, /permissions: {"<kind>": [...], "total": N}, no paging.
ApiReply ListExtensionRecords(const Tenant& tenant, const std::string& kind);
// GET /groups/{id}; with expand=true also its roles, inherited ones included.
ApiReply GetExtensionGroup(const Tenant& tenant, const std::string& id,
                           const ParamGetter& param);
// GET /groups/{id}/members: {"total", "users": [full user records]}, per_page
// 1-25. The extension's quirk is kept: it starts at max(page - 1, 0) *
// per_page, so pages 0 and 1 are the same page. Unknown users come back as
// placeholders, as the extension's do.
ApiReply ListExtensionGroupMembers(const Tenant& tenant, const std::string& id,
                                   const ParamGetter& param);
// GET /groups/{id}/members/nested: members of the group and all its
// descendants, as
// {"total", "nested": [{user, group}]}, with the same paging.
ApiReply ListExtensionNestedMembers(const Tenant& tenant, const std::string& id,
                                    const ParamGetter& param);
// GET /groups/{id}/nested (direct children), /groups/{id}/roles (direct roles),
// /groups/{id}/roles/nested ([{role, group}] from the group and its ancestors),
// /groups/{id}/mappings.
ApiReply ListExtensionGroupChildren(const Tenant& tenant,
                                    const std::string& id);
ApiReply ListExtensionGroupRoles(const Tenant& tenant, const std::string& id,
                                 bool with_ancestors);
ApiReply ListExtensionGroupMappings(const Tenant& tenant,
                                    const std::string& id);
// GET /roles/{id}
ApiReply GetExtensionRole(const Tenant& tenant, const std::string& id);
// GET /users/{id}/groups (direct) and /users/{id}/groups/calculate (with
// ancestors).
ApiReply ListExtensionUserGroups(const Tenant& tenant,
                                 const std::string& user_id, bool calculate);
// GET /users/{id}/roles (direct) and /users/{id}/roles/calculate (also through
// groups).
ApiReply ListExtensionUserRoles(const Tenant& tenant,
                                const std::string& user_id, bool calculate);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_EXTENSION_API_H_
