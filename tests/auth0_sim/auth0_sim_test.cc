// Contract tests of auth0-sim over real HTTPS: a real auth0-sim process,
// libcurl with the tenant's real host names, TLS verified against the test CA,
// connect-to routing.
#include <curl/curl.h>
#include <signal.h>
#include <zlib.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "re2/re2.h"
#include "tests/server_process.h"
#include "tests/test_temp_dir.h"

namespace identitygraph::sim {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kDomain[] = "acme.us.auth0.com";
constexpr char kExtensionHost[] = "acme.us12.webtask.io";
constexpr char kExtensionPrefix[] = "/adf6e2f2b84784b57522e3b19dfc9201/api";
constexpr char kImporterId[] = "IMPORTERxxxxxxxxxxxxxxxxxxxxxxx6";
constexpr char kImporterSecret[] = "acme-importer-secret-0123456789abcdef";
constexpr char kExportDownloadPrefixForTest[] = "/__sim_exports/";

struct HttpResult {
  CURLcode transfer = CURLE_OK;
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names
  Json json() const { return Json::parse(body, nullptr, false); }
};

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* out) {
  std::string line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = absl::AsciiStrToLower(line.substr(0, colon));
    (*static_cast<std::map<std::string, std::string>*>(out))[name] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * count;
}

// One simulator process per test suite; each test talks to it through libcurl.
class Auth0SimTest : public ::testing::Test {
 protected:
  static void StartSimulator(const std::vector<std::string>& extra_flags,
                             const std::string& tenant_flag =
                                 absl::StrCat("--tenant_file=", AUTH0_SIM_DIR,
                                              "/fixtures/acme.json")) {
    dir_ = new TestTempDir();
    std::string make_ca = absl::StrCat(AUTH0_SIM_DIR, "/make_test_ca.sh ",
                                       dir_->path(), " >/dev/null");
    ASSERT_EQ(std::system(make_ca.c_str()), 0);
    std::vector<std::string> flags = {
        "--listen=127.0.0.1:0",
        absl::StrCat("--cert_file=", dir_->File("server.pem")),
        absl::StrCat("--key_file=", dir_->File("server.key")), tenant_flag};
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    auto process = ServerProcess::Start(AUTH0_SIM_BINARY, flags);
    ASSERT_TRUE(process.ok()) << process.status();
    process_ = process->release();
  }

  static void TearDownTestSuite() {
    if (process_ != nullptr) {
      EXPECT_EQ(process_->Stop(SIGTERM), 0) << process_->output();
      delete process_;
      process_ = nullptr;
    }
    delete dir_;
    dir_ = nullptr;
  }

  // A request to https://HOST/PATH, sent to the simulator by connect-to.
  static HttpResult Fetch(
      const std::string& host, const std::string& path,
      const std::string& token = "", const std::string& post_body = "",
      const std::string& content_type = "application/json") {
    HttpResult result =
        FetchRaw(host, path, token, post_body, content_type, 30);
    EXPECT_EQ(result.transfer, CURLE_OK)
        << host << path << ": " << curl_easy_strerror(result.transfer);
    return result;
  }

  // As Fetch, but reports a failed transfer in `transfer` instead of failing
  // the test.
  static HttpResult FetchRaw(const std::string& host, const std::string& path,
                             const std::string& token,
                             const std::string& post_body,
                             const std::string& content_type,
                             long timeout_seconds,
                             const std::string& method = "") {
    HttpResult result;
    CURL* curl = curl_easy_init();
    const std::string url = absl::StrCat("https://", host, path);
    const std::string connect_to = absl::StrCat("::", process_->address());
    curl_slist* connect = curl_slist_append(nullptr, connect_to.c_str());
    curl_slist* headers = nullptr;
    if (!token.empty()) {
      headers = curl_slist_append(
          headers, absl::StrCat("Authorization: Bearer ", token).c_str());
    }
    if (!post_body.empty()) {
      headers = curl_slist_append(
          headers, absl::StrCat("Content-Type: ", content_type).c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body.c_str());
    }
    const std::string ca = dir_->File("ca.pem");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    if (!method.empty())
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect);
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
    result.transfer = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
    curl_slist_free_all(headers);
    curl_slist_free_all(connect);
    curl_easy_cleanup(curl);
    return result;
  }

  static HttpResult RequestToken(const std::string& client_id,
                                 const std::string& secret,
                                 const std::string& audience) {
    Json body = {{"grant_type", "client_credentials"},
                 {"client_id", client_id},
                 {"client_secret", secret},
                 {"audience", audience}};
    return Fetch(kDomain, "/oauth/token", "", body.dump());
  }

  static std::string Token(const std::string& audience) {
    HttpResult result = RequestToken(kImporterId, kImporterSecret, audience);
    EXPECT_EQ(result.status, 200) << result.body;
    return result.json().value("access_token", "");
  }

  static std::string ManagementToken() {
    return Token(absl::StrCat("https://", kDomain, "/api/v2/"));
  }

  static TestTempDir* dir_;
  static ServerProcess* process_;
};

TestTempDir* Auth0SimTest::dir_ = nullptr;
ServerProcess* Auth0SimTest::process_ = nullptr;

class Auth0SimContractTest : public Auth0SimTest {
 protected:
  static void SetUpTestSuite() {
    StartSimulator({"--rate_burst=1000", "--rate_per_second=1000"});
  }
};

TEST_F(Auth0SimContractTest, TokenIsAJwtWithAuth0sClaims) {
  const std::string audience = absl::StrCat("https://", kDomain, "/api/v2/");
  HttpResult result = RequestToken(kImporterId, kImporterSecret, audience);
  ASSERT_EQ(result.status, 200) << result.body;
  Json body = result.json();
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["expires_in"], 86400);
  EXPECT_THAT(body["scope"].get<std::string>(),
              HasSubstr("read:users read:roles"));
  std::vector<std::string> parts =
      absl::StrSplit(body["access_token"].get<std::string>(), '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  Json claims = Json::parse(payload, nullptr, false);
  EXPECT_EQ(claims["iss"], absl::StrCat("https://", kDomain, "/"));
  EXPECT_EQ(claims["sub"], absl::StrCat(kImporterId, "@clients"));
  EXPECT_EQ(claims["aud"], audience);
  EXPECT_EQ(claims["gty"], "client-credentials");
  EXPECT_EQ(claims["scope"], body["scope"]);
}

TEST_F(Auth0SimContractTest, TokenEndpointAcceptsTheFormEncoding) {
  HttpResult result = Fetch(
      kDomain, "/oauth/token", "",
      absl::StrCat("grant_type=client_credentials&client_id=", kImporterId,
                   "&client_secret=", kImporterSecret,
                   "&audience=https%3A%2F%2F", kDomain, "%2Fapi%2Fv2%2F"),
      "application/x-www-form-urlencoded");
  EXPECT_EQ(result.status, 200) << result.body;
}

TEST_F(Auth0SimContractTest, TokenErrorsHaveAuth0sShapes) {
  const std::string audience = absl::StrCat("https://", kDomain, "/api/v2/");
  struct Case {
    std::string client_id, secret, audience;
    long status;
    std::string error, description;
  };
  for (const Case& c : std::vector<Case>{
           {kImporterId, "wrong-secret", audience, 401, "access_denied",
            "Unauthorized"},
           {"unknown-client", "x", audience, 401, "access_denied",
            "Unauthorized"},
           {"NOGRANTxxxxxxxxxxxxxxxxxxxxxxxx8",
            "acme-nogrant-secret-0123456789abcdef", audience, 403,
            "access_denied", "You need to create a \"client-grant\""},
           {kImporterId, kImporterSecret, "https://api.unknown.example/", 403,
            "access_denied", "Service not enabled within domain"},
           {"NOCCxxxxxxxxxxxxxxxxxxxxxxxxxxx9",
            "acme-nocc-secret-0123456789abcdef", audience, 403,
            "unauthorized_client",
            "Grant type 'client_credentials' not allowed"}}) {
    HttpResult result = RequestToken(c.client_id, c.secret, c.audience);
    EXPECT_EQ(result.status, c.status) << c.client_id << ": " << result.body;
    EXPECT_EQ(result.json().value("error", ""), c.error) << result.body;
    EXPECT_THAT(result.json().value("error_description", ""),
                HasSubstr(c.description));
  }
}

TEST_F(Auth0SimContractTest, ManagementApiChecksTokenAudienceAndScopes) {
  HttpResult missing = Fetch(kDomain, "/api/v2/users");
  EXPECT_EQ(missing.status, 401);

  HttpResult invalid = Fetch(kDomain, "/api/v2/users", "not-a-token");
  EXPECT_EQ(invalid.status, 401);
  EXPECT_EQ(invalid.json()["message"], "Invalid token");

  HttpResult wrong_audience =
      Fetch(kDomain, "/api/v2/users", Token("urn:auth0-authz-api"));
  EXPECT_EQ(wrong_audience.status, 401) << wrong_audience.body;

  HttpResult limited =
      RequestToken("LIMITEDxxxxxxxxxxxxxxxxxxxxxxxx7",
                   "acme-limited-secret-0123456789abcdef",
                   absl::StrCat("https://", kDomain, "/api/v2/"));
  ASSERT_EQ(limited.status, 200);
  const std::string limited_token = limited.json()["access_token"];
  EXPECT_EQ(Fetch(kDomain, "/api/v2/users", limited_token).status, 200);
  HttpResult roles = Fetch(kDomain, "/api/v2/roles", limited_token);
  EXPECT_EQ(roles.status, 403);
  EXPECT_EQ(roles.json()["errorCode"], "insufficient_scope");
  EXPECT_EQ(roles.json()["message"],
            "Insufficient scope, expected any of: read:roles");
  HttpResult role_users =
      Fetch(kDomain, "/api/v2/roles/rol_PayrollAdmin0001/users", limited_token);
  EXPECT_EQ(role_users.status, 403);
  EXPECT_THAT(role_users.json()["message"].get<std::string>(),
              HasSubstr("expected all of: read:users, read:roles"));
}

TEST_F(Auth0SimContractTest, UsersSearchShapesFiltersAndTheThousandCap) {
  const std::string token = ManagementToken();
  HttpResult all = Fetch(kDomain, "/api/v2/users?per_page=100&page=1", token);
  ASSERT_EQ(all.status, 200);
  ASSERT_TRUE(all.json().is_array());
  EXPECT_EQ(all.json().size(), 58u);  // 8 employees and 150 customers

  HttpResult workforce = Fetch(
      kDomain,
      "/api/v2/users?include_totals=true&search_engine=v3&per_page=2&page=1&"
      "q=identities.connection%3A%22google-workforce%22&sort=created_at%3A1",
      token);
  ASSERT_EQ(workforce.status, 200) << workforce.body;
  Json body = workforce.json();
  EXPECT_EQ(body["total"], 5);
  EXPECT_EQ(body["start"], 2);
  EXPECT_EQ(body["limit"], 2);
  EXPECT_EQ(body["length"], 2);
  ASSERT_EQ(body["users"].size(), 2u);
  EXPECT_LE(body["users"][0]["created_at"].get<std::string>(),
            body["users"][1]["created_at"].get<std::string>());

  HttpResult window = Fetch(
      kDomain,
      "/api/v2/"
      "users?include_totals=true&q=created_at%3A%5B2025-01-01%20TO%20*%5D",
      token);
  ASSERT_EQ(window.status, 200) << window.body;
  EXPECT_EQ(window.json()["total"], 150);  // the customers, created in 2025

  HttpResult capped =
      Fetch(kDomain, "/api/v2/users?per_page=100&page=10", token);
  EXPECT_EQ(capped.status, 400);
  EXPECT_EQ(capped.json()["errorCode"], "invalid_paging");
  EXPECT_THAT(capped.json()["message"].get<std::string>(),
              HasSubstr("You can only page through the first 1000 records"));

  HttpResult too_big = Fetch(kDomain, "/api/v2/users?per_page=1000", token);
  EXPECT_EQ(too_big.status, 400);
  EXPECT_THAT(too_big.json()["message"].get<std::string>(),
              HasSubstr("Value 1000 is greater than maximum 100"));

  EXPECT_EQ(Fetch(kDomain, "/api/v2/users?q=email%3Aada*", token).status, 400);
}

// Follows checkpoint paging from the first page to the last, `take` at a time.
std::vector<Json> ReadAllCheckpoints(
    const std::string& path, const std::string& key, const std::string& token,
    int take,
    HttpResult (*fetch)(const std::string&, const std::string&,
                        const std::string&, const std::string&,
                        const std::string&)) {
  std::vector<Json> items;
  std::string from;
  for (int guard = 0; guard < 1000; ++guard) {
    std::string url =
        absl::StrCat(path, "?take=", take, from.empty() ? "" : "&from=", from);
    HttpResult page = fetch(kDomain, url, token, "", "application/json");
    EXPECT_EQ(page.status, 200) << page.body;
    Json body = page.json();
    for (const Json& item : body[key]) items.push_back(item);
    if (!body.contains("next")) break;
    from = body["next"].get<std::string>();
  }
  return items;
}

TEST_F(Auth0SimContractTest, CheckpointPagingReachesTheEnd) {
  const std::string token = ManagementToken();
  std::vector<Json> members = ReadAllCheckpoints(
      "/api/v2/roles/rol_WikiEditor00002/users", "users", token, 1, Fetch);
  std::set<std::string> ids;
  for (const Json& member : members)
    ids.insert(member["user_id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"samlp|barbara", "samlp|ken",
                                        "google-apps|alan"}));

  EXPECT_EQ(
      ReadAllCheckpoints("/api/v2/connections", "connections", token, 2, Fetch)
          .size(),
      3u);
  std::vector<Json> enabled =
      ReadAllCheckpoints("/api/v2/connections/con_GoogleWork0000001/clients",
                         "clients", token, 3, Fetch);
  EXPECT_EQ(enabled.size(), 4u);

  HttpResult bad_cursor =
      Fetch(kDomain, "/api/v2/connections?take=2&from=garbage", token);
  EXPECT_EQ(bad_cursor.status, 400);
  HttpResult offset_past_cap =
      Fetch(kDomain, "/api/v2/connections?per_page=100&page=10", token);
  EXPECT_EQ(offset_past_cap.status, 400);
  EXPECT_THAT(offset_past_cap.json()["message"].get<std::string>(),
              HasSubstr("use the checkpoint pagination method"));
}

TEST_F(Auth0SimContractTest, RolesClientsConnectionsAndApisHaveAuth0sShapes) {
  const std::string token = ManagementToken();
  HttpResult roles = Fetch(kDomain, "/api/v2/roles?include_totals=true", token);
  ASSERT_EQ(roles.status, 200);
  EXPECT_EQ(roles.json()["total"], 3);
  EXPECT_TRUE(roles.json()["roles"][0].contains("id"));

  HttpResult user_roles =
      Fetch(kDomain, "/api/v2/users/google-apps%7Cada/roles", token);
  ASSERT_EQ(user_roles.status, 200) << user_roles.body;
  ASSERT_EQ(user_roles.json().size(), 1u);
  EXPECT_EQ(user_roles.json()[0]["name"], "Payroll Admin");

  HttpResult permissions = Fetch(
      kDomain,
      "/api/v2/roles/rol_PayrollAdmin0001/permissions?include_totals=true",
      token);
  ASSERT_EQ(permissions.status, 200);
  EXPECT_EQ(permissions.json()["permissions"][0]["permission_name"],
            "run:payroll");

  // A user's permissions: the direct ones and those of her own roles, each
  // once with where it comes from; the fixture's field is not in her record.
  HttpResult grace = Fetch(
      kDomain,
      "/api/v2/users/google-apps%7Cgrace/permissions?per_page=1&page=0", token);
  ASSERT_EQ(grace.status, 200) << grace.body;
  const Json listed = grace.json();
  ASSERT_EQ(listed.size(), 1u);
  const Json& run = listed[0];
  EXPECT_EQ(run["permission_name"], "run:payroll");
  EXPECT_EQ(run["resource_server_name"], "Acme Payroll API");
  ASSERT_EQ(run["sources"].size(), 2u);
  EXPECT_EQ(run["sources"][0]["source_type"], "DIRECT");
  EXPECT_EQ(run["sources"][1]["source_type"], "ROLE");
  EXPECT_EQ(run["sources"][1]["source_id"], "rol_PayrollAdmin0001");
  EXPECT_EQ(run["sources"][1]["source_name"], "Payroll Admin");
  HttpResult rest =
      Fetch(kDomain,
            "/api/v2/users/google-apps%7Cgrace/permissions?include_totals=true",
            token);
  EXPECT_EQ(rest.json()["total"], 2);
  EXPECT_EQ(rest.json()["permissions"][1]["sources"][0]["source_type"], "ROLE");
  EXPECT_FALSE(Fetch(kDomain, "/api/v2/users/google-apps%7Cgrace", token)
                   .json()
                   .contains("permissions"));
  EXPECT_EQ(Fetch(kDomain, "/api/v2/users/nobody/permissions", token).status,
            404);

  HttpResult connections =
      Fetch(kDomain, "/api/v2/connections?strategy=samlp", token);
  ASSERT_EQ(connections.status, 200);
  ASSERT_EQ(connections.json().size(), 1u);
  EXPECT_EQ(connections.json()[0]["name"], "okta-saml");
  // The deprecated field is gone, as on new tenants.
  EXPECT_FALSE(connections.json()[0].contains("enabled_clients"));

  HttpResult clients =
      Fetch(kDomain, "/api/v2/clients?include_totals=true", token);
  EXPECT_EQ(clients.json()["total"], 6);
  HttpResult apis = Fetch(kDomain, "/api/v2/resource-servers", token);
  EXPECT_EQ(apis.json().size(), 2u);

  EXPECT_EQ(Fetch(kDomain, "/api/v2/roles/rol_nope/users", token).status, 404);
  EXPECT_EQ(
      Fetch(kDomain, "/api/v2/users/nobody/roles", token).json()["errorCode"],
      "inexistent_user");
  EXPECT_EQ(
      Fetch(kDomain, "/api/v2/connections/con_nope/clients", token).status,
      404);
}

TEST_F(Auth0SimContractTest, ExtensionApiNeedsItsOwnAudienceAndScopes) {
  const std::string token = Token("urn:auth0-authz-api");
  HttpResult exported =
      Fetch(kExtensionHost,
            absl::StrCat(kExtensionPrefix, "/configuration/export"), token);
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.json()["groups"].size(), 5u);
  EXPECT_EQ(exported.json()["roles"][0]["applicationType"], "client");

  HttpResult groups =
      Fetch(kExtensionHost, absl::StrCat(kExtensionPrefix, "/groups"), token);
  EXPECT_EQ(groups.json()["total"], 5);

  HttpResult management_token =
      Fetch(kExtensionHost, absl::StrCat(kExtensionPrefix, "/groups"),
            ManagementToken());
  EXPECT_EQ(management_token.status, 401);
  // The extension is reached only on its own host.
  EXPECT_EQ(
      Fetch(kDomain, absl::StrCat(kExtensionPrefix, "/groups"), token).status,
      404);
}

constexpr char kEngineering[] = "8c2d3f4a-0000-4000-8000-000000000001";
constexpr char kFinance[] = "8c2d3f4a-0000-4000-8000-000000000003";
constexpr char kAllStaff[] = "8c2d3f4a-0000-4000-8000-000000000004";
constexpr char kPlatform[] = "8c2d3f4a-0000-4000-8000-000000000002";

std::set<std::string> Names(const Json& records, const char* key = "name") {
  std::set<std::string> names;
  for (const Json& record : records)
    names.insert(record[key].get<std::string>());
  return names;
}

TEST_F(Auth0SimContractTest, ExtensionGroupMembersKeepThePageQuirk) {
  const std::string token = Token("urn:auth0-authz-api");
  auto page = [&](int number) {
    return Fetch(kExtensionHost,
                 absl::StrCat(kExtensionPrefix, "/groups/", kEngineering,
                              "/members?per_page=1&page=", number),
                 token)
        .json();
  };
  EXPECT_EQ(page(0)["total"], 2);
  EXPECT_EQ(page(0)["users"][0]["user_id"], "google-apps|alan");
  EXPECT_EQ(page(1)["users"][0]["user_id"], "google-apps|alan");  // the quirk
  EXPECT_EQ(page(2)["users"][0]["user_id"], "google-apps|edsger");
  EXPECT_TRUE(page(2)["users"][0].contains("identities"));  // full user records
  EXPECT_EQ(Fetch(kExtensionHost,
                  absl::StrCat(kExtensionPrefix, "/groups/", kEngineering,
                               "/members?per_page=26"),
                  token)
                .status,
            400);
}

TEST_F(Auth0SimContractTest, ExtensionNestingWalksEndDespiteCycles) {
  const std::string token = Token("urn:auth0-authz-api");
  auto get = [&](const std::string& path) {
    HttpResult result =
        Fetch(kExtensionHost, absl::StrCat(kExtensionPrefix, path), token);
    EXPECT_EQ(result.status, 200) << path << ": " << result.body;
    return result.json();
  };
  Json nested =
      get(absl::StrCat("/groups/", kAllStaff, "/members/nested?per_page=25"));
  EXPECT_EQ(nested["total"], 7);
  std::set<std::string> users;
  for (const Json& entry : nested["nested"])
    users.insert(entry["user"]["user_id"]);
  EXPECT_EQ(users, (std::set<std::string>{
                       "google-apps|alan", "google-apps|edsger",
                       "google-apps|ada", "auth0|customer03",
                       "google-apps|linus", "samlp|ken", "samlp|margaret"}));

  EXPECT_EQ(Names(get("/users/google-apps%7Clinus/roles/calculate")),
            (std::set<std::string>{"Console Operator", "Expense Submitter",
                                   "Wiki Reader"}));
  EXPECT_EQ(Names(get("/users/samlp%7Cbarbara/roles")),
            (std::set<std::string>{"Expense Submitter"}));
  EXPECT_EQ(Names(get("/users/samlp%7Cmargaret/groups/calculate")),
            (std::set<std::string>{"On-call", "Platform", "Engineering",
                                   "All Staff"}));
  EXPECT_EQ(Names(get("/users/samlp%7Cmargaret/groups")),
            (std::set<std::string>{"On-call"}));

  Json expanded = get(absl::StrCat("/groups/", kFinance, "?expand=true"));
  EXPECT_EQ(Names(expanded["roles"]),
            (std::set<std::string>{"Payroll User", "Wiki Reader"}));
  for (const Json& role : expanded["roles"]) {
    if (role["name"] == "Payroll User") {
      EXPECT_EQ(role["permissions"][0]["name"], "view:payslips");
    }
  }
  Json inherited = get(absl::StrCat("/groups/", kPlatform, "/roles/nested"));
  std::set<std::string> pairs;
  for (const Json& entry : inherited) {
    pairs.insert(absl::StrCat(entry["role"]["name"].get<std::string>(), " via ",
                              entry["group"]["name"].get<std::string>()));
  }
  EXPECT_EQ(pairs, (std::set<std::string>{"Console Operator via Platform",
                                          "Expense Submitter via Engineering",
                                          "Wiki Reader via All Staff"}));
  EXPECT_EQ(Names(get(absl::StrCat("/groups/", kEngineering, "/nested"))),
            (std::set<std::string>{"Platform"}));
  EXPECT_EQ(
      get(absl::StrCat("/groups/", kEngineering, "/mappings"))[0]["groupName"],
      "eng");
  EXPECT_EQ(get("/roles/5e1f0000-0000-4000-8000-00000000000a")["name"],
            "Payroll User");
  EXPECT_EQ(Fetch(kExtensionHost,
                  absl::StrCat(kExtensionPrefix, "/groups/nope"), token)
                .status,
            404);
}

TEST_F(Auth0SimContractTest, BadRequestsGetErrorsNotCrashes) {
  EXPECT_EQ(Fetch("other.us.auth0.com", "/api/v2/users").status, 404);
  EXPECT_EQ(Fetch(kDomain, "/oauth/token", "", "{not json").status, 400);
  // Deep nesting must not exhaust the parser's stack.
  EXPECT_EQ(Fetch(kDomain, "/oauth/token", "", std::string(200000, '[')).status,
            400);
  EXPECT_EQ(Fetch(kDomain, "/oauth/token", "", "grant_type=password",
                  "application/x-www-form-urlencoded")
                .status,
            403);
  EXPECT_EQ(Fetch(kDomain, "/nowhere").status, 404);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/users", "x", "{}").status,
            404);  // POST: not simulated
  EXPECT_EQ(Fetch(kDomain, "/api/v2/users?page=-1", ManagementToken()).status,
            400);
  EXPECT_EQ(
      Fetch(kDomain, "/api/v2/users?per_page=abc", ManagementToken()).status,
      400);
  // Still serving.
  EXPECT_EQ(Fetch(kDomain, "/api/v2/users", ManagementToken()).status, 200);
}

TEST_F(Auth0SimContractTest, StatsCountRequestsPerEndpoint) {
  const std::string token = ManagementToken();
  HttpResult before = Fetch(kDomain, "/__sim/stats");
  ASSERT_EQ(before.status, 200);
  Fetch(kDomain, "/api/v2/resource-servers", token);
  Fetch(kDomain, "/api/v2/resource-servers", token);
  const Json was = before.json();
  const Json after = Fetch(kDomain, "/__sim/stats").json();
  const int64_t count =
      was["requests_by_endpoint"].value("GET /api/v2/resource-servers", 0);
  EXPECT_EQ(after["requests_by_endpoint"]["GET /api/v2/resource-servers"],
            count + 2);
  EXPECT_GT(after["bytes_sent"].get<int64_t>(),
            was["bytes_sent"].get<int64_t>());
  // Exactly the two API calls were counted: the stats calls themselves are not.
  EXPECT_EQ(after["requests"].get<int64_t>(),
            was["requests"].get<int64_t>() + 2);
}

TEST_F(Auth0SimContractTest, ExpiredTokensGetAuth0sExpiredTokenError) {
  const std::string token = ManagementToken();
  ASSERT_EQ(Fetch(kDomain, "/api/v2/roles", token).status, 200);
  ASSERT_EQ(Fetch(kDomain, "/__sim/expire_tokens", "", "{}").status, 200);
  HttpResult expired = Fetch(kDomain, "/api/v2/roles", token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.json()["message"],
            "Expired token received for JSON Web Token validation");
  // A new token works again.
  EXPECT_EQ(Fetch(kDomain, "/api/v2/roles", ManagementToken()).status, 200);
}

TEST_F(Auth0SimContractTest, NativeGroupsWithNestedMembersAndRoles) {
  const std::string token = ManagementToken();
  std::vector<Json> groups =
      ReadAllCheckpoints("/api/v2/groups", "groups", token, 1, Fetch);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_FALSE(groups[0].contains("members"));
  std::vector<Json> members =
      ReadAllCheckpoints("/api/v2/groups/grp_ScimEngineering01/members",
                         "members", token, 2, Fetch);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[2]["id"], "grp_ScimOnCall000002");
  EXPECT_EQ(members[2]["member_type"], "group");
  EXPECT_EQ(members[0]["connection_id"], "con_OktaSaml00000002");
  HttpResult roles =
      Fetch(kDomain, "/api/v2/groups/grp_ScimEngineering01/roles", token);
  ASSERT_EQ(roles.status, 200) << roles.body;
  EXPECT_EQ(roles.json()["roles"][0]["name"], "Wiki Editor");
  EXPECT_EQ(Fetch(kDomain, "/api/v2/groups/grp_nope/members", token).status,
            404);
  // Group members page by checkpoint only.
  EXPECT_FALSE(Fetch(kDomain,
                     "/api/v2/groups/grp_ScimEngineering01/members?page=0",
                     token)
                   .json()
                   .is_array());
}

TEST_F(Auth0SimContractTest, OrganizationsMembersAndMemberRoles) {
  const std::string token = ManagementToken();
  HttpResult organizations =
      Fetch(kDomain, "/api/v2/organizations?include_totals=true", token);
  ASSERT_EQ(organizations.status, 200);
  EXPECT_EQ(organizations.json()["total"], 1);
  HttpResult members = Fetch(
      kDomain,
      "/api/v2/organizations/org_AcmePartners001/members?fields=roles&take=50",
      token);
  ASSERT_EQ(members.status, 200) << members.body;
  ASSERT_EQ(members.json()["members"].size(), 2u);
  EXPECT_EQ(members.json()["members"][0]["roles"][0]["name"], "Payroll Admin");
  EXPECT_TRUE(members.json()["members"][1]["roles"].empty());

  HttpResult member_roles = Fetch(kDomain,
                                  "/api/v2/organizations/org_AcmePartners001/"
                                  "members/google-apps%7Cada/roles",
                                  token);
  ASSERT_EQ(member_roles.status, 200) << member_roles.body;
  EXPECT_EQ(member_roles.json()[0]["id"], "rol_PayrollAdmin0001");

  // fields=roles needs read:organization_member_roles as well.
  HttpResult partial =
      RequestToken("NOORGROLESxxxxxxxxxxxxxxxxxxxx10",
                   "acme-noorgroles-secret-0123456789abcdef",
                   absl::StrCat("https://", kDomain, "/api/v2/"));
  const std::string partial_token = partial.json()["access_token"];
  EXPECT_EQ(Fetch(kDomain, "/api/v2/organizations/org_AcmePartners001/members",
                  partial_token)
                .status,
            200);
  HttpResult refused = Fetch(
      kDomain, "/api/v2/organizations/org_AcmePartners001/members?fields=roles",
      partial_token);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json()["errorCode"], "insufficient_scope");
  EXPECT_EQ(
      Fetch(kDomain, "/api/v2/organizations/org_nope/members", token).status,
      404);
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[1 << 14];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  EXPECT_EQ(result, Z_STREAM_END) << "not a complete gzip file";
  return out;
}

TEST_F(Auth0SimContractTest, ExportJobFromCreationToDownload) {
  const std::string token = ManagementToken();
  Json request = {
      {"connection_id", "con_GoogleWork0000001"},
      {"format", "json"},
      {"fields",
       {{{"name", "user_id"}},
        {{"name", "email"}},
        {{"name", "identities[0].connection"}, {"export_as", "connection"}}}}};
  HttpResult created =
      Fetch(kDomain, "/api/v2/jobs/users-exports", token, request.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  EXPECT_EQ(created.json()["status"], "pending");
  EXPECT_EQ(created.json()["type"], "users_export");
  EXPECT_EQ(created.json()["connection"], "google-workforce");

  Json job;
  std::vector<std::string> states;
  for (int poll = 0; poll < 10; ++poll) {
    HttpResult got = Fetch(kDomain, "/api/v2/jobs/" + id, token);
    ASSERT_EQ(got.status, 200) << got.body;
    job = got.json();
    states.push_back(job["status"]);
    if (job["status"] == "completed") break;
  }
  EXPECT_THAT(states,
              ::testing::ElementsAre("processing", "processing", "completed"));
  EXPECT_EQ(job["percentage_done"], 100);
  const std::string location = job["location"];
  const std::string prefix = absl::StrCat("https://", kDomain);
  ASSERT_EQ(location.rfind(prefix, 0), 0u) << location;
  EXPECT_TRUE(absl::EndsWith(location, "/acme.json.gz")) << location;

  HttpResult download = Fetch(kDomain, location.substr(prefix.size()));
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.headers["content-type"], "application/gzip");
  std::vector<std::string> lines =
      absl::StrSplit(Gunzip(download.body), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  for (const std::string& line : lines) {
    Json user = Json::parse(line, nullptr, false);
    EXPECT_EQ(user["connection"], "google-workforce") << line;
    EXPECT_TRUE(user.contains("user_id"));
    EXPECT_TRUE(user.contains("email"));
    EXPECT_FALSE(user.contains("identities"));
  }
  // Locations are signed: a made-up one is refused like an expired one.
  EXPECT_EQ(Fetch(kDomain, absl::StrCat(kExportDownloadPrefixForTest, id,
                                        "/1/acme.json.gz"))
                .status,
            403);
}

TEST_F(Auth0SimContractTest, ExportJobErrors) {
  const std::string token = ManagementToken();
  EXPECT_EQ(Fetch(kDomain, "/api/v2/jobs/job_nope", token).status, 404);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/jobs/users-exports", token,
                  R"({"format": "xml"})")
                .status,
            400);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/jobs/users-exports", token,
                  R"({"connection_id": "con_nope"})")
                .status,
            404);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/jobs/users-exports", token, "{oops").status,
            400);
  // A whole export without fields gives whole user records.
  HttpResult created =
      Fetch(kDomain, "/api/v2/jobs/users-exports", token, "{}");
  ASSERT_EQ(created.status, 201);
}

class Auth0SimFaultTest : public Auth0SimTest {
 protected:
  static void SetUpTestSuite() {
    StartSimulator({"--rate_burst=1000", "--rate_per_second=1000"});
  }
  void SetFaults(const std::string& plan) {
    HttpResult set = Fetch(kDomain, "/__sim/faults", "", plan, "text/plain");
    ASSERT_EQ(set.status, 200) << set.body;
  }
  void TearDown() override {
    HttpResult cleared =
        FetchRaw(kDomain, "/__sim/faults", "", "", "", 10, "DELETE");
    EXPECT_EQ(cleared.status, 200);
  }
};

TEST_F(Auth0SimFaultTest, NthRequestFailsWithTheStatusAsked) {
  const std::string token = ManagementToken();
  SetFaults("503:nth=2,path=/api/v2/roles;500:nth=1,path=/api/v2/clients");
  EXPECT_EQ(Fetch(kDomain, "/api/v2/roles", token).status, 200);
  HttpResult unavailable = Fetch(kDomain, "/api/v2/roles", token);
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_EQ(unavailable.json()["statusCode"], 503);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/roles", token).status, 200);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/clients", token).status, 500);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/clients", token).status, 200);
  EXPECT_EQ(Fetch(kDomain, "/__sim/stats").json()["faults_injected"], 2);
}

TEST_F(Auth0SimFaultTest, MalformedJsonTruncatedBodiesAndResets) {
  const std::string token = ManagementToken();
  SetFaults(
      "malformed:path=/api/v2/clients;truncate:path=/api/v2/users;"
      "reset:path=/api/v2/roles");
  HttpResult malformed = Fetch(kDomain, "/api/v2/clients", token);
  EXPECT_EQ(malformed.status, 200);
  EXPECT_TRUE(malformed.json().is_discarded()) << malformed.body;

  HttpResult truncated = FetchRaw(kDomain, "/api/v2/users", token, "", "", 10);
  EXPECT_EQ(truncated.transfer, CURLE_PARTIAL_FILE)
      << curl_easy_strerror(truncated.transfer);
  EXPECT_FALSE(truncated.body.empty());

  HttpResult reset = FetchRaw(kDomain, "/api/v2/roles", token, "", "", 10);
  EXPECT_NE(reset.transfer, CURLE_OK);
  EXPECT_TRUE(reset.body.empty());
  // Only the first of each: the next requests are whole again.
  EXPECT_EQ(Fetch(kDomain, "/api/v2/users", token).status, 200);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/roles", token).status, 200);
}

TEST_F(Auth0SimFaultTest, SlowAnswersTripTheCallersTimeout) {
  const std::string token = ManagementToken();
  SetFaults("slow:delay=2500ms,path=/api/v2/resource-servers");
  HttpResult slow =
      FetchRaw(kDomain, "/api/v2/resource-servers", token, "", "", 1);
  EXPECT_EQ(slow.transfer, CURLE_OPERATION_TIMEDOUT);
}

TEST_F(Auth0SimFaultTest, ExpireFaultExpiresTokensMidImport) {
  const std::string token = ManagementToken();
  SetFaults("expire:nth=2,path=/api/v2/roles");
  EXPECT_EQ(Fetch(kDomain, "/api/v2/roles", token).status, 200);
  HttpResult expired = Fetch(kDomain, "/api/v2/roles", token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.json()["message"],
            "Expired token received for JSON Web Token validation");
}

TEST_F(Auth0SimFaultTest, FractionHitsEveryRequestAtOne) {
  const std::string token = ManagementToken();
  SetFaults("503:fraction=1,path=/api/v2/roles");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(Fetch(kDomain, "/api/v2/roles", token).status, 503);
}

TEST_F(Auth0SimFaultTest, BadPlansAreRefusedWithTheReason) {
  HttpResult bad =
      Fetch(kDomain, "/__sim/faults", "", "explode:nth=1", "text/plain");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.json()["message"].get<std::string>(),
              HasSubstr("unknown kind"));
}

TEST(Auth0SimStartupTest, BadFlagsStopItWithTheReason) {
  TestTempDir dir;
  for (const auto& [flags, hint] :
       std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--faults=explode"},
            "--faults: fault rule 'explode': unknown kind"},
           {{"--log_delivery_delay=2h"},
            "--log_delivery_delay must be from 0 to 1h"},
           {{}, "--cert_file and --key_file are required"},
           {{"--cert_file=x", "--key_file=y"},
            "give exactly one of --tenant_file"},
           {{"--cert_file=x", "--key_file=y", "--generate=people=3"},
            "unknown key 'people'"},
           {{"--cert_file=x", "--key_file=y",
             "--tenant_file=/nonexistent.json"},
            "cannot open tenant file"}}) {
    std::vector<std::string> args = flags;
    if (flags.size() == 1) {  // the faults case: everything else is valid
      std::string make_ca = absl::StrCat(AUTH0_SIM_DIR, "/make_test_ca.sh ",
                                         dir.path(), " >/dev/null");
      ASSERT_EQ(std::system(make_ca.c_str()), 0);
      args.push_back(absl::StrCat("--cert_file=", dir.File("server.pem")));
      args.push_back(absl::StrCat("--key_file=", dir.File("server.key")));
      args.push_back(
          absl::StrCat("--tenant_file=", AUTH0_SIM_DIR, "/fixtures/acme.json"));
    }
    ServerProcess::Exit exit = ServerProcess::Run(AUTH0_SIM_BINARY, args);
    EXPECT_EQ(exit.exit_code, 1) << hint;
    EXPECT_THAT(exit.output, HasSubstr(hint));
  }
}

class Auth0SimLogsTest : public Auth0SimTest {
 protected:
  static void SetUpTestSuite() {
    StartSimulator({"--rate_burst=1000", "--rate_per_second=1000"});
  }

  static HttpResult Change(const Json& body) {
    return Fetch(kDomain, "/__sim/changes", "", body.dump());
  }

  // The newest log id now, by search (as a follower starts).
  static std::string NewestLogId(const std::string& token) {
    HttpResult newest =
        Fetch(kDomain, "/api/v2/logs?per_page=1&sort=date:-1", token);
    EXPECT_EQ(newest.status, 200) << newest.body;
    return newest.json().empty() ? "" : newest.json()[0]["log_id"];
  }

  // Every event after `from`, following the Link header until a page is
  // empty; that last Link must repeat the call.
  static std::vector<Json> Follow(const std::string& from,
                                  const std::string& token) {
    std::vector<Json> events;
    std::string path = absl::StrCat("/api/v2/logs?from=", from, "&take=2");
    for (int pages = 0; pages < 100; ++pages) {
      HttpResult page = Fetch(kDomain, path, token);
      EXPECT_EQ(page.status, 200) << page.body;
      std::string next;
      EXPECT_TRUE(RE2::FullMatch(
          page.headers["link"],
          absl::StrCat("<https://", kDomain,
                       R"re((/api/v2/logs\?[^>]+)>; rel="next")re"),
          &next))
          << page.headers["link"];
      if (page.json().empty()) {
        EXPECT_EQ(next, path);
        return events;
      }
      for (const Json& event : page.json()) events.push_back(event);
      path = next;
    }
    ADD_FAILURE() << "the log did not end";
    return events;
  }

  static std::vector<Json> OfType(const std::vector<Json>& events,
                                  const std::string& type) {
    std::vector<Json> out;
    for (const Json& event : events)
      if (event["type"] == type) out.push_back(event);
    return out;
  }
};

TEST_F(Auth0SimLogsTest, ChangesShowInTheApiAndInTheLog) {
  const std::string token = ManagementToken();
  const std::string from = NewestLogId(token);
  HttpResult applied = Change(
      {{"changes",
        {{{"op", "assign_user_roles"},
          {"user_id", "google-apps|grace"},
          {"roles", {"rol_PayrollAdmin0001"}}},
         {{"op", "update_role"},
          {"role_id", "rol_Support00000003"},
          {"set", {{"name", "support-tier-1"}}},
          {"channel", "dashboard"}},
         {{"op", "extension_delete"}, {"kind", "roles"}, {"id", "nope"}}}}});
  // The third fails; the first two stay applied, and the answer says so.
  EXPECT_EQ(applied.status, 400);
  EXPECT_EQ(applied.json()["applied"], 2);
  EXPECT_THAT(applied.json()["message"].get<std::string>(),
              HasSubstr("changes[2]: extension_delete: no roles nope (the "
                        "changes before it were applied)"));

  HttpResult roles =
      Fetch(kDomain, "/api/v2/users/google-apps%7Cgrace/roles", token);
  EXPECT_THAT(roles.body, HasSubstr("rol_PayrollAdmin0001"));
  EXPECT_THAT(Fetch(kDomain, "/api/v2/roles", token).body,
              HasSubstr("support-tier-1"));

  std::vector<Json> sapi = OfType(Follow(from, token), "sapi");
  ASSERT_EQ(sapi.size(), 2u);
  EXPECT_EQ(sapi[0]["details"]["request"]["path"],
            "/api/v2/users/google-apps%7Cgrace/roles");
  EXPECT_EQ(sapi[1]["details"]["request"]["method"], "patch");
  EXPECT_EQ(sapi[1]["details"]["request"]["channel"],
            "https://manage.auth0.com/");
  EXPECT_LT(sapi[0]["log_id"], sapi[1]["log_id"]);
}

TEST_F(Auth0SimLogsTest, TokenExchangesAndLoginsAreTheNoiseAmongChanges) {
  const std::string token = ManagementToken();
  const std::string from = NewestLogId(token);
  RequestToken(kImporterId, "wrong-secret",
               absl::StrCat("https://", kDomain, "/api/v2/"));
  ManagementToken();
  EXPECT_EQ(Fetch(kDomain, "/__sim/logins", "",
                  Json{{"logins", 3}, {"failed_logins", 2}}.dump())
                .status,
            200);
  std::vector<Json> events = Follow(from, token);
  EXPECT_EQ(OfType(events, "feccft").size(), 1u);
  ASSERT_EQ(OfType(events, "seccft").size(), 1u);
  EXPECT_EQ(OfType(events, "seccft")[0]["client_id"], kImporterId);
  EXPECT_EQ(OfType(events, "s").size(), 3u);
  EXPECT_EQ(OfType(events, "f").size(), 2u);
  EXPECT_EQ(Fetch(kDomain, "/__sim/logins", "", R"({"logins": -1})").status,
            400);
}

TEST_F(Auth0SimLogsTest, AuthsLimitsAndBadParameters) {
  const std::string token = ManagementToken();
  for (const char* path :
       {"/api/v2/logs?take=101", "/api/v2/logs?take=0", "/api/v2/logs?from=12",
        "/api/v2/logs?per_page=101", "/api/v2/logs?per_page=100&page=10",
        "/api/v2/logs?sort=user_id:1", "/api/v2/logs?q=user_id:x"}) {
    SCOPED_TRACE(path);
    HttpResult bad = Fetch(kDomain, path, token);
    EXPECT_EQ(bad.status, 400);
    EXPECT_FALSE(bad.json().value("message", "").empty());
  }
  HttpResult totals =
      Fetch(kDomain, "/api/v2/logs?include_totals=true&per_page=1", token);
  EXPECT_EQ(totals.status, 200);
  EXPECT_TRUE(totals.json().contains("total"));
  EXPECT_EQ(totals.json()["logs"].size(), 1u);
  // The importer with only read:users may not read logs.
  HttpResult narrow =
      RequestToken("LIMITEDxxxxxxxxxxxxxxxxxxxxxxxx7",
                   "acme-limited-secret-0123456789abcdef",
                   absl::StrCat("https://", kDomain, "/api/v2/"));
  ASSERT_EQ(narrow.status, 200) << narrow.body;
  HttpResult denied =
      Fetch(kDomain, "/api/v2/logs", narrow.json().value("access_token", ""));
  EXPECT_EQ(denied.status, 403);
  EXPECT_THAT(denied.body, HasSubstr("read:logs"));
}

TEST_F(Auth0SimLogsTest, PurgedCheckpointsAreNotFound) {
  const std::string token = ManagementToken();
  ASSERT_EQ(Change({{"op", "update_user"},
                    {"user_id", "google-apps|ada"},
                    {"set", {{"name", "Ada L."}}}})
                .status,
            200);
  const std::string id = NewestLogId(token);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Fetch(kDomain, "/api/v2/logs/" + id, token).status, 200);
  EXPECT_EQ(Fetch(kDomain, "/__sim/logs/purge", "", "{}").status, 200);
  HttpResult gone = Fetch(kDomain, "/api/v2/logs/" + id, token);
  EXPECT_EQ(gone.status, 404);
  // Reading from it still answers, from what is left: the gap is silent.
  EXPECT_EQ(Fetch(kDomain, "/api/v2/logs?from=" + id, token).status, 200);
  EXPECT_GT(Fetch(kDomain, "/__sim/logs/stats").json()["purged"], 0);
}

class Auth0SimGeneratedTest : public Auth0SimTest {
 protected:
  static void SetUpTestSuite() {
    StartSimulator(
        {"--rate_burst=1000", "--rate_per_second=1000",
         "--domain=acme.us.auth0.com",
         absl::StrCat("--client_id=", kImporterId),
         absl::StrCat("--client_secret=", kImporterSecret)},
        "--generate=users=3000,connections=2,groups=40,roles=10,apps=5,orgs=1,"
        "seed=3");
  }
};

TEST_F(Auth0SimGeneratedTest, PastTheThousandCapOnlyAnExportReadsEveryone) {
  const std::string token = ManagementToken();
  HttpResult totals =
      Fetch(kDomain, "/api/v2/users?include_totals=true&per_page=1", token);
  ASSERT_EQ(totals.status, 200) << totals.body;
  EXPECT_EQ(totals.json()["total"], 3000);
  EXPECT_EQ(Fetch(kDomain, "/api/v2/users?per_page=100&page=10", token).status,
            400);
  // The bulk import: one created_at window holds 1500 users, more than search
  // can page.
  HttpResult batch = Fetch(
      kDomain,
      "/api/v2/users?include_totals=true&per_page=1&q=created_at%3A%5B"
      "2021-06-01T00%3A00%3A00.000Z%20TO%202021-06-01T00%3A00%3A00.000Z%5D",
      token);
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(batch.json()["total"], 1500);

  HttpResult created =
      Fetch(kDomain, "/api/v2/jobs/users-exports", token,
            R"({"format": "json", "fields": [{"name": "user_id"}]})");
  ASSERT_EQ(created.status, 201);
  Json job = Json::object();
  for (int poll = 0; poll < 10 && job.value("status", "") != "completed";
       ++poll) {
    job =
        Fetch(kDomain,
              "/api/v2/jobs/" + created.json()["id"].get<std::string>(), token)
            .json();
  }
  ASSERT_EQ(job["status"], "completed");
  const std::string location = job["location"];
  HttpResult file =
      Fetch(kDomain, location.substr(location.find("/__sim_exports/")));
  ASSERT_EQ(file.status, 200);
  std::vector<std::string> lines =
      absl::StrSplit(Gunzip(file.body), '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 3000u);
}

class Auth0SimRateLimitTest : public Auth0SimTest {
 protected:
  // Three requests at once, then practically none: the fourth is refused.
  static void SetUpTestSuite() {
    StartSimulator({"--rate_burst=3", "--rate_per_second=0.001",
                    "--token_rate_burst=2", "--token_rate_per_second=0.001"});
  }
};

TEST_F(Auth0SimRateLimitTest, OverTheBucketGives429WithHeaders) {
  const std::string token = ManagementToken();
  for (int i = 0; i < 3; ++i) {
    HttpResult ok = Fetch(kDomain, "/api/v2/roles", token);
    ASSERT_EQ(ok.status, 200) << i;
    EXPECT_EQ(ok.headers["x-ratelimit-limit"], "3");
    EXPECT_EQ(ok.headers["x-ratelimit-remaining"], std::to_string(2 - i));
  }
  HttpResult limited = Fetch(kDomain, "/api/v2/roles", token);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.json()["errorCode"], "too_many_requests");
  EXPECT_EQ(limited.headers["x-ratelimit-remaining"], "0");
  const int64_t reset = std::stoll(limited.headers["x-ratelimit-reset"]);
  EXPECT_GT(reset, absl::ToUnixSeconds(absl::Now()));
  EXPECT_EQ(Fetch(kDomain, "/__sim/stats").json()["rate_limited"], 1);
}

TEST_F(Auth0SimRateLimitTest, TheTokenEndpointHasItsOwnBucket) {
  const std::string audience = absl::StrCat("https://", kDomain, "/api/v2/");
  // The bucket holds two; other tests of this suite may have used some already.
  HttpResult limited;
  int granted = 0;
  for (int i = 0; i < 3; ++i) {
    limited = RequestToken(kImporterId, kImporterSecret, audience);
    if (limited.status != 200) break;
    ++granted;
  }
  EXPECT_LE(granted, 2);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.json()["error"], "too_many_requests");
  EXPECT_EQ(limited.headers["x-ratelimit-limit"], "2");
}

}  // namespace
}  // namespace identitygraph::sim
