// The simulated Management API v2 endpoints. Each handler answers from the
// tenant alone; tokens, audiences, scopes and rate limits are checked before a
// handler runs (simulator.cc), so handlers only validate their own parameters.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_MANAGEMENT_API_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_MANAGEMENT_API_H_

#include <string>

#include "tests/auth0_sim/api_reply.h"
#include "tests/auth0_sim/paging.h"
#include "tests/auth0_sim/tenant.h"

namespace identitygraph::sim {

// GET /api/v2/users: search with q (identities.connection:"NAME", created_at
// ranges, AND), sort=created_at:1|-1, offset paging capped at 1000 records.
ApiReply ListUsers(const Tenant& tenant, const ParamGetter& param);
// GET /api/v2/users/{id}/roles
// One record by id (the fields the importer reads; `fields` is not applied),
// or Auth0's 404.
ApiReply GetUser(const Tenant& tenant, const std::string& user_id);
ApiReply GetRole(const Tenant& tenant, const std::string& role_id);
ApiReply GetClient(const Tenant& tenant, const std::string& client_id);

ApiReply ListUserRoles(const Tenant& tenant, const std::string& user_id,
                       const ParamGetter& param);
// GET /api/v2/roles (name_filter)
ApiReply ListRoles(const Tenant& tenant, const ParamGetter& param);
// GET /api/v2/roles/{id}/users: offset (capped) or checkpoint.
ApiReply ListRoleUsers(const Tenant& tenant, const std::string& role_id,
                       const ParamGetter& param);
// GET /api/v2/roles/{id}/permissions
// Direct ones and those of directly assigned roles, with `sources`.
ApiReply ListUserPermissions(const Tenant& tenant, const std::string& user_id,
                             const ParamGetter& param);
ApiReply ListRolePermissions(const Tenant& tenant, const std::string& role_id,
                             const ParamGetter& param);
// GET /api/v2/clients: offset or checkpoint.
ApiReply ListClients(const Tenant& tenant, const ParamGetter& param);
// GET /api/v2/connections (strategy, name): offset or checkpoint.
ApiReply ListConnections(const Tenant& tenant, const ParamGetter& param);
// GET /api/v2/connections/{id}/clients: checkpoint only, take up to 1000.
ApiReply ListConnectionClients(const Tenant& tenant,
                               const std::string& connection_id,
                               const ParamGetter& param);
// GET /api/v2/resource-servers
ApiReply ListResourceServers(const Tenant& tenant, const ParamGetter& param);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_MANAGEMENT_API_H_
