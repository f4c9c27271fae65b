// Reachability queries on a Snapshot. All are read-only and thread-safe; each
// bounds its work by QueryLimits::max_visited and fails with RESOURCE_EXHAUSTED
// past it.
//
// Semantics (see graph_types.h): a user reaches an application by authorization
// when some chain user -> (group ->)* role -> application exists (roles held
// directly, through groups, or within organizations); nested groups may form
// cycles. Login reachability additionally needs one of the user's connections
// to be enabled for the application.
//
// Paths run from the user to the target, shortest first; a step names the edge
// kind that led to it (and, for roles held within an organization, the
// organization).
#ifndef IDENTITYGRAPH_GRAPH_QUERIES_H_
#define IDENTITYGRAPH_GRAPH_QUERIES_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/graph_types.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

struct QueryLimits {
  // Vertices one query may visit before it gives up.
  size_t max_visited = 5'000'000;
  // Paths one query may return.
  int max_paths = 10;
};

enum class Reachability { kAuthorization, kLogin };

struct PathStep {
  VertexId vertex = kNoVertex;
  // The edge from the previous step; meaningless on the first step.
  EdgeKind via = EdgeKind::kGroupMember;
  // For EdgeKind::kOrganizationRole: the organization.
  VertexId organization = kNoVertex;
};
using Path = std::vector<PathStep>;

// The one vertex of `kind` named `name` exactly. NOT_FOUND when none;
// INVALID_ARGUMENT listing the candidates' ids (the first 10) when several
// share the name, so the caller can name one by id.
absl::StatusOr<VertexId> FindUniqueByName(const Snapshot& snapshot,
                                          VertexKind kind,
                                          absl::string_view name);

// The applications and APIs `user` reaches by authorization, sorted by vertex
// id. Made from the user's roles and the groups' precomputed roles, without a
// walk, and cached in the snapshot: the hot path of CheckAccess.
absl::StatusOr<std::shared_ptr<const VertexList>> ReachableTargets(
    const Snapshot& snapshot, VertexId user);
// The same without the cache (for measuring, and for callers that must not fill
// it).
VertexList ComputeReachableTargets(const Snapshot& snapshot, VertexId user);

// The vertices at the other end of `vertex`'s edges of `kind` (their sources
// when `incoming`), each once, in id order.
std::vector<VertexId> Neighbours(const Snapshot& snapshot, VertexId vertex,
                                 EdgeKind kind, bool incoming);

struct CheckResult {
  // Authorized (and, in login mode, with a connection) and not blocked.
  bool allowed = false;
  // The user is blocked (Snapshot::blocked): never allowed, paths or not.
  bool blocked = false;
  // An authorization path exists (in login mode, `allowed` also needs a
  // connection).
  bool authorized = false;
  // Up to `max_paths` shortest authorization paths, when authorized.
  std::vector<Path> paths;
  // Login mode: user -> connection -> application, when one exists.
  Path login_path;
};

// Decides whether `user` reaches `application` (an application or API vertex).
// With `max_paths` 0 it answers from ReachableTargets (cached); paths need a
// walk.
absl::StatusOr<CheckResult> CheckAccess(const Snapshot& snapshot, VertexId user,
                                        VertexId application, Reachability mode,
                                        int max_paths,
                                        const QueryLimits& limits = {});

struct ReachedTarget {
  VertexId target = kNoVertex;
  Path path;  // one shortest path
};
// The applications (and, with `include_apis`, APIs) `user` reaches, ordered by
// name then id.
absl::StatusOr<std::vector<ReachedTarget>> ApplicationsOfUser(
    const Snapshot& snapshot, VertexId user, Reachability mode,
    bool include_apis, const QueryLimits& limits = {});

// The users who reach `application`, ordered by user id; blocked users only
// with `include_blocked`. The authorization list is cached per application.
absl::StatusOr<std::shared_ptr<const VertexList>> UsersOfApplication(
    const Snapshot& snapshot, VertexId application, Reachability mode,
    const QueryLimits& limits = {}, bool include_blocked = true);

// One page of UsersOfApplication: the users at positions [start, start +
// page_size) of its order (the same order on every call for one snapshot), so
// a caller pages by handing back `next`. Page tokens are the server's
// (server/page_token.h). INVALID_ARGUMENT when `start` is past the end or
// `page_size` is 0.
struct UserPage {
  std::vector<VertexId> users;
  size_t next = 0;   // the position after this page; == total on the last
  size_t total = 0;  // users in the whole listing
};
absl::StatusOr<UserPage> PageUsersOfApplication(const Snapshot& snapshot,
                                                VertexId application,
                                                Reachability mode, size_t start,
                                                size_t page_size,
                                                const QueryLimits& limits = {},
                                                bool include_blocked = true);

// Decides many pairs against one snapshot; each pair succeeds or fails on its
// own (an unknown vertex fails its pair, not the batch).
struct AccessPair {
  VertexId user = kNoVertex;
  VertexId application = kNoVertex;
};
std::vector<absl::StatusOr<CheckResult>> BatchCheckAccess(
    const Snapshot& snapshot, const std::vector<AccessPair>& pairs,
    Reachability mode, int max_paths, const QueryLimits& limits = {});

// Groups of a user: direct memberships, or (effective) also every group those
// are nested in. Ordered by name then id.
absl::StatusOr<std::vector<VertexId>> GroupsOfUser(
    const Snapshot& snapshot, VertexId user, bool effective,
    const QueryLimits& limits = {});
// Roles of a user: held directly (or within organizations), or (effective) also
// through groups. Ordered by name then id.
absl::StatusOr<std::vector<VertexId>> RolesOfUser(
    const Snapshot& snapshot, VertexId user, bool effective,
    const QueryLimits& limits = {});
// Users in a group: direct members, or (transitive) also members of groups
// nested in it. Ordered by user id.
absl::StatusOr<std::vector<VertexId>> MembersOfGroup(
    const Snapshot& snapshot, VertexId group, bool transitive,
    const QueryLimits& limits = {});

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_QUERIES_H_
