// Internal to graph/: the caching layer around the query engine. The two lists
// the hot queries are made of (a user's reachable applications, an
// application's authorized users) are computed by the engine and kept in the
// snapshot's bounded caches (query_cache.h). The snapshot is immutable, so
// nothing is ever invalidated: the caches die with it. queries.cc's public
// functions call these; nothing else reaches the caches.
#ifndef IDENTITYGRAPH_GRAPH_QUERY_CACHING_H_
#define IDENTITYGRAPH_GRAPH_QUERY_CACHING_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "graph/graph_types.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

// `user`'s reachable applications and APIs (ComputeReachableTargets), cached.
std::shared_ptr<const VertexList> CachedReachableTargets(
    const Snapshot& snapshot, VertexId user);

// Whether `user` reaches `target` by authorization, from the cache; a hit
// touches no reference count (CheckAccess's hot path).
bool CachedReachesTarget(const Snapshot& snapshot, VertexId user,
                         VertexId target);

// `application`'s authorized users, cached; `compute` makes the list (sorted)
// on a miss, and its error is returned uncached.
absl::StatusOr<std::shared_ptr<const VertexList>> CachedApplicationUsers(
    const Snapshot& snapshot, VertexId application,
    const std::function<absl::StatusOr<VertexList>()>& compute);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_QUERY_CACHING_H_
