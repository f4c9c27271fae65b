// Internal to graph/: the caching layer around the query engine. The lists the
// hot queries are made of (a user's reachable applications and permissions, an
// application's authorized users, a permission's holders) are computed by the
// engine and kept in the snapshot's bounded caches (query_cache.h). The
// snapshot is immutable, so nothing is ever invalidated: the caches die with
// it. queries.cc's public functions call these; nothing else reaches the
// caches.
#ifndef IDENTITYGRAPH_GRAPH_QUERY_CACHING_H_
#define IDENTITYGRAPH_GRAPH_QUERY_CACHING_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "graph/graph_types.h"
#include "graph/query_cache.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

// The key of a cached list: `vertex`, and the variant of the question in the
// high bits (the organization, below 2^31 - 1; whether blocked users count).
CacheKey ListKey(VertexId vertex, VertexId organization = kNoVertex,
                 bool include_blocked = true);

// `user`'s reachable applications and APIs (ComputeReachableTargets), cached.
std::shared_ptr<const VertexList> CachedReachableTargets(
    const Snapshot& snapshot, VertexId user);

// Whether `user` reaches `target` by authorization, from the cache; a hit
// touches no reference count (CheckAccess's hot path).
bool CachedReachesTarget(const Snapshot& snapshot, VertexId user,
                         VertexId target);

// An application's authorized users, or a permission's holders, cached under
// `key` (ListKey); `compute` makes the list (sorted) on a miss, and its error
// is returned uncached.
absl::StatusOr<std::shared_ptr<const VertexList>> CachedApplicationUsers(
    const Snapshot& snapshot, CacheKey key,
    const std::function<absl::StatusOr<VertexList>()>& compute);
absl::StatusOr<std::shared_ptr<const VertexList>> CachedPermissionHolders(
    const Snapshot& snapshot, CacheKey key,
    const std::function<absl::StatusOr<VertexList>()>& compute);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_QUERY_CACHING_H_
