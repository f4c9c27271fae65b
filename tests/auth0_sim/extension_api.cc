#include "tests/auth0_sim/extension_api.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

constexpr int64_t kMaxMembersPerPage = 25;

ApiReply NotFound(const std::string& what) {
  return ApiError(404, what + " not found", "");
}

const Json* Group(const Tenant& tenant, const std::string& id) {
  auto it = tenant.extension_group_index.find(id);
  if (it == tenant.extension_group_index.end()) return nullptr;
  return &tenant.extension_export["groups"][it->second];
}

const Json* Role(const Tenant& tenant, const std::string& id) {
  auto it = tenant.extension_role_index.find(id);
  if (it == tenant.extension_role_index.end()) return nullptr;
  return &tenant.extension_export["roles"][it->second];
}

Json ShortGroup(const Json& group) {
  return {{"_id", group["_id"]},
          {"name", group.value("name", "")},
          {"description", group.value("description", "")}};
}

Json ShortRole(const Json& role) {
  return {{"_id", role["_id"]},
          {"name", role.value("name", "")},
          {"applicationId", role.value("applicationId", "")},
          {"description", role.value("description", "")}};
}

// Breadth-first from `start` along children (down) or parents (up), each group
// once.
std::vector<std::string> Walk(const Tenant& tenant, const std::string& start,
                              bool down) {
  std::vector<std::string> order;
  absl::flat_hash_set<std::string> seen = {start};
  std::deque<std::string> queue = {start};
  while (!queue.empty()) {
    std::string id = queue.front();
    queue.pop_front();
    order.push_back(id);
    std::vector<std::string> next;
    if (down) {
      for (const Json& child :
           Group(tenant, id)->value("nested", Json::array())) {
        next.push_back(child.get<std::string>());
      }
    } else if (auto it = tenant.extension_group_parents.find(id);
               it != tenant.extension_group_parents.end()) {
      next = it->second;
    }
    for (std::string& n : next) {
      if (Group(tenant, n) != nullptr && seen.insert(n).second)
        queue.push_back(std::move(n));
    }
  }
  return order;
}

// Reads per_page (1-25, default 25) and page, applying the extension's quirk.
std::optional<ApiReply> MembersWindow(const ParamGetter& param, int64_t* start,
                                      int64_t* per_page) {
  *per_page = kMaxMembersPerPage;
  int64_t page = 0;
  if (auto text = param("per_page")) {
    if (!absl::SimpleAtoi(*text, per_page) || *per_page < 1 ||
        *per_page > kMaxMembersPerPage) {
      return ApiError(400,
                      "child \"per_page\" fails because [\"per_page\" must be "
                      "between 1 and "
                      "25]",
                      "");
    }
  }
  if (auto text = param("page")) {
    if (!absl::SimpleAtoi(*text, &page) || page < 0) {
      return ApiError(400,
                      "child \"page\" fails because [\"page\" must be larger "
                      "than or equal to 0]",
                      "");
    }
  }
  *start = std::max<int64_t>(page - 1, 0) * *per_page;
  return std::nullopt;
}

Json UserRecord(const Tenant& tenant, const std::string& user_id) {
  auto it = tenant.user_index.find(user_id);
  if (it == tenant.user_index.end()) {
    return {{"user_id", user_id},
            {"name", "<Error: The user does not exist.>"},
            {"email", user_id}};
  }
  return tenant.users[it->second];
}

}  // namespace

ApiReply ExportExtensionConfiguration(const Tenant& tenant) {
  return {200, tenant.extension_export};
}

ApiReply ListExtensionRecords(const Tenant& tenant, const std::string& kind) {
  Json records = tenant.extension_export.value(kind, Json::array());
  const size_t total = records.size();
  return {200, {{kind, std::move(records)}, {"total", total}}};
}

ApiReply GetExtensionGroup(const Tenant& tenant, const std::string& id,
                           const ParamGetter& param) {
  const Json* group = Group(tenant, id);
  if (group == nullptr) return NotFound("Group");
  Json body = ShortGroup(*group);
  if (param("expand").value_or("") != "true") return {200, body};
  Json roles = Json::array();
  absl::flat_hash_set<std::string> seen;
  for (const std::string& ancestor : Walk(tenant, id, /*down=*/false)) {
    for (const Json& role_id :
         Group(tenant, ancestor)->value("roles", Json::array())) {
      const Json* role = Role(tenant, role_id.get<std::string>());
      if (role == nullptr || !seen.insert(role_id.get<std::string>()).second)
        continue;
      Json expanded = ShortRole(*role);
      expanded["applicationType"] = role->value("applicationType", "client");
      Json permissions = Json::array();
      for (const Json& permission_id :
           role->value("permissions", Json::array())) {
        for (const Json& permission : tenant.extension_export["permissions"]) {
          if (permission["_id"] == permission_id)
            permissions.push_back(permission);
        }
      }
      expanded["permissions"] = std::move(permissions);
      roles.push_back(std::move(expanded));
    }
  }
  body["roles"] = std::move(roles);
  return {200, body};
}

ApiReply ListExtensionGroupMembers(const Tenant& tenant, const std::string& id,
                                   const ParamGetter& param) {
  const Json* group = Group(tenant, id);
  if (group == nullptr) return NotFound("Group");
  int64_t start = 0, per_page = 0;
  if (auto error = MembersWindow(param, &start, &per_page)) return *error;
  const Json members = group->value("members", Json::array());
  Json users = Json::array();
  for (int64_t i = start;
       i < start + per_page && i < static_cast<int64_t>(members.size()); ++i) {
    users.push_back(UserRecord(tenant, members[static_cast<size_t>(i)]));
  }
  return {200, {{"total", members.size()}, {"users", std::move(users)}}};
}

ApiReply ListExtensionNestedMembers(const Tenant& tenant, const std::string& id,
                                    const ParamGetter& param) {
  if (Group(tenant, id) == nullptr) return NotFound("Group");
  int64_t start = 0, per_page = 0;
  if (auto error = MembersWindow(param, &start, &per_page)) return *error;
  std::vector<Json> all;
  for (const std::string& group_id : Walk(tenant, id, /*down=*/true)) {
    const Json& group = *Group(tenant, group_id);
    for (const Json& member : group.value("members", Json::array())) {
      const Json user = UserRecord(tenant, member.get<std::string>());
      all.push_back({{"user",
                      {{"user_id", user["user_id"]},
                       {"name", user.value("name", "")},
                       {"nickname", user.value("nickname", "")},
                       {"email", user.value("email", "")}}},
                     {"group", ShortGroup(group)}});
    }
  }
  Json nested = Json::array();
  for (int64_t i = start;
       i < start + per_page && i < static_cast<int64_t>(all.size()); ++i) {
    nested.push_back(all[static_cast<size_t>(i)]);
  }
  return {200, {{"total", all.size()}, {"nested", std::move(nested)}}};
}

ApiReply ListExtensionGroupChildren(const Tenant& tenant,
                                    const std::string& id) {
  const Json* group = Group(tenant, id);
  if (group == nullptr) return NotFound("Group");
  Json children = Json::array();
  for (const Json& child : group->value("nested", Json::array())) {
    if (const Json* found = Group(tenant, child.get<std::string>()))
      children.push_back(*found);
  }
  return {200, children};
}

ApiReply ListExtensionGroupRoles(const Tenant& tenant, const std::string& id,
                                 bool with_ancestors) {
  if (Group(tenant, id) == nullptr) return NotFound("Group");
  Json out = Json::array();
  const std::vector<std::string> groups = with_ancestors
                                              ? Walk(tenant, id, /*down=*/false)
                                              : std::vector<std::string>{id};
  for (const std::string& group_id : groups) {
    const Json& group = *Group(tenant, group_id);
    for (const Json& role_id : group.value("roles", Json::array())) {
      const Json* role = Role(tenant, role_id.get<std::string>());
      if (role == nullptr) continue;
      if (with_ancestors) {
        out.push_back({{"role", *role}, {"group", ShortGroup(group)}});
      } else {
        out.push_back(*role);
      }
    }
  }
  return {200, out};
}

ApiReply ListExtensionGroupMappings(const Tenant& tenant,
                                    const std::string& id) {
  const Json* group = Group(tenant, id);
  if (group == nullptr) return NotFound("Group");
  return {200, group->value("mappings", Json::array())};
}

ApiReply GetExtensionRole(const Tenant& tenant, const std::string& id) {
  const Json* role = Role(tenant, id);
  if (role == nullptr) return NotFound("Role");
  return {200,
          {{"_id", (*role)["_id"]},
           {"name", role->value("name", "")},
           {"description", role->value("description", "")}}};
}

ApiReply ListExtensionUserGroups(const Tenant& tenant,
                                 const std::string& user_id, bool calculate) {
  Json out = Json::array();
  auto direct = tenant.extension_user_groups.find(user_id);
  if (direct == tenant.extension_user_groups.end()) return {200, out};
  absl::flat_hash_set<std::string> seen;
  for (const std::string& group_id : direct->second) {
    const std::vector<std::string> groups =
        calculate ? Walk(tenant, group_id, /*down=*/false)
                  : std::vector<std::string>{group_id};
    for (const std::string& id : groups) {
      if (seen.insert(id).second) out.push_back(ShortGroup(*Group(tenant, id)));
    }
  }
  return {200, out};
}

ApiReply ListExtensionUserRoles(const Tenant& tenant,
                                const std::string& user_id, bool calculate) {
  Json out = Json::array();
  absl::flat_hash_set<std::string> seen;
  auto add = [&](const std::string& role_id) {
    const Json* role = Role(tenant, role_id);
    if (role != nullptr && seen.insert(role_id).second)
      out.push_back(ShortRole(*role));
  };
  if (auto direct = tenant.extension_user_roles.find(user_id);
      direct != tenant.extension_user_roles.end()) {
    for (const std::string& role_id : direct->second) add(role_id);
  }
  if (calculate) {
    if (auto groups = tenant.extension_user_groups.find(user_id);
        groups != tenant.extension_user_groups.end()) {
      for (const std::string& group_id : groups->second) {
        for (const std::string& id : Walk(tenant, group_id, /*down=*/false)) {
          for (const Json& role_id :
               Group(tenant, id)->value("roles", Json::array())) {
            add(role_id.get<std::string>());
          }
        }
      }
    }
  }
  return {200, out};
}

}  // namespace identitygraph::sim
