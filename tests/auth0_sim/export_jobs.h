// User export jobs, as Auth0 runs them: POST /api/v2/jobs/users-exports creates
// a job, GET /api/v2/jobs/{id} reports progress and, once completed, a
// `location` to download the gzip-compressed NDJSON file from. Each GET of a
// completed job issues a fresh location, valid for 60 seconds; an expired one
// answers 403 like the storage service behind it.
//
// Progress is driven by polls, not by time, so tests are deterministic: a job
// is `pending` when created, `processing` with a percentage on the next GETs,
// and `completed` after `polls_to_complete` GETs. Thread-safe.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_EXPORT_JOBS_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_EXPORT_JOBS_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/auth0_sim/api_reply.h"
#include "tests/auth0_sim/tenant.h"

namespace identitygraph::sim {

// The path prefix of download locations, on the tenant host.
inline constexpr char kExportDownloadPrefix[] = "/__sim_exports/";

class ExportJobs {
 public:
  ExportJobs(const Tenant& tenant, int polls_to_complete)
      : tenant_(tenant), polls_to_complete_(polls_to_complete) {}

  // POST /api/v2/jobs/users-exports with its JSON body.
  ApiReply Create(const std::string& body, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // GET /api/v2/jobs/{id}.
  ApiReply Get(const std::string& id, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mutex_);

  struct Download {
    int status;
    std::string body;
    std::string content_type;
  };
  // GET of a download location (path after the prefix).
  Download Fetch(const std::string& path, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  struct Job {
    nlohmann::json record;  // what GET /jobs/{id} shows
    int polls = 0;
    std::string file;  // the gzip file, made when the job completes
    absl::flat_hash_map<std::string, absl::Time> locations;  // nonce -> expiry
  };
  std::string MakeFile(const nlohmann::json& request) const;

  const Tenant& tenant_;
  const int polls_to_complete_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Job> jobs_ ABSL_GUARDED_BY(mutex_);
  int next_id_ ABSL_GUARDED_BY(mutex_) = 1;
};

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_EXPORT_JOBS_H_
