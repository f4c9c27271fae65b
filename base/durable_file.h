// Durable file writes for the data directory: the graph's snapshot file, the
// server's configuration, secret, tokens and scan history. General on
// purpose, so it lives in base/, below every other part.
//
// WriteFileAtomically replaces `path` so that after a crash at any moment the
// file holds either the old or the new contents, never a mix: it writes a
// temporary file beside it, fsyncs it, renames it over `path` and fsyncs the
// directory. ReadFile reads a whole file with a size cap so a corrupt or
// hostile file cannot exhaust memory.
#ifndef IDENTITYGRAPH_BASE_DURABLE_FILE_H_
#define IDENTITYGRAPH_BASE_DURABLE_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace identitygraph {

// Writes `contents` to `path` atomically and durably, with permission bits
// `mode`. Errors name the path and the failing step.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents, mode_t mode);

// Replaces everything of the existing file `path` from byte `offset` on with
// `contents`, and flushes it to disk before returning: an append that also
// drops whatever a crash left after `offset` (a torn tail). A crash during it
// leaves the bytes before `offset` intact. Errors name the path and the step.
absl::Status WriteFileTailDurably(const std::string& path, uint64_t offset,
                                  absl::string_view contents);

// Reads the whole file. NOT_FOUND when it does not exist; FAILED_PRECONDITION
// when it is larger than `max_bytes` or not a regular file.
absl::StatusOr<std::string> ReadFile(const std::string& path, size_t max_bytes);

// Creates `path` (one level) with `mode` if it does not exist; checks it is a
// writable directory otherwise.
absl::Status EnsureDirectory(const std::string& path, mode_t mode);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_BASE_DURABLE_FILE_H_
