#include "graph/walk.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/graph/breadth_first_search.hpp"
#include "boost/graph/filtered_graph.hpp"
#include "boost/graph/reverse_graph.hpp"
#include "boost/range/iterator_range.hpp"
#include "graph/snapshot_access.h"

namespace identitygraph::graph {
namespace {

using ReverseGraph = boost::reverse_graph<CsrGraph, const CsrGraph&>;

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

// Keeps the edges the filter keeps (boost's filtered_graph calls it with
// reverse-graph edges too).
struct KeptEdges {
  const Snapshot* snapshot = nullptr;
  EdgeFilter filter;
  template <typename Edge>
  bool operator()(const Edge& edge) const {
    return filter.Keeps(*snapshot, Underlying(edge));
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

}  // namespace

void Workspace::Begin(size_t vertices) {
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

Workspace& ThreadWorkspace() {
  thread_local Workspace workspace;
  return workspace;
}

bool EdgeFilter::Keeps(const Snapshot& snapshot, const CsrEdge& edge) const {
  const EdgeKind kind = SnapshotAccess::Csr(snapshot)[edge].kind;
  if (!Has(mask, kind)) return false;
  return kind != EdgeKind::kOrganizationRole || organization == kNoVertex ||
         SnapshotAccess::OrganizationOf(snapshot, edge) == organization;
}

// Starts a fresh walk in `workspace` from `start` along edges of the kinds in
// `mask` (against them when `reverse`), filling the workspace's tree and
// `reached` (in BFS order, `start` first).
absl::Status Walk(const Snapshot& snapshot, VertexId start,
                  const EdgeFilter& filter, bool reverse,
                  const QueryLimits& limits, Workspace& workspace) {
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
      boost::filtered_graph<ReverseGraph, KeptEdges> view(
          reversed, KeptEdges{&snapshot, filter});
      boost::breadth_first_visit(view, start, queue, visitor, colors);
    } else {
      boost::filtered_graph<CsrGraph, KeptEdges> view(
          csr, KeptEdges{&snapshot, filter});
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
                   VertexId v, const EdgeFilter& filter, size_t limit,
                   Path& suffix, std::vector<Path>& out) {
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
    if (!filter.Keeps(snapshot, edge) || !workspace.Seen(from) ||
        workspace.distance[from] + 1 != workspace.distance[v]) {
      continue;
    }
    suffix.push_back(
        PathStep{v, data.kind, SnapshotAccess::OrganizationOf(snapshot, edge)});
    ShortestPaths(snapshot, workspace, from, filter, limit, suffix, out);
    suffix.pop_back();
    if (out.size() >= limit) return;
  }
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

VertexList HeldRoles(const Snapshot& snapshot, VertexId user,
                     const EdgeFilter& filter) {
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  VertexList roles;
  for (const CsrEdge& edge :
       boost::make_iterator_range(boost::out_edges(user, csr))) {
    if (!filter.Keeps(snapshot, edge)) continue;
    const EdgeKind kind = csr[edge].kind;
    const VertexId to = boost::target(edge, csr);
    if (kind == EdgeKind::kUserRole || kind == EdgeKind::kOrganizationRole) {
      roles.push_back(to);
    } else if (kind == EdgeKind::kGroupMember) {
      absl::Span<const VertexId> held = snapshot.effective_roles_of_group(to);
      roles.insert(roles.end(), held.begin(), held.end());
    }
  }
  SortUnique(roles);
  return roles;
}

void AppendTargets(const Snapshot& snapshot, const VertexList& vertices,
                   uint32_t mask, VertexList& out) {
  const CsrGraph& csr = SnapshotAccess::Csr(snapshot);
  for (VertexId v : vertices) {
    for (const CsrEdge& edge :
         boost::make_iterator_range(boost::out_edges(v, csr))) {
      if (Has(mask, csr[edge].kind)) out.push_back(boost::target(edge, csr));
    }
  }
}

void SortUnique(VertexList& list) {
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
}

absl::StatusOr<VertexList> UsersReaching(const Snapshot& snapshot,
                                         VertexId target,
                                         const EdgeFilter& filter,
                                         const QueryLimits& limits) {
  Workspace& workspace = ThreadWorkspace();
  if (auto s =
          Walk(snapshot, target, filter, /*reverse=*/true, limits, workspace);
      !s.ok()) {
    return s;
  }
  VertexList users =
      ReachedOfKind(snapshot, workspace, VertexKind::kUser, kNoVertex);
  SortById(snapshot, users);
  return users;
}

VertexList WithoutBlocked(const Snapshot& snapshot, const VertexList& list) {
  VertexList out;
  out.reserve(list.size());
  for (VertexId v : list) {
    if (!snapshot.blocked(v)) out.push_back(v);
  }
  return out;
}

absl::StatusOr<UserPage> PageOfList(const VertexList& list, size_t start,
                                    size_t page_size) {
  if (start > list.size()) {
    return absl::InvalidArgumentError(absl::StrCat("the page starts at ", start,
                                                   ", past the listing's ",
                                                   list.size(), " users"));
  }
  UserPage page;
  page.total = list.size();
  page.next = start + std::min(page_size, list.size() - start);
  page.users.assign(list.begin() + start, list.begin() + page.next);
  return page;
}

}  // namespace identitygraph::graph
