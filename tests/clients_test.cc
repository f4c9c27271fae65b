// The generated clients against a real server: the Python, Go and Node
// examples (clients/) each print exactly what this test derives from the C++
// client's own answers, for an allowed check with its paths, a denied one,
// paging, and errors. Build the clients first: clients/build.sh.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identitygraph/v1/access_service.grpc.pb.h"
#include "tests/server_process.h"
#include "tests/server_process_fixture.h"

namespace identitygraph {
namespace {

// Every example checks one permission too.
constexpr char kPayrollApi[] = "https://api.acme.com/payroll";
constexpr char kPermission[] = "run:payroll";

struct Client {
  const char* language;
  std::string binary;
  std::vector<std::string> args;  // before the example's own flags
};

std::vector<Client> Clients() {
  const std::string source = IDENTITYGRAPH_SOURCE_DIR;
  return {
      {"python", "/usr/bin/python3", {source + "/clients/python/example.py"}},
      {"go", absl::StrCat(IDENTITYGRAPH_BINARY_DIR, "/clients/go/example"), {}},
      {"node", IDENTITYGRAPH_NODE, {source + "/clients/node/dist/example.js"}},
  };
}

std::string LowerName(const std::string& name, const std::string& prefix) {
  return absl::AsciiStrToLower(name.substr(prefix.size()));
}

// The examples' rendering of a path (clients/README.md).
std::string DescribePath(const v1::AccessPath& path) {
  std::vector<std::string> parts;
  for (const v1::PathStep& step : path.steps()) {
    if (step.via() != v1::EDGE_KIND_UNSPECIFIED)
      parts.push_back(absl::StrCat(
          "-", LowerName(v1::EdgeKind_Name(step.via()), "EDGE_KIND_"), "->"));
    parts.push_back(absl::StrCat(
        LowerName(v1::EntityKind_Name(step.entity().kind()), "ENTITY_KIND_"),
        " \"", step.entity().name(), "\""));
  }
  return absl::StrJoin(parts, " ");
}

class ClientsTest : public ServerProcessFixture {
 protected:
  static constexpr int kDeadlineMs = 20000;

  // The examples' "hint:" line for the codes a caller can act on.
  std::string Hint(grpc::StatusCode code) const {
    switch (code) {
      case grpc::StatusCode::UNAUTHENTICATED:
        return "hint: pass the reader token with --token or "
               "$IDENTITYGRAPH_TOKEN\n";
      case grpc::StatusCode::PERMISSION_DENIED:
        return "hint: use this server's reader or admin token\n";
      case grpc::StatusCode::UNAVAILABLE:
        return absl::StrCat("hint: check that identitygraph-server runs at ",
                            server_->address(),
                            " and has finished its first scan, then retry\n");
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        return absl::StrCat("hint: no answer within --deadline_ms=",
                            kDeadlineMs, "; retry, or allow more time\n");
      default:
        return "";
    }
  }

  void SetUp() override {
    ServerProcessFixture::SetUp();
    if (HasFatalFailure()) return;
    Configure("acme-importer-secret-0123456789abcdef");
    ASSERT_EQ(Scan().state(), v1::SCAN_STATE_SUCCEEDED);
    setenv("IDENTITYGRAPH_ADDRESS", server_->address().c_str(), 1);
    setenv("IDENTITYGRAPH_TOKEN", kReader, 1);
    setenv("PYTHONPATH", IDENTITYGRAPH_SOURCE_DIR "/clients/python", 1);
  }

  // What an example prints for `user` and `application`, from the C++
  // client's answers; the error line and 1 when a call fails.
  ServerProcess::Exit Expected(const std::string& user,
                               const std::string& application, int page_size) {
    std::string out;
    auto fail = [this, &out](const char* rpc, const grpc::Status& status) {
      static const char* const kNames[] = {
          "OK",
          "CANCELLED",
          "UNKNOWN",
          "INVALID_ARGUMENT",
          "DEADLINE_EXCEEDED",
          "NOT_FOUND",
          "ALREADY_EXISTS",
          "PERMISSION_DENIED",
          "RESOURCE_EXHAUSTED",
          "FAILED_PRECONDITION",
          "ABORTED",
          "OUT_OF_RANGE",
          "UNIMPLEMENTED",
          "INTERNAL",
          "UNAVAILABLE",
          "DATA_LOSS",
          "UNAUTHENTICATED"};  // by grpc::StatusCode
      return ServerProcess::Exit{
          1, absl::StrCat(
                 out, "error: ", rpc, ": ", kNames[status.error_code()], ": ",
                 status.error_message(), "\n", Hint(status.error_code()))};
    };
    v1::CheckAccessRequest check_request;
    check_request.mutable_user()->set_email(user);
    check_request.mutable_application()->set_name(application);
    check_request.set_max_paths(1);
    v1::CheckAccessResponse check;
    grpc::Status status =
        access_->CheckAccess(As(kReader).get(), check_request, &check);
    if (!status.ok()) return fail("CheckAccess", status);
    // "<what>: allowed (snapshot N)" or the denial, then the paths.
    auto decision = [&out](const std::string& what, const auto& response) {
      absl::StrAppend(
          &out, what, ": ",
          response.allowed()
              ? "allowed"
              : absl::StrCat(
                    "denied, ",
                    LowerName(v1::DenialReason_Name(response.denial_reason()),
                              "DENIAL_REASON_")),
          " (snapshot ", response.snapshot().version(), ")\n");
      for (const v1::AccessPath& path : response.paths())
        absl::StrAppend(&out, "  path: ", DescribePath(path), "\n");
    };
    decision(absl::StrCat("check ", user, " -> ", application), check);

    v1::CheckPermissionRequest permission_request;
    permission_request.mutable_user()->set_email(user);
    permission_request.mutable_api()->set_id(kPayrollApi);
    permission_request.set_permission(kPermission);
    permission_request.set_max_paths(1);
    v1::CheckPermissionResponse held;
    status =
        access_->CheckPermission(As(kReader).get(), permission_request, &held);
    if (!status.ok()) return fail("CheckPermission", status);
    decision(absl::StrCat("permission ", user, " ", kPermission, " on ",
                          kPayrollApi),
             held);

    v1::ListUserApplicationsRequest apps_request;
    apps_request.mutable_user()->set_email(user);
    for (bool first = true;; first = false) {
      v1::ListUserApplicationsResponse page;
      status =
          access_->ListUserApplications(As(kReader).get(), apps_request, &page);
      if (!status.ok()) return fail("ListUserApplications", status);
      if (first)
        absl::StrAppend(&out, "applications of ", user, ": ", page.total_size(),
                        "\n");
      for (const v1::ReachableApplication& app : page.applications())
        absl::StrAppend(&out, "  ", app.application().name(), ": ",
                        DescribePath(app.path()), "\n");
      if (page.next_page_token().empty()) break;
      apps_request.set_page_token(page.next_page_token());
    }

    v1::ListApplicationUsersRequest users_request;
    users_request.mutable_application()->set_name(application);
    users_request.set_page_size(page_size);
    for (int number = 1;; ++number) {
      v1::ListApplicationUsersResponse page;
      status = access_->ListApplicationUsers(As(kReader).get(), users_request,
                                             &page);
      if (!status.ok()) return fail("ListApplicationUsers", status);
      if (number == 1)
        absl::StrAppend(&out, "users of ", application, ", ", page_size,
                        " per page: ", page.total_size(), "\n");
      std::vector<std::string> ids;
      for (const v1::Entity& u : page.users()) ids.push_back(u.id());
      absl::StrAppend(&out, "  page ", number, ": ", absl::StrJoin(ids, ", "),
                      "\n");
      if (page.next_page_token().empty()) break;
      users_request.set_page_token(page.next_page_token());
    }
    return {0, out};
  }
};

TEST_F(ClientsTest, EveryExamplePrintsWhatTheCppClientGets) {
  struct Case {
    std::string user, application;
    int page_size;
  } cases[] = {
      {"ada@acme.com", "Payroll", 1},      // allowed, paths, two pages
      {"barbara@acme.com", "Payroll", 5},  // denied
      {"nobody@acme.com", "Payroll", 5},   // NOT_FOUND, with its message
  };
  for (const Client& client : Clients()) {
    if (access(client.binary.c_str(), X_OK) != 0 ||
        (!client.args.empty() && access(client.args[0].c_str(), R_OK) != 0)) {
      ADD_FAILURE() << client.language
                    << " client not built: run clients/build.sh (needs "
                    << client.binary << " and its example)";
      continue;
    }
    for (const Case& c : cases) {
      const ServerProcess::Exit expected =
          Expected(c.user, c.application, c.page_size);
      std::vector<std::string> args = client.args;
      args.push_back(absl::StrCat("--user=", c.user));
      args.push_back(absl::StrCat("--application=", c.application));
      args.push_back(absl::StrCat("--page_size=", c.page_size));
      args.push_back(absl::StrCat("--api=", kPayrollApi));
      args.push_back(absl::StrCat("--permission=", kPermission));
      args.push_back(absl::StrCat("--deadline_ms=", kDeadlineMs));
      const ServerProcess::Exit got = ServerProcess::Run(client.binary, args);
      EXPECT_EQ(got.exit_code, expected.exit_code)
          << client.language << " " << c.user << "\n"
          << got.output;
      EXPECT_EQ(got.output, expected.output)
          << client.language << " " << c.user;
    }
  }
}

TEST_F(ClientsTest, EveryExampleReportsAWrongTokenByItsCode) {
  for (const Client& client : Clients()) {
    std::vector<std::string> args = client.args;
    args.insert(args.end(), {"--user=ada@acme.com", "--application=Payroll",
                             "--token=not-a-valid-token"});
    const ServerProcess::Exit got = ServerProcess::Run(client.binary, args);
    EXPECT_EQ(got.exit_code, 1) << client.language << "\n" << got.output;
    EXPECT_EQ(got.output,
              "error: CheckAccess: UNAUTHENTICATED: the bearer token is not "
              "valid for this server\nhint: pass the reader token with --token "
              "or $IDENTITYGRAPH_TOKEN\n")
        << client.language;
  }
}

TEST_F(ClientsTest, EveryExampleSaysWhereItFoundNoServer) {
  // A port nothing listens on: the server's own, once it has stopped.
  const std::string address = server_->address();
  // Our own channel closed first: the server waits (up to its shutdown grace)
  // for connected clients to go after its GOAWAY.
  config_.reset();
  scans_.reset();
  access_.reset();
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  for (const Client& client : Clients()) {
    std::vector<std::string> args = client.args;
    args.insert(args.end(), {"--user=ada@acme.com", "--application=Payroll",
                             "--address=" + address});
    const ServerProcess::Exit got = ServerProcess::Run(client.binary, args);
    EXPECT_EQ(got.exit_code, 1) << client.language << "\n" << got.output;
    EXPECT_THAT(got.output,
                ::testing::StartsWith("error: CheckAccess: UNAVAILABLE: "))
        << client.language;
    EXPECT_THAT(got.output,
                ::testing::EndsWith(absl::StrCat(
                    "\nhint: check that identitygraph-server runs at ", address,
                    " and has finished its first scan, then retry\n")))
        << client.language;
  }
}

}  // namespace
}  // namespace identitygraph
