#include "server/tenant_config.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "server/config_validator.h"

namespace identitygraph {

absl::StatusOr<importer::TenantConfig> ToTenantConfig(
    const v1::Config& config, const ValidatorOptions& options) {
  std::vector<std::string> missing;
  if (config.domain().empty()) missing.push_back("domain");
  if (config.client_id().empty()) missing.push_back("client_id");
  if (config.client_secret().empty()) missing.push_back("client_secret");
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the configuration has no ", absl::StrJoin(missing, ", "),
        " yet: set them with UpdateConfig (or pass them in this request's "
        "config)"));
  }
  importer::TenantConfig out;
  out.domain = config.domain();
  out.private_cloud_suffixes = options.private_cloud_domain_suffixes;
  out.client_id = config.client_id();
  out.client_secret = config.client_secret();
  out.connections.assign(config.connections().begin(),
                         config.connections().end());
  out.connection_patterns.assign(config.connection_patterns().begin(),
                                 config.connection_patterns().end());
  const v1::AuthorizationExtension& extension =
      config.authorization_extension();
  out.extension.enabled = extension.enabled();
  out.extension.api_url = extension.api_url();
  if (!extension.audience().empty())
    out.extension.audience = extension.audience();
  out.include_organizations = config.import_options().include_organizations();
  out.login_reachability = config.import_options().login_reachability();
  out.user_permissions = config.import_options().user_permissions();
  out.follow_changes = config.import_options().follow_changes();
  if (const auto& poll = config.import_options().change_poll_interval();
      poll.seconds() > 0 || poll.nanos() > 0) {
    out.change_poll_interval =
        absl::Seconds(poll.seconds()) + absl::Nanoseconds(poll.nanos());
  } else {
    out.change_poll_interval = absl::Seconds(kDefaultChangePollSeconds);
  }
  if (const int32_t share = config.import_options().rate_limit_share();
      share > 0) {
    out.rate_limit_share = share / 100.0;
  }
  return out;
}

importer::HttpClientOptions Auth0HttpOptions(const ServerOptions& options,
                                             importer::HttpObserver* observer) {
  importer::HttpClientOptions out;
  out.observer = observer;
  out.connect_to = options.auth0_connect_to;
  out.ca_file = options.auth0_ca_file;
  return out;
}

}  // namespace identitygraph
