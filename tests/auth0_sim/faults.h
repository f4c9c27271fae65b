// Fault injection: rules that make chosen requests fail the way real networks
// and real Auth0 fail, so the importer's retries and error handling can be
// tested.
//
// A plan is rules separated by ';', each KIND[:key=value,...]:
//   500, 503    answer with that status and an Auth0-style error body
//   429         answer 429 "Global limit has been reached" with an empty
//               bucket in the x-ratelimit-* headers and Retry-After: 1, as when
//               other clients of the tenant spent the shared budget
//   slow        answer normally after `delay` (default 2s)
//   malformed   answer 200 with a body that is not valid JSON
//   truncate    send the headers and half the body, then close the connection
//   reset       send the headers, then close the connection without a body
//   expire      expire every token issued so far, then answer normally (so this
//   request
//               gets 401 "Expired token ...")
// Which requests a rule hits:
//   nth=N       only the Nth request it matches (1-based); the default is nth=1
//   fraction=F  instead, each matching request with probability F (0 < F <= 1)
//   path=P      only requests whose path starts with P (default: every API
//   request;
//               the /__sim/ control endpoints are never hit)
//   seed=S      the random sequence for `fraction` (default 1), so runs repeat
// Example:
// --faults='503:nth=3;slow:fraction=0.1,delay=500ms;truncate:path=/__sim_exports/'
// Thread-safe.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_FAULTS_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_FAULTS_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace identitygraph::sim {

enum class FaultKind {
  kStatus500,
  kStatus503,
  kStatus429,
  kSlow,
  kMalformed,
  kTruncate,
  kReset,
  kExpire
};

struct FaultRule {
  FaultKind kind = FaultKind::kStatus503;
  int64_t nth = 1;
  double fraction = 0;  // > 0 replaces nth
  std::string path_prefix;
  absl::Duration delay = absl::Seconds(2);
  uint64_t seed = 1;
};

// Parses a plan; errors name the rule and what is wrong with it.
absl::StatusOr<std::vector<FaultRule>> ParseFaultPlan(absl::string_view text);

class FaultInjector {
 public:
  // Replaces the plan; counters start again.
  void SetPlan(std::vector<FaultRule> rules) ABSL_LOCKS_EXCLUDED(mutex_);
  // The fault to inject into a request for `path`, if any (the first rule that
  // fires).
  std::optional<FaultRule> Next(const std::string& path)
      ABSL_LOCKS_EXCLUDED(mutex_);
  int64_t injected() const ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  struct ActiveRule {
    FaultRule rule;
    int64_t matched = 0;
    std::mt19937_64 random;
  };
  mutable absl::Mutex mutex_;
  std::vector<ActiveRule> rules_ ABSL_GUARDED_BY(mutex_);
  int64_t injected_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_FAULTS_H_
