#include "importer/diagnostics.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "importer/auth0_api.h"
#include "importer/auth0_rules.h"
#include "importer/authorized_caller.h"
#include "importer/management_fetchers.h"
#include "importer/rate_limited.h"
#include "importer/rate_limiter.h"
#include "importer/remediation.h"
#include "importer/token_source.h"
#include "importer/user_fetcher.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

// A workforce connection this large deserves a second look.
constexpr int64_t kManyUsers = 100000;

// The HTTP client, tokens and a caller for one diagnosis, with fewer
// attempts than a scan: an operator is waiting.
struct Session {
  Session(const TenantConfig& config, const HttpClientOptions& options,
          const std::atomic<bool>* cancelled, TenantLimiters* shared)
      : http(options),
        tokens(&http, {config.domain, config.client_id, config.client_secret}),
        limiters(shared != nullptr ? shared : &own_limiters),
        caller(&http, &tokens,
               &limiters->For(config.domain, config.rate_limit_share), Policy(),
               cancelled != nullptr ? cancelled : &never_cancelled),
        extension_caller(&http, &tokens,
                         &limiters->For(UrlHost(config.extension.api_url),
                                        config.rate_limit_share),
                         Policy(),
                         cancelled != nullptr ? cancelled : &never_cancelled),
        api{&caller, config.domain} {}
  static RetryPolicy Policy() {
    RetryPolicy policy;
    policy.max_attempts = 3;
    policy.initial_backoff = absl::Milliseconds(200);
    policy.max_backoff = absl::Seconds(2);
    return policy;
  }
  HttpClient http;
  TokenSource tokens;
  TenantLimiters own_limiters;  // when the server shares none
  TenantLimiters* limiters;
  std::atomic<bool> never_cancelled{false};
  AuthorizedCaller caller;            // the Management API
  AuthorizedCaller extension_caller;  // the Authorization Extension API
  ManagementApi api;
};

// A check that could not pass; rate-limit trouble is told apart (it says
// nothing about what was checked).
Check Failed(std::string name, const absl::Status& status) {
  Check check{std::move(name),
              CheckStatus::kFailed,
              std::string(status.message()),
              RemediationOf(status),
              {},
              std::nullopt};
  if (IsRateLimited(status)) {
    check.status = CheckStatus::kRateLimited;
    check.rate_limit_reset = RateLimitResetOf(status);
  }
  return check;
}

class Diagnoser {
 public:
  Diagnoser(const TenantConfig& config, const HttpClientOptions& http,
            const std::atomic<bool>* cancelled, TenantLimiters* limiters)
      : config_(config), session_(config, http, cancelled, limiters) {}

  Diagnosis Run() {
    if (ManagementToken()) {
      Scopes();
      WriteScopes();
      SelectedConnections();
    }
    if (config_.extension.enabled) Extension();
    for (const Check& check : diagnosis_.checks) {
      if (check.status == CheckStatus::kFailed ||
          check.status == CheckStatus::kRateLimited) {
        diagnosis_.ok = false;
      }
    }
    return std::move(diagnosis_);
  }

 private:
  void Add(Check check) { diagnosis_.checks.push_back(std::move(check)); }
  void Skip(const char* name, const char* why) {
    Add({name, CheckStatus::kSkipped, why, "", {}});
  }
  bool Granted(const std::string& scope) const {
    return std::find(scopes_.begin(), scopes_.end(), scope) != scopes_.end();
  }

  bool ManagementToken() {
    absl::StatusOr<Token> token = session_.tokens.Get(session_.api.audience());
    if (!token.ok()) {
      Add(Failed("management_api_token", token.status()));
      for (const char* name : {"scopes", "selected_connections"})
        Skip(name, "skipped: there is no Management API token to check with");
      return false;
    }
    scopes_ = token->scopes;
    Add({"management_api_token",
         CheckStatus::kOk,
         absl::StrCat("got a Management API token for ", config_.domain,
                      " with ", scopes_.size(), " scopes"),
         "",
         {}});
    return true;
  }

  void Scopes() {
    for (const Capability& capability :
         Capabilities(config_.include_organizations)) {
      ScopesOf(capability,
               capability.required
                   ? std::string(". Scans fail without them")
                   : absl::StrCat(". Scans run without them and leave ",
                                  capability.what, " out"));
    }
    if (config_.follow_changes) {
      ScopesOf(FollowChangesCapability(),
               ". Following cannot start without it: answers stay as old as "
               "the last full scan");
    }
  }

  // The check "scopes_NAME": granted, or what is missing and what that costs.
  void ScopesOf(const Capability& capability, const std::string& without) {
    std::vector<std::string> missing;
    for (const std::string& scope : capability.scopes) {
      if (!Granted(scope)) missing.push_back(scope);
    }
    const std::string needs =
        absl::StrCat(capability.what, " require ",
                     absl::StrJoin(capability.scopes, " and "));
    Check check;
    check.name = absl::StrCat("scopes_", capability.name);
    if (missing.empty()) {
      check.message = absl::StrCat(needs, ": granted");
    } else {
      check.status =
          capability.required ? CheckStatus::kFailed : CheckStatus::kWarning;
      check.message = absl::StrCat(
          needs, "; missing: ", absl::StrJoin(missing, ", "), without);
      check.remediation =
          GrantScopes(absl::StrJoin(missing, " and "), kManagementApiName);
      check.missing_scopes = std::move(missing);
    }
    Add(std::move(check));
  }

  void WriteScopes() {
    std::vector<std::string> writes;
    for (const std::string& scope : scopes_) {
      if (absl::StartsWith(scope, "create:") ||
          absl::StartsWith(scope, "update:") ||
          absl::StartsWith(scope, "delete:")) {
        writes.push_back(scope);
      }
    }
    if (writes.empty()) {
      Add({"write_scopes",
           CheckStatus::kOk,
           "the application holds no write scopes",
           "",
           {}});
      return;
    }
    Add({"write_scopes",
         CheckStatus::kWarning,
         absl::StrCat("the application holds write scopes (",
                      absl::StrJoin(writes, ", "),
                      "): anyone with its secret could change the tenant"),
         "identitygraph only reads. Untick the write scopes under "
         "Applications > APIs > Auth0 Management API > Machine to Machine "
         "Applications, or give identitygraph an application of its own",
         {}});
  }

  void SelectedConnections() {
    if (!Granted("read:connections")) {
      Skip("selected_connections",
           "skipped: reading connections needs read:connections");
      return;
    }
    absl::StatusOr<std::vector<Connection>> all =
        FetchConnections(session_.caller, config_.domain);
    if (!all.ok()) {
      Add(Failed("selected_connections", all.status()));
      return;
    }
    ConnectionSelection selection = SelectConnections(
        *all, config_.connections, config_.connection_patterns);
    std::vector<std::string> selected_names;
    for (const Connection& c : selection.selected)
      selected_names.push_back(c.name);
    Check check{"selected_connections", CheckStatus::kOk, "", "", {}};
    if (selection.selected.empty()) {
      check.status = CheckStatus::kFailed;
      check.message = NothingSelectedMessage(*all);
      check.remediation = kNothingSelectedRemediation;
      Add(std::move(check));
      return;
    }
    check.message =
        absl::StrCat(selection.selected.size(),
                     " selected: ", absl::StrJoin(selected_names, ", "));
    const std::vector<std::string> problems = SelectionProblems(selection);
    if (!problems.empty()) {
      check.status = CheckStatus::kWarning;
      absl::StrAppend(&check.message, "; ", absl::StrJoin(problems, "; "));
      check.remediation = kSelectionProblemsRemediation;
    }
    Add(std::move(check));
    Audience(selection.selected);
  }

  // Customer-looking connections among the selected ones.
  void Audience(const std::vector<Connection>& selected) {
    std::vector<std::string> doubts, counts;
    for (const Connection& connection : selected) {
      std::string reason;
      const ConnectionAudience audience = HintAudience(connection, &reason);
      int64_t users = -1;
      if (Granted("read:users")) {
        absl::StatusOr<int64_t> count =
            CountConnectionUsers(session_.api, connection);
        if (count.ok()) users = *count;
      }
      if (users >= 0)
        counts.push_back(absl::StrCat(connection.name, ": ", users, " users"));
      if (audience == ConnectionAudience::kCustomer) {
        doubts.push_back(absl::StrCat(connection.name, " (", reason, ")"));
      } else if (users > kManyUsers) {
        doubts.push_back(absl::StrCat(connection.name, " (", users,
                                      " users, many for a workforce)"));
      }
    }
    Check check{"connection_audience",
                CheckStatus::kOk,
                counts.empty() ? "the selected connections look like workforce "
                                 "connections"
                               : absl::StrJoin(counts, "; "),
                "",
                {}};
    if (!doubts.empty()) {
      check.status = CheckStatus::kWarning;
      check.message = absl::StrCat(
          "selected connections that look like "
          "customer (CIAM) connections: ",
          absl::StrJoin(doubts, "; "));
      check.remediation =
          "identitygraph is for workforce identities: select the employee "
          "connections (enterprise SSO such as SAML, OIDC, Google Workspace, "
          "Entra ID) unless these customers belong in the graph; customer "
          "connections can hold millions of users and make every scan long";
    }
    Add(std::move(check));
  }

  void Extension() {
    const std::string& audience = config_.extension.audience;
    absl::StatusOr<Token> token = session_.tokens.Get(audience);
    if (!token.ok()) {
      Add(Failed("authorization_extension_token", token.status()));
      Skip("authorization_extension_api",
           "skipped: there is no extension token to call it with");
      return;
    }
    const std::vector<std::string>& scopes = token->scopes;
    if (absl::Status lacking = CheckExtensionScopes(scopes); !lacking.ok()) {
      Check check = Failed("authorization_extension_token", lacking);
      check.missing_scopes = {"read:configuration"};
      Add(std::move(check));
      Skip("authorization_extension_api", "skipped: the token lacks scopes");
      return;
    }
    const bool configuration = std::find(scopes.begin(), scopes.end(),
                                         "read:configuration") != scopes.end();
    std::string got = absl::StrCat("got an extension token (", audience,
                                   ") with ", absl::StrJoin(scopes, " "));
    if (ExtensionPermissionsReadable(scopes)) {
      Add({"authorization_extension_token",
           CheckStatus::kOk,
           std::move(got),
           "",
           {}});
    } else {
      Add({"authorization_extension_token",
           CheckStatus::kWarning,
           absl::StrCat(got,
                        "; without read:permissions (or read:configuration) "
                        "the extension's roles grant no permissions in the "
                        "graph"),
           GrantScopes("read:permissions", kExtensionApiName),
           {"read:permissions"}});
    }
    // One read proves the API URL: the cheapest the token allows.
    wire::ExtensionDocument document;
    const std::string path = configuration ? "/configuration/export" : "/roles";
    absl::Status read = GetJson(
        session_.extension_caller,
        {"the extension's data",
         configuration ? "read:configuration" : "read:roles"},
        absl::StrCat(absl::StripSuffix(config_.extension.api_url, "/"), path),
        audience, &document, "auth0-authorization-extension-api");
    if (!read.ok()) {
      Check check = Failed("authorization_extension_api", read);
      if (absl::IsNotFound(read) || absl::IsUnavailable(read)) {
        check.remediation =
            "Copy the API URL from the extension's API page (tenant menu > "
            "API) into Config.authorization_extension.api_url";
      }
      Add(std::move(check));
      return;
    }
    // Say what this read measured: /roles carries no groups.
    Add({"authorization_extension_api",
         CheckStatus::kOk,
         configuration
             ? absl::StrCat("the extension's export holds ",
                            document.groups_size(), " groups and ",
                            document.roles_size(), " roles")
             : absl::StrCat("the extension lists ", document.roles_size(),
                            " roles (groups are read by scans, not counted "
                            "by this check)"),
         "",
         {}});
  }

  const TenantConfig& config_;
  Session session_;
  std::vector<std::string> scopes_;
  Diagnosis diagnosis_;
};

}  // namespace

Diagnosis Diagnose(const TenantConfig& config, const HttpClientOptions& http,
                   const std::atomic<bool>* cancelled,
                   TenantLimiters* limiters) {
  if (absl::Status hosts = CheckTenantHosts(config); !hosts.ok()) {
    Diagnosis refused;
    refused.ok = false;
    refused.checks.push_back(
        {"management_api_token",
         CheckStatus::kFailed,
         std::string(hosts.message()),
         "Set the canonical tenant domain (and the extension's API URL) with "
         "UpdateConfig",
         {}});
    return refused;
  }
  return Diagnoser(config, http, cancelled, limiters).Run();
}

absl::StatusOr<std::vector<TenantConnection>> ListTenantConnections(
    const TenantConfig& config, const HttpClientOptions& http,
    const std::atomic<bool>* cancelled, int count_limit,
    TenantLimiters* limiters) {
  if (absl::Status hosts = CheckTenantHosts(config); !hosts.ok()) return hosts;
  Session session(config, http, cancelled, limiters);
  absl::StatusOr<Token> token = session.tokens.Get(session.api.audience());
  if (!token.ok()) return token.status();
  absl::StatusOr<std::vector<Connection>> all =
      FetchConnections(session.caller, config.domain);
  if (!all.ok()) return all.status();
  ConnectionSelection selection =
      SelectConnections(*all, config.connections, config.connection_patterns);
  std::vector<TenantConnection> out;
  const bool can_count = token->HasScope("read:users");
  for (const Connection& connection : *all) {
    TenantConnection& entry = out.emplace_back();
    entry.connection = connection;
    entry.selected =
        std::any_of(selection.selected.begin(), selection.selected.end(),
                    [&](const Connection& c) { return c.id == connection.id; });
    entry.audience = HintAudience(connection, &entry.audience_reason);
    if (can_count && static_cast<int>(out.size()) <= count_limit) {
      absl::StatusOr<int64_t> count =
          CountConnectionUsers(session.api, connection);
      if (count.ok()) entry.user_count = *count;
    }
  }
  return out;
}

}  // namespace identitygraph::importer
