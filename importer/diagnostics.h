// What TestConnection and ListConnections tell an operator about a tenant
// configuration, before any scan: can the application get tokens, which
// capabilities its scopes allow, whether it holds more than it should, whether
// the selected connections exist and look like workforce connections, and
// whether the Authorization Extension answers. Each check says what was found
// and, when something needs doing, what to do in Auth0.
//
//   Diagnosis d = Diagnose(config, http_options);
//   for (const Check& c : d.checks) ... c.name, c.status, c.message
//
// Every call asks Auth0 for fresh tokens (nothing is cached between calls),
// so scopes granted a moment ago show at once.
#ifndef IDENTITYGRAPH_IMPORTER_DIAGNOSTICS_H_
#define IDENTITYGRAPH_IMPORTER_DIAGNOSTICS_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "importer/connections.h"
#include "importer/http_client.h"
#include "importer/import.h"
#include "importer/tenant_limiters.h"

namespace identitygraph::importer {

enum class CheckStatus { kOk, kWarning, kFailed, kSkipped, kRateLimited };

struct Check {
  std::string name;  // e.g. "management_api_token", "scopes_applications"
  CheckStatus status = CheckStatus::kOk;
  std::string message;
  std::string remediation;
  std::vector<std::string> missing_scopes;
  // kRateLimited: when Auth0 said the budget is full again, if it said.
  std::optional<absl::Time> rate_limit_reset;
};

struct Diagnosis {
  std::vector<Check> checks;  // in the order they ran
  bool ok = true;             // no check failed or was rate-limited
};

// `cancelled` (optional) stops the checks within 100 ms when raised: the
// remaining ones fail with CANCELLED. `limiters` (optional) are the server's,
// shared with its scans. A check that Auth0 rate-limited is kRateLimited,
// with when Auth0 said its budget is full again: nothing is known to be wrong
// with what it checks.
Diagnosis Diagnose(const TenantConfig& config, const HttpClientOptions& http,
                   const std::atomic<bool>* cancelled = nullptr,
                   TenantLimiters* limiters = nullptr);

// One connection of the tenant, as ListConnections shows it.
struct TenantConnection {
  Connection connection;
  bool selected = false;
  int64_t user_count = -1;  // -1 when not counted
  ConnectionAudience audience = ConnectionAudience::kUnknown;
  std::string audience_reason;
};

// Every connection of the tenant, with users counted for the first
// `count_limit` (one request each). Errors carry a remediation
// (remediation.h); CANCELLED once `cancelled` (optional) is raised.
inline constexpr int kConnectionsCounted = 50;
absl::StatusOr<std::vector<TenantConnection>> ListTenantConnections(
    const TenantConfig& config, const HttpClientOptions& http,
    const std::atomic<bool>* cancelled = nullptr,
    int count_limit = kConnectionsCounted, TenantLimiters* limiters = nullptr);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_DIAGNOSTICS_H_
