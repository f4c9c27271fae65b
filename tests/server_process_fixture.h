// A test fixture with auth0-sim (the Acme tenant, see AcmeSimFixture) and the
// identitygraph-server binary started against it, with admin (kAdmin) and
// reader (kReader) tokens; helpers to call it as either, configure the Acme
// tenant and run a scan to its end.
#ifndef IDENTITYGRAPH_TESTS_SERVER_PROCESS_FIXTURE_H_
#define IDENTITYGRAPH_TESTS_SERVER_PROCESS_FIXTURE_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/durable_file.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "identitygraph/v1/scan_service.grpc.pb.h"
#include "tests/acme_sim_fixture.h"
#include "tests/server_process.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {

inline constexpr char kAdmin[] = "e2e-admin-token-0123456789abcdef";
inline constexpr char kReader[] = "e2e-reader-token-0123456789abcdef";

class ServerProcessFixture : public AcmeSimFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteFileAtomically(dir_.File("admin"), kAdmin, 0600).ok());
    ASSERT_TRUE(WriteFileAtomically(dir_.File("reader"), kReader, 0600).ok());
    ASSERT_TRUE(sim_->ClearFaults().ok());
    StartServer();
  }
  // `extra_flags` go after the fixture's own.
  void StartServer(const std::vector<std::string>& extra_flags = {}) {
    importer::HttpClientOptions http = sim_->HttpOptions();
    std::vector<std::string> flags = {
        "--listen=127.0.0.1:0",
        absl::StrCat("--data_dir=", dir_.File("data")),
        absl::StrCat("--admin_token_file=", dir_.File("admin")),
        absl::StrCat("--reader_token_file=", dir_.File("reader")),
        absl::StrCat("--auth0_connect_to=", http.connect_to),
        absl::StrCat("--auth0_ca_file=", http.ca_file)};
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    auto server = ServerProcess::Start(IDENTITYGRAPH_SERVER_BINARY, flags);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto channel = grpc::CreateChannel(server_->address(),
                                       grpc::InsecureChannelCredentials());
    config_ = v1::ConfigService::NewStub(channel);
    scans_ = v1::ScanService::NewStub(channel);
    access_ = v1::AccessService::NewStub(channel);
  }
  static std::unique_ptr<grpc::ClientContext> As(const char* token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(60));
    if (token != nullptr)
      context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    return context;
  }
  void Configure(const std::string& secret) {
    v1::UpdateConfigRequest update;
    v1::Config* c = update.mutable_config();
    c->set_domain("acme.us.auth0.com");
    c->set_client_id("IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6");
    c->set_client_secret(secret);
    c->add_connections("google-workforce");
    c->add_connections("okta-saml");
    c->mutable_authorization_extension()->set_enabled(true);
    c->mutable_authorization_extension()->set_api_url(
        "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api");
    c->mutable_import_options()->set_include_organizations(true);
    v1::UpdateConfigResponse saved;
    grpc::Status status =
        config_->UpdateConfig(As(kAdmin).get(), update, &saved);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::Scan Scan() {
    v1::StartRescanResponse started;
    EXPECT_TRUE(scans_->StartRescan(As(kAdmin).get(), {}, &started).ok());
    auto context = As(kAdmin);
    v1::WatchScanRequest request;
    request.set_name(started.scan().name());
    auto reader = scans_->WatchScan(context.get(), request);
    v1::WatchScanResponse update;
    while (reader->Read(&update)) {
    }
    EXPECT_TRUE(reader->Finish().ok());
    return update.scan();
  }

  TestTempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::ConfigService::Stub> config_;
  std::unique_ptr<v1::ScanService::Stub> scans_;
  std::unique_ptr<v1::AccessService::Stub> access_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_TESTS_SERVER_PROCESS_FIXTURE_H_
