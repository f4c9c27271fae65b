// The vocabulary of the identity graph: vertex and edge kinds, vertex ids, and
// which edges carry access. The graph knows nothing of Auth0 or gRPC; the
// importer maps Auth0 records onto these kinds and the server maps them onto
// the API.
#ifndef IDENTITYGRAPH_GRAPH_GRAPH_TYPES_H_
#define IDENTITYGRAPH_GRAPH_GRAPH_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace identitygraph::graph {

enum class VertexKind : uint8_t {
  kUser,
  kGroup,
  kRole,
  kApplication,
  kApi,
  kConnection,
  kOrganization,
  // A permission (an OAuth scope) of one API, or, for the authorization
  // extension, of one application: its id is PermissionVertexId(target id,
  // permission name), its name the permission's name, and its one kPermissionOn
  // edge names the target.
  kPermission,
};
inline constexpr int kVertexKindCount = 8;

// Edges point the way access flows: from a user towards what the user can
// reach.
enum class EdgeKind : uint8_t {
  kGroupMember,      // user -> group
  kNestedGroup,      // group -> group: members of the source are members of the
                     // target
  kGroupRole,        // group -> role
  kUserRole,         // user -> role
  kRoleApplication,  // role -> application
  kRoleApi,          // role -> API
  kUserConnection,   // user -> connection
  kConnectionApplication,  // connection -> application
  kOrganizationMember,     // user -> organization
  kOrganizationRole,  // user -> role, held within an organization (`via` names
                      // it)
  kRolePermission,    // role -> permission: the role grants it
  kUserPermission,    // user -> permission, assigned to the user directly
  kPermissionOn,      // permission -> the API (or application) it belongs to
};
inline constexpr int kEdgeKindCount = 13;

// Which of the importer's sources a vertex came from: the directory itself
// (for Auth0, the Management API), or an authorization extension layered on it
// (the Authorization Extension). A typed property, so that the server maps it
// onto the API without matching strings.
enum class VertexSource : uint8_t {
  kDirectory,
  kExtension,
};
inline constexpr int kVertexSourceCount = 2;

// Dense vertex ids, 0 .. vertex_count - 1.
using VertexId = uint32_t;
inline constexpr VertexId kNoVertex = std::numeric_limits<VertexId>::max();

// A sorted list of vertices: a user's reachable applications, an
// application's users.
using VertexList = std::vector<VertexId>;

// One of a snapshot's query caches, as GetGraphStats reports it.
struct CacheStats {
  std::string name;
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t entries = 0;
  int64_t bytes = 0;
  int64_t capacity_bytes = 0;
};

// The default memory bound of one snapshot's query caches, together (the
// server's --query_cache_bytes).
inline constexpr size_t kDefaultCacheCapacityBytes = size_t{256} << 20;

// Authorization reachability follows exactly these edges: user -> (group ->)*
// role -> application/API, with roles held directly, through groups, or within
// organizations, and user -> permission -> API for permissions assigned to the
// user directly. A role's permissions do not carry it: the role's kRoleApi
// edge already says the role reaches the API, one step shorter. Connections and
// organization membership never grant access on their own.
constexpr bool CarriesAuthorization(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kGroupMember:
    case EdgeKind::kNestedGroup:
    case EdgeKind::kGroupRole:
    case EdgeKind::kUserRole:
    case EdgeKind::kRoleApplication:
    case EdgeKind::kRoleApi:
    case EdgeKind::kOrganizationRole:
    case EdgeKind::kUserPermission:
    case EdgeKind::kPermissionOn:
      return true;
    default:
      return false;
  }
}

// The id of the permission vertex for permission `name` of the API (or
// application) whose id is `target_id`: "<target id> <name>". Permission names
// never hold a space (tokens carry them space-separated in `scope`), so the
// last space splits the two.
std::string PermissionVertexId(absl::string_view target_id,
                               absl::string_view name);

const char* VertexKindName(VertexKind kind);
const char* EdgeKindName(EdgeKind kind);
const char* VertexSourceName(VertexSource source);

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_GRAPH_TYPES_H_
