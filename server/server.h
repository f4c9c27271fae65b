// identitygraph's gRPC server: the three services, the standard health service
// and server reflection, behind bearer-token auth, with the hardening limits of
// ServerOptions.
//
//   absl::StatusOr<std::unique_ptr<IdentityGraphServer>> server =
//       IdentityGraphServer::Start(options);   // serving when this returns OK
//   ...
//   (*server)->Shutdown(absl::Seconds(10));     // from any thread, e.g. a
//   signal watcher
//   (*server)->Wait();
#ifndef IDENTITYGRAPH_SERVER_SERVER_H_
#define IDENTITYGRAPH_SERVER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "graph/snapshot_holder.h"
#include "grpcpp/server.h"
#include "importer/tenant_limiters.h"
#include "server/access_service.h"
#include "server/auth.h"
#include "server/config_service.h"
#include "server/config_store.h"
#include "server/metrics.h"
#include "server/scan_manager.h"
#include "server/scan_service.h"
#include "server/server_options.h"
#include "server/worker_pool.h"

namespace identitygraph {

class IdentityGraphServer {
 public:
  // Validates `options`, prepares the data directory, loads tokens and the
  // saved config, and starts serving. Errors say which flag or file is wrong.
  static absl::StatusOr<std::unique_ptr<IdentityGraphServer>> Start(
      const ServerOptions& options);

  IdentityGraphServer(const IdentityGraphServer&) = delete;
  IdentityGraphServer& operator=(const IdentityGraphServer&) = delete;
  // Shuts down at once if Shutdown was not called.
  ~IdentityGraphServer();

  // The address actually listened on (the chosen port when the options asked
  // for port 0).
  const std::string& address() const { return address_; }
  // The port metrics are served on (--metrics_listen), or 0 without.
  int metrics_port() const {
    return metrics_ == nullptr ? 0 : metrics_->port();
  }

  // Stops accepting calls and marks the health service NOT_SERVING; in-flight
  // calls may finish within `grace`, then are cancelled. Returns when the
  // server has stopped. Thread-safe; later calls return at once.
  void Shutdown(absl::Duration grace);

  // Blocks until the server has stopped.
  void Wait();

 private:
  IdentityGraphServer(std::unique_ptr<Metrics> metrics,
                      std::unique_ptr<importer::TenantLimiters> limiters,
                      std::unique_ptr<ConfigStore> store, Authorizer authorizer,
                      std::unique_ptr<graph::SnapshotHolder> holder,
                      std::unique_ptr<ScanManager> scans,
                      const ServerOptions& options);

  // First, so it goes last: everything below reports to it. Null without
  // --metrics_listen.
  std::unique_ptr<Metrics> metrics_;
  // One rate limiter per Auth0 host for scans and TestConnection alike.
  std::unique_ptr<importer::TenantLimiters> limiters_;
  std::unique_ptr<ConfigStore> store_;
  Authorizer authorizer_;
  std::unique_ptr<graph::SnapshotHolder> holder_;
  std::unique_ptr<ScanManager> scans_;
  // The threads of admin calls that wait (TestConnection, ListConnections,
  // CancelScan); joined after the gRPC server has stopped.
  WorkerPool admin_workers_;
  // The threads of reads that wait for min_change_time.
  WorkerPool change_waiters_;
  ConfigServiceImpl config_service_;
  AccessServiceImpl access_service_;
  ScanServiceImpl scan_service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  absl::Mutex shutdown_mutex_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mutex_) = false;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_SERVER_H_
