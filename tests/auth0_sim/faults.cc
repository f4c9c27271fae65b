#include "tests/auth0_sim/faults.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace identitygraph::sim {
namespace {

std::optional<FaultKind> KindNamed(absl::string_view name) {
  if (name == "500") return FaultKind::kStatus500;
  if (name == "503") return FaultKind::kStatus503;
  if (name == "429") return FaultKind::kStatus429;
  if (name == "slow") return FaultKind::kSlow;
  if (name == "malformed") return FaultKind::kMalformed;
  if (name == "truncate") return FaultKind::kTruncate;
  if (name == "reset") return FaultKind::kReset;
  if (name == "expire") return FaultKind::kExpire;
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<FaultRule>> ParseFaultPlan(absl::string_view text) {
  std::vector<FaultRule> rules;
  for (absl::string_view raw :
       absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    absl::string_view rule_text = absl::StripAsciiWhitespace(raw);
    auto invalid = [rule_text](absl::string_view problem) {
      return absl::InvalidArgumentError(
          absl::StrCat("fault rule '", rule_text, "': ", problem));
    };
    std::vector<absl::string_view> head =
        absl::StrSplit(rule_text, absl::MaxSplits(':', 1));
    std::optional<FaultKind> kind = KindNamed(head[0]);
    if (!kind) {
      return invalid(
          "unknown kind; use 500, 503, 429, slow, malformed, truncate, reset, "
          "expire");
    }
    FaultRule rule;
    rule.kind = *kind;
    if (head.size() == 2) {
      for (absl::string_view option :
           absl::StrSplit(head[1], ',', absl::SkipWhitespace())) {
        std::vector<absl::string_view> pair =
            absl::StrSplit(option, absl::MaxSplits('=', 1));
        if (pair.size() != 2)
          return invalid(absl::StrCat("'", option, "' is not key=value"));
        const absl::string_view key = pair[0], value = pair[1];
        if (key == "nth") {
          if (!absl::SimpleAtoi(value, &rule.nth) || rule.nth < 1) {
            return invalid("nth must be a whole number from 1");
          }
        } else if (key == "fraction") {
          if (!absl::SimpleAtod(value, &rule.fraction) || rule.fraction <= 0 ||
              rule.fraction > 1) {
            return invalid("fraction must be above 0 and at most 1");
          }
        } else if (key == "path") {
          rule.path_prefix = std::string(value);
        } else if (key == "delay") {
          if (!absl::ParseDuration(value, &rule.delay) ||
              rule.delay < absl::ZeroDuration() ||
              rule.delay > absl::Minutes(5)) {
            return invalid(
                "delay must be a duration from 0 to 5m, e.g. 500ms or 2s");
          }
        } else if (key == "seed") {
          if (!absl::SimpleAtoi(value, &rule.seed))
            return invalid("seed must be a number");
        } else {
          return invalid(
              absl::StrCat("unknown option '", key,
                           "'; use nth, fraction, path, delay, seed"));
        }
      }
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

void FaultInjector::SetPlan(std::vector<FaultRule> rules) {
  absl::MutexLock lock(&mutex_);
  rules_.clear();
  for (FaultRule& rule : rules) {
    std::mt19937_64 random(rule.seed);
    rules_.push_back(ActiveRule{std::move(rule), 0, std::move(random)});
  }
}

std::optional<FaultRule> FaultInjector::Next(const std::string& path) {
  absl::MutexLock lock(&mutex_);
  // Every rule that matches counts the request, fired or not, so `nth` is the
  // Nth request the rule matches whatever the other rules do; the first rule
  // that fires decides.
  std::optional<FaultRule> chosen;
  for (ActiveRule& active : rules_) {
    const FaultRule& rule = active.rule;
    if (path.rfind(rule.path_prefix, 0) != 0) continue;
    ++active.matched;
    const bool fires =
        rule.fraction > 0
            ? static_cast<double>(active.random() >> 11) * 0x1.0p-53 <
                  rule.fraction
            : active.matched == rule.nth;
    if (fires && !chosen) chosen = rule;
  }
  if (chosen) ++injected_;
  return chosen;
}

int64_t FaultInjector::injected() const {
  absl::MutexLock lock(&mutex_);
  return injected_;
}

}  // namespace identitygraph::sim
