// A change to a snapshot by external ids (what following a tenant's log
// finds), and the next snapshot made from it in time proportional to what
// changed and a copy of the edge arrays, not a build:
//
//   SnapshotDelta delta;
//   delta.removed_edges.push_back({EdgeKind::kUserRole, VertexKind::kUser,
//                                  "google-apps|ada", VertexKind::kRole,
//                                  "rol_payroll"});
//   absl::StatusOr<AppliedDelta> next =
//       ApplyDelta(*current, delta, current->version() + 1, absl::Now());
//
// The new snapshot shares the vertex text and lookups of its base and
// overlays the vertices a delta added or renamed; when the overlay passes
// max(kMinOverlayRebuild, vertex_count / 16) vertices, the shared text is
// rebuilt (costing about what a build's indexes cost). Vertex ids of existing
// vertices stay; a removed vertex stays as Snapshot::removed() without edges,
// and adding it again revives its id (after a rebuild of the shared text or a
// reload it gets a new one; tombstones go at the next full build). Answers are
// those of a snapshot built from scratch with the same vertices and edges
// (snapshot_delta_test checks it against GraphBuilder).
//
// Order within a delta: removed vertices (with every edge at them), then
// upserted vertices, then removed edges, then added edges. Removing what is
// not there is no error (following may see a change twice); an edge whose end
// is missing or whose kinds do not fit is dropped and counted, as
// GraphBuilder does. An upsert without an id is INVALID_ARGUMENT.
#ifndef IDENTITYGRAPH_GRAPH_SNAPSHOT_DELTA_H_
#define IDENTITYGRAPH_GRAPH_SNAPSHOT_DELTA_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "graph/graph_types.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

inline constexpr size_t kMinOverlayRebuild = 4096;

// A vertex added, or replaced whole: name, email, source, the blocked mark
// and attributes.
struct DeltaVertex {
  VertexKind kind = VertexKind::kUser;
  std::string id, name, email;
  VertexSource source = VertexSource::kDirectory;
  bool blocked = false;
  std::vector<std::pair<std::string, std::string>> attributes;
};

struct DeltaVertexRef {
  VertexKind kind = VertexKind::kUser;
  std::string id;
};

struct DeltaEdge {
  EdgeKind kind = EdgeKind::kGroupMember;
  VertexKind from_kind = VertexKind::kUser;
  std::string from_id;
  VertexKind to_kind = VertexKind::kUser;
  std::string to_id;
  // The organization of a kOrganizationRole edge; empty otherwise.
  std::string organization_id;
};

struct SnapshotDelta {
  std::vector<DeltaVertexRef> removed_vertices;
  std::vector<DeltaVertex> upserted_vertices;
  std::vector<DeltaEdge> removed_edges;
  std::vector<DeltaEdge> added_edges;

  bool empty() const {
    return removed_vertices.empty() && upserted_vertices.empty() &&
           removed_edges.empty() && added_edges.empty();
  }
};

struct AppliedDelta {
  std::shared_ptr<const Snapshot> snapshot;
  // What changed; a vertex upserted unchanged counts in none.
  int64_t vertices_added = 0, vertices_changed = 0, vertices_removed = 0;
  int64_t edges_added = 0, edges_removed = 0;
  // Added edges with a missing end or kinds that do not fit.
  int64_t edges_dropped = 0;
  // Whether the shared text was rebuilt (the overlay had grown too big).
  bool text_rebuilt = false;
};

absl::StatusOr<AppliedDelta> ApplyDelta(const Snapshot& base,
                                        const SnapshotDelta& delta,
                                        int64_t version,
                                        absl::Time create_time);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_SNAPSHOT_DELTA_H_
