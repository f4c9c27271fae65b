// The importer's HTTPS client against a real auth0-sim: real host names, TLS
// verified against the test CA, connect-to routing, and each way a request can
// fail.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importer/authorized_caller.h"
#include "importer/change_mapping.h"
#include "importer/connections.h"
#include "importer/http_client.h"
#include "importer/log_reader.h"
#include "importer/rate_limiter.h"
#include "importer/remediation.h"
#include "importer/token_source.h"
#include "tests/sim_instance.h"
#include "tests/test_temp_dir.h"

namespace identitygraph::importer {
namespace {

using ::testing::HasSubstr;

constexpr char kTenant[] = "https://acme.us.auth0.com";

HttpRequest Req(std::string method, std::string url,
                std::vector<std::pair<std::string, std::string>> headers = {},
                std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.body = std::move(body);
  return request;
}

class ImporterSimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartSimulator({}); }
  static void StartSimulator(const std::vector<std::string>& extra_flags) {
    std::vector<std::string> flags = {
        absl::StrCat("--tenant_file=", AUTH0_SIM_DIR, "/fixtures/acme.json")};
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    auto sim = SimInstance::Start(flags);
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = sim->release();
  }
  static void TearDownTestSuite() { delete sim_; }
  static HttpClientOptions Options() { return sim_->HttpOptions(); }
  static void SetFaults(const std::string& plan) {
    ASSERT_TRUE(sim_->SetFaults(plan).ok());
  }
  void TearDown() override { ASSERT_TRUE(sim_->ClearFaults().ok()); }

  static SimInstance* sim_;
};

SimInstance* ImporterSimTest::sim_ = nullptr;

TEST_F(ImporterSimTest, PostsAndReadsResponsesOverVerifiedTls) {
  HttpClient client(Options());
  HttpRequest token = Req("POST", absl::StrCat(kTenant, "/oauth/token"),
                          {{"Content-Type", "application/json"}},
                          R"({"grant_type": "client_credentials",
              "client_id": "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6",
              "client_secret": "acme-importer-secret-0123456789abcdef",
              "audience": "https://acme.us.auth0.com/api/v2/"})");
  auto response = client.Send(token);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("\"access_token\""));
  EXPECT_THAT(response->headers["content-type"], HasSubstr("application/json"));
}

TEST_F(ImporterSimTest, ErrorStatusesAreResponsesWithHeaders) {
  HttpClient client(Options());
  auto response =
      client.Send(Req("GET", absl::StrCat(kTenant, "/api/v2/roles")));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 401);
  EXPECT_FALSE(response->headers["x-ratelimit-limit"].empty());
  // The same client sends again (the connection is reused).
  auto again = client.Send(Req("GET", absl::StrCat(kTenant, "/api/v2/roles")));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 401);
}

TEST_F(ImporterSimTest, LargeBodiesArriveCompressedAndDecoded) {
  HttpClient client(Options());
  auto token = client.Send(
      Req("POST", absl::StrCat(kTenant, "/oauth/token"),
          {{"Content-Type", "application/x-www-form-urlencoded"}},
          "grant_type=client_credentials&client_id="
          "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6&client_secret=acme-importer-"
          "secret-0123456789abcdef&audience=https%3A%2F%2Facme.us.auth0."
          "com%2Fapi%2Fv2%2F"));
  ASSERT_TRUE(token.ok());
  ASSERT_EQ(token->status, 200) << token->body;
  const size_t start = token->body.find("\"access_token\":\"") + 16;
  const std::string access =
      token->body.substr(start, token->body.find('"', start) - start);
  auto users = client.Send(
      Req("GET", absl::StrCat(kTenant, "/api/v2/users?per_page=100"),
          {{"Authorization", "Bearer " + access}}));
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->status, 200) << users->body;
  // The server compressed it (libcurl asks for every encoding it decodes) ...
  EXPECT_EQ(users->headers["content-encoding"], "gzip");
  // ... and the body arrives decoded: 100 users, several kilobytes of JSON.
  EXPECT_EQ(users->body.front(), '[');
  EXPECT_GT(users->body.size(), 10000u);
}

TEST_F(ImporterSimTest, RefusesPlainHttp) {
  HttpClient client(Options());
  auto response =
      client.Send(Req("GET", "http://acme.us.auth0.com/api/v2/roles"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ImporterSimTest, CapsTheBody) {
  HttpClientOptions options = Options();
  options.max_body_bytes = 10;
  HttpClient client(options);
  auto response =
      client.Send(Req("GET", absl::StrCat(kTenant, "/__sim/stats")));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(ImporterSimTest, TimesOut) {
  SetFaults("slow:delay=3s,path=/api/v2/roles");
  HttpClientOptions options = Options();
  options.total_timeout = absl::Seconds(1);
  HttpClient client(options);
  auto response =
      client.Send(Req("GET", absl::StrCat(kTenant, "/api/v2/roles")));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded)
      << response.status();
}

TEST_F(ImporterSimTest, ACancelledRequestStopsWithoutWaitingForTheAnswer) {
  SetFaults("slow:delay=20s,path=/api/v2/roles");
  std::atomic<bool> cancelled{true};
  HttpRequest request = Req("GET", absl::StrCat(kTenant, "/api/v2/roles"));
  request.cancelled = &cancelled;
  HttpClient client(Options());
  auto response = client.Send(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kCancelled)
      << response.status();
}

TEST_F(ImporterSimTest, CutBodiesAreUnavailable) {
  SetFaults("truncate:path=/api/v2/roles");
  HttpClient client(Options());
  auto response =
      client.Send(Req("GET", absl::StrCat(kTenant, "/api/v2/roles")));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable)
      << response.status();
}

TEST_F(ImporterSimTest, UntrustedCertificatesAreRefused) {
  HttpClientOptions options = Options();
  options.ca_file.clear();  // the system's CAs do not know the test CA
  HttpClient client(options);
  auto response =
      client.Send(Req("GET", absl::StrCat(kTenant, "/api/v2/roles")));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("SSL"));
}

constexpr char kManagement[] = "https://acme.us.auth0.com/api/v2/";

ClientCredentials Credentials(const std::string& id,
                              const std::string& secret) {
  return {"acme.us.auth0.com", id, secret};
}

ClientCredentials Importer() {
  return Credentials("IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6",
                     "acme-importer-secret-0123456789abcdef");
}

TEST_F(ImporterSimTest, TokensAreCachedUntilShortlyBeforeExpiry) {
  HttpClient http(Options());
  absl::Time now = absl::Now();
  TokenSource tokens(&http, Importer(), absl::Minutes(5),
                     [&now] { return now; });
  auto first = tokens.Get(kManagement);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->HasScope("read:users"));
  EXPECT_TRUE(first->HasScope("read:organization_member_roles"));
  EXPECT_FALSE(
      first->HasScope("read:configuration"));  // that one is the extension's
  auto cached = tokens.Get(kManagement);
  EXPECT_EQ(cached->access_token, first->access_token);
  EXPECT_EQ(tokens.requests(), 1);

  now += absl::Hours(24) - absl::Minutes(4);  // inside the refresh margin
  auto renewed = tokens.Get(kManagement);
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(renewed->access_token, first->access_token);
  EXPECT_EQ(tokens.requests(), 2);

  auto forced = tokens.Get(kManagement, /*force_refresh=*/true);
  EXPECT_NE(forced->access_token, renewed->access_token);
  // Each audience has its own token.
  auto extension = tokens.Get("urn:auth0-authz-api");
  ASSERT_TRUE(extension.ok());
  EXPECT_TRUE(extension->HasScope("read:configuration"));
  EXPECT_EQ(tokens.requests(), 4);
}

TEST_F(ImporterSimTest, TokenFailuresSayWhatToDo) {
  HttpClient http(Options());
  struct Case {
    ClientCredentials credentials;
    std::string audience;
    absl::StatusCode code;
    std::string remediation;
  };
  for (const Case& c : std::vector<Case>{
           {Credentials("IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6", "wrong-secret"),
            kManagement, absl::StatusCode::kUnauthenticated,
            "Check the client id, the client secret"},
           {Credentials("NOGRANTxxxxxxxxxxxxxxxxxxxxxxxx8",
                        "acme-nogrant-secret-0123456789abcdef"),
            kManagement, absl::StatusCode::kPermissionDenied,
            "Authorise it for the Auth0 Management API (not a custom API)"},
           {Credentials("NOGRANTxxxxxxxxxxxxxxxxxxxxxxxx8",
                        "acme-nogrant-secret-0123456789abcdef"),
            "urn:auth0-authz-api", absl::StatusCode::kPermissionDenied,
            "auth0-authorization-extension-api"},
           {Credentials("NOCCxxxxxxxxxxxxxxxxxxxxxxxxxxx9",
                        "acme-nocc-secret-0123456789abcdef"),
            kManagement, absl::StatusCode::kPermissionDenied, "Grant Types"},
           {Importer(), "https://api.unknown.example/",
            absl::StatusCode::kPermissionDenied, "is not an API of tenant"}}) {
    TokenSource tokens(&http, c.credentials);
    auto token = tokens.Get(c.audience);
    ASSERT_FALSE(token.ok()) << c.credentials.client_id;
    EXPECT_EQ(token.status().code(), c.code) << token.status();
    // What a person reads: the message, then the remediation.
    EXPECT_THAT(WithFix(token.status()), HasSubstr(c.remediation));
    // The secret never appears in an error.
    EXPECT_THAT(token.status().message(),
                ::testing::Not(HasSubstr(c.credentials.client_secret)));
  }
}

// Issue 14, defect 9: a 429 from the token endpoint says when to come back.
TEST_F(ImporterSimTest, ATokenEndpoint429CarriesItsWait) {
  SetFaults("429:nth=1,path=/oauth/token");
  HttpClient http(Options());
  TokenSource tokens(&http, Importer());
  auto token = tokens.Get(kManagement);
  ASSERT_EQ(token.status().code(), absl::StatusCode::kUnavailable);
  std::optional<absl::Duration> wait = RetryAfterOf(token.status());
  ASSERT_TRUE(wait.has_value());
  EXPECT_LE(*wait, absl::Seconds(2));  // the simulator resets in a second
  EXPECT_FALSE(RetryAfterOf(absl::UnavailableError("other")).has_value());
  EXPECT_TRUE(tokens.Get(kManagement).ok());  // the fault was one-shot
}

TEST_F(ImporterSimTest, TokenEndpointTroubleIsRetryable) {
  SetFaults("503:path=/oauth/token");
  HttpClient http(Options());
  TokenSource tokens(&http, Importer());
  EXPECT_EQ(tokens.Get(kManagement).status().code(),
            absl::StatusCode::kUnavailable);
  SetFaults("malformed:path=/oauth/token");
  EXPECT_EQ(tokens.Get(kManagement).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(tokens.Get(kManagement).ok());  // the faults were one-shot
}

// Calls through AuthorizedCaller, with backoff made instant (a fake sleep) so
// only the simulator's own waiting takes time.
class CallerFixture {
 public:
  explicit CallerFixture(HttpClientOptions options, int max_attempts = 6,
                         ClientCredentials credentials = Importer())
      : http_(std::move(options)), tokens_(&http_, std::move(credentials)) {
    RetryPolicy policy;
    policy.max_attempts = max_attempts;
    caller_ = std::make_unique<AuthorizedCaller>(
        &http_, &tokens_, &limiter_, policy, &cancelled_, nullptr,
        [] { return 0.5; }, [this](absl::Duration d) { backoff_ += d; });
  }
  AuthorizedCaller& caller() { return *caller_; }
  TokenSource& tokens() { return tokens_; }
  std::atomic<bool>& cancelled() { return cancelled_; }
  absl::Duration backoff() const { return backoff_; }

 private:
  HttpClient http_;
  TokenSource tokens_;
  RateLimiter limiter_;
  std::atomic<bool> cancelled_{false};
  absl::Duration backoff_;
  std::unique_ptr<AuthorizedCaller> caller_;
};

TEST_F(ImporterSimTest, RetriesFiveHundredsAndCutConnections) {
  SetFaults(
      "503:nth=1,path=/api/v2/clients;500:nth=2,path=/api/v2/clients;"
      "truncate:nth=3,path=/api/v2/clients");
  CallerFixture f(Options());
  auto clients =
      f.caller().Get(absl::StrCat(kTenant, "/api/v2/clients"), kManagement);
  ASSERT_TRUE(clients.ok()) << clients.status();
  EXPECT_EQ(clients->status, 200);
  EXPECT_EQ(f.caller().retries(), 3);
  EXPECT_GT(f.backoff(), absl::ZeroDuration());
}

TEST_F(ImporterSimTest, GivesUpWhenFaultsOutlastTheAttempts) {
  SetFaults("503:fraction=1,path=/api/v2/clients");
  CallerFixture f(Options(), /*max_attempts=*/3);
  auto clients =
      f.caller().Get(absl::StrCat(kTenant, "/api/v2/clients"), kManagement);
  EXPECT_EQ(clients.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(clients.status().message(), HasSubstr("after 3 attempts"));
  EXPECT_THAT(clients.status().message(), HasSubstr("HTTP 503"));
}

TEST_F(ImporterSimTest, ACancelDuringABackoffStopsWithin100Milliseconds) {
  SetFaults("503:fraction=1,path=/api/v2/clients");
  HttpClient http(Options());
  TokenSource tokens(&http, Importer());
  RateLimiter limiter;
  std::atomic<bool> cancelled{false};
  RetryPolicy policy;
  policy.initial_backoff = absl::Seconds(30);
  policy.max_backoff = absl::Seconds(30);
  // Real sleeping, with a signal when the first backoff begins (std::
  // primitives: this test also runs under TSan, which Debian's Abseil is not
  // built for).
  std::promise<void> backing_off;
  std::atomic<bool> signalled{false};
  AuthorizedCaller caller(
      &http, &tokens, &limiter, policy, &cancelled, nullptr, [] { return 1.0; },
      [&](absl::Duration d) {
        if (!signalled.exchange(true)) backing_off.set_value();
        absl::SleepFor(d);
      });
  absl::Time returned;
  absl::StatusOr<HttpResponse> result;
  std::thread call([&] {
    result = caller.Get(absl::StrCat(kTenant, "/api/v2/clients"), kManagement);
    returned = absl::Now();
  });
  backing_off.get_future().wait();
  const absl::Time cancelled_at = absl::Now();
  cancelled = true;
  call.join();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
  std::printf("cancel during a 30 s backoff: returned after %s\n",
              absl::FormatDuration(returned - cancelled_at).c_str());
  EXPECT_LE(returned - cancelled_at, absl::Milliseconds(100))
      << "a 30 s backoff took " << (returned - cancelled_at)
      << " to notice the cancel";
}

TEST_F(ImporterSimTest, ATokenExpiringMidImportIsReplacedOnce) {
  SetFaults("expire:nth=2,path=/api/v2/roles");
  CallerFixture f(Options());
  ASSERT_EQ(f.caller()
                .Get(absl::StrCat(kTenant, "/api/v2/roles"), kManagement)
                ->status,
            200);
  auto second =
      f.caller().Get(absl::StrCat(kTenant, "/api/v2/roles"), kManagement);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(f.tokens().requests(), 2);
}

TEST_F(ImporterSimTest, AnswersNotWorthRetryingComeBackAsAnswers) {
  CallerFixture f(Options());
  auto missing = f.caller().Get(
      absl::StrCat(kTenant, "/api/v2/roles/rol_nope/users"), kManagement);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(f.caller().retries(), 0);
  f.cancelled() = true;
  EXPECT_EQ(f.caller()
                .Get(absl::StrCat(kTenant, "/api/v2/roles"), kManagement)
                .status()
                .code(),
            absl::StatusCode::kCancelled);
}

TEST_F(ImporterSimTest, FetchesEveryConnectionPageByPage) {
  CallerFixture f(Options());
  auto connections =
      FetchConnections(f.caller(), "acme.us.auth0.com", /*take=*/1);
  ASSERT_TRUE(connections.ok()) << connections.status();
  ASSERT_EQ(connections->size(), 3u);
  EXPECT_EQ((*connections)[0].name, "google-workforce");
  EXPECT_EQ((*connections)[0].id, "con_GoogleWork0000001");
  EXPECT_EQ((*connections)[1].strategy, "samlp");
  EXPECT_EQ(f.caller().requests(), 3);  // one page each
}

TEST_F(ImporterSimTest, AMissingScopeNamesTheScope) {
  CallerFixture f(Options(), 6,
                  Credentials("LIMITEDxxxxxxxxxxxxxxxxxxxxxxxx7",
                              "acme-limited-secret-0123456789abcdef"));
  auto connections = FetchConnections(f.caller(), "acme.us.auth0.com");
  EXPECT_EQ(connections.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(connections.status().message(),
              HasSubstr("needs read:connections"));
  EXPECT_THAT(RemediationOf(connections.status()),
              HasSubstr("reach only new tokens"));
}

// Issue 14, defect 9: tokens that live no longer than the 5-minute margin.
class ImporterShortTokenTest : public ImporterSimTest {
 protected:
  static void SetUpTestSuite() { StartSimulator({"--token_lifetime=240s"}); }
};

TEST_F(ImporterShortTokenTest, ShortLivedTokensAreReusedUntilNearTheirEnd) {
  EXPECT_EQ(RefreshMargin(absl::Hours(24), absl::Minutes(5)), absl::Minutes(5));
  EXPECT_EQ(RefreshMargin(absl::Seconds(240), absl::Minutes(5)),
            absl::Seconds(24));
  HttpClient http(Options());
  absl::Time now = absl::Now();
  TokenSource tokens(&http, Importer(), absl::Minutes(5),
                     [&now] { return now; });
  auto first = tokens.Get(kManagement);
  ASSERT_TRUE(first.ok()) << first.status();
  for (int call = 0; call < 10; ++call) {
    auto again = tokens.Get(kManagement);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->access_token, first->access_token) << call;
  }
  EXPECT_EQ(tokens.requests(), 1);
  now += absl::Seconds(240 - 20);  // inside the 24 s margin
  auto renewed = tokens.Get(kManagement);
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(renewed->access_token, first->access_token);
  EXPECT_EQ(tokens.requests(), 2);
}

class ImporterRateLimitedTest : public ImporterSimTest {
 protected:
  // Two at once, then twenty a second.
  static void SetUpTestSuite() {
    StartSimulator({"--rate_burst=2", "--rate_per_second=20"});
  }
};

TEST_F(ImporterRateLimitedTest, PacesToTheBudgetWithoutProvokingA429) {
  CallerFixture f(Options());
  for (int i = 0; i < 20; ++i) {
    auto roles =
        f.caller().Get(absl::StrCat(kTenant, "/api/v2/roles"), kManagement);
    ASSERT_TRUE(roles.ok()) << roles.status();
    ASSERT_EQ(roles->status, 200) << i;
  }
  HttpClient http(Options());
  auto stats = http.Send(Req("GET", absl::StrCat(kTenant, "/__sim/stats")));
  ASSERT_TRUE(stats.ok());
  // The first answer told the limiter the budget; after it, no request was
  // refused.
  EXPECT_THAT(stats->body, HasSubstr("\"rate_limited\":0"));
}

// The log reader against auth0-sim: the checkpoint the importer's own token
// exchange already moved, the changes after it, and a purged checkpoint.
TEST_F(ImporterSimTest, LogReaderFollowsChangesByCheckpoint) {
  CallerFixture f(Options());
  LogReader reader(&f.caller(), "acme.us.auth0.com", kManagement);
  absl::StatusOr<std::string> newest = reader.NewestLogId();
  ASSERT_TRUE(newest.ok()) << newest.status();
  ASSERT_FALSE(newest->empty());  // at least our own seccft

  ASSERT_TRUE(sim_->Change({{"changes",
                             {{{"op", "assign_user_roles"},
                               {"user_id", "samlp|ken"},
                               {"roles", {"rol_PayrollAdmin0001"}}},
                              {{"op", "update_role"},
                               {"role_id", "rol_Support00000003"},
                               {"set", {{"description", "tier 1"}}}}}}})
                  .ok());
  absl::StatusOr<LogPage> page = reader.After(*newest);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->unparsed.empty());
  ChangeSet changes;
  for (const wire::LogEvent& event : page->events) AddLogEvent(event, changes);
  EXPECT_TRUE(changes.reads.contains(
      RecordRef{RecordKind::kUserRoles, "samlp|ken", ""}));
  EXPECT_TRUE(changes.reads.contains(
      RecordRef{RecordKind::kRole, "rol_Support00000003", ""}));
  EXPECT_TRUE(changes.full_scan_reason.empty()) << changes.full_scan_reason;
  ASSERT_FALSE(page->events.empty());
  EXPECT_EQ(page->next_from, page->events.back().log_id());

  absl::StatusOr<LogPage> idle = reader.After(page->next_from);
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_TRUE(idle->events.empty());
  EXPECT_EQ(idle->next_from, page->next_from);
}

TEST_F(ImporterSimTest, LogReaderTellsAPurgedCheckpoint) {
  CallerFixture f(Options());
  LogReader reader(&f.caller(), "acme.us.auth0.com", kManagement);
  absl::StatusOr<std::string> newest = reader.NewestLogId();
  ASSERT_TRUE(newest.ok()) << newest.status();
  EXPECT_EQ(reader.Retained(*newest).value_or(false), true);
  ASSERT_TRUE(sim_->PurgeLogs().ok());
  absl::StatusOr<bool> retained = reader.Retained(*newest);
  ASSERT_TRUE(retained.ok()) << retained.status();
  EXPECT_FALSE(*retained);
}

TEST_F(ImporterSimTest, LogReaderKeepsTheIdOfAnEventItCannotRead) {
  CallerFixture f(Options());
  LogReader reader(&f.caller(), "acme.us.auth0.com", kManagement);
  absl::StatusOr<std::string> newest = reader.NewestLogId();
  ASSERT_TRUE(newest.ok()) << newest.status();
  ASSERT_TRUE(sim_->Change({{"op", "log_event"},
                            {"event",
                             {{"type", "sapi"},
                              {"details", {{"request", "not an object"}}}}}})
                  .ok());
  absl::StatusOr<LogPage> page = reader.After(*newest);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->unparsed.size(), 1u);
  ChangeSet changes;
  for (const wire::LogEvent& event : page->events) AddLogEvent(event, changes);
  EXPECT_THAT(changes.full_scan_reason,
              HasSubstr("without details.request.path"));
}

TEST_F(ImporterSimTest, LogReaderWithoutReadLogsSaysWhichScope) {
  CallerFixture f(Options(), 6,
                  Credentials("LIMITEDxxxxxxxxxxxxxxxxxxxxxxxx7",
                              "acme-limited-secret-0123456789abcdef"));
  LogReader reader(&f.caller(), "acme.us.auth0.com", kManagement);
  absl::StatusOr<LogPage> page = reader.After("");
  EXPECT_EQ(page.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(page.status().message(), HasSubstr("read:logs"));
}

}  // namespace
}  // namespace identitygraph::importer
