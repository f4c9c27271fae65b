#include "importer/extension_fetcher.h"

#include <algorithm>
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

absl::Status Read(const ExtensionApi& api, const std::string& path,
                  const Resource& resource, wire::ExtensionDocument* out) {
  return GetJson(*api.caller, resource,
                 absl::StrCat(absl::StripSuffix(api.api_url, "/"), path),
                 api.audience, out, ApiLabel());
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

absl::StatusOr<ExtensionData> FetchExtension(
    const ExtensionApi& api, const std::vector<std::string>& scopes) {
  wire::ExtensionDocument document;
  if (Has(scopes, "read:configuration")) {
    if (absl::Status status =
            Read(api, "/configuration/export",
                 {"configuration", "read:configuration"}, &document);
        !status.ok()) {
      return status;
    }
    return ToData(document);
  }
  wire::ExtensionDocument groups, roles;
  if (absl::Status status =
          Read(api, "/groups", {"groups", "read:groups"}, &groups);
      !status.ok()) {
    return status;
  }
  if (absl::Status status =
          Read(api, "/roles", {"roles", "read:roles"}, &roles);
      !status.ok()) {
    return status;
  }
  *document.mutable_groups() = std::move(*groups.mutable_groups());
  *document.mutable_roles() = std::move(*roles.mutable_roles());
  return ToData(document);
}

}  // namespace identitygraph::importer
