#include "server/rpc_metrics.h"

#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "google/protobuf/descriptor.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "identitygraph/v1/scan_service.grpc.pb.h"

namespace identitygraph {
namespace {

// From 100 µs (a check answers in about 1 ms under load) to 10 s; longer
// calls (WatchScan streams) land in +Inf.
const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *kBuckets;
}

absl::string_view TypeName(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming()) {
    return method.server_streaming() ? "bidi_stream" : "client_stream";
  }
  return method.server_streaming() ? "server_stream" : "unary";
}

}  // namespace

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  static constexpr absl::string_view kNames[] = {"OK",
                                                 "Canceled",
                                                 "Unknown",
                                                 "InvalidArgument",
                                                 "DeadlineExceeded",
                                                 "NotFound",
                                                 "AlreadyExists",
                                                 "PermissionDenied",
                                                 "ResourceExhausted",
                                                 "FailedPrecondition",
                                                 "Aborted",
                                                 "OutOfRange",
                                                 "Unimplemented",
                                                 "Internal",
                                                 "Unavailable",
                                                 "DataLoss",
                                                 "Unauthenticated"};
  const int index = static_cast<int>(code);
  return index >= 0 && index < static_cast<int>(std::size(kNames))
             ? kNames[index]
             : "Unknown";
}

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("RPCs completed on the server, by status code.")
                   .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Time from an RPC's start to its status, in "
                         "seconds.")
                   .Register(registry)) {
  for (const char* service : {v1::AccessService::service_full_name(),
                              v1::ConfigService::service_full_name(),
                              v1::ScanService::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            service);
    if (descriptor == nullptr) continue;  // linked in: cannot happen
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const google::protobuf::MethodDescriptor& method = *descriptor->method(i);
      methods_[method.full_name()] = std::make_unique<Method>(
          *this,
          prometheus::Labels{{"grpc_service", service},
                             {"grpc_method", method.name()},
                             {"grpc_type", std::string(TypeName(method))}});
    }
  }
}

RpcMetrics::Method* RpcMetrics::Find(absl::string_view full_name) {
  auto it = methods_.find(full_name);
  return it == methods_.end() ? nullptr : it->second.get();
}

RpcMetrics::Method::Method(RpcMetrics& metrics, prometheus::Labels labels)
    : handled_family_(metrics.handled_),
      labels_(std::move(labels)),
      started_(metrics.started_.Add(labels_)),
      seconds_(metrics.seconds_.Add(labels_, HandlingBuckets())) {}

void RpcMetrics::Method::Handled(grpc::StatusCode code, double seconds) {
  seconds_.Observe(seconds);
  const int index =
      code >= 0 && code < kCodes ? code : grpc::StatusCode::UNKNOWN;
  prometheus::Counter* counter =
      handled_[index].load(std::memory_order_acquire);
  if (counter == nullptr) {
    prometheus::Labels labels = labels_;
    labels.emplace("grpc_code", std::string(GrpcCodeName(code)));
    // Family::Add returns the same series for the same labels, so two first
    // uses racing here store the same pointer.
    counter = &handled_family_.Add(labels);
    handled_[index].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

}  // namespace identitygraph
