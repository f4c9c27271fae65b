#include "importer/log_follower.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "importer/auth0_rules.h"
#include "importer/change_applier.h"
#include "importer/change_mapping.h"
#include "importer/management_fetchers.h"
#include "importer/touched_records.h"

namespace identitygraph::importer {
namespace {

// The newest of `latest` and the event's date (RFC 3339; unparsed dates
// leave `latest` as it is: the date only feeds figures, never the order).
absl::Time Later(absl::Time latest, const wire::LogEvent& event) {
  absl::Time date;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, event.date(), &date, &error)) {
    return latest;
  }
  return std::max(latest, date);
}

}  // namespace

LogFollower::LogFollower(const TenantConfig& config,
                         const ImportOptions& options,
                         const std::atomic<bool>& cancelled)
    : config_(config),
      cancelled_(cancelled),
      limiters_(options.limiters != nullptr ? options.limiters
                                            : &own_limiters_),
      http_(options.http),
      tokens_(&http_, {config.domain, config.client_id, config.client_secret}),
      management_(std::make_unique<AuthorizedCaller>(
          &http_, &tokens_,
          &limiters_->For(config.domain, config.rate_limit_share),
          options.retry, &cancelled_)),
      extension_(config.extension.enabled
                     ? std::make_unique<AuthorizedCaller>(
                           &http_, &tokens_,
                           &limiters_->For(UrlHost(config.extension.api_url),
                                           config.rate_limit_share),
                           options.retry, &cancelled_)
                     : nullptr),
      reader_(management_.get(), config.domain,
              ManagementApi{nullptr, config.domain}.audience()) {}

absl::StatusOr<std::string> LogFollower::Checkpoint() {
  if (absl::Status hosts = CheckTenantHosts(config_); !hosts.ok()) return hosts;
  return reader_.NewestLogId();
}

absl::StatusOr<bool> LogFollower::Retained(const std::string& checkpoint) {
  if (checkpoint.empty()) return true;
  return reader_.Retained(checkpoint);
}

int64_t LogFollower::requests() const {
  return management_->requests() +
         (extension_ != nullptr ? extension_->requests() : 0);
}

int64_t LogFollower::extension_requests() const {
  return extension_ != nullptr ? extension_->requests() : 0;
}

absl::StatusOr<std::vector<std::string>> LogFollower::ExtensionScopes() {
  absl::StatusOr<Token> token = tokens_.Get(config_.extension.audience);
  if (!token.ok()) return token.status();
  return token->scopes;
}

absl::StatusOr<FollowBatch> LogFollower::Poll(const std::string& from,
                                              TenantData& data) {
  const int64_t requests_before = requests();
  const int64_t extension_before = extension_requests();
  FollowBatch batch;
  batch.from = from;
  batch.checkpoint = from;
  ChangeSet changes;
  for (int pages = 0; pages < kMaxLogPagesPerPoll; ++pages) {
    // Before the request: what it answers was delivered by then at least.
    const absl::Time asked = absl::Now();
    absl::StatusOr<LogPage> page = reader_.After(batch.checkpoint);
    if (!page.ok()) return page.status();
    batch.read_time = asked;
    for (const wire::LogEvent& event : page->events) {
      AddLogEvent(event, changes);
      batch.newest_event_time = Later(batch.newest_event_time, event);
    }
    batch.checkpoint = page->next_from;
    // A short page is the end of what has been delivered: waiting for the
    // next poll costs nothing, where asking again would cost a request.
    if (page->events.size() < static_cast<size_t>(kMaxLogTake)) {
      batch.caught_up = true;
      break;
    }
  }
  batch.events = changes.events;
  batch.relevant = changes.relevant;
  batch.noise = changes.noise;
  batch.imprecise = changes.imprecise;
  if (!changes.full_scan_reason.empty()) {
    return absl::FailedPreconditionError(changes.full_scan_reason);
  }
  // Kept until a poll returns: a failed one may have patched part of `data`.
  if (!touch_.has_value() && (!changes.empty() || extension_ != nullptr)) {
    touch_.emplace(data);
  }
  if (!changes.empty()) {
    touch_->Note(changes, data);
    absl::StatusOr<AppliedChanges> applied =
        ApplyChangeSet(changes, config_,
                       ManagementApi{management_.get(), config_.domain}, data);
    if (!applied.ok()) return applied.status();
    batch.records_read = applied->records_read;
    batch.records_gone = applied->records_gone;
  }
  if (extension_ != nullptr) {
    absl::StatusOr<std::vector<std::string>> scopes = ExtensionScopes();
    if (!scopes.ok()) return scopes.status();
    absl::StatusOr<bool> changed =
        RefreshExtension({extension_.get(), config_.extension.api_url,
                          config_.extension.audience},
                         *scopes, &extension_seen_, data);
    if (!changed.ok()) return changed.status();
    batch.extension_changed = *changed;
  }
  if (touch_.has_value()) {
    if (batch.changed()) {
      batch.touched = touch_->Finish(data, batch.extension_changed);
    }
    touch_.reset();
  }
  batch.requests = requests() - requests_before;
  batch.extension_requests = extension_requests() - extension_before;
  return batch;
}

}  // namespace identitygraph::importer
