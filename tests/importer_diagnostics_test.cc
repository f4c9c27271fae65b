// TestConnection's and ListConnections' findings against auth0-sim: each
// failure an operator can meet, mapped to what to do about it.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importer/diagnostics.h"
#include "tests/acme_sim_fixture.h"
#include "tests/sim_instance.h"

namespace identitygraph::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kExtensionUrl[] =
    "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api";

TenantConfig Config(
    const std::string& client = "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6",
    const std::string& secret = "acme-importer-secret-0123456789abcdef") {
  TenantConfig config;
  config.domain = "acme.us.auth0.com";
  config.client_id = client;
  config.client_secret = secret;
  config.connections = {"google-workforce", "okta-saml"};
  config.include_organizations = true;
  config.extension.enabled = true;
  config.extension.api_url = kExtensionUrl;
  return config;
}

const Check* Find(const Diagnosis& diagnosis, const std::string& name) {
  for (const Check& check : diagnosis.checks) {
    if (check.name == name) return &check;
  }
  return nullptr;
}

std::string Describe(const Diagnosis& diagnosis) {
  std::string out;
  for (const Check& c : diagnosis.checks) {
    absl::StrAppend(&out, "\n", c.name, " ", static_cast<int>(c.status), ": ",
                    c.message, " / ", c.remediation);
  }
  return out;
}

class DiagnosticsTest : public AcmeSimFixture {
 protected:
  static Diagnosis Run(const TenantConfig& config) {
    return Diagnose(config, sim_->HttpOptions());
  }
};

TEST_F(DiagnosticsTest, AWellConfiguredApplicationPassesEveryCheck) {
  const Diagnosis d = Run(Config());
  EXPECT_TRUE(d.ok) << Describe(d);
  std::vector<std::string> names;
  for (const Check& c : d.checks) {
    names.push_back(c.name);
    EXPECT_EQ(c.status, CheckStatus::kOk) << Describe(d);
  }
  EXPECT_THAT(
      names, ElementsAre("management_api_token", "scopes_users",
                         "scopes_connections", "scopes_applications",
                         "scopes_roles", "scopes_apis", "scopes_groups",
                         "scopes_organizations", "scopes_organization_roles",
                         "write_scopes", "selected_connections",
                         "connection_audience", "authorization_extension_token",
                         "authorization_extension_api"));
  EXPECT_THAT(Find(d, "connection_audience")->message,
              HasSubstr("google-workforce: "));
  EXPECT_THAT(Find(d, "authorization_extension_api")->message,
              HasSubstr("5 groups and 4 roles"));
}

// Each failure of the token request, and what the operator is told to do.
TEST_F(DiagnosticsTest, TokenFailuresMapToTheirRemediation) {
  struct Case {
    std::string client, secret, message, remediation;
  } cases[] = {
      {"IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6", "wrong", "refused the client",
       "Check the client id, the client secret and the tenant domain"},
      {"NOGRANTxxxxxxxxxxxxxxxxxxxxxxxx8",
       "acme-nogrant-secret-0123456789abcdef",
       "not authorised for https://acme.us.auth0.com/api/v2/",
       "Auth0 Management API (not a custom API)"},
      {"NOCCxxxxxxxxxxxxxxxxxxxxxxxxxxx9", "acme-nocc-secret-0123456789abcdef",
       "client credentials grant", "turn on Client Credentials"},
  };
  for (const Case& c : cases) {
    TenantConfig config = Config(c.client, c.secret);
    config.extension.enabled = false;
    const Diagnosis d = Run(config);
    EXPECT_FALSE(d.ok);
    const Check* token = Find(d, "management_api_token");
    ASSERT_NE(token, nullptr);
    EXPECT_EQ(token->status, CheckStatus::kFailed);
    EXPECT_THAT(token->message, HasSubstr(c.message)) << c.client;
    EXPECT_THAT(token->remediation, HasSubstr(c.remediation)) << c.client;
    EXPECT_THAT(token->message, ::testing::Not(HasSubstr(token->remediation)));
    EXPECT_EQ(Find(d, "selected_connections")->status, CheckStatus::kSkipped);
  }
}

TEST_F(DiagnosticsTest, MissingScopesAreNamedPerCapability) {
  TenantConfig config = Config("LIMITEDxxxxxxxxxxxxxxxxxxxxxxxx7",
                               "acme-limited-secret-0123456789abcdef");
  config.extension.enabled = false;
  const Diagnosis d = Run(config);
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(Find(d, "scopes_users")->status, CheckStatus::kOk);
  const Check* apps = Find(d, "scopes_applications");
  EXPECT_EQ(apps->status, CheckStatus::kFailed);
  EXPECT_THAT(apps->message, HasSubstr("applications require read:clients"));
  EXPECT_THAT(apps->missing_scopes, ElementsAre("read:clients"));
  EXPECT_THAT(apps->remediation, HasSubstr("reach only new tokens"));
  EXPECT_EQ(Find(d, "scopes_groups")->status, CheckStatus::kWarning);
  EXPECT_EQ(Find(d, "selected_connections")->status, CheckStatus::kSkipped);
}

TEST_F(DiagnosticsTest, AMissingOptionalScopeIsAWarning) {
  TenantConfig config = Config("NOORGROLESxxxxxxxxxxxxxxxxxxxx10",
                               "acme-noorgroles-secret-0123456789abcdef");
  config.extension.enabled = false;
  const Diagnosis d = Run(config);
  EXPECT_TRUE(d.ok) << Describe(d);
  const Check* roles = Find(d, "scopes_organization_roles");
  EXPECT_EQ(roles->status, CheckStatus::kWarning);
  EXPECT_THAT(roles->missing_scopes,
              ElementsAre("read:organization_member_roles"));
  EXPECT_THAT(roles->remediation,
              HasSubstr("Grant read:organization_member_roles"));
}

TEST_F(DiagnosticsTest, FollowingChangesNeedsReadLogs) {
  TenantConfig config = Config("NOORGROLESxxxxxxxxxxxxxxxxxxxx10",
                               "acme-noorgroles-secret-0123456789abcdef");
  config.extension.enabled = false;
  const Diagnosis off = Run(config);
  EXPECT_EQ(Find(off, "scopes_changes"), nullptr);
  config.follow_changes = true;
  const Diagnosis without = Run(config);
  EXPECT_FALSE(without.ok);
  const Check* changes = Find(without, "scopes_changes");
  ASSERT_NE(changes, nullptr);
  EXPECT_EQ(changes->status, CheckStatus::kFailed);
  EXPECT_THAT(changes->message, HasSubstr("require read:logs; missing"));
  EXPECT_THAT(changes->message, HasSubstr("as old as the last full scan"));
  EXPECT_THAT(changes->missing_scopes, ElementsAre("read:logs"));
  EXPECT_THAT(changes->remediation, HasSubstr("Grant read:logs"));

  TenantConfig full = Config();
  full.extension.enabled = false;
  full.follow_changes = true;
  const Diagnosis with = Run(full);
  const Check* granted = Find(with, "scopes_changes");
  ASSERT_NE(granted, nullptr);
  EXPECT_EQ(granted->status, CheckStatus::kOk);
}

TEST_F(DiagnosticsTest, WriteScopesAreAWarning) {
  TenantConfig config = Config("WRITERxxxxxxxxxxxxxxxxxxxxxxxx11",
                               "acme-writer-secret-0123456789abcdef");
  config.extension.enabled = false;
  const Diagnosis d = Run(config);
  EXPECT_TRUE(d.ok);
  const Check* writes = Find(d, "write_scopes");
  EXPECT_EQ(writes->status, CheckStatus::kWarning);
  EXPECT_THAT(writes->message, HasSubstr("update:users, delete:users"));
  EXPECT_THAT(writes->message, HasSubstr("could change the tenant"));
}

TEST_F(DiagnosticsTest, ConnectionsNotFoundOrLookingLikeCustomers) {
  TenantConfig config = Config();
  config.connections = {"google"};
  config.extension.enabled = false;
  Diagnosis d = Run(config);
  const Check* selected = Find(d, "selected_connections");
  EXPECT_EQ(selected->status, CheckStatus::kFailed);
  EXPECT_THAT(selected->message,
              HasSubstr("google-workforce, okta-saml, customers"));

  config.connections = {"google-workforce", "customers", "gone"};
  d = Run(config);
  EXPECT_TRUE(d.ok) << Describe(d);
  EXPECT_EQ(Find(d, "selected_connections")->status, CheckStatus::kWarning);
  EXPECT_THAT(Find(d, "selected_connections")->message,
              HasSubstr("not in the tenant: gone"));
  const Check* audience = Find(d, "connection_audience");
  EXPECT_EQ(audience->status, CheckStatus::kWarning);
  EXPECT_THAT(audience->message, HasSubstr("customers (the auth0 strategy"));
  EXPECT_THAT(audience->remediation, HasSubstr("workforce"));
}

TEST_F(DiagnosticsTest, ExtensionProblemsSayWhereToLook) {
  TenantConfig config = Config();
  config.extension.api_url =
      "https://acme.us12.webtask.io/0000000000000000/api";
  Diagnosis d = Run(config);
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(Find(d, "authorization_extension_token")->status, CheckStatus::kOk);
  const Check* api = Find(d, "authorization_extension_api");
  EXPECT_EQ(api->status, CheckStatus::kFailed);
  EXPECT_THAT(api->remediation, HasSubstr("API URL"));

  config = Config();
  config.extension.audience = "urn:not-an-api";
  d = Run(config);
  const Check* token = Find(d, "authorization_extension_token");
  EXPECT_EQ(token->status, CheckStatus::kFailed);
  EXPECT_THAT(token->message, HasSubstr("is not an API of tenant"));

  // No grant for the extension's API.
  config = Config("NOORGROLESxxxxxxxxxxxxxxxxxxxx10",
                  "acme-noorgroles-secret-0123456789abcdef");
  d = Run(config);
  token = Find(d, "authorization_extension_token");
  EXPECT_EQ(token->status, CheckStatus::kFailed);
  EXPECT_THAT(token->remediation,
              HasSubstr("auth0-authorization-extension-api"));

  // A token with read:roles alone: the advice a scan gives too.
  d = Run(Config("EXTROLESONLYxxxxxxxxxxxxxxxxxx12",
                 "acme-extrolesonly-secret-0123456789abcdef"));
  token = Find(d, "authorization_extension_token");
  EXPECT_EQ(token->status, CheckStatus::kFailed);
  EXPECT_THAT(token->message, HasSubstr("it has: read:roles"));
  EXPECT_THAT(token->remediation, HasSubstr("read:configuration"));
  EXPECT_THAT(token->missing_scopes, ElementsAre("read:configuration"));
  EXPECT_EQ(Find(d, "authorization_extension_api")->status,
            CheckStatus::kSkipped);

  // Without read:configuration the check reads /roles only, and says so
  // instead of reporting "0 groups".
  d = Run(Config("EXTSPLITxxxxxxxxxxxxxxxxxxxxxx13",
                 "acme-extsplit-secret-0123456789abcdef"));
  api = Find(d, "authorization_extension_api");
  EXPECT_EQ(api->status, CheckStatus::kOk) << api->message;
  EXPECT_THAT(api->message, HasSubstr("roles (groups are read by scans"));
  EXPECT_THAT(api->message, Not(HasSubstr("0 groups")));
  EXPECT_EQ(Find(d, "authorization_extension_token")->status, CheckStatus::kOk);

  // Groups and roles but not permissions: scans work, and the extension's
  // roles grant nothing a token would carry.
  d = Run(Config("EXTNOPERMSxxxxxxxxxxxxxxxxxxx14",
                 "acme-extnoperms-secret-0123456789abcdef"));
  token = Find(d, "authorization_extension_token");
  EXPECT_EQ(token->status, CheckStatus::kWarning);
  EXPECT_THAT(token->message, HasSubstr("grant no permissions"));
  EXPECT_THAT(token->missing_scopes, ElementsAre("read:permissions"));
  EXPECT_THAT(token->remediation, HasSubstr("read:permissions"));
  EXPECT_EQ(Find(d, "authorization_extension_api")->status, CheckStatus::kOk);
}

TEST_F(DiagnosticsTest, RateLimitTroubleIsItsOwnOutcomeWithTheResetTime) {
  // Another client of the tenant spends the budget while the connections are
  // read: that says nothing about the connection selection.
  ASSERT_TRUE(sim_->SetFaults("429:fraction=1,path=/api/v2/connections").ok());
  TenantConfig config = Config();
  config.extension.enabled = false;
  const absl::Time before = absl::Now();
  Diagnosis d = Run(config);
  ASSERT_TRUE(sim_->ClearFaults().ok());
  EXPECT_FALSE(d.ok);
  const Check* connections = Find(d, "selected_connections");
  ASSERT_NE(connections, nullptr) << Describe(d);
  EXPECT_EQ(connections->status, CheckStatus::kRateLimited) << Describe(d);
  EXPECT_THAT(connections->message, HasSubstr("rate-limited every attempt"));
  EXPECT_THAT(connections->remediation, HasSubstr("Wait until"));
  EXPECT_THAT(connections->remediation, HasSubstr("rate_limit_share"));
  ASSERT_TRUE(connections->rate_limit_reset.has_value());
  EXPECT_GE(*connections->rate_limit_reset, before - absl::Seconds(1));
  EXPECT_LE(*connections->rate_limit_reset, absl::Now() + absl::Minutes(1));
  for (const Check& c : d.checks) {
    if (c.name != "selected_connections") {
      EXPECT_NE(c.status, CheckStatus::kFailed) << Describe(d);
    }
  }
}

TEST_F(DiagnosticsTest, AnUnreachableTenantSaysToCheckTheNetwork) {
  HttpClientOptions http = sim_->HttpOptions();
  http.connect_to = "127.0.0.1:1";  // nothing listens there
  http.connect_timeout = absl::Seconds(2);
  const Diagnosis d = Diagnose(Config(), http);
  const Check* token = Find(d, "management_api_token");
  EXPECT_EQ(token->status, CheckStatus::kFailed);
  EXPECT_THAT(token->remediation, HasSubstr("can reach https://acme"));
}

TEST_F(DiagnosticsTest, ListsConnectionsWithHintsAndCounts) {
  auto connections = ListTenantConnections(Config(), sim_->HttpOptions());
  ASSERT_TRUE(connections.ok()) << connections.status();
  ASSERT_EQ(connections->size(), 3u);
  const TenantConnection& google = (*connections)[0];
  EXPECT_EQ(google.connection.name, "google-workforce");
  EXPECT_TRUE(google.selected);
  EXPECT_EQ(google.audience, ConnectionAudience::kWorkforce);
  EXPECT_GT(google.user_count, 0);
  const TenantConnection& customers = (*connections)[2];
  EXPECT_FALSE(customers.selected);
  EXPECT_EQ(customers.audience, ConnectionAudience::kCustomer);
  EXPECT_EQ(customers.user_count, 150);
  EXPECT_THAT(customers.audience_reason, HasSubstr("usually for customers"));
}

TEST_F(DiagnosticsTest, ListingWithBadCredentialsSaysWhatToDo) {
  auto connections = ListTenantConnections(
      Config("IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6", "wrong"), sim_->HttpOptions());
  EXPECT_EQ(connections.status().code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace identitygraph::importer
