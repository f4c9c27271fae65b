// Permissions assigned to a user directly (import option user_permissions).
//
// GET /api/v2/users/{id}/permissions lists the user's direct permissions and
// those of the roles assigned to the user directly, each with `sources`
// saying which. The graph keeps role permissions on the roles (so a role that
// loses one takes it from every holder), and only the direct ones on the
// user:
//
//   absl::StatusOr<std::vector<ListedPermission>> listed =
//       FetchUserPermissions(api, "auth0|1");  // management_fetchers.h
//   std::vector<Permission> direct = DirectPermissions(*listed, data,
//   "auth0|1");
//
// A listing without `sources` (older tenants, other API versions) cannot say;
// such a permission counts as direct unless a role the user holds directly
// grants it, which errs towards the role: the answer is the same today, and
// a later change of the role is followed.
#ifndef IDENTITYGRAPH_IMPORTER_USER_PERMISSIONS_H_
#define IDENTITYGRAPH_IMPORTER_USER_PERMISSIONS_H_

#include <string>
#include <vector>

#include "importer/management_fetchers.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

// The directly assigned ones among `listed`; an unknown one is direct unless
// a role `user` holds in `data` (role_members) grants it. Uses the index
// where it covers role_members (tenant_index.h).
std::vector<Permission> DirectPermissions(
    const std::vector<ListedPermission>& listed, const TenantData& data,
    const std::string& user);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_USER_PERMISSIONS_H_
