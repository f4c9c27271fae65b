#include "tests/auth0_sim/tenant.h"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace identitygraph::sim {
namespace {

absl::Status Invalid(absl::string_view where, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("fixture: ", where, ": ", problem));
}

// The string field `key` of `record`, which must be present and non-empty.
absl::StatusOr<std::string> RequiredString(const Json& record, const char* key,
                                           absl::string_view where) {
  auto it = record.find(key);
  if (it == record.end() || !it->is_string() ||
      it->get<std::string>().empty()) {
    return Invalid(where,
                   absl::StrCat("needs a non-empty string \"", key, "\""));
  }
  return it->get<std::string>();
}

// The array `key` of `object`; an absent key is an empty array.
absl::StatusOr<Json> OptionalArray(const Json& object, const char* key,
                                   absl::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Json::array();
  if (!it->is_array())
    return Invalid(where, absl::StrCat("\"", key, "\" must be an array"));
  return *it;
}

std::vector<std::string> StringArray(const Json& value) {
  std::vector<std::string> out;
  for (const Json& item : value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

absl::Status LoadImporterClients(const Json& fixture, Tenant& tenant) {
  auto clients = OptionalArray(fixture, "importer_clients", "importer_clients");
  if (!clients.ok()) return clients.status();
  if (clients->empty()) {
    return Invalid("importer_clients",
                   "list at least one client that may request tokens");
  }
  for (size_t i = 0; i < clients->size(); ++i) {
    const Json& record = (*clients)[i];
    std::string where = absl::StrCat("importer_clients[", i, "]");
    ImporterClient client;
    auto id = RequiredString(record, "client_id", where);
    if (!id.ok()) return id.status();
    auto secret = RequiredString(record, "client_secret", where);
    if (!secret.ok()) return secret.status();
    client.client_id = *id;
    client.client_secret = *secret;
    client.client_credentials_enabled =
        record.value("client_credentials_enabled", true);
    auto grants = record.find("grants");
    if (grants == record.end() || !grants->is_object()) {
      return Invalid(where, "needs \"grants\": {audience: [scopes]}");
    }
    for (const auto& [audience, scopes] : grants->items()) {
      if (!scopes.is_array())
        return Invalid(where, "grants must map audiences to arrays");
      client.grants[audience] = StringArray(scopes);
    }
    tenant.importer_clients.push_back(std::move(client));
  }
  return absl::OkStatus();
}

absl::Status LoadUsers(const Json& fixture, Tenant& tenant) {
  auto users = OptionalArray(fixture, "users", "users");
  if (!users.ok()) return users.status();
  for (size_t i = 0; i < users->size(); ++i) {
    const Json& user = (*users)[i];
    std::string where = absl::StrCat("users[", i, "]");
    auto id = RequiredString(user, "user_id", where);
    if (!id.ok()) return id.status();
    auto identities = user.find("identities");
    if (identities == user.end() || !identities->is_array() ||
        identities->empty() || !(*identities)[0].contains("connection")) {
      return Invalid(where, "needs \"identities\": [{\"connection\": ...}]");
    }
    if (!tenant.user_index.emplace(*id, tenant.users.size()).second) {
      return Invalid(where, absl::StrCat("user_id ", *id, " appears twice"));
    }
    auto permissions = OptionalArray(user, "permissions", where);
    if (!permissions.ok()) return permissions.status();
    for (const Json& permission : *permissions) {
      if (!permission.is_object() ||
          !permission.contains("resource_server_identifier") ||
          !permission.contains("permission_name")) {
        return Invalid(where,
                       "each permission needs resource_server_identifier and "
                       "permission_name");
      }
      tenant.user_permissions[*id].push_back(permission);
    }
    // Not a field of Auth0's user record: its own endpoint shows it.
    Json record = user;
    record.erase("permissions");
    tenant.users.push_back(std::move(record));
  }
  return absl::OkStatus();
}

absl::Status LoadConnections(const Json& fixture, Tenant& tenant) {
  auto connections = OptionalArray(fixture, "connections", "connections");
  if (!connections.ok()) return connections.status();
  for (size_t i = 0; i < connections->size(); ++i) {
    Json connection = (*connections)[i];
    std::string where = absl::StrCat("connections[", i, "]");
    for (const char* key : {"id", "name", "strategy"}) {
      if (auto s = RequiredString(connection, key, where); !s.ok())
        return s.status();
    }
    std::string id = connection["id"];
    auto enabled = OptionalArray(connection, "enabled_clients", where);
    if (!enabled.ok()) return enabled.status();
    tenant.connection_clients[id] = StringArray(*enabled);
    // New tenants no longer return the deprecated enabled_clients field;
    // neither do we.
    connection.erase("enabled_clients");
    if (!tenant.connection_index.emplace(id, tenant.connections.size())
             .second) {
      return Invalid(where,
                     absl::StrCat("connection id ", id, " appears twice"));
    }
    tenant.connections.push_back(std::move(connection));
  }
  return absl::OkStatus();
}

absl::Status LoadRoles(const Json& fixture, Tenant& tenant) {
  auto roles = OptionalArray(fixture, "roles", "roles");
  if (!roles.ok()) return roles.status();
  for (size_t i = 0; i < roles->size(); ++i) {
    const Json& record = (*roles)[i];
    std::string where = absl::StrCat("roles[", i, "]");
    auto id = RequiredString(record, "id", where);
    if (!id.ok()) return id.status();
    auto name = RequiredString(record, "name", where);
    if (!name.ok()) return name.status();
    if (!tenant.role_index.emplace(*id, tenant.roles.size()).second) {
      return Invalid(where, absl::StrCat("role id ", *id, " appears twice"));
    }
    tenant.roles.push_back(
        Json{{"id", *id},
             {"name", *name},
             {"description", record.value("description", "")}});
    auto users = OptionalArray(record, "users", where);
    if (!users.ok()) return users.status();
    for (const std::string& user_id : StringArray(*users)) {
      if (!tenant.user_index.contains(user_id)) {
        return Invalid(
            where, absl::StrCat("member ", user_id, " is not in \"users\""));
      }
      tenant.role_users[*id].push_back(user_id);
      tenant.user_roles[user_id].push_back(*id);
    }
    auto permissions = OptionalArray(record, "permissions", where);
    if (!permissions.ok()) return permissions.status();
    for (const Json& permission : *permissions)
      tenant.role_permissions[*id].push_back(permission);
  }
  return absl::OkStatus();
}

absl::Status LoadGroups(const Json& fixture, Tenant& tenant) {
  auto groups = OptionalArray(fixture, "groups", "groups");
  if (!groups.ok()) return groups.status();
  for (size_t i = 0; i < groups->size(); ++i) {
    Json group = (*groups)[i];
    std::string where = absl::StrCat("groups[", i, "]");
    auto id = RequiredString(group, "id", where);
    if (!id.ok()) return id.status();
    if (auto name = RequiredString(group, "name", where); !name.ok()) {
      return name.status();
    }
    if (!tenant.group_index.emplace(*id, tenant.groups.size()).second) {
      return Invalid(where, absl::StrCat("group id ", *id, " appears twice"));
    }
    auto members = OptionalArray(group, "members", where);
    if (!members.ok()) return members.status();
    for (const Json& member : *members) {
      const std::string member_id = member.value("id", "");
      const std::string type = member.value("member_type", "user");
      if (type == "user" && !tenant.user_index.contains(member_id)) {
        return Invalid(
            where, absl::StrCat("member ", member_id, " is not in \"users\""));
      }
      Json shown = {{"id", member_id},
                    {"member_type", type},
                    {"type", "connection"},
                    {"created_at",
                     group.value("created_at", "2024-01-01T00:00:00.000Z")}};
      if (group.contains("connection_id")) {
        shown["connection_id"] = group["connection_id"];
      }
      tenant.group_members[*id].push_back(std::move(shown));
    }
    auto roles = OptionalArray(group, "roles", where);
    if (!roles.ok()) return roles.status();
    tenant.group_roles[*id] = StringArray(*roles);
    group.erase("members");
    group.erase("roles");
    tenant.groups.push_back(std::move(group));
  }
  // A member group may be listed after its parent: check once all are known.
  for (const auto& [group_id, members] : tenant.group_members) {
    for (const Json& member : members) {
      if (member["member_type"] == "group" &&
          !tenant.group_index.contains(member["id"].get<std::string>())) {
        return Invalid(
            absl::StrCat("groups: ", group_id),
            absl::StrCat("member group ", member["id"].get<std::string>(),
                         " is not in \"groups\""));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status LoadOrganizations(const Json& fixture, Tenant& tenant) {
  auto organizations = OptionalArray(fixture, "organizations", "organizations");
  if (!organizations.ok()) return organizations.status();
  for (size_t i = 0; i < organizations->size(); ++i) {
    Json organization = (*organizations)[i];
    std::string where = absl::StrCat("organizations[", i, "]");
    auto id = RequiredString(organization, "id", where);
    if (!id.ok()) return id.status();
    if (!tenant.organization_index.emplace(*id, tenant.organizations.size())
             .second) {
      return Invalid(where,
                     absl::StrCat("organization id ", *id, " appears twice"));
    }
    auto members = OptionalArray(organization, "members", where);
    if (!members.ok()) return members.status();
    for (const Json& member : *members) {
      const std::string user_id = member.value("user_id", "");
      if (!tenant.user_index.contains(user_id)) {
        return Invalid(
            where, absl::StrCat("member ", user_id, " is not in \"users\""));
      }
      tenant.organization_members[*id].push_back(user_id);
      auto roles = OptionalArray(member, "roles", where);
      if (!roles.ok()) return roles.status();
      for (const std::string& role : StringArray(*roles)) {
        if (!tenant.role_index.contains(role)) {
          return Invalid(where, absl::StrCat("member role ", role,
                                             " is not in \"roles\""));
        }
      }
      tenant.organization_member_roles[Tenant::OrganizationMemberKey(
          *id, user_id)] = StringArray(*roles);
    }
    organization.erase("members");
    tenant.organizations.push_back(std::move(organization));
  }
  return absl::OkStatus();
}

absl::Status LoadSimpleList(const Json& fixture, const char* key,
                            const char* id_key, std::vector<Json>& out) {
  auto list = OptionalArray(fixture, key, key);
  if (!list.ok()) return list.status();
  for (size_t i = 0; i < list->size(); ++i) {
    std::string where = absl::StrCat(key, "[", i, "]");
    if (auto id = RequiredString((*list)[i], id_key, where); !id.ok())
      return id.status();
    out.push_back((*list)[i]);
  }
  return absl::OkStatus();
}

absl::Status IndexExtension(Tenant& tenant) {
  Json& document = tenant.extension_export;
  for (const char* key : {"groups", "roles", "permissions"}) {
    if (!document.contains(key)) document[key] = Json::array();
    if (!document[key].is_array()) {
      return Invalid("authorization_extension",
                     absl::StrCat("\"", key, "\" must be an array"));
    }
  }
  const Json& groups = document["groups"];
  for (size_t i = 0; i < groups.size(); ++i) {
    std::string where = absl::StrCat("authorization_extension.groups[", i, "]");
    auto id = RequiredString(groups[i], "_id", where);
    if (!id.ok()) return id.status();
    tenant.extension_group_index[*id] = i;
    auto members = OptionalArray(groups[i], "members", where);
    if (!members.ok()) return members.status();
    for (const std::string& user : StringArray(*members)) {
      tenant.extension_user_groups[user].push_back(*id);
    }
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    std::string where = absl::StrCat("authorization_extension.groups[", i, "]");
    auto nested = OptionalArray(groups[i], "nested", where);
    if (!nested.ok()) return nested.status();
    for (const std::string& child : StringArray(*nested)) {
      if (!tenant.extension_group_index.contains(child)) {
        return Invalid(where,
                       absl::StrCat("nested group ", child, " is not a group"));
      }
      tenant.extension_group_parents[child].push_back(groups[i]["_id"]);
    }
  }
  const Json& roles = document["roles"];
  for (size_t i = 0; i < roles.size(); ++i) {
    std::string where = absl::StrCat("authorization_extension.roles[", i, "]");
    auto id = RequiredString(roles[i], "_id", where);
    if (!id.ok()) return id.status();
    tenant.extension_role_index[*id] = i;
    auto users = OptionalArray(roles[i], "users", where);
    if (!users.ok()) return users.status();
    for (const std::string& user : StringArray(*users)) {
      tenant.extension_user_roles[user].push_back(*id);
    }
  }
  return absl::OkStatus();
}

}  // namespace

const ImporterClient* Tenant::FindClient(const std::string& client_id) const {
  for (const ImporterClient& client : importer_clients) {
    if (client.client_id == client_id) return &client;
  }
  return nullptr;
}

absl::StatusOr<Tenant> TenantFromFixture(const Json& fixture) {
  if (!fixture.is_object())
    return Invalid("top level", "must be a JSON object");
  Tenant tenant;
  auto tenant_object = fixture.find("tenant");
  if (tenant_object == fixture.end() || !tenant_object->is_object()) {
    return Invalid("tenant", "needs {\"domain\": \"TENANT.REGION.auth0.com\"}");
  }
  auto domain = RequiredString(*tenant_object, "domain", "tenant");
  if (!domain.ok()) return domain.status();
  tenant.domain = *domain;
  tenant.extension_host = tenant_object->value("extension_host", "");

  for (absl::Status status :
       {LoadImporterClients(fixture, tenant), LoadUsers(fixture, tenant),
        LoadConnections(fixture, tenant), LoadRoles(fixture, tenant),
        LoadGroups(fixture, tenant), LoadOrganizations(fixture, tenant),
        LoadSimpleList(fixture, "clients", "client_id", tenant.clients),
        LoadSimpleList(fixture, "resource_servers", "identifier",
                       tenant.resource_servers)}) {
    if (!status.ok()) return status;
  }
  auto extension = fixture.find("authorization_extension");
  if (extension != fixture.end() && !extension->is_null()) {
    if (!extension->is_object()) {
      return Invalid("authorization_extension",
                     "must be the extension's export object");
    }
    if (tenant.extension_host.empty()) {
      return Invalid(
          "tenant",
          "set \"extension_host\" when authorization_extension is given");
    }
    tenant.extension_export = *extension;
    if (absl::Status indexed = IndexExtension(tenant); !indexed.ok())
      return indexed;
  }
  return tenant;
}

void ReindexRecords(Tenant& tenant) {
  auto index = [](const std::vector<Json>& records, const char* key,
                  absl::flat_hash_map<std::string, size_t>& out) {
    out.clear();
    for (size_t i = 0; i < records.size(); ++i)
      out[records[i].value(key, "")] = i;
  };
  index(tenant.users, "user_id", tenant.user_index);
  index(tenant.roles, "id", tenant.role_index);
  index(tenant.connections, "id", tenant.connection_index);
  index(tenant.groups, "id", tenant.group_index);
  index(tenant.organizations, "id", tenant.organization_index);
}

absl::Status ReindexExtension(Tenant& tenant) {
  tenant.extension_group_index.clear();
  tenant.extension_role_index.clear();
  tenant.extension_group_parents.clear();
  tenant.extension_user_groups.clear();
  tenant.extension_user_roles.clear();
  if (tenant.extension_export.is_null()) return absl::OkStatus();
  return IndexExtension(tenant);
}

absl::StatusOr<Tenant> LoadTenantFile(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(absl::StrCat("cannot open tenant file ", path));
  Json fixture = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (fixture.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not valid JSON"));
  }
  absl::StatusOr<Tenant> tenant = TenantFromFixture(fixture);
  if (!tenant.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", tenant.status().message()));
  }
  return tenant;
}

}  // namespace identitygraph::sim
