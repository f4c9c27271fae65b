#include "tests/auth0_sim/token_store.h"

#include <random>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace identitygraph::sim {

std::string TokenStore::Issue(const TokenGrant& grant,
                              const std::string& issuer, absl::Time now) {
  nlohmann::json header = {
      {"alg", "RS256"}, {"typ", "JWT"}, {"kid", "auth0-sim"}};
  nlohmann::json payload = {{"iss", issuer},
                            {"sub", grant.client_id + "@clients"},
                            {"aud", grant.audience},
                            {"iat", absl::ToUnixSeconds(now)},
                            {"exp", absl::ToUnixSeconds(grant.expires)},
                            {"azp", grant.client_id},
                            {"gty", "client-credentials"},
                            {"scope", absl::StrJoin(grant.scopes, " ")}};
  absl::MutexLock lock(&mutex_);
  // A unique, unguessable signature part; the simulator never verifies
  // signatures.
  thread_local std::mt19937_64 random(std::random_device{}());
  std::string signature =
      absl::StrCat(++counter_, ":", random(), ":", random());
  std::string token =
      absl::StrCat(absl::WebSafeBase64Escape(header.dump()), ".",
                   absl::WebSafeBase64Escape(payload.dump()), ".",
                   absl::WebSafeBase64Escape(signature));
  tokens_[token] = grant;
  return token;
}

TokenStore::Check TokenStore::Lookup(const std::string& token, absl::Time now,
                                     TokenGrant* grant) const {
  absl::MutexLock lock(&mutex_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return Check::kUnknown;
  *grant = it->second;
  return now >= it->second.expires ? Check::kExpired : Check::kValid;
}

void TokenStore::ExpireAll(absl::Time now) {
  absl::MutexLock lock(&mutex_);
  for (auto& [token, grant] : tokens_) grant.expires = now;
}

}  // namespace identitygraph::sim
