#include "tests/import_oracle.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "tests/edge_lines.h"

namespace identitygraph {
namespace {

using Json = sim::Json;

std::string Line(const char* kind, const std::string& from,
                 const std::string& to) {
  return absl::StrCat(kind, " ", from, " -> ", to);
}

const std::vector<std::string>& Listed(const sim::Tenant::IdLists& lists,
                                       const std::string& key) {
  static const std::vector<std::string> kNone;
  auto it = lists.find(key);
  return it == lists.end() ? kNone : it->second;
}

}  // namespace

ExpectedImport ExpectImport(const sim::Tenant& tenant,
                            const OracleOptions& options) {
  ExpectedImport out;
  const absl::flat_hash_set<std::string> names(options.connections.begin(),
                                               options.connections.end());
  absl::flat_hash_map<std::string, std::string> id_of_selected;  // name -> id
  absl::flat_hash_set<std::string> selected_ids;
  for (const Json& c : tenant.connections) {
    if (names.contains(c["name"].get<std::string>())) {
      id_of_selected[c["name"].get<std::string>()] = c["id"];
      selected_ids.insert(c["id"].get<std::string>());
    }
  }
  absl::flat_hash_set<std::string> users;
  for (const Json& user : tenant.users) {
    const std::string id = user["user_id"];
    for (const Json& identity : user["identities"]) {
      auto it = id_of_selected.find(identity.value("connection", ""));
      if (it == id_of_selected.end()) continue;
      users.insert(id);
      if (user.value("blocked", false)) out.blocked_users.insert(id);
      out.edges.insert(Line("user_connection", id, it->second));
    }
  }
  out.users = static_cast<int64_t>(users.size());
  auto membership = [&](const char* kind, const std::string& user,
                        const std::string& to, const char* source) {
    if (users.contains(user)) {
      out.edges.insert(Line(kind, user, to));
    } else {
      ++out.dropped[source];
    }
  };

  absl::flat_hash_set<std::string> applications, roles, apis;
  for (const Json& client : tenant.clients) {
    if (!client.value("global", false))
      applications.insert(client["client_id"].get<std::string>());
  }
  for (const Json& server : tenant.resource_servers)
    apis.insert(server["identifier"].get<std::string>());
  if (options.login_reachability) {
    for (const std::string& connection : selected_ids) {
      for (const std::string& client :
           Listed(tenant.connection_clients, connection)) {
        if (applications.contains(client))
          out.edges.insert(Line("connection_application", connection, client));
      }
    }
  }
  for (const Json& role : tenant.roles) {
    const std::string id = role["id"];
    roles.insert(id);
    for (const std::string& user : Listed(tenant.role_users, id))
      membership("user_role", user, id, "role_members");
    if (auto it = tenant.role_permissions.find(id);
        it != tenant.role_permissions.end()) {
      for (const Json& permission : it->second) {
        const std::string api = permission["resource_server_identifier"];
        const std::string vertex = absl::StrCat(
            api, " ", permission["permission_name"].get<std::string>());
        out.edges.insert(Line("role_api", id, api));
        out.edges.insert(Line("role_permission", id, vertex));
        out.edges.insert(Line("permission_on", vertex, api));
      }
    }
  }

  if (options.user_permissions) {
    // The sim keeps the direct ones apart; its listing adds the roles'.
    for (const auto& [user, permissions] : tenant.user_permissions) {
      if (!users.contains(user)) continue;
      for (const Json& permission : permissions) {
        const std::string api = permission["resource_server_identifier"];
        const std::string vertex = absl::StrCat(
            api, " ", permission["permission_name"].get<std::string>());
        out.edges.insert(Line("user_permission", user, vertex));
        out.edges.insert(Line("permission_on", vertex, api));
      }
    }
  }

  // Native groups of the selected connections (others can hold only users
  // who are left out).
  absl::flat_hash_set<std::string> groups;
  for (const Json& group : tenant.groups) {
    const std::string connection = group.value("connection_id", "");
    if (connection.empty() || selected_ids.contains(connection))
      groups.insert(group["id"].get<std::string>());
  }
  for (const std::string& group : groups) {
    if (auto it = tenant.group_members.find(group);
        it != tenant.group_members.end()) {
      for (const Json& member : it->second) {
        const std::string id = member["id"];
        if (member.value("member_type", "user") == "group") {
          if (groups.contains(id))
            out.edges.insert(Line("nested_group", id, group));
        } else {
          membership("group_member", id, group, "group_members");
        }
      }
    }
    for (const std::string& role : Listed(tenant.group_roles, group)) {
      if (roles.contains(role))
        out.edges.insert(Line("group_role", group, role));
    }
  }

  if (options.organizations) {
    for (const Json& organization : tenant.organizations) {
      const std::string org = organization["id"];
      for (const std::string& user : Listed(tenant.organization_members, org)) {
        membership("organization_member", user, org, "organization_members");
        for (const std::string& role :
             Listed(tenant.organization_member_roles,
                    sim::Tenant::OrganizationMemberKey(org, user))) {
          if (users.contains(user)) {
            out.edges.insert(absl::StrCat(Line("organization_role", user, role),
                                          " in ", org));
          } else {
            ++out.dropped["organization_roles"];
          }
        }
      }
    }
  }

  if (options.extension && tenant.extension_export.is_object()) {
    const Json& document = tenant.extension_export;
    absl::flat_hash_set<std::string> extension_groups, extension_roles;
    for (const Json& group : document.value("groups", Json::array()))
      extension_groups.insert(group["_id"].get<std::string>());
    for (const Json& role : document.value("roles", Json::array()))
      extension_roles.insert(role["_id"].get<std::string>());
    // Permission id -> (its vertex's id, its application or API).
    absl::flat_hash_map<std::string, std::pair<std::string, std::string>>
        extension_permissions;
    for (const Json& permission :
         document.value("permissions", Json::array())) {
      const std::string on = permission.value("applicationId", "");
      if (!applications.contains(on) && !apis.contains(on)) continue;
      extension_permissions[permission["_id"].get<std::string>()] = {
          absl::StrCat(on, " ", permission["name"].get<std::string>()), on};
    }
    for (const Json& group : document.value("groups", Json::array())) {
      const std::string id = group["_id"];
      for (const Json& user : group.value("members", Json::array()))
        membership("group_member", user, id, "extension_group_members");
      for (const Json& child : group.value("nested", Json::array())) {
        if (extension_groups.contains(child.get<std::string>()))
          out.edges.insert(Line("nested_group", child, id));
      }
      for (const Json& role : group.value("roles", Json::array())) {
        if (extension_roles.contains(role.get<std::string>()))
          out.edges.insert(Line("group_role", id, role));
      }
    }
    for (const Json& role : document.value("roles", Json::array())) {
      const std::string id = role["_id"];
      for (const Json& user : role.value("users", Json::array()))
        membership("user_role", user, id, "extension_role_users");
      for (const Json& held : role.value("permissions", Json::array())) {
        auto it = extension_permissions.find(held.get<std::string>());
        if (it == extension_permissions.end()) continue;
        out.edges.insert(Line("role_permission", id, it->second.first));
        out.edges.insert(
            Line("permission_on", it->second.first, it->second.second));
      }
      const std::string application = role.value("applicationId", "");
      if (applications.contains(application)) {
        out.edges.insert(Line("role_application", id, application));
      } else if (apis.contains(application)) {
        out.edges.insert(Line("role_api", id, application));
      }
    }
  }
  return out;
}

std::set<std::string> SnapshotEdges(const graph::Snapshot& snapshot) {
  return graph::EdgeLines(snapshot);
}

std::string EdgeDifference(const std::set<std::string>& expected,
                           const std::set<std::string>& actual, size_t limit) {
  std::string missing, extra;
  size_t missing_count = 0, extra_count = 0;
  for (const std::string& line : expected) {
    if (actual.count(line)) continue;
    if (++missing_count <= limit) absl::StrAppend(&missing, "\n  - ", line);
  }
  for (const std::string& line : actual) {
    if (expected.count(line)) continue;
    if (++extra_count <= limit) absl::StrAppend(&extra, "\n  + ", line);
  }
  return absl::StrCat(missing_count, " expected edges missing:", missing, "\n",
                      extra_count, " unexpected edges:", extra);
}

}  // namespace identitygraph
