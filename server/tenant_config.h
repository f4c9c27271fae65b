// From the API's configuration to the importer's: the one place the server
// maps v1::Config onto importer::TenantConfig, and its flags onto the
// importer's HTTP options.
#ifndef IDENTITYGRAPH_SERVER_TENANT_CONFIG_H_
#define IDENTITYGRAPH_SERVER_TENANT_CONFIG_H_

#include "absl/status/statusor.h"
#include "identitygraph/v1/config_service.pb.h"
#include "importer/http_client.h"
#include "importer/import.h"
#include "server/config_validator.h"
#include "server/server_options.h"

namespace identitygraph {

// FAILED_PRECONDITION naming what is missing when `config` (with its secret)
// cannot reach a tenant yet: no domain, client id or secret. `options` carries
// the Private Cloud suffixes the importer's own host check accepts.
absl::StatusOr<importer::TenantConfig> ToTenantConfig(
    const v1::Config& config, const ValidatorOptions& options);

// How the server's importers reach Auth0; every exchange is told to
// `observer` (metrics) when it is not null.
importer::HttpClientOptions Auth0HttpOptions(
    const ServerOptions& options, importer::HttpObserver* observer = nullptr);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_TENANT_CONFIG_H_
