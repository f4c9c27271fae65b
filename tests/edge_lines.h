// Every edge of a snapshot as a readable line, for tests and debugging:
//   "user_role google-apps|ada -> rol_PayrollAdmin0001"
//   "organization_role google-apps|ada -> rol_PayrollAdmin0001 in org_Acme"
// (edge kind, source id, target id, and the organization of a role held in
// one). Sorted, so two snapshots compare line by line.
#ifndef IDENTITYGRAPH_TESTS_EDGE_LINES_H_
#define IDENTITYGRAPH_TESTS_EDGE_LINES_H_

#include <set>
#include <string>

#include "graph/snapshot.h"

namespace identitygraph::graph {

std::set<std::string> EdgeLines(const Snapshot& snapshot);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_TESTS_EDGE_LINES_H_
