// The saved import configuration, in the data directory.
//
// Files (both written atomically, see base/durable_file.h):
//   DATA_DIR/config.json     {"formatVersion": 1, "config": {...}}: the Config
//   without the
//                            secret, readable and diffable by an operator.
//   DATA_DIR/client_secret   the client secret alone, mode 0600.
// A restart loads both; a corrupt or invalid file fails Open with an error
// naming the file, and nothing is overwritten. Thread-safe: reads run
// concurrently, updates one at a time.
#ifndef IDENTITYGRAPH_SERVER_CONFIG_STORE_H_
#define IDENTITYGRAPH_SERVER_CONFIG_STORE_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/field_mask.pb.h"
#include "identitygraph/v1/config_service.pb.h"
#include "server/config_validator.h"

namespace identitygraph {

class ConfigStore {
 public:
  static constexpr char kConfigFileName[] = "config.json";
  static constexpr char kSecretFileName[] = "client_secret";
  static constexpr int kFormatVersion = 1;

  // Opens the store in an existing, writable `data_dir` and loads the saved
  // config, if any.
  static absl::StatusOr<std::unique_ptr<ConfigStore>> Open(
      const std::string& data_dir, ValidatorOptions options);

  // The saved config without the client secret; `client_secret_set` tells
  // whether one is saved. Revision 0 and empty fields when nothing was saved
  // yet.
  v1::Config Get() const ABSL_LOCKS_EXCLUDED(mutex_);

  // Whether the saved import options follow changes: asked on every read
  // with min_change_time and every 100 ms while one waits, without copying
  // the config.
  bool FollowsChanges() const ABSL_LOCKS_EXCLUDED(mutex_);

  // The saved config with the client secret, for talking to Auth0. Never log or
  // return it.
  v1::Config GetWithSecret() const ABSL_LOCKS_EXCLUDED(mutex_);

  struct UpdateOutcome {
    // The config as saved (or as it would be saved), without the secret.
    v1::Config config;
    // Non-empty when the update was refused; nothing was saved then.
    std::vector<FieldViolation> violations;
    // The fields the update set (mask paths), for the audit log.
    std::vector<std::string> updated_paths;
  };

  // Applies `patch` under `mask` (see config_update.h) and, unless
  // `validate_only`, saves the result with the next revision. An error status
  // means the files could not be written; the saved config is then unchanged.
  absl::StatusOr<UpdateOutcome> Update(const v1::Config& patch,
                                       const google::protobuf::FieldMask& mask,
                                       bool validate_only, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mutex_);

  const ValidatorOptions& validator_options() const { return options_; }

 private:
  ConfigStore(const std::string& data_dir, ValidatorOptions options,
              v1::Config config);

  const std::string config_path_;
  const std::string secret_path_;
  const ValidatorOptions options_;
  // std::mutex rather than absl::Mutex: Debian's Abseil is not built with
  // ThreadSanitizer, which then cannot see its locks and reports races that
  // are none (the scan manager's threads read the configuration).
  mutable std::mutex mutex_;
  v1::Config config_ ABSL_GUARDED_BY(mutex_);  // Holds the secret.
  // Serialises writers so two updates never interleave their file writes.
  std::mutex write_mutex_ ABSL_ACQUIRED_BEFORE(mutex_);
};

// The config without the secret, as every response and file shows it.
v1::Config WithoutSecret(const v1::Config& config);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_CONFIG_STORE_H_
