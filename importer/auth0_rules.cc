#include "importer/auth0_rules.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "importer/import.h"
#include "importer/re2_util.h"
#include "importer/remediation.h"

namespace identitygraph::importer {
namespace {

constexpr absl::string_view kDomainExample = "your-tenant.us.auth0.com";
constexpr absl::string_view kRegions[] = {"us", "eu", "au", "jp", "uk", "ca"};
constexpr size_t kMaxHostNameLength = 253;
constexpr size_t kMaxLabelLength = 63;
constexpr size_t kMinTenantNameLength = 3;
// How much of an over-long label a message quotes.
constexpr size_t kLabelShown = 20;

// Host-level shapes. Labels are checked one by one before these run, so the
// patterns only need to describe structure.
const LazyRE2 kSchemePrefix = {R"((?i)^([a-z][a-z0-9+.-]*)://)"};
const LazyRE2 kPortSuffix = {R"(:[0-9]*$)"};
const LazyRE2 kHostCharacters = {R"(^[A-Za-z0-9.-]+$)"};
const LazyRE2 kLabel = {R"(^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$)"};
const LazyRE2 kLegacyTenantDomain = {R"(^([^.]+)\.auth0\.com$)"};
const LazyRE2 kRegionalTenantDomain = {R"(^([^.]+)\.([^.]+)\.auth0\.com$)"};
const LazyRE2 kExtensionHostDomain = {R"(\.webtask\.(?:io|run)$)"};
const LazyRE2 kAuth0OwnHost = {
    R"(^(?:auth0\.com|(?:manage|www|cdn|login|community|support|marketplace)\.(?:[a-z]{2}\.)?auth0\.com)$)"};
const LazyRE2 kUrl = {
    R"(^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$)"};
const LazyRE2 kExtensionHost = {
    R"(^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.[a-z]{2}[0-9]{0,2}\.webtask\.(?:io|run)$)"};

RuleViolation Violation(absl::string_view reason, std::string description) {
  return RuleViolation{std::string(reason), std::move(description)};
}

bool HasUppercase(absl::string_view text) {
  for (char c : text) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// Checks the labels of a lowercase host name made of [a-z0-9.-] only.
std::optional<RuleViolation> CheckLabels(absl::string_view host) {
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty()) {
      return Violation(
          "DOMAIN_EMPTY_LABEL",
          absl::StrCat("'", host,
                       "' has an empty label (two dots in a row, or a leading "
                       "dot); enter the domain as e.g. ",
                       kDomainExample));
    }
    if (label.size() > kMaxLabelLength) {
      return Violation(
          "DOMAIN_LABEL_TOO_LONG",
          absl::StrCat("the label '", label.substr(0, kLabelShown), "...' is ",
                       label.size(),
                       " characters long; DNS labels and Auth0 tenant names "
                       "are at most ",
                       kMaxLabelLength));
    }
    if (!RE2::FullMatch(Piece(label), *kLabel)) {
      return Violation(
          "DOMAIN_LABEL_HYPHEN",
          absl::StrCat("the label '", label,
                       "' starts or ends with a hyphen, which host names and "
                       "Auth0 tenant names cannot"));
    }
  }
  return std::nullopt;
}

std::optional<RuleViolation> CheckTenantName(absl::string_view tenant) {
  if (tenant.size() < kMinTenantNameLength) {
    return Violation(
        "DOMAIN_TENANT_TOO_SHORT",
        absl::StrCat("the tenant name '", tenant, "' is shorter than ",
                     kMinTenantNameLength,
                     " characters, the shortest Auth0 allows; "
                     "check the domain under Dashboard > Settings"));
  }
  return std::nullopt;
}

}  // namespace

std::optional<RuleViolation> CheckTenantDomain(
    absl::string_view domain,
    const std::vector<std::string>& private_cloud_suffixes) {
  if (domain.empty()) {
    return Violation(
        "DOMAIN_REQUIRED",
        absl::StrCat(
            "the tenant domain is empty; enter your tenant's domain, e.g. ",
            kDomainExample));
  }
  if (domain.size() > kMaxHostNameLength) {
    return Violation(
        "DOMAIN_TOO_LONG",
        absl::StrCat("the domain is longer than ", kMaxHostNameLength,
                     " characters, the most a host name may have"));
  }
  re2::StringPiece after_scheme = Piece(domain);
  std::string scheme;
  if (RE2::Consume(&after_scheme, *kSchemePrefix, &scheme)) {
    absl::string_view rest(after_scheme.data(), after_scheme.size());
    absl::string_view host = rest.substr(0, rest.find('/'));
    return Violation("DOMAIN_HAS_SCHEME",
                     absl::StrCat("remove the scheme '", scheme,
                                  "://': enter only the host, '", host, "'"));
  }
  size_t slash = domain.find('/');
  if (slash != absl::string_view::npos) {
    return Violation("DOMAIN_HAS_PATH",
                     absl::StrCat("remove the path '", domain.substr(slash),
                                  "': enter only the host, '",
                                  domain.substr(0, slash), "'"));
  }
  if (RE2::PartialMatch(Piece(domain), *kPortSuffix)) {
    return Violation("DOMAIN_HAS_PORT",
                     absl::StrCat("remove the port: enter only the host, '",
                                  domain.substr(0, domain.rfind(':')),
                                  "'; Auth0 is always reached on port 443"));
  }
  if (!RE2::FullMatch(Piece(domain), *kHostCharacters)) {
    return Violation(
        "DOMAIN_INVALID_CHARACTER",
        "the domain may contain only letters, digits, '-' and '.' (no spaces, "
        "'@' "
        "or other characters); enter it as e.g. your-tenant.us.auth0.com");
  }
  if (HasUppercase(domain)) {
    return Violation("DOMAIN_NOT_LOWERCASE",
                     absl::StrCat("write the domain in lowercase: '",
                                  absl::AsciiStrToLower(domain), "'"));
  }
  if (absl::EndsWith(domain, ".")) {
    return Violation("DOMAIN_TRAILING_DOT",
                     absl::StrCat("remove the trailing dot: '",
                                  domain.substr(0, domain.size() - 1), "'"));
  }
  if (auto problem = CheckLabels(domain)) return problem;

  for (const std::string& suffix : private_cloud_suffixes) {
    if (absl::EndsWith(domain, absl::StrCat(".", suffix)) &&
        domain.size() > suffix.size() + 1 &&
        domain.substr(0, domain.size() - suffix.size() - 1).find('.') ==
            absl::string_view::npos) {
      return std::nullopt;
    }
  }
  if (RE2::PartialMatch(Piece(domain), *kExtensionHostDomain)) {
    return Violation(
        "DOMAIN_IS_EXTENSION_HOST",
        absl::StrCat("'", domain,
                     "' is an extension host, not the tenant domain; put the "
                     "Authorization Extension's URL in "
                     "authorization_extension.api_url and the tenant domain "
                     "(e.g. ",
                     kDomainExample, ") here"));
  }
  if (RE2::FullMatch(Piece(domain), *kAuth0OwnHost)) {
    return Violation(
        "DOMAIN_NOT_TENANT",
        absl::StrCat("'", domain,
                     "' is one of Auth0's own hosts, not a tenant; use the "
                     "canonical domain of your tenant, e.g. ",
                     kDomainExample,
                     " (shown in the application's Settings tab)"));
  }
  std::string tenant, region;
  if (RE2::FullMatch(Piece(domain), *kLegacyTenantDomain, &tenant)) {
    return CheckTenantName(tenant);
  }
  if (RE2::FullMatch(Piece(domain), *kRegionalTenantDomain, &tenant, &region)) {
    for (absl::string_view known : kRegions) {
      if (region == known) return CheckTenantName(tenant);
    }
    return Violation(
        "DOMAIN_UNKNOWN_REGION",
        absl::StrCat("'", region,
                     "' is not an Auth0 region; the public cloud regions are ",
                     absl::StrJoin(kRegions, ", "), ", as in ", tenant,
                     ".us.auth0.com"));
  }
  if (absl::EndsWith(domain, ".auth0.com")) {
    return Violation(
        "DOMAIN_NOT_CANONICAL",
        absl::StrCat(
            "'", domain,
            "' is not a tenant domain of the form TENANT.REGION.auth0.com; "
            "for an Auth0 Private Cloud deployment, start the server with "
            "--private_cloud_domain_suffixes naming its suffix"));
  }
  return Violation(
      "DOMAIN_CUSTOM",
      absl::StrCat(
          "'", domain,
          "' looks like a custom login domain; use the canonical "
          "your-tenant.REGION.auth0.com domain instead (shown as Domain "
          "in the application's Settings tab): the Management API "
          "audience is always on the canonical domain"));
}

namespace {

// The parts of an extension API URL, or why it is not one.
struct ExtensionUrl {
  std::string scheme, host, path, query, fragment;
};

// Checks where requests to `url` would go: https, to an Authorization
// Extension host, with no user name or port. The path is the full check's.
std::optional<RuleViolation> CheckExtensionHost(absl::string_view url,
                                                ExtensionUrl* parts) {
  if (url.empty()) {
    return Violation("EXTENSION_URL_REQUIRED",
                     "the Authorization Extension is enabled but its API URL "
                     "is empty; copy the URL from the extension's API page "
                     "(Authorization Dashboard > tenant menu > API)");
  }
  if (!RE2::FullMatch(Piece(url), *kUrl, &parts->scheme, &parts->host,
                      &parts->path, &parts->query, &parts->fragment)) {
    return Violation(
        "EXTENSION_URL_NOT_URL",
        absl::StrCat("'", url,
                     "' is not a URL; it looks like https://TENANT."
                     "REGION.webtask.io",
                     kExtensionApiPath));
  }
  const std::string& host = parts->host;
  if (absl::AsciiStrToLower(parts->scheme) != "https") {
    return Violation(
        "EXTENSION_URL_NOT_HTTPS",
        absl::StrCat("the URL uses ", parts->scheme,
                     "; the extension API is only reached over https"));
  }
  if (absl::StrContains(host, '@') ||
      RE2::PartialMatch(Piece(host), *kPortSuffix)) {
    return Violation(
        "EXTENSION_URL_HAS_USERINFO_OR_PORT",
        "remove the user name or port from the URL; use it exactly as the "
        "extension's API page shows it");
  }
  if (HasUppercase(host)) {
    return Violation("EXTENSION_URL_NOT_LOWERCASE",
                     absl::StrCat("write the host in lowercase: ",
                                  absl::AsciiStrToLower(host)));
  }
  if (!RE2::FullMatch(Piece(host), *kExtensionHost)) {
    return Violation(
        "EXTENSION_URL_HOST",
        absl::StrCat(
            "'", host,
            "' is not an Authorization Extension host; the API URL looks "
            "like https://TENANT.REGION.webtask.io",
            kExtensionApiPath,
            " (or .webtask.run), as shown on the extension's API page"));
  }
  return std::nullopt;
}

}  // namespace

std::optional<RuleViolation> CheckExtensionApiUrl(absl::string_view url) {
  ExtensionUrl parts;
  if (auto problem = CheckExtensionHost(url, &parts)) return problem;
  if (!parts.query.empty() || !parts.fragment.empty()) {
    return Violation(
        "EXTENSION_URL_HAS_QUERY",
        "remove the query or fragment (after '?' or '#') from the URL");
  }
  if (parts.path != kExtensionApiPath &&
      parts.path != absl::StrCat(kExtensionApiPath, "/")) {
    return Violation(
        "EXTENSION_URL_PATH",
        absl::StrCat("the path must be ", kExtensionApiPath, ", not '",
                     parts.path,
                     "'; copy the whole URL from the extension's API page"));
  }
  return std::nullopt;
}

absl::Status CheckPrivateCloudSuffix(absl::string_view suffix) {
  if (suffix.empty() || absl::StartsWith(suffix, ".") ||
      absl::EndsWith(suffix, ".") ||
      !RE2::FullMatch(Piece(suffix), *kHostCharacters) ||
      HasUppercase(suffix) || CheckLabels(suffix).has_value() ||
      suffix.find('.') == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", suffix,
                     "' is not a host-name suffix; give lowercase labels "
                     "joined by dots without leading "
                     "or trailing dots, e.g. mycompany.auth0app.com"));
  }
  return absl::OkStatus();
}

CompiledPattern CompileConnectionPattern(absl::string_view pattern) {
  CompiledPattern out;
  if (pattern.empty()) {
    out.problem = Violation("PATTERN_EMPTY",
                            "the pattern is empty; remove it, or write '.*' "
                            "if every connection should be imported");
    return out;
  }
  if (pattern.size() > kMaxConnectionPatternLength) {
    out.problem =
        Violation("PATTERN_TOO_LONG",
                  absl::StrCat("the pattern is ", pattern.size(),
                               " characters long; at most ",
                               kMaxConnectionPatternLength, " are allowed"));
    return out;
  }
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kConnectionPatternMaxMemory);
  auto re = std::make_unique<RE2>(Piece(pattern), options);
  if (!re->ok()) {
    out.problem = Violation(
        "PATTERN_INVALID",
        absl::StrCat("the pattern '", pattern,
                     "' is not valid RE2 syntax: ", re->error(),
                     " (see https://github.com/google/re2/wiki/Syntax)"));
  } else if (re->ProgramSize() > kMaxConnectionPatternProgramSize) {
    out.problem = Violation(
        "PATTERN_TOO_COMPLEX",
        absl::StrCat("the pattern compiles to ", re->ProgramSize(),
                     " instructions, more than the ",
                     kMaxConnectionPatternProgramSize,
                     " allowed; simplify it (large counted repetitions like "
                     "{1000} are the usual cause)"));
  } else {
    out.re = std::move(re);
  }
  return out;
}

absl::Status CheckTenantHosts(const TenantConfig& config) {
  if (std::optional<RuleViolation> problem =
          CheckTenantDomain(config.domain, config.private_cloud_suffixes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "refusing to contact '", config.domain,
        "': it is not an Auth0 tenant domain (", problem->description, ")"));
  }
  if (config.extension.enabled) {
    // Where requests go is what matters here; a wrong path on the right host
    // only fails (404), which TestConnection's extension check reports.
    ExtensionUrl parts;
    if (std::optional<RuleViolation> problem =
            CheckExtensionHost(config.extension.api_url, &parts)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to contact the Authorization Extension at '",
          config.extension.api_url, "' (", problem->description, ")"));
    }
  }
  return absl::OkStatus();
}

std::vector<Capability> Capabilities(bool include_organizations) {
  std::vector<Capability> out = {
      {"users", "users", {"read:users"}, true},
      {"connections", "connections", {"read:connections"}, true},
      {"applications", "applications", {"read:clients"}, true},
      {"roles", "roles and their members", {"read:roles"}, true},
      {"apis", "API names", {"read:resource_servers"}, false},
      {"groups",
       "native (SCIM) groups",
       {"read:groups", "read:group_members"},
       false},
  };
  if (include_organizations) {
    out.push_back({"organizations",
                   "organizations",
                   {"read:organizations", "read:organization_members"},
                   false});
    out.push_back({"organization_roles",
                   "roles held within organizations",
                   {"read:organization_member_roles"},
                   false});
  }
  return out;
}

const Capability& FollowChangesCapability() {
  static const Capability* const kChanges =
      new Capability{"changes",
                     "the tenant's log events (to follow changes)",
                     {"read:logs"},
                     true};
  return *kChanges;
}

const Capability& CapabilityNamed(absl::string_view name) {
  static const std::vector<Capability>* const kAll =
      new std::vector<Capability>(Capabilities(/*include_organizations=*/true));
  for (const Capability& capability : *kAll) {
    if (capability.name == name) return capability;
  }
  return kAll->front();  // unreachable for the names this file defines
}

bool ExtensionPermissionsReadable(const std::vector<std::string>& scopes) {
  return std::find(scopes.begin(), scopes.end(), "read:configuration") !=
             scopes.end() ||
         std::find(scopes.begin(), scopes.end(), "read:permissions") !=
             scopes.end();
}

absl::Status CheckExtensionScopes(const std::vector<std::string>& scopes) {
  auto has = [&](absl::string_view scope) {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  };
  if (has("read:configuration") || (has("read:groups") && has("read:roles"))) {
    return absl::OkStatus();
  }
  return WithRemediation(
      absl::PermissionDeniedError(absl::StrCat(
          "the extension token lacks read:configuration (or read:groups and "
          "read:roles); it has: ",
          scopes.empty() ? "none" : absl::StrJoin(scopes, " "))),
      GrantScopes("read:configuration", kExtensionApiName));
}

}  // namespace identitygraph::importer
