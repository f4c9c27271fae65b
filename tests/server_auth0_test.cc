// ConfigService's TestConnection and ListConnections end to end: a real
// server over gRPC, talking HTTPS to auth0-sim's Acme tenant.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "identitygraph/v1/scan_service.grpc.pb.h"
#include "server/grpc_status.h"
#include "server/server.h"
#include "tests/acme_sim_fixture.h"
#include "tests/sim_instance.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;

constexpr char kAdminToken[] = "admin-token-for-tests-0123456789";

class ServerAuth0Test : public AcmeSimFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        WriteFileAtomically(dir_.File("admin"), kAdminToken, 0600).ok());
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.File("data");
    options.admin_token_file = dir_.File("admin");
    importer::HttpClientOptions http = sim_->HttpOptions();
    options.auth0_connect_to = http.connect_to;
    options.auth0_ca_file = http.ca_file;
    auto server = IdentityGraphServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto channel = grpc::CreateChannel(server_->address(),
                                       grpc::InsecureChannelCredentials());
    config_ = v1::ConfigService::NewStub(channel);
    scan_ = v1::ScanService::NewStub(channel);
    access_ = v1::AccessService::NewStub(channel);
    ASSERT_TRUE(sim_->ClearFaults().ok());
    v1::UpdateConfigRequest update;
    *update.mutable_config() = Acme();
    v1::UpdateConfigResponse saved;
    grpc::Status status =
        config_->UpdateConfig(Context().get(), update, &saved);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  static v1::Config Acme() {
    v1::Config config;
    config.set_domain("acme.us.auth0.com");
    config.set_client_id("IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6");
    config.set_client_secret("acme-importer-secret-0123456789abcdef");
    config.add_connections("google-workforce");
    config.add_connection_patterns("okta-.*");
    config.mutable_authorization_extension()->set_enabled(true);
    config.mutable_authorization_extension()->set_api_url(
        "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api");
    config.mutable_import_options()->set_include_organizations(true);
    return config;
  }
  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(30));
    context->AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
    return context;
  }
  const v1::ConnectionCheck* Find(const v1::TestConnectionResponse& response,
                                  const std::string& name) {
    for (const v1::ConnectionCheck& check : response.checks()) {
      if (check.name() == name) return &check;
    }
    return nullptr;
  }

  TestTempDir dir_;
  std::unique_ptr<IdentityGraphServer> server_;
  std::unique_ptr<v1::ConfigService::Stub> config_;
  std::unique_ptr<v1::ScanService::Stub> scan_;
  std::unique_ptr<v1::AccessService::Stub> access_;

  // Starts a scan and waits for its end by watching it.
  void ScanToTheEnd() {
    v1::StartRescanResponse started;
    ASSERT_TRUE(scan_->StartRescan(Context().get(), {}, &started).ok());
    auto context = Context();
    v1::WatchScanRequest request;
    request.set_name(started.scan().name());
    auto reader = scan_->WatchScan(context.get(), request);
    v1::WatchScanResponse update;
    while (reader->Read(&update)) {
    }
    ASSERT_TRUE(reader->Finish().ok());
    ASSERT_EQ(update.scan().state(), v1::SCAN_STATE_SUCCEEDED);
  }
  grpc::Status Check(const std::string& email, const std::string& app,
                     v1::ReachabilityMode mode, v1::CheckAccessResponse* out,
                     int64_t min_version = 0) {
    v1::CheckAccessRequest request;
    request.mutable_user()->set_email(email);
    request.mutable_application()->set_name(app);
    request.set_mode(mode);
    request.set_max_paths(2);
    request.set_min_snapshot_version(min_version);
    request.set_view(v1::CHECK_ACCESS_VIEW_FULL);
    return access_->CheckAccess(Context().get(), request, out);
  }
};

TEST_F(ServerAuth0Test, TheSavedConfigurationPassesEveryCheck) {
  v1::TestConnectionResponse out;
  grpc::Status status = config_->TestConnection(Context().get(), {}, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(out.ok()) << out.DebugString();
  EXPECT_EQ(out.checks_size(), 14);
  for (const v1::ConnectionCheck& check : out.checks())
    EXPECT_EQ(check.status(), v1::CHECK_STATUS_OK) << check.DebugString();
}

TEST_F(ServerAuth0Test, CandidatesAreCheckedWithTheirRemediation) {
  struct Case {
    std::string client_id, secret, check, remediation;
    v1::CheckStatus status;
  } cases[] = {
      {"IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6", "wrong-secret",
       "management_api_token", "Check the client id, the client secret",
       v1::CHECK_STATUS_FAILED},
      {"NOGRANTxxxxxxxxxxxxxxxxxxxxxxxx8",
       "acme-nogrant-secret-0123456789abcdef", "management_api_token",
       "Auth0 Management API (not a custom API)", v1::CHECK_STATUS_FAILED},
      {"NOCCxxxxxxxxxxxxxxxxxxxxxxxxxxx9", "acme-nocc-secret-0123456789abcdef",
       "management_api_token", "Client Credentials", v1::CHECK_STATUS_FAILED},
      {"NOORGROLESxxxxxxxxxxxxxxxxxxxx10",
       "acme-noorgroles-secret-0123456789abcdef", "scopes_organization_roles",
       "Grant read:organization_member_roles", v1::CHECK_STATUS_WARNING},
  };
  for (const Case& c : cases) {
    v1::TestConnectionRequest request;
    request.mutable_config()->set_client_id(c.client_id);
    request.mutable_config()->set_client_secret(c.secret);
    v1::TestConnectionResponse out;
    grpc::Status status =
        config_->TestConnection(Context().get(), request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const v1::ConnectionCheck* check = Find(out, c.check);
    ASSERT_NE(check, nullptr) << c.client_id;
    EXPECT_EQ(check->status(), c.status) << c.client_id;
    EXPECT_THAT(check->remediation(), HasSubstr(c.remediation)) << c.client_id;
    EXPECT_THAT(out.DebugString(), ::testing::Not(HasSubstr(c.secret)));
  }
  // None of it was saved.
  v1::GetConfigResponse saved;
  ASSERT_TRUE(config_->GetConfig(Context().get(), {}, &saved).ok());
  EXPECT_EQ(saved.config().client_id(), "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6");
}

TEST_F(ServerAuth0Test, ACustomDomainIsRefusedBeforeAnyRequest) {
  v1::TestConnectionRequest request;
  request.mutable_config()->set_domain("login.acme.com");
  v1::TestConnectionResponse out;
  grpc::Status status = config_->TestConnection(Context().get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("config.domain"));
}

TEST_F(ServerAuth0Test, ListsTheTenantsConnections) {
  v1::ListConnectionsResponse out;
  grpc::Status status = config_->ListConnections(Context().get(), {}, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(out.connections_size(), 3);
  EXPECT_EQ(out.connections(0).name(), "google-workforce");
  EXPECT_TRUE(out.connections(0).selected());
  EXPECT_EQ(out.connections(0).audience(), v1::CONNECTION_AUDIENCE_WORKFORCE);
  EXPECT_TRUE(out.connections(1).selected());  // okta-saml, by pattern
  EXPECT_EQ(out.connections(2).name(), "customers");
  EXPECT_FALSE(out.connections(2).selected());
  EXPECT_EQ(out.connections(2).user_count(), 150);
  EXPECT_EQ(out.connections(2).audience(), v1::CONNECTION_AUDIENCE_CUSTOMER);

  v1::ListConnectionsRequest wrong;
  wrong.mutable_config()->set_client_secret("wrong-secret");
  status = config_->ListConnections(Context().get(), wrong, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("Check the client id"));
}

TEST_F(ServerAuth0Test, ARescanIsWatchedToTheEnd) {
  v1::StartRescanResponse started;
  grpc::Status status = scan_->StartRescan(Context().get(), {}, &started);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(started.scan().name(), "scans/1");
  EXPECT_FALSE(started.already_running());

  // Two watchers at once; each sees the scan through to its end.
  std::vector<v1::Scan> seen[2];
  for (auto& updates : seen) {
    auto context = Context();
    v1::WatchScanRequest request;
    request.set_name("scans/1");
    auto reader = scan_->WatchScan(context.get(), request);
    v1::WatchScanResponse update;
    while (reader->Read(&update)) updates.push_back(update.scan());
    status = reader->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_FALSE(updates.empty());
    EXPECT_EQ(updates.back().state(), v1::SCAN_STATE_SUCCEEDED)
        << updates.back().DebugString();
    EXPECT_EQ(updates.back().snapshot_version(), 1);
  }

  v1::GetScanRequest get;
  get.set_name("scans/1");
  v1::GetScanResponse got;
  ASSERT_TRUE(scan_->GetScan(Context().get(), get, &got).ok());
  EXPECT_EQ(got.scan().state(), v1::SCAN_STATE_SUCCEEDED);
  EXPECT_GT(got.scan().progress().requests(), 10);
  get.set_name("runs/1");
  EXPECT_EQ(scan_->GetScan(Context().get(), get, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerAuth0Test, OneScanAtATimeCancelAndHistoryPages) {
  v1::StartRescanResponse first;
  ASSERT_TRUE(scan_->StartRescan(Context().get(), {}, &first).ok());
  {
    auto context = Context();
    v1::WatchScanRequest request;
    request.set_name("scans/1");
    auto reader = scan_->WatchScan(context.get(), request);
    v1::WatchScanResponse update;
    while (reader->Read(&update)) {
    }
    ASSERT_TRUE(reader->Finish().ok());
  }
  // Roles now take 20 s each: the next scan is surely still running.
  ASSERT_TRUE(
      sim_->SetFaults("slow:fraction=1,delay=20s,path=/api/v2/roles").ok());
  v1::StartRescanResponse second, third;
  ASSERT_TRUE(scan_->StartRescan(Context().get(), {}, &second).ok());
  ASSERT_TRUE(scan_->StartRescan(Context().get(), {}, &third).ok());
  EXPECT_TRUE(third.already_running());
  EXPECT_EQ(third.scan().name(), "scans/2");
  v1::CancelScanRequest cancel;
  cancel.set_name("scans/2");
  v1::CancelScanResponse cancelled;
  grpc::Status status = scan_->CancelScan(Context().get(), cancel, &cancelled);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cancelled.scan().state(), v1::SCAN_STATE_CANCELLED);

  v1::ListScansRequest list;
  list.set_page_size(1);
  v1::ListScansResponse page;
  ASSERT_TRUE(scan_->ListScans(Context().get(), list, &page).ok());
  ASSERT_EQ(page.scans_size(), 1);
  EXPECT_EQ(page.scans(0).name(), "scans/2");
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(scan_->ListScans(Context().get(), list, &page).ok());
  ASSERT_EQ(page.scans_size(), 1);
  EXPECT_EQ(page.scans(0).name(), "scans/1");
  EXPECT_EQ(page.scans(0).state(), v1::SCAN_STATE_SUCCEEDED);
  EXPECT_TRUE(page.next_page_token().empty());
  list.set_page_token("garbage");
  EXPECT_EQ(scan_->ListScans(Context().get(), list, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerAuth0Test, ChecksAnswerFromTheScannedGraphWithTheirPaths) {
  v1::CheckAccessResponse out;
  grpc::Status status = Check("ada@acme.com", "Payroll",
                              v1::REACHABILITY_MODE_AUTHORIZATION, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("StartRescan"));
  ScanToTheEnd();

  status = Check("ada@acme.com", "Payroll", v1::REACHABILITY_MODE_AUTHORIZATION,
                 &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(out.allowed());
  ASSERT_GE(out.paths_size(), 1);
  const v1::AccessPath& path = out.paths(0);
  EXPECT_EQ(path.steps(0).entity().id(), "google-apps|ada");
  EXPECT_EQ(path.steps(path.steps_size() - 1).entity().name(), "Payroll");
  EXPECT_EQ(path.steps(path.steps_size() - 1).via(),
            v1::EDGE_KIND_ROLE_APPLICATION);
  EXPECT_EQ(out.snapshot().version(), 1);
  EXPECT_EQ(out.user().email(), "ada@acme.com");  // the full view

  // The basic view (the default) leaves the entities out.
  v1::CheckAccessRequest basic;
  basic.mutable_user()->set_email("ada@acme.com");
  basic.mutable_application()->set_name("Payroll");
  v1::CheckAccessResponse lean;
  ASSERT_TRUE(access_->CheckAccess(Context().get(), basic, &lean).ok());
  EXPECT_TRUE(lean.allowed());
  EXPECT_FALSE(lean.has_user());
  EXPECT_FALSE(lean.has_application());
  EXPECT_EQ(lean.snapshot().version(), 1);

  // Ken may run the Admin Console (through nested extension groups) but
  // cannot log in to it: his Okta connection is not enabled for it.
  ASSERT_TRUE(Check("ken@acme.com", "Admin Console",
                    v1::REACHABILITY_MODE_AUTHORIZATION, &out)
                  .ok());
  EXPECT_TRUE(out.allowed());
  ASSERT_TRUE(
      Check("ken@acme.com", "Admin Console", v1::REACHABILITY_MODE_LOGIN, &out)
          .ok());
  EXPECT_FALSE(out.allowed());
  EXPECT_EQ(out.denial_reason(), v1::DENIAL_REASON_NO_LOGIN_CONNECTION);

  ASSERT_TRUE(Check("barbara@acme.com", "Payroll",
                    v1::REACHABILITY_MODE_AUTHORIZATION, &out)
                  .ok());
  EXPECT_FALSE(out.allowed());
  EXPECT_EQ(out.denial_reason(), v1::DENIAL_REASON_NO_AUTHORIZATION_PATH);

  status = Check("customer01@example.org", "Payroll",
                 v1::REACHABILITY_MODE_AUTHORIZATION, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("selected connections"));
  status = Check("ada@acme.com", "Payroll", v1::REACHABILITY_MODE_AUTHORIZATION,
                 &out, /*min_version=*/5);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  v1::GetGraphStatsResponse stats;
  ASSERT_TRUE(access_->GetGraphStats(Context().get(), {}, &stats).ok());
  EXPECT_EQ(stats.snapshot().version(), 1);
  EXPECT_EQ(stats.scan(), "scans/1");
  ASSERT_FALSE(stats.entities().empty());
  EXPECT_EQ(stats.entities(0).kind(), v1::ENTITY_KIND_USER);
  EXPECT_EQ(stats.entities(0).count(), 8);
}

std::vector<std::string> Names(
    const google::protobuf::RepeatedPtrField<v1::Entity>& entities) {
  std::vector<std::string> names;
  for (const v1::Entity& e : entities) names.push_back(e.name());
  return names;
}

TEST_F(ServerAuth0Test, ListsExplainsAndLooksUpOnTheScannedGraph) {
  ScanToTheEnd();
  using ::testing::ElementsAre;
  using ::testing::IsSupersetOf;
  using ::testing::UnorderedElementsAre;

  // Ada's applications, a page at a time.
  v1::ListUserApplicationsRequest apps;
  apps.mutable_user()->set_email("ada@acme.com");
  apps.set_page_size(1);
  v1::ListUserApplicationsResponse page1, page2;
  ASSERT_TRUE(
      access_->ListUserApplications(Context().get(), apps, &page1).ok());
  EXPECT_EQ(page1.total_size(), 2);
  ASSERT_EQ(page1.applications_size(), 1);
  apps.set_page_token(page1.next_page_token());
  ASSERT_TRUE(
      access_->ListUserApplications(Context().get(), apps, &page2).ok());
  ASSERT_EQ(page2.applications_size(), 1);
  EXPECT_TRUE(page2.next_page_token().empty());
  EXPECT_THAT(
      (std::vector<std::string>{page1.applications(0).application().name(),
                                page2.applications(0).application().name()}),
      UnorderedElementsAre("Payroll", "Wiki"));
  EXPECT_GT(page1.applications(0).path().steps_size(), 2);
  apps.clear_page_token();
  apps.add_kinds(v1::ENTITY_KIND_API);
  apps.set_page_size(0);
  v1::ListUserApplicationsResponse with_apis;
  ASSERT_TRUE(
      access_->ListUserApplications(Context().get(), apps, &with_apis).ok());
  EXPECT_EQ(with_apis.total_size(), 1);  // kinds: only APIs now
  EXPECT_EQ(with_apis.applications(0).application().id(),
            "https://api.acme.com/payroll");

  v1::ListApplicationUsersRequest users;
  users.mutable_application()->set_name("Payroll");
  v1::ListApplicationUsersResponse payroll;
  ASSERT_TRUE(
      access_->ListApplicationUsers(Context().get(), users, &payroll).ok());
  EXPECT_THAT(Names(payroll.users()),
              UnorderedElementsAre("Ada Lovelace", "Grace Hopper"));

  v1::BatchCheckAccessRequest batch;
  for (const char* email : {"ada@acme.com", "barbara@acme.com", "nobody@x"}) {
    v1::AccessCheck* check = batch.add_checks();
    check->mutable_user()->set_email(email);
    check->mutable_application()->set_name("Payroll");
  }
  v1::BatchCheckAccessResponse decided;
  ASSERT_TRUE(access_->BatchCheckAccess(Context().get(), batch, &decided).ok());
  ASSERT_EQ(decided.results_size(), 3);
  EXPECT_TRUE(decided.results(0).allowed());
  EXPECT_FALSE(decided.results(1).allowed());
  EXPECT_EQ(decided.results(2).error_code(), "NOT_FOUND");

  v1::ExplainAccessRequest explain;
  explain.mutable_user()->set_email("barbara@acme.com");
  explain.mutable_application()->set_name("Payroll");
  v1::ExplainAccessResponse why;
  ASSERT_TRUE(access_->ExplainAccess(Context().get(), explain, &why).ok());
  EXPECT_FALSE(why.allowed());
  EXPECT_THAT(Names(why.application_roles()), ElementsAre("Payroll User"));
  EXPECT_THAT(Names(why.user_roles()), IsSupersetOf({"Wiki Editor"}));
  EXPECT_THAT(Names(why.user_connections()), ElementsAre("Okta (SAML)"));

  v1::ListGroupMembersRequest members;
  members.mutable_group()->set_name("Engineering");
  v1::ListGroupMembersResponse direct, transitive;
  ASSERT_TRUE(
      access_->ListGroupMembers(Context().get(), members, &direct).ok());
  members.set_transitive(true);
  ASSERT_TRUE(
      access_->ListGroupMembers(Context().get(), members, &transitive).ok());
  EXPECT_EQ(direct.total_size(), 2);
  EXPECT_EQ(transitive.total_size(), 5);  // through Platform and On-call

  v1::ListUserGroupsRequest groups;
  groups.mutable_user()->set_email("ken@acme.com");
  groups.set_effective(true);
  v1::ListUserGroupsResponse kens;
  ASSERT_TRUE(access_->ListUserGroups(Context().get(), groups, &kens).ok());
  EXPECT_THAT(Names(kens.groups()), IsSupersetOf({"Platform", "Engineering"}));

  v1::LookupEntitiesRequest lookup;
  lookup.set_name_prefix("pay");
  v1::LookupEntitiesResponse found;
  ASSERT_TRUE(access_->LookupEntities(Context().get(), lookup, &found).ok());
  EXPECT_THAT(Names(found.entities()), IsSupersetOf({"Payroll"}));
  EXPECT_FALSE(found.truncated());

  // A page token from an older snapshot says to restart.
  apps.clear_kinds();
  apps.set_page_size(1);
  ScanToTheEnd();
  apps.set_page_token(page1.next_page_token());
  grpc::Status stale =
      access_->ListUserApplications(Context().get(), apps, &page2);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(stale.error_message(), HasSubstr("restart the listing"));
}

// Every listing's token, handed to every other listing, and to its own after
// a newer snapshot is published, is refused with INVALID_ARGUMENT saying why.
TEST_F(ServerAuth0Test, APageTokenWorksOnlyForItsOwnListingAndSnapshot) {
  ScanToTheEnd();
  ScanToTheEnd();  // two scans, so ListScans pages too

  v1::ListUserApplicationsRequest apps;
  apps.mutable_user()->set_email("ada@acme.com");
  apps.set_page_size(1);
  v1::ListApplicationUsersRequest users;
  users.mutable_application()->set_name("Payroll");
  users.set_page_size(1);
  v1::ListGroupMembersRequest members;
  members.mutable_group()->set_name("All Staff");
  members.set_transitive(true);
  members.set_page_size(1);
  v1::ListScansRequest scans;
  scans.set_page_size(1);

  // Each listing with `token` (empty: its first page); returns the status and
  // the next page's token.
  struct Listed {
    grpc::Status status;
    std::string next;
  };
  auto list = [&](int which, const std::string& token) -> Listed {
    switch (which) {
      case 0: {
        v1::ListUserApplicationsResponse out;
        apps.set_page_token(token);
        grpc::Status s =
            access_->ListUserApplications(Context().get(), apps, &out);
        return {s, out.next_page_token()};
      }
      case 1: {
        v1::ListApplicationUsersResponse out;
        users.set_page_token(token);
        grpc::Status s =
            access_->ListApplicationUsers(Context().get(), users, &out);
        return {s, out.next_page_token()};
      }
      case 2: {
        v1::ListGroupMembersResponse out;
        members.set_page_token(token);
        grpc::Status s =
            access_->ListGroupMembers(Context().get(), members, &out);
        return {s, out.next_page_token()};
      }
      default: {
        v1::ListScansResponse out;
        scans.set_page_token(token);
        grpc::Status s = scan_->ListScans(Context().get(), scans, &out);
        return {s, out.next_page_token()};
      }
    }
  };
  const char* names[] = {"ListUserApplications", "ListApplicationUsers",
                         "ListGroupMembers", "ListScans"};
  std::string tokens[4];
  for (int i = 0; i < 4; ++i) {
    Listed first = list(i, "");
    ASSERT_TRUE(first.status.ok())
        << names[i] << ": " << first.status.error_message();
    ASSERT_FALSE(first.next.empty()) << names[i] << " has one page only";
    tokens[i] = first.next;
    ASSERT_TRUE(list(i, tokens[i]).status.ok()) << names[i];
  }
  for (int issued = 0; issued < 4; ++issued) {
    for (int asked = 0; asked < 4; ++asked) {
      if (asked == issued) continue;
      Listed refused = list(asked, tokens[issued]);
      EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << names[issued] << "'s token at " << names[asked];
      EXPECT_THAT(refused.status.error_message(),
                  HasSubstr(absl::StrCat("issued by ", names[issued])));
    }
  }
  // Another user's applications with Ada's token: another request.
  apps.mutable_user()->set_email("grace@acme.com");
  Listed other_user = list(0, tokens[0]);
  EXPECT_EQ(other_user.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(other_user.status.error_message(), HasSubstr("another request"));
  apps.mutable_user()->set_email("ada@acme.com");

  ScanToTheEnd();
  for (int i = 0; i < 3; ++i) {
    Listed stale = list(i, tokens[i]);
    EXPECT_EQ(stale.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << names[i];
    EXPECT_THAT(stale.status.error_message(), HasSubstr("restart the listing"))
        << names[i];
  }
  // Scans are not of a snapshot: their pages stay valid across scans.
  EXPECT_TRUE(list(3, tokens[3]).status.ok());
}

int ThreadsOfThisProcess() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "Threads:")) {
      int threads = 0;
      EXPECT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(8)),
                                   &threads));
      return threads;
    }
  }
  ADD_FAILURE() << "no Threads: line in /proc/self/status";
  return 0;
}

// 200 watchers of a running scan cost no thread each; watchers that go away
// are let go at once; a shutdown with the rest attached ends their streams
// (UNAVAILABLE) promptly instead of waiting out the grace period, and leaves
// no thread of ours behind.
TEST_F(ServerAuth0Test, TwoHundredWatchersCostNoThreadsAndDoNotHoldUpShutdown) {
  // The scan waits on a slow answer until the shutdown cancels it (the
  // simulator's handler sleeps on; 10 s is ample for the test under ASan).
  ASSERT_TRUE(sim_->SetFaults("slow:delay=10s,path=/api/v2/connections").ok());
  v1::StartRescanResponse started;
  ASSERT_TRUE(scan_->StartRescan(Context().get(), {}, &started).ok());
  const int before = ThreadsOfThisProcess();

  constexpr int kWatchers = 200;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::WatchScanResponse>>>
      readers;
  v1::WatchScanRequest request;
  request.set_name(started.scan().name());
  for (int i = 0; i < kWatchers; ++i) {
    contexts.push_back(Context());
    readers.push_back(scan_->WatchScan(contexts.back().get(), request));
    v1::WatchScanResponse first;
    ASSERT_TRUE(readers.back()->Read(&first)) << "watcher " << i;
    EXPECT_EQ(first.scan().state(), v1::SCAN_STATE_RUNNING);
  }
  const int attached = ThreadsOfThisProcess();
  EXPECT_LT(attached - before, 20)
      << before << " threads before the watchers, " << attached << " after";
  std::printf("threads: %d before %d watchers, %d with them\n", before,
              kWatchers, attached);

  // Half go away; each stream ends CANCELLED.
  for (int i = 0; i < kWatchers / 2; ++i) {
    contexts[i]->TryCancel();
    v1::WatchScanResponse more;
    while (readers[i]->Read(&more)) {
    }
    EXPECT_EQ(readers[i]->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }

  const absl::Time stop = absl::Now();
  server_->Shutdown(absl::Seconds(10));
  const absl::Duration took = absl::Now() - stop;
  EXPECT_LT(took, absl::Seconds(5)) << "the shutdown waited for the watchers";
  for (int i = kWatchers / 2; i < kWatchers; ++i) {
    v1::WatchScanResponse more;
    while (readers[i]->Read(&more)) {
    }
    grpc::Status ended = readers[i]->Finish();
    EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE) << i;
    EXPECT_THAT(ended.error_message(), HasSubstr("shutting down"));
  }
  server_.reset();  // joins the scan, the scheduler and the worker pool
  EXPECT_LE(ThreadsOfThisProcess(), before);
}

// Issue 14, defect 2: the saved secret goes only to the saved tenant and
// application.
TEST_F(ServerAuth0Test, ACandidateForAnotherTenantMustBringItsOwnSecret) {
  for (const char* field : {"domain", "client_id"}) {
    v1::TestConnectionRequest request;
    if (std::string(field) == "domain") {
      request.mutable_config()->set_domain("evil-tenant.us.auth0.com");
    } else {
      request.mutable_config()->set_client_id(
          "OTHERxxxxxxxxxxxxxxxxxxxxxxxxx1");
    }
    v1::TestConnectionResponse out;
    grpc::Status status =
        config_->TestConnection(Context().get(), request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(status.error_message(),
                HasSubstr("that application's client secret"));
    EXPECT_THAT(status.error_message(), HasSubstr("config.client_secret"));
    v1::ListConnectionsRequest list;
    *list.mutable_config() = request.config();
    v1::ListConnectionsResponse listed;
    EXPECT_EQ(
        config_->ListConnections(Context().get(), list, &listed).error_code(),
        grpc::StatusCode::INVALID_ARGUMENT);
  }
  // With a secret of its own the candidate is tried.
  v1::TestConnectionRequest own;
  own.mutable_config()->set_client_id("NOGRANTxxxxxxxxxxxxxxxxxxxxxxxx8");
  own.mutable_config()->set_client_secret(
      "acme-nogrant-secret-0123456789abcdef");
  v1::TestConnectionResponse out;
  EXPECT_TRUE(config_->TestConnection(Context().get(), own, &out).ok());

  // Saving works the same way: a scan would otherwise send the saved secret
  // to the tenant the update names.
  v1::GetConfigResponse before;
  ASSERT_TRUE(config_->GetConfig(Context().get(), {}, &before).ok());
  v1::UpdateConfigRequest update;
  update.mutable_config()->set_domain("evil-tenant.us.auth0.com");
  v1::UpdateConfigResponse updated;
  grpc::Status refused =
      config_->UpdateConfig(Context().get(), update, &updated);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("that application's client secret"));
  v1::GetConfigResponse after;
  ASSERT_TRUE(config_->GetConfig(Context().get(), {}, &after).ok());
  EXPECT_EQ(after.config().domain(), before.config().domain());
  EXPECT_EQ(after.config().revision(), before.config().revision());
}

// Issue 14, defects 5 and 6: unknown enum values and non-canonical scan names
// are refused, naming the field.
TEST_F(ServerAuth0Test, UnknownEnumValuesAndOddScanNamesAreRefused) {
  ScanToTheEnd();
  v1::CheckAccessRequest check;
  check.mutable_user()->set_email("ada@acme.com");
  check.mutable_application()->set_name("Payroll");
  v1::CheckAccessResponse checked;
  check.set_mode(static_cast<v1::ReachabilityMode>(99));
  grpc::Status status = access_->CheckAccess(Context().get(), check, &checked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("mode: 99 is not a ReachabilityMode"));
  check.set_mode(v1::REACHABILITY_MODE_LOGIN);
  check.set_view(static_cast<v1::CheckAccessView>(-1));
  status = access_->CheckAccess(Context().get(), check, &checked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("view: -1"));

  v1::ListApplicationUsersRequest users;
  users.mutable_application()->set_name("Payroll");
  users.set_mode(static_cast<v1::ReachabilityMode>(7));
  v1::ListApplicationUsersResponse listed;
  status = access_->ListApplicationUsers(Context().get(), users, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("mode: 7"));

  for (const char* name :
       {"scans/01", "scans/+1", "scans/ 1", "scans/1 ", "scans/0", "scans/-1",
        "scans/99999999999999999999"}) {
    v1::GetScanRequest get;
    get.set_name(name);
    v1::GetScanResponse got;
    EXPECT_EQ(scan_->GetScan(Context().get(), get, &got).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << name;
  }
  v1::GetScanRequest canonical;
  canonical.set_name("scans/1");
  v1::GetScanResponse got;
  EXPECT_TRUE(scan_->GetScan(Context().get(), canonical, &got).ok());
}

// Issue 14, defect 4: errors that echo caller input stay small enough for the
// client to read them (before: RESOURCE_EXHAUSTED on the trailing metadata).
TEST_F(ServerAuth0Test, ErrorsEchoingHugeInputStayReadable) {
  ScanToTheEnd();
  v1::CheckAccessRequest check;
  check.mutable_user()->set_email("ada@acme.com");
  check.mutable_application()->set_name(std::string(8000, 'x'));
  v1::CheckAccessResponse checked;
  grpc::Status status = access_->CheckAccess(Context().get(), check, &checked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
      << status.error_message().substr(0, 200);
  EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes);
  EXPECT_THAT(status.error_message(), HasSubstr("more bytes"));

  v1::UpdateConfigRequest update;
  for (int i = 0; i < 1000; ++i)
    update.mutable_config()->add_connections("google-workforce");
  update.mutable_update_mask()->add_paths("connections");
  v1::UpdateConfigResponse saved;
  status = config_->UpdateConfig(Context().get(), update, &saved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("more; fix these first"));
  EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_LE(status.error_details().size(), kMaxErrorDetailsBytes + 512);
}

// Issue 14, defect 8: an existing data directory open to others is closed.
TEST(DataDirectoryTest, AnOpenDataDirectoryIsTightenedAtStart) {
  TestTempDir dir;
  const std::string data = dir.File("data");
  ASSERT_EQ(::mkdir(data.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(data.c_str(), 0755), 0);
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = data;
  auto server = IdentityGraphServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  struct stat info;
  ASSERT_EQ(::stat(data.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace identitygraph
