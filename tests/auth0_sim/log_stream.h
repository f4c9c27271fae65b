// The tenant's log events, as GET /api/v2/logs serves them.
//
// An event is written at its `date` and becomes readable only after a
// delivery delay (up to `max_delivery_delay`, chosen per event from a seeded
// sequence), so events arrive late and out of date order, as Auth0 warns they
// do. `log_id` is given when an event becomes readable and only grows: it is
// the order to follow, never `date`. Events older than `retention` (by date)
// are purged, as Auth0 keeps 1 to 30 days by plan.
//
// Thread-safe.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_LOG_STREAM_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_LOG_STREAM_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace identitygraph::sim {

struct LogStreamOptions {
  absl::Duration max_delivery_delay = absl::ZeroDuration();
  absl::Duration retention = absl::Hours(24 * 30);
  uint64_t seed = 1;
};

class LogStream {
 public:
  explicit LogStream(LogStreamOptions options);

  // Writes an event (without log_id) that happened at `date`; its `date`
  // field is set from it.
  void Write(nlohmann::json event, absl::Time date) ABSL_LOCKS_EXCLUDED(mutex_);

  // Up to `take` readable events with a log_id after `from` (all readable
  // events when `from` is empty), in log_id order. A `from` older than what is
  // retained reads from the oldest retained event: a follower cannot tell the
  // gap from this answer alone (Find tells it).
  std::vector<nlohmann::json> After(const std::string& from, size_t take,
                                    absl::Time now) ABSL_LOCKS_EXCLUDED(mutex_);

  // All readable events, newest `date` first (the search mode's default sort)
  // or oldest first.
  std::vector<nlohmann::json> ByDate(bool newest_first, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // The readable event with this id; nullopt when unknown or purged.
  std::optional<nlohmann::json> Find(const std::string& log_id, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // Purges every event readable now, as if the retention had passed over
  // them; returns how many. Tests of the retention gap use it instead of
  // waiting.
  size_t PurgeReadable(absl::Time now) ABSL_LOCKS_EXCLUDED(mutex_);

  // Events written, readable, and waiting for delivery.
  nlohmann::json Stats(absl::Time now) ABSL_LOCKS_EXCLUDED(mutex_);

  // Whether `text` has the shape of one of our log ids (56 digits).
  static bool IsLogId(const std::string& text);

 private:
  struct Waiting {
    absl::Time readable_at;
    uint64_t order;  // ties keep the order of writing
    absl::Time date;
    nlohmann::json event;
  };
  void Deliver(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const LogStreamOptions options_;
  absl::Mutex mutex_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mutex_);
  std::vector<Waiting> waiting_ ABSL_GUARDED_BY(mutex_);
  // Readable events in log_id order, each with its date for the purge.
  std::deque<nlohmann::json> readable_ ABSL_GUARDED_BY(mutex_);
  std::deque<absl::Time> readable_dates_ ABSL_GUARDED_BY(mutex_);
  uint64_t next_sequence_ ABSL_GUARDED_BY(mutex_) = 1;
  uint64_t written_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t purged_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_LOG_STREAM_H_
