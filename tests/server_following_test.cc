// Following changes through the server binary's gRPC API, against auth0-sim:
// a read with min_change_time answers once the caller's change is applied,
// GetGraphStats says how following goes, ListChangeBatches lists what it
// did, and bad or unmeetable min_change_time values get clear errors.
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/proto_time.h"
#include "tests/server_process_fixture.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;

class ServerFollowingTest : public ServerProcessFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteFileAtomically(dir_.File("admin"), kAdmin, 0600).ok());
    ASSERT_TRUE(WriteFileAtomically(dir_.File("reader"), kReader, 0600).ok());
    ASSERT_TRUE(sim_->ClearFaults().ok());
    StartServer({"--log_delivery_allowance=0s"});
  }

  void ConfigureFollowing(bool follow) {
    v1::UpdateConfigRequest update;
    v1::Config* c = update.mutable_config();
    c->set_domain("acme.us.auth0.com");
    c->set_client_id("IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6");
    c->set_client_secret("acme-importer-secret-0123456789abcdef");
    c->add_connections("google-workforce");
    c->add_connections("okta-saml");
    c->mutable_import_options()->set_follow_changes(follow);
    c->mutable_import_options()->mutable_change_poll_interval()->set_seconds(5);
    update.mutable_update_mask()->add_paths("domain");
    update.mutable_update_mask()->add_paths("client_id");
    update.mutable_update_mask()->add_paths("client_secret");
    update.mutable_update_mask()->add_paths("connections");
    update.mutable_update_mask()->add_paths("import_options.follow_changes");
    update.mutable_update_mask()->add_paths(
        "import_options.change_poll_interval");
    v1::UpdateConfigResponse saved;
    grpc::Status status =
        config_->UpdateConfig(As(kAdmin).get(), update, &saved);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // ListUserRoles with min_change_time `since`: the ids of the user's roles.
  grpc::Status RolesOf(const std::string& user, absl::Time since,
                       std::vector<std::string>* roles) {
    v1::ListUserRolesRequest request;
    request.mutable_user()->set_id(user);
    *request.mutable_min_change_time() = ToProtoTimestamp(since);
    v1::ListUserRolesResponse response;
    grpc::Status status =
        access_->ListUserRoles(As(kReader).get(), request, &response);
    roles->clear();
    for (const v1::Entity& role : response.roles()) roles->push_back(role.id());
    return status;
  }
};

TEST_F(ServerFollowingTest, AReadWithMinChangeTimeSeesTheCallersChange) {
  ConfigureFollowing(true);
  // The server starts the scan following needs; a read of a change made
  // before it waits for it.
  std::vector<std::string> roles;
  grpc::Status status = RolesOf("google-apps|ada", absl::Now(), &roles);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(roles, ::testing::Contains("rol_PayrollAdmin0001"));

  ASSERT_TRUE(sim_->Change({{"op", "remove_user_roles"},
                            {"user_id", "google-apps|ada"},
                            {"roles", {"rol_PayrollAdmin0001"}}})
                  .ok());
  // Once the write has returned: min_change_time asks for the changes made
  // before it, so a time taken before the write may be met without it (a
  // poll that ran while the write did).
  const absl::Time changed = absl::Now();
  status = RolesOf("google-apps|ada", changed, &roles);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(roles,
              ::testing::Not(::testing::Contains("rol_PayrollAdmin0001")));

  v1::GetGraphStatsResponse stats;
  ASSERT_TRUE(access_->GetGraphStats(As(kReader).get(), {}, &stats).ok());
  EXPECT_EQ(stats.following().state(), v1::FOLLOWING_STATE_FOLLOWING)
      << stats.following().DebugString();
  EXPECT_TRUE(stats.following().has_lag());
  EXPECT_GE(FromProtoTimestamp(stats.following().changes_applied_through()),
            changed);

  v1::ListChangeBatchesResponse batches;
  ASSERT_TRUE(scans_->ListChangeBatches(As(kAdmin).get(), {}, &batches).ok());
  ASSERT_GE(batches.change_batches_size(), 1);
  EXPECT_EQ(batches.change_batches(0).snapshot_version(),
            stats.snapshot().version());
  // Readers may not list batches.
  EXPECT_EQ(
      scans_->ListChangeBatches(As(kReader).get(), {}, &batches).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServerFollowingTest, MinChangeTimeErrorsSayWhatToDo) {
  ConfigureFollowing(false);
  std::vector<std::string> roles;
  // In the future: no change can have been made then.
  grpc::Status status =
      RolesOf("google-apps|ada", absl::Now() + absl::Hours(1), &roles);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("in the future"));
  // Not a timestamp.
  v1::ListUserRolesRequest bad;
  bad.mutable_user()->set_id("google-apps|ada");
  bad.mutable_min_change_time()->set_nanos(-1);
  v1::ListUserRolesResponse response;
  status = access_->ListUserRoles(As(kReader).get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Following is off: waiting cannot help.
  status = RolesOf("google-apps|ada", absl::Now(), &roles);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("follow_changes is off"));
  // Without the token, nothing is said about the request.
  auto context = As(nullptr);
  v1::ListUserRolesRequest request;
  request.mutable_user()->set_id("google-apps|ada");
  *request.mutable_min_change_time() = ToProtoTimestamp(absl::Now());
  EXPECT_EQ(
      access_->ListUserRoles(context.get(), request, &response).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace identitygraph
