#include "importer/token_source.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "importer/auth0_api.h"
#include "importer/auth0_rules.h"
#include "importer/remediation.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

// Parses Auth0's JSON into a wire message, ignoring fields it does not know.
template <typename Message>
bool ParsesAs(const std::string& json, Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(json, message, options)
      .ok();
}

constexpr char kRetryAfterPayload[] = "type.identitygraph.dev/retry-after-ms";

absl::Status TokenError(const HttpResponse& response, const std::string& domain,
                        const std::string& audience, absl::Time now) {
  wire::OAuthError error;
  const bool parsed = ParsesAs(response.body, &error) && !error.error().empty();
  const std::string said = parsed ? absl::StrCat(" (", error.error(), ": ",
                                                 error.error_description(), ")")
                                  : "";
  const bool extension = audience == kDefaultExtensionAudience;
  if (response.status == 401) {
    return WithRemediation(
        absl::UnauthenticatedError(
            absl::StrCat("Auth0 refused the client credentials", said)),
        absl::StrCat("Check the client id, the client secret and the tenant "
                     "domain (",
                     domain,
                     "); copy them again from the application's Settings "
                     "tab"));
  }
  if (response.status == 403 && error.error() == "unauthorized_client") {
    return WithRemediation(
        absl::PermissionDeniedError(absl::StrCat(
            "the application may not use the client credentials grant", said)),
        "Make it a Machine to Machine application, or turn on Client "
        "Credentials under its Settings > Advanced > Grant Types");
  }
  if (response.status == 403 &&
      absl::StrContains(error.error_description(), "Service not enabled")) {
    return WithRemediation(
        absl::PermissionDeniedError(
            absl::StrCat(audience, " is not an API of tenant ", domain, said)),
        extension ? "Turn on API access in the Authorization Extension "
                    "(tenant menu > API), or check Config.authorization_"
                    "extension.audience"
                  : "Check the tenant domain");
  }
  if (response.status == 403) {
    return WithRemediation(
        absl::PermissionDeniedError(absl::StrCat(
            "the application is not authorised for ", audience, said)),
        extension
            ? "Authorise it for auth0-authorization-extension-api under "
              "Applications > APIs > auth0-authorization-extension-api > "
              "Machine to Machine Applications"
            : "Authorise it for the Auth0 Management API (not a custom API) "
              "under Applications > APIs > Auth0 Management API > Machine to "
              "Machine Applications");
  }
  absl::Status status = WithRemediation(
      absl::UnavailableError(absl::StrCat("Auth0's token endpoint answered ",
                                          response.status, said)),
      "Try again later; if it persists, check status.auth0.com");
  if (response.status == 429) {
    // The token endpoint has a rate limit of its own: its headers say when
    // to come back, which beats a guessed backoff.
    absl::Duration wait = absl::Seconds(1);
    if (auto after = HeaderNumber(response.headers, "retry-after")) {
      wait = absl::Seconds(*after);
    } else if (auto reset =
                   HeaderNumber(response.headers, "x-ratelimit-reset")) {
      wait =
          std::max(absl::ZeroDuration(), absl::FromUnixSeconds(*reset) - now);
    }
    status.SetPayload(
        kRetryAfterPayload,
        absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(wait))));
  }
  return status;
}

}  // namespace

std::optional<absl::Duration> RetryAfterOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryAfterPayload);
  int64_t ms = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &ms))
    return std::nullopt;
  return absl::Milliseconds(ms);
}

bool Token::HasScope(const std::string& scope) const {
  for (const std::string& granted : scopes) {
    if (granted == scope) return true;
  }
  return false;
}

absl::Duration RefreshMargin(absl::Duration lifetime,
                             absl::Duration max_margin) {
  return std::min(max_margin, lifetime * kRefreshFraction);
}

bool TokenSource::FreshEnough(const Token& token) const {
  return now_() + RefreshMargin(token.expires - token.issued, refresh_margin_) <
         token.expires;
}

TokenSource::TokenSource(HttpClient* http, ClientCredentials credentials,
                         absl::Duration refresh_margin,
                         std::function<absl::Time()> now)
    : http_(http),
      credentials_(std::move(credentials)),
      refresh_margin_(refresh_margin),
      now_(std::move(now)) {}

absl::StatusOr<Token> TokenSource::Get(const std::string& audience,
                                       bool force_refresh) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tokens_.find(audience);
  if (!force_refresh && it != tokens_.end() && FreshEnough(it->second)) {
    return it->second;
  }
  absl::StatusOr<Token> token = Request(audience);
  if (!token.ok()) return token.status();
  tokens_[audience] = *token;
  return token;
}

absl::StatusOr<Token> TokenSource::Replace(const std::string& audience,
                                           const std::string& rejected) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = tokens_.find(audience);
    // Another caller already replaced it.
    if (it != tokens_.end() && it->second.access_token != rejected &&
        FreshEnough(it->second)) {
      return it->second;
    }
  }
  return Get(audience, /*force_refresh=*/true);
}

int TokenSource::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

absl::StatusOr<Token> TokenSource::Request(const std::string& audience) {
  ++requests_;
  HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat("https://", credentials_.domain, "/oauth/token");
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body =
      absl::StrCat("grant_type=client_credentials&client_id=",
                   UrlEncode(credentials_.client_id),
                   "&client_secret=", UrlEncode(credentials_.client_secret),
                   "&audience=", UrlEncode(audience));
  const absl::Time sent = now_();
  absl::StatusOr<HttpResponse> response = http_->Send(request);
  if (!response.ok()) {
    if (absl::IsInvalidArgument(response.status())) return response.status();
    return WithRemediation(
        absl::UnavailableError(response.status().message()),
        absl::StrCat("Check that this server can reach https://",
                     credentials_.domain,
                     " (DNS, firewall, outbound proxy) and that the tenant "
                     "domain is right"));
  }
  if (response->status != 200)
    return TokenError(*response, credentials_.domain, audience, now_());
  wire::TokenResponse parsed;
  if (!ParsesAs(response->body, &parsed) || parsed.access_token().empty() ||
      parsed.expires_in() <= 0) {
    return absl::UnavailableError(
        "Auth0's token endpoint answered 200 without a usable token; try again "
        "later");
  }
  Token token;
  token.access_token = parsed.access_token();
  // Counted from when the request left, so the token never outlives Auth0's
  // view of it.
  token.issued = sent;
  token.expires = sent + absl::Seconds(parsed.expires_in());
  token.scopes = absl::StrSplit(parsed.scope(), ' ', absl::SkipEmpty());
  return token;
}

}  // namespace identitygraph::importer
