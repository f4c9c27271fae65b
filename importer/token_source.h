// Access tokens from Auth0's client-credentials grant, one per audience (the
// Management API's https://DOMAIN/api/v2/, the Authorization Extension's
// urn:auth0-authz-api), cached until `refresh_margin` before they expire.
// Auth0's token endpoint is rate limited and an M2M token per request is a
// classic cause of 429s, so every caller shares these.
//
//   TokenSource tokens(&http, {"acme.us.auth0.com", client_id, client_secret});
//   absl::StatusOr<Token> token =
//   tokens.Get("https://acme.us.auth0.com/api/v2/");
//   ... a 401 "Expired token" from the API: tokens.Get(audience,
//   /*force_refresh=*/true)
//
// Failures carry what to do about them:
//   UNAUTHENTICATED     401 access_denied: client id, secret or tenant domain
//   is wrong PERMISSION_DENIED   403: the application is not authorised for the
//   API (a client
//                       grant), the audience is not an API of the tenant, or
//                       the client credentials grant is off
//   UNAVAILABLE         429, 5xx, network trouble, or an answer that is not
//   Auth0's
// Thread-safe; requests for tokens are serialised (they are rare).
#ifndef IDENTITYGRAPH_IMPORTER_TOKEN_SOURCE_H_
#define IDENTITYGRAPH_IMPORTER_TOKEN_SOURCE_H_

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "importer/http_client.h"

namespace identitygraph::importer {

struct ClientCredentials {
  std::string domain;  // canonical, e.g. acme.us.auth0.com
  std::string client_id;
  std::string client_secret;
};

struct Token {
  std::string access_token;
  absl::Time issued;  // when the request for it left
  absl::Time expires;
  // The scopes Auth0 granted (from the response's `scope`).
  std::vector<std::string> scopes;
  bool HasScope(const std::string& scope) const;
};

// How long before expiry a token of `lifetime` is replaced: `max_margin`, or a
// tenth of the lifetime when that is less. A fixed margin would never reuse a
// token that lives no longer than it (measured: 188 token requests for 189
// calls with 5-minute tokens).
inline constexpr double kRefreshFraction = 0.1;
absl::Duration RefreshMargin(absl::Duration lifetime,
                             absl::Duration max_margin);

// For a 429 from the token endpoint: how long its headers ask to wait
// (Retry-After, else until x-ratelimit-reset); nullopt for other errors.
std::optional<absl::Duration> RetryAfterOf(const absl::Status& status);

class TokenSource {
 public:
  // `http` must outlive the source. `now` is the clock (tests pass a fake one).
  TokenSource(HttpClient* http, ClientCredentials credentials,
              absl::Duration refresh_margin = absl::Minutes(5),
              std::function<absl::Time()> now = absl::Now);

  // A token for `audience`: the cached one unless it is within its refresh
  // margin of expiry (RefreshMargin) or `force_refresh` is set.
  absl::StatusOr<Token> Get(const std::string& audience,
                            bool force_refresh = false)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // A fresh token in place of `rejected` (which the API called expired),
  // unless another caller has already replaced it: concurrent fetchers that
  // all see the same expiry make one token request, not one each.
  absl::StatusOr<Token> Replace(const std::string& audience,
                                const std::string& rejected)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // Token requests sent so far.
  int requests() const ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  absl::StatusOr<Token> Request(const std::string& audience)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  bool FreshEnough(const Token& token) const;

  HttpClient* const http_;
  const ClientCredentials credentials_;
  const absl::Duration refresh_margin_;
  const std::function<absl::Time()> now_;
  mutable std::mutex mutex_;
  std::map<std::string, Token> tokens_ ABSL_GUARDED_BY(mutex_);
  int requests_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_TOKEN_SOURCE_H_
