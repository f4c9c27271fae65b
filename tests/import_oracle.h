// What a complete import of a simulated tenant must produce, worked out
// straight from the simulator's records (not through the importer's code):
// the graph's edges as readable lines, e.g.
//   "user_role google-apps|ada -> rol_PayrollAdmin0001"
//   "organization_role google-apps|ada -> rol_PayrollAdmin0001 in org_Acme..."
// so a test can compare an imported snapshot with it edge by edge and print
// the difference.
#ifndef IDENTITYGRAPH_TESTS_IMPORT_ORACLE_H_
#define IDENTITYGRAPH_TESTS_IMPORT_ORACLE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/snapshot.h"
#include "tests/auth0_sim/tenant.h"

namespace identitygraph {

struct OracleOptions {
  std::vector<std::string> connections;  // selected by exact name
  bool organizations = true;
  bool login_reachability = true;
  bool extension = true;
  bool user_permissions = false;  // the import option, off by default
};

struct ExpectedImport {
  std::set<std::string> edges;
  int64_t users = 0;
  // The selected users Auth0 blocks.
  std::set<std::string> blocked_users;
  // Memberships of users outside the selected connections, per source.
  std::map<std::string, int64_t> dropped;
};

ExpectedImport ExpectImport(const sim::Tenant& tenant,
                            const OracleOptions& options);

// Every edge of a snapshot, in the oracle's format.
std::set<std::string> SnapshotEdges(const graph::Snapshot& snapshot);

// Lines in one set and not the other, at most `limit` of each, for messages.
std::string EdgeDifference(const std::set<std::string>& expected,
                           const std::set<std::string>& actual,
                           size_t limit = 20);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_TESTS_IMPORT_ORACLE_H_
