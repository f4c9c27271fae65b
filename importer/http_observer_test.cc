#include "importer/http_observer.h"

#include <string>

#include "gtest/gtest.h"

namespace identitygraph::importer {
namespace {

struct TemplateCase {
  const char* url;
  const char* endpoint;
};

class EndpointTemplateTest : public ::testing::TestWithParam<TemplateCase> {};

TEST_P(EndpointTemplateTest, KeepsPathWordsAndHidesIds) {
  EXPECT_EQ(EndpointTemplate(GetParam().url), GetParam().endpoint);
}

INSTANTIATE_TEST_SUITE_P(
    Urls, EndpointTemplateTest,
    ::testing::Values(
        TemplateCase{"https://acme.us.auth0.com/oauth/token", "/oauth/token"},
        TemplateCase{"https://acme.us.auth0.com/api/v2/roles?per_page=100",
                     "/api/v2/roles"},
        TemplateCase{"https://acme.us.auth0.com/api/v2/roles/rol_1/users"
                     "?take=100&from=abc",
                     "/api/v2/roles/{id}/users"},
        TemplateCase{"https://acme.us.auth0.com/api/v2/organizations/org_1/"
                     "members?fields=user_id,roles",
                     "/api/v2/organizations/{id}/members"},
        TemplateCase{"https://acme.us.auth0.com/api/v2/jobs/users-exports",
                     "/api/v2/jobs/users-exports"},
        TemplateCase{"https://acme.us.auth0.com/api/v2/jobs/job_9",
                     "/api/v2/jobs/{id}"},
        // A user id that is a path word once encoded is still an id.
        TemplateCase{"https://t.auth0.com/api/v2/users/auth0%7Croles/roles",
                     "/api/v2/users/{id}/roles"},
        TemplateCase{"https://acme.us12.webtask.io/"
                     "adf6e2f2b84784b57522e3b19dfc9201/api/configuration/"
                     "export",
                     "/adf6e2f2b84784b57522e3b19dfc9201/api/configuration/"
                     "export"},
        TemplateCase{"https://acme.us12.webtask.io/"
                     "adf6e2f2b84784b57522e3b19dfc9201/api/groups#x",
                     "/adf6e2f2b84784b57522e3b19dfc9201/api/groups"},
        TemplateCase{"https://acme.us.auth0.com", "/"},
        TemplateCase{"https://acme.us.auth0.com/", "/"},
        TemplateCase{"https://t.auth0.com//api//v2/", "/api/v2"},
        TemplateCase{"https://t.auth0.com/a/b/c/d/e/f/g/h/i/j",
                     "/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/..."},
        TemplateCase{"not a url", "/{id}"}),
    [](const ::testing::TestParamInfo<TemplateCase>& info) {
      return std::to_string(info.index);
    });

}  // namespace
}  // namespace identitygraph::importer
