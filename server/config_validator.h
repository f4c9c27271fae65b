// Validation of the Auth0 import configuration, with messages that tell a
// person how to fix each mistake.
//
// The Auth0 rules themselves (tenant domain, extension URL, pattern budget)
// are the importer's (importer/auth0_rules.h): this adds field paths and the
// rules of the API's own fields. The domain check is also the SSRF guard, and
// the importer applies it again itself. Every pattern here is an RE2;
// user-supplied connection patterns are compiled with a memory budget and a
// program-size cap, so a hostile pattern costs a bounded amount. Messages never
// contain the client secret.
//
// Usage:
//   std::vector<FieldViolation> problems = ValidateConfig(config,
//   updated_paths, options); if (!problems.empty()) ... // one FieldViolation
//   per bad field, in field order
#ifndef IDENTITYGRAPH_SERVER_CONFIG_VALIDATOR_H_
#define IDENTITYGRAPH_SERVER_CONFIG_VALIDATOR_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "identitygraph/v1/config_service.pb.h"
#include "importer/auth0_rules.h"

namespace identitygraph {

// Bounds on what a configuration may hold.
inline constexpr int kMaxConnections = 1000;
inline constexpr int kMaxConnectionNameLength = 128;
inline constexpr int kMaxConnectionPatterns = 100;
// The pattern bounds are the importer's (auth0_rules.h), which compiles the
// patterns within the same budget.
inline constexpr int kMaxConnectionPatternLength =
    importer::kMaxConnectionPatternLength;
inline constexpr int kMaxConnectionPatternProgramSize =
    importer::kMaxConnectionPatternProgramSize;
inline constexpr int kMaxClientIdLength = 128;
inline constexpr int kMaxClientSecretLength = 1024;
inline constexpr int kMaxAudienceLength = 256;
inline constexpr int64_t kMinRescanIntervalSeconds = 5 * 60;
inline constexpr int64_t kMaxRescanIntervalSeconds = 7 * 24 * 3600;
// import_options.change_poll_interval: bounds, and what unset means.
inline constexpr int64_t kMinChangePollSeconds = 5;
inline constexpr int64_t kMaxChangePollSeconds = 15 * 60;
inline constexpr int64_t kDefaultChangePollSeconds = 30;

inline constexpr absl::string_view kDefaultExtensionAudience =
    importer::kDefaultExtensionAudience;

// One problem with one field: `field` is a path such as
// `config.connection_patterns[2]`, `reason` a stable UPPER_SNAKE_CASE code for
// programs, `description` what is wrong and how to fix it, for people.
struct FieldViolation {
  std::string field;
  std::string reason;
  std::string description;

  bool operator==(const FieldViolation& other) const {
    return field == other.field && reason == other.reason &&
           description == other.description;
  }
};

struct ValidatorOptions {
  // Host suffixes of Auth0 Private Cloud deployments, e.g.
  // `mycompany.auth0app.com`: a domain `LABEL.SUFFIX` is then accepted as a
  // tenant domain. Empty: public cloud only.
  std::vector<std::string> private_cloud_domain_suffixes;
};

// Checks a tenant domain. Returns nullopt when it is a canonical Auth0 tenant
// domain (or LABEL.SUFFIX for an allowed Private Cloud suffix); otherwise the
// problem, with `field` set to `field_name`.
std::optional<FieldViolation> CheckTenantDomain(
    absl::string_view domain, absl::string_view field_name,
    const ValidatorOptions& options);

// Checks every field of `config` that has a value. Fields named in
// `updated_paths` (mask paths such as "client_secret") must also not be empty
// when the field is required to use the server (domain, client_id,
// client_secret). Returns the problems in field order; empty when the config is
// valid.
std::vector<FieldViolation> ValidateConfig(
    const v1::Config& config,
    const absl::flat_hash_set<std::string>& updated_paths,
    const ValidatorOptions& options);

// Checks a Private Cloud suffix given on the command line; an error says what
// is wrong.
absl::Status CheckPrivateCloudSuffix(absl::string_view suffix);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_CONFIG_VALIDATOR_H_
