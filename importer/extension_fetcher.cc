#include "importer/extension_fetcher.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "importer/auth0_api.h"
#include "importer/auth0_rules.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {
namespace {

// How the dashboard names the extension's API.
std::string ApiLabel() {
  return absl::StrCat("auth0-authorization-extension-api (",
                      kDefaultExtensionAudience, ")");
}

bool Has(const std::vector<std::string>& scopes, const char* scope) {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

absl::StatusOr<bool> Read(const ExtensionApi& api, const std::string& path,
                          const Resource& resource,
                          wire::ExtensionDocument* out, uint64_t* fingerprint) {
  return GetJsonIfChanged(
      *api.caller, resource,
      absl::StrCat(absl::StripSuffix(api.api_url, "/"), path), api.audience,
      out, fingerprint, ApiLabel());
}

ExtensionData ToData(const wire::ExtensionDocument& document) {
  ExtensionData data;
  data.present = true;
  for (const wire::ExtensionGroup& group : document.groups()) {
    if (group.id().empty()) continue;
    data.groups.push_back({group.id(), group.name(), ""});
    for (const std::string& user : group.members())
      data.group_members.emplace_back(group.id(), user);
    for (const std::string& child : group.nested())
      data.nested_groups.emplace_back(group.id(), child);
    for (const std::string& role : group.roles())
      data.group_roles.emplace_back(group.id(), role);
  }
  for (const wire::ExtensionRole& role : document.roles()) {
    if (role.id().empty()) continue;
    data.roles.push_back({role.id(), role.name(), role.application_type()});
    if (!role.application_id().empty())
      data.role_applications.emplace_back(role.id(), role.application_id());
    for (const std::string& user : role.users())
      data.role_users.emplace_back(role.id(), user);
  }
  return data;
}

}  // namespace

absl::StatusOr<std::optional<ExtensionData>> FetchExtensionIfChanged(
    const ExtensionApi& api, const std::vector<std::string>& scopes,
    ExtensionFingerprints* seen) {
  // Taken over only once the extension is returned: a poll that fails
  // halfway must not remember bytes whose records it never handed on.
  ExtensionFingerprints next = *seen;
  wire::ExtensionDocument document;
  if (Has(scopes, "read:configuration")) {
    absl::StatusOr<bool> changed = Read(api, "/configuration/export",
                                        {"configuration", "read:configuration"},
                                        &document, &next.export_body);
    if (!changed.ok()) return changed.status();
    if (!*changed) return std::nullopt;
    *seen = next;
    return ToData(document);
  }
  const Resource groups_resource{"groups", "read:groups"};
  const Resource roles_resource{"roles", "read:roles"};
  wire::ExtensionDocument groups, roles;
  absl::StatusOr<bool> groups_changed =
      Read(api, "/groups", groups_resource, &groups, &next.groups_body);
  if (!groups_changed.ok()) return groups_changed.status();
  absl::StatusOr<bool> roles_changed =
      Read(api, "/roles", roles_resource, &roles, &next.roles_body);
  if (!roles_changed.ok()) return roles_changed.status();
  if (!*groups_changed && !*roles_changed) return std::nullopt;
  // One changed: the other, skipped as unchanged, is read again to parse.
  if (!*groups_changed) {
    next.groups_body = 0;
    groups_changed =
        Read(api, "/groups", groups_resource, &groups, &next.groups_body);
    if (!groups_changed.ok()) return groups_changed.status();
  }
  if (!*roles_changed) {
    next.roles_body = 0;
    roles_changed =
        Read(api, "/roles", roles_resource, &roles, &next.roles_body);
    if (!roles_changed.ok()) return roles_changed.status();
  }
  *document.mutable_groups() = std::move(*groups.mutable_groups());
  *document.mutable_roles() = std::move(*roles.mutable_roles());
  *seen = next;
  return ToData(document);
}

absl::StatusOr<ExtensionData> FetchExtension(
    const ExtensionApi& api, const std::vector<std::string>& scopes) {
  ExtensionFingerprints none;
  absl::StatusOr<std::optional<ExtensionData>> data =
      FetchExtensionIfChanged(api, scopes, &none);
  if (!data.ok()) return data.status();
  return **std::move(data);
}

}  // namespace identitygraph::importer
