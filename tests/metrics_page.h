// Reading the server's Prometheus endpoint from tests and benchmarks: fetch
// the page over plain HTTP, as Prometheus scrapes it, and parse its samples.
//
//   absl::StatusOr<std::string> page = FetchMetricsPage(url);
//   std::vector<MetricSample> samples = ParseMetricsPage(*page);
//   double checks = SampleValue(samples, "grpc_server_handled_total",
//                               {{"grpc_method", "CheckAccess"}});
#ifndef IDENTITYGRAPH_TESTS_METRICS_PAGE_H_
#define IDENTITYGRAPH_TESTS_METRICS_PAGE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace identitygraph {

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// GET `url` (http://HOST:PORT/metrics); UNAVAILABLE when it cannot be read or
// answers other than 200.
absl::StatusOr<std::string> FetchMetricsPage(const std::string& url);

// The samples of Prometheus' text format (comments and blank lines skipped).
std::vector<MetricSample> ParseMetricsPage(const std::string& text);

// The value of the sample of `name` whose labels include `labels`: 0 when
// there is none (a series not made yet reads as zero), NaN when several match.
double SampleValue(const std::vector<MetricSample>& samples,
                   const std::string& name,
                   const std::map<std::string, std::string>& labels = {});

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_TESTS_METRICS_PAGE_H_
