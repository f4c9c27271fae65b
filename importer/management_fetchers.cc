#include "importer/management_fetchers.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "importer/auth0_api.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

// Connection clients allow pages of up to 1000.
constexpr int kConnectionClientsTake = 1000;

// GET /api/v2/{roles|users}/{id}/permissions, offset pages: each (API, name)
// once (an entry listed twice, as a page boundary moves, keeps a DIRECT
// source from either), entries without both left out.
absl::StatusOr<std::vector<ListedPermission>> FetchPermissionListing(
    const ManagementApi& api, absl::string_view holder_kind,
    const std::string& holder, absl::string_view scope) {
  using Assignment = ListedPermission::Assignment;
  std::vector<ListedPermission> out;
  absl::flat_hash_map<std::pair<std::string, std::string>, size_t> seen;
  wire::PermissionsPage page;
  absl::Status status = ForEachOffsetPage(
      *api.caller,
      {absl::StrCat("the permissions of ", holder_kind, " ", holder),
       std::string(scope)},
      api.Url(absl::StrCat("/api/v2/", holder_kind, "s/", UrlEncode(holder),
                           "/permissions")),
      api.audience(), &page, [&] {
        for (const wire::Permission& listed : page.permissions()) {
          const std::string& api_id = listed.resource_server_identifier();
          const std::string& name = listed.permission_name();
          if (api_id.empty() || name.empty()) continue;
          Assignment assignment = Assignment::kUnknown;
          if (listed.sources_size() > 0) {
            assignment = Assignment::kRolesOnly;
            for (const wire::PermissionSource& source : listed.sources()) {
              if (source.source_type() == "DIRECT")
                assignment = Assignment::kDirect;
            }
          }
          auto [it, added] =
              seen.emplace(std::make_pair(api_id, name), out.size());
          if (added) {
            out.push_back({{holder, api_id, name}, assignment});
          } else if (assignment == Assignment::kDirect) {
            out[it->second].assignment = assignment;
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

}  // namespace

absl::StatusOr<std::vector<TenantRecord>> FetchApplications(
    const ManagementApi& api) {
  std::vector<TenantRecord> out;
  wire::ClientsPage page;
  absl::Status status = ForEachCheckpointPage(
      *api.caller, {"applications (clients)", "read:clients"},
      api.Url("/api/v2/clients?fields=client_id,name,app_type,global"
              "&include_fields=true"),
      api.audience(), &page, [&] {
        for (const wire::Client& client : page.clients()) {
          if (client.global() || client.client_id().empty()) continue;
          out.push_back({client.client_id(), client.name(), client.app_type()});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<TenantRecord>> FetchApis(const ManagementApi& api) {
  std::vector<TenantRecord> out;
  wire::ResourceServersPage page;
  absl::Status status = ForEachOffsetPage(
      *api.caller, {"APIs (resource servers)", "read:resource_servers"},
      api.Url("/api/v2/resource-servers"), api.audience(), &page, [&] {
        for (const wire::ResourceServer& server : page.resource_servers()) {
          if (server.identifier().empty()) continue;
          out.push_back({server.identifier(), server.name(), server.id()});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<TenantRecord>> FetchRoles(const ManagementApi& api) {
  std::vector<TenantRecord> out;
  wire::RolesPage page;
  absl::Status status = ForEachOffsetPage(
      *api.caller, {"roles", "read:roles"}, api.Url("/api/v2/roles"),
      api.audience(), &page,
      [&] {
        for (const wire::Role& role : page.roles()) {
          out.push_back({role.id(), role.name(), role.description()});
        }
        return absl::OkStatus();
      },
      // Auth0 documents neither checkpoints nor the 1000 cap for /roles.
      /*capped=*/false);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<std::string>> FetchRoleMembers(
    const ManagementApi& api, const std::string& role_id) {
  std::vector<std::string> out;
  wire::RoleUsersPage page;
  absl::Status status = ForEachCheckpointPage(
      *api.caller,
      {absl::StrCat("the members of role ", role_id),
       "read:users and read:roles"},
      api.Url(absl::StrCat("/api/v2/roles/", UrlEncode(role_id), "/users")),
      api.audience(), &page, [&] {
        for (const wire::RoleUser& user : page.users())
          out.push_back(user.user_id());
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<Permission>> FetchRolePermissions(
    const ManagementApi& api, const std::string& role_id) {
  absl::StatusOr<std::vector<ListedPermission>> listed =
      FetchPermissionListing(api, "role", role_id, "read:roles");
  if (!listed.ok()) return listed.status();
  std::vector<Permission> out;
  out.reserve(listed->size());
  for (ListedPermission& entry : *listed)
    out.push_back(std::move(entry.permission));
  return out;
}

absl::StatusOr<std::vector<ListedPermission>> FetchUserPermissions(
    const ManagementApi& api, const std::string& user_id) {
  return FetchPermissionListing(api, "user", user_id, "read:users");
}

absl::StatusOr<std::vector<TenantRecord>> FetchGroups(
    const ManagementApi& api) {
  std::vector<TenantRecord> out;
  wire::GroupsPage page;
  absl::Status status = ForEachCheckpointPage(
      *api.caller, {"groups", "read:groups"}, api.Url("/api/v2/groups"),
      api.audience(), &page, [&] {
        for (const wire::Group& group : page.groups()) {
          out.push_back({group.id(), group.name(), group.connection_id()});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<GroupMembers> FetchGroupMembers(const ManagementApi& api,
                                               const std::string& group_id) {
  GroupMembers out;
  wire::GroupMembersPage page;
  absl::Status status = ForEachCheckpointPage(
      *api.caller,
      {absl::StrCat("the members of group ", group_id), "read:group_members"},
      api.Url(absl::StrCat("/api/v2/groups/", UrlEncode(group_id), "/members")),
      api.audience(), &page, [&] {
        for (const wire::GroupMember& member : page.members()) {
          if (member.member_type() == "group") {
            out.groups.push_back(member.id());
          } else {
            out.users.push_back(member.id());
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<std::string>> FetchGroupRoles(
    const ManagementApi& api, const std::string& group_id) {
  std::vector<std::string> out;
  wire::RolesPage page;
  absl::Status status = ForEachCheckpointPage(
      *api.caller,
      {absl::StrCat("the roles of group ", group_id),
       "read:groups and read:roles"},
      api.Url(absl::StrCat("/api/v2/groups/", UrlEncode(group_id), "/roles")),
      api.audience(), &page, [&] {
        for (const wire::Role& role : page.roles()) out.push_back(role.id());
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<TenantRecord>> FetchOrganizations(
    const ManagementApi& api) {
  std::vector<TenantRecord> out;
  wire::OrganizationsPage page;
  absl::Status status = ForEachCheckpointPage(
      *api.caller, {"organizations", "read:organizations"},
      api.Url("/api/v2/organizations"), api.audience(), &page, [&] {
        for (const wire::Organization& organization : page.organizations()) {
          out.push_back({organization.id(), organization.name(),
                         organization.display_name()});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<OrganizationMember>> FetchOrganizationMembers(
    const ManagementApi& api, const std::string& organization_id,
    bool with_roles) {
  std::vector<OrganizationMember> out;
  wire::OrganizationMembersPage page;
  std::string path = absl::StrCat("/api/v2/organizations/",
                                  UrlEncode(organization_id), "/members");
  if (with_roles) path += "?fields=user_id,roles&include_fields=true";
  absl::Status status = ForEachCheckpointPage(
      *api.caller,
      {absl::StrCat("the members of organization ", organization_id),
       with_roles ? "read:organization_members and "
                    "read:organization_member_roles"
                  : "read:organization_members"},
      api.Url(path), api.audience(), &page, [&] {
        for (const wire::OrganizationMember& member : page.members()) {
          OrganizationMember& added = out.emplace_back();
          added.user_id = member.user_id();
          for (const wire::Role& role : member.roles())
            added.role_ids.push_back(role.id());
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<std::string>> FetchConnectionClients(
    const ManagementApi& api, const std::string& connection_id) {
  std::vector<std::string> out;
  wire::ConnectionClientsPage page;
  absl::Status status = ForEachCheckpointPage(
      *api.caller,
      {absl::StrCat("the applications of connection ", connection_id),
       "read:connections"},
      api.Url(absl::StrCat("/api/v2/connections/", UrlEncode(connection_id),
                           "/clients")),
      api.audience(), &page,
      [&] {
        for (const wire::ConnectionClient& client : page.clients())
          out.push_back(client.client_id());
        return absl::OkStatus();
      },
      kConnectionClientsTake);
  if (!status.ok()) return status;
  return out;
}

}  // namespace identitygraph::importer
