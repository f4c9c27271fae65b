// Reads the tenant's log through the Management API (GET /api/v2/logs, scope
// read:logs), for following changes: the newest event's id (where following
// starts), the events after a checkpoint (by log_id, the order Auth0 keeps
// despite delivery delays), and whether a checkpoint is still kept (when it is
// not, events after it may have been purged: a gap only a full scan covers).
//
// Every request goes through the caller, so it shares the scan's rate limiter
// and rate-limit share. Not thread-safe (the caller is not).
#ifndef IDENTITYGRAPH_IMPORTER_LOG_READER_H_
#define IDENTITYGRAPH_IMPORTER_LOG_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "importer/authorized_caller.h"
#include "importer/wire/auth0_wire.pb.h"

namespace identitygraph::importer {

// Auth0's largest `take` in checkpoint mode.
inline constexpr int kMaxLogTake = 100;

struct LogPage {
  std::vector<wire::LogEvent> events;
  // Where the next read starts: the Link header's `from`, or the last event's
  // id; `from` itself after an empty page.
  std::string next_from;
  // Events whose details did not parse: kept with their id and type only
  // (details cleared), so the mapping asks for a full scan rather than miss
  // them. Their ids, for the logs.
  std::vector<std::string> unparsed;
};

// Parses a GET /api/v2/logs answer (a JSON array of events). `from` is the
// checkpoint the page was read after (next_from when it is empty).
// UNAVAILABLE when the body is not an array, or an event has no log_id.
absl::StatusOr<LogPage> ParseLogPage(absl::string_view body,
                                     const std::string& from);

class LogReader {
 public:
  // `domain` is the tenant's canonical domain; `audience` its Management API.
  LogReader(AuthorizedCaller* caller, std::string domain, std::string audience);

  // The id of the newest event (by date, which is how search sorts), or ""
  // when the log is empty.
  absl::StatusOr<std::string> NewestLogId();

  // Up to kMaxLogTake events after `from` ("" means from the oldest kept).
  absl::StatusOr<LogPage> After(const std::string& from);

  // Whether the event `log_id` is still kept (200) or purged (404).
  absl::StatusOr<bool> Retained(const std::string& log_id);

 private:
  AuthorizedCaller* const caller_;
  const std::string base_;
  const std::string audience_;
};

}  // namespace identitygraph::importer

#endif  // IDENTITYGRAPH_IMPORTER_LOG_READER_H_
