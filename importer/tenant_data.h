// What an import read from Auth0, as plain records: the fetchers fill it, and
// MapToGraph (graph_mapping.h) turns it into graph entities and edges. Keeping
// the two apart lets the mapping be tested without HTTP and keeps the order of
// the graph independent of the order requests finished in.
#ifndef IDENTITYGRAPH_IMPORTER_TENANT_DATA_H_
#define IDENTITYGRAPH_IMPORTER_TENANT_DATA_H_

#include <string>
#include <utility>
#include <vector>

#include "importer/connections.h"
#include "importer/tenant_index.h"

namespace identitygraph::importer {

using IdPair = std::pair<std::string, std::string>;

struct TenantUser {
  std::string id;
  std::string name;
  std::string email;
  std::vector<std::string> connection_ids;  // of the selected connections
  bool blocked = false;                     // Auth0's `blocked: true`
};

struct TenantRecord {
  std::string id;
  std::string name;
  std::string detail;  // app_type, a group's connection_id, a role's source

  bool operator==(const TenantRecord& other) const {
    return id == other.id && name == other.name && detail == other.detail;
  }
};

// A permission a role grants (or, in TenantData::user_permissions, a user
// holds directly): its API's identifier and its name.
struct Permission {
  std::string holder;  // the role id (or user id)
  std::string api;     // resource_server_identifier
  std::string name;    // permission_name

  bool operator==(const Permission& other) const {
    return holder == other.holder && api == other.api && name == other.name;
  }
};

// The Authorization Extension's part.
struct ExtensionData {
  bool present = false;
  std::vector<TenantRecord> groups;
  // Roles: detail = "client" or "resource_server"; application ids beside.
  std::vector<TenantRecord> roles;
  std::vector<IdPair> role_applications;  // (role, client_id or API id)
  std::vector<IdPair> group_members;      // (group, user)
  std::vector<IdPair>
      nested_groups;  // (parent, child): child in parent's `nested`
  std::vector<IdPair> group_roles;  // (group, role)
  std::vector<IdPair> role_users;   // (role, user)
  // Permissions: detail = the application id (client_id or resource server
  // id) they are defined on.
  std::vector<TenantRecord> permissions;
  std::vector<IdPair> role_permissions;  // (role, permission id)

  bool operator==(const ExtensionData& other) const {
    return present == other.present && groups == other.groups &&
           roles == other.roles &&
           role_applications == other.role_applications &&
           group_members == other.group_members &&
           nested_groups == other.nested_groups &&
           group_roles == other.group_roles && role_users == other.role_users &&
           permissions == other.permissions &&
           role_permissions == other.role_permissions;
  }
};

// A role a user holds in an organization.
struct OrganizationRole {
  std::string organization, user, role;
};

struct TenantData {
  std::vector<Connection> connections;     // the selected ones
  std::vector<TenantUser> users;           // of the selected connections
  std::vector<TenantRecord> applications;  // detail: app_type
  // APIs: id = the identifier (audience), detail = the resource server id.
  std::vector<TenantRecord> apis;
  std::vector<TenantRecord> roles;
  std::vector<IdPair> role_members;          // (role, user)
  std::vector<Permission> role_permissions;  // holder: the role
  // Assigned to users directly (import option user_permissions; holder: the
  // user), not those of their roles (user_permissions.h).
  std::vector<Permission> user_permissions;
  std::vector<TenantRecord> groups;  // native groups; detail: connection_id
  std::vector<IdPair> group_user_members;   // (group, user)
  std::vector<IdPair> group_group_members;  // (group, member group)
  std::vector<IdPair> group_roles;          // (group, role)
  std::vector<TenantRecord> organizations;
  std::vector<IdPair> organization_members;  // (organization, user)
  using OrganizationRole = importer::OrganizationRole;
  std::vector<OrganizationRole> organization_roles;
  std::vector<IdPair> connection_clients;  // (connection id, client_id)
  ExtensionData extension;
  // The optional sources the import read (not skipped for want of a scope or
  // an option): following changes patches only what was read.
  struct Sources {
    bool apis = false;
    bool groups = false;
    bool organizations = false;
    bool organization_roles = false;
    bool connection_clients = false;
    bool user_permissions = false;
  } sources;
  // Where records of the big collections are (tenant_index.h): built for
  // following, kept up to date by its edits.
  TenantIndex index;
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_TENANT_DATA_H_
