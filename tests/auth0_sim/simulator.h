// auth0-sim's request handling: routes every HTTPS request by host and path to
// the token endpoint, the Management API, the Authorization Extension API or
// the control endpoints, after the checks Auth0 makes (host, bearer token,
// audience, expiry, scopes, rate limit), answering with Auth0's status codes,
// bodies and x-ratelimit-* headers.
//
//   Simulator simulator(std::move(tenant), options);
//   httplib::SSLServer server(cert, key);
//   simulator.Register(server);   // then server.listen(...)
//
// Thread-safe: httplib calls the handlers from many threads.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_SIMULATOR_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_SIMULATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "re2/re2.h"
#include "tests/auth0_sim/api_reply.h"
#include "tests/auth0_sim/export_jobs.h"
#include "tests/auth0_sim/faults.h"
#include "tests/auth0_sim/log_stream.h"
#include "tests/auth0_sim/rate_limiter.h"
#include "tests/auth0_sim/tenant.h"
#include "tests/auth0_sim/token_store.h"

namespace identitygraph::sim {

struct SimulatorOptions {
  // expires_in of issued tokens.
  absl::Duration token_lifetime = absl::Hours(24);
  // The Management API bucket; the defaults are an Enterprise production
  // tenant's.
  double rate_burst = 50;
  double rate_per_second = 16;
  // POST /oauth/token has its own bucket (the free plan's "Get Token" limit).
  double token_rate_burst = 30;
  double token_rate_per_second = 30;
  // GETs of an export job before it completes.
  int export_polls_to_complete = 3;
  // The tenant log: delivery delay, retention, and background logins (and a
  // tenth as many failed ones) per second among the changes.
  LogStreamOptions logs;
  double login_noise_per_second = 0;
};

class Simulator {
 public:
  Simulator(Tenant tenant, SimulatorOptions options);

  // Routes every method and path of `server` to this simulator.
  void Register(httplib::Server& server);

  // Request counts per endpoint, 429s served, bytes sent (GET /__sim/stats).
  nlohmann::json Stats() const ABSL_LOCKS_EXCLUDED(mutex_);

  // The tenant as it is now; only for use before serving (changes arrive on
  // the HTTP threads).
  const Tenant& tenant() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return tenant_;
  }
  // Replaces the fault plan (see faults.h); POST /__sim/faults does the same.
  void SetFaultPlan(std::vector<FaultRule> rules) {
    faults_.SetPlan(std::move(rules));
  }

 private:
  void Handle(const httplib::Request& request, httplib::Response& response);
  ApiReply Route(const httplib::Request& request, std::string& endpoint,
                 httplib::Response& response);
  ApiReply IssueToken(const httplib::Request& request, std::string& client_id)
      ABSL_SHARED_LOCKS_REQUIRED(tenant_mutex_);
  // POST /__sim/changes: applies the body's changes, writing their events.
  ApiReply ApplyChanges(const httplib::Request& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tenant_mutex_);
  // Writes the background logins due by `now`.
  void WriteLoginNoise(absl::Time now) ABSL_SHARED_LOCKS_REQUIRED(tenant_mutex_)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // Checks the bearer token against `audience` and `scopes` (all required). On
  // failure returns the error reply; `extension` picks the extension's error
  // style.
  // With `any_of`, one of `scopes` suffices instead of all.
  std::optional<ApiReply> Authorize(const httplib::Request& request,
                                    const std::string& audience,
                                    const std::vector<std::string>& scopes,
                                    bool extension, bool any_of = false);
  ApiReply ManagementApi(const httplib::Request& request, std::string& endpoint,
                         httplib::Response& response);
  ApiReply ExtensionApi(const httplib::Request& request, std::string& endpoint);
  void AddManagementRoutes();
  void AddExtensionRoutes();

  // One API endpoint: method, path pattern (its captures are the
  // record ids), the scopes it needs, and the handler.
  struct ApiRoute {
    // The path's captures (record ids), URL-decoded, in order.
    using Ids = std::vector<std::string>;
    using Handler =
        std::function<ApiReply(const Ids& ids, const httplib::Request&)>;
    std::string method;
    std::string name;  // in stats, e.g. "GET /api/v2/roles/{id}/users"
    std::unique_ptr<RE2> pattern;
    std::vector<std::string> scopes;
    bool any_of = false;
    Handler handler;
  };
  void Count(const std::string& endpoint, int status, size_t bytes,
             const std::string& refusal) ABSL_LOCKS_EXCLUDED(mutex_);

  // Readers (every request) share it; POST /__sim/changes writes.
  mutable absl::Mutex tenant_mutex_;
  Tenant tenant_ ABSL_GUARDED_BY(tenant_mutex_);
  const SimulatorOptions options_;
  LogStream logs_;
  TokenStore tokens_;
  ExportJobs export_jobs_;
  FaultInjector faults_;
  RateLimiter management_limit_;
  RateLimiter token_limit_;
  std::vector<ApiRoute> management_routes_;
  std::vector<ApiRoute>
      extension_routes_;  // paths relative to kExtensionPrefix
  // Finds the route for `path` in `routes`, checks the token, and runs it.
  ApiReply Dispatch(const std::vector<ApiRoute>& routes,
                    const httplib::Request& request, const std::string& path,
                    const std::string& audience, bool extension,
                    std::string& endpoint);

  mutable absl::Mutex mutex_;
  std::map<std::string, int64_t> requests_by_endpoint_ ABSL_GUARDED_BY(mutex_);
  // "ENDPOINT -> STATUS REASON" -> count, for 4xx answers other than 429.
  std::map<std::string, int64_t> refused_ ABSL_GUARDED_BY(mutex_);
  int64_t requests_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t rate_limited_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t bytes_sent_ ABSL_GUARDED_BY(mutex_) = 0;
  // Background logins written up to here; their random sequence.
  absl::Time noise_until_ ABSL_GUARDED_BY(mutex_);
  uint64_t noise_seed_ ABSL_GUARDED_BY(mutex_) = 1;
};

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_SIMULATOR_H_
