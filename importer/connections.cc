#include "importer/connections.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
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

absl::Status ApiFailure(const HttpResponse& response, const char* what,
                        const char* scope) {
  wire::ApiError error;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  (void)google::protobuf::util::JsonStringToMessage(response.body, &error,
                                                    options);
  if (response.status == 403) {
    return absl::PermissionDeniedError(
        absl::StrCat("reading ", what, " needs the ", scope,
                     " scope (Auth0 said: ", error.message(),
                     "). Grant it to the application under Applications > APIs "
                     "> Auth0 Management API "
                     "> Permissions; new scopes reach only new tokens"));
  }
  return absl::UnavailableError(absl::StrCat("reading ", what, " failed: HTTP ",
                                             response.status, " ",
                                             error.message()));
}

}  // namespace

absl::StatusOr<std::vector<Connection>> FetchConnections(
    AuthorizedCaller& caller, const std::string& domain, int take) {
  const std::string audience = absl::StrCat("https://", domain, "/api/v2/");
  std::vector<Connection> out;
  std::string from;
  absl::flat_hash_set<std::string> seen_cursors;
  while (true) {
    std::string url =
        absl::StrCat("https://", domain,
                     "/api/v2/connections?fields=id,name,display_name,strategy"
                     "&include_fields=true&take=",
                     take);
    if (!from.empty()) absl::StrAppend(&url, "&from=", from);
    absl::StatusOr<HttpResponse> response = caller.Get(url, audience);
    if (!response.ok()) return response.status();
    if (response->status != 200)
      return ApiFailure(*response, "connections", "read:connections");
    wire::ConnectionsPage page;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(response->body, &page,
                                                     options)
             .ok()) {
      return absl::UnavailableError(
          "Auth0 answered GET /api/v2/connections with something that is not a "
          "page of "
          "connections; try again later");
    }
    for (const wire::Connection& c : page.connections()) {
      out.push_back({c.id(), c.name(), c.display_name(), c.strategy()});
    }
    // A cursor seen twice would loop forever: Auth0 never does that, a broken
    // proxy might.
    if (page.next().empty() || !seen_cursors.insert(page.next()).second) break;
    from = page.next();
  }
  return out;
}

ConnectionSelection SelectConnections(
    const std::vector<Connection>& connections,
    const std::vector<std::string>& names,
    const std::vector<std::string>& patterns) {
  ConnectionSelection selection;
  std::vector<std::unique_ptr<RE2>> compiled;
  RE2::Options options;
  options.set_log_errors(false);
  for (const std::string& pattern : patterns) {
    compiled.push_back(std::make_unique<RE2>(pattern, options));
  }
  const absl::flat_hash_set<std::string> wanted(names.begin(), names.end());
  absl::flat_hash_set<std::string> found;
  std::vector<bool> pattern_used(patterns.size(), false);
  for (const Connection& connection : connections) {
    bool chosen = wanted.contains(connection.name);
    if (chosen) found.insert(connection.name);
    for (size_t i = 0; i < compiled.size(); ++i) {
      if (compiled[i]->ok() && RE2::FullMatch(connection.name, *compiled[i])) {
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
