// Permission queries on a Snapshot: what a user's access tokens would carry,
// and who holds a permission. Read-only and thread-safe; work is bounded by
// QueryLimits as in queries.h.
//
// Semantics (what Auth0 puts into an access token for an API with RBAC and
// "Add Permissions in the Access Token"): a user holds a permission when a
// chain user -> (group ->)* role -> permission exists, with roles held
// directly or through groups, or when it is assigned to the user directly.
// A token issued for an organization also carries the permissions of the roles
// the user holds within that organization; roles held within other
// organizations never count. A permission belongs to one API, or, for the
// Authorization Extension, to one application (its kPermissionOn edge).
//
// Blocked users: every decision (CheckPermission) denies them; the lists
// answer what the graph says and mark them (HoldersOfPermission leaves them
// out unless asked).
#ifndef IDENTITYGRAPH_GRAPH_PERMISSIONS_H_
#define IDENTITYGRAPH_GRAPH_PERMISSIONS_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/graph_types.h"
#include "graph/queries.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

// The permission `name` of `target` (an API or application vertex), or
// kNoVertex.
VertexId FindPermission(const Snapshot& snapshot, VertexId target,
                        absl::string_view name);
// The API or application `permission` belongs to, or kNoVertex.
VertexId PermissionTarget(const Snapshot& snapshot, VertexId permission);

// The permissions `user` holds outside any organization, sorted by vertex id,
// from the user's roles and the groups' precomputed roles, without a walk.
absl::StatusOr<VertexList> UserPermissions(const Snapshot& snapshot,
                                           VertexId user);
VertexList ComputeUserPermissions(const Snapshot& snapshot, VertexId user);

struct PermissionCheckResult {
  // Held, and the user is not blocked.
  bool allowed = false;
  // A chain to the permission exists (a blocked user may hold one).
  bool held = false;
  bool blocked = false;
  // Up to `max_paths` shortest paths user -> ... -> permission, when held.
  std::vector<Path> paths;
};

// Decides whether `user`'s token would carry `permission`; `organization` is
// the organization the token is issued for, or kNoVertex. With `max_paths` 0
// it looks for the few roles that grant the permission among the user's
// direct roles, its groups' precomputed roles and its roles within the
// organization, with no per-user cache (so it costs no memory per user); paths
// need a walk.
absl::StatusOr<PermissionCheckResult> CheckPermission(
    const Snapshot& snapshot, VertexId user, VertexId permission,
    VertexId organization, int max_paths, const QueryLimits& limits = {});

struct PermissionQuery {
  VertexId user = kNoVertex;
  VertexId permission = kNoVertex;
  VertexId organization = kNoVertex;
};
// Each query succeeds or fails on its own.
std::vector<absl::StatusOr<PermissionCheckResult>> BatchCheckPermission(
    const Snapshot& snapshot, const std::vector<PermissionQuery>& queries,
    int max_paths, const QueryLimits& limits = {});

// Every permission `user` holds (within `organization` too, when set), each
// with one shortest path; ReachedTarget::target is the permission. Ordered by
// the permission's API or application (name, then id), then by permission
// name.
absl::StatusOr<std::vector<ReachedTarget>> PermissionsOfUser(
    const Snapshot& snapshot, VertexId user, VertexId organization,
    const QueryLimits& limits = {});

// The users who hold `permission` (within `organization` too, when set),
// ordered by user id; blocked users only with `include_blocked`. Cached per
// (permission, organization, include_blocked).
absl::StatusOr<std::shared_ptr<const VertexList>> HoldersOfPermission(
    const Snapshot& snapshot, VertexId permission, VertexId organization,
    bool include_blocked, const QueryLimits& limits = {});

// One page of HoldersOfPermission, as PageUsersOfApplication pages its list.
absl::StatusOr<UserPage> PageHoldersOfPermission(
    const Snapshot& snapshot, VertexId permission, VertexId organization,
    bool include_blocked, size_t start, size_t page_size,
    const QueryLimits& limits = {});

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_PERMISSIONS_H_
