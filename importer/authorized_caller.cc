#include "importer/authorized_caller.h"

#include <optional>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "importer/cancellation.h"
#include "importer/rate_limited.h"

namespace identitygraph::importer {

AuthorizedCaller::AuthorizedCaller(HttpClient* http, TokenSource* tokens,
                                   RateLimiter* limiter, RetryPolicy policy,
                                   const std::atomic<bool>* cancelled,
                                   WaitMeter* waits,
                                   std::function<double()> random,
                                   RateLimiter::Sleeper sleep)
    : http_(http),
      tokens_(tokens),
      limiter_(limiter),
      policy_(policy),
      cancelled_(cancelled),
      waits_(waits),
      random_(std::move(random)),
      sleep_(std::move(sleep)) {
  if (!random_) {
    random_ = [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
}

absl::StatusOr<HttpResponse> AuthorizedCaller::Get(
    const std::string& url, const std::string& audience) {
  HttpRequest request;
  request.url = url;
  return Call(std::move(request), audience);
}

absl::StatusOr<HttpResponse> AuthorizedCaller::Post(
    const std::string& url, const std::string& audience,
    const std::string& json_body) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = json_body;
  return Call(std::move(request), audience);
}

absl::StatusOr<HttpResponse> AuthorizedCaller::Call(
    HttpRequest request, const std::string& audience) {
  request.cancelled = cancelled_;
  const size_t base_headers = request.headers.size();
  bool refresh_token = false;
  bool refreshed =
      false;  // one fresh token per call: a second expiry is not a lapse
  std::string last_trouble;
  std::string rejected;          // the token an API called expired
  int rate_limited = 0;          // 429 answers
  std::optional<int64_t> reset;  // the last 429's x-ratelimit-reset
  for (int attempt = 1; attempt <= policy_.max_attempts; ++attempt) {
    if (attempt > 1) ++retries_;
    absl::StatusOr<RateLimiter::Turn> turn =
        limiter_->AwaitTurn(*cancelled_, waits_);
    if (!turn.ok()) return turn.status();
    absl::StatusOr<Token> token = refresh_token
                                      ? tokens_->Replace(audience, rejected)
                                      : tokens_->Get(audience);
    if (!token.ok()) {
      limiter_->Abandon(*turn);  // nothing was sent
      if (!absl::IsUnavailable(token.status())) return token.status();
      last_trouble = std::string(token.status().message());
    } else {
      refresh_token = false;  // only once a fresh one is in hand
      request.headers.resize(base_headers);
      request.headers.emplace_back("Authorization",
                                   "Bearer " + token->access_token);
      ++requests_;
      absl::StatusOr<HttpResponse> response = http_->Send(request);
      if (response.ok()) {
        limiter_->Observe(*turn, response->status, response->headers);
        if (response->status == 401 && !refreshed &&
            absl::StrContains(response->body, "Expired token")) {
          // It lapsed mid-import: fetch one, try again.
          refresh_token = refreshed = true;
          rejected = token->access_token;
          continue;
        }
        if (!RetryPolicy::IsRetryableStatus(response->status)) return response;
        last_trouble = absl::StrCat("HTTP ", response->status);
        if (response->status == 429) {
          ++rate_limited;
          reset = HeaderNumber(response->headers, "x-ratelimit-reset");
          continue;  // the limiter already waits for the reset
        }
      } else {
        limiter_->Abandon(*turn);
        if (!absl::IsUnavailable(response.status()) &&
            !absl::IsDeadlineExceeded(response.status())) {
          return response.status();
        }
        last_trouble = std::string(response.status().message());
      }
    }
    if (attempt < policy_.max_attempts) {
      if (absl::Status slept = SleepUnlessCancelled(
              policy_.Backoff(attempt, random_()), *cancelled_, sleep_);
          !slept.ok()) {
        return slept;
      }
    }
  }
  if (rate_limited == policy_.max_attempts) {
    return RateLimited(
        absl::ResourceExhaustedError(absl::StrCat(
            "Auth0 rate-limited every attempt (", rate_limited,
            " answers of HTTP 429) at ", request.method, " ", request.url,
            ": the tenant's rate limit is in use, by other clients or by "
            "this server's scans")),
        reset.has_value()
            ? std::optional<absl::Time>(absl::FromUnixSeconds(*reset))
            : std::nullopt);
  }
  return absl::UnavailableError(
      absl::StrCat("gave up on ", request.url, " after ", policy_.max_attempts,
                   " attempts; the last trouble: ", last_trouble));
}

}  // namespace identitygraph::importer
