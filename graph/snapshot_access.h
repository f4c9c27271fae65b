// Internal to graph/: what the query engine, the caching layer and the
// snapshot file see of a Snapshot beyond its public face (Bazel:
// //graph:internal, visible to graph/ only).
#ifndef IDENTITYGRAPH_GRAPH_SNAPSHOT_ACCESS_H_
#define IDENTITYGRAPH_GRAPH_SNAPSHOT_ACCESS_H_

#include "graph/csr.h"
#include "graph/query_cache.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

class SnapshotAccess {
 public:
  static const CsrGraph& Csr(const Snapshot& snapshot) {
    return snapshot.graph_;
  }
  // For a kOrganizationRole edge: the organization; otherwise kNoVertex.
  static VertexId OrganizationOf(const Snapshot& snapshot,
                                 const CsrEdge& edge) {
    return snapshot.OrganizationOf(edge);
  }
  // The caches are the snapshot's, filled by the caching layer on a const
  // snapshot: they change no answer, only how fast it comes.
  static QueryCache& UserTargetsCache(const Snapshot& snapshot) {
    return *snapshot.user_targets_cache_;
  }
  static QueryCache& ApplicationUsersCache(const Snapshot& snapshot) {
    return *snapshot.application_users_cache_;
  }
  static QueryCache& PermissionHoldersCache(const Snapshot& snapshot) {
    return *snapshot.permission_holders_cache_;
  }
};

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_SNAPSHOT_ACCESS_H_
