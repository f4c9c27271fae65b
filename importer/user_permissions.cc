#include "importer/user_permissions.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "importer/auth0_api.h"
#include "importer/tenant_index.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {

absl::StatusOr<std::vector<ListedPermission>> FetchUserPermissions(
    const ManagementApi& api, const std::string& user_id) {
  using Assignment = ListedPermission::Assignment;
  std::vector<ListedPermission> out;
  absl::flat_hash_map<std::pair<std::string, std::string>, size_t> seen;
  wire::PermissionsPage page;
  absl::Status status = ForEachOffsetPage(
      *api.caller,
      {absl::StrCat("the permissions of user ", user_id), "read:users"},
      api.Url(
          absl::StrCat("/api/v2/users/", UrlEncode(user_id), "/permissions")),
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
            out.push_back({{user_id, api_id, name}, assignment});
          } else if (assignment == Assignment::kDirect) {
            // Listed twice (a page boundary moved): direct wins.
            out[it->second].assignment = assignment;
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

std::vector<Permission> DirectPermissions(
    const std::vector<ListedPermission>& listed, const TenantData& data,
    const std::string& user) {
  using Assignment = ListedPermission::Assignment;
  std::vector<Permission> direct;
  // What the user's own roles grant, read only when some listing cannot say.
  std::optional<absl::flat_hash_set<std::pair<std::string, std::string>>>
      through_roles;
  for (const ListedPermission& entry : listed) {
    if (entry.assignment == Assignment::kRolesOnly) continue;
    const Permission& p = entry.permission;
    if (entry.assignment == Assignment::kUnknown) {
      if (!through_roles.has_value()) {
        through_roles.emplace();
        absl::flat_hash_set<std::string> roles;
        for (uint32_t position : FindRecords(data, Collection::kRoleMembers,
                                             graph::VertexKind::kUser, user)) {
          roles.insert(data.role_members[position].first);
        }
        for (const Permission& granted : data.role_permissions) {
          if (roles.contains(granted.holder))
            through_roles->emplace(granted.api, granted.name);
        }
      }
      if (through_roles->contains(std::make_pair(p.api, p.name))) continue;
    }
    direct.push_back({user, p.api, p.name});
  }
  return direct;
}

}  // namespace identitygraph::importer
