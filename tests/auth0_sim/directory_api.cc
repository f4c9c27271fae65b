#include "tests/auth0_sim/directory_api.h"

#include <string>
#include <vector>

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

ApiReply GroupNotFound() {
  return ApiError(404, "Group not found", "inexistent_group");
}
ApiReply OrganizationNotFound() {
  return ApiError(404, "No organization found by that id or name",
                  "inexistent_organization");
}

std::vector<Json> RoleRecords(const Tenant& tenant,
                              const std::vector<std::string>& role_ids,
                              bool short_form) {
  std::vector<Json> roles;
  roles.reserve(role_ids.size());
  for (const std::string& id : role_ids) {
    const Json& role = tenant.roles[tenant.role_index.at(id)];
    roles.push_back(short_form ? Json{{"id", id}, {"name", role["name"]}}
                               : role);
  }
  return roles;
}

}  // namespace

ApiReply ListGroups(const Tenant& tenant, const ParamGetter& param) {
  return Page(tenant.groups, param, PagingRules::OffsetOrCheckpoint("groups"));
}

ApiReply ListGroupMembers(const Tenant& tenant, const std::string& group_id,
                          const ParamGetter& param) {
  if (!tenant.group_index.contains(group_id)) return GroupNotFound();
  auto it = tenant.group_members.find(group_id);
  static const std::vector<Json> kNone;
  return Page(it == tenant.group_members.end() ? kNone : it->second, param,
              PagingRules::CheckpointOnly("members", 100));
}

ApiReply ListGroupRoles(const Tenant& tenant, const std::string& group_id,
                        const ParamGetter& param) {
  if (!tenant.group_index.contains(group_id)) return GroupNotFound();
  auto it = tenant.group_roles.find(group_id);
  std::vector<Json> roles;
  if (it != tenant.group_roles.end())
    roles = RoleRecords(tenant, it->second, false);
  return Page(roles, param, PagingRules::CheckpointOnly("roles", 100));
}

ApiReply ListOrganizations(const Tenant& tenant, const ParamGetter& param) {
  return Page(tenant.organizations, param,
              PagingRules::OffsetOrCheckpoint("organizations"));
}

ApiReply ListOrganizationMembers(const Tenant& tenant,
                                 const std::string& organization_id,
                                 const ParamGetter& param, bool with_roles) {
  if (!tenant.organization_index.contains(organization_id)) {
    return OrganizationNotFound();
  }
  std::vector<Json> members;
  if (auto it = tenant.organization_members.find(organization_id);
      it != tenant.organization_members.end()) {
    for (const std::string& user_id : it->second) {
      const Json& user = tenant.users[tenant.user_index.at(user_id)];
      Json member = {{"user_id", user_id},
                     {"email", user.value("email", "")},
                     {"name", user.value("name", "")},
                     {"picture", user.value("picture", "")}};
      if (with_roles) {
        // A member added by a change has no roles entry until given roles.
        static const std::vector<std::string> kNoRoles;
        auto roles = tenant.organization_member_roles.find(
            Tenant::OrganizationMemberKey(organization_id, user_id));
        member["roles"] = RoleRecords(
            tenant,
            roles == tenant.organization_member_roles.end() ? kNoRoles
                                                            : roles->second,
            true);
      }
      members.push_back(std::move(member));
    }
  }
  return Page(members, param, PagingRules::OffsetOrCheckpoint("members"));
}

ApiReply ListOrganizationMemberRoles(const Tenant& tenant,
                                     const std::string& organization_id,
                                     const std::string& user_id,
                                     const ParamGetter& param) {
  if (!tenant.organization_index.contains(organization_id)) {
    return OrganizationNotFound();
  }
  auto roles = tenant.organization_member_roles.find(
      Tenant::OrganizationMemberKey(organization_id, user_id));
  if (roles == tenant.organization_member_roles.end()) {
    return ApiError(404, "The user is not a member of the organization",
                    "inexistent_user");
  }
  return Page(RoleRecords(tenant, roles->second, false), param,
              PagingRules::Offset("roles"));
}

}  // namespace identitygraph::sim
