#include "importer/graph_mapping.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace identitygraph::importer {
namespace {

using graph::EdgeKind;
using graph::GraphBuilder;
using graph::kNoVertex;
using graph::VertexId;
using graph::VertexKind;
using graph::VertexSource;

// The mapping, written once over a sink: the builder of a full scan, or the
// collector of a followed batch's delta, which visits only the records with a
// touched end. A sink answers:
//   Wants(kind, id)      whether records with this end are to be visited
//   ForEach(collection, records, visit)
//                        visits the records of a big collection
//                        (tenant_index.h) that are not erased: all, or the
//                        collector those with a wanted end
//   Entity, Attribute, Source, Blocked
//   Exists(kind, id)     whether the entity is in the graph being mapped
//   UserEdge(...)        an edge from a user; false when the user is not there
//   Edge(...)            any other edge (the sink drops one with a missing end)
template <typename Sink>
DroppedMemberships MapWith(const TenantData& data, Sink& sink) {
  DroppedMemberships dropped;
  auto user_edge = [&](EdgeKind kind, const std::string& user,
                       VertexKind to_kind, const std::string& to,
                       const char* source,
                       const std::string& organization = std::string()) {
    if (!sink.Wants(VertexKind::kUser, user) && !sink.Wants(to_kind, to) &&
        (organization.empty() ||
         !sink.Wants(VertexKind::kOrganization, organization))) {
      return;
    }
    if (!sink.UserEdge(kind, user, to_kind, to, organization)) {
      ++dropped[source];
    }
  };
  auto edge = [&](EdgeKind kind, VertexKind from_kind, const std::string& from,
                  VertexKind to_kind, const std::string& to) {
    if (sink.Wants(from_kind, from) || sink.Wants(to_kind, to)) {
      sink.Edge(kind, from_kind, from, to_kind, to);
    }
  };

  for (const Connection& connection : data.connections) {
    if (!sink.Wants(VertexKind::kConnection, connection.id)) continue;
    sink.Entity(VertexKind::kConnection, connection.id,
                connection.display_name.empty() ? connection.name
                                                : connection.display_name,
                "");
    sink.Attribute(VertexKind::kConnection, connection.id, "name",
                   connection.name);
    sink.Attribute(VertexKind::kConnection, connection.id, "strategy",
                   connection.strategy);
  }
  sink.ForEach(Collection::kUsers, data.users, [&](const TenantUser& user) {
    if (sink.Wants(VertexKind::kUser, user.id)) {
      sink.Entity(VertexKind::kUser, user.id, user.name, user.email);
      if (user.blocked) sink.Blocked(VertexKind::kUser, user.id);
    }
    for (const std::string& connection : user.connection_ids) {
      edge(EdgeKind::kUserConnection, VertexKind::kUser, user.id,
           VertexKind::kConnection, connection);
    }
  });
  for (const TenantRecord& app : data.applications) {
    if (!sink.Wants(VertexKind::kApplication, app.id)) continue;
    sink.Entity(VertexKind::kApplication, app.id, app.name, "");
    if (!app.detail.empty()) {
      sink.Attribute(VertexKind::kApplication, app.id, "app_type", app.detail);
    }
  }
  // Resource server id -> identifier, for extension roles defined on an API.
  absl::flat_hash_map<std::string, std::string> api_by_server_id;
  for (const TenantRecord& api : data.apis) {
    if (sink.Wants(VertexKind::kApi, api.id)) {
      sink.Entity(VertexKind::kApi, api.id, api.name, "");
    }
    if (!api.detail.empty()) api_by_server_id[api.detail] = api.id;
  }
  for (const TenantRecord& role : data.roles) {
    if (sink.Wants(VertexKind::kRole, role.id)) {
      sink.Entity(VertexKind::kRole, role.id, role.name, "");
    }
  }
  for (const Permission& granted : data.role_permissions) {
    // Permissions name APIs by identifier; without read:resource_servers
    // there is no list to find them in, so they are added here, for roles
    // that are there (so that each such API, and each permission, hangs on a
    // role's edge, where a followed change finds it).
    const std::string& role = granted.holder;
    const std::string permission =
        graph::PermissionVertexId(granted.api, granted.name);
    if (!sink.Wants(VertexKind::kRole, role) &&
        !sink.Wants(VertexKind::kApi, granted.api) &&
        !sink.Wants(VertexKind::kPermission, permission)) {
      continue;
    }
    if (sink.Exists(VertexKind::kRole, role)) {
      sink.Entity(VertexKind::kApi, granted.api, "", "");
      sink.Entity(VertexKind::kPermission, permission, granted.name, "");
    }
    sink.Edge(EdgeKind::kRoleApi, VertexKind::kRole, role, VertexKind::kApi,
              granted.api);
    sink.Edge(EdgeKind::kRolePermission, VertexKind::kRole, role,
              VertexKind::kPermission, permission);
    sink.Edge(EdgeKind::kPermissionOn, VertexKind::kPermission, permission,
              VertexKind::kApi, granted.api);
  }
  for (const Permission& direct : data.user_permissions) {
    // As a role's permission, held by the user (and, like every user edge,
    // left out with a user who is not in the graph).
    const std::string& user = direct.holder;
    const std::string permission =
        graph::PermissionVertexId(direct.api, direct.name);
    if (!sink.Wants(VertexKind::kUser, user) &&
        !sink.Wants(VertexKind::kApi, direct.api) &&
        !sink.Wants(VertexKind::kPermission, permission)) {
      continue;
    }
    if (!sink.Exists(VertexKind::kUser, user)) {
      ++dropped["user_permissions"];
      continue;
    }
    sink.Entity(VertexKind::kApi, direct.api, "", "");
    sink.Entity(VertexKind::kPermission, permission, direct.name, "");
    sink.UserEdge(EdgeKind::kUserPermission, user, VertexKind::kPermission,
                  permission, std::string());
    sink.Edge(EdgeKind::kPermissionOn, VertexKind::kPermission, permission,
              VertexKind::kApi, direct.api);
  }
  for (const auto& [connection, client] : data.connection_clients) {
    edge(EdgeKind::kConnectionApplication, VertexKind::kConnection, connection,
         VertexKind::kApplication, client);
  }
  sink.ForEach(Collection::kRoleMembers, data.role_members,
               [&](const IdPair& member) {
                 user_edge(EdgeKind::kUserRole, member.second,
                           VertexKind::kRole, member.first, "role_members");
               });

  for (const TenantRecord& group : data.groups) {
    if (!sink.Wants(VertexKind::kGroup, group.id)) continue;
    sink.Entity(VertexKind::kGroup, group.id, group.name, "");
    if (!group.detail.empty()) {
      sink.Attribute(VertexKind::kGroup, group.id, "connection_id",
                     group.detail);
    }
  }
  sink.ForEach(Collection::kGroupUserMembers, data.group_user_members,
               [&](const IdPair& member) {
                 user_edge(EdgeKind::kGroupMember, member.second,
                           VertexKind::kGroup, member.first, "group_members");
               });
  for (const auto& [group, member] : data.group_group_members) {
    // The member group's members are members of `group`.
    edge(EdgeKind::kNestedGroup, VertexKind::kGroup, member, VertexKind::kGroup,
         group);
  }
  for (const auto& [group, role] : data.group_roles) {
    edge(EdgeKind::kGroupRole, VertexKind::kGroup, group, VertexKind::kRole,
         role);
  }

  for (const TenantRecord& organization : data.organizations) {
    if (!sink.Wants(VertexKind::kOrganization, organization.id)) continue;
    sink.Entity(VertexKind::kOrganization, organization.id, organization.name,
                "");
    if (!organization.detail.empty()) {
      sink.Attribute(VertexKind::kOrganization, organization.id, "display_name",
                     organization.detail);
    }
  }
  sink.ForEach(Collection::kOrganizationMembers, data.organization_members,
               [&](const IdPair& member) {
                 user_edge(EdgeKind::kOrganizationMember, member.second,
                           VertexKind::kOrganization, member.first,
                           "organization_members");
               });
  sink.ForEach(Collection::kOrganizationRoles, data.organization_roles,
               [&](const OrganizationRole& held) {
                 user_edge(EdgeKind::kOrganizationRole, held.user,
                           VertexKind::kRole, held.role, "organization_roles",
                           held.organization);
               });

  const ExtensionData& extension = data.extension;
  for (const TenantRecord& group : extension.groups) {
    if (!sink.Wants(VertexKind::kGroup, group.id)) continue;
    sink.Entity(VertexKind::kGroup, group.id, group.name, "");
    sink.Source(VertexKind::kGroup, group.id, VertexSource::kExtension);
  }
  for (const TenantRecord& role : extension.roles) {
    if (!sink.Wants(VertexKind::kRole, role.id)) continue;
    sink.Entity(VertexKind::kRole, role.id, role.name, "");
    sink.Source(VertexKind::kRole, role.id, VertexSource::kExtension);
  }
  // What an extension application id names: an application, or an API by
  // its resource server id or identifier; nullopt for one deleted from the
  // tenant.
  auto extension_target = [&](const std::string& application)
      -> std::optional<std::pair<VertexKind, std::string>> {
    if (sink.Exists(VertexKind::kApplication, application))
      return std::make_pair(VertexKind::kApplication, application);
    if (auto api = api_by_server_id.find(application);
        api != api_by_server_id.end()) {
      return std::make_pair(VertexKind::kApi, api->second);
    }
    if (sink.Exists(VertexKind::kApi, application))
      return std::make_pair(VertexKind::kApi, application);
    return std::nullopt;
  };
  struct ExtensionPermission {
    VertexKind target_kind;
    std::string target, vertex_id;
    const std::string* name;
  };
  absl::flat_hash_map<std::string, ExtensionPermission> extension_permissions;
  for (const TenantRecord& permission : extension.permissions) {
    auto target = extension_target(permission.detail);
    if (!target.has_value()) continue;
    extension_permissions[permission.id] = {
        target->first, target->second,
        graph::PermissionVertexId(target->second, permission.name),
        &permission.name};
  }
  for (const auto& [role, permission_id] : extension.role_permissions) {
    auto it = extension_permissions.find(permission_id);
    if (it == extension_permissions.end()) continue;  // not defined, or gone
    const ExtensionPermission& permission = it->second;
    if (!sink.Wants(VertexKind::kRole, role) &&
        !sink.Wants(VertexKind::kPermission, permission.vertex_id) &&
        !sink.Wants(permission.target_kind, permission.target)) {
      continue;
    }
    if (sink.Exists(VertexKind::kRole, role)) {
      sink.Entity(VertexKind::kPermission, permission.vertex_id,
                  *permission.name, "");
      sink.Source(VertexKind::kPermission, permission.vertex_id,
                  VertexSource::kExtension);
    }
    sink.Edge(EdgeKind::kRolePermission, VertexKind::kRole, role,
              VertexKind::kPermission, permission.vertex_id);
    sink.Edge(EdgeKind::kPermissionOn, VertexKind::kPermission,
              permission.vertex_id, permission.target_kind, permission.target);
  }
  for (const auto& [role, application] : extension.role_applications) {
    if (sink.Exists(VertexKind::kApplication, application)) {
      edge(EdgeKind::kRoleApplication, VertexKind::kRole, role,
           VertexKind::kApplication, application);
    } else if (auto api = api_by_server_id.find(application);
               api != api_by_server_id.end()) {
      edge(EdgeKind::kRoleApi, VertexKind::kRole, role, VertexKind::kApi,
           api->second);
    } else if (sink.Exists(VertexKind::kApi, application)) {
      edge(EdgeKind::kRoleApi, VertexKind::kRole, role, VertexKind::kApi,
           application);
    } else {
      // An application deleted from the tenant: the sink drops the edge.
      edge(EdgeKind::kRoleApplication, VertexKind::kRole, role,
           VertexKind::kApplication, application);
    }
  }
  sink.ForEach(Collection::kExtensionGroupMembers, extension.group_members,
               [&](const IdPair& member) {
                 user_edge(EdgeKind::kGroupMember, member.second,
                           VertexKind::kGroup, member.first,
                           "extension_group_members");
               });
  for (const auto& [parent, child] : extension.nested_groups) {
    edge(EdgeKind::kNestedGroup, VertexKind::kGroup, child, VertexKind::kGroup,
         parent);
  }
  for (const auto& [group, role] : extension.group_roles) {
    edge(EdgeKind::kGroupRole, VertexKind::kGroup, group, VertexKind::kRole,
         role);
  }
  sink.ForEach(Collection::kExtensionRoleUsers, extension.role_users,
               [&](const IdPair& member) {
                 user_edge(EdgeKind::kUserRole, member.second,
                           VertexKind::kRole, member.first,
                           "extension_role_users");
               });
  return dropped;
}

// The records not erased (tenant_index.h), in order.
template <typename Record, typename Visit>
void ForEachKept(const std::vector<Record>& records, Visit& visit) {
  for (const Record& record : records) {
    if (!IsErased(record)) visit(record);
  }
}

// A full scan's sink: everything, into the builder.
class BuilderSink {
 public:
  explicit BuilderSink(GraphBuilder* builder) : builder_(builder) {}

  bool Wants(VertexKind, const std::string&) const { return true; }
  template <typename Record, typename Visit>
  void ForEach(Collection, const std::vector<Record>& records, Visit visit) {
    ForEachKept(records, visit);
  }
  void Entity(VertexKind kind, const std::string& id, absl::string_view name,
              absl::string_view email) {
    builder_->AddEntity(kind, id, name, email);
  }
  void Attribute(VertexKind kind, const std::string& id, absl::string_view key,
                 absl::string_view value) {
    builder_->SetAttribute(builder_->Find(kind, id), key, value);
  }
  void Source(VertexKind kind, const std::string& id, VertexSource source) {
    builder_->SetSource(builder_->Find(kind, id), source);
  }
  void Blocked(VertexKind kind, const std::string& id) {
    builder_->SetBlocked(builder_->Find(kind, id));
  }
  bool Exists(VertexKind kind, const std::string& id) const {
    return builder_->Find(kind, id) != kNoVertex;
  }
  bool UserEdge(EdgeKind kind, const std::string& user, VertexKind to_kind,
                const std::string& to, const std::string& organization) {
    const VertexId from = builder_->Find(VertexKind::kUser, user);
    if (from == kNoVertex) return false;
    // A missing other end (say a role deleted mid-import) is counted by the
    // builder among its dropped edges.
    builder_->AddEdge(
        kind, from, builder_->Find(to_kind, to),
        organization.empty()
            ? kNoVertex
            : builder_->Find(VertexKind::kOrganization, organization));
    return true;
  }
  void Edge(EdgeKind kind, VertexKind from_kind, const std::string& from,
            VertexKind to_kind, const std::string& to) {
    builder_->AddEdge(kind, from_kind, from, to_kind, to);
  }

 private:
  GraphBuilder* builder_;
};

using EdgeKey = std::tuple<EdgeKind, VertexKind, std::string, VertexKind,
                           std::string, std::string>;

// A followed batch's sink: the touched entities as they are now, and every
// edge with a touched end; ends not touched are as the current snapshot has
// them.
class DeltaCollector {
 public:
  DeltaCollector(const TenantData& data, const TouchedEntities& touched,
                 const graph::Snapshot& current)
      : data_(data), touched_(touched), current_(current) {
    // An API and a permission exist while a role's (or a user's direct)
    // permission names them (MapWith adds them from it): a touched role's
    // APIs and permissions are touched too, so one no longer named goes.
    // So do a touched user's direct permissions, and their APIs (which no
    // edge of the user's names).
    touched.ForEach([&](VertexKind kind, const std::string& id) {
      if (kind != VertexKind::kRole && kind != VertexKind::kUser) return;
      const VertexId holder = current.FindById(kind, id);
      if (holder == kNoVertex) return;
      current.ForEachOutEdge(holder, [&](EdgeKind edge, VertexId to, VertexId) {
        if (edge == EdgeKind::kRoleApi) {
          also_.Add(VertexKind::kApi, current.id(to));
        } else if (edge == EdgeKind::kRolePermission) {
          also_.Add(VertexKind::kPermission, current.id(to));
        } else if (edge == EdgeKind::kUserPermission) {
          also_.Add(VertexKind::kPermission, current.id(to));
          current.ForEachOutEdge(to, [&](EdgeKind on, VertexId api, VertexId) {
            if (on == EdgeKind::kPermissionOn)
              also_.Add(current.kind(api), current.id(api));
          });
        }
      });
    });
    // A permission also needs its API or application (an extension
    // permission's may stop resolving): a touched one's permissions are
    // touched too.
    touched.ForEach([&](VertexKind kind, const std::string& id) {
      if (kind != VertexKind::kApi && kind != VertexKind::kApplication) return;
      const VertexId target = current.FindById(kind, id);
      if (target == kNoVertex) return;
      current.ForEachInEdge(
          target, [&](EdgeKind edge, VertexId from, VertexId) {
            if (edge == EdgeKind::kPermissionOn) {
              also_.Add(VertexKind::kPermission, current.id(from));
            }
          });
    });
  }

  bool Wants(VertexKind kind, const std::string& id) const {
    return touched_.Contains(kind, id) || also_.Contains(kind, id);
  }
  // Through the index, when it covers the collection and the wanted ends
  // hold few of its records; the visit checks the ends again (the index
  // gives candidates).
  template <typename Record, typename Visit>
  void ForEach(Collection collection, const std::vector<Record>& records,
               Visit visit) {
    std::vector<uint32_t> positions;
    if (!WantedPositions(collection, records.size(), positions)) {
      ForEachKept(records, visit);
      return;
    }
    for (uint32_t p : positions) {
      if (!IsErased(records[p])) visit(records[p]);
    }
  }
  void Entity(VertexKind kind, const std::string& id, absl::string_view name,
              absl::string_view email) {
    if (!Wants(kind, id)) {
      // New and mentioned by a touched record (an API a permission names):
      // it comes with it.
      if (current_.FindById(kind, id) != kNoVertex) return;
      also_.Add(kind, id);
    }
    auto [it, added] = entities_.try_emplace({kind, id});
    graph::DeltaVertex& v = it->second;
    if (added) {
      v.kind = kind;
      v.id = id;
    }
    // As the builder does: a later mention fills in what the first lacked.
    if (v.name.empty()) v.name = std::string(name);
    if (v.email.empty()) v.email = std::string(email);
  }
  void Attribute(VertexKind kind, const std::string& id, absl::string_view key,
                 absl::string_view value) {
    auto it = entities_.find(std::make_pair(kind, id));
    if (it == entities_.end()) return;
    for (auto& [k, v] : it->second.attributes) {
      if (k == key) {
        v = std::string(value);
        return;
      }
    }
    it->second.attributes.emplace_back(std::string(key), std::string(value));
  }
  void Source(VertexKind kind, const std::string& id, VertexSource source) {
    auto it = entities_.find(std::make_pair(kind, id));
    if (it != entities_.end()) {
      it->second.source = source;
      return;
    }
    // A vertex not touched whose source changes (a permission a direct
    // grant or a core role made, now also the extension's): the mapping
    // must run again with it touched, as its edges came before this.
    const VertexId v = current_.FindById(kind, id);
    if (v != kNoVertex && current_.source(v) != source && !Wants(kind, id))
      late_.Add(kind, id);
  }
  void Blocked(VertexKind kind, const std::string& id) {
    auto it = entities_.find(std::make_pair(kind, id));
    if (it != entities_.end()) it->second.blocked = true;
  }
  bool Exists(VertexKind kind, const std::string& id) const {
    if (Wants(kind, id)) return entities_.contains(std::make_pair(kind, id));
    return current_.FindById(kind, id) != kNoVertex;
  }
  bool UserEdge(EdgeKind kind, const std::string& user, VertexKind to_kind,
                const std::string& to, const std::string& organization) {
    if (!Exists(VertexKind::kUser, user)) return false;
    if (!organization.empty() &&
        Wants(VertexKind::kOrganization, organization)) {
      // Held in an organization missing before: the snapshot has the edge
      // without it, which no touched end finds.
      held_without_organization_.emplace(kind, VertexKind::kUser, user, to_kind,
                                         to, std::string());
    }
    Add(kind, VertexKind::kUser, user, to_kind, to,
        !organization.empty() && Exists(VertexKind::kOrganization, organization)
            ? organization
            : std::string());
    return true;
  }
  void Edge(EdgeKind kind, VertexKind from_kind, const std::string& from,
            VertexKind to_kind, const std::string& to) {
    Add(kind, from_kind, from, to_kind, to, std::string());
  }

  graph::SnapshotDelta Delta(const TenantData& data) const;
  // Entities found to change only after their records were passed.
  const TouchedEntities& late() const { return late_; }

 private:
  void Add(EdgeKind kind, VertexKind from_kind, const std::string& from,
           VertexKind to_kind, const std::string& to,
           const std::string& organization) {
    if (!Exists(from_kind, from) || !Exists(to_kind, to) ||
        !graph::EdgeFits(kind, from_kind, to_kind)) {
      return;
    }
    edges_.emplace(kind, from_kind, from, to_kind, to, organization);
  }

  // The sorted positions of `collection` at a wanted end; false when the
  // index does not cover it or a walk costs less.
  bool WantedPositions(Collection collection, size_t records,
                       std::vector<uint32_t>& positions) const {
    if (!data_.index.Covers(data_, collection)) return false;
    // A user's record maps its connection edges too.
    if (collection == Collection::kUsers &&
        (touched_.size(VertexKind::kConnection) > 0 ||
         also_.size(VertexKind::kConnection) > 0)) {
      return false;
    }
    const size_t most = records / 8;
    bool few = true;
    for (VertexKind end : EndKinds(collection)) {
      for (const TouchedEntities* set : {&touched_, &also_}) {
        set->ForEachOfKind(end, [&](const std::string& id) {
          if (!few) return;
          data_.index.ForEach(collection, end, id,
                              [&](uint32_t p) { positions.push_back(p); });
          few = positions.size() <= most;
        });
      }
    }
    if (!few) return false;
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()),
                    positions.end());
    return true;
  }

  const TenantData& data_;
  const TouchedEntities& touched_;
  // Touched because of what is touched (see the constructor and Entity).
  TouchedEntities also_;
  TouchedEntities late_;
  const graph::Snapshot& current_;
  absl::flat_hash_map<std::pair<VertexKind, std::string>, graph::DeltaVertex>
      entities_;
  absl::flat_hash_set<EdgeKey> edges_;
  absl::flat_hash_set<EdgeKey> held_without_organization_;
};

graph::SnapshotDelta DeltaCollector::Delta(const TenantData& data) const {
  graph::SnapshotDelta delta;
  // The current snapshot's edges with a touched end.
  absl::flat_hash_set<EdgeKey> old_edges;
  const graph::Snapshot& s = current_;
  auto key = [&s](EdgeKind kind, VertexId from, VertexId to,
                  VertexId organization) {
    return EdgeKey(kind, s.kind(from), std::string(s.id(from)), s.kind(to),
                   std::string(s.id(to)),
                   organization == kNoVertex ? std::string()
                                             : std::string(s.id(organization)));
  };
  auto visit = [&](VertexKind kind, const std::string& id) {
    const VertexId v = s.FindById(kind, id);
    auto now = entities_.find(std::make_pair(kind, id));
    if (now != entities_.end()) {
      delta.upserted_vertices.push_back(now->second);
    } else if (v != kNoVertex) {
      delta.removed_vertices.push_back({kind, id});
    }
    if (v == kNoVertex) return;
    s.ForEachOutEdge(v, [&](EdgeKind k, VertexId to, VertexId organization) {
      old_edges.insert(key(k, v, to, organization));
    });
    s.ForEachInEdge(v, [&](EdgeKind k, VertexId from, VertexId organization) {
      old_edges.insert(key(k, from, v, organization));
    });
    if (kind == VertexKind::kOrganization) {
      s.ForEachRoleWithin(v, [&](VertexId from, VertexId to) {
        old_edges.insert(key(EdgeKind::kOrganizationRole, from, to, v));
      });
    }
  };
  touched_.ForEach(visit);
  also_.ForEach([&](VertexKind kind, const std::string& id) {
    if (!touched_.Contains(kind, id)) visit(kind, id);
  });
  // Such an edge stays while any role of the user's is held in an
  // organization that is missing now (the mapping adds it without one).
  absl::flat_hash_set<EdgeKey> still_held;
  if (!held_without_organization_.empty()) {
    for (const TenantData::OrganizationRole& held : data.organization_roles) {
      EdgeKey key(EdgeKind::kOrganizationRole, VertexKind::kUser, held.user,
                  VertexKind::kRole, held.role, std::string());
      if (held_without_organization_.contains(key) &&
          !Exists(VertexKind::kOrganization, held.organization) &&
          Exists(VertexKind::kUser, held.user) &&
          Exists(VertexKind::kRole, held.role)) {
        still_held.insert(std::move(key));
      }
    }
  }
  for (const EdgeKey& held : held_without_organization_) {
    const VertexId user = s.FindById(VertexKind::kUser, std::get<2>(held));
    const VertexId role = s.FindById(std::get<3>(held), std::get<4>(held));
    if (user == kNoVertex || role == kNoVertex) continue;
    s.ForEachOutEdge(user, [&](EdgeKind k, VertexId to, VertexId organization) {
      if (k == std::get<0>(held) && to == role && organization == kNoVertex) {
        old_edges.insert(held);
      }
    });
  }
  auto to_edge = [](const EdgeKey& k) {
    graph::DeltaEdge e;
    std::tie(e.kind, e.from_kind, e.from_id, e.to_kind, e.to_id,
             e.organization_id) = k;
    return e;
  };
  for (const EdgeKey& old : old_edges) {
    if (!edges_.contains(old) && !still_held.contains(old)) {
      delta.removed_edges.push_back(to_edge(old));
    }
  }
  for (const EdgeKey& now : edges_) {
    if (!old_edges.contains(now)) delta.added_edges.push_back(to_edge(now));
  }
  return delta;
}

}  // namespace

bool TouchedEntities::Contains(VertexKind kind, absl::string_view id) const {
  return ids_[static_cast<int>(kind)].contains(id);
}

void TouchedEntities::Add(VertexKind kind, absl::string_view id) {
  ids_[static_cast<int>(kind)].emplace(id);
}

void TouchedEntities::Merge(const TouchedEntities& other) {
  for (int k = 0; k < graph::kVertexKindCount; ++k) {
    ids_[k].insert(other.ids_[k].begin(), other.ids_[k].end());
  }
}

size_t TouchedEntities::size() const {
  size_t n = 0;
  for (const auto& ids : ids_) n += ids.size();
  return n;
}

size_t TouchedEntities::size(VertexKind kind) const {
  return ids_[static_cast<int>(kind)].size();
}

void TouchedEntities::ForEachOfKind(
    VertexKind kind, absl::FunctionRef<void(const std::string&)> visit) const {
  for (const std::string& id : ids_[static_cast<int>(kind)]) visit(id);
}

void TouchedEntities::ForEach(
    absl::FunctionRef<void(VertexKind, const std::string&)> visit) const {
  for (int k = 0; k < graph::kVertexKindCount; ++k) {
    for (const std::string& id : ids_[k]) visit(static_cast<VertexKind>(k), id);
  }
}

DroppedMemberships MapToGraph(const TenantData& data, GraphBuilder* builder) {
  BuilderSink sink(builder);
  return MapWith(data, sink);
}

graph::SnapshotDelta MapChangesToDelta(const TenantData& data,
                                       const TouchedEntities& touched,
                                       const graph::Snapshot& current) {
  DeltaCollector collector(data, touched, current);
  MapWith(data, collector);
  if (collector.late().empty()) return collector.Delta(data);
  // Rare (see DeltaCollector::Source): once more, with them touched.
  TouchedEntities more = touched;
  more.Merge(collector.late());
  DeltaCollector again(data, more, current);
  MapWith(data, again);
  return again.Delta(data);
}

}  // namespace identitygraph::importer
