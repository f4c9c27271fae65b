// GET /api/v2/logs and GET /api/v2/logs/{id} over a LogStream, with Auth0's
// two modes: by checkpoint (`from`, `take` up to 100, a Link header whose
// `next` continues after the page, or repeats the call when it was empty) and
// by search (`page`, `per_page` up to 100, `sort` by date, `include_totals`,
// at most 1,000 results; `q` only as `type:CODE`).
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_LOGS_API_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_LOGS_API_H_

#include <string>

#include "absl/time/time.h"
#include "tests/auth0_sim/api_reply.h"
#include "tests/auth0_sim/log_stream.h"
#include "tests/auth0_sim/paging.h"

namespace identitygraph::sim {

ApiReply ListLogs(LogStream& logs, const std::string& domain,
                  const ParamGetter& param, absl::Time now);

ApiReply GetLog(LogStream& logs, const std::string& log_id, absl::Time now);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_LOGS_API_H_
