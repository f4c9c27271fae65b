// The whole import against auth0-sim over HTTPS: the demo tenant edge by edge,
// a generated tenant past the 1000-user search cap, missing scopes, bad
// credentials, cancellation, and every fault the simulator can inject. The
// expected graphs come from tests/import_oracle.h, which reads the simulator's
// records directly.
#include "importer/import.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importer/http_client.h"
#include "importer/remediation.h"
#include "importer/token_source.h"
#include "tests/auth0_sim/generator.h"
#include "tests/auth0_sim/tenant.h"
#include "tests/import_oracle.h"
#include "tests/sim_instance.h"

namespace identitygraph::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAcmeImporter[] = "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6";
constexpr char kAcmeSecret[] = "acme-importer-secret-0123456789abcdef";
constexpr char kExtensionPath[] = "/adf6e2f2b84784b57522e3b19dfc9201/api";
// Fast enough that limits never bind, unless a test says otherwise.
const std::vector<std::string> kUnlimited = {"--rate_burst=100000",
                                             "--rate_per_second=100000"};

std::string AcmeFile() {
  return absl::StrCat(AUTH0_SIM_DIR, "/fixtures/acme.json");
}

TenantConfig AcmeConfig(const std::string& client_id = kAcmeImporter,
                        const std::string& secret = kAcmeSecret) {
  TenantConfig config;
  config.domain = "acme.us.auth0.com";
  config.client_id = client_id;
  config.client_secret = secret;
  config.connections = {"google-workforce"};
  config.connection_patterns = {"okta-.*"};
  config.extension.enabled = true;
  config.extension.api_url =
      absl::StrCat("https://acme.us12.webtask.io", kExtensionPath);
  config.include_organizations = true;
  config.login_reachability = true;
  return config;
}

// Backoff and polls shrunk so faults cost milliseconds, not seconds.
ImportOptions FastOptions(const SimInstance& sim) {
  ImportOptions options;
  options.http = sim.HttpOptions();
  options.http.total_timeout = absl::Seconds(20);
  options.retry.initial_backoff = absl::Milliseconds(5);
  options.retry.max_backoff = absl::Milliseconds(50);
  options.users.min_poll_interval = absl::Milliseconds(10);
  options.users.max_poll_interval = absl::Milliseconds(50);
  return options;
}

absl::StatusOr<ImportResult> RunImport(const TenantConfig& config,
                                       const ImportOptions& options,
                                       const ProgressCallback& progress = {}) {
  std::atomic<bool> cancelled{false};
  return Import(config, options, cancelled, progress);
}

// The import's edges and, when `blocked` is given, the users it marks blocked.
std::set<std::string> Edges(ImportResult& result,
                            std::set<std::string>* blocked = nullptr) {
  std::shared_ptr<const graph::Snapshot> snapshot =
      std::move(result.builder).Build(1, absl::Now());
  for (graph::VertexId v = 0;
       blocked != nullptr && v < snapshot->vertex_count(); ++v) {
    if (snapshot->blocked(v)) blocked->insert(std::string(snapshot->id(v)));
  }
  return SnapshotEdges(*snapshot);
}

std::vector<std::string> WarningTexts(const ImportProgress& report) {
  std::vector<std::string> out;
  for (const ImportWarning& w : report.warnings)
    out.push_back(
        absl::StrCat(w.source, ": ", w.message, " / ", w.remediation));
  return out;
}

// Requests Auth0 would have refused (4xx other than 429), by reason; must be
// none, except the 401s a test provokes on purpose.
std::vector<std::string> Refusals(SimInstance& sim,
                                  const std::string& allowed = "") {
  std::vector<std::string> out;
  absl::StatusOr<nlohmann::json> stats = sim.Stats();
  if (!stats.ok()) return {std::string(stats.status().message())};
  for (const auto& [reason, count] : (*stats)["refused"].items()) {
    if (!allowed.empty() && reason.find(allowed) != std::string::npos) continue;
    out.push_back(absl::StrCat(reason, " x", count.get<int64_t>()));
  }
  return out;
}

class AcmeImportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<std::string> flags = kUnlimited;
    flags.push_back(absl::StrCat("--tenant_file=", AcmeFile()));
    auto sim = SimInstance::Start(flags);
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = sim->release();
    auto tenant = sim::LoadTenantFile(AcmeFile());
    ASSERT_TRUE(tenant.ok()) << tenant.status();
    tenant_ = new sim::Tenant(*std::move(tenant));
    expected_ = new ExpectedImport(ExpectImport(*tenant_, Oracle()));
  }
  static void TearDownTestSuite() {
    delete sim_;
    delete expected_;
    delete tenant_;
  }
  static OracleOptions Oracle() {
    OracleOptions oracle;
    oracle.connections = {"google-workforce", "okta-saml"};
    return oracle;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->ClearFaults().ok());
    ASSERT_TRUE(sim_->ResetStats().ok());
  }

  static SimInstance* sim_;
  static sim::Tenant* tenant_;
  static ExpectedImport* expected_;
};

SimInstance* AcmeImportTest::sim_ = nullptr;
sim::Tenant* AcmeImportTest::tenant_ = nullptr;
ExpectedImport* AcmeImportTest::expected_ = nullptr;

TEST_F(AcmeImportTest, ImportsTheDemoTenantEdgeByEdge) {
  absl::StatusOr<ImportResult> result =
      RunImport(AcmeConfig(), FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(WarningTexts(result->report), ::testing::IsEmpty());
  EXPECT_EQ(result->report.dropped, expected_->dropped);
  EXPECT_EQ(result->report.fetched[static_cast<int>(graph::VertexKind::kUser)],
            expected_->users);
  std::set<std::string> blocked;
  const std::set<std::string> edges = Edges(*result, &blocked);
  EXPECT_EQ(edges, expected_->edges) << EdgeDifference(expected_->edges, edges);
  EXPECT_GT(expected_->edges.size(), 40u);  // the oracle is not vacuous
  EXPECT_EQ(blocked, expected_->blocked_users);
  EXPECT_FALSE(blocked.empty());
  EXPECT_THAT(Refusals(*sim_), ::testing::IsEmpty());
}

TEST_F(AcmeImportTest, MakesTheFewestRequestsTheApiAllows) {
  absl::StatusOr<ImportResult> result =
      RunImport(AcmeConfig(), FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  // connections 1; users 1 page x 2 connections; clients 1; APIs 1; roles 1
  // + (members + permissions) x 3; groups 1 + (members + roles) x 2 (both on
  // okta-saml); organizations 1 + members 1; connection clients x 2;
  // extension export 1.
  EXPECT_EQ(result->report.requests, 22);
  EXPECT_EQ(result->report.retries, 0);
  EXPECT_EQ(result->token_requests, 2);  // one per audience
}

TEST_F(AcmeImportTest, DirectUserPermissionsCostOneRequestPerUser) {
  TenantConfig config = AcmeConfig();
  config.user_permissions = true;
  absl::StatusOr<ImportResult> result = RunImport(config, FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(WarningTexts(result->report), ::testing::IsEmpty());
  OracleOptions oracle = Oracle();
  oracle.user_permissions = true;
  const ExpectedImport expected = ExpectImport(*tenant_, oracle);
  const std::set<std::string> edges = Edges(*result);
  EXPECT_EQ(edges, expected.edges) << EdgeDifference(expected.edges, edges);
  // Grace holds run:payroll directly and through Payroll Admin (Auth0 lists
  // it once with both sources): both paths. Ada holds it only through the
  // role: the listing's ROLE source keeps it off her.
  EXPECT_THAT(edges, ::testing::Contains("user_permission google-apps|grace -> "
                                         "https://api.acme.com/payroll "
                                         "run:payroll"));
  EXPECT_THAT(edges, ::testing::Contains("user_permission google-apps|alan -> "
                                         "https://api.acme.com/payroll "
                                         "read:payslips"));
  for (const std::string& edge : edges) {
    EXPECT_FALSE(absl::StartsWith(edge, "user_permission google-apps|ada "))
        << edge;
  }
  // The 22 of an import without the option, and one per selected user.
  EXPECT_EQ(result->report.requests, 22 + expected.users);
  EXPECT_EQ(result->data.user_permissions.size(), 2u);
  EXPECT_TRUE(result->data.sources.user_permissions);
  EXPECT_THAT(Refusals(*sim_), ::testing::IsEmpty());
}

TEST_F(AcmeImportTest, ReportsProgressPhaseByPhase) {
  std::vector<ImportPhase> phases;
  int64_t last_requests = 0;
  bool requests_monotonic = true;
  TenantConfig config = AcmeConfig();
  config.user_permissions = true;
  absl::StatusOr<ImportResult> result =
      RunImport(config, FastOptions(*sim_), [&](const ImportProgress& p) {
        if (phases.empty() || phases.back() != p.phase)
          phases.push_back(p.phase);
        requests_monotonic &= p.requests >= last_requests;
        last_requests = p.requests;
      });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(requests_monotonic);
  EXPECT_TRUE(std::is_sorted(phases.begin(), phases.end()));
  EXPECT_EQ(phases.front(), ImportPhase::kToken);
  EXPECT_EQ(phases.back(), ImportPhase::kBuild);
  EXPECT_EQ(phases.size(), 11u);  // every phase: everything is configured
  EXPECT_EQ(last_requests, result->report.requests);
}

TEST_F(AcmeImportTest, AMissingOptionalScopeSkipsWithAWarningNamingIt) {
  // This application lacks read:organization_member_roles (and has no grant
  // for the extension, which is left off).
  TenantConfig config = AcmeConfig("NOORGROLESxxxxxxxxxxxxxxxxxxxx10",
                                   "acme-noorgroles-secret-0123456789abcdef");
  config.extension.enabled = false;
  absl::StatusOr<ImportResult> result = RunImport(config, FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->report.warnings.size(), 1u);
  const ImportWarning& warning = result->report.warnings[0];
  EXPECT_EQ(warning.source, "organizations");
  EXPECT_THAT(warning.missing_scopes,
              ::testing::ElementsAre("read:organization_member_roles"));
  EXPECT_THAT(warning.remediation,
              HasSubstr("Grant read:organization_member_roles"));
  OracleOptions oracle = Oracle();
  oracle.extension = false;
  std::set<std::string> expected;
  for (const std::string& edge : ExpectImport(*tenant_, oracle).edges) {
    if (edge.rfind("organization_role", 0) != 0) expected.insert(edge);
  }
  const std::set<std::string> edges = Edges(*result);
  EXPECT_EQ(edges, expected) << EdgeDifference(expected, edges);
}

TEST_F(AcmeImportTest, AnExtensionTokenWithoutItsScopesFailsBeforeAnyRead) {
  int64_t requests = 0;
  absl::StatusOr<ImportResult> result = RunImport(
      AcmeConfig("EXTROLESONLYxxxxxxxxxxxxxxxxxx12",
                 "acme-extrolesonly-secret-0123456789abcdef"),
      FastOptions(*sim_),
      [&](const ImportProgress& progress) { requests = progress.requests; });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(result.status().message(),
              HasSubstr("the extension token lacks read:configuration (or "
                        "read:groups and read:roles); it has: read:roles"));
  // The advice TestConnection gives for the same token.
  EXPECT_THAT(RemediationOf(result.status()), HasSubstr("read:configuration"));
  EXPECT_THAT(RemediationOf(result.status()),
              HasSubstr("auth0-authorization-extension-api"));
  // Only the tokens were requested: no Management API read was spent.
  EXPECT_EQ(requests, 0);
}

TEST_F(AcmeImportTest, AnExtensionReadThroughGroupsAndRolesMatchesTheExport) {
  absl::StatusOr<ImportResult> result =
      RunImport(AcmeConfig("EXTSPLITxxxxxxxxxxxxxxxxxxxxxx13",
                           "acme-extsplit-secret-0123456789abcdef"),
                FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  const std::set<std::string> edges = Edges(*result);
  EXPECT_EQ(edges, expected_->edges) << EdgeDifference(expected_->edges, edges);
}

TEST_F(AcmeImportTest,
       AnExtensionTokenWithoutReadPermissionsWarnsAndGrantsNone) {
  absl::StatusOr<ImportResult> result =
      RunImport(AcmeConfig("EXTNOPERMSxxxxxxxxxxxxxxxxxxx14",
                           "acme-extnoperms-secret-0123456789abcdef"),
                FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->report.warnings.size(), 1u);
  EXPECT_EQ(result->report.warnings[0].source, "extension_permissions");
  EXPECT_THAT(result->report.warnings[0].missing_scopes,
              ElementsAre("read:permissions"));
  // Everything else as the export gives it: only the extension's
  // permissions (role -> permission -> application) are missing.
  const std::set<std::string> edges = Edges(*result);
  for (const std::string& line : expected_->edges) {
    const bool extension_permission =
        line.find("5e1f0000-") != std::string::npos &&
        line.rfind("role_permission", 0) == 0;
    const bool application_permission =
        line.rfind("permission_on", 0) == 0 &&
        line.find("https://") == std::string::npos;
    EXPECT_EQ(edges.count(line) > 0,
              !extension_permission && !application_permission)
        << line;
  }
}

TEST_F(AcmeImportTest, MissingRequiredScopesFailNamingEveryOne) {
  absl::StatusOr<ImportResult> result =
      RunImport(AcmeConfig("LIMITEDxxxxxxxxxxxxxxxxxxxxxxxx7",
                           "acme-limited-secret-0123456789abcdef"),
                FastOptions(*sim_));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(result.status().message(),
              HasSubstr("read:connections, read:clients, read:roles"));
  EXPECT_THAT(RemediationOf(result.status()), HasSubstr("Machine to Machine"));
}

TEST_F(AcmeImportTest, CredentialAndGrantFailuresSayWhatToDo) {
  struct Case {
    std::string client_id, secret;
    absl::StatusCode code;
    std::string says;
  } cases[] = {
      {kAcmeImporter, "wrong-secret", absl::StatusCode::kUnauthenticated,
       "Check the client id, the client secret and the tenant domain"},
      {"NOGRANTxxxxxxxxxxxxxxxxxxxxxxxx8",
       "acme-nogrant-secret-0123456789abcdef",
       absl::StatusCode::kPermissionDenied, "Auth0 Management API"},
      {"NOCCxxxxxxxxxxxxxxxxxxxxxxxxxxx9", "acme-nocc-secret-0123456789abcdef",
       absl::StatusCode::kPermissionDenied, "Client Credentials"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ImportResult> result =
        RunImport(AcmeConfig(c.client_id, c.secret), FastOptions(*sim_));
    EXPECT_EQ(result.status().code(), c.code) << c.client_id;
    EXPECT_THAT(WithFix(result.status()), HasSubstr(c.says)) << c.client_id;
  }
}

TEST_F(AcmeImportTest, NoMatchingConnectionListsTheTenantsConnections) {
  TenantConfig config = AcmeConfig();
  config.connections = {"google"};
  config.connection_patterns = {"corp-.*"};
  absl::StatusOr<ImportResult> result = RunImport(config, FastOptions(*sim_));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(),
              HasSubstr("google-workforce, okta-saml, customers"));
}

TEST_F(AcmeImportTest, SelectingACustomerConnectionWarns) {
  TenantConfig config = AcmeConfig();
  config.connections = {"google-workforce", "customers", "gone"};
  config.connection_patterns = {"okta-.*", "corp-.*"};
  absl::StatusOr<ImportResult> result = RunImport(config, FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(WarningTexts(result->report),
              ::testing::UnorderedElementsAre(
                  HasSubstr("selected connections not in the tenant: gone"),
                  HasSubstr("customers looks like a customer connection"),
                  HasSubstr("patterns matching nothing: corp-.*")));
  EXPECT_TRUE(result->report.dropped.empty());  // customers are users now
}

TEST_F(AcmeImportTest, CancellingStopsTheImport) {
  std::atomic<bool> cancelled{false};
  absl::StatusOr<ImportResult> result =
      Import(AcmeConfig(), FastOptions(*sim_), cancelled,
             [&](const ImportProgress& p) {
               if (p.phase == ImportPhase::kRoles) cancelled = true;
             });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
}

// Faults: the import either equals the fault-free one or fails cleanly.
struct FaultCase {
  const char* name;
  const char* plan;
};

class AcmeFaultTest : public AcmeImportTest,
                      public ::testing::WithParamInterface<FaultCase> {};

TEST_P(AcmeFaultTest, EqualsTheFaultFreeImport) {
  ASSERT_TRUE(sim_->SetFaults(GetParam().plan).ok());
  absl::StatusOr<ImportResult> result =
      RunImport(AcmeConfig(), FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  const std::set<std::string> edges = Edges(*result);
  EXPECT_EQ(edges, expected_->edges) << EdgeDifference(expected_->edges, edges);
  EXPECT_THAT(Refusals(*sim_, "Expired token"), ::testing::IsEmpty());
  absl::StatusOr<nlohmann::json> stats = sim_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_GT((*stats)["faults_injected"].get<int64_t>(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, AcmeFaultTest,
    ::testing::Values(
        FaultCase{"FiveHundreds", "503:fraction=0.2,seed=3;500:nth=2"},
        FaultCase{"CutBodies", "truncate:fraction=0.15,seed=4"},
        FaultCase{"ResetConnections", "reset:fraction=0.15,seed=5"},
        FaultCase{"MalformedJson", "malformed:fraction=0.1,seed=6"},
        FaultCase{"SlowAnswers", "slow:fraction=0.2,delay=200ms,seed=7"},
        FaultCase{"TokenExpiresMidImport", "expire:nth=6"},
        FaultCase{"Mixed",
                  "503:fraction=0.05,seed=8;truncate:fraction=0.05,seed=9;"
                  "malformed:fraction=0.05,seed=10;expire:nth=12"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) {
      return std::string(info.param.name);
    });

TEST_F(AcmeImportTest, FaultsBeyondTheRetryBudgetFailCleanly) {
  ASSERT_TRUE(sim_->SetFaults("503:fraction=1,path=/api/v2/roles").ok());
  absl::StatusOr<ImportResult> result =
      RunImport(AcmeConfig(), FastOptions(*sim_));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("/api/v2/roles"));
  EXPECT_THAT(result.status().message(), HasSubstr("6 attempts"));
}

// A 429 storm: a tiny budget that the importer must pace itself to.
TEST(ImporterRateLimitTest, PacesToATightBudgetWithoutA429) {
  auto sim = SimInstance::Start({absl::StrCat("--tenant_file=", AcmeFile()),
                                 "--rate_burst=3", "--rate_per_second=40"});
  ASSERT_TRUE(sim.ok()) << sim.status();
  // All of it: the point is pacing at the limit. (At a share below 1 the
  // bucket is never drained, and a bucket of 3 then tells too little about
  // its rate to go faster than a request per reset.)
  TenantConfig config = AcmeConfig();
  config.rate_limit_share = 1;
  absl::StatusOr<ImportResult> result = RunImport(config, FastOptions(**sim));
  ASSERT_TRUE(result.ok()) << result.status();
  absl::StatusOr<nlohmann::json> stats = (*sim)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ((*stats)["rate_limited"], 0) << stats->dump();
  EXPECT_GT(result->report.rate_limit_wait, absl::ZeroDuration());
}

// The polite importer: while a scan runs at the default share, another
// client of the tenant calling once a second never meets a 429.
TEST(ImporterRateLimitTest,
     TheDefaultShareLeavesRoomForTheTenantsOtherClients) {
  auto sim = SimInstance::Start({absl::StrCat("--tenant_file=", AcmeFile()),
                                 "--rate_burst=10", "--rate_per_second=10"});
  ASSERT_TRUE(sim.ok()) << sim.status();
  HttpClient other_http((*sim)->HttpOptions());
  TokenSource other_tokens(
      &other_http, {"acme.us.auth0.com", "LIMITEDxxxxxxxxxxxxxxxxxxxxxxxx7",
                    "acme-limited-secret-0123456789abcdef"});
  absl::StatusOr<Token> token =
      other_tokens.Get("https://acme.us.auth0.com/api/v2/");
  ASSERT_TRUE(token.ok()) << token.status();
  std::atomic<bool> done{false};
  int other_calls = 0, other_429s = 0;
  // The other client is paced by the clock, as a real one would be; nothing
  // waits on it.
  std::thread other([&] {
    while (!done.load()) {
      HttpRequest request;
      request.url =
          "https://acme.us.auth0.com/api/v2/users?per_page=1&q=name:ada";
      request.headers = {{"Authorization", "Bearer " + token->access_token}};
      absl::StatusOr<HttpResponse> response = other_http.Send(request);
      ++other_calls;
      if (response.ok() && response->status == 429) ++other_429s;
      absl::SleepFor(absl::Seconds(1));
    }
  });
  TenantConfig config = AcmeConfig();
  ASSERT_EQ(config.rate_limit_share, kDefaultRateLimitShare);
  const absl::Time start = absl::Now();
  absl::StatusOr<ImportResult> result = RunImport(config, FastOptions(**sim));
  const absl::Duration took = absl::Now() - start;
  done = true;
  other.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(other_429s, 0) << "of " << other_calls << " calls";
  EXPECT_GE(other_calls, 2);
  absl::StatusOr<nlohmann::json> stats = (*sim)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ((*stats)["rate_limited"], 0) << stats->dump();
  // The wait is time, not a sum over the concurrent fetchers.
  EXPECT_LE(result->report.rate_limit_wait, took);
  std::printf(
      "scan at the default share: %d requests in %.1f s, %.1f s "
      "waiting; the other client made %d calls\n",
      static_cast<int>(result->report.requests), absl::ToDoubleSeconds(took),
      absl::ToDoubleSeconds(result->report.rate_limit_wait), other_calls);
}

// A 429 storm: other clients of the tenant spend the shared budget, so a
// fifth of the requests meet a 429 whatever the importer's pacing. Each is
// waited out (Retry-After) and asked again.
TEST_F(AcmeImportTest, A429StormIsWaitedOut) {
  ASSERT_TRUE(sim_->SetFaults("429:fraction=0.2,seed=12").ok());
  ImportOptions options = FastOptions(*sim_);
  options.retry.max_attempts = 10;
  absl::StatusOr<ImportResult> result = RunImport(AcmeConfig(), options);
  ASSERT_TRUE(result.ok()) << result.status();
  const std::set<std::string> edges = Edges(*result);
  EXPECT_EQ(edges, expected_->edges) << EdgeDifference(expected_->edges, edges);
  EXPECT_GT(result->report.retries, 0);
  EXPECT_GE(result->report.rate_limit_wait, absl::Seconds(1));
}

// A generated tenant: eight workforce connections, the first with over 5000
// users (past the search cap: export jobs), the last few small enough to
// search page by page, and a customer database that is not selected.
class GeneratedImportTest : public ::testing::Test {
 protected:
  static constexpr char kSpec[] =
      "users=20000,connections=8,groups=40,roles=20,apps=10,orgs=3,seed=11";
  static void SetUpTestSuite() {
    std::vector<std::string> flags = kUnlimited;
    flags.push_back(absl::StrCat("--generate=", kSpec));
    flags.push_back("--export_polls=2");
    auto sim = SimInstance::Start(flags, "generated.us.auth0.com");
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = sim->release();
    auto spec = sim::ParseGeneratorSpec(kSpec);
    ASSERT_TRUE(spec.ok());
    tenant_ = new sim::Tenant(sim::GenerateTenant(*spec));
  }
  static void TearDownTestSuite() {
    delete sim_;
    delete tenant_;
  }
  void SetUp() override { ASSERT_TRUE(sim_->ClearFaults().ok()); }

  static std::vector<std::string> Workforce() {
    std::vector<std::string> names;
    for (const sim::Json& c : tenant_->connections) {
      if (c["strategy"] != "auth0") names.push_back(c["name"]);
    }
    return names;
  }
  static TenantConfig Config() {
    TenantConfig config;
    config.domain = "generated.us.auth0.com";
    config.client_id = "GENERATEDxxxxxxxxxxxxxxxxxxxxx01";
    config.client_secret = "generated-importer-secret-0123456789";
    config.connections = Workforce();
    config.extension.enabled = true;
    config.extension.api_url =
        absl::StrCat("https://generated.us12.webtask.io", kExtensionPath);
    config.include_organizations = true;
    config.login_reachability = true;
    return config;
  }
  static int64_t UsersOf(const std::string& connection) {
    int64_t count = 0;
    for (const sim::Json& user : tenant_->users)
      count += user["identities"][0]["connection"] == connection;
    return count;
  }

  static SimInstance* sim_;
  static sim::Tenant* tenant_;
};

SimInstance* GeneratedImportTest::sim_ = nullptr;
sim::Tenant* GeneratedImportTest::tenant_ = nullptr;

TEST_F(GeneratedImportTest, ImportsEveryUserPastTheSearchCap) {
  const std::vector<std::string> workforce = Workforce();
  ASSERT_EQ(workforce.size(), 8u);
  ASSERT_GT(UsersOf(workforce.front()), 5000);  // the cap is in play
  ASSERT_LE(UsersOf(workforce.back()), 1000);   // and so is the search
  ASSERT_GT(UsersOf(workforce.back()), 100);    // over several pages
  OracleOptions oracle;
  oracle.connections = workforce;
  const ExpectedImport expected = ExpectImport(*tenant_, oracle);

  absl::StatusOr<ImportResult> result = RunImport(Config(), FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->report.fetched[static_cast<int>(graph::VertexKind::kUser)],
            expected.users);
  int64_t exported = 0;
  for (const std::string& name : workforce)
    exported += UsersOf(name) > 1000 ? UsersOf(name) : 0;
  EXPECT_EQ(result->users.export_lines, exported);
  EXPECT_GT(result->users.export_jobs, 0);
  EXPECT_EQ(result->report.dropped, expected.dropped);
  EXPECT_FALSE(expected.dropped.empty());  // customers hold memberships
  std::set<std::string> blocked;  // from the search and the export both
  const std::set<std::string> edges = Edges(*result, &blocked);
  EXPECT_EQ(edges, expected.edges) << EdgeDifference(expected.edges, edges);
  EXPECT_EQ(blocked, expected.blocked_users);
  EXPECT_GT(blocked.size(), 10u);
  EXPECT_THAT(Refusals(*sim_), ::testing::IsEmpty());
}

TEST_F(GeneratedImportTest, CutDownloadsAreFetchedAgainWithAFreshLink) {
  ASSERT_TRUE(sim_->SetFaults("truncate:path=/__sim_exports/,nth=1;"
                              "reset:path=/__sim_exports/,nth=2;"
                              "malformed:path=/api/v2/jobs/,nth=3")
                  .ok());
  OracleOptions oracle;
  oracle.connections = Workforce();
  const ExpectedImport expected = ExpectImport(*tenant_, oracle);
  absl::StatusOr<ImportResult> result = RunImport(Config(), FastOptions(*sim_));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->users.downloads, result->users.export_jobs);
  const std::set<std::string> edges = Edges(*result);
  EXPECT_EQ(edges, expected.edges) << EdgeDifference(expected.edges, edges);
}

}  // namespace
}  // namespace identitygraph::importer
