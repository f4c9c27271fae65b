#include "server/config_store.h"

#include <sys/stat.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/durable_file.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/config_update.h"
#include "server/log.h"
#include "server/proto_time.h"

namespace identitygraph {
namespace {

using ::google::protobuf::util::JsonParseOptions;
using ::google::protobuf::util::JsonPrintOptions;

constexpr size_t kMaxConfigFileBytes = 1 << 20;
constexpr size_t kMaxSecretFileBytes = 4096;

// Protobuf 3.21 has its own Status type whose message is not an
// absl::string_view.
template <typename ProtobufStatus>
std::string MessageOf(const ProtobufStatus& status) {
  return std::string(status.message().data(), status.message().size());
}

std::string CorruptFileMessage(const std::string& path,
                               absl::string_view problem) {
  return absl::StrCat(
      "the config file ", path, " is unusable: ", problem,
      ". Restore it from a backup or fix it by hand; or move it away to start "
      "with no configuration and set it again with UpdateConfig.");
}

absl::StatusOr<v1::Config> ParseConfigFile(const std::string& path,
                                           const std::string& text) {
  google::protobuf::Struct document;
  JsonParseOptions strict;
  auto parsed =
      google::protobuf::util::JsonStringToMessage(text, &document, strict);
  if (!parsed.ok()) {
    return absl::DataLossError(CorruptFileMessage(
        path, absl::StrCat("it is not valid JSON (", MessageOf(parsed), ")")));
  }
  const auto& fields = document.fields();
  auto version = fields.find("formatVersion");
  if (version == fields.end() || !version->second.has_number_value()) {
    return absl::DataLossError(
        CorruptFileMessage(path, "it has no numeric formatVersion"));
  }
  if (version->second.number_value() != ConfigStore::kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the config file ", path, " has format version ",
        version->second.number_value(), " but this server reads version ",
        ConfigStore::kFormatVersion,
        "; run the server version that wrote it, or move the file away"));
  }
  auto config_value = fields.find("config");
  if (config_value == fields.end() ||
      !config_value->second.has_struct_value()) {
    return absl::DataLossError(
        CorruptFileMessage(path, "it has no \"config\" object"));
  }
  std::string config_json;
  auto printed = google::protobuf::util::MessageToJsonString(
      config_value->second, &config_json);
  if (!printed.ok()) {
    return absl::DataLossError(CorruptFileMessage(path, MessageOf(printed)));
  }
  v1::Config config;
  auto converted =
      google::protobuf::util::JsonStringToMessage(config_json, &config, strict);
  if (!converted.ok()) {
    return absl::DataLossError(CorruptFileMessage(
        path, absl::StrCat("its \"config\" does not match the Config message (",
                           MessageOf(converted), ")")));
  }
  return config;
}

std::string SerializeConfigFile(const v1::Config& config) {
  JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string config_json;
  // Printing a valid message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(WithoutSecret(config),
                                                    &config_json, options);
  return absl::StrCat("{\"formatVersion\": ", ConfigStore::kFormatVersion,
                      ", \"config\": ", config_json, "}\n");
}

absl::StatusOr<std::string> LoadSecret(const std::string& path) {
  absl::StatusOr<std::string> secret = ReadFile(path, kMaxSecretFileBytes);
  if (absl::IsNotFound(secret.status())) return std::string();
  if (!secret.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the client secret file is unreadable: ", secret.status().message(),
        ". Fix its permissions, or remove it and set the secret again with "
        "UpdateConfig."));
  }
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    // Tightening the mode loses nothing and closes the leak.
    if (::chmod(path.c_str(), 0600) == 0) {
      LogWarning(absl::StrCat(
          "the client secret file ", path,
          " was readable by group or others; its mode is now 0600"));
    }
  }
  return secret;
}

}  // namespace

v1::Config WithoutSecret(const v1::Config& config) {
  v1::Config out = config;
  out.clear_client_secret();
  return out;
}

ConfigStore::ConfigStore(const std::string& data_dir, ValidatorOptions options,
                         v1::Config config)
    : config_path_(absl::StrCat(data_dir, "/", kConfigFileName)),
      secret_path_(absl::StrCat(data_dir, "/", kSecretFileName)),
      options_(std::move(options)),
      config_(std::move(config)) {}

absl::StatusOr<std::unique_ptr<ConfigStore>> ConfigStore::Open(
    const std::string& data_dir, ValidatorOptions options) {
  const std::string config_path = absl::StrCat(data_dir, "/", kConfigFileName);
  const std::string secret_path = absl::StrCat(data_dir, "/", kSecretFileName);
  v1::Config config;
  absl::StatusOr<std::string> text = ReadFile(config_path, kMaxConfigFileBytes);
  if (text.ok()) {
    absl::StatusOr<v1::Config> parsed = ParseConfigFile(config_path, *text);
    if (!parsed.ok()) return parsed.status();
    config = *std::move(parsed);
  } else if (!absl::IsNotFound(text.status())) {
    return absl::FailedPreconditionError(
        CorruptFileMessage(config_path, text.status().message()));
  }
  absl::StatusOr<std::string> secret = LoadSecret(secret_path);
  if (!secret.ok()) return secret.status();
  if (config.client_secret_set() && secret->empty()) {
    // Starting would silently run without the secret the config says is set.
    return absl::FailedPreconditionError(absl::StrCat(
        secret_path, " is empty or missing, but ", config_path,
        " says a client secret is set: restore the file (the secret alone, "
        "mode 0600), or set the secret again with UpdateConfig after moving ",
        config_path, " aside"));
  }
  config.set_client_secret(*secret);
  config.set_client_secret_set(!secret->empty());

  std::vector<FieldViolation> violations = ValidateConfig(config, {}, options);
  if (!violations.empty()) {
    std::vector<std::string> lines;
    lines.reserve(violations.size());
    for (const FieldViolation& v : violations) {
      // A bad secret is reported by its file, never by its value.
      lines.push_back(v.field == "config.client_secret"
                          ? absl::StrCat(secret_path, ": ", v.description)
                          : absl::StrCat(v.field, ": ", v.description));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("the saved configuration in ", data_dir,
                     " is no longer valid: ", absl::StrJoin(lines, "; "),
                     ". Fix the file, or start the server with the flags it "
                     "was saved under (such as "
                     "--private_cloud_domain_suffixes)."));
  }
  return std::unique_ptr<ConfigStore>(
      new ConfigStore(data_dir, std::move(options), std::move(config)));
}

v1::Config ConfigStore::Get() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return WithoutSecret(config_);
}

bool ConfigStore::FollowsChanges() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return config_.import_options().follow_changes();
}

v1::Config ConfigStore::GetWithSecret() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return config_;
}

absl::StatusOr<ConfigStore::UpdateOutcome> ConfigStore::Update(
    const v1::Config& patch, const google::protobuf::FieldMask& mask,
    bool validate_only, absl::Time now) {
  std::lock_guard<std::mutex> write_lock(write_mutex_);
  ConfigUpdateResult update =
      ApplyConfigUpdate(GetWithSecret(), patch, mask, options_);
  UpdateOutcome outcome;
  if (!update.violations.empty()) {
    outcome.violations = std::move(update.violations);
    return outcome;
  }
  outcome.updated_paths = std::move(update.updated_paths);
  v1::Config& next = update.merged;
  next.set_client_secret_set(!next.client_secret().empty());
  if (validate_only) {
    outcome.config = WithoutSecret(next);
    return outcome;
  }
  next.set_revision(next.revision() + 1);
  *next.mutable_update_time() = ToProtoTimestamp(now);
  if (update.secret_changed) {
    *next.mutable_client_secret_update_time() = ToProtoTimestamp(now);
    // The secret goes first: a crash between the two writes leaves the new
    // secret with the old config, which the caller, seeing no answer, simply
    // sends again.
    absl::Status written =
        WriteFileAtomically(secret_path_, next.client_secret(), 0600);
    if (!written.ok()) return written;
  }
  absl::Status written =
      WriteFileAtomically(config_path_, SerializeConfigFile(next), 0644);
  if (!written.ok()) return written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    config_ = next;
  }
  outcome.config = WithoutSecret(next);
  return outcome;
}

}  // namespace identitygraph
