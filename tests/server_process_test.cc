// identitygraph-server as a real process: configuration survives a restart, the
// secret never reaches the log or a response, start-up errors are clear, and
// signals stop it cleanly.
#include "tests/server_process.h"

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "re2/re2.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdminToken[] = "process-admin-token-0123456789";
constexpr char kSecret[] = "Xk3-process-secret-canary-0123456789";

class ServerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        WriteFileAtomically(dir_.File("admin"), kAdminToken, 0600).ok());
  }

  std::vector<std::string> Args() const {
    return {"--listen=127.0.0.1:0",
            absl::StrCat("--data_dir=", dir_.File("data")),
            absl::StrCat("--admin_token_file=", dir_.File("admin"))};
  }

  static std::unique_ptr<v1::ConfigService::Stub> Stub(
      const std::string& address) {
    return v1::ConfigService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }

  static std::unique_ptr<grpc::ClientContext> Admin() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    context->AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
    return context;
  }

  TestTempDir dir_;
};

TEST_F(ServerProcessTest, RestartServesTheSameConfigAndTheSecretNeverLeaks) {
  std::string responses;
  v1::GetConfigResponse before;
  {
    auto server = ServerProcess::Start(IDENTITYGRAPH_SERVER_BINARY, Args());
    ASSERT_TRUE(server.ok()) << server.status();
    auto stub = Stub((*server)->address());

    v1::UpdateConfigRequest update;
    update.mutable_config()->set_domain("acme.us.auth0.com");
    update.mutable_config()->set_client_id("client1234567890");
    update.mutable_config()->set_client_secret(kSecret);
    update.mutable_config()->add_connections("google-workforce");
    update.mutable_config()->mutable_authorization_extension()->set_enabled(
        true);
    update.mutable_config()->mutable_authorization_extension()->set_api_url(
        "https://acme.us.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api");
    v1::UpdateConfigResponse updated;
    ASSERT_TRUE(stub->UpdateConfig(Admin().get(), update, &updated).ok());
    responses += updated.SerializeAsString();

    // A refused update that carries the secret must not echo it either.
    update.mutable_config()->set_domain("login.acme.com");
    grpc::Status refused = stub->UpdateConfig(Admin().get(), update, &updated);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    responses += refused.error_message() + refused.error_details();

    ASSERT_TRUE(stub->GetConfig(Admin().get(), {}, &before).ok());
    responses += before.SerializeAsString();
    EXPECT_EQ((*server)->Stop(SIGTERM), 0);
    EXPECT_THAT((*server)->output(),
                HasSubstr("configuration saved as revision 1"));
    EXPECT_THAT((*server)->output(), Not(HasSubstr(kSecret)));
  }
  auto restarted = ServerProcess::Start(IDENTITYGRAPH_SERVER_BINARY, Args());
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  v1::GetConfigResponse after;
  ASSERT_TRUE(
      Stub((*restarted)->address())->GetConfig(Admin().get(), {}, &after).ok());
  EXPECT_EQ(after.DebugString(), before.DebugString());
  EXPECT_TRUE(after.config().client_secret_set());
  EXPECT_EQ((*restarted)->Stop(SIGINT), 0);

  EXPECT_THAT(responses, Not(HasSubstr(kSecret)));
  EXPECT_THAT((*restarted)->output(), Not(HasSubstr(kSecret)));
  EXPECT_THAT(*ReadFile(dir_.File("data/config.json"), 1 << 20),
              Not(HasSubstr(kSecret)));
  EXPECT_EQ(*ReadFile(dir_.File("data/client_secret"), 4096), kSecret);
}

TEST_F(ServerProcessTest, CorruptConfigStopsStartupNamingTheFile) {
  ASSERT_TRUE(EnsureDirectory(dir_.File("data"), 0700).ok());
  ASSERT_TRUE(WriteFileAtomically(dir_.File("data/config.json"),
                                  "{\"formatVersion\": 1, \"con", 0644)
                  .ok());
  ServerProcess::Exit exit =
      ServerProcess::Run(IDENTITYGRAPH_SERVER_BINARY, Args());
  EXPECT_EQ(exit.exit_code, 1);
  EXPECT_THAT(exit.output, HasSubstr(dir_.File("data/config.json")));
  EXPECT_THAT(exit.output, HasSubstr("not valid JSON"));
}

TEST_F(ServerProcessTest, BadFlagsStopStartupWithAClearMessage) {
  ServerProcess::Exit no_data_dir =
      ServerProcess::Run(IDENTITYGRAPH_SERVER_BINARY, {"--listen=127.0.0.1:0"});
  EXPECT_EQ(no_data_dir.exit_code, 1);
  EXPECT_THAT(no_data_dir.output, HasSubstr("--data_dir is required"));

  std::vector<std::string> args = Args();
  args.push_back("--tls_cert_file=/nonexistent.pem");
  args.push_back("--tls_key_file=/nonexistent.key");
  ServerProcess::Exit no_cert =
      ServerProcess::Run(IDENTITYGRAPH_SERVER_BINARY, args);
  EXPECT_EQ(no_cert.exit_code, 1);
  EXPECT_THAT(no_cert.output, HasSubstr("--tls_cert_file=/nonexistent.pem"));

  ASSERT_TRUE(WriteFileAtomically(dir_.File("short"), "abc\n", 0600).ok());
  ServerProcess::Exit short_token = ServerProcess::Run(
      IDENTITYGRAPH_SERVER_BINARY,
      {"--listen=127.0.0.1:0", absl::StrCat("--data_dir=", dir_.File("data")),
       absl::StrCat("--admin_token_file=", dir_.File("short"))});
  EXPECT_EQ(short_token.exit_code, 1);
  EXPECT_THAT(short_token.output, HasSubstr("at least 16"));
}

TEST_F(ServerProcessTest, HelpListsTheFlags) {
  ServerProcess::Exit help =
      ServerProcess::Run(IDENTITYGRAPH_SERVER_BINARY, {"--help"});
  for (const char* flag :
       {"--listen", "--data_dir", "--admin_token_file", "--reader_token_file",
        "--tls_cert_file", "--tls_key_file", "--tls_client_ca_file",
        "--auth0_connect_to", "--auth0_ca_file",
        "--private_cloud_domain_suffixes", "--max_receive_message_bytes",
        "--shutdown_grace", "--log_format"}) {
    EXPECT_THAT(help.output, HasSubstr(flag));
  }
}

TEST_F(ServerProcessTest, JsonLogsAreOneObjectPerLine) {
  std::vector<std::string> args = Args();
  args.push_back("--log_format=json");
  auto server = ServerProcess::Start(IDENTITYGRAPH_SERVER_BINARY, args);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->Stop(SIGTERM), 0);
  const std::string output = (*server)->output();
  static const LazyRE2 kJsonLine = {
      R"re(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",)re"
      R"re("severity":"(INFO|WARNING|ERROR)","message":"([^"\\]|\\.)*"\})re"};
  int lines = 0;
  for (const std::string& line : std::vector<std::string>(
           absl::StrSplit(output, '\n', absl::SkipEmpty()))) {
    EXPECT_TRUE(RE2::FullMatch(line, *kJsonLine)) << line;
    ++lines;
  }
  EXPECT_GE(lines, 3);  // listening, reads need no token, stopped
  EXPECT_THAT(output, HasSubstr("\"message\":\"identitygraph-server stopped"));

  args.back() = "--log_format=xml";
  ServerProcess::Exit refused =
      ServerProcess::Run(IDENTITYGRAPH_SERVER_BINARY, args);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.output, HasSubstr("--log_format must be text or json"));
}

TEST_F(ServerProcessTest, LogsOnceThatReadsNeedNoToken) {
  auto server = ServerProcess::Start(IDENTITYGRAPH_SERVER_BINARY, Args());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->Stop(SIGTERM), 0);
  std::string output = (*server)->output();
  EXPECT_THAT(output, HasSubstr("reads need no token"));
  EXPECT_EQ(output.find("reads need no token"),
            output.rfind("reads need no token"));
  EXPECT_THAT(output, HasSubstr("identitygraph-server stopped"));
}

}  // namespace
}  // namespace identitygraph
