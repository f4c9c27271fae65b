// identitygraph-server: flags in, a running server out, clean stop on
// SIGINT/SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/log.h"
#include "server/server.h"
#include "server/server_options.h"

namespace {
const identitygraph::ServerOptions kDefaults;
}  // namespace

ABSL_FLAG(std::string, listen, kDefaults.listen,
          "host:port to serve gRPC on; port 0 picks a free port and logs it");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port (of this machine) to serve Prometheus metrics on at "
          "/metrics, over plain HTTP and without a token; port 0 picks a "
          "free port and logs it. Unset: no metrics");
ABSL_FLAG(std::string, log_format, "text",
          "How log lines are written to stderr: text (TIME SEVERITY message) "
          "or json (one {\"time\", \"severity\", \"message\"} object per "
          "line, for log shippers)");
ABSL_FLAG(std::string, data_dir, "",
          "Required. Directory for the configuration, the client secret (mode "
          "0600), scan "
          "history and snapshots; created (mode 0700) if missing");
ABSL_FLAG(
    std::string, admin_token_file, "",
    "File with the admin bearer token(s), one per line, for ConfigService and "
    "ScanService. Unset: admin RPCs are disabled");
ABSL_FLAG(std::string, reader_token_file, "",
          "File with the reader bearer token(s), one per line, for "
          "AccessService. Unset: "
          "reads need no token (logged at start)");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain for TLS on the gRPC port");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key for --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA bundle: require and verify client certificates signed by it "
          "(mTLS)");
ABSL_FLAG(std::string, auth0_connect_to, "",
          "HOST:PORT to send every outbound Auth0 request to, keeping the real "
          "host name for "
          "TLS verification (for the tenant simulator). Unset in production");
ABSL_FLAG(std::string, auth0_ca_file, "",
          "PEM CA bundle to verify Auth0 (or the simulator) with, instead of "
          "the system's");
ABSL_FLAG(std::vector<std::string>, private_cloud_domain_suffixes, {},
          "Comma-separated host suffixes of Auth0 Private Cloud deployments; "
          "LABEL.SUFFIX is "
          "then accepted as a tenant domain");
ABSL_FLAG(int, max_receive_message_bytes, kDefaults.max_receive_message_bytes,
          "Largest request message accepted, in bytes");
ABSL_FLAG(int, max_concurrent_streams, kDefaults.max_concurrent_streams,
          "Most concurrent calls per client connection");
ABSL_FLAG(absl::Duration, keepalive_min_ping_interval,
          kDefaults.keepalive_min_ping_interval,
          "Clients pinging more often than this without data are disconnected");
ABSL_FLAG(absl::Duration, keepalive_time, kDefaults.keepalive_time,
          "Ping idle clients this often to detect dead connections");
ABSL_FLAG(absl::Duration, max_connection_idle, kDefaults.max_connection_idle,
          "Close client connections idle for this long");
ABSL_FLAG(
    absl::Duration, max_connection_age, kDefaults.max_connection_age,
    "Ask clients to reconnect after this long, so load spreads over replicas");
ABSL_FLAG(absl::Duration, max_connection_age_grace,
          kDefaults.max_connection_age_grace,
          "Time calls get to finish on a connection past its maximum age");
ABSL_FLAG(absl::Duration, shutdown_grace, kDefaults.shutdown_grace,
          "On SIGINT/SIGTERM, time in-flight calls get to finish before they "
          "are cancelled");

ABSL_FLAG(uint64_t, query_cache_bytes, kDefaults.query_cache_bytes,
          "Memory bound of each snapshot's query caches together, in bytes (a "
          "user's applications take 3/4, an application's users and a "
          "permission's holders 1/8 each)");
ABSL_FLAG(int64_t, query_max_visited, kDefaults.query_max_visited,
          "Vertices one query may visit before it stops with "
          "RESOURCE_EXHAUSTED");
ABSL_FLAG(int, query_max_paths, kDefaults.query_max_paths,
          "Most explaining paths one answer carries (requests may ask for "
          "fewer)");

ABSL_FLAG(int64_t, change_batches_kept, kDefaults.change_batches_kept,
          "Batches of followed changes kept for ListChangeBatches, in memory "
          "and in the data directory (1 to 100000)");
ABSL_FLAG(absl::Duration, log_delivery_allowance,
          kDefaults.log_delivery_allowance,
          "How late Auth0 may deliver a tenant log event: a change made at T "
          "counts as applied (min_change_time, the lag GetGraphStats reports) "
          "once the log has been read past T plus this");

int main(int argc, char** argv) {
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles
  // (gRPC's mutexes are absl::Mutex): 1.6% of a loaded server's CPU in
  // perf, for a check our tests and TSan cover.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Block the stop signals in every thread (gRPC's threads inherit this mask)
  // so that only the watcher below receives them, outside any signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // absl's --help lists only flags of a file named after the binary; ours live
  // in main.cc.
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "server/main.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "answers who can reach which Auth0 application, and why.\n"
      "Usage: identitygraph-server --data_dir=DIR [--admin_token_file=FILE] "
      "[flags]");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::fprintf(stderr,
                 "identitygraph-server: unexpected argument '%s'; see --help\n",
                 positional[1]);
    return 2;
  }

  identitygraph::LogFormat log_format;
  if (!identitygraph::ParseLogFormat(absl::GetFlag(FLAGS_log_format),
                                     &log_format)) {
    std::fprintf(stderr,
                 "identitygraph-server: --log_format must be text or json, "
                 "not '%s'\n",
                 absl::GetFlag(FLAGS_log_format).c_str());
    return 2;
  }
  identitygraph::SetLogFormat(log_format);

  identitygraph::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.admin_token_file = absl::GetFlag(FLAGS_admin_token_file);
  options.reader_token_file = absl::GetFlag(FLAGS_reader_token_file);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.auth0_connect_to = absl::GetFlag(FLAGS_auth0_connect_to);
  options.auth0_ca_file = absl::GetFlag(FLAGS_auth0_ca_file);
  options.private_cloud_domain_suffixes =
      absl::GetFlag(FLAGS_private_cloud_domain_suffixes);
  options.max_receive_message_bytes =
      absl::GetFlag(FLAGS_max_receive_message_bytes);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.keepalive_min_ping_interval =
      absl::GetFlag(FLAGS_keepalive_min_ping_interval);
  options.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  options.max_connection_idle = absl::GetFlag(FLAGS_max_connection_idle);
  options.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  options.max_connection_age_grace =
      absl::GetFlag(FLAGS_max_connection_age_grace);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.query_cache_bytes = absl::GetFlag(FLAGS_query_cache_bytes);
  options.change_batches_kept = absl::GetFlag(FLAGS_change_batches_kept);
  options.log_delivery_allowance = absl::GetFlag(FLAGS_log_delivery_allowance);
  options.query_max_visited = absl::GetFlag(FLAGS_query_max_visited);
  options.query_max_paths = absl::GetFlag(FLAGS_query_max_paths);

  auto server = identitygraph::IdentityGraphServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "identitygraph-server: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }

  std::thread signal_watcher([&stop_signals, &server,
                              grace = options.shutdown_grace] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    identitygraph::LogInfo(absl::StrCat("received ", strsignal(signal_number),
                                        "; stopping (in-flight calls get ",
                                        absl::FormatDuration(grace), ")"));
    (*server)->Shutdown(grace);
  });
  (*server)->Wait();
  signal_watcher.join();
  identitygraph::LogInfo("identitygraph-server stopped");
  return 0;
}
