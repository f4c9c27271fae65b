// One RateLimiter per Auth0 host (a tenant's Management API, an
// Authorization Extension's webtask host), shared by everything a server
// sends there: scans, TestConnection and ListConnections then pace by one
// picture of the tenant's budget, instead of each spending it blind and
// provoking 429s the others pay for. Thread-safe; limiters live as long as
// the registry.
//
//   TenantLimiters limiters;
//   RateLimiter& management = limiters.For("acme.us.auth0.com", 0.5);
#ifndef IDENTITYGRAPH_IMPORTER_TENANT_LIMITERS_H_
#define IDENTITYGRAPH_IMPORTER_TENANT_LIMITERS_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "importer/rate_limiter.h"

namespace identitygraph::importer {

class TenantLimiters {
 public:
  // The limiter for `host` (made on first use), set to `share` of its limit.
  RateLimiter& For(absl::string_view host, double share)
      ABSL_LOCKS_EXCLUDED(mutex_) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::unique_ptr<RateLimiter>& limiter =
        limiters_[absl::AsciiStrToLower(host)];
    if (limiter == nullptr) limiter = std::make_unique<RateLimiter>();
    limiter->set_share(share);
    return *limiter;
  }

  // Calls `visit(host, limiter)` for every limiter made so far (metrics), in
  // no particular order, with the registry's lock held: `visit` must not call
  // For.
  template <typename Visit>
  void ForEach(Visit visit) const ABSL_LOCKS_EXCLUDED(mutex_) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [host, limiter] : limiters_) visit(host, *limiter);
  }

 private:
  mutable std::mutex mutex_;
  absl::flat_hash_map<std::string, std::unique_ptr<RateLimiter>> limiters_
      ABSL_GUARDED_BY(mutex_);
};

// The host of a URL ("https://acme.us12.webtask.io/abc/api" ->
// "acme.us12.webtask.io"); schemes are case-insensitive ("HTTPS://" too, as
// the fuzzer found).
inline absl::string_view UrlHost(absl::string_view url) {
  if (const size_t scheme = url.find("://"); scheme != url.npos) {
    url.remove_prefix(scheme + 3);
  }
  return url.substr(0, url.find_first_of("/:?#"));
}

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_TENANT_LIMITERS_H_
