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

// `user`'s reachable applications and APIs and the permissions it holds
// outside organizations (ComputeUserAccess), cached.
std::shared_ptr<const VertexList> CachedUserAccess(const Snapshot& snapshot,
                                                   VertexId user);

// Whether `target` (an application, API or permission) is in `user`'s cached
// access list; a hit touches no reference count (the hot path of CheckAccess
// and CheckPermission).
bool CachedReaches(const Snapshot& snapshot, VertexId user, VertexId target);

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
