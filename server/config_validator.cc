#include "server/config_validator.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "re2/re2.h"
#include "server/re2_util.h"

namespace identitygraph {
namespace {

constexpr absl::string_view kDomainExample = "your-tenant.us.auth0.com";
constexpr absl::string_view kRegions[] = {"us", "eu", "au", "jp", "uk", "ca"};
constexpr absl::string_view kExtensionPath =
    "/adf6e2f2b84784b57522e3b19dfc9201/api";

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
const LazyRE2 kClientId = {R"(^[A-Za-z0-9_-]+$)"};
const LazyRE2 kConnectionName = {
    R"(^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$)"};
const LazyRE2 kPrintableNoSpace = {R"(^[\x21-\x7e]+$)"};

FieldViolation Violation(absl::string_view field, absl::string_view reason,
                         std::string description) {
  return FieldViolation{std::string(field), std::string(reason),
                        std::move(description)};
}

bool HasUppercase(absl::string_view text) {
  for (char c : text) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// Checks the labels of a lowercase host name made of [a-z0-9.-] only.
std::optional<FieldViolation> CheckLabels(absl::string_view host,
                                          absl::string_view field) {
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty()) {
      return Violation(
          field, "DOMAIN_EMPTY_LABEL",
          absl::StrCat("'", host,
                       "' has an empty label (two dots in a row, or a leading "
                       "dot); enter the domain as e.g. ",
                       kDomainExample));
    }
    if (label.size() > 63) {
      return Violation(
          field, "DOMAIN_LABEL_TOO_LONG",
          absl::StrCat("the label '", label.substr(0, 20), "...' is ",
                       label.size(),
                       " characters long; DNS labels and Auth0 tenant names "
                       "are at most 63"));
    }
    if (!RE2::FullMatch(Piece(label), *kLabel)) {
      return Violation(
          field, "DOMAIN_LABEL_HYPHEN",
          absl::StrCat("the label '", label,
                       "' starts or ends with a hyphen, which host names and "
                       "Auth0 tenant names cannot"));
    }
  }
  return std::nullopt;
}

std::optional<FieldViolation> CheckTenantName(absl::string_view tenant,
                                              absl::string_view field) {
  if (tenant.size() < 3) {
    return Violation(
        field, "DOMAIN_TENANT_TOO_SHORT",
        absl::StrCat(
            "the tenant name '", tenant,
            "' is shorter than 3 characters, the shortest Auth0 allows; "
            "check the domain under Dashboard > Settings"));
  }
  return std::nullopt;
}

void CheckClientSecret(const v1::Config& config, bool updated,
                       std::vector<FieldViolation>& out) {
  constexpr absl::string_view kField = "config.client_secret";
  const std::string& secret = config.client_secret();
  // The secret itself never appears in a description: only what kind of mistake
  // it has.
  if (secret.empty()) {
    if (updated) {
      out.push_back(Violation(
          kField, "CLIENT_SECRET_REQUIRED",
          "the client secret is empty; paste the Client Secret from the "
          "Machine-to-Machine application's Settings tab"));
    }
    return;
  }
  if (secret.size() > kMaxClientSecretLength) {
    out.push_back(
        Violation(kField, "CLIENT_SECRET_TOO_LONG",
                  absl::StrCat("the client secret is longer than ",
                               kMaxClientSecretLength,
                               " characters; copy only the Client Secret")));
    return;
  }
  if (absl::ascii_isspace(static_cast<unsigned char>(secret.front())) ||
      absl::ascii_isspace(static_cast<unsigned char>(secret.back()))) {
    out.push_back(Violation(
        kField, "CLIENT_SECRET_WHITESPACE",
        "the client secret starts or ends with white space; copy it again "
        "without surrounding spaces or line breaks"));
    return;
  }
  if (!RE2::FullMatch(Piece(secret), *kPrintableNoSpace)) {
    out.push_back(Violation(
        kField, "CLIENT_SECRET_INVALID_CHARACTER",
        "the client secret contains spaces or non-printable characters, "
        "which Auth0 secrets never do; copy it again from the Settings tab"));
  }
}

void CheckClientId(const v1::Config& config, bool updated,
                   std::vector<FieldViolation>& out) {
  constexpr absl::string_view kField = "config.client_id";
  const std::string& id = config.client_id();
  if (id.empty()) {
    if (updated) {
      out.push_back(
          Violation(kField, "CLIENT_ID_REQUIRED",
                    "the client id is empty; copy the Client ID from the "
                    "Machine-to-Machine application's Settings tab"));
    }
    return;
  }
  if (id.size() > kMaxClientIdLength ||
      !RE2::FullMatch(Piece(id), *kClientId)) {
    out.push_back(Violation(
        kField, "CLIENT_ID_INVALID",
        absl::StrCat("the client id must be at most ", kMaxClientIdLength,
                     " letters, digits, '-' or '_' (Auth0 client ids are "
                     "32 of them); copy the Client ID from the "
                     "application's Settings tab")));
  }
}

void CheckConnections(const v1::Config& config,
                      std::vector<FieldViolation>& out) {
  if (config.connections_size() > kMaxConnections) {
    out.push_back(Violation(
        "config.connections", "TOO_MANY_CONNECTIONS",
        absl::StrCat(config.connections_size(),
                     " connections are listed; at most ", kMaxConnections,
                     " are allowed: use connection_patterns for families "
                     "of connections")));
    return;
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < config.connections_size(); ++i) {
    const std::string& name = config.connections(i);
    std::string field = absl::StrCat("config.connections[", i, "]");
    if (name.empty()) {
      out.push_back(Violation(
          field, "CONNECTION_EMPTY",
          "the connection name is empty; remove it or enter the name of a "
          "connection from Authentication in the Auth0 Dashboard"));
    } else if (name.size() > kMaxConnectionNameLength) {
      out.push_back(Violation(
          field, "CONNECTION_TOO_LONG",
          absl::StrCat("the connection name is ", name.size(),
                       " characters long; Auth0 connection names are at "
                       "most ",
                       kMaxConnectionNameLength)));
    } else if (!RE2::FullMatch(Piece(name), *kConnectionName)) {
      out.push_back(Violation(
          field, "CONNECTION_INVALID",
          absl::StrCat(
              "'", name,
              "' is not a connection name: Auth0 connection names have "
              "letters, "
              "digits and inner hyphens only. Use the connection's name, not "
              "its "
              "display name, or put a pattern in connection_patterns")));
    } else if (!seen.insert(name).second) {
      out.push_back(Violation(
          field, "CONNECTION_DUPLICATE",
          absl::StrCat("'", name, "' is listed twice; list it once")));
    }
  }
}

void CheckConnectionPatterns(const v1::Config& config,
                             std::vector<FieldViolation>& out) {
  if (config.connection_patterns_size() > kMaxConnectionPatterns) {
    out.push_back(Violation(
        "config.connection_patterns", "TOO_MANY_PATTERNS",
        absl::StrCat(config.connection_patterns_size(),
                     " patterns are listed; at most ", kMaxConnectionPatterns,
                     " are allowed: combine them with '|'")));
    return;
  }
  for (int i = 0; i < config.connection_patterns_size(); ++i) {
    const std::string& pattern = config.connection_patterns(i);
    std::string field = absl::StrCat("config.connection_patterns[", i, "]");
    if (pattern.empty()) {
      out.push_back(
          Violation(field, "PATTERN_EMPTY",
                    "the pattern is empty; remove it, or write '.*' if every "
                    "connection should be imported"));
      continue;
    }
    if (pattern.size() > kMaxConnectionPatternLength) {
      out.push_back(
          Violation(field, "PATTERN_TOO_LONG",
                    absl::StrCat("the pattern is ", pattern.size(),
                                 " characters long; at most ",
                                 kMaxConnectionPatternLength, " are allowed")));
      continue;
    }
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(1 << 20);
    RE2 re(pattern, options);
    if (!re.ok()) {
      out.push_back(Violation(
          field, "PATTERN_INVALID",
          absl::StrCat("the pattern '", pattern,
                       "' is not valid RE2 syntax: ", re.error(),
                       " (see https://github.com/google/re2/wiki/Syntax)")));
    } else if (re.ProgramSize() > kMaxConnectionPatternProgramSize) {
      out.push_back(
          Violation(field, "PATTERN_TOO_COMPLEX",
                    absl::StrCat("the pattern compiles to ", re.ProgramSize(),
                                 " instructions, more than the ",
                                 kMaxConnectionPatternProgramSize,
                                 " allowed; simplify it (large counted "
                                 "repetitions like {1000} are "
                                 "the usual cause)")));
    }
  }
}

void CheckExtension(const v1::AuthorizationExtension& extension,
                    std::vector<FieldViolation>& out) {
  constexpr absl::string_view kUrlField =
      "config.authorization_extension.api_url";
  const std::string& url = extension.api_url();
  if (url.empty()) {
    if (extension.enabled()) {
      out.push_back(Violation(
          kUrlField, "EXTENSION_URL_REQUIRED",
          "the Authorization Extension is enabled but its API URL is empty; "
          "copy the URL from the extension's API page (Authorization "
          "Dashboard > tenant menu > API)"));
    }
  } else {
    std::string scheme, host, path, query, fragment;
    if (!RE2::FullMatch(Piece(url), *kUrl, &scheme, &host, &path, &query,
                        &fragment)) {
      out.push_back(
          Violation(kUrlField, "EXTENSION_URL_NOT_URL",
                    absl::StrCat("'", url,
                                 "' is not a URL; it looks like https://TENANT."
                                 "REGION.webtask.io",
                                 kExtensionPath)));
    } else if (absl::AsciiStrToLower(scheme) != "https") {
      out.push_back(Violation(
          kUrlField, "EXTENSION_URL_NOT_HTTPS",
          absl::StrCat("the URL uses ", scheme,
                       "; the extension API is only reached over https")));
    } else if (absl::StrContains(host, '@') ||
               RE2::PartialMatch(Piece(host), *kPortSuffix)) {
      out.push_back(Violation(
          kUrlField, "EXTENSION_URL_HAS_USERINFO_OR_PORT",
          "remove the user name or port from the URL; use it exactly as the "
          "extension's API page shows it"));
    } else if (HasUppercase(host)) {
      out.push_back(Violation(kUrlField, "EXTENSION_URL_NOT_LOWERCASE",
                              absl::StrCat("write the host in lowercase: ",
                                           absl::AsciiStrToLower(host))));
    } else if (!RE2::FullMatch(Piece(host), *kExtensionHost)) {
      out.push_back(Violation(
          kUrlField, "EXTENSION_URL_HOST",
          absl::StrCat(
              "'", host,
              "' is not an Authorization Extension host; the API URL looks "
              "like "
              "https://TENANT.REGION.webtask.io",
              kExtensionPath,
              " (or .webtask.run), as shown on the extension's API page")));
    } else if (!query.empty() || !fragment.empty()) {
      out.push_back(Violation(
          kUrlField, "EXTENSION_URL_HAS_QUERY",
          "remove the query or fragment (after '?' or '#') from the URL"));
    } else if (path != kExtensionPath &&
               path != absl::StrCat(kExtensionPath, "/")) {
      out.push_back(Violation(
          kUrlField, "EXTENSION_URL_PATH",
          absl::StrCat("the path must be ", kExtensionPath, ", not '", path,
                       "'; copy the whole URL from the extension's API page")));
    }
  }
  const std::string& audience = extension.audience();
  if (!audience.empty() &&
      (audience.size() > kMaxAudienceLength ||
       !RE2::FullMatch(Piece(audience), *kPrintableNoSpace))) {
    out.push_back(Violation(
        "config.authorization_extension.audience", "EXTENSION_AUDIENCE_INVALID",
        absl::StrCat("the audience must be at most ", kMaxAudienceLength,
                     " printable characters without spaces; leave it "
                     "empty for the default ",
                     kDefaultExtensionAudience)));
  }
}

void CheckImportOptions(const v1::ImportOptions& options,
                        std::vector<FieldViolation>& out) {
  if (!options.has_rescan_interval()) return;
  constexpr absl::string_view kField = "config.import_options.rescan_interval";
  const auto& interval = options.rescan_interval();
  int64_t seconds = interval.seconds();
  if (seconds < 0 || interval.nanos() < 0 || interval.nanos() >= 1000000000) {
    out.push_back(Violation(
        kField, "RESCAN_INTERVAL_INVALID",
        "the rescan interval is negative or malformed; give e.g. \"3600s\", "
        "or \"0s\" to turn scheduled scans off"));
  } else if ((seconds != 0 || interval.nanos() != 0) &&
             seconds < kMinRescanIntervalSeconds) {
    out.push_back(Violation(
        kField, "RESCAN_INTERVAL_TOO_SHORT",
        absl::StrCat("the rescan interval must be at least ",
                     kMinRescanIntervalSeconds,
                     "s, so scans stay within Auth0's rate limits; \"0s\" "
                     "turns scheduled scans off")));
  } else if (seconds > kMaxRescanIntervalSeconds) {
    out.push_back(
        Violation(kField, "RESCAN_INTERVAL_TOO_LONG",
                  absl::StrCat("the rescan interval must be at most ",
                               kMaxRescanIntervalSeconds, "s (7 days)")));
  }
}

}  // namespace

std::optional<FieldViolation> CheckTenantDomain(
    absl::string_view domain, absl::string_view field,
    const ValidatorOptions& options) {
  if (domain.empty()) {
    return Violation(
        field, "DOMAIN_REQUIRED",
        absl::StrCat(
            "the tenant domain is empty; enter your tenant's domain, e.g. ",
            kDomainExample));
  }
  if (domain.size() > 253) {
    return Violation(field, "DOMAIN_TOO_LONG",
                     "the domain is longer than 253 characters, the most a "
                     "host name may have");
  }
  re2::StringPiece after_scheme = Piece(domain);
  std::string scheme;
  if (RE2::Consume(&after_scheme, *kSchemePrefix, &scheme)) {
    absl::string_view rest(after_scheme.data(), after_scheme.size());
    absl::string_view host = rest.substr(0, rest.find('/'));
    return Violation(field, "DOMAIN_HAS_SCHEME",
                     absl::StrCat("remove the scheme '", scheme,
                                  "://': enter only the host, '", host, "'"));
  }
  size_t slash = domain.find('/');
  if (slash != absl::string_view::npos) {
    return Violation(field, "DOMAIN_HAS_PATH",
                     absl::StrCat("remove the path '", domain.substr(slash),
                                  "': enter only the host, '",
                                  domain.substr(0, slash), "'"));
  }
  if (RE2::PartialMatch(Piece(domain), *kPortSuffix)) {
    return Violation(field, "DOMAIN_HAS_PORT",
                     absl::StrCat("remove the port: enter only the host, '",
                                  domain.substr(0, domain.rfind(':')),
                                  "'; Auth0 is always reached on port 443"));
  }
  if (!RE2::FullMatch(Piece(domain), *kHostCharacters)) {
    return Violation(
        field, "DOMAIN_INVALID_CHARACTER",
        "the domain may contain only letters, digits, '-' and '.' (no spaces, "
        "'@' "
        "or other characters); enter it as e.g. your-tenant.us.auth0.com");
  }
  if (HasUppercase(domain)) {
    return Violation(field, "DOMAIN_NOT_LOWERCASE",
                     absl::StrCat("write the domain in lowercase: '",
                                  absl::AsciiStrToLower(domain), "'"));
  }
  if (absl::EndsWith(domain, ".")) {
    return Violation(field, "DOMAIN_TRAILING_DOT",
                     absl::StrCat("remove the trailing dot: '",
                                  domain.substr(0, domain.size() - 1), "'"));
  }
  if (auto problem = CheckLabels(domain, field)) return problem;

  for (const std::string& suffix : options.private_cloud_domain_suffixes) {
    if (absl::EndsWith(domain, absl::StrCat(".", suffix)) &&
        domain.size() > suffix.size() + 1 &&
        domain.substr(0, domain.size() - suffix.size() - 1).find('.') ==
            absl::string_view::npos) {
      return std::nullopt;
    }
  }
  if (RE2::PartialMatch(Piece(domain), *kExtensionHostDomain)) {
    return Violation(
        field, "DOMAIN_IS_EXTENSION_HOST",
        absl::StrCat("'", domain,
                     "' is an extension host, not the tenant domain; put the "
                     "Authorization Extension's URL in "
                     "authorization_extension.api_url and the tenant domain "
                     "(e.g. ",
                     kDomainExample, ") here"));
  }
  if (RE2::FullMatch(Piece(domain), *kAuth0OwnHost)) {
    return Violation(
        field, "DOMAIN_NOT_TENANT",
        absl::StrCat("'", domain,
                     "' is one of Auth0's own hosts, not a tenant; use the "
                     "canonical domain of your tenant, e.g. ",
                     kDomainExample,
                     " (shown in the application's Settings tab)"));
  }
  std::string tenant, region;
  if (RE2::FullMatch(Piece(domain), *kLegacyTenantDomain, &tenant)) {
    return CheckTenantName(tenant, field);
  }
  if (RE2::FullMatch(Piece(domain), *kRegionalTenantDomain, &tenant, &region)) {
    for (absl::string_view known : kRegions) {
      if (region == known) return CheckTenantName(tenant, field);
    }
    return Violation(
        field, "DOMAIN_UNKNOWN_REGION",
        absl::StrCat("'", region,
                     "' is not an Auth0 region; the public cloud regions are ",
                     absl::StrJoin(kRegions, ", "), ", as in ", tenant,
                     ".us.auth0.com"));
  }
  if (absl::EndsWith(domain, ".auth0.com")) {
    return Violation(
        field, "DOMAIN_NOT_CANONICAL",
        absl::StrCat(
            "'", domain,
            "' is not a tenant domain of the form TENANT.REGION.auth0.com; "
            "for an Auth0 Private Cloud deployment, start the server with "
            "--private_cloud_domain_suffixes naming its suffix"));
  }
  return Violation(
      field, "DOMAIN_CUSTOM",
      absl::StrCat(
          "'", domain,
          "' looks like a custom login domain; use the canonical "
          "your-tenant.REGION.auth0.com domain instead (shown as Domain "
          "in the application's Settings tab): the Management API "
          "audience is always on the canonical domain"));
}

std::vector<FieldViolation> ValidateConfig(
    const v1::Config& config,
    const absl::flat_hash_set<std::string>& updated_paths,
    const ValidatorOptions& options) {
  std::vector<FieldViolation> out;
  if (!config.domain().empty() || updated_paths.contains("domain")) {
    if (auto problem =
            CheckTenantDomain(config.domain(), "config.domain", options)) {
      out.push_back(*std::move(problem));
    }
  }
  CheckClientId(config, updated_paths.contains("client_id"), out);
  CheckClientSecret(config, updated_paths.contains("client_secret"), out);
  CheckConnections(config, out);
  CheckConnectionPatterns(config, out);
  CheckExtension(config.authorization_extension(), out);
  CheckImportOptions(config.import_options(), out);
  return out;
}

absl::Status CheckPrivateCloudSuffix(absl::string_view suffix) {
  if (suffix.empty() || absl::StartsWith(suffix, ".") ||
      absl::EndsWith(suffix, ".") ||
      !RE2::FullMatch(Piece(suffix), *kHostCharacters) ||
      HasUppercase(suffix) || CheckLabels(suffix, "suffix").has_value() ||
      suffix.find('.') == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", suffix,
                     "' is not a host-name suffix; give lowercase labels "
                     "joined by dots without leading "
                     "or trailing dots, e.g. mycompany.auth0app.com"));
  }
  return absl::OkStatus();
}

}  // namespace identitygraph
