#include "graph/query_caching.h"

#include <algorithm>
#include <utility>

#include "graph/queries.h"
#include "graph/query_cache.h"
#include "graph/snapshot_access.h"

namespace identitygraph::graph {

std::shared_ptr<const VertexList> CachedReachableTargets(
    const Snapshot& snapshot, VertexId user) {
  QueryCache& cache = SnapshotAccess::UserTargetsCache(snapshot);
  if (std::shared_ptr<const VertexList> cached = cache.Find(user))
    return cached;
  auto computed = std::make_shared<const VertexList>(
      ComputeReachableTargets(snapshot, user));
  cache.Insert(user, computed);
  return computed;
}

bool CachedReachesTarget(const Snapshot& snapshot, VertexId user,
                         VertexId target) {
  bool reaches = false;
  auto holds = [&reaches, target](const VertexList& targets) {
    reaches = std::binary_search(targets.begin(), targets.end(), target);
  };
  QueryCache& cache = SnapshotAccess::UserTargetsCache(snapshot);
  if (!cache.Visit(user, holds)) {  // the miss is counted once, here
    auto computed = std::make_shared<const VertexList>(
        ComputeReachableTargets(snapshot, user));
    cache.Insert(user, computed);
    holds(*computed);
  }
  return reaches;
}

absl::StatusOr<std::shared_ptr<const VertexList>> CachedApplicationUsers(
    const Snapshot& snapshot, VertexId application,
    const std::function<absl::StatusOr<VertexList>()>& compute) {
  QueryCache& cache = SnapshotAccess::ApplicationUsersCache(snapshot);
  if (std::shared_ptr<const VertexList> cached = cache.Find(application))
    return cached;
  absl::StatusOr<VertexList> computed = compute();
  if (!computed.ok()) return computed.status();
  auto list = std::make_shared<const VertexList>(*std::move(computed));
  cache.Insert(application, list);
  return list;
}

}  // namespace identitygraph::graph
