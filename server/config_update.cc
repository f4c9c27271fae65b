#include "server/config_update.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/field_mask_util.h"

namespace identitygraph {
namespace {

using ::google::protobuf::FieldMask;
using ::google::protobuf::util::FieldMaskUtil;

// Every path UpdateConfig accepts. A parent path ("import_options") replaces
// the whole sub-message.
constexpr absl::string_view kUpdatablePaths[] = {
    "domain",
    "client_id",
    "client_secret",
    "connections",
    "connection_patterns",
    "authorization_extension",
    "authorization_extension.enabled",
    "authorization_extension.api_url",
    "authorization_extension.audience",
    "import_options",
    "import_options.include_organizations",
    "import_options.login_reachability",
    "import_options.rescan_interval",
    "import_options.rate_limit_share",
    "import_options.follow_changes",
    "import_options.change_poll_interval",
    "import_options.user_permissions",
};
constexpr absl::string_view kOutputOnlyPaths[] = {"client_secret_set",
                                                  "client_secret_update_time",
                                                  "revision", "update_time"};

bool Contains(absl::Span<const absl::string_view> list,
              absl::string_view path) {
  for (absl::string_view item : list) {
    if (item == path) return true;
  }
  return false;
}

// The mask an update without one stands for: every updatable field set in the
// patch.
FieldMask ImplicitMask(const v1::Config& patch) {
  FieldMask mask;
  auto add = [&mask](absl::string_view path) {
    mask.add_paths(std::string(path));
  };
  if (!patch.domain().empty()) add("domain");
  if (!patch.client_id().empty()) add("client_id");
  if (!patch.client_secret().empty()) add("client_secret");
  if (patch.connections_size() > 0) add("connections");
  if (patch.connection_patterns_size() > 0) add("connection_patterns");
  const v1::AuthorizationExtension& extension = patch.authorization_extension();
  if (extension.enabled()) add("authorization_extension.enabled");
  if (!extension.api_url().empty()) add("authorization_extension.api_url");
  if (!extension.audience().empty()) add("authorization_extension.audience");
  const v1::ImportOptions& import = patch.import_options();
  if (import.include_organizations())
    add("import_options.include_organizations");
  if (import.login_reachability()) add("import_options.login_reachability");
  if (import.has_rescan_interval()) add("import_options.rescan_interval");
  if (import.rate_limit_share() != 0) add("import_options.rate_limit_share");
  if (import.follow_changes()) add("import_options.follow_changes");
  if (import.has_change_poll_interval())
    add("import_options.change_poll_interval");
  if (import.user_permissions()) add("import_options.user_permissions");
  return mask;
}

}  // namespace

ConfigUpdateResult ApplyConfigUpdate(const v1::Config& saved,
                                     const v1::Config& patch,
                                     const FieldMask& mask,
                                     const ValidatorOptions& options) {
  ConfigUpdateResult result;
  result.merged = saved;
  FieldMask effective = mask.paths().empty() ? ImplicitMask(patch) : mask;

  absl::flat_hash_set<std::string> updated;
  for (const std::string& path : effective.paths()) {
    if (Contains(kUpdatablePaths, path)) {
      updated.insert(path);
      result.updated_paths.push_back(path);
      continue;
    }
    std::string description =
        Contains(kOutputOnlyPaths, path)
            ? absl::StrCat("'", path, "' is output only and cannot be updated")
            : absl::StrCat("'", path,
                           "' is not a field of Config; updatable paths are ",
                           absl::StrJoin(kUpdatablePaths, ", "));
    result.violations.push_back(FieldViolation{
        "update_mask", "UPDATE_MASK_INVALID_PATH", std::move(description)});
  }
  if (!result.violations.empty()) return result;

  FieldMaskUtil::MergeOptions merge_options;
  merge_options.set_replace_message_fields(true);
  merge_options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, effective, merge_options,
                                &result.merged);
  // An extension path copies the sub-message wholesale; output-only fields stay
  // as saved.
  result.merged.set_client_secret_set(saved.client_secret_set());
  result.merged.set_revision(saved.revision());
  // Copy presence too: an unset time must stay unset, not become the epoch.
  result.merged.clear_client_secret_update_time();
  if (saved.has_client_secret_update_time()) {
    *result.merged.mutable_client_secret_update_time() =
        saved.client_secret_update_time();
  }
  result.merged.clear_update_time();
  if (saved.has_update_time()) {
    *result.merged.mutable_update_time() = saved.update_time();
  }

  // Treat "authorization_extension" as naming each of its fields, and likewise
  // for the other parent paths, so required-field checks see them.
  for (absl::string_view parent :
       {"authorization_extension", "import_options"}) {
    if (!updated.contains(parent)) continue;
    for (absl::string_view path : kUpdatablePaths) {
      if (absl::StartsWith(path, absl::StrCat(parent, ".")))
        updated.insert(std::string(path));
    }
  }
  result.secret_changed = updated.contains("client_secret");

  result.violations = ValidateConfig(result.merged, updated, options);
  if (!result.violations.empty()) return result;
  // A secret belongs to one application of one tenant: never send the saved
  // one to another (TestConnection's candidates and saved updates alike).
  if (!result.secret_changed && !saved.client_secret().empty() &&
      (result.merged.domain() != saved.domain() ||
       result.merged.client_id() != saved.client_id())) {
    result.violations.push_back(
        {"config.client_secret", "NEW_APPLICATION_NEEDS_SECRET",
         "changing the domain or the client id needs that application's "
         "client secret too: the saved one is only ever sent to the saved "
         "tenant and application. Set client_secret as well (and name it in "
         "update_mask when you give one)"});
    return result;
  }

  if (absl::EndsWith(result.merged.authorization_extension().api_url(), "/")) {
    result.merged.mutable_authorization_extension()
        ->mutable_api_url()
        ->pop_back();
  }
  // Store the effective audience, so GetConfig shows what scans will ask Auth0
  // for.
  if (result.merged.authorization_extension().enabled() &&
      result.merged.authorization_extension().audience().empty()) {
    result.merged.mutable_authorization_extension()->set_audience(
        std::string(kDefaultExtensionAudience));
  }
  return result;
}

}  // namespace identitygraph
