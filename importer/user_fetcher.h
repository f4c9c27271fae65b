// Reads every user of one connection, the cheapest complete way Auth0 allows:
// a search (`q=identities.connection:"NAME"`, 100 per page, include_totals)
// while the connection has at most 1000 users; past that, Auth0's search
// stops, so a user export job is made for the connection, polled until done,
// and its gzip NDJSON file downloaded and parsed as it streams in. The first
// search page tells which way to go.
//
//   absl::StatusOr<std::vector<TenantUser>> users = FetchConnectionUsers(
//       api, &http, connection, UserFetchOptions(), &cancelled, &stats);
//
// The download link is valid for 60 s and a download can be cut: a failed
// download asks the job for a fresh link and starts again, a few times. The
// download carries no token (the link is signed) and is not paced by the
// Management API's rate limiter. Errors as in auth0_api.h; DEADLINE_EXCEEDED
// when the job does not finish within `export_timeout`; CANCELLED.
#ifndef IDENTITYGRAPH_IMPORTER_USER_FETCHER_H_
#define IDENTITYGRAPH_IMPORTER_USER_FETCHER_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "importer/connections.h"
#include "importer/http_client.h"
#include "importer/management_fetchers.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

struct UserFetchOptions {
  // Search while a connection has at most this many users (Auth0's cap).
  int64_t search_limit = 1000;
  // Waits between polls of an export job: the job's own estimate, kept within
  // these bounds.
  absl::Duration min_poll_interval = absl::Seconds(1);
  absl::Duration max_poll_interval = absl::Seconds(15);
  absl::Duration export_timeout = absl::Hours(1);
  absl::Duration download_timeout = absl::Minutes(30);
  int download_attempts = 4;
};

// Figures for the scan report and the benchmark. Added to, not reset.
struct UserFetchStats {
  int64_t export_jobs = 0;
  int64_t export_polls = 0;
  int64_t downloads = 0;
  int64_t download_bytes = 0;  // compressed
  int64_t export_lines = 0;
  absl::Duration parse_time;  // JSON of export lines
};

// Users of `connection`, each with connection_ids = {connection.id}.
absl::StatusOr<std::vector<TenantUser>> FetchConnectionUsers(
    const ManagementApi& api, HttpClient* download_http,
    const Connection& connection, const UserFetchOptions& options,
    const std::atomic<bool>* cancelled, UserFetchStats* stats);

// How many users a connection has, by Auth0's search (one request; the
// search's total can lag a little behind, it is eventually consistent).
absl::StatusOr<int64_t> CountConnectionUsers(const ManagementApi& api,
                                             const Connection& connection);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_USER_FETCHER_H_
