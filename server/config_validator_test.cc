#include "server/config_validator.h"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

struct DomainCase {
  std::string domain;
  std::string reason;  // Empty: valid.
  std::string
      hint;  // A fragment the description must contain, to prove it helps.
};

void PrintTo(const DomainCase& c, std::ostream* os) {
  *os << "'" << c.domain << "'";
}

class TenantDomainTest : public ::testing::TestWithParam<DomainCase> {};

TEST_P(TenantDomainTest, ClassifiesDomain) {
  const DomainCase& c = GetParam();
  ValidatorOptions options;
  options.private_cloud_domain_suffixes = {"acme-corp.auth0app.com"};
  std::optional<FieldViolation> problem =
      CheckTenantDomain(c.domain, "config.domain", options);
  if (c.reason.empty()) {
    EXPECT_FALSE(problem.has_value())
        << c.domain << ": " << problem->description;
    return;
  }
  ASSERT_TRUE(problem.has_value()) << c.domain << " should be refused";
  EXPECT_EQ(problem->reason, c.reason)
      << c.domain << ": " << problem->description;
  EXPECT_EQ(problem->field, "config.domain");
  EXPECT_THAT(problem->description, HasSubstr(c.hint)) << c.domain;
}

INSTANTIATE_TEST_SUITE_P(
    Table, TenantDomainTest,
    ::testing::Values(
        DomainCase{"acme.us.auth0.com", "", ""},
        DomainCase{"acme.eu.auth0.com", "", ""},
        DomainCase{"acme.au.auth0.com", "", ""},
        DomainCase{"acme.jp.auth0.com", "", ""},
        DomainCase{"acme.uk.auth0.com", "", ""},
        DomainCase{"acme.ca.auth0.com", "", ""},
        DomainCase{"legacy-tenant.auth0.com", "", ""},
        DomainCase{"dev-6ljhqh2ct4wo15by.us.auth0.com", "", ""},
        DomainCase{"a1b.us.auth0.com", "", ""},
        DomainCase{std::string(63, 'a') + ".us.auth0.com", "", ""},
        DomainCase{"identity.acme-corp.auth0app.com", "", ""},
        DomainCase{"", "DOMAIN_REQUIRED", "your-tenant.us.auth0.com"},
        DomainCase{"https://x.us.auth0.com", "DOMAIN_HAS_SCHEME",
                   "'x.us.auth0.com'"},
        DomainCase{"HTTPS://acme.us.auth0.com/api/v2/", "DOMAIN_HAS_SCHEME",
                   "'acme.us.auth0.com'"},
        DomainCase{"acme.us.auth0.com/api/v2/", "DOMAIN_HAS_PATH",
                   "'/api/v2/'"},
        DomainCase{"acme.us.auth0.com:443", "DOMAIN_HAS_PORT",
                   "'acme.us.auth0.com'"},
        DomainCase{"acme.us.auth0.com:", "DOMAIN_HAS_PORT", "only the host"},
        DomainCase{"acme us.auth0.com", "DOMAIN_INVALID_CHARACTER",
                   "letters, digits"},
        DomainCase{"ada@acme.us.auth0.com", "DOMAIN_INVALID_CHARACTER", "'@'"},
        DomainCase{"Acme.US.auth0.com", "DOMAIN_NOT_LOWERCASE",
                   "'acme.us.auth0.com'"},
        DomainCase{"acme.us.auth0.com.", "DOMAIN_TRAILING_DOT",
                   "'acme.us.auth0.com'"},
        DomainCase{"acme..us.auth0.com", "DOMAIN_EMPTY_LABEL", "empty label"},
        DomainCase{".acme.us.auth0.com", "DOMAIN_EMPTY_LABEL", "empty label"},
        DomainCase{std::string(64, 'a') + ".us.auth0.com",
                   "DOMAIN_LABEL_TOO_LONG", "63"},
        DomainCase{"-acme.us.auth0.com", "DOMAIN_LABEL_HYPHEN", "hyphen"},
        DomainCase{"acme-.us.auth0.com", "DOMAIN_LABEL_HYPHEN", "hyphen"},
        DomainCase{"ab.us.auth0.com", "DOMAIN_TENANT_TOO_SHORT",
                   "3 characters"},
        DomainCase{"acme.xx.auth0.com", "DOMAIN_UNKNOWN_REGION",
                   "us, eu, au, jp, uk, ca"},
        DomainCase{"acme.us3.auth0.com", "DOMAIN_UNKNOWN_REGION",
                   "acme.us.auth0.com"},
        DomainCase{"acme.eu.us.auth0.com", "DOMAIN_NOT_CANONICAL",
                   "--private_cloud_domain_suffixes"},
        DomainCase{"login.acme.com", "DOMAIN_CUSTOM",
                   "use the canonical your-tenant.REGION.auth0.com domain"},
        DomainCase{"auth.example.org", "DOMAIN_CUSTOM", "custom login domain"},
        DomainCase{"manage.auth0.com", "DOMAIN_NOT_TENANT",
                   "Auth0's own hosts"},
        DomainCase{"auth0.com", "DOMAIN_NOT_TENANT", "Auth0's own hosts"},
        DomainCase{"acme.us.webtask.io", "DOMAIN_IS_EXTENSION_HOST",
                   "authorization_extension.api_url"},
        DomainCase{"a.b.acme-corp.auth0app.com", "DOMAIN_CUSTOM", "canonical"},
        DomainCase{std::string(254, 'a'), "DOMAIN_TOO_LONG", "253"}),
    [](const ::testing::TestParamInfo<DomainCase>& info) {
      return absl::StrCat("case", info.index);
    });

v1::Config ValidConfig() {
  v1::Config config;
  config.set_domain("acme.us.auth0.com");
  config.set_client_id("0123456789abcdefABCDEF_-01234567");
  config.set_client_secret("s3cr3t-VALUE-that-is-long-enough_0123456789");
  config.add_connections("google-workforce");
  config.add_connections("okta");
  config.add_connection_patterns("corp-.*");
  auto* extension = config.mutable_authorization_extension();
  extension->set_enabled(true);
  extension->set_api_url(
      "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api");
  config.mutable_import_options()->mutable_rescan_interval()->set_seconds(3600);
  return config;
}

TEST(ValidateConfigTest, AcceptsAValidConfig) {
  EXPECT_THAT(ValidateConfig(ValidConfig(),
                             {"domain", "client_id", "client_secret"}, {}),
              IsEmpty());
}

TEST(ValidateConfigTest, AcceptsAnEmptyConfigWhenNothingIsBeingSet) {
  EXPECT_THAT(ValidateConfig(v1::Config(), {}, {}), IsEmpty());
}

struct ConfigCase {
  std::string name;
  std::function<void(v1::Config&)> mutate;
  std::string field;
  std::string reason;
};

void PrintTo(const ConfigCase& c, std::ostream* os) { *os << c.name; }

class ConfigFieldTest : public ::testing::TestWithParam<ConfigCase> {};

TEST_P(ConfigFieldTest, ReportsExactlyTheBadField) {
  v1::Config config = ValidConfig();
  GetParam().mutate(config);
  std::vector<FieldViolation> problems =
      ValidateConfig(config, {"domain", "client_id", "client_secret"}, {});
  ASSERT_EQ(problems.size(), 1u) << GetParam().name;
  EXPECT_EQ(problems[0].field, GetParam().field);
  EXPECT_EQ(problems[0].reason, GetParam().reason) << problems[0].description;
  // The secret never appears in any description.
  EXPECT_THAT(problems[0].description, Not(HasSubstr("s3cr3t")));
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigFieldTest,
    ::testing::Values(
        ConfigCase{"EmptySecret",
                   [](v1::Config& c) { c.clear_client_secret(); },
                   "config.client_secret", "CLIENT_SECRET_REQUIRED"},
        ConfigCase{"SecretWithNewline",
                   [](v1::Config& c) { c.set_client_secret("s3cr3t-abc\n"); },
                   "config.client_secret", "CLIENT_SECRET_WHITESPACE"},
        ConfigCase{"SecretWithSpace",
                   [](v1::Config& c) { c.set_client_secret("s3cr3t abc"); },
                   "config.client_secret", "CLIENT_SECRET_INVALID_CHARACTER"},
        ConfigCase{"SecretTooLong",
                   [](v1::Config& c) {
                     c.set_client_secret("s3cr3t" + std::string(2000, 'x'));
                   },
                   "config.client_secret", "CLIENT_SECRET_TOO_LONG"},
        ConfigCase{"EmptyClientId", [](v1::Config& c) { c.clear_client_id(); },
                   "config.client_id", "CLIENT_ID_REQUIRED"},
        ConfigCase{"ClientIdWithSpace",
                   [](v1::Config& c) { c.set_client_id("abc def"); },
                   "config.client_id", "CLIENT_ID_INVALID"},
        ConfigCase{"CustomDomain",
                   [](v1::Config& c) { c.set_domain("login.acme.com"); },
                   "config.domain", "DOMAIN_CUSTOM"},
        ConfigCase{"EmptyConnectionName",
                   [](v1::Config& c) { c.add_connections(""); },
                   "config.connections[2]", "CONNECTION_EMPTY"},
        ConfigCase{"DisplayNameAsConnection",
                   [](v1::Config& c) { c.add_connections("Google Workforce"); },
                   "config.connections[2]", "CONNECTION_INVALID"},
        ConfigCase{"DuplicateConnection",
                   [](v1::Config& c) { c.add_connections("okta"); },
                   "config.connections[2]", "CONNECTION_DUPLICATE"},
        ConfigCase{
            "ConnectionTooLong",
            [](v1::Config& c) { c.add_connections(std::string(129, 'a')); },
            "config.connections[2]", "CONNECTION_TOO_LONG"},
        ConfigCase{"TooManyConnections",
                   [](v1::Config& c) {
                     for (int i = 0; i < kMaxConnections; ++i) {
                       c.add_connections(absl::StrCat("c", i));
                     }
                   },
                   "config.connections", "TOO_MANY_CONNECTIONS"},
        ConfigCase{"PatternDoesNotCompile",
                   [](v1::Config& c) { c.add_connection_patterns("corp-(.*"); },
                   "config.connection_patterns[1]", "PATTERN_INVALID"},
        ConfigCase{"PatternTooLong",
                   [](v1::Config& c) {
                     c.add_connection_patterns(std::string(600, 'a'));
                   },
                   "config.connection_patterns[1]", "PATTERN_TOO_LONG"},
        ConfigCase{
            "PatternTooComplex",
            [](v1::Config& c) { c.add_connection_patterns("(ab|cd|ef){900}"); },
            "config.connection_patterns[1]", "PATTERN_TOO_COMPLEX"},
        ConfigCase{"EmptyPattern",
                   [](v1::Config& c) { c.add_connection_patterns(""); },
                   "config.connection_patterns[1]", "PATTERN_EMPTY"},
        ConfigCase{"TooManyPatterns",
                   [](v1::Config& c) {
                     for (int i = 0; i < kMaxConnectionPatterns; ++i) {
                       c.add_connection_patterns("x");
                     }
                   },
                   "config.connection_patterns", "TOO_MANY_PATTERNS"},
        ConfigCase{"ExtensionEnabledWithoutUrl",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->clear_api_url();
                   },
                   "config.authorization_extension.api_url",
                   "EXTENSION_URL_REQUIRED"},
        ConfigCase{"ExtensionOnTenantHost",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->set_api_url(
                         "https://acme.us.auth0.com/"
                         "adf6e2f2b84784b57522e3b19dfc9201/api");
                   },
                   "config.authorization_extension.api_url",
                   "EXTENSION_URL_HOST"},
        ConfigCase{"ExtensionOnOtherHost",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->set_api_url(
                         "https://evil.example.com/"
                         "adf6e2f2b84784b57522e3b19dfc9201/api");
                   },
                   "config.authorization_extension.api_url",
                   "EXTENSION_URL_HOST"},
        ConfigCase{"ExtensionOverHttp",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->set_api_url(
                         "http://acme.us.webtask.io/"
                         "adf6e2f2b84784b57522e3b19dfc9201/api");
                   },
                   "config.authorization_extension.api_url",
                   "EXTENSION_URL_NOT_HTTPS"},
        ConfigCase{"ExtensionWithPort",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->set_api_url(
                         "https://acme.us.webtask.io:8443/"
                         "adf6e2f2b84784b57522e3b19dfc9201/api");
                   },
                   "config.authorization_extension.api_url",
                   "EXTENSION_URL_HAS_USERINFO_OR_PORT"},
        ConfigCase{"ExtensionWrongPath",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->set_api_url(
                         "https://acme.us.webtask.io/"
                         "adf6e2f2b84784b57522e3b19dfc9201");
                   },
                   "config.authorization_extension.api_url",
                   "EXTENSION_URL_PATH"},
        ConfigCase{"ExtensionNotAUrl",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->set_api_url(
                         "acme.us.webtask.io");
                   },
                   "config.authorization_extension.api_url",
                   "EXTENSION_URL_NOT_URL"},
        ConfigCase{"ExtensionWithQuery",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->set_api_url(
                         "https://acme.us.webtask.run/"
                         "adf6e2f2b84784b57522e3b19dfc9201/api?x=1");
                   },
                   "config.authorization_extension.api_url",
                   "EXTENSION_URL_HAS_QUERY"},
        ConfigCase{"AudienceWithSpace",
                   [](v1::Config& c) {
                     c.mutable_authorization_extension()->set_audience(
                         "urn:auth0 authz");
                   },
                   "config.authorization_extension.audience",
                   "EXTENSION_AUDIENCE_INVALID"},
        ConfigCase{"RateLimitShareAboveAll",
                   [](v1::Config& c) {
                     c.mutable_import_options()->set_rate_limit_share(101);
                   },
                   "config.import_options.rate_limit_share",
                   "RATE_LIMIT_SHARE_INVALID"},
        ConfigCase{"RateLimitShareNegative",
                   [](v1::Config& c) {
                     c.mutable_import_options()->set_rate_limit_share(-5);
                   },
                   "config.import_options.rate_limit_share",
                   "RATE_LIMIT_SHARE_INVALID"},
        ConfigCase{"RescanTooOften",
                   [](v1::Config& c) {
                     c.mutable_import_options()
                         ->mutable_rescan_interval()
                         ->set_seconds(60);
                   },
                   "config.import_options.rescan_interval",
                   "RESCAN_INTERVAL_TOO_SHORT"},
        ConfigCase{"RescanTooRare",
                   [](v1::Config& c) {
                     c.mutable_import_options()
                         ->mutable_rescan_interval()
                         ->set_seconds(int64_t{8} * 24 * 3600);
                   },
                   "config.import_options.rescan_interval",
                   "RESCAN_INTERVAL_TOO_LONG"},
        ConfigCase{"RescanNegative",
                   [](v1::Config& c) {
                     c.mutable_import_options()
                         ->mutable_rescan_interval()
                         ->set_seconds(-5);
                   },
                   "config.import_options.rescan_interval",
                   "RESCAN_INTERVAL_INVALID"},
        ConfigCase{"ChangePollTooOften",
                   [](v1::Config& c) {
                     c.mutable_import_options()
                         ->mutable_change_poll_interval()
                         ->set_seconds(4);
                   },
                   "config.import_options.change_poll_interval",
                   "CHANGE_POLL_INTERVAL_TOO_SHORT"},
        ConfigCase{"ChangePollSubSecond",
                   [](v1::Config& c) {
                     c.mutable_import_options()
                         ->mutable_change_poll_interval()
                         ->set_nanos(500000000);
                   },
                   "config.import_options.change_poll_interval",
                   "CHANGE_POLL_INTERVAL_TOO_SHORT"},
        ConfigCase{"ChangePollTooRare",
                   [](v1::Config& c) {
                     auto* interval = c.mutable_import_options()
                                          ->mutable_change_poll_interval();
                     interval->set_seconds(900);
                     interval->set_nanos(1);
                   },
                   "config.import_options.change_poll_interval",
                   "CHANGE_POLL_INTERVAL_TOO_LONG"},
        ConfigCase{"ChangePollMalformed",
                   [](v1::Config& c) {
                     auto* interval = c.mutable_import_options()
                                          ->mutable_change_poll_interval();
                     interval->set_seconds(10);
                     interval->set_nanos(-1);
                   },
                   "config.import_options.change_poll_interval",
                   "CHANGE_POLL_INTERVAL_INVALID"}),
    [](const ::testing::TestParamInfo<ConfigCase>& info) {
      return info.param.name;
    });

TEST(ValidateConfigTest, ChangePollIntervalBoundsAndZeroAreAccepted) {
  for (int64_t seconds : {int64_t{0}, kMinChangePollSeconds,
                          kDefaultChangePollSeconds, kMaxChangePollSeconds}) {
    SCOPED_TRACE(seconds);
    v1::Config config = ValidConfig();
    config.mutable_import_options()->set_follow_changes(true);
    config.mutable_import_options()
        ->mutable_change_poll_interval()
        ->set_seconds(seconds);
    EXPECT_THAT(ValidateConfig(config, {}, {}), IsEmpty());
  }
}

TEST(ValidateConfigTest, ExtensionUrlFormsThatAreAccepted) {
  for (const char* url :
       {"https://acme.us.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api",
        "https://acme.eu.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api",
        "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api",
        "https://acme.us8.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api/",
        "https://acme.us.webtask.run/adf6e2f2b84784b57522e3b19dfc9201/api",
        "https://acme.jp.webtask.run/adf6e2f2b84784b57522e3b19dfc9201/api"}) {
    v1::Config config = ValidConfig();
    config.mutable_authorization_extension()->set_api_url(url);
    EXPECT_THAT(ValidateConfig(config, {}, {}), IsEmpty()) << url;
  }
}

TEST(ValidateConfigTest, ZeroRescanIntervalTurnsSchedulingOff) {
  v1::Config config = ValidConfig();
  config.mutable_import_options()->mutable_rescan_interval()->set_seconds(0);
  EXPECT_THAT(ValidateConfig(config, {}, {}), IsEmpty());
}

TEST(ValidateConfigTest, ReportsEveryBadFieldAtOnce) {
  v1::Config config = ValidConfig();
  config.set_domain("https://acme.us.auth0.com");
  config.clear_client_secret();
  config.add_connection_patterns("(");
  std::vector<FieldViolation> problems = ValidateConfig(
      config, {"domain", "client_secret", "connection_patterns"}, {});
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].field, "config.domain");
  EXPECT_EQ(problems[1].field, "config.client_secret");
  EXPECT_EQ(problems[2].field, "config.connection_patterns[1]");
}

TEST(PrivateCloudSuffixTest, AcceptsHostSuffixesOnly) {
  EXPECT_TRUE(CheckPrivateCloudSuffix("acme.auth0app.com").ok());
  for (const char* bad : {"", ".acme.com", "acme.com.", "com", "ACME.com",
                          "acme .com", "-acme.com", "https://acme.com"}) {
    EXPECT_FALSE(CheckPrivateCloudSuffix(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace identitygraph
