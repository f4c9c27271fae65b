#include "graph/queries.h"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/range/iterator_range.hpp"
#include "graph/query_caching.h"
#include "graph/snapshot_access.h"
#include "graph/walk.h"

namespace identitygraph::graph {
namespace {

constexpr uint32_t kGroupEdges =
    Mask({EdgeKind::kGroupMember, EdgeKind::kNestedGroup});
constexpr uint32_t kRoleEdges =
    Mask({EdgeKind::kGroupMember, EdgeKind::kNestedGroup, EdgeKind::kGroupRole,
          EdgeKind::kUserRole, EdgeKind::kOrganizationRole});

// Calls `visit(connection, application)` for every application enabled for one
// of `user`'s connections, until `visit` returns false.
template <typename Visit>
void ForEachLoginApplication(const Snapshot& snapshot, VertexId user,
                             Visit visit) {
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  for (const CsrEdge& edge :
       boost::make_iterator_range(boost::out_edges(user, csr))) {
    if (csr[edge].kind != EdgeKind::kUserConnection) continue;
    const VertexId connection = boost::target(edge, csr);
    for (const CsrEdge& enabled :
         boost::make_iterator_range(boost::out_edges(connection, csr))) {
      if (csr[enabled].kind == EdgeKind::kConnectionApplication &&
          !visit(connection, boost::target(enabled, csr))) {
        return;
      }
    }
  }
}

// The applications `user` can log in to: those enabled for one of the user's
// connections.
absl::flat_hash_set<VertexId> LoginApplications(const Snapshot& snapshot,
                                                VertexId user) {
  absl::flat_hash_set<VertexId> apps;
  ForEachLoginApplication(snapshot, user, [&apps](VertexId, VertexId app) {
    apps.insert(app);
    return true;
  });
  return apps;
}

}  // namespace

absl::StatusOr<VertexId> FindUniqueByName(const Snapshot& snapshot,
                                          VertexKind kind,
                                          absl::string_view name) {
  constexpr size_t kMaxCandidatesShown = 10;
  std::vector<VertexId> found = snapshot.FindByName(kind, name);
  if (found.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no ", VertexKindName(kind), " is named '", name, "'"));
  }
  if (found.size() == 1) return found[0];
  std::vector<std::string> ids;
  for (size_t i = 0; i < found.size() && i < kMaxCandidatesShown; ++i) {
    ids.emplace_back(snapshot.id(found[i]));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(found.size(), " ", VertexKindName(kind), "s are named '",
                   name, "'; name one by id: ", absl::StrJoin(ids, ", "),
                   found.size() > kMaxCandidatesShown ? ", ..." : ""));
}

VertexList ComputeReachableTargets(const Snapshot& snapshot, VertexId user) {
  const VertexList roles = HeldRoles(
      snapshot, user,
      EdgeFilter{Mask({EdgeKind::kUserRole, EdgeKind::kOrganizationRole,
                       EdgeKind::kGroupMember})});
  // Permissions assigned to the user directly reach their API.
  VertexList targets;
  AppendTargets(
      snapshot,
      NeighboursByMask(snapshot, user, Mask({EdgeKind::kUserPermission}),
                       /*incoming=*/false),
      Mask({EdgeKind::kPermissionOn}), targets);
  AppendTargets(snapshot, roles,
                Mask({EdgeKind::kRoleApplication, EdgeKind::kRoleApi}),
                targets);
  SortUnique(targets);
  return targets;
}

absl::StatusOr<std::shared_ptr<const VertexList>> ReachableTargets(
    const Snapshot& snapshot, VertexId user) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  return CachedReachableTargets(snapshot, user);
}

std::vector<VertexId> Neighbours(const Snapshot& snapshot, VertexId vertex,
                                 EdgeKind kind, bool incoming) {
  return NeighboursByMask(snapshot, vertex, Mask({kind}), incoming);
}

absl::StatusOr<CheckResult> CheckAccess(const Snapshot& snapshot, VertexId user,
                                        VertexId application, Reachability mode,
                                        int max_paths,
                                        const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  if (auto s = ExpectKind(snapshot, application,
                          {VertexKind::kApplication, VertexKind::kApi},
                          "application");
      !s.ok()) {
    return s;
  }
  CheckResult result;
  if (max_paths <= 0) {
    result.authorized = CachedReachesTarget(snapshot, user, application);
  } else {
    Workspace& workspace = ThreadWorkspace();
    if (auto s = Walk(snapshot, user, EdgeFilter{kAuthorizationEdges}, false,
                      limits, workspace);
        !s.ok()) {
      return s;
    }
    result.authorized = workspace.Seen(application);
    if (result.authorized) {
      Path suffix;
      ShortestPaths(snapshot, workspace, application,
                    EdgeFilter{kAuthorizationEdges},
                    static_cast<size_t>(std::min(max_paths, limits.max_paths)),
                    suffix, result.paths);
    }
  }
  result.blocked = snapshot.blocked(user);
  result.allowed = result.authorized && !result.blocked;
  if (mode == Reachability::kLogin) {
    ForEachLoginApplication(
        snapshot, user, [&](VertexId connection, VertexId app) {
          if (app != application) return true;
          result.login_path = {
              PathStep{user, EdgeKind::kGroupMember, kNoVertex},
              PathStep{connection, EdgeKind::kUserConnection, kNoVertex},
              PathStep{application, EdgeKind::kConnectionApplication,
                       kNoVertex}};
          return false;
        });
    result.allowed =
        result.authorized && !result.blocked && !result.login_path.empty();
  }
  return result;
}

absl::StatusOr<std::vector<ReachedTarget>> ApplicationsOfUser(
    const Snapshot& snapshot, VertexId user, Reachability mode,
    bool include_apis, const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  Workspace& workspace = ThreadWorkspace();
  if (auto s = Walk(snapshot, user, EdgeFilter{kAuthorizationEdges}, false,
                    limits, workspace);
      !s.ok()) {
    return s;
  }
  absl::flat_hash_set<VertexId> login;
  if (mode == Reachability::kLogin) login = LoginApplications(snapshot, user);
  std::vector<VertexId> targets;
  for (VertexId v : workspace.reached) {
    const VertexKind kind = snapshot.kind(v);
    if (kind != VertexKind::kApplication &&
        !(include_apis && kind == VertexKind::kApi)) {
      continue;
    }
    if (mode == Reachability::kLogin && !login.contains(v)) continue;
    targets.push_back(v);
  }
  SortByNameThenId(snapshot, targets);
  std::vector<ReachedTarget> out;
  out.reserve(targets.size());
  for (VertexId v : targets)
    out.push_back(ReachedTarget{v, TreePath(snapshot, workspace, v)});
  return out;
}

absl::StatusOr<std::shared_ptr<const VertexList>> UsersOfApplication(
    const Snapshot& snapshot, VertexId application, Reachability mode,
    const QueryLimits& limits, bool include_blocked) {
  if (auto s = ExpectKind(snapshot, application,
                          {VertexKind::kApplication, VertexKind::kApi},
                          "application");
      !s.ok()) {
    return s;
  }
  auto all_authorized = [&] {
    return CachedApplicationUsers(snapshot, ListKey(application), [&] {
      return UsersReaching(snapshot, application,
                           EdgeFilter{kAuthorizationEdges}, limits);
    });
  };
  const bool drop_blocked =
      !include_blocked && snapshot.blocked_user_count() > 0;
  if (mode != Reachability::kLogin) {
    if (!drop_blocked) return all_authorized();
    return CachedApplicationUsers(
        snapshot, ListKey(application, kNoVertex, /*include_blocked=*/false),
        [&]() -> absl::StatusOr<VertexList> {
          absl::StatusOr<std::shared_ptr<const VertexList>> all =
              all_authorized();
          if (!all.ok()) return all.status();
          return WithoutBlocked(snapshot, **all);
        });
  }
  absl::StatusOr<std::shared_ptr<const VertexList>> authorized =
      all_authorized();
  if (!authorized.ok()) return authorized.status();
  auto users = std::make_shared<VertexList>(**authorized);
  {
    absl::flat_hash_set<VertexId> can_log_in;
    for (VertexId connection :
         NeighboursByMask(snapshot, application,
                          Mask({EdgeKind::kConnectionApplication}), true)) {
      for (VertexId u : NeighboursByMask(
               snapshot, connection, Mask({EdgeKind::kUserConnection}), true)) {
        can_log_in.insert(u);
      }
    }
    users->erase(std::remove_if(users->begin(), users->end(),
                                [&](VertexId u) {
                                  return !can_log_in.contains(u) ||
                                         (drop_blocked && snapshot.blocked(u));
                                }),
                 users->end());
  }
  // Already ordered by id: filtering keeps the order.
  return std::shared_ptr<const VertexList>(std::move(users));
}

absl::StatusOr<UserPage> PageUsersOfApplication(const Snapshot& snapshot,
                                                VertexId application,
                                                Reachability mode, size_t start,
                                                size_t page_size,
                                                const QueryLimits& limits,
                                                bool include_blocked) {
  if (page_size == 0) {
    return absl::InvalidArgumentError("a page holds at least one user");
  }
  absl::StatusOr<std::shared_ptr<const VertexList>> users =
      UsersOfApplication(snapshot, application, mode, limits, include_blocked);
  if (!users.ok()) return users.status();
  return PageOfList(**users, start, page_size);
}

std::vector<absl::StatusOr<CheckResult>> BatchCheckAccess(
    const Snapshot& snapshot, const std::vector<AccessPair>& pairs,
    Reachability mode, int max_paths, const QueryLimits& limits) {
  std::vector<absl::StatusOr<CheckResult>> results;
  results.reserve(pairs.size());
  for (const AccessPair& pair : pairs) {
    results.push_back(CheckAccess(snapshot, pair.user, pair.application, mode,
                                  max_paths, limits));
  }
  return results;
}

namespace {

// The vertices of `kind` one `direct` edge from `start` or, for the closure,
// every one a walk along `closure` edges reaches (against the edges when
// `reverse`).
absl::StatusOr<std::vector<VertexId>> Related(const Snapshot& snapshot,
                                              VertexId start, bool closure,
                                              uint32_t direct, uint32_t walk,
                                              bool reverse, VertexKind kind,
                                              const QueryLimits& limits) {
  if (!closure) return NeighboursByMask(snapshot, start, direct, reverse);
  Workspace& workspace = ThreadWorkspace();
  if (auto s =
          Walk(snapshot, start, EdgeFilter{walk}, reverse, limits, workspace);
      !s.ok()) {
    return s;
  }
  return ReachedOfKind(snapshot, workspace, kind, start);
}

}  // namespace

absl::StatusOr<std::vector<VertexId>> GroupsOfUser(const Snapshot& snapshot,
                                                   VertexId user,
                                                   bool effective,
                                                   const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  auto groups =
      Related(snapshot, user, effective, Mask({EdgeKind::kGroupMember}),
              kGroupEdges, false, VertexKind::kGroup, limits);
  if (groups.ok()) SortByNameThenId(snapshot, *groups);
  return groups;
}

absl::StatusOr<std::vector<VertexId>> RolesOfUser(const Snapshot& snapshot,
                                                  VertexId user, bool effective,
                                                  const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  auto roles = Related(snapshot, user, effective,
                       Mask({EdgeKind::kUserRole, EdgeKind::kOrganizationRole}),
                       kRoleEdges, false, VertexKind::kRole, limits);
  if (roles.ok()) SortByNameThenId(snapshot, *roles);
  return roles;
}

absl::StatusOr<std::vector<VertexId>> MembersOfGroup(
    const Snapshot& snapshot, VertexId group, bool transitive,
    const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, group, {VertexKind::kGroup}, "group");
      !s.ok())
    return s;
  auto users =
      Related(snapshot, group, transitive, Mask({EdgeKind::kGroupMember}),
              kGroupEdges, true, VertexKind::kUser, limits);
  if (users.ok()) SortById(snapshot, *users);
  return users;
}

}  // namespace identitygraph::graph
