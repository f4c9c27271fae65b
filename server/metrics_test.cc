#include "server/metrics.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/call_metrics.h"
#include "server/proto_time.h"
#include "server/rpc_metrics.h"

namespace identitygraph {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(GrpcCodeNameTest, SpellsEveryCodeAsGoDoes) {
  const char* const kExpected[] = {"OK",
                                   "Canceled",
                                   "Unknown",
                                   "InvalidArgument",
                                   "DeadlineExceeded",
                                   "NotFound",
                                   "AlreadyExists",
                                   "PermissionDenied",
                                   "ResourceExhausted",
                                   "FailedPrecondition",
                                   "Aborted",
                                   "OutOfRange",
                                   "Unimplemented",
                                   "Internal",
                                   "Unavailable",
                                   "DataLoss",
                                   "Unauthenticated"};
  for (int code = 0; code <= grpc::StatusCode::UNAUTHENTICATED; ++code) {
    EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(code)),
              kExpected[code]);
  }
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(99)), "Unknown");
}

TEST(RpcMetricsTest, KnowsEveryMethodOfTheThreeServices) {
  prometheus::Registry registry;
  RpcMetrics rpcs(registry);
  RpcMetrics::Method* check =
      rpcs.Find("identitygraph.v1.AccessService.CheckAccess");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(rpcs.Find("identitygraph.v1.AccessService.CheckAccess"), check);
  EXPECT_NE(rpcs.Find("identitygraph.v1.ScanService.WatchScan"), nullptr);
  EXPECT_NE(rpcs.Find("identitygraph.v1.ConfigService.TestConnection"),
            nullptr);
  EXPECT_EQ(rpcs.Find("identitygraph.v1.AccessService.NoSuchMethod"), nullptr);
  EXPECT_EQ(rpcs.Find("grpc.health.v1.Health.Check"), nullptr);
  EXPECT_EQ(rpcs.Find(""), nullptr);
}

// The count of `method`'s calls answered with `code`, from a scrape.
bool Counted(const std::string& text, const std::string& method,
             const std::string& code, int count) {
  return text.find(absl::StrCat("grpc_server_handled_total{grpc_code=\"", code,
                                "\",grpc_method=\"", method,
                                "\",grpc_service=\"")) != std::string::npos &&
         text.find(absl::StrCat("grpc_method=\"", method,
                                "\",grpc_service=\"identitygraph.v1."
                                "AccessService\",grpc_type=\"unary\"} ",
                                count, "\n")) != std::string::npos;
}

TEST(CountedCallTest, TheHandlersCallIsTakenOnceAndReportedOnce) {
  std::unique_ptr<Metrics> metrics = Metrics::Create();
  RpcMetrics::Method* check =
      metrics->rpcs().Find("identitygraph.v1.AccessService.CheckAccess");
  ASSERT_NE(check, nullptr);
  {
    CountedCall call(check);
    CallScope scope(call);
    CountedCall taken = TakeCountedCall();
    TakeCountedCall().Finished(grpc::Status::OK);  // already taken: no count
    taken.Finished(grpc::Status(grpc::StatusCode::NOT_FOUND, "x"));
    taken.Finished(grpc::Status::OK);  // reported already: no count
  }
  TakeCountedCall().Finished(grpc::Status::OK);  // outside any scope
  CountedCall().Finished(grpc::Status::OK);      // metrics off
  const std::string text = metrics->Scrape();
  EXPECT_TRUE(Counted(text, "CheckAccess", "NotFound", 1)) << text;
  EXPECT_THAT(text, Not(HasSubstr("grpc_code=\"OK\"")));
  EXPECT_THAT(text, HasSubstr("grpc_server_started_total{grpc_method=\""
                              "CheckAccess\",grpc_service=\"identitygraph.v1."
                              "AccessService\",grpc_type=\"unary\"} 1\n"));
}

TEST(CountedCallTest, ScopesNestAndRestoreTheOuterCall) {
  std::unique_ptr<Metrics> metrics = Metrics::Create();
  CountedCall outer(
      metrics->rpcs().Find("identitygraph.v1.AccessService.CheckAccess"));
  CallScope outer_scope(outer);
  {
    CountedCall inner(
        metrics->rpcs().Find("identitygraph.v1.AccessService.GetGraphStats"));
    CallScope inner_scope(inner);
    TakeCountedCall().Finished(grpc::Status::OK);
  }
  TakeCountedCall().Finished(grpc::Status::OK);
  const std::string text = metrics->Scrape();
  EXPECT_TRUE(Counted(text, "GetGraphStats", "OK", 1)) << text;
  EXPECT_TRUE(Counted(text, "CheckAccess", "OK", 1)) << text;
}

TEST(MetricsTest, CountsAuth0ExchangesAndEndedScans) {
  std::unique_ptr<Metrics> metrics = Metrics::Create();
  metrics->OnExchange("/api/v2/roles", "200", absl::Milliseconds(30));
  metrics->OnExchange("/api/v2/roles", "200", absl::Milliseconds(40));
  metrics->OnExchange("/api/v2/roles", "429", absl::Milliseconds(5));
  v1::Scan scan;
  scan.set_trigger(v1::SCAN_TRIGGER_SCHEDULED);
  scan.set_state(v1::SCAN_STATE_FAILED);
  const absl::Time start = absl::FromUnixSeconds(1700000000);
  *scan.mutable_start_time() = ToProtoTimestamp(start);
  *scan.mutable_end_time() = ToProtoTimestamp(start + absl::Seconds(42));
  metrics->OnScanEnded(scan);
  RpcMetrics::Method* check =
      metrics->rpcs().Find("identitygraph.v1.AccessService.CheckAccess");
  ASSERT_NE(check, nullptr);
  check->Started();
  check->Handled(grpc::StatusCode::NOT_FOUND, 0.002);

  const std::string text = metrics->Scrape();
  EXPECT_THAT(text, HasSubstr("identitygraph_auth0_requests_total{endpoint=\""
                              "/api/v2/roles\",status=\"200\"} 2"));
  EXPECT_THAT(text, HasSubstr("identitygraph_auth0_requests_total{endpoint=\""
                              "/api/v2/roles\",status=\"429\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("identitygraph_auth0_request_duration_seconds_count{"
                        "endpoint=\"/api/v2/roles\"} 3"));
  EXPECT_THAT(text, HasSubstr("identitygraph_scans_total{state=\"failed\","
                              "trigger=\"scheduled\"} 1"));
  EXPECT_THAT(text, HasSubstr("identitygraph_scan_duration_seconds_sum{state="
                              "\"failed\",trigger=\"scheduled\"} 42"));
  EXPECT_THAT(text,
              HasSubstr("grpc_server_handled_total{grpc_code=\"NotFound\","
                        "grpc_method=\"CheckAccess\",grpc_service=\""
                        "identitygraph.v1.AccessService\",grpc_type=\"unary\"}"
                        " 1"));
  // Only codes that happened have a series.
  EXPECT_THAT(text, Not(HasSubstr("grpc_code=\"OK\"")));
  // Nothing attached yet: no state.
  EXPECT_THAT(text, Not(HasSubstr("identitygraph_snapshot_version")));
}

TEST(MetricsTest, ReadsStateAtEachScrape) {
  std::unique_ptr<Metrics> metrics = Metrics::Create();
  graph::SnapshotHolder holder;
  importer::TenantLimiters limiters;
  limiters.For("acme.us.auth0.com", 0.5);
  ASSERT_TRUE(
      metrics->Serve("127.0.0.1:0", {&holder, nullptr, &limiters}).ok());
  EXPECT_GT(metrics->port(), 0);
  const std::string text = metrics->Scrape();
  EXPECT_THAT(text, HasSubstr("\nidentitygraph_snapshot_version 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("identitygraph_snapshot_age_seconds")));
  EXPECT_THAT(text,
              HasSubstr("identitygraph_auth0_rate_limit_waits_total{host=\""
                        "acme.us.auth0.com\"} 0"));
  metrics->StopServing();
  metrics->StopServing();
  EXPECT_THAT(metrics->Scrape(),
              Not(HasSubstr("identitygraph_snapshot_version")));
}

TEST(MetricsTest, ATakenPortIsRefusedNamingTheFlag) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length),
            0);
  const std::string taken = absl::StrCat("127.0.0.1:", ntohs(address.sin_port));

  std::unique_ptr<Metrics> metrics = Metrics::Create();
  absl::Status serving = metrics->Serve(taken, {});
  EXPECT_EQ(serving.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(serving.message(), HasSubstr("--metrics_listen=" + taken));
  EXPECT_EQ(metrics->port(), 0);
  ::close(fd);
}

}  // namespace
}  // namespace identitygraph
