// Follows a tenant's changes after a full import: each Poll reads the log
// events after a checkpoint (log_reader.h), maps them to the records they
// touch (change_mapping.h), reads those again into the import's TenantData
// (change_applier.h), and polls the Authorization Extension, which writes no
// logs. The caller maps the data to a graph again when Poll says it changed.
//
//   LogFollower follower(config, options, cancelled);
//   std::string checkpoint = *follower.Checkpoint();  // before the import
//   TenantData data = Import(...)->data;
//   absl::StatusOr<FollowBatch> batch = follower.Poll(checkpoint, data);
//   if (batch.ok()) checkpoint = batch->checkpoint;
//
// Requests go through the server's limiters (ImportOptions::limiters) at the
// configuration's rate-limit share, like a scan's. When nothing changed a
// poll costs one log request (and one extension request when it is enabled).
// Errors:
//   FAILED_PRECONDITION  only a full scan covers what happened (the log names
//                        every user, a changed connection selection, or an
//                        event not even its kind can be placed for); the
//                        message says why. `data` may be partly patched.
//   others               reading failed (auth0_api.h's codes); the checkpoint
//                        is not advanced, and polling again from it repairs a
//                        partly patched `data` (every read sets a record to
//                        what Auth0 holds now).
// Not thread-safe: one poller at a time.
#ifndef IDENTITYGRAPH_IMPORTER_LOG_FOLLOWER_H_
#define IDENTITYGRAPH_IMPORTER_LOG_FOLLOWER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "importer/authorized_caller.h"
#include "importer/extension_fetcher.h"
#include "importer/graph_mapping.h"
#include "importer/http_client.h"
#include "importer/import.h"
#include "importer/log_reader.h"
#include "importer/tenant_data.h"
#include "importer/tenant_limiters.h"
#include "importer/token_source.h"
#include "importer/touched_records.h"

namespace identitygraph::importer {

// Log pages read by one poll at most; a longer backlog is read by the polls
// after it (FollowBatch::caught_up says so), so one poll never holds a
// snapshot back for long.
inline constexpr int kMaxLogPagesPerPoll = 20;

// What one poll read and did.
struct FollowBatch {
  std::string from;        // the checkpoint the poll started after
  std::string checkpoint;  // where the next poll starts
  // Whether the poll reached the end of the log (a page shorter than a full
  // one): every event delivered before `read_time` has been applied.
  bool caught_up = false;
  absl::Time read_time;  // when the last log page was asked for
  // The newest event date among the events read (InfinitePast when none).
  absl::Time newest_event_time = absl::InfinitePast();
  int64_t events = 0;    // log events read
  int64_t relevant = 0;  // of them, those that named records to read
  int64_t noise = 0;     // of them, those that cannot change the graph
  int64_t records_read = 0;
  int64_t records_gone = 0;
  int64_t requests = 0;  // HTTP requests the poll made (tokens not counted)
  int64_t extension_requests = 0;  // of them, to the Authorization Extension
  bool extension_changed = false;
  // Events that marked every record of a kind to read again, described.
  std::vector<std::string> imprecise;
  // Whether `data` changed (records were read again, or the extension
  // differed): the graph must be mapped again, for `touched` at least.
  bool changed() const { return records_read > 0 || extension_changed; }
  TouchedEntities touched;
};

class LogFollower {
 public:
  // `config`, `options` and `cancelled` must outlive the follower.
  LogFollower(const TenantConfig& config, const ImportOptions& options,
              const std::atomic<bool>& cancelled);

  // Where following starts: the newest log event's id ("" for an empty log).
  // Taken before the full import, so that a change made while it runs is in
  // the import or after the checkpoint, or both.
  absl::StatusOr<std::string> Checkpoint();
  // Whether the event `checkpoint` is still kept by the tenant (false: events
  // after it may have been purged, a gap only a full scan covers). An empty
  // checkpoint (the log was empty) counts as kept.
  absl::StatusOr<bool> Retained(const std::string& checkpoint);
  // Reads the log after `from` and patches `data` (see the file comment).
  absl::StatusOr<FollowBatch> Poll(const std::string& from, TenantData& data);

  // Requests made so far (tokens not counted), and of them those to the
  // Authorization Extension.
  int64_t requests() const;
  int64_t extension_requests() const;

 private:
  absl::StatusOr<std::vector<std::string>> ExtensionScopes();

  const TenantConfig& config_;
  const std::atomic<bool>& cancelled_;
  TenantLimiters own_limiters_;  // when options.limiters is null
  TenantLimiters* const limiters_;
  HttpClient http_;
  TokenSource tokens_;
  std::unique_ptr<AuthorizedCaller> management_;
  std::unique_ptr<AuthorizedCaller> extension_;
  LogReader reader_;
  // The extension's documents as the last poll read them.
  ExtensionFingerprints extension_seen_;
  // What polls changed since the last one that returned (see Poll).
  std::optional<TouchRecorder> touch_;
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_LOG_FOLLOWER_H_
