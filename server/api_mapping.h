// The one place where the public API's enums meet the engine's and the
// importer's: every conversion is a switch, so a kind added on one side and
// not the other fails the build (-Wswitch) or api_mapping_test, never the API
// silently. Conversions from the API are total: values the engine has no
// counterpart for (UNSPECIFIED, or a number from a newer client) come back as
// std::nullopt for the caller to refuse or default as the RPC documents.
#ifndef IDENTITYGRAPH_SERVER_API_MAPPING_H_
#define IDENTITYGRAPH_SERVER_API_MAPPING_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "graph/graph_types.h"
#include "graph/permissions.h"
#include "graph/queries.h"
#include "identitygraph/v1/access_service.pb.h"
#include "identitygraph/v1/config_service.pb.h"
#include "identitygraph/v1/entity.pb.h"
#include "identitygraph/v1/scan_service.pb.h"
#include "importer/connections.h"
#include "importer/diagnostics.h"
#include "importer/import.h"

namespace identitygraph {

v1::EntityKind ToApi(graph::VertexKind kind);
std::optional<graph::VertexKind> FromApi(v1::EntityKind kind);

v1::EdgeKind ToApi(graph::EdgeKind kind);
std::optional<graph::EdgeKind> FromApi(v1::EdgeKind kind);

v1::EntitySource ToApi(graph::VertexSource source);
std::optional<graph::VertexSource> FromApi(v1::EntitySource source);

v1::ReachabilityMode ToApi(graph::Reachability mode);
// UNSPECIFIED means authorization, as the API documents. REQUIRES: `mode` is
// a value of the enum (CheckEnumField).
graph::Reachability FromApi(v1::ReachabilityMode mode);

// INVALID_ARGUMENT naming `field` and the values it takes when `value` is not
// one of `descriptor`'s (a number from a newer client, or garbage): requests
// are refused rather than answered as if the default had been asked for.
absl::Status CheckEnumField(const google::protobuf::EnumDescriptor* descriptor,
                            int value, absl::string_view field);

v1::ScanPhase ToApi(importer::ImportPhase phase);
// SCAN_PHASE_PUBLISH is the server's own phase, after the import: nullopt.
std::optional<importer::ImportPhase> FromApi(v1::ScanPhase phase);

v1::CheckStatus ToApi(importer::CheckStatus status);
v1::ConnectionAudience ToApi(importer::ConnectionAudience audience);

// Why `result` (not allowed) was denied: the user is blocked (first, as
// nothing else could allow it), no path at all, or a path but no login
// connection.
v1::DenialReason ToDenialReason(const graph::CheckResult& result);
// Why a permission check (not allowed) was denied: blocked, or not held.
v1::DenialReason ToDenialReason(const graph::PermissionCheckResult& result);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_API_MAPPING_H_
