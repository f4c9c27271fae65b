// The one statement of what Auth0 looks like from the importer's side: which
// hosts are Auth0's (the SSRF guard), how connection patterns are compiled
// (one RE2 budget), and which scopes each capability needs (one table, for the
// import, a scan's warnings and TestConnection alike).
//
//   if (auto problem = CheckTenantDomain("login.acme.com", {})) ...
//       problem->reason == "DOMAIN_CUSTOM", problem->description says what to
//       enter instead
//   absl::Status hosts = CheckTenantHosts(config);  // before any request
//   for (const Capability& c : Capabilities(config.include_organizations)) ...
//
// The server's config validator calls the same checks and adds field paths;
// the importer applies them again itself (Import, Diagnose,
// ListTenantConnections refuse a configuration naming another host), so no
// caller can send a request, and the client secret, anywhere but to Auth0.
#ifndef IDENTITYGRAPH_IMPORTER_AUTH0_RULES_H_
#define IDENTITYGRAPH_IMPORTER_AUTH0_RULES_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "re2/re2.h"

namespace identitygraph::importer {

// The audience of the Authorization Extension API unless the configuration
// names another.
inline constexpr absl::string_view kDefaultExtensionAudience =
    "urn:auth0-authz-api";
// The extension's API path, the same on every tenant.
inline constexpr absl::string_view kExtensionApiPath =
    "/adf6e2f2b84784b57522e3b19dfc9201/api";

// What is wrong with a value: `reason` a stable UPPER_SNAKE_CASE code for
// programs, `description` what is wrong and how to fix it, for people.
struct RuleViolation {
  std::string reason;
  std::string description;
};

// nullopt when `domain` is a canonical tenant domain, TENANT.REGION.auth0.com
// or the legacy TENANT.auth0.com (or LABEL.SUFFIX for one of
// `private_cloud_suffixes`).
std::optional<RuleViolation> CheckTenantDomain(
    absl::string_view domain,
    const std::vector<std::string>& private_cloud_suffixes);

// nullopt when `url` is an Authorization Extension API URL:
// https://TENANT.REGION.webtask.io/adf6.../api (or .webtask.run).
std::optional<RuleViolation> CheckExtensionApiUrl(absl::string_view url);

// OK when `suffix` is a host-name suffix usable for Private Cloud.
absl::Status CheckPrivateCloudSuffix(absl::string_view suffix);

// Bounds on user-supplied connection patterns: a hostile pattern costs a
// bounded amount wherever it is compiled.
inline constexpr int kMaxConnectionPatternLength = 512;
// RE2 program size (instructions) above which a pattern is refused as too
// complex.
inline constexpr int kMaxConnectionPatternProgramSize = 2000;
// RE2's memory budget for one pattern.
inline constexpr int64_t kConnectionPatternMaxMemory = int64_t{1} << 20;

// A connection pattern compiled within the budget above, or why not
// (PATTERN_EMPTY, PATTERN_TOO_LONG, PATTERN_INVALID, PATTERN_TOO_COMPLEX).
struct CompiledPattern {
  std::unique_ptr<RE2> re;               // set when compiled
  std::optional<RuleViolation> problem;  // set when refused
};
CompiledPattern CompileConnectionPattern(absl::string_view pattern);

// The importer's own guard: INVALID_ARGUMENT naming the host when the tenant
// domain or (when the extension is enabled) its API URL is not Auth0's.
struct TenantConfig;
absl::Status CheckTenantHosts(const TenantConfig& config);

// What a scan reads, and the Management API scopes it needs.
struct Capability {
  const char* name;  // "users"; TestConnection's check is "scopes_" + name
  const char* what;  // "native (SCIM) groups", for messages
  std::vector<std::string> scopes;
  // Required capabilities fail a scan without their scopes; optional ones are
  // skipped with a warning.
  bool required;
};
// Every capability, in check order; organizations only when imported.
std::vector<Capability> Capabilities(bool include_organizations);
// Following the tenant's changes (import_options.follow_changes): its own
// capability, since scans do not need it but following fails without it.
const Capability& FollowChangesCapability();
// The capability called `name`; REQUIRES: it exists.
const Capability& CapabilityNamed(absl::string_view name);

// The Authorization Extension API's scopes: read:configuration (one export
// of everything), or read:groups and read:roles (two reads).
// PERMISSION_DENIED with what the token has and the remediation when
// `scopes` allow neither; the import and TestConnection give the same advice.
absl::Status CheckExtensionScopes(const std::vector<std::string>& scopes);

// Whether an extension token that passed CheckExtensionScopes also reads the
// extension's permissions: read:configuration (the export holds them) or
// read:permissions. Without, extension roles grant no permissions.
bool ExtensionPermissionsReadable(const std::vector<std::string>& scopes);

// The extension API's name in the Dashboard, for remediations.
inline constexpr absl::string_view kExtensionApiName =
    "auth0-authorization-extension-api";

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_AUTH0_RULES_H_
