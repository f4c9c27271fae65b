#include "importer/change_mapping.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace identitygraph::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

wire::LogEvent Event(const std::string& json) {
  wire::LogEvent event;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(json, &event, options).ok())
      << json;
  return event;
}

// A sapi event as Auth0 writes it.
std::string Sapi(const std::string& method, const std::string& path,
                 const std::string& response_body = "null") {
  return absl::StrCat(
      R"({"log_id": "90020", "type": "sapi", "description": "x",
          "details": {"request": {"method": ")",
      method, R"(", "path": ")", path,
      R"(", "query": {}, "body": [{"a": 1}], "channel": "api"},
          "response": {"statusCode": 200, "body": )",
      response_body, "}}}");
}

// The change set as sorted lines, for comparing.
std::vector<std::string> Lines(const ChangeSet& changes) {
  std::vector<std::string> out;
  for (const RecordRef& ref : changes.reads) {
    out.push_back(absl::StrCat("read ", RecordKindName(ref.kind), " ", ref.id,
                               ref.member.empty() ? "" : "/", ref.member));
  }
  for (RecordKind kind : changes.every_record_of)
    out.push_back(absl::StrCat("every ", RecordKindName(kind)));
  for (const auto& [user, connection] : changes.logged_in)
    out.push_back(absl::StrCat("login ", user, " via ", connection));
  if (!changes.full_scan_reason.empty()) out.push_back("full scan");
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Map(const std::string& json) {
  ChangeSet changes;
  AddLogEvent(Event(json), changes);
  return Lines(changes);
}

TEST(ChangeMappingTest, EachChangeReadsTheRecordsItTouches) {
  struct Case {
    std::string event;
    std::vector<std::string> lines;
  };
  const std::vector<Case> cases = {
      {Sapi("post", "/api/v2/users/okta%7Cada/roles"),
       {"read user's roles okta|ada"}},
      {Sapi("delete", "/api/v2/users/okta%7Cada/roles"),
       {"read user's roles okta|ada"}},
      {Sapi("post", "/api/v2/users/okta%7Cada/permissions"),
       {"read user's direct permissions okta|ada"}},
      {Sapi("delete", "/api/v2/users/okta%7Cada/permissions"),
       {"read user's direct permissions okta|ada"}},
      {Sapi("patch", "/api/v2/users/okta%7Cada"), {"read user okta|ada"}},
      {Sapi("delete", "/api/v2/users/okta%7Cada"), {"read user okta|ada"}},
      {Sapi("post", "/api/v2/users", R"({"user_id": "auth0|9"})"),
       {"read user auth0|9", "read user's direct permissions auth0|9",
        "read user's roles auth0|9"}},
      {Sapi("POST", "/api/v2/users"), {"every user"}},
      {Sapi("post", "/api/v2/roles/rol_1/users"),
       {"read role's members rol_1"}},
      {Sapi("post", "/api/v2/roles/rol_1/permissions"),
       {"read role's permissions rol_1"}},
      {Sapi("patch", "/api/v2/roles/rol_1"), {"read role rol_1"}},
      {Sapi("delete", "/api/v2/roles/rol_1"),
       {"read role rol_1", "read role's members rol_1",
        "read role's permissions rol_1"}},
      {Sapi("post", "/api/v2/roles", R"({"id": "rol_2", "name": "x"})"),
       {"read role rol_2"}},
      {Sapi("post", "/api/v2/clients", R"({"client_id": "APP9"})"),
       {"read application APP9"}},
      {Sapi("delete", "/api/v2/clients/APP1"), {"read application APP1"}},
      {Sapi("patch", "/api/v2/connections/con_1/clients"),
       {"read connection's applications con_1"}},
      {Sapi("patch", "/api/v2/connections/con_1"),
       {"read connection con_1", "read connection's applications con_1"}},
      {Sapi("delete", "/api/v2/connections/con_1"),
       {"every user", "read connection con_1"}},
      {Sapi("post", "/api/v2/connections"), {"every connection"}},
      {Sapi("post", "/api/v2/organizations/org_1/members"),
       {"read organization's members org_1"}},
      {Sapi("delete", "/api/v2/organizations/org_1/members/okta%7Cada/roles"),
       {"read organization member's roles org_1/okta|ada"}},
      {Sapi("post", "/api/v2/groups/grp_1/members"),
       {"read native group's members grp_1"}},
      {Sapi("patch", "/api/v2/resource-servers/rs_1"), {"every API"}},
      {Sapi("post", "/api/v2/jobs/users-imports"), {"every user"}},
      {R"({"log_id": "1", "type": "s", "user_id": "okta|new",
           "connection": "okta", "connection_id": "con_1"})",
       {"login okta|new via con_1"}},
      {R"({"log_id": "1", "type": "s", "user_id": "okta|new",
           "connection": "okta"})",
       {"login okta|new via okta"}},
      {R"({"log_id": "1", "type": "ss", "user_id": "auth0|new"})",
       {"read user auth0|new"}},
      {R"({"log_id": "1", "type": "sdu", "user_id": "auth0|gone"})",
       {"read user auth0|gone"}},
      {R"({"log_id": "1", "type": "sui", "connection_id": "con_1"})",
       {"every user"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.event);
    EXPECT_THAT(Map(c.event), ElementsAreArray(c.lines));
  }
}

TEST(ChangeMappingTest, NoiseChangesNothing) {
  for (const std::string& event :
       {std::string(R"({"log_id": "1", "type": "f", "user_id": "okta|ada"})"),
        std::string(R"({"log_id": "1", "type": "seccft", "client_id": "X"})"),
        std::string(R"({"log_id": "1", "type": "fp"})"),
        std::string(R"({"log_id": "1", "type": "mgmt_api_read"})"),
        std::string(R"({"log_id": "1", "type": "api_limit"})"),
        Sapi("patch", "/api/v2/tenants/settings"),
        Sapi("post", "/api/v2/client-grants"),
        Sapi("post", "/api/v2/jobs/users-exports"),
        Sapi("delete", "/api/v2/logs")}) {
    SCOPED_TRACE(event);
    ChangeSet changes;
    AddLogEvent(Event(event), changes);
    EXPECT_TRUE(changes.empty());
    EXPECT_EQ(changes.noise, 1);
    EXPECT_EQ(changes.relevant, 0);
  }
}

TEST(ChangeMappingTest, WhatCannotBePlacedAsksForAFullScanSayingWhy) {
  for (const auto& [event, why] :
       std::vector<std::pair<std::string, std::string>>{
           {Sapi("post", "/api/v2/brand-new-thing/1"), "does not know"},
           {Sapi("post", "/oauth/revoke"), "not a Management API path"},
           {Sapi("post", "/api/v2/users/bad%zzencoding"),
            "not a Management API path"},
           {R"({"log_id": "77", "type": "sapi", "details": {}})",
            "without details.request.path"}}) {
    SCOPED_TRACE(event);
    ChangeSet changes;
    AddLogEvent(Event(event), changes);
    EXPECT_THAT(changes.full_scan_reason, HasSubstr(why));
    EXPECT_THAT(changes.full_scan_reason, HasSubstr("log event "));
  }
}

TEST(ChangeMappingTest, ABurstCoalescesIntoOneReadPerRecord) {
  ChangeSet changes;
  for (int i = 0; i < 10; ++i) {
    AddLogEvent(Event(Sapi("patch", "/api/v2/roles/rol_1")), changes);
    AddLogEvent(Event(R"({"log_id": "1", "type": "f"})"), changes);
  }
  AddLogEvent(Event(Sapi("post", "/api/v2/jobs/users-imports")), changes);
  EXPECT_THAT(Lines(changes), ElementsAre("every user", "read role rol_1"));
  EXPECT_EQ(changes.events, 21);
  EXPECT_EQ(changes.relevant, 11);
  EXPECT_EQ(changes.noise, 10);
  ASSERT_EQ(changes.imprecise.size(), 1u);
  EXPECT_THAT(changes.imprecise[0],
              HasSubstr("post /api/v2/jobs/users-imports): every user is read "
                        "again"));
}

TEST(ManagementPathSegmentsTest, DecodesAndRefuses) {
  EXPECT_THAT(ManagementPathSegments("/api/v2/users/auth0%7C1/roles?x=1"),
              ElementsAre("users", "auth0|1", "roles"));
  EXPECT_THAT(ManagementPathSegments("/api/v2/users/a%2Fb"),
              ElementsAre("users", "a/b"));
  EXPECT_THAT(ManagementPathSegments("/api/v1/users"), IsEmpty());
  EXPECT_THAT(ManagementPathSegments("/api/v2/users/%4"), IsEmpty());
  EXPECT_THAT(ManagementPathSegments("/api/v2//roles/"), ElementsAre("roles"));
}

}  // namespace
}  // namespace identitygraph::importer
