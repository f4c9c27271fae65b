// auth0-sim: an HTTPS stand-in for an Auth0 tenant's Management API and
// Authorization Extension API, for identitygraph's tests, demo and benchmarks.
// See README.md.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "httplib.h"
#include "tests/auth0_sim/generator.h"
#include "tests/auth0_sim/simulator.h"
#include "tests/auth0_sim/tenant.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:8443",
          "host:port to serve HTTPS on; port 0 picks one");
ABSL_FLAG(std::string, cert_file, "",
          "PEM server certificate (make_test_ca.sh writes one)");
ABSL_FLAG(std::string, key_file, "", "PEM key of --cert_file");
ABSL_FLAG(std::string, tenant_file, "",
          "The tenant: a fixture JSON file (see README.md)");
ABSL_FLAG(std::string, generate, "",
          "Instead of --tenant_file, a synthetic tenant: users=N,connections=N,"
          "groups=N,roles=N,apps=N,orgs=N,seed=N (any subset)");
ABSL_FLAG(std::string, domain, "generated.us.auth0.com",
          "With --generate: the tenant's canonical domain");
ABSL_FLAG(std::string, client_id, "GENERATEDxxxxxxxxxxxxxxxxxxxxx01",
          "With --generate: the importer client's id");
ABSL_FLAG(std::string, client_secret, "generated-importer-secret-0123456789",
          "With --generate: the importer client's secret");
ABSL_FLAG(double, rate_burst, 50,
          "Management API rate limit: bucket size (burst)");
ABSL_FLAG(double, rate_per_second, 16,
          "Management API rate limit: refill per second");
ABSL_FLAG(double, token_rate_burst, 30,
          "POST /oauth/token rate limit: bucket size");
ABSL_FLAG(double, token_rate_per_second, 30,
          "POST /oauth/token rate limit: refill per second");
ABSL_FLAG(absl::Duration, token_lifetime, absl::Hours(24),
          "expires_in of issued tokens");
ABSL_FLAG(int, export_polls, 3,
          "GETs of a user export job until it completes (at least 1)");
ABSL_FLAG(absl::Duration, log_delivery_delay, absl::ZeroDuration(),
          "Log events become readable up to this long after they happen "
          "(each its own delay), so they arrive late and out of date order");
ABSL_FLAG(absl::Duration, log_retention, absl::Hours(24 * 30),
          "Log events older than this are purged (Auth0 keeps 1 to 30 days)");
ABSL_FLAG(double, login_noise_per_second, 0,
          "Background logins written to the log per second (and a tenth as "
          "many failed logins)");
ABSL_FLAG(
    std::string, faults, "",
    "Faults to inject, e.g. '503:nth=3;slow:fraction=0.1,delay=500ms' (see "
    "README.md); POST /__sim/faults changes them at run time");

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "auth0-sim: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "auth0_sim/main.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "an HTTPS stand-in for an Auth0 tenant.\n"
      "Usage: auth0-sim --cert_file=server.pem --key_file=server.key "
      "--tenant_file=TENANT.json");
  absl::ParseCommandLine(argc, argv);

  const std::string listen = absl::GetFlag(FLAGS_listen);
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return Fail(absl::StrCat("--listen=", listen, ": expected HOST:PORT"));
  }
  if (absl::GetFlag(FLAGS_cert_file).empty() ||
      absl::GetFlag(FLAGS_key_file).empty()) {
    return Fail(
        "--cert_file and --key_file are required "
        "(tests/auth0_sim/make_test_ca.sh)");
  }
  const std::string tenant_file = absl::GetFlag(FLAGS_tenant_file);
  const std::string generate = absl::GetFlag(FLAGS_generate);
  if (tenant_file.empty() == generate.empty()) {
    return Fail(
        "give exactly one of --tenant_file (e.g. "
        "tests/auth0_sim/fixtures/acme.json) "
        "and --generate (e.g. users=100000,groups=5000,seed=7)");
  }
  if (absl::GetFlag(FLAGS_rate_burst) < 1 ||
      absl::GetFlag(FLAGS_rate_per_second) <= 0) {
    return Fail(
        "--rate_burst must be at least 1 and --rate_per_second positive");
  }
  absl::StatusOr<identitygraph::sim::Tenant> tenant;
  if (!tenant_file.empty()) {
    tenant = identitygraph::sim::LoadTenantFile(tenant_file);
  } else {
    auto spec = identitygraph::sim::ParseGeneratorSpec(generate);
    if (!spec.ok()) return Fail(std::string(spec.status().message()));
    spec->domain = absl::GetFlag(FLAGS_domain);
    spec->client_id = absl::GetFlag(FLAGS_client_id);
    spec->client_secret = absl::GetFlag(FLAGS_client_secret);
    const absl::Time started = absl::Now();
    tenant = identitygraph::sim::GenerateTenant(*spec);
    std::printf("auth0-sim: generated %s in %s\n", generate.c_str(),
                absl::FormatDuration(absl::Now() - started).c_str());
  }
  if (!tenant.ok()) return Fail(std::string(tenant.status().message()));

  identitygraph::sim::SimulatorOptions options;
  options.rate_burst = absl::GetFlag(FLAGS_rate_burst);
  options.rate_per_second = absl::GetFlag(FLAGS_rate_per_second);
  options.token_rate_burst = absl::GetFlag(FLAGS_token_rate_burst);
  options.token_rate_per_second = absl::GetFlag(FLAGS_token_rate_per_second);
  if (options.token_rate_burst < 1 || options.token_rate_per_second <= 0) {
    return Fail(
        "--token_rate_burst must be at least 1 and --token_rate_per_second "
        "positive");
  }
  options.token_lifetime = absl::GetFlag(FLAGS_token_lifetime);
  options.export_polls_to_complete = absl::GetFlag(FLAGS_export_polls);
  if (options.export_polls_to_complete < 1) {
    return Fail("--export_polls must be at least 1");
  }
  options.logs.max_delivery_delay = absl::GetFlag(FLAGS_log_delivery_delay);
  options.logs.retention = absl::GetFlag(FLAGS_log_retention);
  options.login_noise_per_second = absl::GetFlag(FLAGS_login_noise_per_second);
  if (options.logs.max_delivery_delay < absl::ZeroDuration() ||
      options.logs.max_delivery_delay > absl::Hours(1)) {
    return Fail("--log_delivery_delay must be from 0 to 1h");
  }
  if (options.logs.retention < absl::Seconds(1)) {
    return Fail("--log_retention must be at least 1s");
  }
  if (!(options.login_noise_per_second >= 0 &&
        options.login_noise_per_second <= 10000)) {
    return Fail("--login_noise_per_second must be from 0 to 10000");
  }
  auto faults = identitygraph::sim::ParseFaultPlan(absl::GetFlag(FLAGS_faults));
  if (!faults.ok()) {
    return Fail(absl::StrCat("--faults: ", faults.status().message()));
  }
  identitygraph::sim::Simulator simulator(*std::move(tenant), options);
  simulator.SetFaultPlan(*std::move(faults));

  httplib::SSLServer server(absl::GetFlag(FLAGS_cert_file).c_str(),
                            absl::GetFlag(FLAGS_key_file).c_str());
  if (!server.is_valid()) {
    return Fail(
        "cannot load --cert_file/--key_file (not PEM, or the key does not "
        "match)");
  }
  // Like a real API front end: answers leave at once (no Nagle delay, which
  // with delayed ACKs costs 40 ms a request) and connections are reused.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  simulator.Register(server);
  const std::string host = listen.substr(0, colon);
  if (port == 0) {
    port = server.bind_to_any_port(host.c_str());
  } else if (!server.bind_to_port(host.c_str(), port)) {
    port = -1;
  }
  if (port <= 0) return Fail(absl::StrCat("cannot listen on ", listen));

  const identitygraph::sim::Tenant& t = simulator.tenant();
  std::printf(
      "auth0-sim: tenant %s (%zu users, %zu connections, %zu clients, %zu "
      "roles)%s\n",
      t.domain.c_str(), t.users.size(), t.connections.size(), t.clients.size(),
      t.roles.size(),
      t.extension_host.empty()
          ? ""
          : absl::StrCat(", extension on ", t.extension_host).c_str());
  for (const auto& client : t.importer_clients) {
    std::printf("auth0-sim: importer client id %s secret %s\n",
                client.client_id.c_str(), client.client_secret.c_str());
  }
  std::printf("auth0-sim listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);

  std::mutex mutex;
  std::condition_variable stopped;
  bool listening_ended = false;
  std::thread stopper([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    // httplib's stop() does nothing to a server whose loop has not started
    // yet, and a signal can come that early (a test that stops the simulator
    // right after start): ask again until the loop has ended.
    std::unique_lock<std::mutex> lock(mutex);
    while (!listening_ended) {
      server.stop();
      stopped.wait_for(lock, std::chrono::milliseconds(10));
    }
  });
  server.listen_after_bind();
  {
    std::lock_guard<std::mutex> lock(mutex);
    listening_ended = true;
  }
  stopped.notify_all();
  // listen_after_bind also returns if the socket fails; wake the stopper either
  // way.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  std::printf("auth0-sim stopped\n");
  return 0;
}
