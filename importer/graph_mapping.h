// Maps what an import read (TenantData) onto the graph: entities, and edges
// pointing the way access flows. Memberships of users outside the selected
// connections are left out and counted per source, for the scan report.
//
//   graph::GraphBuilder builder;
//   DroppedMemberships dropped = MapToGraph(data, &builder);
//
// Sources (the names the report uses): role_members, group_members,
// organization_members, organization_roles, extension_group_members,
// extension_role_users.
#ifndef IDENTITYGRAPH_IMPORTER_GRAPH_MAPPING_H_
#define IDENTITYGRAPH_IMPORTER_GRAPH_MAPPING_H_

#include <cstdint>
#include <map>
#include <string>

#include "graph/graph_builder.h"
#include "importer/tenant_data.h"

namespace identitygraph::importer {

// Source name -> memberships left out (only sources that left some out).
using DroppedMemberships = std::map<std::string, int64_t>;

DroppedMemberships MapToGraph(const TenantData& data,
                              graph::GraphBuilder* builder);

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_GRAPH_MAPPING_H_
