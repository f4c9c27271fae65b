// Changes to a simulated tenant, each with the log events Auth0 writes for it
// (POST /__sim/changes). A change is a JSON object {"op": ..., ...}; the ops
// and their fields are in README.md beside this file. Changes made through
// the Management API or the Dashboard write a `sapi` event with the request's
// method, path and body and the response; signups write `ss`, first logins
// through an enterprise connection write only `s`; the Authorization
// Extension writes nothing. `"log": false` on any change writes no event (a
// change the log stream never shows), `"channel": "dashboard"` writes it as
// the Dashboard would.
//
// Not thread-safe: the simulator holds its tenant lock for writing.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_TENANT_CHANGES_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_TENANT_CHANGES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/auth0_sim/tenant.h"

namespace identitygraph::sim {

// Applies one change to `tenant` and returns the log events to write (without
// log_id and date). A change that is not valid for this tenant (unknown op,
// record or field) leaves the tenant as it was and answers INVALID_ARGUMENT
// naming what is wrong.
absl::StatusOr<std::vector<nlohmann::json>> ApplyChange(
    Tenant& tenant, const nlohmann::json& change, absl::Time now);

// Log events of logins of existing users (type `s`) and failed logins (`f`),
// `count` of each kind, picking users from `seed`: the noise among which a
// follower must find the changes.
std::vector<nlohmann::json> LoginNoise(const Tenant& tenant, int logins,
                                       int failed_logins, uint64_t seed);

// The event Auth0 writes for a client-credentials exchange (`seccft`, or
// `feccft` when it failed): the importer's own token requests show in the
// log too.
nlohmann::json TokenExchangeEvent(const Tenant& tenant,
                                  const std::string& client_id, bool succeeded,
                                  const std::string& description);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_TENANT_CHANGES_H_
