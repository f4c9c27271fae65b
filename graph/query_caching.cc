#include "graph/query_caching.h"

#include <algorithm>
#include <utility>

#include "graph/queries.h"
#include "graph/query_cache.h"
#include "graph/snapshot_access.h"

namespace identitygraph::graph {
namespace {

template <typename Compute>
std::shared_ptr<const VertexList> FindOrCompute(QueryCache& cache, CacheKey key,
                                                Compute compute) {
  if (std::shared_ptr<const VertexList> cached = cache.Find(key)) return cached;
  auto computed = std::make_shared<const VertexList>(compute());
  cache.Insert(key, computed);
  return computed;
}

// Whether the cached list of `key` holds `value`; a hit touches no reference
// count.
template <typename Compute>
bool CachedListHolds(QueryCache& cache, CacheKey key, VertexId value,
                     Compute compute) {
  bool holds = false;
  auto search = [&holds, value](const VertexList& list) {
    holds = std::binary_search(list.begin(), list.end(), value);
  };
  if (!cache.Visit(key, search)) {  // the miss is counted once, here
    auto computed = std::make_shared<const VertexList>(compute());
    cache.Insert(key, computed);
    search(*computed);
  }
  return holds;
}

absl::StatusOr<std::shared_ptr<const VertexList>> FindOrTryCompute(
    QueryCache& cache, CacheKey key,
    const std::function<absl::StatusOr<VertexList>()>& compute) {
  if (std::shared_ptr<const VertexList> cached = cache.Find(key)) return cached;
  absl::StatusOr<VertexList> computed = compute();
  if (!computed.ok()) return computed.status();
  auto list = std::make_shared<const VertexList>(*std::move(computed));
  cache.Insert(key, list);
  return list;
}

}  // namespace

CacheKey ListKey(VertexId vertex, VertexId organization, bool include_blocked) {
  const uint64_t organization_part =
      organization == kNoVertex ? 0 : (uint64_t{organization} + 1) & 0x7fffffff;
  return uint64_t{vertex} | organization_part << 32 |
         (include_blocked ? uint64_t{1} << 63 : 0);
}

std::shared_ptr<const VertexList> CachedReachableTargets(
    const Snapshot& snapshot, VertexId user) {
  return FindOrCompute(SnapshotAccess::UserTargetsCache(snapshot), user,
                       [&] { return ComputeReachableTargets(snapshot, user); });
}

bool CachedReachesTarget(const Snapshot& snapshot, VertexId user,
                         VertexId target) {
  return CachedListHolds(
      SnapshotAccess::UserTargetsCache(snapshot), user, target,
      [&] { return ComputeReachableTargets(snapshot, user); });
}

absl::StatusOr<std::shared_ptr<const VertexList>> CachedApplicationUsers(
    const Snapshot& snapshot, CacheKey key,
    const std::function<absl::StatusOr<VertexList>()>& compute) {
  return FindOrTryCompute(SnapshotAccess::ApplicationUsersCache(snapshot), key,
                          compute);
}

absl::StatusOr<std::shared_ptr<const VertexList>> CachedPermissionHolders(
    const Snapshot& snapshot, CacheKey key,
    const std::function<absl::StatusOr<VertexList>()>& compute) {
  return FindOrTryCompute(SnapshotAccess::PermissionHoldersCache(snapshot), key,
                          compute);
}

}  // namespace identitygraph::graph
