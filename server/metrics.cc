#include "server/metrics.h"

#include <exception>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "graph/graph_types.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"
#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"
#include "server/proto_time.h"
#include "server/scan_manager.h"

namespace identitygraph {
namespace {

// An Auth0 request takes tens of milliseconds; a user export's download, or
// a wait behind a slow tenant, up to minutes.
const prometheus::Histogram::BucketBoundaries& Auth0Buckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
  return *kBuckets;
}

// From a second (a small tenant) to two hours (a million users at a free
// tenant's rate).
const prometheus::Histogram::BucketBoundaries& ScanBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200};
  return *kBuckets;
}

// "SCAN_TRIGGER_MANUAL" -> "manual".
std::string EnumLabel(const std::string& name, absl::string_view prefix) {
  return absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
}

prometheus::MetricFamily NewFamily(std::string name, std::string help,
                                   prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

void AddSample(prometheus::MetricFamily& family, double value,
               std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric& metric = family.metric.emplace_back();
  metric.label = std::move(labels);
  if (family.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
}

// A gauge of one unlabelled value, appended to `out`.
void AddGauge(std::vector<prometheus::MetricFamily>& out, std::string name,
              std::string help, double value) {
  out.push_back(NewFamily(std::move(name), std::move(help),
                          prometheus::MetricType::Gauge));
  AddSample(out.back(), value);
}

// State read from its owners at each scrape.
class StateCollector final : public prometheus::Collectable {
 public:
  void Attach(MetricsState state) {
    absl::MutexLock lock(&mutex_);
    state_ = state;
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    absl::MutexLock lock(&mutex_);
    std::vector<prometheus::MetricFamily> out;
    if (state_.snapshots != nullptr) CollectSnapshot(out);
    if (state_.scans != nullptr) CollectScans(out);
    if (state_.limiters != nullptr) CollectLimiters(out);
    return out;
  }

 private:
  void CollectSnapshot(std::vector<prometheus::MetricFamily>& out) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    using prometheus::MetricType;
    std::shared_ptr<const graph::Snapshot> snapshot = state_.snapshots->Get();
    AddGauge(out, "identitygraph_snapshot_version",
             "The version of the snapshot that answers queries; 0 before the "
             "first scan.",
             snapshot == nullptr ? 0 : snapshot->version());
    if (snapshot == nullptr) return;
    AddGauge(out, "identitygraph_snapshot_age_seconds",
             "How old the snapshot that answers queries is (since its import "
             "ended).",
             absl::ToDoubleSeconds(absl::Now() - snapshot->create_time()));

    auto entities =
        NewFamily("identitygraph_graph_entities",
                  "Entities in the snapshot, by kind.", MetricType::Gauge);
    const auto vertices = snapshot->vertex_counts();
    for (int kind = 0; kind < graph::kVertexKindCount; ++kind) {
      AddSample(entities, vertices[kind],
                {{"kind", graph::VertexKindName(
                              static_cast<graph::VertexKind>(kind))}});
    }
    out.push_back(std::move(entities));
    auto edges =
        NewFamily("identitygraph_graph_edges",
                  "Edges in the snapshot, by kind.", MetricType::Gauge);
    const auto edge_counts = snapshot->edge_counts();
    for (int kind = 0; kind < graph::kEdgeKindCount; ++kind) {
      AddSample(
          edges, edge_counts[kind],
          {{"kind", graph::EdgeKindName(static_cast<graph::EdgeKind>(kind))}});
    }
    out.push_back(std::move(edges));
    AddGauge(out, "identitygraph_graph_bytes",
             "Memory the snapshot holds, query caches excluded.",
             static_cast<double>(snapshot->MemoryBytes()));

    // The caches belong to the snapshot: their counters start again at 0
    // with each new version, which rate() reads as a counter reset.
    auto hits = NewFamily("identitygraph_query_cache_hits_total",
                          "Query cache lookups that found their entry, since "
                          "the snapshot was published.",
                          MetricType::Counter);
    auto misses = NewFamily("identitygraph_query_cache_misses_total",
                            "Query cache lookups that did not, since the "
                            "snapshot was published.",
                            MetricType::Counter);
    auto entries = NewFamily("identitygraph_query_cache_entries",
                             "Entries in each query cache.", MetricType::Gauge);
    auto cache_bytes =
        NewFamily("identitygraph_query_cache_bytes",
                  "Memory each query cache holds.", MetricType::Gauge);
    for (const graph::CacheStats& stats : snapshot->cache_stats()) {
      const std::vector<prometheus::ClientMetric::Label> cache = {
          {"cache", stats.name}};
      AddSample(hits, stats.hits, cache);
      AddSample(misses, stats.misses, cache);
      AddSample(entries, stats.entries, cache);
      AddSample(cache_bytes, stats.bytes, cache);
    }
    for (auto* family : {&hits, &misses, &entries, &cache_bytes}) {
      out.push_back(std::move(*family));
    }
  }

  void CollectScans(std::vector<prometheus::MetricFamily>& out) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    AddGauge(out, "identitygraph_scan_running", "1 while a scan is running.",
             state_.scans->running() ? 1 : 0);
    const v1::FollowingStatus following = state_.scans->Following();
    AddGauge(out, "identitygraph_following",
             "1 while the tenant's changes are followed (state FOLLOWING), 0 "
             "otherwise.",
             following.state() == v1::FOLLOWING_STATE_FOLLOWING ? 1 : 0);
    // Absent until some change is known applied: a lag of 0 would be a lie.
    if (following.has_lag()) {
      AddGauge(out, "identitygraph_following_lag_seconds",
               "How far behind the tenant's log the served graph is: now "
               "minus the time through which every change is applied.",
               absl::ToDoubleSeconds(FromProtoDuration(following.lag())));
    }
  }

  void CollectLimiters(std::vector<prometheus::MetricFamily>& out) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    using prometheus::MetricType;
    auto waits = NewFamily("identitygraph_auth0_rate_limit_waits_total",
                           "Requests to an Auth0 host that waited for the "
                           "rate limit before going out.",
                           MetricType::Counter);
    auto waited = NewFamily(
        "identitygraph_auth0_rate_limit_wait_seconds_total",
        "Time during which at least one request to the host waited for the "
        "rate limit.",
        MetricType::Counter);
    auto rate = NewFamily("identitygraph_auth0_rate_limit_requests_per_second",
                          "The refill rate learned from the host's "
                          "rate-limit headers; 0 while unknown.",
                          MetricType::Gauge);
    state_.limiters->ForEach(
        [&](const std::string& host, const importer::RateLimiter& limiter) {
          const std::vector<prometheus::ClientMetric::Label> labels = {
              {"host", host}};
          AddSample(waits, limiter.waits(), labels);
          AddSample(waited, absl::ToDoubleSeconds(limiter.waited()), labels);
          AddSample(rate, limiter.rate(), labels);
        });
    out.push_back(std::move(waits));
    out.push_back(std::move(waited));
    out.push_back(std::move(rate));
  }

  mutable absl::Mutex mutex_;
  MetricsState state_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace

std::unique_ptr<Metrics> Metrics::Create() {
  return std::unique_ptr<Metrics>(new Metrics());
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      rpcs_(std::make_unique<RpcMetrics>(*registry_)),
      auth0_requests_(prometheus::BuildCounter()
                          .Name("identitygraph_auth0_requests_total")
                          .Help("Requests to Auth0 (Management API, token "
                                "endpoint, Authorization Extension), by path "
                                "template and HTTP status (or what came "
                                "instead of an answer).")
                          .Register(*registry_)),
      auth0_seconds_(prometheus::BuildHistogram()
                         .Name("identitygraph_auth0_request_duration_seconds")
                         .Help("Time from sending a request to Auth0 to its "
                               "whole answer, by path template.")
                         .Register(*registry_)),
      scans_(prometheus::BuildCounter()
                 .Name("identitygraph_scans_total")
                 .Help("Scans that ended, by trigger and state.")
                 .Register(*registry_)),
      scan_seconds_(prometheus::BuildHistogram()
                        .Name("identitygraph_scan_duration_seconds")
                        .Help("Time from a scan's start to its end, by "
                              "trigger and state.")
                        .Register(*registry_)),
      state_(std::make_shared<StateCollector>()) {}

Metrics::~Metrics() { StopServing(); }

absl::Status Metrics::Serve(const std::string& listen, MetricsState state) {
  static_cast<StateCollector&>(*state_).Attach(state);
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    // civetweb reports a port in use, or an address that is not this
    // machine's, by throwing.
    return absl::UnavailableError(absl::StrCat(
        "--metrics_listen=", listen, ": cannot serve metrics there (", e.what(),
        "); choose a free port on an address of this machine"));
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(state_);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  port_ = ports.empty() ? 0 : ports.front();
  return absl::OkStatus();
}

void Metrics::StopServing() {
  exposer_.reset();
  static_cast<StateCollector&>(*state_).Attach(MetricsState());
}

void Metrics::OnExchange(absl::string_view endpoint, absl::string_view status,
                         absl::Duration elapsed) {
  const std::string path(endpoint);
  auth0_requests_.Add({{"endpoint", path}, {"status", std::string(status)}})
      .Increment();
  auth0_seconds_.Add({{"endpoint", path}}, Auth0Buckets())
      .Observe(absl::ToDoubleSeconds(elapsed));
}

void Metrics::OnScanEnded(const v1::Scan& scan) {
  const prometheus::Labels labels = {
      {"trigger",
       EnumLabel(v1::ScanTrigger_Name(scan.trigger()), "SCAN_TRIGGER_")},
      {"state", EnumLabel(v1::ScanState_Name(scan.state()), "SCAN_STATE_")}};
  scans_.Add(labels).Increment();
  if (scan.has_start_time() && scan.has_end_time()) {
    scan_seconds_.Add(labels, ScanBuckets())
        .Observe(absl::ToDoubleSeconds(FromProtoTimestamp(scan.end_time()) -
                                       FromProtoTimestamp(scan.start_time())));
  }
}

std::string Metrics::Scrape() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (prometheus::MetricFamily& family : state_->Collect()) {
    families.push_back(std::move(family));
  }
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, families);
  return text.str();
}

}  // namespace identitygraph
