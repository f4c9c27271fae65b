// The tenant's connections, and which of them a configuration selects.
//
//   absl::StatusOr<std::vector<Connection>> all = FetchConnections(caller,
//   domain); ConnectionSelection chosen = SelectConnections(*all, names,
//   patterns);
//
// Patterns are RE2 and must match the whole connection name, as the API
// documents.
#ifndef IDENTITYGRAPH_IMPORTER_CONNECTIONS_H_
#define IDENTITYGRAPH_IMPORTER_CONNECTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "importer/authorized_caller.h"

namespace identitygraph::importer {

struct Connection {
  std::string id;
  std::string name;
  std::string display_name;
  std::string strategy;
};

// Reads every connection by checkpoint paging (`take` per page, at most 100),
// ordered as Auth0 lists them. A missing scope is PERMISSION_DENIED naming
// read:connections.
absl::StatusOr<std::vector<Connection>> FetchConnections(
    AuthorizedCaller& caller, const std::string& domain, int take = 100);

struct ConnectionSelection {
  std::vector<Connection> selected;        // in tenant order
  std::vector<std::string> missing_names;  // named but not in the tenant
  std::vector<std::string> patterns_matching_nothing;
};
ConnectionSelection SelectConnections(
    const std::vector<Connection>& connections,
    const std::vector<std::string>& names,
    const std::vector<std::string>& patterns);

// The words scans and TestConnection share for a selection. When nothing is
// selected: the message, naming the tenant's connections, and what to do.
std::string NothingSelectedMessage(const std::vector<Connection>& tenant);
inline constexpr char kNothingSelectedRemediation[] =
    "Set Config.connections to the names of the workforce connections "
    "(ListConnections shows them), or fix Config.connection_patterns (they "
    "must match the whole name)";
// When something is: one phrase per problem ("selected connections not in the
// tenant: a, b"; "connection patterns matching nothing: x"), none when all is
// well, and what to do about them.
std::vector<std::string> SelectionProblems(
    const ConnectionSelection& selection);
inline constexpr char kSelectionProblemsRemediation[] =
    "Compare Config.connections and Config.connection_patterns with "
    "ListConnections (patterns must match the whole name) and remove what no "
    "longer exists";

// Whether a connection looks like it holds employees or customers, from its
// strategy.
enum class ConnectionAudience { kUnknown, kWorkforce, kCustomer };
ConnectionAudience HintAudience(const Connection& connection,
                                std::string* reason);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_CONNECTIONS_H_
