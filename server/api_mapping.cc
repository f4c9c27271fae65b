#include "server/api_mapping.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace identitygraph {

using graph::EdgeKind;
using graph::VertexKind;
using graph::VertexSource;
using importer::ImportPhase;

v1::EntityKind ToApi(VertexKind kind) {
  switch (kind) {
    case VertexKind::kUser:
      return v1::ENTITY_KIND_USER;
    case VertexKind::kGroup:
      return v1::ENTITY_KIND_GROUP;
    case VertexKind::kRole:
      return v1::ENTITY_KIND_ROLE;
    case VertexKind::kApplication:
      return v1::ENTITY_KIND_APPLICATION;
    case VertexKind::kApi:
      return v1::ENTITY_KIND_API;
    case VertexKind::kConnection:
      return v1::ENTITY_KIND_CONNECTION;
    case VertexKind::kOrganization:
      return v1::ENTITY_KIND_ORGANIZATION;
    case VertexKind::kPermission:
      return v1::ENTITY_KIND_PERMISSION;
  }
  return v1::ENTITY_KIND_UNSPECIFIED;
}

std::optional<VertexKind> FromApi(v1::EntityKind kind) {
  switch (kind) {
    case v1::ENTITY_KIND_USER:
      return VertexKind::kUser;
    case v1::ENTITY_KIND_GROUP:
      return VertexKind::kGroup;
    case v1::ENTITY_KIND_ROLE:
      return VertexKind::kRole;
    case v1::ENTITY_KIND_APPLICATION:
      return VertexKind::kApplication;
    case v1::ENTITY_KIND_API:
      return VertexKind::kApi;
    case v1::ENTITY_KIND_CONNECTION:
      return VertexKind::kConnection;
    case v1::ENTITY_KIND_ORGANIZATION:
      return VertexKind::kOrganization;
    case v1::ENTITY_KIND_PERMISSION:
      return VertexKind::kPermission;
    default:  // UNSPECIFIED, or a value from a newer API
      return std::nullopt;
  }
}

v1::EdgeKind ToApi(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kGroupMember:
      return v1::EDGE_KIND_GROUP_MEMBER;
    case EdgeKind::kNestedGroup:
      return v1::EDGE_KIND_NESTED_GROUP;
    case EdgeKind::kGroupRole:
      return v1::EDGE_KIND_GROUP_ROLE;
    case EdgeKind::kUserRole:
      return v1::EDGE_KIND_USER_ROLE;
    case EdgeKind::kRoleApplication:
      return v1::EDGE_KIND_ROLE_APPLICATION;
    case EdgeKind::kRoleApi:
      return v1::EDGE_KIND_ROLE_API;
    case EdgeKind::kUserConnection:
      return v1::EDGE_KIND_USER_CONNECTION;
    case EdgeKind::kConnectionApplication:
      return v1::EDGE_KIND_CONNECTION_APPLICATION;
    case EdgeKind::kOrganizationMember:
      return v1::EDGE_KIND_ORGANIZATION_MEMBER;
    case EdgeKind::kOrganizationRole:
      return v1::EDGE_KIND_ORGANIZATION_ROLE;
    case EdgeKind::kRolePermission:
      return v1::EDGE_KIND_ROLE_PERMISSION;
    case EdgeKind::kUserPermission:
      return v1::EDGE_KIND_USER_PERMISSION;
    case EdgeKind::kPermissionOn:
      return v1::EDGE_KIND_PERMISSION_ON;
  }
  return v1::EDGE_KIND_UNSPECIFIED;
}

std::optional<EdgeKind> FromApi(v1::EdgeKind kind) {
  switch (kind) {
    case v1::EDGE_KIND_GROUP_MEMBER:
      return EdgeKind::kGroupMember;
    case v1::EDGE_KIND_NESTED_GROUP:
      return EdgeKind::kNestedGroup;
    case v1::EDGE_KIND_GROUP_ROLE:
      return EdgeKind::kGroupRole;
    case v1::EDGE_KIND_USER_ROLE:
      return EdgeKind::kUserRole;
    case v1::EDGE_KIND_ROLE_APPLICATION:
      return EdgeKind::kRoleApplication;
    case v1::EDGE_KIND_ROLE_API:
      return EdgeKind::kRoleApi;
    case v1::EDGE_KIND_USER_CONNECTION:
      return EdgeKind::kUserConnection;
    case v1::EDGE_KIND_CONNECTION_APPLICATION:
      return EdgeKind::kConnectionApplication;
    case v1::EDGE_KIND_ORGANIZATION_MEMBER:
      return EdgeKind::kOrganizationMember;
    case v1::EDGE_KIND_ORGANIZATION_ROLE:
      return EdgeKind::kOrganizationRole;
    case v1::EDGE_KIND_ROLE_PERMISSION:
      return EdgeKind::kRolePermission;
    case v1::EDGE_KIND_USER_PERMISSION:
      return EdgeKind::kUserPermission;
    case v1::EDGE_KIND_PERMISSION_ON:
      return EdgeKind::kPermissionOn;
    default:
      return std::nullopt;
  }
}

v1::EntitySource ToApi(VertexSource source) {
  switch (source) {
    case VertexSource::kDirectory:
      return v1::ENTITY_SOURCE_MANAGEMENT_API;
    case VertexSource::kExtension:
      return v1::ENTITY_SOURCE_AUTHORIZATION_EXTENSION;
  }
  return v1::ENTITY_SOURCE_UNSPECIFIED;
}

std::optional<VertexSource> FromApi(v1::EntitySource source) {
  switch (source) {
    case v1::ENTITY_SOURCE_MANAGEMENT_API:
      return VertexSource::kDirectory;
    case v1::ENTITY_SOURCE_AUTHORIZATION_EXTENSION:
      return VertexSource::kExtension;
    default:
      return std::nullopt;
  }
}

v1::ReachabilityMode ToApi(graph::Reachability mode) {
  switch (mode) {
    case graph::Reachability::kAuthorization:
      return v1::REACHABILITY_MODE_AUTHORIZATION;
    case graph::Reachability::kLogin:
      return v1::REACHABILITY_MODE_LOGIN;
  }
  return v1::REACHABILITY_MODE_UNSPECIFIED;
}

graph::Reachability FromApi(v1::ReachabilityMode mode) {
  return mode == v1::REACHABILITY_MODE_LOGIN
             ? graph::Reachability::kLogin
             : graph::Reachability::kAuthorization;
}

absl::Status CheckEnumField(const google::protobuf::EnumDescriptor* descriptor,
                            int value, absl::string_view field) {
  if (descriptor->FindValueByNumber(value) != nullptr) return absl::OkStatus();
  std::vector<std::string> names;
  for (int i = 0; i < descriptor->value_count(); ++i)
    names.push_back(descriptor->value(i)->name());
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", value, " is not a ", descriptor->name(),
                   "; use one of ", absl::StrJoin(names, ", ")));
}

v1::ScanPhase ToApi(ImportPhase phase) {
  switch (phase) {
    case ImportPhase::kToken:
      return v1::SCAN_PHASE_TOKEN;
    case ImportPhase::kConnections:
      return v1::SCAN_PHASE_CONNECTIONS;
    case ImportPhase::kUsers:
      return v1::SCAN_PHASE_USERS;
    case ImportPhase::kApplications:
      return v1::SCAN_PHASE_APPLICATIONS;
    case ImportPhase::kRoles:
      return v1::SCAN_PHASE_ROLES;
    case ImportPhase::kUserPermissions:
      return v1::SCAN_PHASE_USER_PERMISSIONS;
    case ImportPhase::kGroups:
      return v1::SCAN_PHASE_GROUPS;
    case ImportPhase::kOrganizations:
      return v1::SCAN_PHASE_ORGANIZATIONS;
    case ImportPhase::kConnectionClients:
      return v1::SCAN_PHASE_CONNECTION_CLIENTS;
    case ImportPhase::kAuthorizationExtension:
      return v1::SCAN_PHASE_AUTHORIZATION_EXTENSION;
    case ImportPhase::kBuild:
      return v1::SCAN_PHASE_BUILD;
  }
  return v1::SCAN_PHASE_UNSPECIFIED;
}

std::optional<ImportPhase> FromApi(v1::ScanPhase phase) {
  switch (phase) {
    case v1::SCAN_PHASE_TOKEN:
      return ImportPhase::kToken;
    case v1::SCAN_PHASE_CONNECTIONS:
      return ImportPhase::kConnections;
    case v1::SCAN_PHASE_USERS:
      return ImportPhase::kUsers;
    case v1::SCAN_PHASE_APPLICATIONS:
      return ImportPhase::kApplications;
    case v1::SCAN_PHASE_ROLES:
      return ImportPhase::kRoles;
    case v1::SCAN_PHASE_USER_PERMISSIONS:
      return ImportPhase::kUserPermissions;
    case v1::SCAN_PHASE_GROUPS:
      return ImportPhase::kGroups;
    case v1::SCAN_PHASE_ORGANIZATIONS:
      return ImportPhase::kOrganizations;
    case v1::SCAN_PHASE_CONNECTION_CLIENTS:
      return ImportPhase::kConnectionClients;
    case v1::SCAN_PHASE_AUTHORIZATION_EXTENSION:
      return ImportPhase::kAuthorizationExtension;
    case v1::SCAN_PHASE_BUILD:
      return ImportPhase::kBuild;
    default:  // UNSPECIFIED, PUBLISH (the server's), or newer
      return std::nullopt;
  }
}

v1::CheckStatus ToApi(importer::CheckStatus status) {
  switch (status) {
    case importer::CheckStatus::kOk:
      return v1::CHECK_STATUS_OK;
    case importer::CheckStatus::kWarning:
      return v1::CHECK_STATUS_WARNING;
    case importer::CheckStatus::kFailed:
      return v1::CHECK_STATUS_FAILED;
    case importer::CheckStatus::kSkipped:
      return v1::CHECK_STATUS_SKIPPED;
    case importer::CheckStatus::kRateLimited:
      return v1::CHECK_STATUS_RATE_LIMITED;
  }
  return v1::CHECK_STATUS_UNSPECIFIED;
}

v1::ConnectionAudience ToApi(importer::ConnectionAudience audience) {
  switch (audience) {
    case importer::ConnectionAudience::kWorkforce:
      return v1::CONNECTION_AUDIENCE_WORKFORCE;
    case importer::ConnectionAudience::kCustomer:
      return v1::CONNECTION_AUDIENCE_CUSTOMER;
    case importer::ConnectionAudience::kUnknown:
      return v1::CONNECTION_AUDIENCE_UNSPECIFIED;
  }
  return v1::CONNECTION_AUDIENCE_UNSPECIFIED;
}

v1::DenialReason ToDenialReason(const graph::CheckResult& result) {
  if (result.blocked) return v1::DENIAL_REASON_USER_BLOCKED;
  return result.authorized ? v1::DENIAL_REASON_NO_LOGIN_CONNECTION
                           : v1::DENIAL_REASON_NO_AUTHORIZATION_PATH;
}

v1::DenialReason ToDenialReason(const graph::PermissionCheckResult& result) {
  return result.blocked ? v1::DENIAL_REASON_USER_BLOCKED
                        : v1::DENIAL_REASON_NO_PERMISSION_PATH;
}

}  // namespace identitygraph
