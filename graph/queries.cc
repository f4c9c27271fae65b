#include "graph/queries.h"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/graph/breadth_first_search.hpp"
#include "boost/graph/filtered_graph.hpp"
#include "boost/graph/reverse_graph.hpp"
#include "boost/range/iterator_range.hpp"
#include "graph/query_caching.h"
#include "graph/snapshot_access.h"

namespace identitygraph::graph {
namespace {

using ReverseGraph = boost::reverse_graph<CsrGraph, const CsrGraph&>;

constexpr uint32_t Mask(std::initializer_list<EdgeKind> kinds) {
  uint32_t mask = 0;
  for (EdgeKind kind : kinds) mask |= 1u << static_cast<int>(kind);
  return mask;
}
// Exactly the kinds CarriesAuthorization names (graph_types.h is the one
// definition).
constexpr uint32_t AuthorizationMask() {
  uint32_t mask = 0;
  for (int kind = 0; kind < kEdgeKindCount; ++kind) {
    if (CarriesAuthorization(static_cast<EdgeKind>(kind))) mask |= 1u << kind;
  }
  return mask;
}
constexpr uint32_t kAuthorizationEdges = AuthorizationMask();
constexpr uint32_t kGroupEdges =
    Mask({EdgeKind::kGroupMember, EdgeKind::kNestedGroup});
constexpr uint32_t kRoleEdges =
    Mask({EdgeKind::kGroupMember, EdgeKind::kNestedGroup, EdgeKind::kGroupRole,
          EdgeKind::kUserRole, EdgeKind::kOrganizationRole});

bool Has(uint32_t mask, EdgeKind kind) {
  return (mask >> static_cast<int>(kind)) & 1u;
}

// Scratch space for walks, one per thread, sized to the largest snapshot seen.
// A vertex counts as visited only when its stamp equals the current generation,
// so starting a new walk is O(1) instead of clearing O(V) colours: a query
// costs what it touches.
struct Workspace {
  std::vector<uint32_t> stamp;
  std::vector<uint8_t> color;
  std::vector<VertexId> parent;
  std::vector<CsrEdge> parent_edge;
  std::vector<uint32_t> distance;
  std::vector<VertexId> queue;
  std::vector<VertexId> reached;
  uint32_t generation = 0;

  void Begin(size_t vertices) {
    if (stamp.size() < vertices) {
      stamp.assign(vertices, 0);
      color.resize(vertices);
      parent.resize(vertices);
      parent_edge.resize(vertices);
      distance.resize(vertices);
      generation = 0;
    }
    if (++generation == 0) {  // wrapped: clear once every 2^32 walks
      std::fill(stamp.begin(), stamp.end(), 0);
      generation = 1;
    }
    reached.clear();
  }
  bool Seen(VertexId v) const { return stamp[v] == generation; }
};

Workspace& ThreadWorkspace() {
  thread_local Workspace workspace;
  return workspace;
}

// The colour map breadth_first_visit reads and writes, backed by the stamped
// workspace.
struct StampedColorMap {
  using key_type = VertexId;
  using value_type = boost::default_color_type;
  using reference = value_type;
  using category = boost::read_write_property_map_tag;
  Workspace* workspace;
};
boost::default_color_type get(const StampedColorMap& map, VertexId v) {
  return map.workspace->Seen(v)
             ? static_cast<boost::default_color_type>(map.workspace->color[v])
             : boost::white_color;
}
void put(const StampedColorMap& map, VertexId v,
         boost::default_color_type color) {
  map.workspace->stamp[v] = map.workspace->generation;
  map.workspace->color[v] = static_cast<uint8_t>(color);
}

// breadth_first_visit's queue, over the workspace's vector: each vertex enters
// once.
class VectorQueue {
 public:
  using value_type = VertexId;
  explicit VectorQueue(std::vector<VertexId>& storage) : storage_(storage) {
    storage_.clear();
  }
  void push(VertexId v) { storage_.push_back(v); }
  void pop() { ++head_; }
  VertexId& top() { return storage_[head_]; }
  const VertexId& top() const { return storage_[head_]; }
  bool empty() const { return head_ == storage_.size(); }

 private:
  std::vector<VertexId>& storage_;
  size_t head_ = 0;
};

CsrEdge Underlying(const CsrEdge& edge) { return edge; }
CsrEdge Underlying(
    const boost::detail::reverse_graph_edge_descriptor<CsrEdge>& edge) {
  return edge.underlying_descx;
}

// Keeps the edges whose kind is in `mask`.
struct KindFilter {
  const CsrGraph* csr = nullptr;
  uint32_t mask = 0;
  template <typename Edge>
  bool operator()(const Edge& edge) const {
    return Has(mask, (*csr)[Underlying(edge)].kind);
  }
};

struct WorkLimitExceeded {};

// Records the BFS tree and the visiting order; gives up past the vertex budget.
class WalkVisitor : public boost::default_bfs_visitor {
 public:
  WalkVisitor(Workspace* workspace, size_t max_visited)
      : workspace_(workspace), max_visited_(max_visited) {}
  template <typename Edge, typename Graph>
  void tree_edge(const Edge& edge, const Graph& graph) const {
    const VertexId from = boost::source(edge, graph),
                   to = boost::target(edge, graph);
    workspace_->parent[to] = from;
    workspace_->parent_edge[to] = Underlying(edge);
    workspace_->distance[to] = workspace_->distance[from] + 1;
  }
  template <typename Graph>
  void discover_vertex(VertexId v, const Graph&) const {
    // Exceptions never leave this file: Walk turns this one into a status.
    if (workspace_->reached.size() >= max_visited_) throw WorkLimitExceeded();
    workspace_->reached.push_back(v);
  }

 private:
  Workspace* workspace_;
  size_t max_visited_;
};

// Starts a fresh walk in `workspace` from `start` along edges of the kinds in
// `mask` (against them when `reverse`), filling the workspace's tree and
// `reached` (in BFS order, `start` first).
absl::Status Walk(const Snapshot& snapshot, VertexId start, uint32_t mask,
                  bool reverse, const QueryLimits& limits,
                  Workspace& workspace) {
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  workspace.Begin(snapshot.vertex_count());
  workspace.parent[start] = kNoVertex;
  workspace.distance[start] = 0;
  VectorQueue queue(workspace.queue);
  WalkVisitor visitor(&workspace, limits.max_visited);
  StampedColorMap colors{&workspace};
  try {
    if (reverse) {
      ReverseGraph reversed(csr);
      boost::filtered_graph<ReverseGraph, KindFilter> view(
          reversed, KindFilter{&csr, mask});
      boost::breadth_first_visit(view, start, queue, visitor, colors);
    } else {
      boost::filtered_graph<CsrGraph, KindFilter> view(csr,
                                                       KindFilter{&csr, mask});
      boost::breadth_first_visit(view, start, queue, visitor, colors);
    }
  } catch (const WorkLimitExceeded&) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the query visited more than ", limits.max_visited,
                     " vertices and stopped; the graph is larger than this "
                     "server's query limit"));
  }
  return absl::OkStatus();
}

// The BFS-tree path from the walk's start to `target`.
Path TreePath(const Snapshot& snapshot, const Workspace& workspace,
              VertexId target) {
  Path reversed;
  for (VertexId v = target; v != kNoVertex; v = workspace.parent[v]) {
    PathStep step;
    step.vertex = v;
    if (workspace.parent[v] != kNoVertex) {
      const CsrEdge& edge = workspace.parent_edge[v];
      step.via = SnapshotAccess::Csr(snapshot)[edge].kind;
      step.organization = SnapshotAccess::OrganizationOf(snapshot, edge);
    }
    reversed.push_back(step);
  }
  return Path(reversed.rbegin(), reversed.rend());
}

// Every shortest path from the walk's start to `v`, at most `limit`, each from
// the start.
void ShortestPaths(const Snapshot& snapshot, const Workspace& workspace,
                   VertexId v, uint32_t mask, size_t limit, Path& suffix,
                   std::vector<Path>& out) {
  if (out.size() >= limit) return;
  if (workspace.distance[v] == 0) {
    Path path(suffix.rbegin(), suffix.rend());
    path.insert(path.begin(), PathStep{v, EdgeKind::kGroupMember, kNoVertex});
    out.push_back(std::move(path));
    return;
  }
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  for (const CsrEdge& edge :
       boost::make_iterator_range(boost::in_edges(v, csr))) {
    const EdgeData& data = csr[edge];
    const VertexId from = boost::source(edge, csr);
    if (!Has(mask, data.kind) || !workspace.Seen(from) ||
        workspace.distance[from] + 1 != workspace.distance[v]) {
      continue;
    }
    suffix.push_back(
        PathStep{v, data.kind, SnapshotAccess::OrganizationOf(snapshot, edge)});
    ShortestPaths(snapshot, workspace, from, mask, limit, suffix, out);
    suffix.pop_back();
    if (out.size() >= limit) return;
  }
}

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

void SortByNameThenId(const Snapshot& snapshot,
                      std::vector<VertexId>& vertices) {
  std::sort(vertices.begin(), vertices.end(),
            [&snapshot](VertexId a, VertexId b) {
              const auto x = snapshot.name(a), y = snapshot.name(b);
              return x != y ? x < y : snapshot.id(a) < snapshot.id(b);
            });
}

void SortById(const Snapshot& snapshot, std::vector<VertexId>& vertices) {
  std::sort(vertices.begin(), vertices.end(),
            [&snapshot](VertexId a, VertexId b) {
              return snapshot.id(a) < snapshot.id(b);
            });
}

absl::Status ExpectKind(const Snapshot& snapshot, VertexId v,
                        std::initializer_list<VertexKind> kinds,
                        const char* what) {
  if (v >= snapshot.vertex_count()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not a vertex of this snapshot"));
  }
  for (VertexKind kind : kinds) {
    if (snapshot.kind(v) == kind) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      what, " ", snapshot.id(v), " is a ", VertexKindName(snapshot.kind(v))));
}

// Targets of `v`'s edges of the kinds in `mask` (or sources, when
// `incoming`), each once.
std::vector<VertexId> NeighboursByMask(const Snapshot& snapshot, VertexId v,
                                       uint32_t mask, bool incoming) {
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  std::vector<VertexId> out;
  if (incoming) {
    for (const CsrEdge& edge :
         boost::make_iterator_range(boost::in_edges(v, csr))) {
      if (Has(mask, csr[edge].kind)) out.push_back(boost::source(edge, csr));
    }
  } else {
    for (const CsrEdge& edge :
         boost::make_iterator_range(boost::out_edges(v, csr))) {
      if (Has(mask, csr[edge].kind)) out.push_back(boost::target(edge, csr));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The vertices of `kind` among those a walk reached.
std::vector<VertexId> ReachedOfKind(const Snapshot& snapshot,
                                    const Workspace& workspace, VertexKind kind,
                                    VertexId except) {
  std::vector<VertexId> out;
  for (VertexId v : workspace.reached) {
    if (v != except && snapshot.kind(v) == kind) out.push_back(v);
  }
  return out;
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
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  VertexList roles;
  for (const CsrEdge& edge :
       boost::make_iterator_range(boost::out_edges(user, csr))) {
    const EdgeKind kind = csr[edge].kind;
    const VertexId to = boost::target(edge, csr);
    if (kind == EdgeKind::kUserRole || kind == EdgeKind::kOrganizationRole) {
      roles.push_back(to);
    } else if (kind == EdgeKind::kGroupMember) {
      absl::Span<const VertexId> held = snapshot.effective_roles_of_group(to);
      roles.insert(roles.end(), held.begin(), held.end());
    }
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  VertexList targets;
  for (VertexId role : roles) {
    for (const CsrEdge& edge :
         boost::make_iterator_range(boost::out_edges(role, csr))) {
      const EdgeKind kind = csr[edge].kind;
      if (kind == EdgeKind::kRoleApplication || kind == EdgeKind::kRoleApi) {
        targets.push_back(boost::target(edge, csr));
      }
    }
  }
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
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
    if (auto s =
            Walk(snapshot, user, kAuthorizationEdges, false, limits, workspace);
        !s.ok()) {
      return s;
    }
    result.authorized = workspace.Seen(application);
    if (result.authorized) {
      Path suffix;
      ShortestPaths(snapshot, workspace, application, kAuthorizationEdges,
                    static_cast<size_t>(std::min(max_paths, limits.max_paths)),
                    suffix, result.paths);
    }
  }
  result.allowed = result.authorized;
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
    result.allowed = result.authorized && !result.login_path.empty();
  }
  return result;
}

absl::StatusOr<std::vector<ReachedTarget>> ApplicationsOfUser(
    const Snapshot& snapshot, VertexId user, Reachability mode,
    bool include_apis, const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, user, {VertexKind::kUser}, "user"); !s.ok())
    return s;
  Workspace& workspace = ThreadWorkspace();
  if (auto s =
          Walk(snapshot, user, kAuthorizationEdges, false, limits, workspace);
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
    const QueryLimits& limits) {
  if (auto s = ExpectKind(snapshot, application,
                          {VertexKind::kApplication, VertexKind::kApi},
                          "application");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::shared_ptr<const VertexList>> authorized =
      CachedApplicationUsers(
          snapshot, application, [&]() -> absl::StatusOr<VertexList> {
            Workspace& workspace = ThreadWorkspace();
            if (auto s = Walk(snapshot, application, kAuthorizationEdges, true,
                              limits, workspace);
                !s.ok()) {
              return s;
            }
            VertexList list = ReachedOfKind(snapshot, workspace,
                                            VertexKind::kUser, kNoVertex);
            SortById(snapshot, list);
            return list;
          });
  if (!authorized.ok()) return authorized.status();
  if (mode != Reachability::kLogin) return authorized;
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
    users->erase(
        std::remove_if(users->begin(), users->end(),
                       [&](VertexId u) { return !can_log_in.contains(u); }),
        users->end());
  }
  // Already ordered by id: filtering keeps the order.
  return std::shared_ptr<const VertexList>(std::move(users));
}

absl::StatusOr<UserPage> PageUsersOfApplication(const Snapshot& snapshot,
                                                VertexId application,
                                                Reachability mode, size_t start,
                                                size_t page_size,
                                                const QueryLimits& limits) {
  if (page_size == 0) {
    return absl::InvalidArgumentError("a page holds at least one user");
  }
  absl::StatusOr<std::shared_ptr<const VertexList>> users =
      UsersOfApplication(snapshot, application, mode, limits);
  if (!users.ok()) return users.status();
  const VertexList& all = **users;
  if (start > all.size()) {
    return absl::InvalidArgumentError(absl::StrCat("the page starts at ", start,
                                                   ", past the listing's ",
                                                   all.size(), " users"));
  }
  UserPage page;
  page.total = all.size();
  page.next = start + std::min(page_size, all.size() - start);
  page.users.assign(all.begin() + start, all.begin() + page.next);
  return page;
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
  if (auto s = Walk(snapshot, start, walk, reverse, limits, workspace);
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
