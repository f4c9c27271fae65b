// Access tokens of the simulator: JWT-shaped (header.payload.signature,
// base64url) with the claims Auth0 puts in Management API tokens (iss, sub,
// aud, iat, exp, azp, gty, scope), so a client that decodes them sees what it
// would see from Auth0. The simulator recognises its tokens by lookup, not by
// signature. Thread-safe.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_TOKEN_STORE_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_TOKEN_STORE_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace identitygraph::sim {

struct TokenGrant {
  std::string client_id;
  std::string audience;
  std::vector<std::string> scopes;
  absl::Time expires;
};

class TokenStore {
 public:
  // Issues a token for `grant`; `issuer` is https://DOMAIN/.
  std::string Issue(const TokenGrant& grant, const std::string& issuer,
                    absl::Time now) ABSL_LOCKS_EXCLUDED(mutex_);

  enum class Check { kValid, kUnknown, kExpired };
  // Looks a token up; on kValid and kExpired, `*grant` is filled.
  Check Lookup(const std::string& token, absl::Time now,
               TokenGrant* grant) const ABSL_LOCKS_EXCLUDED(mutex_);

  // Makes every token issued so far expire now (fault injection: "expire tokens
  // early").
  void ExpireAll(absl::Time now) ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, TokenGrant> tokens_ ABSL_GUARDED_BY(mutex_);
  uint64_t counter_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_TOKEN_STORE_H_
