#include "importer/user_permissions.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "importer/tenant_index.h"

namespace identitygraph::importer {

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
