#include "graph/permissions.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/range/iterator_range.hpp"
#include "graph/query_caching.h"
#include "graph/snapshot_access.h"
#include "graph/walk.h"

namespace identitygraph::graph {
namespace {

// The edges from a user to the permissions its tokens carry; a walk with an
// organization adds the roles held within it (EdgeFilter keeps those only).
constexpr uint32_t kPermissionEdges =
    Mask({EdgeKind::kGroupMember, EdgeKind::kNestedGroup, EdgeKind::kGroupRole,
          EdgeKind::kUserRole, EdgeKind::kRolePermission,
          EdgeKind::kUserPermission});

EdgeFilter PermissionFilter(VertexId organization) {
  if (organization == kNoVertex) return EdgeFilter{kPermissionEdges};
  return EdgeFilter{kPermissionEdges | Mask({EdgeKind::kOrganizationRole}),
                    organization};
}

absl::Status CheckOrganization(const Snapshot& snapshot,
                               VertexId organization) {
  if (organization == kNoVertex) return absl::OkStatus();
  return ExpectKind(snapshot, organization, {VertexKind::kOrganization},
                    "organization");
}

// The edges at `user` a permission check looks at, gathered in one pass.
struct UserEnds {
  VertexList direct_roles, groups, organization_roles, permissions;
};
UserEnds EndsOf(const Snapshot& snapshot, VertexId user,
                VertexId organization) {
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  UserEnds ends;
  for (const CsrEdge& edge :
       boost::make_iterator_range(boost::out_edges(user, csr))) {
    const VertexId to = boost::target(edge, csr);
    switch (csr[edge].kind) {
      case EdgeKind::kUserRole:
        ends.direct_roles.push_back(to);
        break;
      case EdgeKind::kGroupMember:
        ends.groups.push_back(to);
        break;
      case EdgeKind::kUserPermission:
        ends.permissions.push_back(to);
        break;
      case EdgeKind::kOrganizationRole:
        if (organization != kNoVertex &&
            SnapshotAccess::OrganizationOf(snapshot, edge) == organization) {
          ends.organization_roles.push_back(to);
        }
        break;
      default:
        break;
    }
  }
  return ends;
}

bool Contains(const VertexList& list, VertexId v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Past this many granting roles, the user's roles are gathered and sorted
// once rather than searched for per granting role.
constexpr size_t kFewGrantingRoles = 32;

// Whether the user holds `permission`: assigned directly, or granted by a
// role the user holds directly, through a group (the groups' roles through
// nesting are precomputed and sorted) or within the organization. A
// permission is granted by few roles and a user has few direct edges, so this
// costs a few dozen comparisons and needs no per-user cache.
bool Holds(const Snapshot& snapshot, VertexId user, const EdgeFilter& filter,
           const UserEnds& ends, VertexId permission) {
  if (Contains(ends.permissions, permission)) return true;
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  VertexList granting;
  for (const CsrEdge& edge :
       boost::make_iterator_range(boost::in_edges(permission, csr))) {
    if (csr[edge].kind == EdgeKind::kRolePermission)
      granting.push_back(boost::source(edge, csr));
  }
  if (granting.size() <= kFewGrantingRoles) {
    for (VertexId role : granting) {
      if (Contains(ends.direct_roles, role) ||
          Contains(ends.organization_roles, role)) {
        return true;
      }
      for (VertexId group : ends.groups) {
        absl::Span<const VertexId> held =
            snapshot.effective_roles_of_group(group);
        if (std::binary_search(held.begin(), held.end(), role)) return true;
      }
    }
    return false;
  }
  const VertexList roles = HeldRoles(snapshot, user, filter);
  for (VertexId role : granting) {
    if (std::binary_search(roles.begin(), roles.end(), role)) return true;
  }
  return false;
}

}  // namespace

VertexId FindPermission(const Snapshot& snapshot, VertexId target,
                        absl::string_view name) {
  if (target >= snapshot.vertex_count()) return kNoVertex;
  const VertexId permission = snapshot.FindById(
      VertexKind::kPermission, PermissionVertexId(snapshot.id(target), name));
  // An API and an application could share an id; the edge says whose it is.
  if (permission == kNoVertex ||
      PermissionTarget(snapshot, permission) != target)
    return kNoVertex;
  return permission;
}

VertexId PermissionTarget(const Snapshot& snapshot, VertexId permission) {
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  if (permission >= snapshot.vertex_count()) return kNoVertex;
  for (const CsrEdge& edge :
       boost::make_iterator_range(boost::out_edges(permission, csr))) {
    if (csr[edge].kind == EdgeKind::kPermissionOn)
      return boost::target(edge, csr);
  }
  return kNoVertex;
}

VertexList ComputeUserPermissions(const Snapshot& snapshot, VertexId user) {
  const VertexList roles =
      HeldRoles(snapshot, user, PermissionFilter(kNoVertex));
  VertexList permissions = NeighboursByMask(
      snapshot, user, Mask({EdgeKind::kUserPermission}), /*incoming=*/false);
  AppendTargets(snapshot, roles, Mask({EdgeKind::kRolePermission}),
                permissions);
  SortUnique(permissions);
  return permissions;
}

absl::StatusOr<VertexList> UserPermissions(const Snapshot& snapshot,
                                           VertexId user) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  return ComputeUserPermissions(snapshot, user);
}

absl::StatusOr<PermissionCheckResult> CheckPermission(
    const Snapshot& snapshot, VertexId user, VertexId permission,
    VertexId organization, int max_paths, const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  if (auto s = ExpectKind(snapshot, permission, {VertexKind::kPermission},
                          "permission");
      !s.ok()) {
    return s;
  }
  if (auto s = CheckOrganization(snapshot, organization); !s.ok()) return s;
  PermissionCheckResult result;
  result.blocked = snapshot.blocked(user);
  if (max_paths <= 0) {
    result.held = Holds(snapshot, user, PermissionFilter(organization),
                        EndsOf(snapshot, user, organization), permission);
  } else {
    const EdgeFilter filter = PermissionFilter(organization);
    Workspace& workspace = ThreadWorkspace();
    if (auto s = Walk(snapshot, user, filter, false, limits, workspace);
        !s.ok()) {
      return s;
    }
    result.held = workspace.Seen(permission);
    if (result.held) {
      Path suffix;
      ShortestPaths(snapshot, workspace, permission, filter,
                    static_cast<size_t>(std::min(max_paths, limits.max_paths)),
                    suffix, result.paths);
    }
  }
  result.allowed = result.held && !result.blocked;
  return result;
}

std::vector<absl::StatusOr<PermissionCheckResult>> BatchCheckPermission(
    const Snapshot& snapshot, const std::vector<PermissionQuery>& queries,
    int max_paths, const QueryLimits& limits) {
  std::vector<absl::StatusOr<PermissionCheckResult>> results;
  results.reserve(queries.size());
  for (const PermissionQuery& query : queries) {
    results.push_back(CheckPermission(snapshot, query.user, query.permission,
                                      query.organization, max_paths, limits));
  }
  return results;
}

absl::StatusOr<std::vector<ReachedTarget>> PermissionsOfUser(
    const Snapshot& snapshot, VertexId user, VertexId organization,
    const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  if (auto s = CheckOrganization(snapshot, organization); !s.ok()) return s;
  Workspace& workspace = ThreadWorkspace();
  if (auto s = Walk(snapshot, user, PermissionFilter(organization), false,
                    limits, workspace);
      !s.ok()) {
    return s;
  }
  struct Held {
    VertexId target, permission;
  };
  std::vector<Held> held;
  for (VertexId v :
       ReachedOfKind(snapshot, workspace, VertexKind::kPermission, kNoVertex)) {
    held.push_back({PermissionTarget(snapshot, v), v});
  }
  auto text = [&snapshot](VertexId v) {
    return v == kNoVertex ? absl::string_view() : snapshot.name(v);
  };
  auto id = [&snapshot](VertexId v) {
    return v == kNoVertex ? absl::string_view() : snapshot.id(v);
  };
  std::sort(held.begin(), held.end(), [&](const Held& a, const Held& b) {
    return std::make_tuple(text(a.target), id(a.target),
                           snapshot.name(a.permission)) <
           std::make_tuple(text(b.target), id(b.target),
                           snapshot.name(b.permission));
  });
  std::vector<ReachedTarget> out;
  out.reserve(held.size());
  for (const Held& h : held) {
    out.push_back(ReachedTarget{h.permission,
                                TreePath(snapshot, workspace, h.permission)});
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const VertexList>> HoldersOfPermission(
    const Snapshot& snapshot, VertexId permission, VertexId organization,
    bool include_blocked, const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, permission, {VertexKind::kPermission},
                          "permission");
      !s.ok()) {
    return s;
  }
  if (auto s = CheckOrganization(snapshot, organization); !s.ok()) return s;
  auto all_holders = [&] {
    return CachedPermissionHolders(
        snapshot, ListKey(permission, organization), [&] {
          return UsersReaching(snapshot, permission,
                               PermissionFilter(organization), limits);
        });
  };
  if (include_blocked || snapshot.blocked_user_count() == 0)
    return all_holders();
  return CachedPermissionHolders(
      snapshot, ListKey(permission, organization, /*include_blocked=*/false),
      [&]() -> absl::StatusOr<VertexList> {
        absl::StatusOr<std::shared_ptr<const VertexList>> all = all_holders();
        if (!all.ok()) return all.status();
        return WithoutBlocked(snapshot, **all);
      });
}

absl::StatusOr<UserPage> PageHoldersOfPermission(const Snapshot& snapshot,
                                                 VertexId permission,
                                                 VertexId organization,
                                                 bool include_blocked,
                                                 size_t start, size_t page_size,
                                                 const QueryLimits& limits) {
  if (page_size == 0) {
    return absl::InvalidArgumentError("a page holds at least one user");
  }
  absl::StatusOr<std::shared_ptr<const VertexList>> holders =
      HoldersOfPermission(snapshot, permission, organization, include_blocked,
                          limits);
  if (!holders.ok()) return holders.status();
  return PageOfList(**holders, start, page_size);
}

}  // namespace identitygraph::graph
