// The import: a validated tenant configuration in, a graph builder holding the
// workforce part of the tenant out. It asks for tokens, resolves the selected
// connections, reads their users and every membership, and maps them onto
// the graph (graph_mapping.h), reporting progress as it goes.
//
//   std::atomic<bool> cancelled{false};
//   absl::StatusOr<ImportResult> result = Import(config, ImportOptions(),
//       cancelled, [](const ImportProgress& p) { ... });
//   if (result.ok()) snapshot = std::move(result->builder).Build(version, now);
//
// Sources and what happens when their scopes are missing:
//   required  connections (read:connections), users (read:users),
//             applications (read:clients), roles and their members and
//             permissions (read:roles, read:users), users' direct
//             permissions when enabled (read:users), the Authorization
//             Extension when enabled: the import fails, naming every missing
//             scope at once.
//   optional  APIs (read:resource_servers), native groups (read:groups,
//             read:group_members), organizations when enabled
//             (read:organizations, read:organization_members; member roles
//             read:organization_member_roles): skipped with a warning that
//             names the scopes to grant.
// Failures say what to do: UNAUTHENTICATED / PERMISSION_DENIED for
// credentials and grants, FAILED_PRECONDITION when no connection is
// selected, UNAVAILABLE when Auth0 kept failing past the retries, CANCELLED.
// A failed import returns no builder; the caller keeps its current snapshot.
#ifndef IDENTITYGRAPH_IMPORTER_IMPORT_H_
#define IDENTITYGRAPH_IMPORTER_IMPORT_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "graph/graph_builder.h"
#include "graph/graph_types.h"
#include "importer/auth0_rules.h"
#include "importer/graph_mapping.h"
#include "importer/http_client.h"
#include "importer/rate_limiter.h"
#include "importer/tenant_data.h"
#include "importer/tenant_limiters.h"
#include "importer/user_fetcher.h"

namespace identitygraph::importer {

// What to import. The server validates it before it gets here; Import,
// Diagnose and ListTenantConnections still refuse a domain or extension URL
// that is not Auth0's (CheckTenantHosts in auth0_rules.h).
// Scans and checks use half the tenant's rate limit unless told otherwise.
inline constexpr double kDefaultRateLimitShare = 0.5;

struct TenantConfig {
  std::string domain;  // canonical: acme.us.auth0.com
  // Auth0 Private Cloud host suffixes under which LABEL.SUFFIX is a tenant.
  std::vector<std::string> private_cloud_suffixes;
  std::string client_id;
  std::string client_secret;
  std::vector<std::string> connections;          // exact names
  std::vector<std::string> connection_patterns;  // RE2, whole name
  struct Extension {
    bool enabled = false;
    std::string api_url;  // https://TENANT.REGION.webtask.io/adf6.../api
    std::string audience = std::string(kDefaultExtensionAudience);
  } extension;
  bool include_organizations = false;
  bool login_reachability = false;
  // Read each selected user's direct permissions: one request per user.
  bool user_permissions = false;
  // The part of the tenant's rate limit scans and checks may use, in (0, 1]
  // (import_options.rate_limit_share / 100): the rest is left to the
  // tenant's other clients.
  double rate_limit_share = kDefaultRateLimitShare;
  // Follow the tenant's log events after a full scan (needs read:logs), read
  // every change_poll_interval.
  bool follow_changes = false;
  absl::Duration change_poll_interval = absl::Seconds(30);
};

struct ImportOptions {
  HttpClientOptions http;
  // Requests in flight at once; the shared rate limiter keeps them within
  // Auth0's budget.
  int concurrency = 4;
  RetryPolicy retry;
  UserFetchOptions users;
  // Least time between two progress reports (phase changes always report).
  absl::Duration progress_interval = absl::Milliseconds(250);
  // The server's limiters, one per Auth0 host, shared with TestConnection;
  // null: the import paces with limiters of its own.
  TenantLimiters* limiters = nullptr;
};

// In the order they run (the API's ScanPhase has the same order).
enum class ImportPhase {
  kToken = 1,
  kConnections,
  kUsers,
  kApplications,
  kRoles,
  kUserPermissions,
  kGroups,
  kOrganizations,
  kConnectionClients,
  kAuthorizationExtension,
  kBuild,
};

struct ImportWarning {
  std::string source;  // e.g. "organizations"
  std::string message;
  std::string remediation;
  std::vector<std::string> missing_scopes;
};

struct ImportProgress {
  ImportPhase phase = ImportPhase::kToken;
  // Records read so far, per vertex kind.
  std::array<int64_t, graph::kVertexKindCount> fetched{};
  // Memberships left out by the connection filter, per source.
  DroppedMemberships dropped;
  int64_t requests = 0;
  int64_t retries = 0;
  absl::Duration rate_limit_wait;
  std::string message;
  std::vector<ImportWarning> warnings;
};

using ProgressCallback = std::function<void(const ImportProgress&)>;

struct ImportResult {
  graph::GraphBuilder builder;
  // What was read, as MapToGraph took it: following changes patches it
  // (change_applier.h) and maps it again.
  TenantData data;
  ImportProgress report;  // the final figures and every warning
  UserFetchStats users;
  int token_requests = 0;
};

absl::StatusOr<ImportResult> Import(const TenantConfig& config,
                                    const ImportOptions& options,
                                    const std::atomic<bool>& cancelled,
                                    const ProgressCallback& on_progress = {});

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_IMPORT_H_
