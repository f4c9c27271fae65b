#include "importer/auth0_rules.h"

#include <atomic>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importer/diagnostics.h"
#include "importer/import.h"

namespace identitygraph::importer {
namespace {

using ::testing::HasSubstr;

TEST(Auth0RulesTest, TenantDomains) {
  struct Case {
    std::string domain;
    std::string reason;  // "" when accepted
  };
  for (const Case& c :
       std::vector<Case>{{"acme.us.auth0.com", ""},
                         {"acme.auth0.com", ""},
                         {"acme.eu.auth0.com", ""},
                         {"https://acme.us.auth0.com", "DOMAIN_HAS_SCHEME"},
                         {"acme.us.auth0.com/api/v2", "DOMAIN_HAS_PATH"},
                         {"acme.us.auth0.com:443", "DOMAIN_HAS_PORT"},
                         {"Acme.us.auth0.com", "DOMAIN_NOT_LOWERCASE"},
                         {"acme.us.auth0.com.", "DOMAIN_TRAILING_DOT"},
                         {"acme.xx.auth0.com", "DOMAIN_UNKNOWN_REGION"},
                         {"login.acme.com", "DOMAIN_CUSTOM"},
                         {"169.254.169.254", "DOMAIN_CUSTOM"},
                         {"localhost", "DOMAIN_CUSTOM"},
                         {"manage.auth0.com", "DOMAIN_NOT_TENANT"},
                         {"acme.us12.webtask.io", "DOMAIN_IS_EXTENSION_HOST"},
                         {"ab.us.auth0.com", "DOMAIN_TENANT_TOO_SHORT"},
                         {"", "DOMAIN_REQUIRED"}}) {
    auto problem = CheckTenantDomain(c.domain, {});
    EXPECT_EQ(problem.has_value() ? problem->reason : "", c.reason) << c.domain;
  }
  EXPECT_FALSE(
      CheckTenantDomain("acme.corp.auth0app.com", {"corp.auth0app.com"}));
}

TEST(Auth0RulesTest, ExtensionUrls) {
  const std::string good =
      "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api";
  EXPECT_FALSE(CheckExtensionApiUrl(good));
  EXPECT_EQ(CheckExtensionApiUrl("http://acme.us12.webtask.io" +
                                 std::string(kExtensionApiPath))
                ->reason,
            "EXTENSION_URL_NOT_HTTPS");
  EXPECT_EQ(CheckExtensionApiUrl("https://evil.example.com" +
                                 std::string(kExtensionApiPath))
                ->reason,
            "EXTENSION_URL_HOST");
  EXPECT_EQ(CheckExtensionApiUrl("")->reason, "EXTENSION_URL_REQUIRED");
}

TEST(Auth0RulesTest, PatternsCompileWithinOneBudget) {
  EXPECT_NE(CompileConnectionPattern("corp-.*").re, nullptr);
  EXPECT_EQ(CompileConnectionPattern("corp-(").problem->reason,
            "PATTERN_INVALID");
  EXPECT_EQ(CompileConnectionPattern("(ab|cd){900}").problem->reason,
            "PATTERN_TOO_COMPLEX");
  EXPECT_EQ(CompileConnectionPattern(std::string(600, 'a')).problem->reason,
            "PATTERN_TOO_LONG");
  // A refused pattern selects nothing.
  ConnectionSelection selection = SelectConnections(
      {{"con_1", "corp-a", "", ""}}, {}, {"(a|b){900}", "corp-.*"});
  ASSERT_EQ(selection.selected.size(), 1u);
}

TEST(Auth0RulesTest, CapabilitiesAreOneTable) {
  std::vector<std::string> names;
  for (const Capability& c : Capabilities(true)) names.push_back(c.name);
  EXPECT_THAT(names,
              ::testing::ElementsAre("users", "connections", "applications",
                                     "roles", "apis", "groups", "organizations",
                                     "organization_roles"));
  EXPECT_EQ(Capabilities(false).size(), 6u);
  EXPECT_THAT(CapabilityNamed("groups").scopes,
              ::testing::ElementsAre("read:groups", "read:group_members"));
}

// Whoever calls the importer, it talks only to Auth0: a configuration naming
// another host is refused before any request (none could be answered here:
// these hosts do not resolve to anything this test runs).
TEST(Auth0RulesTest, TheImporterRefusesANonAuth0HostHandedToItDirectly) {
  for (const char* domain :
       {"evil.example.com", "127.0.0.1", "metadata.google.internal"}) {
    TenantConfig config;
    config.domain = domain;
    config.client_id = "id";
    config.client_secret = "secret";
    config.connections = {"google-workforce"};
    std::atomic<bool> cancelled{false};
    auto imported = Import(config, ImportOptions(), cancelled);
    EXPECT_EQ(imported.status().code(), absl::StatusCode::kInvalidArgument)
        << domain;
    EXPECT_THAT(imported.status().message(), HasSubstr("refusing to contact"));
    Diagnosis diagnosis = Diagnose(config, HttpClientOptions());
    EXPECT_FALSE(diagnosis.ok);
    ASSERT_FALSE(diagnosis.checks.empty());
    EXPECT_THAT(diagnosis.checks[0].message, HasSubstr("refusing to contact"));
    EXPECT_EQ(
        ListTenantConnections(config, HttpClientOptions()).status().code(),
        absl::StatusCode::kInvalidArgument);
  }
  TenantConfig extension;
  extension.domain = "acme.us.auth0.com";
  extension.extension.enabled = true;
  extension.extension.api_url = "https://evil.example.com/x";
  std::atomic<bool> cancelled{false};
  auto imported = Import(extension, ImportOptions(), cancelled);
  EXPECT_EQ(imported.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(imported.status().message(),
              HasSubstr("Authorization Extension"));
}

}  // namespace
}  // namespace identitygraph::importer
