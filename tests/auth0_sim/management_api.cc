#include "tests/auth0_sim/management_api.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

// One parsed term of a users search.
struct UserFilter {
  std::string connection;                 // empty: any
  std::string created_low, created_high;  // empty: open
  bool low_inclusive = true, high_inclusive = true;
};

const LazyRE2 kConnectionTerm = {R"re(^identities\.connection:"?([^"]+)"?$)re"};
const LazyRE2 kCreatedAtTerm = {
    R"re(^created_at:([\[{])\s*"?([^" ]+)"?\s+TO\s+"?([^" ]+)"?\s*([\]}])$)re"};

ApiReply UnsupportedQuery(const std::string& term) {
  return ApiError(
      400,
      absl::StrCat(
          "Query validation error: auth0-sim does not support the term '", term,
          "'; it supports identities.connection:\"NAME\" and "
          "created_at:[FROM TO TO] joined by AND"),
      "invalid_query_string");
}

std::optional<ApiReply> ParseUserQuery(const std::string& q,
                                       UserFilter* filter) {
  for (absl::string_view raw :
       absl::StrSplit(q, " AND ", absl::SkipWhitespace())) {
    std::string term(absl::StripAsciiWhitespace(raw));
    std::string connection, open, low, high, close;
    if (RE2::FullMatch(term, *kConnectionTerm, &connection)) {
      filter->connection = connection;
    } else if (RE2::FullMatch(term, *kCreatedAtTerm, &open, &low, &high,
                              &close)) {
      filter->created_low = low == "*" ? "" : low;
      filter->created_high = high == "*" ? "" : high;
      filter->low_inclusive = open == "[";
      filter->high_inclusive = close == "]";
    } else {
      return UnsupportedQuery(term);
    }
  }
  return std::nullopt;
}

bool Matches(const Json& user, const UserFilter& filter) {
  if (!filter.connection.empty()) {
    bool found = false;
    for (const Json& identity : user["identities"]) {
      found |= identity.value("connection", "") == filter.connection;
    }
    if (!found) return false;
  }
  const std::string created = user.value("created_at", "");
  if (!filter.created_low.empty()) {
    if (filter.low_inclusive ? created < filter.created_low
                             : created <= filter.created_low) {
      return false;
    }
  }
  if (!filter.created_high.empty()) {
    if (filter.high_inclusive ? created > filter.created_high
                              : created >= filter.created_high) {
      return false;
    }
  }
  return true;
}

ApiReply RoleNotFound() {
  return ApiError(404, "Role not found", "inexistent_role");
}

}  // namespace

ApiReply ListUsers(const Tenant& tenant, const ParamGetter& param) {
  if (auto engine = param("search_engine"); engine && *engine == "v1") {
    return ApiError(400, "You are not allowed to use search_engine=v1.",
                    "operation_not_supported");
  }
  UserFilter filter;
  if (auto q = param("q"); q && !q->empty()) {
    if (auto error = ParseUserQuery(*q, &filter)) return *error;
  }
  std::vector<Json> matched;
  for (const Json& user : tenant.users) {
    if (Matches(user, filter)) matched.push_back(user);
  }
  if (auto sort = param("sort"); sort && !sort->empty()) {
    std::string field, direction;
    if (!RE2::FullMatch(*sort, R"(([a-z_]+):(1|-1))", &field, &direction)) {
      return ApiError(400,
                      "Query validation error: 'String does not match pattern "
                      "^(([a-zA-Z0-9_\\.]+))\\:(1|-1)$' on property sort.",
                      "invalid_query_string");
    }
    std::stable_sort(
        matched.begin(), matched.end(), [&](const Json& a, const Json& b) {
          const std::string x = a.value(field, ""), y = b.value(field, "");
          return direction == "1" ? x < y : x > y;
        });
  }
  return Page(matched, param, PagingRules::UsersSearch());
}

ApiReply GetUser(const Tenant& tenant, const std::string& user_id) {
  auto it = tenant.user_index.find(user_id);
  if (it == tenant.user_index.end()) {
    return ApiError(404, "The user does not exist.", "inexistent_user");
  }
  return {200, tenant.users[it->second]};
}

ApiReply GetRole(const Tenant& tenant, const std::string& role_id) {
  auto it = tenant.role_index.find(role_id);
  if (it == tenant.role_index.end()) return RoleNotFound();
  return {200, tenant.roles[it->second]};
}

ApiReply GetClient(const Tenant& tenant, const std::string& client_id) {
  for (const Json& client : tenant.clients) {
    if (client.value("client_id", "") == client_id) return {200, client};
  }
  return ApiError(404, "The client does not exist", "inexistent_client");
}

ApiReply ListUserRoles(const Tenant& tenant, const std::string& user_id,
                       const ParamGetter& param) {
  if (!tenant.user_index.contains(user_id)) {
    return ApiError(404, "The user does not exist.", "inexistent_user");
  }
  std::vector<Json> roles;
  if (auto it = tenant.user_roles.find(user_id);
      it != tenant.user_roles.end()) {
    for (const std::string& role_id : it->second) {
      roles.push_back(tenant.roles[tenant.role_index.at(role_id)]);
    }
  }
  return Page(roles, param, PagingRules::Offset("roles"));
}

ApiReply ListRoles(const Tenant& tenant, const ParamGetter& param) {
  std::vector<Json> roles;
  std::string filter = param("name_filter").value_or("");
  for (const Json& role : tenant.roles) {
    if (filter.empty() ||
        role.value("name", "").find(filter) != std::string::npos) {
      roles.push_back(role);
    }
  }
  return Page(roles, param, PagingRules::Offset("roles"));
}

ApiReply ListRoleUsers(const Tenant& tenant, const std::string& role_id,
                       const ParamGetter& param) {
  if (!tenant.role_index.contains(role_id)) return RoleNotFound();
  std::vector<Json> users;
  if (auto it = tenant.role_users.find(role_id);
      it != tenant.role_users.end()) {
    for (const std::string& user_id : it->second) {
      const Json& user = tenant.users[tenant.user_index.at(user_id)];
      users.push_back({{"user_id", user_id},
                       {"email", user.value("email", "")},
                       {"name", user.value("name", "")},
                       {"picture", user.value("picture", "")}});
    }
  }
  return Page(users, param, PagingRules::OffsetOrCheckpoint("users"));
}

ApiReply ListRolePermissions(const Tenant& tenant, const std::string& role_id,
                             const ParamGetter& param) {
  if (!tenant.role_index.contains(role_id)) return RoleNotFound();
  auto it = tenant.role_permissions.find(role_id);
  static const std::vector<Json> kNone;
  return Page(it == tenant.role_permissions.end() ? kNone : it->second, param,
              PagingRules::Offset("permissions"));
}

ApiReply ListUserPermissions(const Tenant& tenant, const std::string& user_id,
                             const ParamGetter& param) {
  if (!tenant.user_index.contains(user_id)) {
    return ApiError(404, "The user does not exist.", "inexistent_user");
  }
  // As Auth0 lists them: the direct ones and those of the user's directly
  // assigned roles (not of roles held through groups), each once, with the
  // sources it comes from.
  std::vector<Json> listed;
  auto add = [&](const Json& permission, Json source) {
    const std::string api = permission.value("resource_server_identifier", "");
    const std::string name = permission.value("permission_name", "");
    for (Json& held : listed) {
      if (held["resource_server_identifier"] == api &&
          held["permission_name"] == name) {
        held["sources"].push_back(std::move(source));
        return;
      }
    }
    listed.push_back({{"resource_server_identifier", api},
                      {"permission_name", name},
                      {"resource_server_name",
                       permission.value("resource_server_name", api)},
                      {"description", permission.value("description", "")},
                      {"sources", Json::array({std::move(source)})}});
  };
  if (auto it = tenant.user_permissions.find(user_id);
      it != tenant.user_permissions.end()) {
    for (const Json& permission : it->second)
      add(permission,
          {{"source_id", ""}, {"source_name", ""}, {"source_type", "DIRECT"}});
  }
  if (auto it = tenant.user_roles.find(user_id);
      it != tenant.user_roles.end()) {
    for (const std::string& role_id : it->second) {
      auto granted = tenant.role_permissions.find(role_id);
      if (granted == tenant.role_permissions.end()) continue;
      const Json& role = tenant.roles[tenant.role_index.at(role_id)];
      for (const Json& permission : granted->second)
        add(permission, {{"source_id", role_id},
                         {"source_name", role.value("name", "")},
                         {"source_type", "ROLE"}});
    }
  }
  return Page(listed, param, PagingRules::Offset("permissions"));
}

ApiReply ListClients(const Tenant& tenant, const ParamGetter& param) {
  return Page(tenant.clients, param,
              PagingRules::OffsetOrCheckpoint("clients"));
}

ApiReply ListConnections(const Tenant& tenant, const ParamGetter& param) {
  std::string strategy = param("strategy").value_or("");
  std::string name = param("name").value_or("");
  std::vector<Json> connections;
  for (const Json& connection : tenant.connections) {
    if (!strategy.empty() && connection.value("strategy", "") != strategy)
      continue;
    if (!name.empty() && connection.value("name", "") != name) continue;
    connections.push_back(connection);
  }
  return Page(connections, param,
              PagingRules::OffsetOrCheckpoint("connections"));
}

ApiReply ListConnectionClients(const Tenant& tenant,
                               const std::string& connection_id,
                               const ParamGetter& param) {
  if (!tenant.connection_index.contains(connection_id)) {
    return ApiError(404, "The connection does not exist",
                    "inexistent_connection");
  }
  std::vector<Json> clients;
  if (auto it = tenant.connection_clients.find(connection_id);
      it != tenant.connection_clients.end()) {
    for (const std::string& client_id : it->second)
      clients.push_back({{"client_id", client_id}});
  }
  return Page(clients, param, PagingRules::CheckpointOnly("clients", 1000));
}

ApiReply ListResourceServers(const Tenant& tenant, const ParamGetter& param) {
  return Page(tenant.resource_servers, param,
              PagingRules::Offset("resource_servers"));
}

}  // namespace identitygraph::sim
