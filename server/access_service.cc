#include "server/access_service.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/queries.h"
#include "server/api_mapping.h"
#include "server/background_call.h"
#include "server/graph_view.h"
#include "server/grpc_status.h"

namespace identitygraph {

namespace {
constexpr int kMaxPaths = 10;
}  // namespace

AccessServiceImpl::AccessServiceImpl(const Authorizer& authorizer,
                                     const graph::SnapshotHolder& holder,
                                     ScanManager& scans, WorkerPool& waiters,
                                     graph::QueryLimits limits,
                                     RpcMetrics* rpcs)
    : ParsingService(authorizer, Role::kReader, rpcs),
      authorizer_(authorizer),
      holder_(holder),
      scans_(scans),
      waiters_(waiters),
      limits_(limits) {
#define IDENTITYGRAPH_PARSE_REQUESTS(Name)                 \
  ParseRequestsOf("identitygraph.v1.AccessService." #Name, \
                  &AccessServiceImpl::Name##AfterChanges, &Name##_allocator_);
  IDENTITYGRAPH_ACCESS_RPCS(IDENTITYGRAPH_PARSE_REQUESTS)
#undef IDENTITYGRAPH_PARSE_REQUESTS
}

grpc::ServerUnaryReactor* AccessServiceImpl::CheckAccess(
    grpc::CallbackServerContext* context, const v1::CheckAccessRequest* request,
    v1::CheckAccessResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kReader);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  // The generated _IsValid switches keep the hot path off the descriptors.
  if (!v1::ReachabilityMode_IsValid(request->mode())) {
    return FinishNow(
        context, ToGrpcStatus(CheckEnumField(v1::ReachabilityMode_descriptor(),
                                             request->mode(), "mode")));
  }
  if (!v1::CheckAccessView_IsValid(request->view())) {
    return FinishNow(
        context, ToGrpcStatus(CheckEnumField(v1::CheckAccessView_descriptor(),
                                             request->view(), "view")));
  }
  if (request->max_paths() < 0 || request->max_paths() > kMaxPaths) {
    return FinishNow(
        context,
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                     absl::StrCat("max_paths must be 0 to ", kMaxPaths)));
  }
  absl::StatusOr<std::shared_ptr<const graph::Snapshot>> snapshot =
      CurrentSnapshot(holder_, request->min_snapshot_version());
  if (!snapshot.ok())
    return FinishNow(context, ToGrpcStatus(snapshot.status()));
  const graph::Snapshot& g = **snapshot;
  absl::StatusOr<graph::VertexId> user =
      Resolve(g, request->user(), {graph::VertexKind::kUser}, "user");
  if (!user.ok()) return FinishNow(context, ToGrpcStatus(user.status()));
  absl::StatusOr<graph::VertexId> application =
      Resolve(g, request->application(),
              {graph::VertexKind::kApplication, graph::VertexKind::kApi},
              "application");
  if (!application.ok())
    return FinishNow(context, ToGrpcStatus(application.status()));
  absl::StatusOr<graph::CheckResult> result =
      graph::CheckAccess(g, *user, *application, FromApi(request->mode()),
                         request->max_paths(), limits_);
  if (!result.ok()) return FinishNow(context, ToGrpcStatus(result.status()));
  response->set_allowed(result->allowed);
  if (result->allowed) {
    for (const graph::Path& path : result->paths)
      FillPath(g, path, response->add_paths());
  } else {
    response->set_denial_reason(ToDenialReason(*result));
  }
  // The entities cost a quarter of a basic check's time under load (loadgen:
  // 75% of Health/Check's throughput with them, 90% without): only on request.
  if (request->view() == v1::CHECK_ACCESS_VIEW_FULL) {
    FillEntity(g, *user, response->mutable_user());
    FillEntity(g, *application, response->mutable_application());
  }
  FillSnapshotInfo(g, response->mutable_snapshot());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::GetGraphStats(
    grpc::CallbackServerContext* context,
    const v1::GetGraphStatsRequest* request,
    v1::GetGraphStatsResponse* response) {
  absl::Status allowed = authorizer_.Authorize(*context, Role::kReader);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  absl::StatusOr<std::shared_ptr<const graph::Snapshot>> snapshot =
      CurrentSnapshot(holder_, request->min_snapshot_version());
  if (!snapshot.ok())
    return FinishNow(context, ToGrpcStatus(snapshot.status()));
  const graph::Snapshot& g = **snapshot;
  const auto vertices = g.vertex_counts();
  for (int kind = 0; kind < graph::kVertexKindCount; ++kind) {
    if (vertices[kind] == 0) continue;
    v1::EntityKindCount* count = response->add_entities();
    count->set_kind(ToApi(static_cast<graph::VertexKind>(kind)));
    count->set_count(vertices[kind]);
  }
  const auto edges = g.edge_counts();
  for (int kind = 0; kind < graph::kEdgeKindCount; ++kind) {
    if (edges[kind] == 0) continue;
    v1::EdgeKindCount* count = response->add_edges();
    count->set_kind(ToApi(static_cast<graph::EdgeKind>(kind)));
    count->set_count(edges[kind]);
  }
  response->set_graph_bytes(static_cast<int64_t>(g.MemoryBytes()));
  for (const graph::CacheStats& stats : g.cache_stats()) {
    v1::CacheStats* out = response->add_caches();
    out->set_name(stats.name);
    out->set_hits(stats.hits);
    out->set_misses(stats.misses);
    out->set_entries(stats.entries);
    out->set_bytes(stats.bytes);
    out->set_capacity_bytes(stats.capacity_bytes);
  }
  response->set_blocked_users(g.blocked_user_count());
  response->set_scan(scans_.ScanOfVersion(g.version()));
  *response->mutable_following() = scans_.Following();
  FillSnapshotInfo(g, response->mutable_snapshot());
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* AccessServiceImpl::AfterChanges(
    grpc::CallbackServerContext* context,
    const google::protobuf::Timestamp& min_change_time,
    std::function<grpc::ServerUnaryReactor*()> handler) {
  // Before any wait: a caller without the token holds no worker.
  absl::Status allowed = authorizer_.Authorize(*context, Role::kReader);
  if (!allowed.ok()) return FinishNow(context, ToGrpcStatus(allowed));
  absl::StatusOr<absl::Time> change_time = MinChangeTime(min_change_time);
  if (!change_time.ok()) {
    return FinishNow(context, ToGrpcStatus(change_time.status()));
  }
  if (scans_.ChangesApplied(*change_time)) return handler();
  if (absl::Status followed = scans_.ChangesFollowed(); !followed.ok()) {
    return FinishNow(context, ToGrpcStatus(followed));
  }
  const absl::Time deadline = std::min(absl::FromChrono(context->deadline()),
                                       absl::Now() + kMaxChangeWait);
  return RunInBackground(
      waiters_,
      [this, change_time = *change_time, deadline,
       handler = std::move(handler)](
          const std::atomic<bool>& cancelled) -> grpc::Status {
        absl::Status applied =
            scans_.WaitForChanges(change_time, deadline, cancelled);
        if (!applied.ok()) return ToGrpcStatus(applied);
        CapturedFinish finish;
        handler();
        return finish.status();
      });
}

}  // namespace identitygraph
