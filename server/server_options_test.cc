#include "server/server_options.h"

#include <functional>
#include <ostream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;

ServerOptions Valid() {
  ServerOptions options;
  options.data_dir = "/tmp/identitygraph";
  return options;
}

struct OptionsCase {
  std::string name;
  std::function<void(ServerOptions&)> mutate;
  std::string hint;  // Empty: valid.
};

void PrintTo(const OptionsCase& c, std::ostream* os) { *os << c.name; }

class ServerOptionsTest : public ::testing::TestWithParam<OptionsCase> {};

TEST_P(ServerOptionsTest, Validates) {
  ServerOptions options = Valid();
  GetParam().mutate(options);
  absl::Status status = ValidateServerOptions(options);
  if (GetParam().hint.empty()) {
    EXPECT_TRUE(status.ok()) << status;
  } else {
    EXPECT_FALSE(status.ok());
    EXPECT_THAT(status.message(), HasSubstr(GetParam().hint));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ServerOptionsTest,
    ::testing::Values(
        OptionsCase{"Defaults", [](ServerOptions&) {}, ""},
        OptionsCase{"AnyPort",
                    [](ServerOptions& o) { o.listen = "127.0.0.1:0"; }, ""},
        OptionsCase{"Ipv6", [](ServerOptions& o) { o.listen = "[::1]:50051"; },
                    ""},
        OptionsCase{"AllInterfaces",
                    [](ServerOptions& o) { o.listen = "0.0.0.0:50051"; }, ""},
        OptionsCase{"NoPort", [](ServerOptions& o) { o.listen = "127.0.0.1"; },
                    "--listen"},
        OptionsCase{"BigPort",
                    [](ServerOptions& o) { o.listen = "127.0.0.1:70000"; },
                    "--listen"},
        OptionsCase{
            "Metrics",
            [](ServerOptions& o) { o.metrics_listen = "127.0.0.1:9464"; }, ""},
        OptionsCase{"MetricsAnyPort",
                    [](ServerOptions& o) {
                      o.listen = "127.0.0.1:0";
                      o.metrics_listen = "127.0.0.1:0";
                    },
                    ""},
        OptionsCase{"MetricsWithoutPort",
                    [](ServerOptions& o) { o.metrics_listen = "127.0.0.1"; },
                    "--metrics_listen"},
        OptionsCase{"MetricsOnTheGrpcPort",
                    [](ServerOptions& o) { o.metrics_listen = o.listen; },
                    "--metrics_listen"},
        OptionsCase{"NoDataDir", [](ServerOptions& o) { o.data_dir.clear(); },
                    "--data_dir"},
        OptionsCase{"CertWithoutKey",
                    [](ServerOptions& o) { o.tls_cert_file = "/etc/hostname"; },
                    "go together"},
        OptionsCase{
            "ClientCaWithoutCert",
            [](ServerOptions& o) { o.tls_client_ca_file = "/etc/hostname"; },
            "needs --tls_cert_file"},
        OptionsCase{
            "MissingTokenFile",
            [](ServerOptions& o) { o.admin_token_file = "/nonexistent/admin"; },
            "--admin_token_file=/nonexistent/admin"},
        OptionsCase{
            "ConnectTo",
            [](ServerOptions& o) { o.auth0_connect_to = "127.0.0.1:8443"; },
            ""},
        OptionsCase{"ConnectToWithoutPort",
                    [](ServerOptions& o) { o.auth0_connect_to = "127.0.0.1"; },
                    "--auth0_connect_to"},
        OptionsCase{"BadSuffix",
                    [](ServerOptions& o) {
                      o.private_cloud_domain_suffixes = {".x.com"};
                    },
                    "--private_cloud_domain_suffixes"},
        OptionsCase{"TinyMessages",
                    [](ServerOptions& o) { o.max_receive_message_bytes = 10; },
                    "--max_receive_message_bytes"},
        OptionsCase{"NoStreams",
                    [](ServerOptions& o) { o.max_concurrent_streams = 0; },
                    "--max_concurrent_streams"},
        OptionsCase{"TinyCache",
                    [](ServerOptions& o) { o.query_cache_bytes = 1000; },
                    "--query_cache_bytes"},
        OptionsCase{"TinyQueryBudget",
                    [](ServerOptions& o) { o.query_max_visited = 10; },
                    "--query_max_visited"},
        OptionsCase{"NoPaths", [](ServerOptions& o) { o.query_max_paths = 0; },
                    "--query_max_paths"},
        OptionsCase{
            "ZeroGrace",
            [](ServerOptions& o) { o.shutdown_grace = absl::ZeroDuration(); },
            "--shutdown_grace"}),
    [](const ::testing::TestParamInfo<OptionsCase>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace identitygraph
