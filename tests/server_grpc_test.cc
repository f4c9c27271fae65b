// The server over a real gRPC channel (in process): auth on every service,
// ConfigService behaviour as a client sees it, the hardening limits, and the
// health service.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/durable_file.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "identitygraph/v1/config_service.grpc.pb.h"
#include "identitygraph/v1/scan_service.grpc.pb.h"
#include "server/rpc_metrics.h"
#include "server/server.h"
#include "tests/metrics_page.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdminToken[] = "admin-token-for-tests-0123456789";
constexpr char kReaderToken[] = "reader-token-for-tests-0123456789";
constexpr char kSecret[] = "Pq7-secret-canary-for-grpc-0123456789";

class ServerGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        WriteFileAtomically(dir_.File("admin"), kAdminToken, 0600).ok());
    ASSERT_TRUE(
        WriteFileAtomically(dir_.File("reader"), kReaderToken, 0600).ok());
    StartServer();
  }

  // Starts the server (again); `metrics_listen` as the flag.
  void StartServer(const std::string& metrics_listen = "") {
    server_.reset();
    ServerOptions options;
    options.metrics_listen = metrics_listen;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.File("data");
    options.admin_token_file = dir_.File("admin");
    options.reader_token_file = dir_.File("reader");
    options.max_receive_message_bytes = 64 * 1024;
    // Nothing listens there: calls to "Auth0" fail at once, offline.
    options.auth0_connect_to = "127.0.0.1:1";
    auto server = IdentityGraphServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    config_ = v1::ConfigService::NewStub(channel_);
    access_ = v1::AccessService::NewStub(channel_);
    scan_ = v1::ScanService::NewStub(channel_);
  }

  // A context with a deadline and, unless empty, the bearer token.
 public:
  static std::unique_ptr<grpc::ClientContext> Context(absl::string_view token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    if (!token.empty())
      context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    return context;
  }

 protected:
  grpc::Status Update(const v1::UpdateConfigRequest& request,
                      v1::UpdateConfigResponse* out) {
    return config_->UpdateConfig(Context(kAdminToken).get(), request, out);
  }

  static v1::UpdateConfigRequest ValidUpdate() {
    v1::UpdateConfigRequest request;
    v1::Config* config = request.mutable_config();
    config->set_domain("acme.us.auth0.com");
    config->set_client_id("client1234567890");
    config->set_client_secret(kSecret);
    config->add_connections("google-workforce");
    return request;
  }

  TestTempDir dir_;
  std::unique_ptr<IdentityGraphServer> server_;
  std::shared_ptr<grpc::Channel> channel_;

 public:
  // Public so that the per-RPC callers of the auth table can reach them.
  std::unique_ptr<v1::ConfigService::Stub> config_;
  std::unique_ptr<v1::AccessService::Stub> access_;
  std::unique_ptr<v1::ScanService::Stub> scan_;
};

// One call per service kind, with the token given; returns the status code.
struct Caller {
  std::string name;
  std::function<grpc::Status(ServerGrpcTest&, absl::string_view)> call;
  grpc::StatusCode with_admin;
  grpc::StatusCode with_reader;
};

TEST_F(ServerGrpcTest, EveryServiceEnforcesItsRole) {
  const std::vector<Caller> callers = {
      {"GetConfig",
       [](ServerGrpcTest& t, absl::string_view token) {
         v1::GetConfigResponse out;
         return t.config_->GetConfig(Context(token).get(), {}, &out);
       },
       grpc::StatusCode::OK, grpc::StatusCode::PERMISSION_DENIED},
      {"UpdateConfig",
       [](ServerGrpcTest& t, absl::string_view token) {
         v1::UpdateConfigRequest request;
         request.set_validate_only(true);
         v1::UpdateConfigResponse out;
         return t.config_->UpdateConfig(Context(token).get(), request, &out);
       },
       grpc::StatusCode::OK, grpc::StatusCode::PERMISSION_DENIED},
      {"TestConnection",
       [](ServerGrpcTest& t, absl::string_view token) {
         v1::TestConnectionResponse out;
         return t.config_->TestConnection(Context(token).get(), {}, &out);
       },
       // Past auth: nothing is configured yet.
       grpc::StatusCode::FAILED_PRECONDITION,
       grpc::StatusCode::PERMISSION_DENIED},
      {"ListConnections",
       [](ServerGrpcTest& t, absl::string_view token) {
         v1::ListConnectionsResponse out;
         return t.config_->ListConnections(Context(token).get(), {}, &out);
       },
       grpc::StatusCode::FAILED_PRECONDITION,
       grpc::StatusCode::PERMISSION_DENIED},
      {"StartRescan",
       [](ServerGrpcTest& t, absl::string_view token) {
         v1::StartRescanResponse out;
         return t.scan_->StartRescan(Context(token).get(), {}, &out);
       },
       // Past auth: nothing is configured yet.
       grpc::StatusCode::FAILED_PRECONDITION,
       grpc::StatusCode::PERMISSION_DENIED},
      {"WatchScan",
       [](ServerGrpcTest& t, absl::string_view token) {
         auto context = Context(token);
         v1::WatchScanRequest request;
         request.set_name("scans/1");
         auto reader = t.scan_->WatchScan(context.get(), request);
         v1::WatchScanResponse out;
         while (reader->Read(&out)) {
         }
         return reader->Finish();
       },
       // Past auth: there is no such scan.
       grpc::StatusCode::NOT_FOUND, grpc::StatusCode::PERMISSION_DENIED},
      {"CheckAccess",
       [](ServerGrpcTest& t, absl::string_view token) {
         v1::CheckAccessResponse out;
         return t.access_->CheckAccess(Context(token).get(), {}, &out);
       },
       // Past auth: there is no graph before the first scan.
       grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE},
      {"GetGraphStats",
       [](ServerGrpcTest& t, absl::string_view token) {
         v1::GetGraphStatsResponse out;
         return t.access_->GetGraphStats(Context(token).get(), {}, &out);
       },
       // Past auth: there is no graph before the first scan.
       grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE},
  };
  for (const Caller& caller : callers) {
    SCOPED_TRACE(caller.name);
    EXPECT_EQ(caller.call(*this, "").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(caller.call(*this, "not-a-valid-token-0123456789").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(caller.call(*this, kReaderToken).error_code(),
              caller.with_reader);
    grpc::Status admin = caller.call(*this, kAdminToken);
    EXPECT_EQ(admin.error_code(), caller.with_admin) << admin.error_message();
  }
}

TEST_F(ServerGrpcTest, TestConnectionNeedsACompleteValidConfiguration) {
  v1::TestConnectionResponse out;
  grpc::Status status =
      config_->TestConnection(Context(kAdminToken).get(), {}, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(),
              HasSubstr("no domain, client_id, client_secret yet"));

  v1::TestConnectionRequest candidate;
  candidate.mutable_config()->set_domain("login.acme.com");
  status = config_->TestConnection(Context(kAdminToken).get(), candidate, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("config.domain"));

  // A complete candidate is checked without being saved.
  v1::UpdateConfigRequest update = ValidUpdate();
  v1::TestConnectionRequest complete;
  *complete.mutable_config() = update.config();
  status = config_->TestConnection(Context(kAdminToken).get(), complete, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(out.ok());
  ASSERT_GT(out.checks_size(), 0);
  EXPECT_EQ(out.checks(0).name(), "management_api_token");
  EXPECT_EQ(out.checks(0).status(), v1::CHECK_STATUS_FAILED);
  EXPECT_THAT(out.checks(0).remediation(), HasSubstr("can reach"));
  v1::GetConfigResponse saved;
  ASSERT_TRUE(config_->GetConfig(Context(kAdminToken).get(), {}, &saved).ok());
  EXPECT_TRUE(saved.config().domain().empty());
}

TEST_F(ServerGrpcTest, InvalidConfigComesBackWithBadRequestDetails) {
  v1::UpdateConfigRequest request = ValidUpdate();
  request.mutable_config()->set_domain("https://x.us.auth0.com");
  request.mutable_config()->add_connection_patterns("corp-(");
  v1::UpdateConfigResponse out;
  grpc::Status status = Update(request, &out);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("config.domain: remove the scheme"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr(kSecret)));

  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "config.domain");
  EXPECT_EQ(bad_request.field_violations(0).reason(), "DOMAIN_HAS_SCHEME");
  EXPECT_EQ(bad_request.field_violations(1).field(),
            "config.connection_patterns[0]");
  EXPECT_EQ(bad_request.field_violations(1).reason(), "PATTERN_INVALID");

  // Nothing was saved.
  v1::GetConfigResponse saved;
  ASSERT_TRUE(config_->GetConfig(Context(kAdminToken).get(), {}, &saved).ok());
  EXPECT_EQ(saved.config().revision(), 0);
}

TEST_F(ServerGrpcTest, SavedConfigNeverShowsTheSecret) {
  v1::UpdateConfigResponse updated;
  ASSERT_TRUE(Update(ValidUpdate(), &updated).ok());
  EXPECT_EQ(updated.config().revision(), 1);
  EXPECT_TRUE(updated.config().client_secret_set());
  EXPECT_TRUE(updated.config().client_secret().empty());
  EXPECT_THAT(updated.SerializeAsString(), Not(HasSubstr(kSecret)));

  v1::GetConfigResponse got;
  ASSERT_TRUE(config_->GetConfig(Context(kAdminToken).get(), {}, &got).ok());
  EXPECT_EQ(got.config().domain(), "acme.us.auth0.com");
  EXPECT_TRUE(got.config().client_secret_set());
  EXPECT_TRUE(got.config().has_client_secret_update_time());
  EXPECT_THAT(got.SerializeAsString(), Not(HasSubstr(kSecret)));
}

TEST_F(ServerGrpcTest, ValidateOnlyAnswersWithoutSaving) {
  v1::UpdateConfigRequest request = ValidUpdate();
  request.set_validate_only(true);
  v1::UpdateConfigResponse out;
  ASSERT_TRUE(Update(request, &out).ok());
  EXPECT_EQ(out.config().domain(), "acme.us.auth0.com");
  v1::GetConfigResponse got;
  ASSERT_TRUE(config_->GetConfig(Context(kAdminToken).get(), {}, &got).ok());
  EXPECT_EQ(got.config().revision(), 0);
  EXPECT_TRUE(got.config().domain().empty());
}

TEST_F(ServerGrpcTest, FieldMaskUpdatesOnlyNamedFields) {
  v1::UpdateConfigResponse out;
  ASSERT_TRUE(Update(ValidUpdate(), &out).ok());
  v1::UpdateConfigRequest request;
  request.mutable_config()->add_connection_patterns("^corp-.*$");
  request.mutable_config()->set_domain("ignored.us.auth0.com");
  request.mutable_update_mask()->add_paths("connection_patterns");
  ASSERT_TRUE(Update(request, &out).ok());
  EXPECT_EQ(out.config().domain(), "acme.us.auth0.com");
  EXPECT_EQ(out.config().connection_patterns(0), "^corp-.*$");
  EXPECT_EQ(out.config().connections(0), "google-workforce");
  EXPECT_EQ(out.config().revision(), 2);
}

// Sends `bytes` as the request of `method` ("/package.Service/Method").
grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& method, const std::string& bytes,
                           absl::string_view token) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::unique_ptr<grpc::ClientContext> context = ServerGrpcTest::Context(token);
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(context.get(), method, grpc::StubOptions(), &request,
                 &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status;
}

// Every method of identitygraph's three services, from their descriptors.
std::vector<const google::protobuf::MethodDescriptor*> EveryMethod() {
  std::vector<const google::protobuf::MethodDescriptor*> out;
  for (const char* service_name :
       {"identitygraph.v1.AccessService", "identitygraph.v1.ConfigService",
        "identitygraph.v1.ScanService"}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            service_name);
    EXPECT_NE(service, nullptr) << service_name;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      out.push_back(service->method(i));
    }
  }
  return out;
}

TEST_F(ServerGrpcTest, UnparseableRequestsAreInvalidArgumentOnEveryRpc) {
  // Bytes that are no protobuf message: a field tag whose varint never ends.
  const std::string garbage = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff";
  int methods = 0;
  for (const google::protobuf::MethodDescriptor* method : EveryMethod()) {
    const std::string& service_name = method->service()->full_name();
    const bool admin_only = service_name != "identitygraph.v1.AccessService";
    SCOPED_TRACE(method->full_name());
    const std::string path =
        absl::StrCat("/", service_name, "/", method->name());
    ++methods;
    testing::internal::CaptureStderr();
    grpc::Status refused = CallWithBytes(channel_, path, garbage, kAdminToken);
    grpc::Status unauthenticated = CallWithBytes(channel_, path, garbage, "");
    grpc::Status reader = CallWithBytes(channel_, path, garbage, kReaderToken);
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(refused.error_message(),
                HasSubstr(absl::StrCat("not a valid ",
                                       method->input_type()->full_name())));
    // Nobody learns about a request before showing a token.
    EXPECT_EQ(unauthenticated.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(reader.error_code(), admin_only
                                       ? grpc::StatusCode::PERMISSION_DENIED
                                       : grpc::StatusCode::INVALID_ARGUMENT);
  }
  EXPECT_EQ(methods, 24);
}

// Every sample of `name` on the metrics page at `url`, by its labels.
std::map<std::map<std::string, std::string>, double> Samples(
    const std::string& url, const std::string& name) {
  absl::StatusOr<std::string> page = FetchMetricsPage(url);
  EXPECT_TRUE(page.ok()) << page.status();
  std::map<std::map<std::string, std::string>, double> out;
  for (const MetricSample& sample : ParseMetricsPage(page.value_or(""))) {
    if (sample.name == name) out[sample.labels] = sample.value;
  }
  return out;
}

TEST_F(ServerGrpcTest, EveryRpcIsCountedWithTheCodeItsCallerSaw) {
  StartServer("127.0.0.1:0");
  ASSERT_GT(server_->metrics_port(), 0);
  const std::string url =
      absl::StrCat("http://127.0.0.1:", server_->metrics_port(), "/metrics");
  std::map<std::map<std::string, std::string>, double> started, handled;
  const std::string garbage = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff";
  for (const google::protobuf::MethodDescriptor* method : EveryMethod()) {
    const std::string& service_name = method->service()->full_name();
    const std::map<std::string, std::string> labels = {
        {"grpc_service", service_name},
        {"grpc_method", method->name()},
        {"grpc_type", method->server_streaming() ? "server_stream" : "unary"}};
    const std::string path =
        absl::StrCat("/", service_name, "/", method->name());
    // An empty request (valid: every field unset), one that does not
    // parse, and one without a token.
    for (const auto& [bytes, token] :
         std::vector<std::pair<std::string, std::string>>{
             {"", kAdminToken}, {garbage, kAdminToken}, {"", ""}}) {
      const grpc::Status status = CallWithBytes(channel_, path, bytes, token);
      started[labels] += 1;
      std::map<std::string, std::string> with_code = labels;
      with_code["grpc_code"] = std::string(GrpcCodeName(status.error_code()));
      handled[with_code] += 1;
    }
  }
  EXPECT_EQ(Samples(url, "grpc_server_started_total"), started);
  EXPECT_EQ(Samples(url, "grpc_server_handled_total"), handled);
  EXPECT_EQ(Samples(url, "grpc_server_handling_seconds_count"), started);
}

TEST_F(ServerGrpcTest, AStringThatIsNotUtf8NamesItsFieldAndLogsNothing) {
  v1::CheckAccessRequest check;
  check.mutable_user()->set_email("ada\xc3@example.com");
  check.mutable_application()->set_name("Payroll");
  v1::UpdateConfigRequest update;
  update.mutable_config()->set_domain("acme\xff.us.auth0.com");
  // Serializing them logs protobuf's warning here, in the client.
  const std::string check_bytes = check.SerializePartialAsString();
  const std::string update_bytes = update.SerializePartialAsString();
  testing::internal::CaptureStderr();
  grpc::Status check_status =
      CallWithBytes(channel_, "/identitygraph.v1.AccessService/CheckAccess",
                    check_bytes, kReaderToken);
  grpc::Status update_status =
      CallWithBytes(channel_, "/identitygraph.v1.ConfigService/UpdateConfig",
                    update_bytes, kAdminToken);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(check_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(check_status.error_message(),
              HasSubstr("identitygraph.v1.EntityRef.email is not valid UTF-8"));
  EXPECT_EQ(update_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(update_status.error_message(),
              HasSubstr("identitygraph.v1.Config.domain is not valid UTF-8"));
  // A request that parses still reaches its handler.
  grpc::Status valid =
      CallWithBytes(channel_, "/identitygraph.v1.AccessService/CheckAccess",
                    v1::CheckAccessRequest().SerializeAsString(), kReaderToken);
  EXPECT_NE(valid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(valid.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(ServerGrpcTest, OversizedRequestsAreRefused) {
  v1::UpdateConfigRequest request;
  request.mutable_config()->add_connections(
      std::string(size_t{100} * 1024, 'a'));
  v1::UpdateConfigResponse out;
  EXPECT_EQ(Update(request, &out).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(ServerGrpcTest, ExpiredDeadlineIsRespected) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
  context.set_deadline(std::chrono::system_clock::now() -
                       std::chrono::seconds(1));
  v1::UpdateConfigResponse out;
  EXPECT_EQ(config_->UpdateConfig(&context, ValidUpdate(), &out).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  v1::GetConfigResponse got;
  ASSERT_TRUE(config_->GetConfig(Context(kAdminToken).get(), {}, &got).ok());
  EXPECT_EQ(got.config().revision(), 0);
}

TEST_F(ServerGrpcTest, HealthServesEachServiceAndStopsOnShutdown) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const char* service :
       {"", "identitygraph.v1.AccessService", "identitygraph.v1.ConfigService",
        "identitygraph.v1.ScanService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health->Check(Context("").get(), request, &response);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING)
        << service;
  }
  grpc::health::v1::HealthCheckRequest unknown;
  unknown.set_service("no.such.Service");
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_EQ(health->Check(Context("").get(), unknown, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);

  server_->Shutdown(absl::Seconds(1));
  server_->Wait();
  v1::GetConfigResponse got;
  EXPECT_EQ(
      config_->GetConfig(Context(kAdminToken).get(), {}, &got).error_code(),
      grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace identitygraph
