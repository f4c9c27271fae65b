// The simulated Auth0 tenant: records in Auth0's own JSON shapes, plus the
// indexes the simulated endpoints need. Built from a fixture file (see
// README.md beside this file); changed only by tenant_changes.h, under the
// simulator's tenant lock.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_TENANT_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_TENANT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace identitygraph::sim {

using Json = nlohmann::json;

// A Machine-to-Machine application that may ask /oauth/token for tokens.
struct ImporterClient {
  std::string client_id;
  std::string client_secret;
  // Audience -> granted scopes (the client grants). An audience missing here is
  // "not authorised" for this client.
  std::map<std::string, std::vector<std::string>> grants;
  // False simulates an application whose client_credentials grant type is
  // turned off.
  bool client_credentials_enabled = true;
};

struct Tenant {
  // The canonical domain, e.g. acme.us.auth0.com.
  std::string domain;
  // The Authorization Extension's host, e.g. acme.us12.webtask.io; empty when
  // the tenant has no extension.
  std::string extension_host;
  std::vector<ImporterClient> importer_clients;

  // Auth0-shaped records, in fixture order (the order list endpoints use):
  // /users, /connections (without enabled_clients), /clients, /roles
  // ({id, name, description}), /resource-servers, native /groups (without
  // members and roles) and /organizations (without members) objects.
  std::vector<Json> users;
  std::vector<Json> connections;
  std::vector<Json> clients;
  std::vector<Json> roles;
  std::vector<Json> resource_servers;
  std::vector<Json> groups;
  std::vector<Json> organizations;
  // The extension's storage document ({groups, roles, permissions, ...}), as
  // GET /configuration/export returns it; null when there is no extension.
  Json extension_export;

  // Memberships by owner id, in fixture order.
  using IdLists = absl::flat_hash_map<std::string, std::vector<std::string>>;
  IdLists role_users;            // role -> users
  IdLists user_roles;            // user -> roles
  IdLists connection_clients;    // connection -> client ids
  IdLists group_roles;           // native group -> roles
  IdLists organization_members;  // organization -> users
  // OrganizationMemberKey(organization, user) -> organization role ids.
  IdLists organization_member_roles;
  absl::flat_hash_map<std::string, std::vector<Json>> role_permissions;
  // User -> permissions assigned to the user directly ({resource_server_
  // identifier, permission_name}); the fixture's user field "permissions".
  absl::flat_hash_map<std::string, std::vector<Json>> user_permissions;
  // Native group -> members as /groups/{id}/members shows them.
  absl::flat_hash_map<std::string, std::vector<Json>> group_members;

  // The extension's records by id (into extension_export's arrays), each
  // group's parents (groups whose `nested` lists it), and each user's direct
  // groups and roles.
  absl::flat_hash_map<std::string, size_t> extension_group_index;
  absl::flat_hash_map<std::string, size_t> extension_role_index;
  IdLists extension_group_parents;
  IdLists extension_user_groups;
  IdLists extension_user_roles;

  // Indexes into the vectors above, by id.
  absl::flat_hash_map<std::string, size_t> user_index;
  absl::flat_hash_map<std::string, size_t> role_index;
  absl::flat_hash_map<std::string, size_t> connection_index;
  absl::flat_hash_map<std::string, size_t> group_index;
  absl::flat_hash_map<std::string, size_t> organization_index;

  // Records created by changes without an id of their own (their ids count).
  uint64_t records_created = 0;

  static std::string OrganizationMemberKey(const std::string& organization,
                                           const std::string& user_id) {
    return organization + "\n" + user_id;
  }
  // The Management API audience of this tenant: https://DOMAIN/api/v2/.
  std::string management_audience() const {
    return "https://" + domain + "/api/v2/";
  }
  const ImporterClient* FindClient(const std::string& client_id) const;
};

// Builds a tenant from a fixture document. Errors name the record and field
// that is wrong.
absl::StatusOr<Tenant> TenantFromFixture(const Json& fixture);

// Rebuilds the by-id indexes of users, roles, connections, groups and
// organizations from their vectors (after a change removed a record).
void ReindexRecords(Tenant& tenant);

// Rebuilds the extension's indexes from extension_export; errors name the
// record that is wrong (the indexes are then incomplete).
absl::Status ReindexExtension(Tenant& tenant);

// Reads and parses a fixture file; errors name the file.
absl::StatusOr<Tenant> LoadTenantFile(const std::string& path);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_TENANT_H_
