// The newest batches of followed changes (v1::ChangeBatch), in memory and in
// a file of the data directory (`change_batches.json`, newest first, mode
// 0600), so operators see what following did across restarts. Bounded: polls
// come every few seconds, so only the newest `kept` are held. A file that
// cannot be read is kept aside (kept_aside.h) and the log starts empty.
// Not thread-safe: the scan manager calls it under its lock.
#ifndef IDENTITYGRAPH_SERVER_CHANGE_BATCH_LOG_H_
#define IDENTITYGRAPH_SERVER_CHANGE_BATCH_LOG_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "identitygraph/v1/scan_service.pb.h"

namespace identitygraph {

class ChangeBatchLog {
 public:
  // Loads `path` when it exists. Fails only when an unreadable file cannot be
  // moved aside.
  static absl::StatusOr<ChangeBatchLog> Open(std::string path, size_t kept);

  // Names `batch` (changeBatches/N), keeps it as the newest, drops the oldest
  // beyond `kept` and saves the file (a failure to save is logged: the batch
  // itself is not worse for it). Returns the name.
  std::string Add(v1::ChangeBatch batch);
  // Newest first.
  std::vector<v1::ChangeBatch> List() const;
  // The highest snapshot version a kept batch published (0: none).
  int64_t max_snapshot_version() const;

 private:
  ChangeBatchLog(std::string path, size_t kept)
      : path_(std::move(path)), kept_(kept) {}
  void Save() const;

  std::string path_;
  size_t kept_;
  std::deque<v1::ChangeBatch> batches_;  // oldest first
  int64_t next_number_ = 1;
};

// N of "changeBatches/N" (canonical form only), else 0.
int64_t ChangeBatchNumber(const std::string& name);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_CHANGE_BATCH_LOG_H_
