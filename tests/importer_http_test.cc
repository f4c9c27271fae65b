// The importer's HTTPS client against a real auth0-sim: real host names, TLS
// verified against the test CA, connect-to routing, and each way a request can
// fail.
#include <signal.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/test_temp_dir.h"
#include "gtest/gtest.h"
#include "importer/http_client.h"
#include "tests/server_process.h"

namespace identitygraph::importer {
namespace {

using ::testing::HasSubstr;

constexpr char kTenant[] = "https://acme.us.auth0.com";

class HttpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TestTempDir();
    const std::string make_ca = absl::StrCat(AUTH0_SIM_DIR, "/make_test_ca.sh ",
                                             dir_->path(), " >/dev/null");
    ASSERT_EQ(std::system(make_ca.c_str()), 0);
    auto process = ServerProcess::Start(
        AUTH0_SIM_BINARY,
        {"--listen=127.0.0.1:0",
         absl::StrCat("--cert_file=", dir_->File("server.pem")),
         absl::StrCat("--key_file=", dir_->File("server.key")),
         absl::StrCat("--tenant_file=", AUTH0_SIM_DIR, "/fixtures/acme.json")});
    ASSERT_TRUE(process.ok()) << process.status();
    sim_ = process->release();
  }
  static void TearDownTestSuite() {
    if (sim_ != nullptr) sim_->Stop(SIGTERM);
    delete sim_;
    delete dir_;
  }
  static HttpClientOptions Options() {
    HttpClientOptions options;
    options.connect_to = sim_->address();
    options.ca_file = dir_->File("ca.pem");
    return options;
  }
  static void SetFaults(const std::string& plan) {
    HttpClient client(Options());
    HttpRequest request{
        "POST", absl::StrCat(kTenant, "/__sim/faults"), {}, plan};
    auto response = client.Send(request);
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->status, 200) << response->body;
  }
  void TearDown() override {
    HttpClient client(Options());
    HttpRequest clear{"DELETE", absl::StrCat(kTenant, "/__sim/faults"), {}, ""};
    ASSERT_TRUE(client.Send(clear).ok());
  }

  static TestTempDir* dir_;
  static ServerProcess* sim_;
};

TestTempDir* HttpClientTest::dir_ = nullptr;
ServerProcess* HttpClientTest::sim_ = nullptr;

TEST_F(HttpClientTest, PostsAndReadsResponsesOverVerifiedTls) {
  HttpClient client(Options());
  HttpRequest token{"POST",
                    absl::StrCat(kTenant, "/oauth/token"),
                    {{"Content-Type", "application/json"}},
                    R"({"grant_type": "client_credentials",
                        "client_id": "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6",
                        "client_secret": "acme-importer-secret-0123456789abcdef",
                        "audience": "https://acme.us.auth0.com/api/v2/"})"};
  auto response = client.Send(token);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("\"access_token\""));
  EXPECT_THAT(response->headers["content-type"], HasSubstr("application/json"));
}

TEST_F(HttpClientTest, ErrorStatusesAreResponsesWithHeaders) {
  HttpClient client(Options());
  auto response =
      client.Send({"GET", absl::StrCat(kTenant, "/api/v2/roles"), {}, ""});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 401);
  EXPECT_FALSE(response->headers["x-ratelimit-limit"].empty());
  // The same client sends again (the connection is reused).
  auto again =
      client.Send({"GET", absl::StrCat(kTenant, "/api/v2/roles"), {}, ""});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 401);
}

TEST_F(HttpClientTest, LargeBodiesArriveCompressedAndDecoded) {
  HttpClient client(Options());
  auto token = client.Send(
      {"POST",
       absl::StrCat(kTenant, "/oauth/token"),
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       "grant_type=client_credentials&client_id="
       "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6&client_secret=acme-importer-"
       "secret-0123456789abcdef&audience=https%3A%2F%2Facme.us.auth0."
       "com%2Fapi%2Fv2%2F"});
  ASSERT_TRUE(token.ok());
  ASSERT_EQ(token->status, 200) << token->body;
  const size_t start = token->body.find("\"access_token\":\"") + 16;
  const std::string access =
      token->body.substr(start, token->body.find('"', start) - start);
  auto users = client.Send({"GET",
                            absl::StrCat(kTenant, "/api/v2/users?per_page=100"),
                            {{"Authorization", "Bearer " + access}},
                            ""});
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->status, 200) << users->body;
  // The server compressed it (libcurl asks for every encoding it decodes) ...
  EXPECT_EQ(users->headers["content-encoding"], "gzip");
  // ... and the body arrives decoded: 100 users, several kilobytes of JSON.
  EXPECT_EQ(users->body.front(), '[');
  EXPECT_GT(users->body.size(), 10000u);
}

TEST_F(HttpClientTest, RefusesPlainHttp) {
  HttpClient client(Options());
  auto response =
      client.Send({"GET", "http://acme.us.auth0.com/api/v2/roles", {}, ""});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpClientTest, CapsTheBody) {
  HttpClientOptions options = Options();
  options.max_body_bytes = 10;
  HttpClient client(options);
  auto response =
      client.Send({"GET", absl::StrCat(kTenant, "/__sim/stats"), {}, ""});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(HttpClientTest, TimesOut) {
  SetFaults("slow:delay=3s,path=/api/v2/roles");
  HttpClientOptions options = Options();
  options.total_timeout = absl::Seconds(1);
  HttpClient client(options);
  auto response =
      client.Send({"GET", absl::StrCat(kTenant, "/api/v2/roles"), {}, ""});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded)
      << response.status();
}

TEST_F(HttpClientTest, CutBodiesAreUnavailable) {
  SetFaults("truncate:path=/api/v2/roles");
  HttpClient client(Options());
  auto response =
      client.Send({"GET", absl::StrCat(kTenant, "/api/v2/roles"), {}, ""});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable)
      << response.status();
}

TEST_F(HttpClientTest, UntrustedCertificatesAreRefused) {
  HttpClientOptions options = Options();
  options.ca_file.clear();  // the system's CAs do not know the test CA
  HttpClient client(options);
  auto response =
      client.Send({"GET", absl::StrCat(kTenant, "/api/v2/roles"), {}, ""});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("SSL"));
}

}  // namespace
}  // namespace identitygraph::importer
