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
