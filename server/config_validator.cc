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
#include "importer/auth0_rules.h"
#include "importer/import.h"
#include "importer/re2_util.h"
#include "re2/re2.h"

namespace identitygraph {
namespace {

const LazyRE2 kClientId = {R"(^[A-Za-z0-9_-]+$)"};
const LazyRE2 kConnectionName = {
    R"(^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$)"};
const LazyRE2 kPrintableNoSpace = {R"(^[\x21-\x7e]+$)"};

FieldViolation Violation(absl::string_view field, absl::string_view reason,
                         std::string description) {
  return FieldViolation{std::string(field), std::string(reason),
                        std::move(description)};
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
    importer::CompiledPattern compiled =
        importer::CompileConnectionPattern(pattern);
    if (compiled.problem.has_value()) {
      out.push_back(Violation(field, compiled.problem->reason,
                              std::move(compiled.problem->description)));
    }
  }
}

void CheckExtension(const v1::AuthorizationExtension& extension,
                    std::vector<FieldViolation>& out) {
  constexpr absl::string_view kUrlField =
      "config.authorization_extension.api_url";
  if (extension.enabled() || !extension.api_url().empty()) {
    if (std::optional<importer::RuleViolation> problem =
            importer::CheckExtensionApiUrl(extension.api_url())) {
      out.push_back(Violation(kUrlField, problem->reason,
                              std::move(problem->description)));
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

void CheckRescanInterval(const v1::ImportOptions& options,
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

void CheckChangePollInterval(const v1::ImportOptions& options,
                             std::vector<FieldViolation>& out) {
  if (!options.has_change_poll_interval()) return;
  constexpr absl::string_view kField =
      "config.import_options.change_poll_interval";
  const auto& interval = options.change_poll_interval();
  const int64_t seconds = interval.seconds();
  const bool zero = seconds == 0 && interval.nanos() == 0;
  if (seconds < 0 || interval.nanos() < 0 || interval.nanos() >= 1000000000) {
    out.push_back(Violation(
        kField, "CHANGE_POLL_INTERVAL_INVALID",
        absl::StrCat("the change poll interval is negative or malformed; give "
                     "e.g. \"30s\" (unset or \"0s\" means ",
                     kDefaultChangePollSeconds, "s)")));
  } else if (!zero && seconds < kMinChangePollSeconds) {
    out.push_back(
        Violation(kField, "CHANGE_POLL_INTERVAL_TOO_SHORT",
                  absl::StrCat("the change poll interval must be at least ",
                               kMinChangePollSeconds,
                               "s: every poll is a Management API request")));
  } else if (seconds > kMaxChangePollSeconds ||
             (seconds == kMaxChangePollSeconds && interval.nanos() > 0)) {
    out.push_back(Violation(
        kField, "CHANGE_POLL_INTERVAL_TOO_LONG",
        absl::StrCat("the change poll interval must be at most ",
                     kMaxChangePollSeconds,
                     "s (15 minutes); past that, answers are as stale as "
                     "scheduled rescans make them")));
  }
}

void CheckImportOptions(const v1::ImportOptions& options,
                        std::vector<FieldViolation>& out) {
  if (options.rate_limit_share() < 0 || options.rate_limit_share() > 100) {
    out.push_back(Violation(
        "config.import_options.rate_limit_share", "RATE_LIMIT_SHARE_INVALID",
        absl::StrCat("the rate-limit share is a percentage of the tenant's "
                     "rate limit, 1 to 100 (0 or unset means ",
                     static_cast<int>(importer::kDefaultRateLimitShare * 100),
                     "); got ", options.rate_limit_share())));
  }
  CheckRescanInterval(options, out);
  CheckChangePollInterval(options, out);
}

}  // namespace

std::optional<FieldViolation> CheckTenantDomain(
    absl::string_view domain, absl::string_view field,
    const ValidatorOptions& options) {
  std::optional<importer::RuleViolation> problem = importer::CheckTenantDomain(
      domain, options.private_cloud_domain_suffixes);
  if (!problem.has_value()) return std::nullopt;
  return Violation(field, problem->reason, std::move(problem->description));
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
  return importer::CheckPrivateCloudSuffix(suffix);
}

}  // namespace identitygraph
