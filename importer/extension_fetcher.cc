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
    for (const std::string& permission : role.permissions())
      data.role_permissions.emplace_back(role.id(), permission);
  }
  for (const wire::ExtensionPermission& permission : document.permissions()) {
    if (permission.id().empty() || permission.name().empty()) continue;
    data.permissions.push_back(
        {permission.id(), permission.name(), permission.application_id()});
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
  // Without read:configuration, one list per document; permissions only with
  // their own scope (without it, extension roles grant no permissions).
  struct List {
    const char* path;
    Resource resource;
    uint64_t* fingerprint;
    wire::ExtensionDocument read;
  };
  std::vector<List> lists;
  lists.push_back(
      {"/groups", {"groups", "read:groups"}, &next.groups_body, {}});
  lists.push_back({"/roles", {"roles", "read:roles"}, &next.roles_body, {}});
  if (Has(scopes, "read:permissions")) {
    lists.push_back({"/permissions",
                     {"permissions", "read:permissions"},
                     &next.permissions_body,
                     {}});
  } else {
    next.permissions_body = 0;
  }
  bool any_changed = false;
  std::vector<bool> changed;
  for (List& list : lists) {
    absl::StatusOr<bool> got =
        Read(api, list.path, list.resource, &list.read, list.fingerprint);
    if (!got.ok()) return got.status();
    changed.push_back(*got);
    any_changed = any_changed || *got;
  }
  if (!any_changed) return std::nullopt;
  // One changed: those skipped as unchanged are read again to parse.
  for (size_t i = 0; i < lists.size(); ++i) {
    if (changed[i]) continue;
    *lists[i].fingerprint = 0;
    absl::StatusOr<bool> got = Read(api, lists[i].path, lists[i].resource,
                                    &lists[i].read, lists[i].fingerprint);
    if (!got.ok()) return got.status();
  }
  for (List& list : lists) {
    for (wire::ExtensionGroup& group : *list.read.mutable_groups())
      *document.add_groups() = std::move(group);
    for (wire::ExtensionRole& role : *list.read.mutable_roles())
      *document.add_roles() = std::move(role);
    for (wire::ExtensionPermission& permission :
         *list.read.mutable_permissions())
      *document.add_permissions() = std::move(permission);
  }
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
