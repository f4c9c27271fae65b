#include "tests/auth0_sim/tenant_changes.h"

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;
using Events = std::vector<Json>;

absl::Status Bad(absl::string_view op, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(op, ": ", problem));
}

std::string TenantName(const Tenant& tenant) {
  return tenant.domain.substr(0, tenant.domain.find('.'));
}

// Fields every log event has (the schema's required ones).
Json BaseEvent(const Tenant& tenant, const std::string& type,
               const std::string& description) {
  return {{"type", type},
          {"description", description},
          {"client_id", ""},
          {"client_name", ""},
          {"ip", "203.0.113.7"},
          {"user_agent", "auth0-sim"},
          {"tenant_name", TenantName(tenant)},
          {"environment_name", "prod-us-1"},
          {"$event_schema", {{"version", "1.0.0"}}}};
}

// A path segment as Auth0 logs it: everything but unreserved characters
// percent-encoded (auth0|123 is auth0%7C123).
std::string Encoded(const std::string& id) {
  std::string out;
  for (unsigned char c : id) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::StrFormat("%02X", c));
    }
  }
  return out;
}

// What one change asks of the Management API, for its sapi event.
struct ApiCall {
  std::string method;  // lowercase, as Auth0 logs it
  std::string path;
  Json body;
  int status = 200;
  Json response;
  std::string description;
};

Json SapiEvent(const Tenant& tenant, const Json& change, const ApiCall& call) {
  const bool dashboard = change.value("channel", "api") == "dashboard";
  Json event = BaseEvent(tenant, "sapi", call.description);
  event["client_id"] = dashboard ? "sim-dashboard-client" : "sim-admin-client";
  event["client_name"] = dashboard ? "" : "Provisioning service";
  event["details"] = {
      {"request",
       {{"method", call.method},
        {"path", call.path},
        {"query", Json::object()},
        {"body", call.body},
        {"channel", dashboard ? "https://manage.auth0.com/" : "api"},
        {"ip", "203.0.113.7"}}},
      {"response", {{"statusCode", call.status}, {"body", call.response}}}};
  return event;
}

// The string field `key`, required.
absl::StatusOr<std::string> Field(const Json& change, const char* key) {
  auto it = change.find(key);
  if (it == change.end() || !it->is_string() || it->get<std::string>().empty())
    return Bad(change.value("op", "?"),
               absl::StrCat("needs a non-empty string \"", key, "\""));
  return it->get<std::string>();
}

// The array of strings `key`, required and non-empty.
absl::StatusOr<std::vector<std::string>> Ids(const Json& change,
                                             const char* key) {
  auto it = change.find(key);
  std::vector<std::string> out;
  if (it != change.end() && it->is_array()) {
    for (const Json& id : *it) {
      if (!id.is_string()) break;
      out.push_back(id.get<std::string>());
    }
    if (out.size() == it->size() && !out.empty()) return out;
  }
  return Bad(change.value("op", "?"),
             absl::StrCat("needs \"", key, "\": a non-empty array of ids"));
}

// The object field `key`, required.
absl::StatusOr<Json> Object(const Json& change, const char* key) {
  auto it = change.find(key);
  if (it == change.end() || !it->is_object())
    return Bad(change.value("op", "?"),
               absl::StrCat("needs an object \"", key, "\""));
  return *it;
}

void AddUnique(std::vector<std::string>& list, const std::string& id) {
  if (std::find(list.begin(), list.end(), id) == list.end()) list.push_back(id);
}

void Remove(std::vector<std::string>& list, const std::string& id) {
  list.erase(std::remove(list.begin(), list.end(), id), list.end());
}

absl::Status CheckAll(const std::vector<std::string>& ids,
                      const absl::flat_hash_map<std::string, size_t>& index,
                      absl::string_view op, absl::string_view kind) {
  for (const std::string& id : ids) {
    if (!index.contains(id)) return Bad(op, absl::StrCat("no ", kind, " ", id));
  }
  return absl::OkStatus();
}

// The id of a created record: the one the change asked for, or a new one.
std::string NewId(Tenant& t, const char* prefix, const std::string& asked) {
  return asked.empty() ? absl::StrCat(prefix, "sim", ++t.records_created)
                       : asked;
}

// --- users -----------------------------------------------------------------

absl::StatusOr<Events> CreateUser(Tenant& t, const Json& change,
                                  absl::Time now) {
  auto user = Object(change, "user");
  if (!user.ok()) return user.status();
  const std::string id = user->value("user_id", "");
  if (id.empty()) return Bad("create_user", "user needs a \"user_id\"");
  if (t.user_index.contains(id))
    return Bad("create_user", absl::StrCat("user ", id, " exists"));
  auto identities = user->find("identities");
  if (identities == user->end() || !identities->is_array() ||
      identities->empty() || !(*identities)[0].contains("connection")) {
    return Bad("create_user", "user needs \"identities\": [{\"connection\"}]");
  }
  const std::string connection = (*identities)[0].value("connection", "");
  const Json* found = nullptr;
  for (const Json& c : t.connections) {
    if (c.value("name", "") == connection) found = &c;
  }
  if (found == nullptr)
    return Bad("create_user", absl::StrCat("no connection ", connection));
  const std::string via = change.value("via", "api");
  if (via != "api" && via != "signup" && via != "login")
    return Bad("create_user", "\"via\" is api, signup or login");
  const std::string created =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone());
  Json record = *user;
  if (!record.contains("created_at")) record["created_at"] = created;
  if (!record.contains("updated_at")) record["updated_at"] = created;
  t.user_index[id] = t.users.size();
  t.users.push_back(record);
  if (via == "api") {
    return Events{SapiEvent(
        t, change,
        {"post", "/api/v2/users", *user, 201, record, "Create a User"})};
  }
  // A signup (database) or a first login (enterprise, social) writes no API
  // event: only the user's own.
  Json event = BaseEvent(t, via == "signup" ? "ss" : "s",
                         via == "signup" ? "" : "Successful login");
  event["user_id"] = id;
  event["user_name"] = record.value("email", "");
  event["connection"] = connection;
  event["connection_id"] = found->value("id", "");
  event["strategy"] = found->value("strategy", "");
  event["client_id"] = change.value("client_id", "");
  return Events{event};
}

absl::StatusOr<Events> UpdateUser(Tenant& t, const Json& change) {
  auto id = Field(change, "user_id");
  if (!id.ok()) return id.status();
  auto set = Object(change, "set");
  if (!set.ok()) return set.status();
  if (!t.user_index.contains(*id))
    return Bad("update_user", absl::StrCat("no user ", *id));
  for (const char* fixed : {"user_id", "identities", "created_at"}) {
    if (set->contains(fixed))
      return Bad("update_user", absl::StrCat("\"", fixed, "\" cannot change"));
  }
  Json& user = t.users[t.user_index.at(*id)];
  user.merge_patch(*set);
  return Events{SapiEvent(t, change,
                          {"patch", "/api/v2/users/" + Encoded(*id), *set, 200,
                           user, "Update a User"})};
}

absl::StatusOr<Events> DeleteUser(Tenant& t, const Json& change) {
  auto id = Field(change, "user_id");
  if (!id.ok()) return id.status();
  if (!t.user_index.contains(*id))
    return Bad("delete_user", absl::StrCat("no user ", *id));
  t.users.erase(t.users.begin() + t.user_index.at(*id));
  for (const std::string& role : t.user_roles[*id])
    Remove(t.role_users[role], *id);
  t.user_roles.erase(*id);
  t.user_permissions.erase(*id);
  for (auto& [group, members] : t.group_members) {
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](const Json& m) {
                                   return m["member_type"] == "user" &&
                                          m["id"] == *id;
                                 }),
                  members.end());
  }
  for (auto& [organization, members] : t.organization_members) {
    if (std::find(members.begin(), members.end(), *id) == members.end())
      continue;
    Remove(members, *id);
    t.organization_member_roles.erase(
        Tenant::OrganizationMemberKey(organization, *id));
  }
  ReindexRecords(t);
  Json deletion = BaseEvent(t, "sdu", "");
  deletion["user_id"] = *id;
  return Events{SapiEvent(t, change,
                          {"delete", "/api/v2/users/" + Encoded(*id),
                           Json::object(), 204, nullptr, "Delete a User"}),
                deletion};
}

absl::StatusOr<Events> UserRoles(Tenant& t, const Json& change, bool add) {
  const std::string op = change["op"];
  auto id = Field(change, "user_id");
  if (!id.ok()) return id.status();
  auto roles = Ids(change, "roles");
  if (!roles.ok()) return roles.status();
  if (!t.user_index.contains(*id))
    return Bad(op, absl::StrCat("no user ", *id));
  if (auto s = CheckAll(*roles, t.role_index, op, "role"); !s.ok()) return s;
  for (const std::string& role : *roles) {
    if (add) {
      AddUnique(t.user_roles[*id], role);
      AddUnique(t.role_users[role], *id);
    } else {
      Remove(t.user_roles[*id], role);
      Remove(t.role_users[role], *id);
    }
  }
  return Events{SapiEvent(
      t, change,
      {add ? "post" : "delete",
       "/api/v2/users/" + Encoded(*id) + "/roles",
       {{"roles", *roles}},
       204,
       nullptr,
       add ? "Assign roles to a user" : "Removes roles from a user"})};
}

// --- roles -----------------------------------------------------------------

absl::StatusOr<Events> RoleUsers(Tenant& t, const Json& change) {
  auto id = Field(change, "role_id");
  if (!id.ok()) return id.status();
  auto users = Ids(change, "users");
  if (!users.ok()) return users.status();
  if (!t.role_index.contains(*id))
    return Bad("add_role_users", absl::StrCat("no role ", *id));
  if (auto s = CheckAll(*users, t.user_index, "add_role_users", "user");
      !s.ok())
    return s;
  for (const std::string& user : *users) {
    AddUnique(t.role_users[*id], user);
    AddUnique(t.user_roles[user], *id);
  }
  return Events{SapiEvent(t, change,
                          {"post",
                           "/api/v2/roles/" + Encoded(*id) + "/users",
                           {{"users", *users}},
                           200,
                           Json::object(),
                           "Assign users to a role"})};
}

absl::StatusOr<Events> CreateRole(Tenant& t, const Json& change) {
  auto role = Object(change, "role");
  if (!role.ok()) return role.status();
  const std::string name = role->value("name", "");
  if (name.empty()) return Bad("create_role", "role needs a \"name\"");
  const std::string id = NewId(t, "rol_", role->value("id", ""));
  if (t.role_index.contains(id))
    return Bad("create_role", absl::StrCat("role ", id, " exists"));
  Json record = {{"id", id},
                 {"name", name},
                 {"description", role->value("description", "")}};
  t.role_index[id] = t.roles.size();
  t.roles.push_back(record);
  Json body = *role;
  body.erase("id");
  return Events{
      SapiEvent(t, change,
                {"post", "/api/v2/roles", body, 200, record, "Create a role"})};
}

absl::StatusOr<Events> UpdateRole(Tenant& t, const Json& change) {
  auto id = Field(change, "role_id");
  if (!id.ok()) return id.status();
  auto set = Object(change, "set");
  if (!set.ok()) return set.status();
  if (!t.role_index.contains(*id))
    return Bad("update_role", absl::StrCat("no role ", *id));
  for (const auto& [key, value] : set->items()) {
    if ((key != "name" && key != "description") || !value.is_string())
      return Bad("update_role", "\"set\" takes name and description strings");
  }
  Json& role = t.roles[t.role_index.at(*id)];
  role.merge_patch(*set);
  return Events{SapiEvent(t, change,
                          {"patch", "/api/v2/roles/" + Encoded(*id), *set, 200,
                           role, "Update a role"})};
}

absl::StatusOr<Events> DeleteRole(Tenant& t, const Json& change) {
  auto id = Field(change, "role_id");
  if (!id.ok()) return id.status();
  if (!t.role_index.contains(*id))
    return Bad("delete_role", absl::StrCat("no role ", *id));
  t.roles.erase(t.roles.begin() + t.role_index.at(*id));
  for (const std::string& user : t.role_users[*id])
    Remove(t.user_roles[user], *id);
  t.role_users.erase(*id);
  t.role_permissions.erase(*id);
  for (auto& [group, roles] : t.group_roles) Remove(roles, *id);
  for (auto& [member, roles] : t.organization_member_roles) Remove(roles, *id);
  ReindexRecords(t);
  return Events{SapiEvent(t, change,
                          {"delete", "/api/v2/roles/" + Encoded(*id),
                           Json::object(), 200, nullptr, "Delete a role"})};
}

// Permissions of a role, or assigned to a user directly.
enum class Holder { kRole, kUser };

absl::StatusOr<Events> Permissions(Tenant& t, const Json& change, bool add,
                                   Holder holder) {
  const std::string op = change["op"];
  const bool role = holder == Holder::kRole;
  auto id = Field(change, role ? "role_id" : "user_id");
  if (!id.ok()) return id.status();
  if (!(role ? t.role_index : t.user_index).contains(*id))
    return Bad(op, absl::StrCat(role ? "no role " : "no user ", *id));
  auto permissions = change.find("permissions");
  if (permissions == change.end() || !permissions->is_array() ||
      permissions->empty()) {
    return Bad(op,
               "needs \"permissions\": [{resource_server_identifier, "
               "permission_name}]");
  }
  std::vector<Json>& held =
      (role ? t.role_permissions : t.user_permissions)[*id];
  for (const Json& p : *permissions) {
    if (!p.is_object() || !p.contains("resource_server_identifier") ||
        !p.contains("permission_name"))
      return Bad(op,
                 "each permission needs resource_server_identifier and "
                 "permission_name");
  }
  for (const Json& p : *permissions) {
    Json shown = {
        {"resource_server_identifier", p["resource_server_identifier"]},
        {"permission_name", p["permission_name"]}};
    auto same = [&](const Json& h) {
      return h.value("resource_server_identifier", "") ==
                 shown["resource_server_identifier"] &&
             h.value("permission_name", "") == shown["permission_name"];
    };
    held.erase(std::remove_if(held.begin(), held.end(), same), held.end());
    if (add) held.push_back(shown);
  }
  const char* description = role ? (add ? "Associate permissions with a role"
                                        : "Remove permissions from a role")
                                 : (add ? "Assign permissions to a user"
                                        : "Remove permissions from a user");
  return Events{
      SapiEvent(t, change,
                {add ? "post" : "delete",
                 absl::StrCat(role ? "/api/v2/roles/" : "/api/v2/users/",
                              Encoded(*id), "/permissions"),
                 {{"permissions", *permissions}},
                 201,
                 Json::object(),
                 description})};
}

// --- clients and connections -------------------------------------------------

Json* FindClient(Tenant& t, const std::string& client_id) {
  for (Json& client : t.clients) {
    if (client.value("client_id", "") == client_id) return &client;
  }
  return nullptr;
}

absl::StatusOr<Events> CreateClient(Tenant& t, const Json& change) {
  auto client = Object(change, "client");
  if (!client.ok()) return client.status();
  if (client->value("name", "").empty())
    return Bad("create_client", "client needs a \"name\"");
  const std::string id = NewId(t, "CLIENTSIM", client->value("client_id", ""));
  if (FindClient(t, id) != nullptr)
    return Bad("create_client", absl::StrCat("client ", id, " exists"));
  Json record = *client;
  record["client_id"] = id;
  if (!record.contains("app_type")) record["app_type"] = "regular_web";
  t.clients.push_back(record);
  Json body = *client;
  body.erase("client_id");
  return Events{SapiEvent(
      t, change,
      {"post", "/api/v2/clients", body, 201, record, "Create client"})};
}

absl::StatusOr<Events> UpdateClient(Tenant& t, const Json& change) {
  auto id = Field(change, "client_id");
  if (!id.ok()) return id.status();
  auto set = Object(change, "set");
  if (!set.ok()) return set.status();
  Json* client = FindClient(t, *id);
  if (client == nullptr)
    return Bad("update_client", absl::StrCat("no client ", *id));
  if (set->contains("client_id"))
    return Bad("update_client", "\"client_id\" cannot change");
  client->merge_patch(*set);
  return Events{SapiEvent(t, change,
                          {"patch", "/api/v2/clients/" + Encoded(*id), *set,
                           200, *client, "Update a client"})};
}

absl::StatusOr<Events> DeleteClient(Tenant& t, const Json& change) {
  auto id = Field(change, "client_id");
  if (!id.ok()) return id.status();
  Json* client = FindClient(t, *id);
  if (client == nullptr)
    return Bad("delete_client", absl::StrCat("no client ", *id));
  t.clients.erase(t.clients.begin() + (client - t.clients.data()));
  for (auto& [connection, clients] : t.connection_clients) Remove(clients, *id);
  return Events{SapiEvent(t, change,
                          {"delete", "/api/v2/clients/" + Encoded(*id),
                           Json::object(), 204, nullptr, "Delete a client"})};
}

absl::StatusOr<Events> ConnectionClients(Tenant& t, const Json& change) {
  auto id = Field(change, "connection_id");
  if (!id.ok()) return id.status();
  if (!t.connection_index.contains(*id))
    return Bad("update_connection_clients",
               absl::StrCat("no connection ", *id));
  Json body = Json::array();
  for (const char* key : {"enable", "disable"}) {
    auto list = change.find(key);
    if (list == change.end()) continue;
    auto ids = Ids(change, key);
    if (!ids.ok()) return ids.status();
    for (const std::string& client : *ids) {
      if (FindClient(t, client) == nullptr)
        return Bad("update_connection_clients",
                   absl::StrCat("no client ", client));
      body.push_back(
          {{"client_id", client}, {"status", std::string(key) == "enable"}});
    }
  }
  if (body.empty())
    return Bad("update_connection_clients", "give \"enable\" or \"disable\"");
  for (const Json& entry : body) {
    if (entry["status"].get<bool>()) {
      AddUnique(t.connection_clients[*id], entry["client_id"]);
    } else {
      Remove(t.connection_clients[*id], entry["client_id"]);
    }
  }
  return Events{SapiEvent(
      t, change,
      {"patch", "/api/v2/connections/" + Encoded(*id) + "/clients", body, 204,
       nullptr, "Update enabled clients for a connection"})};
}

// --- native groups and organizations
// ------------------------------------------

absl::StatusOr<Events> GroupMembers(Tenant& t, const Json& change, bool add) {
  const std::string op = change["op"];
  auto id = Field(change, "group_id");
  if (!id.ok()) return id.status();
  auto users = Ids(change, "users");
  if (!users.ok()) return users.status();
  if (!t.group_index.contains(*id))
    return Bad(op, absl::StrCat("no group ", *id));
  if (auto s = CheckAll(*users, t.user_index, op, "user"); !s.ok()) return s;
  const Json& group = t.groups[t.group_index.at(*id)];
  std::vector<Json>& members = t.group_members[*id];
  for (const std::string& user : *users) {
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](const Json& m) {
                                   return m["member_type"] == "user" &&
                                          m["id"] == user;
                                 }),
                  members.end());
    if (!add) continue;
    Json shown = {{"id", user},
                  {"member_type", "user"},
                  {"type", "connection"},
                  {"created_at", "2024-01-01T00:00:00.000Z"}};
    if (group.contains("connection_id"))
      shown["connection_id"] = group["connection_id"];
    members.push_back(std::move(shown));
  }
  // [uncertain] Native groups are provisioned by SCIM or directory sync; what
  // Auth0 logs for a member change is not documented. We write a sapi on the
  // groups API's path; `"log": false` gives the worst case.
  return Events{SapiEvent(
      t, change,
      {add ? "post" : "delete",
       "/api/v2/groups/" + Encoded(*id) + "/members",
       {{"members", *users}},
       204,
       nullptr,
       add ? "Add members to a group" : "Remove members from a group"})};
}

absl::StatusOr<Events> OrganizationMembers(Tenant& t, const Json& change,
                                           bool add) {
  const std::string op = change["op"];
  auto id = Field(change, "organization_id");
  if (!id.ok()) return id.status();
  auto users = Ids(change, "members");
  if (!users.ok()) return users.status();
  if (!t.organization_index.contains(*id))
    return Bad(op, absl::StrCat("no organization ", *id));
  if (auto s = CheckAll(*users, t.user_index, op, "user"); !s.ok()) return s;
  for (const std::string& user : *users) {
    if (add) {
      AddUnique(t.organization_members[*id], user);
    } else {
      Remove(t.organization_members[*id], user);
      t.organization_member_roles.erase(
          Tenant::OrganizationMemberKey(*id, user));
    }
  }
  return Events{SapiEvent(t, change,
                          {add ? "post" : "delete",
                           "/api/v2/organizations/" + Encoded(*id) + "/members",
                           {{"members", *users}},
                           204,
                           nullptr,
                           add ? "Add members to an organization"
                               : "Delete members from an organization"})};
}

absl::StatusOr<Events> OrganizationMemberRoles(Tenant& t, const Json& change,
                                               bool add) {
  const std::string op = change["op"];
  auto id = Field(change, "organization_id");
  if (!id.ok()) return id.status();
  auto user = Field(change, "user_id");
  if (!user.ok()) return user.status();
  auto roles = Ids(change, "roles");
  if (!roles.ok()) return roles.status();
  auto members = t.organization_members.find(*id);
  if (members == t.organization_members.end() ||
      std::find(members->second.begin(), members->second.end(), *user) ==
          members->second.end()) {
    return Bad(op,
               absl::StrCat(*user, " is not a member of organization ", *id));
  }
  if (auto s = CheckAll(*roles, t.role_index, op, "role"); !s.ok()) return s;
  auto& held =
      t.organization_member_roles[Tenant::OrganizationMemberKey(*id, *user)];
  for (const std::string& role : *roles) {
    if (add) {
      AddUnique(held, role);
    } else {
      Remove(held, role);
    }
  }
  return Events{SapiEvent(t, change,
                          {add ? "post" : "delete",
                           absl::StrCat("/api/v2/organizations/", Encoded(*id),
                                        "/members/", Encoded(*user), "/roles"),
                           {{"roles", *roles}},
                           204,
                           nullptr,
                           add ? "Assign roles to an organization member"
                               : "Delete roles from an organization member"})};
}

// --- the Authorization Extension (no logs)
// --------------------------------------

absl::StatusOr<Events> ExtensionPut(Tenant& t, const Json& change) {
  auto kind = Field(change, "kind");
  if (!kind.ok()) return kind.status();
  auto record = Object(change, "record");
  if (!record.ok()) return record.status();
  if (t.extension_export.is_null())
    return Bad("extension_put", "this tenant has no extension");
  if (*kind != "groups" && *kind != "roles" && *kind != "permissions")
    return Bad("extension_put", "\"kind\" is groups, roles or permissions");
  const std::string id = record->value("_id", "");
  if (id.empty()) return Bad("extension_put", "record needs an \"_id\"");
  Json candidate = t.extension_export;
  Json& list = candidate[*kind];
  bool replaced = false;
  for (Json& existing : list) {
    if (existing.value("_id", "") == id) {
      existing = *record;
      replaced = true;
    }
  }
  if (!replaced) list.push_back(*record);
  Json previous = std::move(t.extension_export);
  t.extension_export = std::move(candidate);
  if (absl::Status indexed = ReindexExtension(t); !indexed.ok()) {
    t.extension_export = std::move(previous);
    (void)ReindexExtension(t);
    return Bad("extension_put", indexed.message());
  }
  return Events{};
}

absl::StatusOr<Events> ExtensionDelete(Tenant& t, const Json& change) {
  auto kind = Field(change, "kind");
  if (!kind.ok()) return kind.status();
  auto id = Field(change, "id");
  if (!id.ok()) return id.status();
  if (t.extension_export.is_null() || !t.extension_export.contains(*kind))
    return Bad("extension_delete", "no such kind in the extension");
  Json& list = t.extension_export[*kind];
  const size_t before = list.size();
  for (auto it = list.begin(); it != list.end();) {
    it = it->value("_id", "") == *id ? list.erase(it) : it + 1;
  }
  if (list.size() == before)
    return Bad("extension_delete", absl::StrCat("no ", *kind, " ", *id));
  // Other groups may nest the deleted one; the extension drops those links.
  if (*kind == "groups") {
    for (Json& group : t.extension_export["groups"]) {
      if (!group.contains("nested") || !group["nested"].is_array()) continue;
      Json kept = Json::array();
      for (const Json& child : group["nested"])
        if (child != *id) kept.push_back(child);
      group["nested"] = kept;
    }
  }
  if (absl::Status indexed = ReindexExtension(t); !indexed.ok())
    return Bad("extension_delete", indexed.message());
  return Events{};
}

using Handler =
    std::function<absl::StatusOr<Events>(Tenant&, const Json&, absl::Time)>;

const std::map<std::string, Handler>& Handlers() {
  static const auto* handlers = new std::map<std::string, Handler>{
      {"create_user", CreateUser},
      {"update_user",
       [](Tenant& t, const Json& c, absl::Time) { return UpdateUser(t, c); }},
      {"delete_user",
       [](Tenant& t, const Json& c, absl::Time) { return DeleteUser(t, c); }},
      {"assign_user_roles", [](Tenant& t, const Json& c,
                               absl::Time) { return UserRoles(t, c, true); }},
      {"remove_user_roles", [](Tenant& t, const Json& c,
                               absl::Time) { return UserRoles(t, c, false); }},
      {"add_role_users",
       [](Tenant& t, const Json& c, absl::Time) { return RoleUsers(t, c); }},
      {"create_role",
       [](Tenant& t, const Json& c, absl::Time) { return CreateRole(t, c); }},
      {"update_role",
       [](Tenant& t, const Json& c, absl::Time) { return UpdateRole(t, c); }},
      {"delete_role",
       [](Tenant& t, const Json& c, absl::Time) { return DeleteRole(t, c); }},
      {"add_role_permissions",
       [](Tenant& t, const Json& c, absl::Time) {
         return Permissions(t, c, true, Holder::kRole);
       }},
      {"remove_role_permissions",
       [](Tenant& t, const Json& c, absl::Time) {
         return Permissions(t, c, false, Holder::kRole);
       }},
      {"assign_user_permissions",
       [](Tenant& t, const Json& c, absl::Time) {
         return Permissions(t, c, true, Holder::kUser);
       }},
      {"remove_user_permissions",
       [](Tenant& t, const Json& c, absl::Time) {
         return Permissions(t, c, false, Holder::kUser);
       }},
      {"create_client",
       [](Tenant& t, const Json& c, absl::Time) { return CreateClient(t, c); }},
      {"update_client",
       [](Tenant& t, const Json& c, absl::Time) { return UpdateClient(t, c); }},
      {"delete_client",
       [](Tenant& t, const Json& c, absl::Time) { return DeleteClient(t, c); }},
      {"update_connection_clients",
       [](Tenant& t, const Json& c, absl::Time) {
         return ConnectionClients(t, c);
       }},
      {"add_group_members",
       [](Tenant& t, const Json& c, absl::Time) {
         return GroupMembers(t, c, true);
       }},
      {"remove_group_members",
       [](Tenant& t, const Json& c, absl::Time) {
         return GroupMembers(t, c, false);
       }},
      {"add_organization_members",
       [](Tenant& t, const Json& c, absl::Time) {
         return OrganizationMembers(t, c, true);
       }},
      {"remove_organization_members",
       [](Tenant& t, const Json& c, absl::Time) {
         return OrganizationMembers(t, c, false);
       }},
      {"assign_organization_member_roles",
       [](Tenant& t, const Json& c, absl::Time) {
         return OrganizationMemberRoles(t, c, true);
       }},
      {"remove_organization_member_roles",
       [](Tenant& t, const Json& c, absl::Time) {
         return OrganizationMemberRoles(t, c, false);
       }},
      {"extension_put",
       [](Tenant& t, const Json& c, absl::Time) { return ExtensionPut(t, c); }},
      {"extension_delete", [](Tenant& t, const Json& c,
                              absl::Time) { return ExtensionDelete(t, c); }},
      {"log_event",
       [](Tenant& t, const Json& c, absl::Time) -> absl::StatusOr<Events> {
         auto event = Object(c, "event");
         if (!event.ok()) return event.status();
         Json written = BaseEvent(t, "", "");
         written.merge_patch(*event);
         if (!written["type"].is_string() || written["type"] == "")
           return Bad("log_event", "event needs a \"type\"");
         return Events{written};
       }},
  };
  return *handlers;
}

}  // namespace

absl::StatusOr<std::vector<Json>> ApplyChange(Tenant& tenant,
                                              const Json& change,
                                              absl::Time now) {
  if (!change.is_object() || !change.contains("op") ||
      !change["op"].is_string()) {
    return absl::InvalidArgumentError(
        "a change is an object with a string \"op\"");
  }
  const std::string op = change["op"];
  auto handler = Handlers().find(op);
  if (handler == Handlers().end()) {
    std::vector<std::string> known;
    for (const auto& [name, unused] : Handlers()) known.push_back(name);
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown op \"", op, "\"; known: ", absl::StrJoin(known, ", ")));
  }
  absl::StatusOr<Events> events = handler->second(tenant, change, now);
  if (!events.ok()) return events.status();
  if (!change.value("log", true)) events->clear();
  return events;
}

std::vector<Json> LoginNoise(const Tenant& tenant, int logins,
                             int failed_logins, uint64_t seed) {
  std::vector<Json> events;
  if (tenant.users.empty()) return events;
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<size_t> pick(0, tenant.users.size() - 1);
  for (int i = 0; i < logins + failed_logins; ++i) {
    const bool failed = i >= logins;
    const Json& user = tenant.users[pick(random)];
    Json event =
        BaseEvent(tenant, failed ? "f" : "s",
                  failed ? "Wrong email or password." : "Successful login");
    event["user_id"] = user.value("user_id", "");
    event["user_name"] = user.value("email", "");
    const Json& identity = user["identities"][0];
    event["connection"] = identity.value("connection", "");
    event["strategy"] = identity.value("provider", "");
    events.push_back(std::move(event));
  }
  return events;
}

Json TokenExchangeEvent(const Tenant& tenant, const std::string& client_id,
                        bool succeeded, const std::string& description) {
  Json event = BaseEvent(tenant, succeeded ? "seccft" : "feccft", description);
  event["client_id"] = client_id;
  event["audience"] = tenant.management_audience();
  return event;
}

}  // namespace identitygraph::sim
