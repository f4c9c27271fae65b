// Following changes against auth0-sim over HTTPS: a full import, changes made
// in the tenant, the log read from the checkpoint taken before the import,
// each event mapped and only the records it names read again; the patched
// graph must equal a full import of the changed tenant, vertex and edge.
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "gtest/gtest.h"
#include "importer/authorized_caller.h"
#include "importer/change_applier.h"
#include "importer/change_mapping.h"
#include "importer/graph_mapping.h"
#include "importer/import.h"
#include "importer/log_reader.h"
#include "importer/token_source.h"
#include "tests/import_oracle.h"
#include "tests/sim_instance.h"

namespace identitygraph::importer {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kDomain[] = "acme.us.auth0.com";
constexpr char kExtensionAudience[] = "urn:auth0-authz-api";
constexpr char kAudience[] = "https://acme.us.auth0.com/api/v2/";
constexpr char kExtensionUrl[] =
    "https://acme.us12.webtask.io/adf6e2f2b84784b57522e3b19dfc9201/api";

TenantConfig AcmeConfig() {
  TenantConfig config;
  config.domain = kDomain;
  config.client_id = "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6";
  config.client_secret = "acme-importer-secret-0123456789abcdef";
  config.connections = {"google-workforce"};
  config.connection_patterns = {"okta-.*"};
  config.include_organizations = true;
  config.login_reachability = true;
  config.extension.enabled = true;
  config.extension.api_url = kExtensionUrl;
  return config;
}

// Vertices and edges of the graph `data` maps to, as sorted lines.
std::set<std::string> GraphLines(const TenantData& data) {
  graph::GraphBuilder builder;
  MapToGraph(data, &builder);
  std::shared_ptr<const graph::Snapshot> snapshot =
      std::move(builder).Build(1, absl::Now());
  std::set<std::string> lines = SnapshotEdges(*snapshot);
  for (graph::VertexId v = 0; v < snapshot->vertex_count(); ++v) {
    lines.insert(absl::StrCat("vertex ", static_cast<int>(snapshot->kind(v)),
                              " ", snapshot->id(v), " ", snapshot->name(v), " ",
                              snapshot->email(v),
                              snapshot->blocked(v) ? " blocked" : ""));
  }
  return lines;
}

class ChangeFollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = SimInstance::Start(
        {absl::StrCat("--tenant_file=", AUTH0_SIM_DIR, "/fixtures/acme.json"),
         "--rate_burst=100000", "--rate_per_second=100000"});
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
    http_ = std::make_unique<HttpClient>(sim_->HttpOptions());
    tokens_ = std::make_unique<TokenSource>(
        http_.get(), ClientCredentials{kDomain, AcmeConfig().client_id,
                                       AcmeConfig().client_secret});
    caller_ = std::make_unique<AuthorizedCaller>(
        http_.get(), tokens_.get(), &limiter_, RetryPolicy(), &cancelled_);
    reader_ = std::make_unique<LogReader>(caller_.get(), kDomain, kAudience);
    // The checkpoint comes first: whatever happens after it is either in the
    // import or in the log after it.
    absl::StatusOr<std::string> newest = reader_->NewestLogId();
    ASSERT_TRUE(newest.ok()) << newest.status();
    checkpoint_ = *newest;
    data_ = FullImport();
  }

  TenantData FullImport() {
    ImportOptions options;
    options.http = sim_->HttpOptions();
    std::atomic<bool> cancelled{false};
    absl::StatusOr<ImportResult> result = Import(config_, options, cancelled);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? std::move(result->data) : TenantData();
  }

  // Reads the log from the checkpoint to its end into one change set.
  ChangeSet ReadLog() {
    ChangeSet changes;
    for (int pages = 0; pages < 100; ++pages) {
      absl::StatusOr<LogPage> page = reader_->After(checkpoint_);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok() || page->events.empty()) break;
      for (const wire::LogEvent& event : page->events)
        AddLogEvent(event, changes);
      checkpoint_ = page->next_from;
    }
    return changes;
  }

  // The extension writes no logs: it is polled.
  bool PollExtension() {
    absl::StatusOr<Token> token = tokens_->Get(kExtensionAudience);
    EXPECT_TRUE(token.ok()) << token.status();
    absl::StatusOr<bool> changed = RefreshExtension(
        {caller_.get(), kExtensionUrl, kExtensionAudience},
        token.ok() ? token->scopes : std::vector<std::string>{},
        &extension_seen_, data_);
    EXPECT_TRUE(changed.ok()) << changed.status();
    return changed.value_or(false);
  }

  // Makes `changes` in the tenant, follows them (the log, then a poll of the
  // extension), and checks the followed graph against a full import. Returns
  // the records read again.
  int64_t ChangeAndFollow(const Json& changes) {
    EXPECT_TRUE(sim_->Change(changes).ok());
    const int64_t before = caller_->requests();
    ChangeSet set = ReadLog();
    absl::StatusOr<AppliedChanges> applied = ApplyChangeSet(
        set, config_, ManagementApi{caller_.get(), kDomain}, data_);
    EXPECT_TRUE(applied.ok()) << applied.status();
    const int64_t log_requests = caller_->requests() - before;
    PollExtension();
    const std::set<std::string> followed = GraphLines(data_);
    const std::set<std::string> full = GraphLines(FullImport());
    EXPECT_TRUE(followed == full) << EdgeDifference(full, followed);
    requests_ += log_requests;
    return applied.ok() ? applied->records_read : -1;
  }

  TenantConfig config_ = AcmeConfig();
  std::unique_ptr<SimInstance> sim_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<TokenSource> tokens_;
  RateLimiter limiter_;
  std::atomic<bool> cancelled_{false};
  std::unique_ptr<AuthorizedCaller> caller_;
  std::unique_ptr<LogReader> reader_;
  std::string checkpoint_;
  TenantData data_;
  ExtensionFingerprints extension_seen_;
  int64_t requests_ = 0;
};

TEST_F(ChangeFollowTest, RoleAssignmentsFromEitherSide) {
  EXPECT_EQ(ChangeAndFollow({{"op", "assign_user_roles"},
                             {"user_id", "google-apps|grace"},
                             {"roles", {"rol_PayrollAdmin0001"}}}),
            1);
  ChangeAndFollow({{"op", "remove_user_roles"},
                   {"user_id", "google-apps|ada"},
                   {"roles", {"rol_PayrollAdmin0001"}}});
  ChangeAndFollow({{"op", "add_role_users"},
                   {"role_id", "rol_Support00000003"},
                   {"users", {"samlp|ken", "google-apps|alan"}}});
}

TEST_F(ChangeFollowTest, RolesCreatedRenamedWithPermissionsAndDeleted) {
  ChangeAndFollow(
      {{"changes",
        {{{"op", "create_role"},
          {"role", {{"id", "rol_New"}, {"name", "auditors"}}}},
         {{"op", "add_role_permissions"},
          {"role_id", "rol_New"},
          {"permissions",
           {{{"resource_server_identifier", "https://api.acme.com/payroll"},
             {"permission_name", "read:payslips"}}}}},
         {{"op", "add_role_users"},
          {"role_id", "rol_New"},
          {"users", {"google-apps|grace"}}}}}});
  ChangeAndFollow({{"op", "update_role"},
                   {"role_id", "rol_WikiEditor00002"},
                   {"set", {{"name", "wiki-owners"}}},
                   {"channel", "dashboard"}});
  ChangeAndFollow({{"op", "delete_role"}, {"role_id", "rol_PayrollAdmin0001"}});
}

// What a token carries changes with a role's permissions; a leaver is
// blocked before (or instead of) losing roles, and may come back.
TEST_F(ChangeFollowTest, PermissionsAndBlockedUsersAreFollowed) {
  const Json payroll = {
      {"resource_server_identifier", "https://api.acme.com/payroll"},
      {"permission_name", "run:payroll"}};
  EXPECT_EQ(ChangeAndFollow({{"op", "remove_role_permissions"},
                             {"role_id", "rol_PayrollAdmin0001"},
                             {"permissions", {payroll}}}),
            1);
  EXPECT_FALSE(GraphLines(data_).count(
      "role_permission rol_PayrollAdmin0001 -> https://api.acme.com/payroll "
      "run:payroll"));
  ChangeAndFollow({{"op", "add_role_permissions"},
                   {"role_id", "rol_WikiEditor00002"},
                   {"permissions", {payroll}}});
  EXPECT_TRUE(GraphLines(data_).count(
      "role_permission rol_WikiEditor00002 -> https://api.acme.com/payroll "
      "run:payroll"));
  EXPECT_EQ(ChangeAndFollow({{"op", "update_user"},
                             {"user_id", "google-apps|ada"},
                             {"set", {{"blocked", true}}}}),
            1);
  EXPECT_TRUE(GraphLines(data_).count(
      "vertex 0 google-apps|ada Ada Lovelace ada@acme.com blocked"));
  ChangeAndFollow({{"op", "update_user"},
                   {"user_id", "google-apps|linus"},
                   {"set", {{"blocked", false}}},
                   {"channel", "dashboard"}});
  EXPECT_FALSE(GraphLines(data_).count(
      "vertex 0 google-apps|linus Linus Torvalds linus@acme.com blocked"));
}

// With the import option on, a user's direct permissions are read again
// when the log says they changed, and only the direct ones stay on the user.
TEST_F(ChangeFollowTest, DirectUserPermissionsAreFollowed) {
  config_.user_permissions = true;
  data_ = FullImport();
  ASSERT_TRUE(data_.sources.user_permissions);
  const std::string approve =
      "user_permission google-apps|ada -> https://api.acme.com/payroll "
      "approve:payroll";
  EXPECT_EQ(
      ChangeAndFollow(
          {{"op", "assign_user_permissions"},
           {"user_id", "google-apps|ada"},
           {"permissions",
            {{{"resource_server_identifier", "https://api.acme.com/payroll"},
              {"permission_name", "approve:payroll"}}}}}),
      1);
  EXPECT_TRUE(GraphLines(data_).count(approve));
  // Grace keeps run:payroll through Payroll Admin, not directly.
  ChangeAndFollow(
      {{"op", "remove_user_permissions"},
       {"user_id", "google-apps|grace"},
       {"channel", "dashboard"},
       {"permissions",
        {{{"resource_server_identifier", "https://api.acme.com/payroll"},
          {"permission_name", "run:payroll"}}}}});
  EXPECT_FALSE(GraphLines(data_).count(
      "user_permission google-apps|grace -> https://api.acme.com/payroll "
      "run:payroll"));
  // A deleted user takes hers along; a created one is read with them.
  ChangeAndFollow({{"op", "delete_user"}, {"user_id", "google-apps|alan"}});
  EXPECT_EQ(ChangeAndFollow(
                {{"op", "create_user"},
                 {"user",
                  {{"user_id", "samlp|new-hire"},
                   {"name", "New Hire"},
                   {"identities",
                    {{{"connection", "okta-saml"}, {"user_id", "n"}}}}}}}),
            3);  // the user, the user's roles, the user's permissions
}

TEST_F(ChangeFollowTest, UsersCreatedRenamedAndDeleted) {
  const Json okta_user = {{"user_id", "samlp|new-hire"},
                          {"email", "new.hire@acme.example"},
                          {"name", "New Hire"},
                          {"identities",
                           {{{"connection", "okta-saml"},
                             {"provider", "samlp"},
                             {"user_id", "n"}}}}};
  // A first login through an enterprise connection writes only an `s` event.
  ChangeAndFollow(
      {{"op", "create_user"}, {"via", "login"}, {"user", okta_user}});
  ChangeAndFollow({{"op", "update_user"},
                   {"user_id", "google-apps|grace"},
                   {"set", {{"name", "Grace B. Hopper"}}}});
  ChangeAndFollow({{"op", "delete_user"}, {"user_id", "google-apps|ada"}});
  // A customer signing up is read once and stays out of the graph.
  ChangeAndFollow({{"op", "create_user"},
                   {"via", "signup"},
                   {"user",
                    {{"user_id", "auth0|customer-9"},
                     {"identities", {{{"connection", "customers"}}}}}}});
}

TEST_F(ChangeFollowTest, ApplicationsCreatedRenamedAndDeleted) {
  ChangeAndFollow({{"op", "create_client"},
                   {"client", {{"client_id", "NEWAPP"}, {"name", "Travel"}}}});
  ChangeAndFollow({{"op", "update_client"},
                   {"client_id", "WIKIxxxxxxxxxxxxxxxxxxxxxxxxxxx2"},
                   {"set", {{"name", "Handbook"}}}});
  ChangeAndFollow({{"op", "delete_client"},
                   {"client_id", "EXPENSESxxxxxxxxxxxxxxxxxxxxxxx3"}});
}

TEST_F(ChangeFollowTest, ABurstIsReadOncePerRecordAmongNoise) {
  Json burst = Json::array();
  for (int i = 0; i < 10; ++i) {
    burst.push_back(
        {{"op", i % 2 == 0 ? "assign_user_roles" : "remove_user_roles"},
         {"user_id", "google-apps|alan"},
         {"roles", {"rol_Support00000003"}}});
  }
  // Noise: a customer's login (not a selected connection) and a failed one,
  // and a login of a user the graph has: none reads anything.
  ASSERT_TRUE(sim_->Change({{"op", "log_event"},
                            {"event",
                             {{"type", "s"},
                              {"user_id", "auth0|customer-new"},
                              {"connection", "customers"},
                              {"connection_id", "con_Customers0000003"}}}})
                  .ok());
  for (const char* type : {"f", "s"}) {
    ASSERT_TRUE(
        sim_->Change(
                {{"op", "log_event"},
                 {"event", {{"type", type}, {"user_id", "google-apps|linus"}}}})
            .ok());
  }
  EXPECT_EQ(ChangeAndFollow({{"changes", burst}}), 1);
  // One log page and one read; the full import's own requests are not
  // counted (they go through its own caller).
  EXPECT_LE(requests_, 3);
}

TEST_F(ChangeFollowTest, OrganizationsNativeGroupsAndConnectionClients) {
  ChangeAndFollow({{"op", "add_organization_members"},
                   {"organization_id", "org_AcmePartners001"},
                   {"members", {"google-apps|grace"}}});
  ChangeAndFollow({{"op", "assign_organization_member_roles"},
                   {"organization_id", "org_AcmePartners001"},
                   {"user_id", "google-apps|grace"},
                   {"roles", {"rol_WikiEditor00002"}}});
  ChangeAndFollow({{"op", "remove_organization_members"},
                   {"organization_id", "org_AcmePartners001"},
                   {"members", {"google-apps|ada"}}});
  ChangeAndFollow({{"op", "add_group_members"},
                   {"group_id", "grp_ScimOnCall000002"},
                   {"users", {"samlp|ken"}}});
  ChangeAndFollow({{"op", "remove_group_members"},
                   {"group_id", "grp_ScimEngineering01"},
                   {"users", {"samlp|barbara"}}});
  ChangeAndFollow({{"op", "update_connection_clients"},
                   {"connection_id", "con_OktaSaml00000002"},
                   {"enable", {"PAYROLLxxxxxxxxxxxxxxxxxxxxxxxx1"}},
                   {"disable", {"WIKIxxxxxxxxxxxxxxxxxxxxxxxxxxx2"}}});
  // A new connection that the selection does not take: nothing to read.
  ChangeAndFollow(
      {{"op", "log_event"},
       {"event",
        {{"type", "sapi"},
         {"details",
          {{"request", {{"method", "post"}, {"path", "/api/v2/connections"}}},
           {"response", {{"statusCode", 201}}}}}}}});
}

TEST_F(ChangeFollowTest, ExtensionChangesAreFoundByPollingIt) {
  EXPECT_FALSE(PollExtension());
  ChangeAndFollow({{"op", "extension_put"},
                   {"kind", "groups"},
                   {"record",
                    {{"_id", "ext-grp-new"},
                     {"name", "Auditors"},
                     {"members", {"samlp|ken", "google-apps|linus"}}}}});
  EXPECT_FALSE(PollExtension());  // nothing changed since
}

TEST_F(ChangeFollowTest, AnUnchangedExtensionIsNotParsedAgain) {
  // Both ways of reading it: one export, or /groups and /roles.
  const std::vector<std::vector<std::string>> ways = {
      {"read:configuration"}, {"read:groups", "read:roles"}};
  int round = 0;
  for (const std::vector<std::string>& scopes : ways) {
    SCOPED_TRACE(scopes[0]);
    const ExtensionApi api{caller_.get(), kExtensionUrl, kExtensionAudience};
    ExtensionFingerprints seen;
    absl::StatusOr<std::optional<ExtensionData>> first =
        FetchExtensionIfChanged(api, scopes, &seen);
    ASSERT_TRUE(first.ok()) << first.status();
    ASSERT_TRUE(first->has_value());
    absl::StatusOr<std::optional<ExtensionData>> again =
        FetchExtensionIfChanged(api, scopes, &seen);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_FALSE(again->has_value());
    // A change to the roles alone: the whole extension comes back, its
    // unchanged groups read again to be parsed.
    ASSERT_TRUE(sim_->Change({{"op", "extension_put"},
                              {"kind", "roles"},
                              {"record",
                               {{"_id", absl::StrCat("ext-role-new-", round++)},
                                {"name", "Auditors"},
                                {"users", {"samlp|ken"}}}}})
                    .ok());
    absl::StatusOr<std::optional<ExtensionData>> changed =
        FetchExtensionIfChanged(api, scopes, &seen);
    ASSERT_TRUE(changed.ok()) << changed.status();
    ASSERT_TRUE(changed->has_value());
    EXPECT_EQ((*changed)->groups, (*first)->groups);
    EXPECT_EQ((*changed)->roles.size(), (*first)->roles.size() + 1);
    EXPECT_EQ((*changed)->role_users.size(), (*first)->role_users.size() + 1);
  }
}

TEST_F(ChangeFollowTest, APollThatFailsHalfwayForgetsWhatItRead) {
  const ExtensionApi api{caller_.get(), kExtensionUrl, kExtensionAudience};
  const std::vector<std::string> scopes = {"read:groups", "read:roles"};
  ExtensionFingerprints seen;
  ASSERT_TRUE(FetchExtensionIfChanged(api, scopes, &seen).ok());
  ASSERT_TRUE(sim_->Change({{"op", "extension_put"},
                            {"kind", "groups"},
                            {"record",
                             {{"_id", "ext-grp-halfway"},
                              {"name", "Halfway"},
                              {"members", {"samlp|ken"}}}}})
                  .ok());
  // The new groups are read, then /roles answers garbage every time.
  const std::string roles_path = absl::StrCat(
      absl::StripPrefix(kExtensionUrl, "https://acme.us12.webtask.io"),
      "/roles");
  ASSERT_TRUE(
      sim_->SetFaults(absl::StrCat("malformed:fraction=1,path=", roles_path))
          .ok());
  EXPECT_FALSE(FetchExtensionIfChanged(api, scopes, &seen).ok());
  ASSERT_TRUE(sim_->ClearFaults().ok());
  // The groups' change is still news to the next poll.
  absl::StatusOr<std::optional<ExtensionData>> next =
      FetchExtensionIfChanged(api, scopes, &seen);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE(next->has_value());
  bool found = false;
  for (const TenantRecord& group : (*next)->groups) {
    found = found || group.id == "ext-grp-halfway";
  }
  EXPECT_TRUE(found);
}

TEST_F(ChangeFollowTest, WhatOnlyAFullScanCoversSaysWhy) {
  ASSERT_TRUE(sim_->Change({{"op", "log_event"},
                            {"event",
                             {{"type", "sapi"},
                              {"details",
                               {{"request",
                                 {{"method", "post"},
                                  {"path", "/api/v2/jobs/users-imports"}}}}}}}})
                  .ok());
  absl::StatusOr<AppliedChanges> applied = ApplyChangeSet(
      ReadLog(), AcmeConfig(), ManagementApi{caller_.get(), kDomain}, data_);
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(applied.status().message(),
              HasSubstr("every user must be read again, which only a full "
                        "scan does"));
}

}  // namespace
}  // namespace identitygraph::importer
