// Brings what an import read (TenantData) up to date with the tenant by
// reading again only the records a ChangeSet (change_mapping.h) names:
//
//   users          GET /users/{id}: updated, or removed (gone, or no longer
//                  in a selected connection) with their memberships
//   user's roles   GET /users/{id}/roles: that user's role memberships
//   roles          GET /roles/{id}: renamed, or removed with what referred
//                  to it; members and permissions as their own reads
//   applications   GET /clients/{id}: updated, or removed
//   connections    the list, then the selection again: when it changed, a
//                  full scan (users of a connection come or go)
//   connection's   GET /connections/{id}/clients, for selected connections
//     applications
//   native groups  the list (no read by id), the group's roles, members
//   organizations  the list, then the organization's members and roles
//   APIs           the list
//
// Each is read at most once per change set. Users who logged in are read
// when TenantData does not have them (the first login of an enterprise user
// creates it without an API event). Sources the import did not read (for an
// option or a scope) are left alone. What only a full scan covers (every
// user or role, a changed connection selection, a deleted selected
// connection) is FAILED_PRECONDITION saying why. Errors of the reads are
// auth0_api.h's; on any error `data` may be partly updated, so the caller
// starts from a full scan then too.
#ifndef IDENTITYGRAPH_IMPORTER_CHANGE_APPLIER_H_
#define IDENTITYGRAPH_IMPORTER_CHANGE_APPLIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "importer/change_mapping.h"
#include "importer/extension_fetcher.h"
#include "importer/import.h"
#include "importer/management_fetchers.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

struct AppliedChanges {
  // Records read again (including those found gone) and those found gone.
  int64_t records_read = 0;
  int64_t records_gone = 0;
};

// `config` is the import's (its connection selection).
absl::StatusOr<AppliedChanges> ApplyChangeSet(const ChangeSet& changes,
                                              const TenantConfig& config,
                                              const ManagementApi& api,
                                              TenantData& data);

// The Authorization Extension writes no tenant logs, so following polls it:
// reads it again (one export with read:configuration, else /groups and
// /roles; `scopes` are the extension token's) and replaces `data.extension`
// when it differs. Returns whether it did. `*seen` carries the documents'
// fingerprints from poll to poll: bytes unchanged are not parsed again.
absl::StatusOr<bool> RefreshExtension(const ExtensionApi& api,
                                      const std::vector<std::string>& scopes,
                                      ExtensionFingerprints* seen,
                                      TenantData& data);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_CHANGE_APPLIER_H_
