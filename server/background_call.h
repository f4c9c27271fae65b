// A unary callback RPC whose work waits (on Auth0, on a scan stopping) and so
// runs on the server's WorkerPool instead of a gRPC callback thread. The work
// gets a flag that rises when the caller cancels, its deadline passes, or the
// server's shutdown grace runs out (gRPC cancels the call then), so it can stop
// within the importer's cancel interval instead of holding shutdown up.
//
//   return RunInBackground(pool_, context, [response](const auto& cancelled) {
//     ... fill *response ...
//     return grpc::Status::OK;
//   });
//
// A full pool answers RESOURCE_EXHAUSTED at once, naming the bound.
#ifndef IDENTITYGRAPH_SERVER_BACKGROUND_CALL_H_
#define IDENTITYGRAPH_SERVER_BACKGROUND_CALL_H_

#include <atomic>
#include <functional>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "server/worker_pool.h"

namespace identitygraph {

using BackgroundWork =
    std::function<grpc::Status(const std::atomic<bool>& cancelled)>;

grpc::ServerUnaryReactor* RunInBackground(WorkerPool& pool,
                                          BackgroundWork work);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_BACKGROUND_CALL_H_
