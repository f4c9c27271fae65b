// Reads the Authorization Extension: groups (members, nesting, roles), roles
// (users, the application they are defined for). One request when the token
// has read:configuration (GET /configuration/export, the whole store);
// otherwise GET /groups and /roles (read:groups, read:roles), which hold the
// same records. The extension keeps its data in one document without paging,
// so either way is a handful of requests.
//
//   ExtensionApi api{&caller, "https://acme.us12.webtask.io/adf6.../api",
//                    "urn:auth0-authz-api"};
//   absl::StatusOr<ExtensionData> data = FetchExtension(api, token_scopes);
//
// Errors as in auth0_api.h, naming the extension's API.
#ifndef IDENTITYGRAPH_IMPORTER_EXTENSION_FETCHER_H_
#define IDENTITYGRAPH_IMPORTER_EXTENSION_FETCHER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "importer/authorized_caller.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

struct ExtensionApi {
  AuthorizedCaller* caller;
  std::string api_url;   // ends in /api, no trailing slash
  std::string audience;  // urn:auth0-authz-api
};

// `scopes`: those granted to the extension token; decides the way to read.
absl::StatusOr<ExtensionData> FetchExtension(
    const ExtensionApi& api, const std::vector<std::string>& scopes);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_EXTENSION_FETCHER_H_
