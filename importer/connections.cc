#include "importer/connections.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "importer/auth0_api.h"
#include "importer/auth0_rules.h"
#include "importer/wire/auth0_wire.pb.h"
#include "re2/re2.h"

namespace identitygraph::importer {
namespace {

constexpr const char* kWorkforceStrategies[] = {
    "samlp", "oidc", "waad",         "google-apps", "adfs",
    "ad",    "okta", "pingfederate", "office365"};
constexpr const char* kCustomerStrategies[] = {
    "auth0",  "email",   "sms",      "google-oauth2", "facebook", "apple",
    "github", "twitter", "linkedin", "windowslive",   "amazon"};

}  // namespace

absl::StatusOr<std::vector<Connection>> FetchConnections(
    AuthorizedCaller& caller, const std::string& domain, int take) {
  std::vector<Connection> out;
  wire::ConnectionsPage page;
  absl::Status status = ForEachCheckpointPage(
      caller, {"connections", "read:connections"},
      absl::StrCat("https://", domain,
                   "/api/v2/connections?fields=id,name,display_name,strategy"
                   "&include_fields=true"),
      absl::StrCat("https://", domain, "/api/v2/"), &page,
      [&] {
        for (const wire::Connection& c : page.connections())
          out.push_back({c.id(), c.name(), c.display_name(), c.strategy()});
        return absl::OkStatus();
      },
      take);
  if (!status.ok()) return status;
  return out;
}

ConnectionSelection SelectConnections(
    const std::vector<Connection>& connections,
    const std::vector<std::string>& names,
    const std::vector<std::string>& patterns) {
  ConnectionSelection selection;
  // The same budget as the validator's: a pattern refused there matches
  // nothing here.
  std::vector<std::unique_ptr<RE2>> compiled;
  for (const std::string& pattern : patterns) {
    compiled.push_back(CompileConnectionPattern(pattern).re);
  }
  const absl::flat_hash_set<std::string> wanted(names.begin(), names.end());
  absl::flat_hash_set<std::string> found;
  std::vector<bool> pattern_used(patterns.size(), false);
  for (const Connection& connection : connections) {
    bool chosen = wanted.contains(connection.name);
    if (chosen) found.insert(connection.name);
    for (size_t i = 0; i < compiled.size(); ++i) {
      if (compiled[i] != nullptr &&
          RE2::FullMatch(connection.name, *compiled[i])) {
        pattern_used[i] = true;
        chosen = true;
      }
    }
    if (chosen) selection.selected.push_back(connection);
  }
  for (const std::string& name : names) {
    if (!found.contains(name)) selection.missing_names.push_back(name);
  }
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (!pattern_used[i])
      selection.patterns_matching_nothing.push_back(patterns[i]);
  }
  return selection;
}

std::string NothingSelectedMessage(const std::vector<Connection>& tenant) {
  std::vector<std::string> names;
  for (const Connection& c : tenant) names.push_back(c.name);
  return absl::StrCat(
      "no connection of the tenant matches the configuration; the tenant has: ",
      absl::StrJoin(names, ", "));
}

std::vector<std::string> SelectionProblems(
    const ConnectionSelection& selection) {
  std::vector<std::string> problems;
  if (!selection.missing_names.empty()) {
    problems.push_back(
        absl::StrCat("selected connections not in the tenant: ",
                     absl::StrJoin(selection.missing_names, ", ")));
  }
  if (!selection.patterns_matching_nothing.empty()) {
    problems.push_back(
        absl::StrCat("connection patterns matching nothing: ",
                     absl::StrJoin(selection.patterns_matching_nothing, ", ")));
  }
  return problems;
}

ConnectionAudience HintAudience(const Connection& connection,
                                std::string* reason) {
  for (const char* strategy : kWorkforceStrategies) {
    if (connection.strategy == strategy) {
      *reason = absl::StrCat("the ", connection.strategy,
                             " strategy is an enterprise identity provider");
      return ConnectionAudience::kWorkforce;
    }
  }
  for (const char* strategy : kCustomerStrategies) {
    if (connection.strategy == strategy) {
      *reason = absl::StrCat(
          "the ", connection.strategy,
          " strategy is a database, passwordless or social login, usually "
          "for customers");
      return ConnectionAudience::kCustomer;
    }
  }
  *reason = absl::StrCat("the ", connection.strategy,
                         " strategy says nothing either way");
  return ConnectionAudience::kUnknown;
}

}  // namespace identitygraph::importer
