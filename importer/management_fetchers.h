// Readers of the Management API's directory: applications, APIs, roles and
// their members and permissions, a user's permissions, native groups,
// organizations, and which applications each connection serves. Each reads one
// thing completely with the paging the endpoint offers (checkpoint where it
// exists, so nothing stops at 1000 records) and returns plain records; errors
// are those of auth0_api.h. The import pipeline runs them, many at once.
//
//   ManagementApi api{&caller, "acme.us.auth0.com"};
//   absl::StatusOr<std::vector<std::string>> members =
//       FetchRoleMembers(api, "rol_123");
#ifndef IDENTITYGRAPH_IMPORTER_MANAGEMENT_FETCHERS_H_
#define IDENTITYGRAPH_IMPORTER_MANAGEMENT_FETCHERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "importer/authorized_caller.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

struct ManagementApi {
  AuthorizedCaller* caller;
  std::string domain;  // canonical, e.g. acme.us.auth0.com

  std::string Url(const std::string& path_and_query) const {
    return "https://" + domain + path_and_query;
  }
  std::string audience() const { return "https://" + domain + "/api/v2/"; }
};

// Applications (read:clients), leaving out the legacy global client.
absl::StatusOr<std::vector<TenantRecord>> FetchApplications(
    const ManagementApi& api);
// APIs (read:resource_servers): id = identifier, detail = resource server id.
absl::StatusOr<std::vector<TenantRecord>> FetchApis(const ManagementApi& api);
// Roles (read:roles), by offset: Auth0 offers no checkpoint on /roles and
// documents no 1000-record cap for it (should one appear, its 400 says so).
absl::StatusOr<std::vector<TenantRecord>> FetchRoles(const ManagementApi& api);
// User ids holding the role (read:users and read:roles), by checkpoint.
absl::StatusOr<std::vector<std::string>> FetchRoleMembers(
    const ManagementApi& api, const std::string& role_id);
// The permissions the role grants (read:roles), each once, with `holder` the
// role.
absl::StatusOr<std::vector<Permission>> FetchRolePermissions(
    const ManagementApi& api, const std::string& role_id);
// One entry of GET /users/{id}/permissions, which lists the user's direct
// permissions and those of the user's directly assigned roles.
struct ListedPermission {
  Permission permission;  // holder: the user
  enum class Assignment {
    kDirect,     // `sources` names a DIRECT assignment (maybe roles too)
    kRolesOnly,  // `sources` names only roles
    kUnknown,    // no `sources`
  } assignment = Assignment::kUnknown;
};
// Every permission that listing shows for the user (read:users), each once;
// NOT_FOUND when the user is gone. Which are direct: user_permissions.h.
absl::StatusOr<std::vector<ListedPermission>> FetchUserPermissions(
    const ManagementApi& api, const std::string& user_id);
// Native groups (read:groups): detail = connection_id.
absl::StatusOr<std::vector<TenantRecord>> FetchGroups(const ManagementApi& api);
struct GroupMembers {
  std::vector<std::string> users;
  std::vector<std::string> groups;
};
// A native group's members (read:group_members).
absl::StatusOr<GroupMembers> FetchGroupMembers(const ManagementApi& api,
                                               const std::string& group_id);
// Role ids assigned to a native group (read:groups and read:roles).
absl::StatusOr<std::vector<std::string>> FetchGroupRoles(
    const ManagementApi& api, const std::string& group_id);
// Organizations (read:organizations): detail = display name.
absl::StatusOr<std::vector<TenantRecord>> FetchOrganizations(
    const ManagementApi& api);
struct OrganizationMember {
  std::string user_id;
  std::vector<std::string> role_ids;
};
// Members of an organization (read:organization_members), with their roles in
// it when `with_roles` (also read:organization_member_roles; one request per
// page of members, not one per member).
absl::StatusOr<std::vector<OrganizationMember>> FetchOrganizationMembers(
    const ManagementApi& api, const std::string& organization_id,
    bool with_roles);
// Client ids of the applications a connection is enabled for
// (read:connections).
absl::StatusOr<std::vector<std::string>> FetchConnectionClients(
    const ManagementApi& api, const std::string& connection_id);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_MANAGEMENT_FETCHERS_H_
