// What AccessService needs between the API and the graph: the snapshot a
// query runs on (with min_snapshot_version and the no-snapshot-yet case),
// entity references resolved to vertices with errors that name what was
// looked up, and vertices and paths as API messages.
#ifndef IDENTITYGRAPH_SERVER_GRAPH_VIEW_H_
#define IDENTITYGRAPH_SERVER_GRAPH_VIEW_H_

#include <cstdint>
#include <initializer_list>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "graph/queries.h"
#include "graph/snapshot.h"
#include "graph/snapshot_holder.h"
#include "identitygraph/v1/access_service.pb.h"
#include "identitygraph/v1/entity.pb.h"

namespace identitygraph {

// The published snapshot; UNAVAILABLE before the first scan,
// FAILED_PRECONDITION when it is older than `min_version`.
absl::StatusOr<std::shared_ptr<const graph::Snapshot>> CurrentSnapshot(
    const graph::SnapshotHolder& holder, int64_t min_version);

// A request's min_change_time as a time: INVALID_ARGUMENT when it is not a
// valid timestamp, or later than a minute from now (a change cannot have been
// made in the future; the minute allows for clocks that differ).
absl::StatusOr<absl::Time> MinChangeTime(
    const google::protobuf::Timestamp& min_change_time);

// The vertex `ref` names among `kinds` (tried in order). INVALID_ARGUMENT when
// `ref` is empty or a name is ambiguous (listing candidates); NOT_FOUND naming
// what was looked up. `field` names the request field in messages ("user").
absl::StatusOr<graph::VertexId> Resolve(
    const graph::Snapshot& snapshot, const v1::EntityRef& ref,
    std::initializer_list<graph::VertexKind> kinds, absl::string_view field);

// Fill an empty `out` in place, so that a response on an arena is built on
// that arena rather than copied into it.
void FillEntity(const graph::Snapshot& snapshot, graph::VertexId vertex,
                v1::Entity* out);
void FillPath(const graph::Snapshot& snapshot, const graph::Path& path,
              v1::AccessPath* out);
void FillSnapshotInfo(const graph::Snapshot& snapshot, v1::SnapshotInfo* out);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_GRAPH_VIEW_H_
