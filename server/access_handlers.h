// Internal to AccessService's handler files (access_lists.cc,
// access_permissions.cc): the preamble every handler there starts with (the
// reader token, then the snapshot the request accepts, named in the response),
// an early return for errors, and the page window of listings that page over a
// computed list.
#ifndef IDENTITYGRAPH_SERVER_ACCESS_HANDLERS_H_
#define IDENTITYGRAPH_SERVER_ACCESS_HANDLERS_H_

#include <algorithm>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "graph/snapshot.h"
#include "grpcpp/grpcpp.h"
#include "server/graph_view.h"
#include "server/grpc_status.h"
#include "server/page_token.h"

namespace identitygraph {

// In a handler with `context`, `request` and `response`: authorizes the
// reader, then binds `g` to the snapshot the request accepts.
#define IDENTITYGRAPH_ACCESS_PREAMBLE(request)                           \
  absl::Status allowed = authorizer_.Authorize(*context, Role::kReader); \
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));   \
  absl::StatusOr<std::shared_ptr<const graph::Snapshot>> snapshot =      \
      CurrentSnapshot(holder_, (request)->min_snapshot_version());       \
  if (!snapshot.ok())                                                    \
    return FinishNow(context, ToGrpcStatus(snapshot.status()));          \
  const graph::Snapshot& g = **snapshot;                                 \
  FillSnapshotInfo(g, response->mutable_snapshot())

#define IDENTITYGRAPH_RETURN_IF_ERROR(expr)         \
  if (absl::Status status_ = (expr); !status_.ok()) \
  return FinishNow(context, ToGrpcStatus(status_))

inline grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

// The `[start, start + size)` window of a listing of `total` results, and the
// token for the rest ("" on the last page).
struct Window {
  size_t begin = 0, end = 0;
  std::string next_page_token;
};
inline absl::StatusOr<Window> PageWindow(const graph::Snapshot& snapshot,
                                         Listing listing,
                                         const std::string& key, size_t start,
                                         int page_size, size_t total) {
  if (start > total) {
    return absl::InvalidArgumentError(
        "page_token points past the end of the listing; restart the listing "
        "without a page_token");
  }
  Window window{start, std::min(total, start + static_cast<size_t>(page_size)),
                ""};
  if (window.end < total) {
    window.next_page_token =
        EncodePageToken(listing, snapshot.version(), key, window.end);
  }
  return window;
}

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_ACCESS_HANDLERS_H_
