#include "tests/auth0_sim/token_store.h"

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace identitygraph::sim {

std::string Base64UrlEncode(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) |
                 uint8_t(bytes[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63],
            kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63]};
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63],
            kAlphabet[(n >> 6) & 63]};
  }
  return out;
}

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
  std::string token = absl::StrCat(Base64UrlEncode(header.dump()), ".",
                                   Base64UrlEncode(payload.dump()), ".",
                                   Base64UrlEncode(signature));
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
