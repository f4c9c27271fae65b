// Brings what an import read (TenantData) up to date with the tenant by
// reading again only the records a ChangeSet (change_mapping.h) names:
//
//   users          GET /users/{id}: updated, or removed (gone, or no longer
//                  in a selected connection) with their memberships
//   user's roles   GET /users/{id}/roles: that user's role memberships
//   roles          GET /roles/{id}: renamed, or removed with what referred
//                  to it; members and permissions as their own reads
//   applications   GET /clients/{id}: updated, or removed
//
// Users who logged in are read when TenantData does not have them (the first
// login of an enterprise user creates it without an API event). What it
// cannot read again record by record yet (every user, connections, native
// groups, organizations, APIs) is FAILED_PRECONDITION saying so: the caller
// then runs a full scan, which covers everything. Errors of the reads are
// auth0_api.h's; on any error `data` may be partly updated, so the caller
// starts from a full scan then too.
#ifndef IDENTITYGRAPH_IMPORTER_CHANGE_APPLIER_H_
#define IDENTITYGRAPH_IMPORTER_CHANGE_APPLIER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "importer/change_mapping.h"
#include "importer/management_fetchers.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

struct AppliedChanges {
  // Records read again (including those found gone) and those found gone.
  int64_t records_read = 0;
  int64_t records_gone = 0;
};

absl::StatusOr<AppliedChanges> ApplyChangeSet(const ChangeSet& changes,
                                              const ManagementApi& api,
                                              TenantData& data);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_CHANGE_APPLIER_H_
