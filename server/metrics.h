// The Prometheus endpoint (--metrics_listen, off by default): what operators
// graph and alert on. Events are counted as they happen (RPCs through
// RpcMetrics' interceptor, Auth0 exchanges as the importer's HttpObserver,
// scans as they end); state (the snapshot, graph sizes, query caches, the
// rate limiters) is read from its owners at each scrape.
//
//   std::unique_ptr<Metrics> metrics = Metrics::Create();
//   options.http.observer = metrics.get();
//   scan_options.on_ended = [&](const v1::Scan& s) { metrics->OnScanEnded(s);
//   }; builder.experimental().SetInterceptorCreators(...metrics->rpcs()...);
//   absl::Status serving = metrics->Serve("127.0.0.1:9464", state);
//   ...
//   metrics->StopServing();   // before the state's owners go away
//
// The names are those Prometheus users already graph: grpc_server_* as
// go-grpc-prometheus (SpiceDB, OpenFGA) exports them, identitygraph_* for the
// rest. Label values come from fixed sets (method names, status codes, path
// templates), never from what a caller sent. Thread-safe.
#ifndef IDENTITYGRAPH_SERVER_METRICS_H_
#define IDENTITYGRAPH_SERVER_METRICS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "graph/snapshot_holder.h"
#include "identitygraph/v1/scan_service.pb.h"
#include "importer/http_observer.h"
#include "importer/tenant_limiters.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/rpc_metrics.h"

namespace prometheus {
class Exposer;
}

namespace identitygraph {

class ScanManager;

// What a scrape reads; every pointer must stay valid until StopServing.
struct MetricsState {
  const graph::SnapshotHolder* snapshots = nullptr;
  const ScanManager* scans = nullptr;
  const importer::TenantLimiters* limiters = nullptr;
};

class Metrics final : public importer::HttpObserver {
 public:
  static std::unique_ptr<Metrics> Create();
  ~Metrics() override;

  // Serves GET /metrics over HTTP on `listen` (HOST:PORT, an address of this
  // machine; port 0 picks a free one). UNAVAILABLE when the address cannot be
  // bound.
  absl::Status Serve(const std::string& listen, MetricsState state);
  // The port Serve bound, 0 before.
  int port() const { return port_; }
  // Stops serving; scrapes in progress finish first. Idempotent.
  void StopServing();

  RpcMetrics& rpcs() { return *rpcs_; }
  void OnExchange(absl::string_view endpoint, absl::string_view status,
                  absl::Duration elapsed) override;
  void OnScanEnded(const v1::Scan& scan);

  // The text a scrape returns (tests; Serve's endpoint answers the same).
  std::string Scrape() const;

 private:
  Metrics();

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<RpcMetrics> rpcs_;
  prometheus::Family<prometheus::Counter>& auth0_requests_;
  prometheus::Family<prometheus::Histogram>& auth0_seconds_;
  prometheus::Family<prometheus::Counter>& scans_;
  prometheus::Family<prometheus::Histogram>& scan_seconds_;
  std::shared_ptr<prometheus::Collectable> state_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_METRICS_H_
