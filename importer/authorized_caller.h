// The one way the importer calls an Auth0 API: with a token for the audience,
// paced by the shared rate limiter, retried with backoff on 408/429/5xx and on
// network trouble, and with one fresh token after a 401 "Expired token".
// Fetchers build on this and never touch the HTTP client directly.
//
//   AuthorizedCaller caller(&http, &tokens, &limiter, RetryPolicy(),
//   &cancelled); absl::StatusOr<HttpResponse> roles =
//       caller.Get("https://acme.us.auth0.com/api/v2/roles?per_page=100",
//       audience);
//
// Returns the first answer that is not worth retrying (2xx, or a 4xx such as
// 403 for a missing scope: the caller decides), or UNAVAILABLE naming the last
// trouble once attempts run out, or CANCELLED. Not thread-safe (it holds an
// HttpClient's connection); give each fetcher thread its own, sharing the
// TokenSource and RateLimiter.
#ifndef IDENTITYGRAPH_IMPORTER_AUTHORIZED_CALLER_H_
#define IDENTITYGRAPH_IMPORTER_AUTHORIZED_CALLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "importer/http_client.h"
#include "importer/rate_limiter.h"
#include "importer/token_source.h"
#include "importer/wait_meter.h"

namespace identitygraph::importer {

class AuthorizedCaller {
 public:
  // Everything pointed to must outlive the caller. `waits` (optional) counts
  // the time this caller's requests wait on the limiter. `random` gives
  // jitter in [0, 1); `sleep` waits out backoff (tests pass fakes).
  AuthorizedCaller(HttpClient* http, TokenSource* tokens, RateLimiter* limiter,
                   RetryPolicy policy, const std::atomic<bool>* cancelled,
                   WaitMeter* waits = nullptr,
                   std::function<double()> random = nullptr,
                   RateLimiter::Sleeper sleep = absl::SleepFor);

  absl::StatusOr<HttpResponse> Get(const std::string& url,
                                   const std::string& audience);
  absl::StatusOr<HttpResponse> Post(const std::string& url,
                                    const std::string& audience,
                                    const std::string& json_body);

  // Read from any thread (progress reports) while the owner calls.
  int64_t requests() const { return requests_.load(); }
  int64_t retries() const { return retries_.load(); }

 private:
  absl::StatusOr<HttpResponse> Call(HttpRequest request,
                                    const std::string& audience);

  HttpClient* const http_;
  TokenSource* const tokens_;
  RateLimiter* const limiter_;
  const RetryPolicy policy_;
  const std::atomic<bool>* const cancelled_;
  WaitMeter* const waits_;
  std::function<double()> random_;
  const RateLimiter::Sleeper sleep_;
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> retries_{0};
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_AUTHORIZED_CALLER_H_
