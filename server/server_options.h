// Everything identitygraph-server is started with: main() fills it from flags,
// tests fill it directly. Defaults are the production defaults.
#ifndef IDENTITYGRAPH_SERVER_SERVER_OPTIONS_H_
#define IDENTITYGRAPH_SERVER_SERVER_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "graph/queries.h"

namespace identitygraph {

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (the log names it).
  std::string listen = "127.0.0.1:50051";
  // Directory for the config, the client secret, scan history and snapshots.
  // Required.
  std::string data_dir;

  // HOST:PORT (of this machine) to serve Prometheus metrics on, over plain
  // HTTP and without a token: bind it to an address only the monitoring
  // network reaches. Empty (the default): no metrics.
  std::string metrics_listen;

  // Bearer-token files (see auth.h). Without an admin file admin RPCs are
  // disabled; without a reader file reads need no token.
  std::string admin_token_file;
  std::string reader_token_file;

  // TLS for the gRPC port: cert and key together; a client CA additionally
  // requires and verifies client certificates (mTLS). All PEM files. Empty:
  // plaintext.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;

  // Outbound Auth0 settings. `auth0_connect_to` (HOST:PORT) sends every Auth0
  // request to that address while keeping the real host name for TLS
  // verification (libcurl's connect-to); with `auth0_ca_file` it points the
  // importer at the tenant simulator. Empty in production.
  std::string auth0_connect_to;
  std::string auth0_ca_file;
  // Private Cloud host suffixes accepted as tenant domains (see
  // config_validator.h).
  std::vector<std::string> private_cloud_domain_suffixes;

  // Hardening.
  int max_receive_message_bytes = 4 << 20;
  int max_concurrent_streams = 256;
  // Clients that ping more often than this without data are sent GOAWAY.
  absl::Duration keepalive_min_ping_interval = absl::Seconds(10);
  // Server pings on idle connections to detect dead peers.
  absl::Duration keepalive_time = absl::Minutes(2);
  absl::Duration max_connection_idle = absl::Minutes(30);
  absl::Duration max_connection_age = absl::Hours(2);
  absl::Duration max_connection_age_grace = absl::Minutes(5);
  // How long in-flight RPCs may run on after SIGINT/SIGTERM before they are
  // cancelled.
  absl::Duration shutdown_grace = absl::Seconds(10);

  // Queries. The memory bound of each snapshot's query caches together (a
  // user's applications take three quarters, an application's users one);
  // and the work one query may do: vertices visited before it stops with
  // RESOURCE_EXHAUSTED, and paths one answer may carry.
  size_t query_cache_bytes = graph::kDefaultCacheCapacityBytes;
  int64_t query_max_visited =
      static_cast<int64_t>(graph::QueryLimits().max_visited);
  int query_max_paths = graph::QueryLimits().max_paths;

  // Following changes. Change batches kept (ListChangeBatches), and how late
  // Auth0 may deliver a log event for a change to count as applied once the
  // log has been read past its time plus this (min_change_time, the lag).
  int64_t change_batches_kept = 500;
  absl::Duration log_delivery_allowance = absl::Seconds(3);
};

// Checks the options before anything starts; the error names the flag and says
// what to do.
absl::Status ValidateServerOptions(const ServerOptions& options);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_SERVER_OPTIONS_H_
