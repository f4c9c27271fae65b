// Native groups and organizations in the simulated Management API. As in
// management_api.h, scopes are checked before a handler runs, except the one
// a handler can only know from its parameters (members with fields=roles).
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_DIRECTORY_API_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_DIRECTORY_API_H_

#include <string>

#include "tests/auth0_sim/api_reply.h"
#include "tests/auth0_sim/paging.h"
#include "tests/auth0_sim/tenant.h"

namespace identitygraph::sim {

// GET /api/v2/groups: offset or checkpoint.
ApiReply ListGroups(const Tenant& tenant, const ParamGetter& param);
// GET /api/v2/groups/{id}/members: checkpoint only; users and nested groups.
ApiReply ListGroupMembers(const Tenant& tenant, const std::string& group_id,
                          const ParamGetter& param);
// GET /api/v2/groups/{id}/roles: checkpoint.
ApiReply ListGroupRoles(const Tenant& tenant, const std::string& group_id,
                        const ParamGetter& param);
// GET /api/v2/organizations: offset (capped) or checkpoint.
ApiReply ListOrganizations(const Tenant& tenant, const ParamGetter& param);
// GET /api/v2/organizations/{id}/members: offset (capped) or checkpoint;
// `with_roles` (fields=roles, checked by the caller) adds each member's roles.
ApiReply ListOrganizationMembers(const Tenant& tenant,
                                 const std::string& organization_id,
                                 const ParamGetter& param, bool with_roles);
// GET /api/v2/organizations/{id}/members/{user_id}/roles: offset.
ApiReply ListOrganizationMemberRoles(const Tenant& tenant,
                                     const std::string& organization_id,
                                     const std::string& user_id,
                                     const ParamGetter& param);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_DIRECTORY_API_H_
