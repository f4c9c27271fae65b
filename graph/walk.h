// Internal to graph/: the breadth-first walk the query files (queries.cc,
// permissions.cc) share, with its per-thread workspace, the paths read off its
// tree, and small helpers for ordering and checking vertices.
//
// A walk follows the edges an EdgeFilter keeps, from a start vertex (against
// the edges when reversed), and stops with RESOURCE_EXHAUSTED past
// QueryLimits::max_visited. Its results live in the calling thread's
// Workspace until the next walk on that thread.
#ifndef IDENTITYGRAPH_GRAPH_WALK_H_
#define IDENTITYGRAPH_GRAPH_WALK_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/csr.h"
#include "graph/graph_types.h"
#include "graph/queries.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

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
inline constexpr uint32_t kAuthorizationEdges = AuthorizationMask();

inline bool Has(uint32_t mask, EdgeKind kind) {
  return (mask >> static_cast<int>(kind)) & 1u;
}

// The edges a walk follows: those whose kind is in `mask`; when `organization`
// is set, a kOrganizationRole edge only when held within that organization.
struct EdgeFilter {
  uint32_t mask = 0;
  VertexId organization = kNoVertex;

  bool Keeps(const Snapshot& snapshot, const CsrEdge& edge) const;
};

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

  void Begin(size_t vertices);
  bool Seen(VertexId v) const { return stamp[v] == generation; }
};

Workspace& ThreadWorkspace();

// Starts a fresh walk in `workspace` from `start` along the edges `filter`
// keeps (against them when `reverse`), filling the workspace's tree and
// `reached` (in BFS order, `start` first).
absl::Status Walk(const Snapshot& snapshot, VertexId start,
                  const EdgeFilter& filter, bool reverse,
                  const QueryLimits& limits, Workspace& workspace);

// The BFS-tree path from the walk's start to `target` (a forward walk).
Path TreePath(const Snapshot& snapshot, const Workspace& workspace,
              VertexId target);

// Every shortest path from a forward walk's start to `v`, at most `limit` in
// all, each from the start; `suffix` is scratch (empty on entry and exit).
void ShortestPaths(const Snapshot& snapshot, const Workspace& workspace,
                   VertexId v, const EdgeFilter& filter, size_t limit,
                   Path& suffix, std::vector<Path>& out);

// The roles `user` holds along the edges `filter` keeps: its kUserRole and
// kOrganizationRole edges (of the filter's organization, when set), and
// through its kGroupMember edges the groups' precomputed roles (nesting
// included, without a walk); sorted, each once.
VertexList HeldRoles(const Snapshot& snapshot, VertexId user,
                     const EdgeFilter& filter);

// Appends to `out` the targets of `vertices`' edges whose kind is in `mask`.
void AppendTargets(const Snapshot& snapshot, const VertexList& vertices,
                   uint32_t mask, VertexList& out);

// Sorts `list` and drops repeats.
void SortUnique(VertexList& list);

// The users from whom `target` is reached along the edges `filter` keeps (a
// walk against them), ordered by user id: an application's users, a
// permission's holders.
absl::StatusOr<VertexList> UsersReaching(const Snapshot& snapshot,
                                         VertexId target,
                                         const EdgeFilter& filter,
                                         const QueryLimits& limits);

// The vertices of `kind` among those a walk reached, but `except`.
std::vector<VertexId> ReachedOfKind(const Snapshot& snapshot,
                                    const Workspace& workspace, VertexKind kind,
                                    VertexId except);

// Targets of `v`'s edges of the kinds in `mask` (or sources, when
// `incoming`), each once, in id order.
std::vector<VertexId> NeighboursByMask(const Snapshot& snapshot, VertexId v,
                                       uint32_t mask, bool incoming);

// `list` without its blocked users, in its order.
VertexList WithoutBlocked(const Snapshot& snapshot, const VertexList& list);

// The page [start, start + page_size) of `list` (page_size > 0);
// INVALID_ARGUMENT when `start` is past its end.
absl::StatusOr<UserPage> PageOfList(const VertexList& list, size_t start,
                                    size_t page_size);

void SortByNameThenId(const Snapshot& snapshot,
                      std::vector<VertexId>& vertices);
void SortById(const Snapshot& snapshot, std::vector<VertexId>& vertices);

// INVALID_ARGUMENT unless `v` is a vertex of one of `kinds`; `what` names it.
absl::Status ExpectKind(const Snapshot& snapshot, VertexId v,
                        std::initializer_list<VertexKind> kinds,
                        const char* what);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_WALK_H_
