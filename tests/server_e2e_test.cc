// The product end to end with real processes: identitygraph-server (the
// binary) against auth0-sim over HTTPS, driven over gRPC as an operator and a
// service would. Every user's applications equal what the fixture implies;
// a failing scan keeps the last snapshot; a restart serves the same answers.
#include <curl/curl.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "identitygraph/v1/scan_service.grpc.pb.h"
#include "re2/re2.h"
#include "tests/auth0_sim/tenant.h"
#include "tests/import_oracle.h"
#include "tests/metrics_page.h"
#include "tests/server_process.h"
#include "tests/server_process_fixture.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Which applications each user reaches by authorization, worked out from the
// oracle's edge lines with a plain fixpoint (independent of the graph code).
std::map<std::string, std::set<std::string>> ExpectedApplications(
    const std::set<std::string>& edges) {
  std::map<std::string, std::set<std::string>> out_edges[4];
  enum { kMember, kNested, kHolds, kDefines };
  std::set<std::string> users;
  for (const std::string& line : edges) {
    std::vector<std::string> w = absl::StrSplit(line, ' ');
    const std::string &kind = w[0], &from = w[1], &to = w[3];
    if (kind == "group_member") out_edges[kMember][from].insert(to);
    if (kind == "nested_group") out_edges[kNested][from].insert(to);
    if (kind == "group_role" || kind == "user_role" ||
        kind == "organization_role") {
      out_edges[kHolds][from].insert(to);
    }
    if (kind == "role_application") out_edges[kDefines][from].insert(to);
    if (kind == "user_connection") users.insert(from);
  }
  std::map<std::string, std::set<std::string>> result;
  for (const std::string& user : users) {
    std::set<std::string> holders = {user};
    std::vector<std::string> todo(out_edges[kMember][user].begin(),
                                  out_edges[kMember][user].end());
    while (!todo.empty()) {
      const std::string group = todo.back();
      todo.pop_back();
      if (!holders.insert(group).second) continue;
      for (const std::string& parent : out_edges[kNested][group])
        todo.push_back(parent);
    }
    for (const std::string& holder : holders) {
      for (const std::string& role : out_edges[kHolds][holder]) {
        for (const std::string& app : out_edges[kDefines][role])
          result[user].insert(app);
      }
    }
    result[user];  // users reaching nothing are listed too
  }
  return result;
}

class ServerE2eTest : public ServerProcessFixture {
 protected:
  // Every user's applications, as the server lists them.
  std::map<std::string, std::set<std::string>> ServedApplications(
      const std::map<std::string, std::set<std::string>>& users) {
    std::map<std::string, std::set<std::string>> out;
    for (const auto& [user, expected] : users) {
      v1::ListUserApplicationsRequest request;
      request.mutable_user()->set_id(user);
      request.set_page_size(1000);
      v1::ListUserApplicationsResponse response;
      grpc::Status status =
          access_->ListUserApplications(As(kReader).get(), request, &response);
      EXPECT_TRUE(status.ok()) << user << ": " << status.error_message();
      out[user];
      for (const auto& app : response.applications())
        out[user].insert(app.application().id());
    }
    return out;
  }
};

TEST_F(ServerE2eTest, ScanQueryFailKeepRestartServeTheSame) {
  Configure("acme-importer-secret-0123456789abcdef");
  v1::TestConnectionResponse tested;
  ASSERT_TRUE(config_->TestConnection(As(kAdmin).get(), {}, &tested).ok());
  EXPECT_TRUE(tested.ok());
  ASSERT_EQ(Scan().state(), v1::SCAN_STATE_SUCCEEDED);

  auto tenant =
      sim::LoadTenantFile(absl::StrCat(AUTH0_SIM_DIR, "/fixtures/acme.json"));
  ASSERT_TRUE(tenant.ok());
  OracleOptions oracle;
  oracle.connections = {"google-workforce", "okta-saml"};
  const auto expected =
      ExpectedApplications(ExpectImport(*tenant, oracle).edges);
  ASSERT_EQ(expected.size(), 8u);
  size_t pairs = 0;
  for (const auto& [user, apps] : expected) pairs += apps.size();
  ASSERT_GE(pairs, 8u);  // the oracle is not vacuous
  EXPECT_EQ(ServedApplications(expected), expected);

  // A failing scan (the secret was rotated in Auth0, not here) keeps serving
  // the last good snapshot.
  Configure("a-rotated-secret-0123456789");
  const v1::Scan failed = Scan();
  EXPECT_EQ(failed.state(), v1::SCAN_STATE_FAILED);
  EXPECT_THAT(failed.error().remediation(), HasSubstr("client secret"));
  EXPECT_EQ(ServedApplications(expected), expected);

  // A restart serves the same snapshot at once.
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  StartServer();
  v1::GetGraphStatsResponse stats;
  ASSERT_TRUE(access_->GetGraphStats(As(kReader).get(), {}, &stats).ok());
  EXPECT_EQ(stats.snapshot().version(), 1);
  EXPECT_EQ(ServedApplications(expected), expected);
  v1::ListScansResponse history;
  ASSERT_TRUE(scans_->ListScans(As(kAdmin).get(), {}, &history).ok());
  EXPECT_EQ(history.scans_size(), 2);
}

// Permissions and blocked users through the binary, on the demo tenant:
// Payroll Admin (Ada, Grace; Ada also within acme-partners) grants run:payroll
// and read:payslips on the payroll API; the extension's Payroll User (Grace)
// grants view:payslips on the Payroll application; Linus is blocked.
TEST_F(ServerE2eTest, PermissionsAndBlockedUsersAsAServiceAsksForThem) {
  Configure("acme-importer-secret-0123456789abcdef");
  ASSERT_EQ(Scan().state(), v1::SCAN_STATE_SUCCEEDED);
  constexpr char kPayrollApi[] = "https://api.acme.com/payroll";
  auto check = [&](const std::string& email, const std::string& api,
                   const std::string& permission, int max_paths = 0,
                   const std::string& organization = "") {
    v1::CheckPermissionRequest request;
    request.mutable_user()->set_email(email);
    request.mutable_api()->set_id(api);
    request.set_permission(permission);
    request.set_max_paths(max_paths);
    if (!organization.empty())
      request.mutable_organization()->set_name(organization);
    v1::CheckPermissionResponse response;
    grpc::Status status =
        access_->CheckPermission(As(kReader).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  v1::CheckPermissionResponse ada =
      check("ada@acme.com", kPayrollApi, "run:payroll", 3);
  EXPECT_TRUE(ada.allowed());
  ASSERT_GE(ada.paths_size(), 1);
  const v1::AccessPath& path = ada.paths(0);
  ASSERT_EQ(path.steps_size(), 3);  // ada -> Payroll Admin -> run:payroll
  EXPECT_EQ(path.steps(1).entity().name(), "Payroll Admin");
  EXPECT_EQ(path.steps(2).entity().kind(), v1::ENTITY_KIND_PERMISSION);
  EXPECT_EQ(path.steps(2).entity().id(),
            absl::StrCat(kPayrollApi, " run:payroll"));
  EXPECT_EQ(path.steps(2).via(), v1::EDGE_KIND_ROLE_PERMISSION);
  EXPECT_TRUE(check("ada@acme.com", kPayrollApi, "read:payslips").allowed());
  EXPECT_TRUE(
      check("ada@acme.com", kPayrollApi, "run:payroll", 0, "acme-partners")
          .allowed());
  const v1::CheckPermissionResponse alan =
      check("alan@acme.com", kPayrollApi, "run:payroll");
  EXPECT_FALSE(alan.allowed());
  EXPECT_EQ(alan.denial_reason(), v1::DENIAL_REASON_NO_PERMISSION_PATH);
  EXPECT_EQ(
      check("ada@acme.com", kPayrollApi, "delete:payroll").denial_reason(),
      v1::DENIAL_REASON_NO_PERMISSION_PATH);
  // An Authorization Extension permission is asked of its application.
  EXPECT_TRUE(check("grace@acme.com", "PAYROLLxxxxxxxxxxxxxxxxxxxxxxxx1",
                    "view:payslips")
                  .allowed());

  // Refusals say what was wrong.
  v1::CheckPermissionRequest bad;
  bad.mutable_user()->set_email("ada@acme.com");
  bad.mutable_api()->set_id(kPayrollApi);
  bad.set_permission("run payroll");
  v1::CheckPermissionResponse refused;
  grpc::Status status =
      access_->CheckPermission(As(kReader).get(), bad, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("whitespace"));
  bad.set_permission("run:payroll");
  bad.mutable_api()->set_id("https://api.acme.com/nothing");
  EXPECT_EQ(
      access_->CheckPermission(As(kReader).get(), bad, &refused).error_code(),
      grpc::StatusCode::NOT_FOUND);

  v1::BatchCheckPermissionRequest batch;
  for (const char* email : {"ada@acme.com", "alan@acme.com", "x@acme.com"}) {
    v1::PermissionCheck* one = batch.add_checks();
    one->mutable_user()->set_email(email);
    one->mutable_api()->set_id(kPayrollApi);
    one->set_permission("run:payroll");
  }
  v1::BatchCheckPermissionResponse decided;
  ASSERT_TRUE(
      access_->BatchCheckPermission(As(kReader).get(), batch, &decided).ok());
  ASSERT_EQ(decided.results_size(), 3);
  EXPECT_TRUE(decided.results(0).allowed());
  EXPECT_FALSE(decided.results(1).allowed());
  EXPECT_EQ(decided.results(2).error_code(), "NOT_FOUND");

  v1::ListUserPermissionsRequest mine;
  mine.mutable_user()->set_email("ada@acme.com");
  v1::ListUserPermissionsResponse held;
  ASSERT_TRUE(
      access_->ListUserPermissions(As(kReader).get(), mine, &held).ok());
  // Her extension groups' roles grant permissions of two applications.
  ASSERT_EQ(held.apis_size(), 3);
  EXPECT_EQ(held.total_size(), 4);
  EXPECT_EQ(held.apis(1).api().id(), "PAYROLLxxxxxxxxxxxxxxxxxxxxxxxx1");
  mine.mutable_api()->set_id(kPayrollApi);
  held.Clear();
  ASSERT_TRUE(
      access_->ListUserPermissions(As(kReader).get(), mine, &held).ok());
  ASSERT_EQ(held.apis_size(), 1);
  EXPECT_EQ(held.apis(0).api().id(), kPayrollApi);
  std::vector<std::string> names;
  for (const v1::HeldPermission& p : held.apis(0).permissions()) {
    names.push_back(p.permission().name());
    EXPECT_GE(p.path().steps_size(), 3);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"read:payslips", "run:payroll"}));
  EXPECT_FALSE(held.blocked());

  // Holders, a page at a time.
  v1::ListPermissionHoldersRequest holders;
  holders.mutable_api()->set_id(kPayrollApi);
  holders.set_permission("run:payroll");
  holders.set_page_size(1);
  std::vector<std::string> holder_ids;
  for (int page = 0; page < 5; ++page) {
    v1::ListPermissionHoldersResponse got;
    ASSERT_TRUE(
        access_->ListPermissionHolders(As(kReader).get(), holders, &got).ok());
    EXPECT_EQ(got.total_size(), 2);
    for (const v1::Entity& user : got.users()) holder_ids.push_back(user.id());
    if (got.next_page_token().empty()) break;
    holders.set_page_token(got.next_page_token());
  }
  EXPECT_EQ(holder_ids,
            (std::vector<std::string>{"google-apps|ada", "google-apps|grace"}));

  // Linus is blocked: his groups still lead to the admin console, but no
  // decision lets him in.
  v1::CheckAccessRequest console;
  console.mutable_user()->set_email("linus@acme.com");
  console.mutable_application()->set_id("CONSOLExxxxxxxxxxxxxxxxxxxxxxxx4");
  v1::CheckAccessResponse denied;
  ASSERT_TRUE(access_->CheckAccess(As(kReader).get(), console, &denied).ok());
  EXPECT_FALSE(denied.allowed());
  EXPECT_EQ(denied.denial_reason(), v1::DENIAL_REASON_USER_BLOCKED);
  v1::ExplainAccessRequest explain;
  *explain.mutable_user() = console.user();
  *explain.mutable_application() = console.application();
  v1::ExplainAccessResponse explained;
  ASSERT_TRUE(
      access_->ExplainAccess(As(kReader).get(), explain, &explained).ok());
  EXPECT_FALSE(explained.allowed());
  EXPECT_TRUE(explained.blocked());
  EXPECT_GE(explained.paths_size(), 1);
  EXPECT_TRUE(explained.user().blocked());
  v1::ListUserApplicationsRequest apps;
  *apps.mutable_user() = console.user();
  v1::ListUserApplicationsResponse listed;
  ASSERT_TRUE(
      access_->ListUserApplications(As(kReader).get(), apps, &listed).ok());
  EXPECT_TRUE(listed.blocked());
  EXPECT_GE(listed.applications_size(), 1);
  v1::ListApplicationUsersRequest users;
  *users.mutable_application() = console.application();
  auto user_ids = [&](bool include_blocked) {
    users.set_include_blocked(include_blocked);
    v1::ListApplicationUsersResponse response;
    EXPECT_TRUE(
        access_->ListApplicationUsers(As(kReader).get(), users, &response)
            .ok());
    std::set<std::string> ids;
    for (const v1::Entity& user : response.users()) {
      ids.insert(user.id());
      EXPECT_EQ(user.blocked(), user.id() == "google-apps|linus");
    }
    return ids;
  };
  EXPECT_FALSE(user_ids(false).count("google-apps|linus"));
  EXPECT_TRUE(user_ids(true).count("google-apps|linus"));
  v1::GetGraphStatsResponse stats;
  ASSERT_TRUE(access_->GetGraphStats(As(kReader).get(), {}, &stats).ok());
  EXPECT_EQ(stats.blocked_users(), 1);
}

// Permissions assigned to users directly count once the import option reads
// them: Alan holds read:payslips with no role, Grace run:payroll directly and
// through Payroll Admin.
TEST_F(ServerE2eTest, DirectUserPermissionsCountOnceTheOptionIsOn) {
  Configure("acme-importer-secret-0123456789abcdef");
  ASSERT_EQ(Scan().state(), v1::SCAN_STATE_SUCCEEDED);
  constexpr char kPayrollApi[] = "https://api.acme.com/payroll";
  auto check = [&](const std::string& email, const std::string& permission) {
    v1::CheckPermissionRequest request;
    request.mutable_user()->set_email(email);
    request.mutable_api()->set_id(kPayrollApi);
    request.set_permission(permission);
    request.set_max_paths(3);
    v1::CheckPermissionResponse response;
    grpc::Status status =
        access_->CheckPermission(As(kReader).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  EXPECT_FALSE(check("alan@acme.com", "read:payslips").allowed());

  v1::UpdateConfigRequest update;
  update.mutable_config()->mutable_import_options()->set_user_permissions(true);
  update.mutable_update_mask()->add_paths("import_options.user_permissions");
  v1::UpdateConfigResponse saved;
  ASSERT_TRUE(config_->UpdateConfig(As(kAdmin).get(), update, &saved).ok());
  v1::GetConfigResponse config;
  ASSERT_TRUE(config_->GetConfig(As(kAdmin).get(), {}, &config).ok());
  EXPECT_TRUE(config.config().import_options().user_permissions());
  EXPECT_TRUE(config.config().import_options().include_organizations());
  ASSERT_EQ(Scan().state(), v1::SCAN_STATE_SUCCEEDED);

  const v1::CheckPermissionResponse alan =
      check("alan@acme.com", "read:payslips");
  EXPECT_TRUE(alan.allowed());
  ASSERT_EQ(alan.paths_size(), 1);
  ASSERT_EQ(alan.paths(0).steps_size(), 2);  // alan -> read:payslips
  EXPECT_EQ(alan.paths(0).steps(1).via(), v1::EDGE_KIND_USER_PERMISSION);
  const v1::CheckPermissionResponse grace =
      check("grace@acme.com", "run:payroll");
  EXPECT_TRUE(grace.allowed());
  // Only the shortest paths explain: the direct one, not the role's.
  ASSERT_EQ(grace.paths_size(), 1);
  ASSERT_EQ(grace.paths(0).steps_size(), 2);
  EXPECT_EQ(grace.paths(0).steps(1).via(), v1::EDGE_KIND_USER_PERMISSION);

  v1::ListPermissionHoldersRequest holders;
  holders.mutable_api()->set_id(kPayrollApi);
  holders.set_permission("read:payslips");
  v1::ListPermissionHoldersResponse got;
  ASSERT_TRUE(
      access_->ListPermissionHolders(As(kReader).get(), holders, &got).ok());
  std::vector<std::string> ids;
  for (const v1::Entity& user : got.users()) ids.push_back(user.id());
  EXPECT_EQ(ids,
            (std::vector<std::string>{"google-apps|ada", "google-apps|alan",
                                      "google-apps|grace"}));
}

TEST_F(ServerE2eTest, EveryServiceChecksItsToken) {
  v1::GetConfigResponse config;
  EXPECT_EQ(config_->GetConfig(As(nullptr).get(), {}, &config).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(config_->GetConfig(As(kReader).get(), {}, &config).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListScansResponse scans;
  EXPECT_EQ(scans_->ListScans(As(kReader).get(), {}, &scans).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetGraphStatsResponse stats;
  EXPECT_EQ(access_->GetGraphStats(As(nullptr).get(), {}, &stats).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Past auth, before any scan: no graph yet.
  EXPECT_EQ(access_->GetGraphStats(As(kReader).get(), {}, &stats).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServerE2eTest, MetricsCountRealCallsScansAndAuth0Requests) {
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  StartServer({"--metrics_listen=127.0.0.1:0"});
  std::string url;
  ASSERT_TRUE(RE2::PartialMatch(server_->output(),
                                R"(metrics on (http://\S+/metrics))", &url))
      << server_->output();
  absl::StatusOr<std::string> page = FetchMetricsPage(url);
  ASSERT_TRUE(page.ok()) << page.status();
  const std::vector<MetricSample> before = ParseMetricsPage(*page);
  // A missing series reads as 0: these must be there, saying 0.
  auto has = [](const std::vector<MetricSample>& samples,
                const std::string& name) {
    return std::any_of(samples.begin(), samples.end(),
                       [&](const MetricSample& s) { return s.name == name; });
  };
  ASSERT_TRUE(has(before, "identitygraph_snapshot_version"));
  ASSERT_TRUE(has(before, "identitygraph_scan_running"));
  EXPECT_FALSE(has(before, "identitygraph_snapshot_age_seconds"));
  EXPECT_EQ(SampleValue(before, "identitygraph_snapshot_version"), 0);
  EXPECT_EQ(SampleValue(before, "identitygraph_scan_running"), 0);

  Configure("acme-importer-secret-0123456789abcdef");
  // Another client of the tenant spends its budget once: the scan waits.
  ASSERT_TRUE(sim_->SetFaults("429:nth=1,path=/api/v2/roles").ok());
  const v1::Scan scan = Scan();
  ASSERT_EQ(scan.state(), v1::SCAN_STATE_SUCCEEDED);
  v1::CheckAccessRequest check;
  check.mutable_user()->set_email("ada@acme.com");
  check.mutable_application()->set_name("Payroll");
  for (int i = 0; i < 3; ++i) {
    v1::CheckAccessResponse response;
    ASSERT_TRUE(access_->CheckAccess(As(kReader).get(), check, &response).ok());
    EXPECT_TRUE(response.allowed());
  }
  check.mutable_user()->set_email("nobody@acme.com");
  v1::CheckAccessResponse response;
  EXPECT_EQ(
      access_->CheckAccess(As(kReader).get(), check, &response).error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::GetGraphStatsResponse stats;
  ASSERT_TRUE(access_->GetGraphStats(As(kReader).get(), {}, &stats).ok());

  page = FetchMetricsPage(url);
  ASSERT_TRUE(page.ok()) << page.status();
  const std::vector<MetricSample> after = ParseMetricsPage(*page);
  const std::map<std::string, std::string> check_access = {
      {"grpc_service", "identitygraph.v1.AccessService"},
      {"grpc_method", "CheckAccess"},
      {"grpc_type", "unary"}};
  auto with_code = [&](const char* code) {
    std::map<std::string, std::string> labels = check_access;
    labels["grpc_code"] = code;
    return labels;
  };
  EXPECT_EQ(SampleValue(after, "grpc_server_started_total", check_access), 4);
  EXPECT_EQ(SampleValue(after, "grpc_server_handled_total", with_code("OK")),
            3);
  EXPECT_EQ(
      SampleValue(after, "grpc_server_handled_total", with_code("NotFound")),
      1);
  EXPECT_EQ(
      SampleValue(after, "grpc_server_handling_seconds_count", check_access),
      4);
  std::map<std::string, std::string> slowest = check_access;
  slowest["le"] = "+Inf";
  EXPECT_EQ(SampleValue(after, "grpc_server_handling_seconds_bucket", slowest),
            4);
  EXPECT_EQ(SampleValue(after, "grpc_server_handled_total",
                        {{"grpc_method", "UpdateConfig"}, {"grpc_code", "OK"}}),
            1);

  EXPECT_EQ(SampleValue(after, "identitygraph_scans_total",
                        {{"trigger", "manual"}, {"state", "succeeded"}}),
            1);
  EXPECT_EQ(SampleValue(after, "identitygraph_scan_duration_seconds_count",
                        {{"trigger", "manual"}, {"state", "succeeded"}}),
            1);
  ASSERT_TRUE(has(after, "identitygraph_scan_running"));
  EXPECT_EQ(SampleValue(after, "identitygraph_scan_running"), 0);
  EXPECT_EQ(SampleValue(after, "identitygraph_snapshot_version"),
            scan.snapshot_version());
  EXPECT_GT(SampleValue(after, "identitygraph_snapshot_age_seconds"), 0);
  for (const v1::EntityKindCount& count : stats.entities()) {
    const std::string kind = absl::AsciiStrToLower(
        absl::StripPrefix(v1::EntityKind_Name(count.kind()), "ENTITY_KIND_"));
    EXPECT_EQ(
        SampleValue(after, "identitygraph_graph_entities", {{"kind", kind}}),
        count.count())
        << kind;
  }
  double lookups = 0;
  for (const v1::CacheStats& cache : stats.caches()) {
    lookups += SampleValue(after, "identitygraph_query_cache_hits_total",
                           {{"cache", cache.name()}}) +
               SampleValue(after, "identitygraph_query_cache_misses_total",
                           {{"cache", cache.name()}});
  }
  EXPECT_GE(lookups, 3);  // the three checks that found their user

  // The scan's requests, by template: one token per audience, the roles
  // listing, each role's users (ids never become labels).
  EXPECT_GE(SampleValue(after, "identitygraph_auth0_requests_total",
                        {{"endpoint", "/oauth/token"}, {"status", "200"}}),
            2);
  EXPECT_GE(SampleValue(after, "identitygraph_auth0_requests_total",
                        {{"endpoint", "/api/v2/roles"}, {"status", "200"}}),
            1);
  EXPECT_GE(SampleValue(
                after, "identitygraph_auth0_requests_total",
                {{"endpoint", "/api/v2/roles/{id}/users"}, {"status", "200"}}),
            1);
  for (const MetricSample& sample : after) {
    auto endpoint = sample.labels.find("endpoint");
    if (endpoint != sample.labels.end()) {
      EXPECT_THAT(endpoint->second, Not(HasSubstr("rol_"))) << sample.name;
    }
  }
  EXPECT_GE(
      SampleValue(after, "identitygraph_auth0_request_duration_seconds_count",
                  {{"endpoint", "/api/v2/roles"}}),
      1);
  EXPECT_EQ(SampleValue(after, "identitygraph_auth0_requests_total",
                        {{"endpoint", "/api/v2/roles"}, {"status", "429"}}),
            1);
  const std::map<std::string, std::string> tenant = {
      {"host", "acme.us.auth0.com"}};
  EXPECT_GE(
      SampleValue(after, "identitygraph_auth0_rate_limit_waits_total", tenant),
      1);
  EXPECT_GT(
      SampleValue(after, "identitygraph_auth0_rate_limit_wait_seconds_total",
                  tenant),
      0);
}

}  // namespace
}  // namespace identitygraph
