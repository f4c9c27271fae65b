// The gRPC server metrics Prometheus users already graph, named and labelled
// as go-grpc-prometheus exports them (SpiceDB's and OpenFGA's dashboards read
// these): grpc_server_started_total, grpc_server_handled_total (with
// grpc_code) and grpc_server_handling_seconds, by grpc_service, grpc_method
// and grpc_type, for every RPC of identitygraph's services. Calls are counted
// by the services themselves (call_metrics.h), not by a gRPC interceptor.
//
//   RpcMetrics rpcs(registry);
//   RpcMetrics::Method* check =
//       rpcs.Find("identitygraph.v1.AccessService.CheckAccess");
//   check->Started();  ...  check->Handled(grpc::StatusCode::OK, seconds);
//
// The methods are known up front, so a call costs a few atomic operations and
// one histogram observation. Thread-safe.
#ifndef IDENTITYGRAPH_SERVER_RPC_METRICS_H_
#define IDENTITYGRAPH_SERVER_RPC_METRICS_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/labels.h"
#include "prometheus/registry.h"

namespace identitygraph {

class RpcMetrics {
 public:
  // The families are registered in `registry`, which must outlive this.
  explicit RpcMetrics(prometheus::Registry& registry);
  RpcMetrics(const RpcMetrics&) = delete;
  RpcMetrics& operator=(const RpcMetrics&) = delete;

  // One method's series.
  class Method {
   public:
    Method(RpcMetrics& metrics, prometheus::Labels labels);
    void Started() { started_.Increment(); }
    void Handled(grpc::StatusCode code, double seconds);

   private:
    static constexpr int kCodes = grpc::StatusCode::UNAUTHENTICATED + 1;
    prometheus::Family<prometheus::Counter>& handled_family_;
    const prometheus::Labels labels_;
    prometheus::Counter& started_;
    prometheus::Histogram& seconds_;
    // Made on a code's first use, so only codes that happened are exported.
    std::array<std::atomic<prometheus::Counter*>, kCodes> handled_{};
  };
  // The series of the method `full_name` as its descriptor names it
  // ("identitygraph.v1.AccessService.CheckAccess"), or null for a method
  // that is not one of identitygraph's.
  Method* Find(absl::string_view full_name);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  // Filled in the constructor, read-only after.
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_;
};

// grpc_code's value for `code`, as Go's codes.Code.String() spells it ("OK",
// "InvalidArgument", ...), which dashboards match on.
absl::string_view GrpcCodeName(grpc::StatusCode code);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_RPC_METRICS_H_
