#include "tests/auth0_sim/simulator.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "re2/re2.h"
#include "tests/auth0_sim/directory_api.h"
#include "tests/auth0_sim/extension_api.h"
#include "tests/auth0_sim/faults.h"
#include "tests/auth0_sim/gzip.h"
#include "tests/auth0_sim/logs_api.h"
#include "tests/auth0_sim/management_api.h"
#include "tests/auth0_sim/tenant_changes.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

constexpr char kExtensionAudience[] = "urn:auth0-authz-api";

std::string HostOf(const httplib::Request& request) {
  std::string host = request.get_header_value("Host");
  // Strip a port; IPv6 literals are not tenant hosts, so a plain rfind is
  // enough.
  if (size_t colon = host.rfind(':'); colon != std::string::npos)
    host.resize(colon);
  return absl::AsciiStrToLower(host);
}

ParamGetter ParamsOf(const httplib::Request& request) {
  return [&request](const std::string& name) -> std::optional<std::string> {
    if (!request.has_param(name.c_str())) return std::nullopt;
    return request.get_param_value(name.c_str());
  };
}

void SetRateLimitHeaders(const RateLimiter::Decision& limit,
                         httplib::Response& response) {
  response.set_header("x-ratelimit-limit", std::to_string(limit.limit));
  response.set_header("x-ratelimit-remaining", std::to_string(limit.remaining));
  response.set_header("x-ratelimit-reset", std::to_string(limit.reset));
}

ApiReply NotFound() { return ApiError(404, "Not Found", ""); }

std::string UrlDecode(const std::string& text) {
  return httplib::detail::decode_url(text, /*convert_plus_to_space=*/false);
}

}  // namespace

Simulator::Simulator(Tenant tenant, SimulatorOptions options)
    : tenant_(std::move(tenant)),
      options_(options),
      logs_(options.logs),
      export_jobs_(tenant_, options.export_polls_to_complete),
      management_limit_(options.rate_burst, options.rate_per_second,
                        absl::Now()),
      token_limit_(options.token_rate_burst, options.token_rate_per_second,
                   absl::Now()),
      noise_until_(absl::Now()) {
  AddManagementRoutes();
  AddExtensionRoutes();
}

void Simulator::Register(httplib::Server& server) {
  auto handler = [this](const httplib::Request& request,
                        httplib::Response& response) {
    Handle(request, response);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
}

void Simulator::Handle(const httplib::Request& request,
                       httplib::Response& response) {
  std::string endpoint = "unknown";
  const bool control = absl::StartsWith(request.path, "/__sim/");
  std::optional<FaultRule> fault;
  if (!control) fault = faults_.Next(request.path);
  ApiReply reply;
  if (fault && fault->kind == FaultKind::kStatus429) {
    endpoint = "fault";
    reply = ApiError(429, "Global limit has been reached", "too_many_requests");
    const int64_t reset = absl::ToUnixSeconds(absl::Now()) + 1;
    response.set_header(
        "x-ratelimit-limit",
        absl::StrCat(static_cast<int64_t>(options_.rate_burst)));
    response.set_header("x-ratelimit-remaining", "0");
    response.set_header("x-ratelimit-reset", absl::StrCat(reset));
    response.set_header("Retry-After", "1");
  } else if (fault && (fault->kind == FaultKind::kStatus500 ||
                       fault->kind == FaultKind::kStatus503)) {
    endpoint = "fault";
    reply = fault->kind == FaultKind::kStatus500
                ? ApiError(500, "Internal Server Error (injected fault)", "")
                : ApiError(503, "Service Unavailable (injected fault)", "");
  } else {
    if (fault && fault->kind == FaultKind::kSlow) {
      // The slowness is what is simulated: the caller's timeouts are under
      // test.
      absl::SleepFor(fault->delay);
    }
    if (fault && fault->kind == FaultKind::kExpire)
      tokens_.ExpireAll(absl::Now());
    // Changes write the tenant; every other request reads it.
    if (request.method == "POST" && request.path == "/__sim/changes") {
      absl::WriterMutexLock lock(&tenant_mutex_);
      reply = ApplyChanges(request);
    } else {
      absl::ReaderMutexLock lock(&tenant_mutex_);
      reply = Route(request, endpoint, response);
    }
  }
  response.status = reply.status;
  for (const auto& [name, value] : reply.headers)
    response.set_header(name, value);
  // Answers that refuse the request (not rate limits, not faults) are counted
  // by reason, so tests can prove the client never asked for what Auth0
  // refuses.
  std::string refusal;
  if (reply.status >= 400 && reply.status < 500 && reply.status != 429) {
    refusal = absl::StrCat(reply.status);
    if (reply.raw_content_type.empty() && reply.body.is_object()) {
      const std::string code = reply.body.value("errorCode", "");
      absl::StrAppend(
          &refusal, " ",
          code.empty() ? reply.body.value("message", "").substr(0, 60) : code);
    } else {
      absl::StrAppend(&refusal, " ", reply.raw_content_type);
    }
  }
  std::string body = reply.raw_content_type.empty() ? reply.body.dump()
                                                    : std::move(reply.raw_body);
  const std::string content_type = reply.raw_content_type.empty()
                                       ? "application/json; charset=utf-8"
                                       : reply.raw_content_type;
  if (fault && fault->kind == FaultKind::kMalformed) {
    response.status = 200;
    body = body.substr(0, body.size() / 2) + "\x01 not json";
  }
  // Like Auth0, compress JSON for clients that accept it (export files are gzip
  // already).
  if (reply.raw_content_type.empty() && body.size() >= 1024 &&
      absl::StrContains(request.get_header_value("Accept-Encoding"), "gzip")) {
    body = Gzip(body);
    response.set_header("Content-Encoding", "gzip");
  }
  const size_t bytes = body.size();
  if (fault && (fault->kind == FaultKind::kTruncate ||
                fault->kind == FaultKind::kReset)) {
    // Promise the whole body, send half of it (or none), then give up: httplib
    // closes the connection, and the client sees a transfer cut short.
    const size_t sent = fault->kind == FaultKind::kTruncate ? bytes / 2 : 0;
    auto shared = std::make_shared<std::string>(std::move(body));
    response.set_content_provider(
        bytes, content_type,
        [shared, sent](size_t, size_t, httplib::DataSink& sink) {
          if (sent > 0) sink.write(shared->data(), sent);
          return false;
        });
  } else {
    response.set_content(std::move(body), content_type.c_str());
  }
  if (!control) Count(endpoint, response.status, bytes, refusal);
}

ApiReply Simulator::Route(const httplib::Request& request,
                          std::string& endpoint, httplib::Response& response) {
  if (absl::StartsWith(request.path, "/__sim/")) {
    endpoint = "__sim";
    if (request.method == "GET" && request.path == "/__sim/stats") {
      return {200, Stats()};
    }
    if (request.method == "DELETE" && request.path == "/__sim/stats") {
      absl::MutexLock lock(&mutex_);
      requests_ = rate_limited_ = bytes_sent_ = 0;
      requests_by_endpoint_.clear();
      refused_.clear();
      return {200, {{"requests", 0}}};
    }
    if (request.method == "POST" && request.path == "/__sim/expire_tokens") {
      tokens_.ExpireAll(absl::Now());
      return {200, {{"expired", true}}};
    }
    if (request.method == "GET" && request.path == "/__sim/logs/stats") {
      return {200, logs_.Stats(absl::Now())};
    }
    if (request.method == "POST" && request.path == "/__sim/logs/purge") {
      return {200, {{"purged", logs_.PurgeReadable(absl::Now())}}};
    }
    if (request.method == "POST" && request.path == "/__sim/logins") {
      Json body = Json::parse(request.body, nullptr, false);
      const Json logins =
          body.is_object() ? body.value("logins", Json(0)) : Json();
      const Json failed =
          body.is_object() ? body.value("failed_logins", Json(0)) : Json();
      if (!logins.is_number_unsigned() || !failed.is_number_unsigned() ||
          logins.get<uint64_t>() > 100000 || failed.get<uint64_t>() > 100000) {
        return ApiError(400,
                        "body: {\"logins\": N, \"failed_logins\": N}, each "
                        "0 to 100000",
                        "");
      }
      uint64_t seed;
      {
        absl::MutexLock lock(&mutex_);
        seed = noise_seed_++;
      }
      const absl::Time now = absl::Now();
      for (Json& event :
           LoginNoise(tenant_, logins.get<int>(), failed.get<int>(), seed)) {
        logs_.Write(std::move(event), now);
      }
      return {200, {{"written", logins.get<int>() + failed.get<int>()}}};
    }
    if (request.path == "/__sim/faults" && request.method == "DELETE") {
      faults_.SetPlan({});
      return {200, {{"rules", 0}}};
    }
    if (request.path == "/__sim/faults" && request.method == "POST") {
      absl::StatusOr<std::vector<FaultRule>> plan =
          ParseFaultPlan(request.body);
      if (!plan.ok())
        return ApiError(400, std::string(plan.status().message()), "");
      const size_t rules = plan->size();
      faults_.SetPlan(*std::move(plan));
      return {200, {{"rules", rules}}};
    }
    return NotFound();
  }
  const std::string host = HostOf(request);
  if (host == tenant_.domain) {
    if (request.path == "/oauth/token") {
      endpoint = "POST /oauth/token";
      if (request.method != "POST") return NotFound();
      RateLimiter::Decision limit = token_limit_.Take(absl::Now());
      SetRateLimitHeaders(limit, response);
      if (!limit.allowed) {
        endpoint = "429";
        return OAuthError(429, "too_many_requests",
                          "Global limit has been reached");
      }
      std::string client_id;
      ApiReply reply = IssueToken(request, client_id);
      logs_.Write(
          TokenExchangeEvent(tenant_, client_id, reply.status == 200,
                             reply.status == 200
                                 ? "Client Credentials for Access Token"
                                 : reply.body.value("error_description", "")),
          absl::Now());
      return reply;
    }
    if (absl::StartsWith(request.path, "/api/v2/")) {
      return ManagementApi(request, endpoint, response);
    }
    if (absl::StartsWith(request.path, kExportDownloadPrefix) &&
        request.method == "GET") {
      // A signed storage URL in real life: no bearer token, and not under the
      // Management API rate limit.
      endpoint = "GET export download";
      ExportJobs::Download download = export_jobs_.Fetch(
          request.path.substr(sizeof(kExportDownloadPrefix) - 1), absl::Now());
      return ApiReply::Raw(download.status, std::move(download.body),
                           std::move(download.content_type));
    }
  }
  if (!tenant_.extension_host.empty() && host == tenant_.extension_host &&
      absl::StartsWith(request.path, kExtensionPrefix)) {
    return ExtensionApi(request, endpoint);
  }
  return NotFound();
}

ApiReply Simulator::ApplyChanges(const httplib::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  Json changes = body.is_object() && body.contains("changes") ? body["changes"]
                 : body.is_object() ? Json::array({body})
                                    : Json();
  if (!changes.is_array() || changes.empty()) {
    return ApiError(400,
                    "body: a change {\"op\": ...} or {\"changes\": [...]} "
                    "(see README.md)",
                    "");
  }
  const absl::Time now = absl::Now();
  size_t events = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    absl::StatusOr<std::vector<Json>> written =
        ApplyChange(tenant_, changes[i], now);
    if (!written.ok()) {
      ApiReply reply = ApiError(
          400,
          absl::StrCat("changes[", i, "]: ", written.status().message(),
                       i > 0 ? " (the changes before it were applied)" : ""),
          "");
      reply.body["applied"] = i;
      return reply;
    }
    for (Json& event : *written) {
      logs_.Write(std::move(event), now);
      ++events;
    }
  }
  return {200, {{"applied", changes.size()}, {"events", events}}};
}

void Simulator::WriteLoginNoise(absl::Time now) {
  if (options_.login_noise_per_second <= 0) return;
  int logins = 0;
  uint64_t seed = 0;
  {
    absl::MutexLock lock(&mutex_);
    const double due = absl::ToDoubleSeconds(now - noise_until_) *
                       options_.login_noise_per_second;
    if (due < 1) return;
    logins = static_cast<int>(std::min(due, 100000.0));
    noise_until_ += absl::Seconds(logins / options_.login_noise_per_second);
    if (noise_until_ < now - absl::Minutes(1)) noise_until_ = now;
    seed = noise_seed_++;
  }
  for (Json& event : LoginNoise(tenant_, logins, logins / 10, seed))
    logs_.Write(std::move(event), now);
}

ApiReply Simulator::IssueToken(const httplib::Request& request,
                               std::string& client_id) {
  // Auth0 takes the form encoding (the docs) and JSON (also accepted).
  std::map<std::string, std::string> fields;
  if (absl::StartsWith(request.get_header_value("Content-Type"),
                       "application/json")) {
    Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object())
      return OAuthError(400, "invalid_request", "Invalid JSON body");
    for (const auto& [key, value] : body.items()) {
      if (value.is_string()) fields[key] = value.get<std::string>();
    }
  } else {
    httplib::Params params;
    httplib::detail::parse_query_text(request.body, params);
    for (const auto& [key, value] : params) fields[key] = value;
  }
  client_id = fields["client_id"];
  if (fields["grant_type"] != "client_credentials") {
    return OAuthError(
        403, "unsupported_grant_type",
        absl::StrCat("Unsupported grant type: ", fields["grant_type"]));
  }
  const ImporterClient* client = tenant_.FindClient(fields["client_id"]);
  if (client == nullptr || client->client_secret != fields["client_secret"]) {
    return OAuthError(401, "access_denied", "Unauthorized");
  }
  if (!client->client_credentials_enabled) {
    return OAuthError(
        403, "unauthorized_client",
        "Grant type 'client_credentials' not allowed for the client.");
  }
  const std::string& audience = fields["audience"];
  const absl::Time now = absl::Now();
  TokenGrant grant{
      client->client_id, audience, {}, now + options_.token_lifetime};
  if (!audience.empty()) {
    bool known =
        audience == tenant_.management_audience() ||
        (!tenant_.extension_host.empty() && audience == kExtensionAudience);
    for (const Json& api : tenant_.resource_servers)
      known |= api.value("identifier", "") == audience;
    if (!known) {
      return OAuthError(
          403, "access_denied",
          absl::StrCat("Service not enabled within domain: ", audience));
    }
    auto granted = client->grants.find(audience);
    if (granted == client->grants.end()) {
      return OAuthError(
          403, "access_denied",
          absl::StrCat("Client is not authorized to access \"", audience,
                       "\". You need to create a \"client-grant\" associated "
                       "to this API. See: "
                       "https://auth0.com/docs/api/v2#!/Client_Grants/"
                       "post_client_grants"));
    }
    grant.scopes = granted->second;
  }
  std::string token =
      tokens_.Issue(grant, absl::StrCat("https://", tenant_.domain, "/"), now);
  Json body = {{"access_token", token},
               {"expires_in", absl::ToInt64Seconds(options_.token_lifetime)},
               {"token_type", "Bearer"}};
  if (!audience.empty()) body["scope"] = absl::StrJoin(grant.scopes, " ");
  return {200, std::move(body)};
}

std::optional<ApiReply> Simulator::Authorize(
    const httplib::Request& request, const std::string& audience,
    const std::vector<std::string>& scopes, bool extension, bool any_of) {
  const std::string header = request.get_header_value("Authorization");
  if (header.empty()) return ApiError(401, "Missing authentication", "");
  if (!absl::StartsWithIgnoreCase(header, "Bearer ") || header.size() <= 7) {
    return ApiError(400, "Bad HTTP authentication header format", "Bearer");
  }
  TokenGrant grant;
  const std::string token = header.substr(7);
  auto invalid = [](const std::string& message) {
    ApiReply reply = ApiError(401, message, "");
    reply.body["attributes"] = {{"error", message}};
    return reply;
  };
  switch (tokens_.Lookup(token, absl::Now(), &grant)) {
    case TokenStore::Check::kUnknown:
      return invalid("Invalid token");
    case TokenStore::Check::kExpired:
      return invalid("Expired token received for JSON Web Token validation");
    case TokenStore::Check::kValid:
      break;
  }
  // A token issued without an audience is opaque: Auth0 cannot read it as a
  // JWT.
  if (grant.audience.empty()) {
    return ApiError(400, "Bad HTTP authentication header format", "Bearer");
  }
  if (grant.audience != audience)
    return invalid("Bad audience: " + grant.audience);
  std::vector<std::string> missing;
  for (const std::string& scope : scopes) {
    bool held = false;
    for (const std::string& granted : grant.scopes) held |= granted == scope;
    if (!held) missing.push_back(scope);
  }
  if (missing.empty() || (any_of && missing.size() < scopes.size())) {
    return std::nullopt;
  }
  std::string message =
      scopes.size() == 1 || any_of
          ? absl::StrCat("Insufficient scope, expected any of: ",
                         absl::StrJoin(scopes, ", "))
          : absl::StrCat("Insufficient scope; expected all of: ",
                         absl::StrJoin(scopes, ", "), ".");
  return ApiError(403, message, extension ? "" : "insufficient_scope");
}

ApiReply Simulator::ManagementApi(const httplib::Request& request,
                                  std::string& endpoint,
                                  httplib::Response& response) {
  // Auth0 answers every /api/v2 request with the bucket's figures, 429s
  // included.
  RateLimiter::Decision limit = management_limit_.Take(absl::Now());
  SetRateLimitHeaders(limit, response);
  if (!limit.allowed) {
    endpoint = "429";
    return ApiError(429, "Global limit has been reached", "too_many_requests");
  }
  return Dispatch(management_routes_, request, request.path,
                  tenant_.management_audience(), /*extension=*/false, endpoint);
}

ApiReply Simulator::Dispatch(const std::vector<ApiRoute>& routes,
                             const httplib::Request& request,
                             const std::string& path,
                             const std::string& audience, bool extension,
                             std::string& endpoint) {
  for (const ApiRoute& route : routes) {
    if (request.method != route.method) continue;
    const int count = route.pattern->NumberOfCapturingGroups();
    ApiRoute::Ids ids(static_cast<size_t>(count));
    std::vector<RE2::Arg> args;
    args.reserve(ids.size());
    for (std::string& id : ids) args.emplace_back(&id);
    std::vector<const RE2::Arg*> arg_pointers;
    for (const RE2::Arg& arg : args) arg_pointers.push_back(&arg);
    if (!RE2::FullMatchN(path, *route.pattern, arg_pointers.data(), count)) {
      continue;
    }
    for (std::string& id : ids) id = UrlDecode(id);
    endpoint = route.name;
    if (auto denied = Authorize(request, audience, route.scopes, extension,
                                route.any_of)) {
      return *denied;
    }
    return route.handler(ids, request);
  }
  endpoint =
      absl::StrCat(extension ? "extension " : "", request.method, " ", path);
  return NotFound();
}

void Simulator::AddManagementRoutes() {
  auto add = [this](const char* method, const char* name, const char* pattern,
                    std::vector<std::string> scopes, bool any_of,
                    ApiRoute::Handler handler) {
    ApiRoute route;
    route.method = method;
    route.name = absl::StrCat(method, " ", name);
    route.pattern = std::make_unique<RE2>(pattern);
    route.scopes = std::move(scopes);
    route.any_of = any_of;
    route.handler = std::move(handler);
    management_routes_.push_back(std::move(route));
  };
  const Tenant& t = tenant_;
  auto params = [](const httplib::Request& request) {
    return ParamsOf(request);
  };
  add("GET", "/api/v2/users", R"(^/api/v2/users$)", {"read:users"}, false,
      [&t, params](const ApiRoute::Ids&, const httplib::Request& r) {
        return ListUsers(t, params(r));
      });
  add("GET", "/api/v2/users/{id}", R"(^/api/v2/users/([^/]+)$)", {"read:users"},
      false, [&t](const ApiRoute::Ids& ids, const httplib::Request&) {
        return GetUser(t, ids[0]);
      });
  add("GET", "/api/v2/roles/{id}", R"(^/api/v2/roles/([^/]+)$)", {"read:roles"},
      false, [&t](const ApiRoute::Ids& ids, const httplib::Request&) {
        return GetRole(t, ids[0]);
      });
  add("GET", "/api/v2/clients/{id}", R"(^/api/v2/clients/([^/]+)$)",
      {"read:clients"}, false,
      [&t](const ApiRoute::Ids& ids, const httplib::Request&) {
        return GetClient(t, ids[0]);
      });
  add("GET", "/api/v2/users/{id}/roles", R"(^/api/v2/users/([^/]+)/roles$)",
      {"read:users", "read:roles"}, false,
      [&t, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        return ListUserRoles(t, ids[0], params(r));
      });
  add("GET", "/api/v2/users/{id}/permissions",
      R"(^/api/v2/users/([^/]+)/permissions$)", {"read:users"}, false,
      [&t, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        return ListUserPermissions(t, ids[0], params(r));
      });
  add("GET", "/api/v2/roles", R"(^/api/v2/roles$)", {"read:roles"}, false,
      [&t, params](const ApiRoute::Ids&, const httplib::Request& r) {
        return ListRoles(t, params(r));
      });
  add("GET", "/api/v2/roles/{id}/users", R"(^/api/v2/roles/([^/]+)/users$)",
      {"read:users", "read:roles"}, false,
      [&t, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        return ListRoleUsers(t, ids[0], params(r));
      });
  add("GET", "/api/v2/roles/{id}/permissions",
      R"(^/api/v2/roles/([^/]+)/permissions$)", {"read:roles"}, false,
      [&t, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        return ListRolePermissions(t, ids[0], params(r));
      });
  add("GET", "/api/v2/clients", R"(^/api/v2/clients$)", {"read:clients"}, false,
      [&t, params](const ApiRoute::Ids&, const httplib::Request& r) {
        return ListClients(t, params(r));
      });
  add("GET", "/api/v2/connections", R"(^/api/v2/connections$)",
      {"read:connections"}, false,
      [&t, params](const ApiRoute::Ids&, const httplib::Request& r) {
        return ListConnections(t, params(r));
      });
  add("GET", "/api/v2/connections/{id}/clients",
      R"(^/api/v2/connections/([^/]+)/clients$)", {"read:connections"}, false,
      [&t, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        return ListConnectionClients(t, ids[0], params(r));
      });
  add("GET", "/api/v2/resource-servers", R"(^/api/v2/resource-servers$)",
      {"read:resource_servers"}, false,
      [&t, params](const ApiRoute::Ids&, const httplib::Request& r) {
        return ListResourceServers(t, params(r));
      });
  add("GET", "/api/v2/logs", R"(^/api/v2/logs$)", {"read:logs"}, false,
      [this, params](const ApiRoute::Ids&, const httplib::Request& r)
          ABSL_NO_THREAD_SAFETY_ANALYSIS {
            const absl::Time now = absl::Now();
            WriteLoginNoise(now);
            return ListLogs(logs_, tenant_.domain, params(r), now);
          });
  add("GET", "/api/v2/logs/{id}", R"(^/api/v2/logs/([^/]+)$)", {"read:logs"},
      false, [this](const ApiRoute::Ids& ids, const httplib::Request&) {
        return GetLog(logs_, ids[0], absl::Now());
      });
  add("POST", "/api/v2/jobs/users-exports", R"(^/api/v2/jobs/users-exports$)",
      {"read:users"}, false,
      [this](const ApiRoute::Ids&, const httplib::Request& r) {
        return export_jobs_.Create(r.body, absl::Now());
      });
  add("GET", "/api/v2/groups", R"(^/api/v2/groups$)", {"read:groups"}, false,
      [&t, params](const ApiRoute::Ids&, const httplib::Request& r) {
        return ListGroups(t, params(r));
      });
  add("GET", "/api/v2/groups/{id}/members",
      R"(^/api/v2/groups/([^/]+)/members$)", {"read:group_members"}, false,
      [&t, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        return ListGroupMembers(t, ids[0], params(r));
      });
  add("GET", "/api/v2/groups/{id}/roles", R"(^/api/v2/groups/([^/]+)/roles$)",
      {"read:groups", "read:roles"}, false,
      [&t, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        return ListGroupRoles(t, ids[0], params(r));
      });
  add("GET", "/api/v2/organizations", R"(^/api/v2/organizations$)",
      {"read:organizations"}, false,
      [&t, params](const ApiRoute::Ids&, const httplib::Request& r) {
        return ListOrganizations(t, params(r));
      });
  add("GET", "/api/v2/organizations/{id}/members",
      R"(^/api/v2/organizations/([^/]+)/members$)",
      {"read:organization_members"}, false,
      [this, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        // fields=roles needs one more scope, which only the query reveals.
        const bool with_roles =
            r.has_param("fields") &&
            absl::StrContains(r.get_param_value("fields"), "roles");
        if (with_roles) {
          if (auto denied = Authorize(r, tenant_.management_audience(),
                                      {"read:organization_member_roles"},
                                      /*extension=*/false)) {
            return *denied;
          }
        }
        return ListOrganizationMembers(tenant_, ids[0], params(r), with_roles);
      });
  add("GET", "/api/v2/organizations/{id}/members/{user_id}/roles",
      R"(^/api/v2/organizations/([^/]+)/members/([^/]+)/roles$)",
      {"read:organization_member_roles"}, false,
      [&t, params](const ApiRoute::Ids& ids, const httplib::Request& r) {
        return ListOrganizationMemberRoles(t, ids[0], ids[1], params(r));
      });
  // The spec lists both scopes; its 403 text names create:users. Either works.
  add("GET", "/api/v2/jobs/{id}", R"(^/api/v2/jobs/([^/]+)$)",
      {"create:users", "read:users"}, true,
      [this](const ApiRoute::Ids& ids, const httplib::Request&) {
        return export_jobs_.Get(ids[0], absl::Now());
      });
}

ApiReply Simulator::ExtensionApi(const httplib::Request& request,
                                 std::string& endpoint) {
  return Dispatch(extension_routes_, request,
                  request.path.substr(sizeof(kExtensionPrefix) - 1),
                  kExtensionAudience, /*extension=*/true, endpoint);
}

void Simulator::AddExtensionRoutes() {
  auto add = [this](const std::string& name, const std::string& pattern,
                    const std::string& scope, ApiRoute::Handler handler) {
    ApiRoute route;
    route.method = "GET";
    route.name = absl::StrCat("extension GET ", name);
    route.pattern = std::make_unique<RE2>(pattern);
    route.scopes = {scope};
    route.handler = std::move(handler);
    extension_routes_.push_back(std::move(route));
  };
  using Ids = ApiRoute::Ids;
  using Request = httplib::Request;
  const Tenant& t = tenant_;
  add("/configuration/export", R"(^/configuration/export$)",
      "read:configuration", [&t](const Ids&, const Request&) {
        return ExportExtensionConfiguration(t);
      });
  for (const char* kind : {"groups", "roles", "permissions"}) {
    add(absl::StrCat("/", kind), absl::StrCat("^/", kind, "$"),
        absl::StrCat("read:", kind), [&t, kind](const Ids&, const Request&) {
          return ListExtensionRecords(t, kind);
        });
  }
  add("/groups/{id}", R"(^/groups/([^/]+)$)", "read:groups",
      [&t](const Ids& ids, const Request& r) {
        return GetExtensionGroup(t, ids[0], ParamsOf(r));
      });
  add("/groups/{id}/members", R"(^/groups/([^/]+)/members$)", "read:groups",
      [&t](const Ids& ids, const Request& r) {
        return ListExtensionGroupMembers(t, ids[0], ParamsOf(r));
      });
  add("/groups/{id}/members/nested", R"(^/groups/([^/]+)/members/nested$)",
      "read:groups", [&t](const Ids& ids, const Request& r) {
        return ListExtensionNestedMembers(t, ids[0], ParamsOf(r));
      });
  add("/groups/{id}/nested", R"(^/groups/([^/]+)/nested$)", "read:groups",
      [&t](const Ids& ids, const Request&) {
        return ListExtensionGroupChildren(t, ids[0]);
      });
  add("/groups/{id}/roles", R"(^/groups/([^/]+)/roles$)", "read:groups",
      [&t](const Ids& ids, const Request&) {
        return ListExtensionGroupRoles(t, ids[0], /*with_ancestors=*/false);
      });
  add("/groups/{id}/roles/nested", R"(^/groups/([^/]+)/roles/nested$)",
      "read:groups", [&t](const Ids& ids, const Request&) {
        return ListExtensionGroupRoles(t, ids[0], /*with_ancestors=*/true);
      });
  add("/groups/{id}/mappings", R"(^/groups/([^/]+)/mappings$)", "read:groups",
      [&t](const Ids& ids, const Request&) {
        return ListExtensionGroupMappings(t, ids[0]);
      });
  add("/roles/{id}", R"(^/roles/([^/]+)$)", "read:roles",
      [&t](const Ids& ids, const Request&) {
        return GetExtensionRole(t, ids[0]);
      });
  add("/users/{id}/groups", R"(^/users/([^/]+)/groups$)", "read:groups",
      [&t](const Ids& ids, const Request&) {
        return ListExtensionUserGroups(t, ids[0], /*calculate=*/false);
      });
  add("/users/{id}/groups/calculate", R"(^/users/([^/]+)/groups/calculate$)",
      "read:groups", [&t](const Ids& ids, const Request&) {
        return ListExtensionUserGroups(t, ids[0], /*calculate=*/true);
      });
  add("/users/{id}/roles", R"(^/users/([^/]+)/roles$)", "read:roles",
      [&t](const Ids& ids, const Request&) {
        return ListExtensionUserRoles(t, ids[0], /*calculate=*/false);
      });
  add("/users/{id}/roles/calculate", R"(^/users/([^/]+)/roles/calculate$)",
      "read:roles", [&t](const Ids& ids, const Request&) {
        return ListExtensionUserRoles(t, ids[0], /*calculate=*/true);
      });
}

void Simulator::Count(const std::string& endpoint, int status, size_t bytes,
                      const std::string& refusal) {
  absl::MutexLock lock(&mutex_);
  ++requests_;
  ++requests_by_endpoint_[endpoint];
  if (!refusal.empty()) ++refused_[absl::StrCat(endpoint, " -> ", refusal)];
  if (status == 429) ++rate_limited_;
  bytes_sent_ += static_cast<int64_t>(bytes);
}

Json Simulator::Stats() const {
  absl::MutexLock lock(&mutex_);
  Json by_endpoint = Json::object();
  for (const auto& [endpoint, count] : requests_by_endpoint_)
    by_endpoint[endpoint] = count;
  Json refused = Json::object();
  for (const auto& [reason, count] : refused_) refused[reason] = count;
  return {{"requests", requests_},
          {"requests_by_endpoint", std::move(by_endpoint)},
          {"refused", std::move(refused)},
          {"rate_limited", rate_limited_},
          {"faults_injected", faults_.injected()},
          {"bytes_sent", bytes_sent_}};
}

}  // namespace identitygraph::sim
