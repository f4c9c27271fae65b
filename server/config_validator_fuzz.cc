// libFuzzer target: any text as a tenant domain, an extension API URL, an
// audience and a connection pattern (lines of the input). The validator must
// answer with violations or accept, and nothing it accepts may send a request
// anywhere but Auth0: the importer's own host check passes and the hosts end
// in Auth0's domains. scripts/fuzz.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "importer/auth0_rules.h"
#include "importer/tenant_limiters.h"
#include "server/config_validator.h"
#include "server/tenant_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ig = identitygraph;
  const std::vector<std::string> parts = absl::StrSplit(
      absl::string_view(reinterpret_cast<const char*>(data), size),
      absl::MaxSplits('\n', 3));
  auto part = [&](size_t i) {
    return i < parts.size() ? parts[i] : std::string();
  };
  ig::v1::Config config;
  config.set_domain(part(0));
  config.set_client_id("client1234567890");
  config.set_client_secret("a-secret-for-the-fuzzer");
  config.mutable_authorization_extension()->set_enabled(true);
  config.mutable_authorization_extension()->set_api_url(part(1));
  config.mutable_authorization_extension()->set_audience(part(2));
  config.add_connection_patterns(part(3));
  ig::ValidatorOptions options;
  options.private_cloud_domain_suffixes = {"mycompany.auth0app.com"};
  const absl::flat_hash_set<std::string> updated = {
      "domain", "client_id", "client_secret", "authorization_extension",
      "connection_patterns"};
  if (!ig::ValidateConfig(config, updated, options).empty()) return 0;
  absl::StatusOr<ig::importer::TenantConfig> tenant =
      ig::ToTenantConfig(config, options);
  if (!tenant.ok()) return 0;
  if (!ig::importer::CheckTenantHosts(*tenant).ok()) std::abort();
  const std::string domain = absl::AsciiStrToLower(tenant->domain);
  const std::string extension =
      absl::AsciiStrToLower(ig::importer::UrlHost(tenant->extension.api_url));
  if (!absl::EndsWith(domain, ".auth0.com") &&
      !absl::EndsWith(domain, ".mycompany.auth0app.com")) {
    std::abort();
  }
  if (!absl::EndsWith(extension, ".webtask.io") &&
      !absl::EndsWith(extension, ".webtask.run")) {
    std::abort();
  }
  return 0;
}
