#include "importer/graph_mapping.h"

#include <string>

#include "absl/container/flat_hash_map.h"

namespace identitygraph::importer {
namespace {

using graph::EdgeKind;
using graph::GraphBuilder;
using graph::kNoVertex;
using graph::VertexId;
using graph::VertexKind;

class Mapper {
 public:
  Mapper(GraphBuilder* builder, DroppedMemberships* dropped)
      : builder_(builder), dropped_(dropped) {}

  // A membership of a user: kept when the user was imported, else counted.
  void UserEdge(EdgeKind kind, const std::string& user, VertexKind to_kind,
                const std::string& to, const char* source,
                VertexId via = kNoVertex) {
    const VertexId from = builder_->Find(VertexKind::kUser, user);
    if (from == kNoVertex) {
      ++(*dropped_)[source];
      return;
    }
    const VertexId target = builder_->Find(to_kind, to);
    if (target == kNoVertex) {
      // The other end is unknown (say a role deleted mid-import): the builder
      // counts it among its dropped edges.
      builder_->AddEdge(kind, VertexKind::kUser, user, to_kind, to);
      return;
    }
    builder_->AddEdge(kind, from, target, via);
  }

  void Edge(EdgeKind kind, VertexKind from_kind, const std::string& from,
            VertexKind to_kind, const std::string& to) {
    builder_->AddEdge(kind, from_kind, from, to_kind, to);
  }

 private:
  GraphBuilder* builder_;
  DroppedMemberships* dropped_;
};

}  // namespace

DroppedMemberships MapToGraph(const TenantData& data, GraphBuilder* builder) {
  DroppedMemberships dropped;
  Mapper map(builder, &dropped);

  for (const Connection& connection : data.connections) {
    const VertexId v = builder->AddEntity(
        VertexKind::kConnection, connection.id,
        connection.display_name.empty() ? connection.name
                                        : connection.display_name);
    builder->SetAttribute(v, "name", connection.name);
    builder->SetAttribute(v, "strategy", connection.strategy);
  }
  for (const TenantUser& user : data.users) {
    builder->AddEntity(VertexKind::kUser, user.id, user.name, user.email);
    for (const std::string& connection : user.connection_ids) {
      map.Edge(EdgeKind::kUserConnection, VertexKind::kUser, user.id,
               VertexKind::kConnection, connection);
    }
  }
  for (const TenantRecord& app : data.applications) {
    const VertexId v =
        builder->AddEntity(VertexKind::kApplication, app.id, app.name);
    if (!app.detail.empty()) builder->SetAttribute(v, "app_type", app.detail);
  }
  // Resource server id -> identifier, for extension roles defined on an API.
  absl::flat_hash_map<std::string, std::string> api_by_server_id;
  for (const TenantRecord& api : data.apis) {
    builder->AddEntity(VertexKind::kApi, api.id, api.name);
    if (!api.detail.empty()) api_by_server_id[api.detail] = api.id;
  }
  for (const TenantRecord& role : data.roles) {
    builder->AddEntity(VertexKind::kRole, role.id, role.name);
  }
  for (const auto& [role, api] : data.role_apis) {
    // Permissions name APIs by identifier; without read:resource_servers
    // there is no list to find them in, so they are added here.
    builder->AddEntity(VertexKind::kApi, api);
    map.Edge(EdgeKind::kRoleApi, VertexKind::kRole, role, VertexKind::kApi,
             api);
  }
  for (const auto& [connection, client] : data.connection_clients) {
    map.Edge(EdgeKind::kConnectionApplication, VertexKind::kConnection,
             connection, VertexKind::kApplication, client);
  }
  for (const auto& [role, user] : data.role_members) {
    map.UserEdge(EdgeKind::kUserRole, user, VertexKind::kRole, role,
                 "role_members");
  }

  for (const TenantRecord& group : data.groups) {
    const VertexId v =
        builder->AddEntity(VertexKind::kGroup, group.id, group.name);
    if (!group.detail.empty())
      builder->SetAttribute(v, "connection_id", group.detail);
  }
  for (const auto& [group, user] : data.group_user_members) {
    map.UserEdge(EdgeKind::kGroupMember, user, VertexKind::kGroup, group,
                 "group_members");
  }
  for (const auto& [group, member] : data.group_group_members) {
    // The member group's members are members of `group`.
    map.Edge(EdgeKind::kNestedGroup, VertexKind::kGroup, member,
             VertexKind::kGroup, group);
  }
  for (const auto& [group, role] : data.group_roles) {
    map.Edge(EdgeKind::kGroupRole, VertexKind::kGroup, group, VertexKind::kRole,
             role);
  }

  for (const TenantRecord& organization : data.organizations) {
    const VertexId v = builder->AddEntity(VertexKind::kOrganization,
                                          organization.id, organization.name);
    if (!organization.detail.empty())
      builder->SetAttribute(v, "display_name", organization.detail);
  }
  for (const auto& [organization, user] : data.organization_members) {
    map.UserEdge(EdgeKind::kOrganizationMember, user, VertexKind::kOrganization,
                 organization, "organization_members");
  }
  for (const TenantData::OrganizationRole& held : data.organization_roles) {
    const VertexId organization =
        builder->Find(VertexKind::kOrganization, held.organization);
    map.UserEdge(EdgeKind::kOrganizationRole, held.user, VertexKind::kRole,
                 held.role, "organization_roles", organization);
  }

  const ExtensionData& extension = data.extension;
  for (const TenantRecord& group : extension.groups) {
    const VertexId v =
        builder->AddEntity(VertexKind::kGroup, group.id, group.name);
    builder->SetSource(v, graph::VertexSource::kExtension);
  }
  for (const TenantRecord& role : extension.roles) {
    const VertexId v =
        builder->AddEntity(VertexKind::kRole, role.id, role.name);
    builder->SetSource(v, graph::VertexSource::kExtension);
  }
  for (const auto& [role, application] : extension.role_applications) {
    if (builder->Find(VertexKind::kApplication, application) != kNoVertex) {
      map.Edge(EdgeKind::kRoleApplication, VertexKind::kRole, role,
               VertexKind::kApplication, application);
    } else if (auto api = api_by_server_id.find(application);
               api != api_by_server_id.end()) {
      map.Edge(EdgeKind::kRoleApi, VertexKind::kRole, role, VertexKind::kApi,
               api->second);
    } else if (builder->Find(VertexKind::kApi, application) != kNoVertex) {
      map.Edge(EdgeKind::kRoleApi, VertexKind::kRole, role, VertexKind::kApi,
               application);
    } else {
      // An application deleted from the tenant: the builder counts the edge.
      map.Edge(EdgeKind::kRoleApplication, VertexKind::kRole, role,
               VertexKind::kApplication, application);
    }
  }
  for (const auto& [group, user] : extension.group_members) {
    map.UserEdge(EdgeKind::kGroupMember, user, VertexKind::kGroup, group,
                 "extension_group_members");
  }
  for (const auto& [parent, child] : extension.nested_groups) {
    map.Edge(EdgeKind::kNestedGroup, VertexKind::kGroup, child,
             VertexKind::kGroup, parent);
  }
  for (const auto& [group, role] : extension.group_roles) {
    map.Edge(EdgeKind::kGroupRole, VertexKind::kGroup, group, VertexKind::kRole,
             role);
  }
  for (const auto& [role, user] : extension.role_users) {
    map.UserEdge(EdgeKind::kUserRole, user, VertexKind::kRole, role,
                 "extension_role_users");
  }
  return dropped;
}

}  // namespace identitygraph::importer
