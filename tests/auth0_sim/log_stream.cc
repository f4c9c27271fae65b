#include "tests/auth0_sim/log_stream.h"

#include <algorithm>
#include <iterator>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "re2/re2.h"

namespace identitygraph::sim {
namespace {

using Json = nlohmann::json;

// Auth0's log ids are 56 digits; ours are "900" and a zero-padded sequence,
// so comparing them as strings compares them in order.
std::string LogIdOf(uint64_t sequence) {
  return absl::StrFormat("900%053d", sequence);
}

std::string IsoDate(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

}  // namespace

LogStream::LogStream(LogStreamOptions options)
    : options_(options), random_(options.seed) {}

bool LogStream::IsLogId(const std::string& text) {
  static const RE2 kLogId(R"(\d{56})");
  return RE2::FullMatch(text, kLogId);
}

void LogStream::Write(Json event, absl::Time date) {
  event["date"] = IsoDate(date);
  absl::MutexLock lock(&mutex_);
  absl::Duration delay = absl::ZeroDuration();
  if (options_.max_delivery_delay > absl::ZeroDuration()) {
    std::uniform_int_distribution<int64_t> pick(
        0, absl::ToInt64Milliseconds(options_.max_delivery_delay));
    delay = absl::Milliseconds(pick(random_));
  }
  waiting_.push_back({date + delay, written_++, date, std::move(event)});
}

void LogStream::Deliver(absl::Time now) {
  // Deliver what is due, in the order it became due: that is the log_id
  // order, whatever the dates say.
  std::vector<Waiting> due;
  auto keep = std::partition(
      waiting_.begin(), waiting_.end(),
      [now](const Waiting& waiting) { return waiting.readable_at > now; });
  std::move(keep, waiting_.end(), std::back_inserter(due));
  waiting_.erase(keep, waiting_.end());
  std::sort(due.begin(), due.end(), [](const Waiting& a, const Waiting& b) {
    return std::tie(a.readable_at, a.order) < std::tie(b.readable_at, b.order);
  });
  for (Waiting& waiting : due) {
    waiting.event["log_id"] = LogIdOf(next_sequence_++);
    readable_dates_.push_back(waiting.date);
    readable_.push_back(std::move(waiting.event));
  }
  // Purge by age. Dates are nearly ordered; an event delivered late keeps an
  // older one a little longer, which Auth0's retention does not promise
  // against either.
  while (!readable_.empty() &&
         readable_dates_.front() + options_.retention < now) {
    readable_.pop_front();
    readable_dates_.pop_front();
    ++purged_;
  }
}

std::vector<Json> LogStream::After(const std::string& from, size_t take,
                                   absl::Time now) {
  absl::MutexLock lock(&mutex_);
  Deliver(now);
  auto first = readable_.begin();
  if (!from.empty()) {
    first = std::upper_bound(readable_.begin(), readable_.end(), from,
                             [](const std::string& id, const Json& event) {
                               return id < event["log_id"].get<std::string>();
                             });
  }
  std::vector<Json> page;
  for (auto it = first; it != readable_.end() && page.size() < take; ++it) {
    page.push_back(*it);
  }
  return page;
}

std::vector<Json> LogStream::ByDate(bool newest_first, absl::Time now) {
  absl::MutexLock lock(&mutex_);
  Deliver(now);
  std::vector<Json> events(readable_.begin(), readable_.end());
  // ISO dates of one format compare as strings; log_id breaks ties.
  std::stable_sort(events.begin(), events.end(),
                   [newest_first](const Json& a, const Json& b) {
                     auto key = [](const Json& e) {
                       return std::make_pair(e["date"].get<std::string>(),
                                             e["log_id"].get<std::string>());
                     };
                     return newest_first ? key(b) < key(a) : key(a) < key(b);
                   });
  return events;
}

std::optional<Json> LogStream::Find(const std::string& log_id, absl::Time now) {
  absl::MutexLock lock(&mutex_);
  Deliver(now);
  auto it = std::lower_bound(readable_.begin(), readable_.end(), log_id,
                             [](const Json& event, const std::string& id) {
                               return event["log_id"].get<std::string>() < id;
                             });
  if (it == readable_.end() || (*it)["log_id"] != log_id) return std::nullopt;
  return *it;
}

size_t LogStream::PurgeReadable(absl::Time now) {
  absl::MutexLock lock(&mutex_);
  Deliver(now);
  const size_t purged = readable_.size();
  purged_ += purged;
  readable_.clear();
  readable_dates_.clear();
  return purged;
}

Json LogStream::Stats(absl::Time now) {
  absl::MutexLock lock(&mutex_);
  Deliver(now);
  return {{"written", written_},
          {"readable", readable_.size()},
          {"waiting", waiting_.size()},
          {"purged", purged_},
          {"newest_log_id",
           readable_.empty() ? Json(nullptr) : readable_.back()["log_id"]}};
}

}  // namespace identitygraph::sim
