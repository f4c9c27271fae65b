// Reads the Authorization Extension: groups (members, nesting, roles), roles
// (users, the application they are defined for, their permissions) and
// permissions. One request when the token has read:configuration (GET
// /configuration/export, the whole store); otherwise GET /groups and /roles
// (read:groups, read:roles) and, with read:permissions, /permissions, which
// hold the same records. The extension keeps its data in one document without
// paging, so either way is a handful of requests.
//
//   ExtensionApi api{&caller, "https://acme.us12.webtask.io/adf6.../api",
//                    "urn:auth0-authz-api"};
//   absl::StatusOr<ExtensionData> data = FetchExtension(api, token_scopes);
//
// Errors as in auth0_api.h, naming the extension's API.
#ifndef IDENTITYGRAPH_IMPORTER_EXTENSION_FETCHER_H_
#define IDENTITYGRAPH_IMPORTER_EXTENSION_FETCHER_H_

#include <cstdint>
#include <optional>
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

// Fingerprints of the documents a poll read last (auth0_api.h's
// GetJsonIfChanged); zero: none yet.
struct ExtensionFingerprints {
  uint64_t export_body = 0, groups_body = 0, roles_body = 0,
           permissions_body = 0;
};
// For a poll: nullopt when every document read is byte for byte what `*seen`
// was taken of, so an unchanged extension costs its requests but no parsing
// (at 1M users a generated export of 70 MB took 4 to 5 s to parse). The
// documents are not paged, so the bytes are the whole state.
absl::StatusOr<std::optional<ExtensionData>> FetchExtensionIfChanged(
    const ExtensionApi& api, const std::vector<std::string>& scopes,
    ExtensionFingerprints* seen);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_EXTENSION_FETCHER_H_
