// A callback service whose handlers receive requests that parsed, and whose
// callers get INVALID_ARGUMENT with the reason for one that did not (see
// parsed_request.h for why gRPC's own handling is replaced).
//
//   class FooServiceImpl final
//       : public ParsingService<v1::FooService::CallbackService> {
//     FooServiceImpl(...) : ParsingService(authorizer, Role::kAdmin) {
//       ParseRequestsOf("identitygraph.v1.FooService.Bar",
//       &FooServiceImpl::Bar);
//     }
//     grpc::ServerUnaryReactor* Bar(..., const v1::BarRequest*, ...) override;
//   };
//
// Every RPC of the service must be registered in the constructor; the
// generated SetMessageAllocatorFor_ methods must not be called (they assume
// gRPC's own handler types): pass the allocator to ParseRequestsOf. A request
// that does not parse is answered only after the caller's token is checked,
// so an unauthenticated caller learns nothing about its request. With metrics
// on, every call is counted (call_metrics.h): the handler's call is in scope
// while it runs.
#ifndef IDENTITYGRAPH_SERVER_PARSING_SERVICE_H_
#define IDENTITYGRAPH_SERVER_PARSING_SERVICE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/message_allocator.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "server/auth.h"
#include "server/call_metrics.h"
#include "server/grpc_status.h"
#include "server/parsed_request.h"
#include "server/rpc_metrics.h"

namespace identitygraph {

template <typename CallbackService>
class ParsingService : public CallbackService {
 protected:
  // Callers whose requests do not parse must hold `role` to hear why. Calls
  // are counted in `rpcs` unless it is null.
  ParsingService(const Authorizer& authorizer, Role role, RpcMetrics* rpcs)
      : authorizer_(authorizer), role_(role), rpcs_(rpcs) {}

  template <typename Impl, typename Request, typename Response>
  void ParseRequestsOf(
      absl::string_view full_method_name,
      grpc::ServerUnaryReactor* (Impl::*handler)(grpc::CallbackServerContext*,
                                                 const Request*, Response*),
      grpc::MessageAllocator<ParsedRequest<Request>, Response>* allocator =
          nullptr) {
    auto* parsing =
        new grpc::internal::CallbackUnaryHandler<ParsedRequest<Request>,
                                                 Response>(
            [this, handler, method = CountedMethod(full_method_name)](
                grpc::CallbackServerContext* context,
                const ParsedRequest<Request>* request,
                Response* response) -> grpc::ServerUnaryReactor* {
              CountedCall call(method);
              CallScope scope(call);
              if (!request->parse_status().ok()) {
                return FinishNow(context, Refusal(*context, *request));
              }
              return (static_cast<Impl*>(this)->*handler)(
                  context, &request->message(), response);
            });
    if (allocator != nullptr) parsing->SetMessageAllocator(allocator);
    this->MarkMethodCallback(
        MethodIndex(full_method_name, Request().GetTypeName()), parsing);
  }

  template <typename Impl, typename Request, typename Response>
  void ParseRequestsOf(absl::string_view full_method_name,
                       grpc::ServerWriteReactor<Response>* (Impl::*handler)(
                           grpc::CallbackServerContext*, const Request*)) {
    this->MarkMethodCallback(
        MethodIndex(full_method_name, Request().GetTypeName()),
        new grpc::internal::CallbackServerStreamingHandler<
            ParsedRequest<Request>, Response>(
            [this, handler, method = CountedMethod(full_method_name)](
                grpc::CallbackServerContext* context,
                const ParsedRequest<Request>* request)
                -> grpc::ServerWriteReactor<Response>* {
              CountedCall call(method);
              CallScope scope(call);
              if (!request->parse_status().ok()) {
                return new FinishedWriteReactor<Response>(
                    Refusal(*context, *request));
              }
              return (static_cast<Impl*>(this)->*handler)(context,
                                                          &request->message());
            }));
  }

 private:
  RpcMetrics::Method* CountedMethod(absl::string_view full_method_name) {
    return rpcs_ == nullptr ? nullptr : rpcs_->Find(full_method_name);
  }

  template <typename Request>
  grpc::Status Refusal(const grpc::CallbackServerContext& context,
                       const ParsedRequest<Request>& request) const {
    absl::Status allowed = authorizer_.Authorize(context, role_);
    return ToGrpcStatus(allowed.ok() ? request.parse_status() : allowed);
  }

  const Authorizer& authorizer_;
  const Role role_;
  RpcMetrics* const rpcs_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_PARSING_SERVICE_H_
