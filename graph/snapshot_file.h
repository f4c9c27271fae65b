// The snapshot file format: a whole Snapshot as bytes, and back.
//
//   std::string bytes = SerializeSnapshot(*snapshot);
//   // ... the server writes `bytes` with WriteFileAtomically (temp, fsync,
//   rename) ... absl::StatusOr<std::shared_ptr<const Snapshot>> loaded =
//   ParseSnapshot(bytes);
//
// Layout (little-endian): the magic "IGSNAPSH", the format version (u32), a
// reserved u32, the payload size (u64) and its FNV-1a 64 checksum (u64), then
// the payload: version and creation time, vertex kinds, sources and marks
// (removed, blocked), the id, name, email and attribute string pools,
// attributes, edges in CSR order with their organizations, and the name order
// (so loading skips the sort). Parsing checks every size, offset, kind and edge
// before building anything, so a corrupt or truncated file gives DATA_LOSS with
// what was wrong, never a crash; another format version gives
// FAILED_PRECONDITION.
#ifndef IDENTITYGRAPH_GRAPH_SNAPSHOT_FILE_H_
#define IDENTITYGRAPH_GRAPH_SNAPSHOT_FILE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/snapshot.h"

namespace identitygraph::graph {

// Format 2 added the vertex sources after the kinds, format 3 the removed
// mark of each vertex (vertices a delta removed keep their ids), format 4 the
// blocked mark in the same byte (bit 0 removed, bit 1 blocked) and the
// permission vertex and edge kinds; formats 1 (sources as a "source"
// attribute) to 3 are still read, so an upgraded server serves its last
// snapshot at once.
inline constexpr uint32_t kSnapshotFormatVersion = 4;
inline constexpr uint32_t kOldestReadableFormat = 1;

std::string SerializeSnapshot(const Snapshot& snapshot);

// `cache_capacity_bytes` bounds the loaded snapshot's query caches, as in
// GraphBuilder.
absl::StatusOr<std::shared_ptr<const Snapshot>> ParseSnapshot(
    absl::string_view bytes,
    size_t cache_capacity_bytes = kDefaultCacheCapacityBytes);

// Writes `snapshot` to `path` atomically and durably (see durable_file.h), mode
// 0600 (it holds every workforce user's email).
absl::Status WriteSnapshotFile(const Snapshot& snapshot,
                               const std::string& path);

// Reads and parses a snapshot file: NOT_FOUND when there is none; DATA_LOSS or
// FAILED_PRECONDITION (see ParseSnapshot) with the path in the message.
absl::StatusOr<std::shared_ptr<const Snapshot>> ReadSnapshotFile(
    const std::string& path,
    size_t cache_capacity_bytes = kDefaultCacheCapacityBytes);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_SNAPSHOT_FILE_H_
