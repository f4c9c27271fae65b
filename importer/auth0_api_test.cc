#include "importer/auth0_api.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

using ::testing::HasSubstr;

TEST(UrlEncodeTest, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(UrlEncode("samlp|ken"), "samlp%7Cken");
  EXPECT_EQ(UrlEncode("identities.connection:\"okta saml\""),
            "identities.connection%3A%22okta%20saml%22");
  EXPECT_EQ(UrlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(UrlEncode("é"), "%C3%A9");
}

TEST(ErrorFromResponseTest, MapsEachAnswerToWhatToDo) {
  struct Case {
    long status;
    std::string body;
    absl::StatusCode code;
    std::string says;
  } cases[] = {
      {403,
       R"({"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: read:roles","errorCode":"insufficient_scope"})",
       absl::StatusCode::kPermissionDenied, "needs read:roles"},
      {404, R"({"statusCode":404,"message":"Role not found"})",
       absl::StatusCode::kNotFound, "deleted while the import ran"},
      {400,
       R"({"statusCode":400,"message":"You can only page through the first 1000 records","errorCode":"invalid_paging"})",
       absl::StatusCode::kInvalidArgument, "please report it"},
      {401, R"({"statusCode":401,"message":"Invalid token"})",
       absl::StatusCode::kUnauthenticated, "client id, secret"},
      {502, "<html>Bad gateway</html>", absl::StatusCode::kUnavailable,
       "<html>Bad gateway"},
  };
  for (const Case& c : cases) {
    HttpResponse response;
    response.status = c.status;
    response.body = c.body;
    absl::Status status = ErrorFromResponse(response, {"roles", "read:roles"});
    EXPECT_EQ(status.code(), c.code) << c.status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.says)) << c.status;
  }
}

TEST(ParseJsonTest, IgnoresUnknownFieldsAndRefusesWrongShapes) {
  wire::RolesPage page;
  ASSERT_TRUE(ParseJson(R"({"roles":[{"id":"rol_1","name":"A","x":{}}],
                            "total":1,"start":0,"extra":[1,2]})",
                        &page, "roles")
                  .ok());
  EXPECT_EQ(page.roles(0).id(), "rol_1");
  for (const char* bad :
       {"", "[", "not json", R"({"roles":"nope"})", R"({"total":"many"})"}) {
    absl::Status status = ParseJson(bad, &page, "a page of roles");
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << bad;
    EXPECT_THAT(std::string(status.message()), HasSubstr("a page of roles"));
  }
}

}  // namespace
}  // namespace identitygraph::importer
