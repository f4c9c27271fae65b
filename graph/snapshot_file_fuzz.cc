// libFuzzer target: any bytes as a snapshot file. ParseSnapshot must refuse
// what it cannot read with an error, and every query must answer (or refuse
// within its limits) on whatever it accepts. scripts/fuzz.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "graph/queries.h"
#include "graph/snapshot.h"
#include "graph/snapshot_file.h"

namespace {

using identitygraph::graph::Reachability;
using identitygraph::graph::VertexId;
using identitygraph::graph::VertexKind;

// The header's payload size and FNV-1a checksum (bytes 16-31, little-endian)
// made to fit the payload, so that mutations reach the parser behind the
// checksum instead of stopping at it.
std::string WithFittingHeader(std::string bytes) {
  constexpr size_t kHeaderSize = 32;
  if (bytes.size() < kHeaderSize) return bytes;
  uint64_t size = bytes.size() - kHeaderSize;
  uint64_t hash = 1469598103934665603ULL;
  for (size_t i = kHeaderSize; i < bytes.size(); ++i) {
    hash ^= static_cast<unsigned char>(bytes[i]);
    hash *= 1099511628211ULL;
  }
  std::memcpy(&bytes[16], &size, sizeof(size));
  std::memcpy(&bytes[24], &hash, sizeof(hash));
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace graph = identitygraph::graph;
  const std::string input(reinterpret_cast<const char*>(data), size);
  // As it came (the checks of size and checksum), then fitted.
  (void)graph::ParseSnapshot(input, /*cache_capacity_bytes=*/1 << 20);
  absl::StatusOr<std::shared_ptr<const graph::Snapshot>> loaded =
      graph::ParseSnapshot(WithFittingHeader(input), 1 << 20);
  if (!loaded.ok()) return 0;
  const graph::Snapshot& snapshot = **loaded;
  // Small bounds: a hostile file must not make a query run away.
  const graph::QueryLimits limits{/*max_visited=*/10000, /*max_paths=*/3};
  const size_t vertices = snapshot.vertex_count();
  const size_t probed = vertices < 64 ? vertices : 64;
  for (VertexId v = 0; v < probed; ++v) {
    switch (snapshot.kind(v)) {
      case VertexKind::kUser:
        for (Reachability mode :
             {Reachability::kAuthorization, Reachability::kLogin}) {
          (void)graph::ApplicationsOfUser(snapshot, v, mode, true, limits);
          for (VertexId target = 0; target < probed; ++target) {
            (void)graph::CheckAccess(snapshot, v, target, mode, 3, limits);
          }
        }
        (void)graph::GroupsOfUser(snapshot, v, true, limits);
        (void)graph::RolesOfUser(snapshot, v, true, limits);
        break;
      case VertexKind::kApplication:
      case VertexKind::kApi:
        (void)graph::UsersOfApplication(snapshot, v,
                                        Reachability::kAuthorization, limits);
        (void)graph::PageUsersOfApplication(snapshot, v, Reachability::kLogin,
                                            1, 5, limits);
        break;
      case VertexKind::kGroup:
        (void)graph::MembersOfGroup(snapshot, v, true, limits);
        break;
      default:
        break;
    }
  }
  // A snapshot that loads writes back to bytes that load the same.
  absl::StatusOr<std::shared_ptr<const graph::Snapshot>> again =
      graph::ParseSnapshot(graph::SerializeSnapshot(snapshot), 1 << 20);
  if (!again.ok() || (*again)->vertex_count() != vertices ||
      (*again)->edge_count() != snapshot.edge_count()) {
    std::abort();
  }
  return 0;
}
