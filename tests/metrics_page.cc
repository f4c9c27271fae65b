#include "tests/metrics_page.h"

#include <curl/curl.h>

#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace identitygraph {
namespace {

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

absl::StatusOr<std::string> FetchMetricsPage(const std::string& url) {
  std::string page;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &page);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK || status != 200) {
    return absl::UnavailableError(
        absl::StrCat("GET ", url, ": ",
                     code != CURLE_OK ? curl_easy_strerror(code)
                                      : absl::StrCat("HTTP ", status).c_str()));
  }
  return page;
}

std::vector<MetricSample> ParseMetricsPage(const std::string& text) {
  static const LazyRE2 kLine = {
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$)"};
  static const LazyRE2 kLabel = {
      R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?)re"};
  std::vector<MetricSample> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::string name, labels, value;
    if (line.empty() || line[0] == '#' ||
        !RE2::FullMatch(std::string(line), *kLine, &name, &labels, &value)) {
      continue;
    }
    MetricSample sample;
    sample.name = name;
    if (!absl::SimpleAtod(value, &sample.value)) continue;
    re2::StringPiece rest(labels);
    std::string key, label_value;
    while (RE2::Consume(&rest, *kLabel, &key, &label_value)) {
      sample.labels[key] = label_value;
    }
    out.push_back(std::move(sample));
  }
  return out;
}

double SampleValue(const std::vector<MetricSample>& samples,
                   const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  double found = 0;
  int matches = 0;
  for (const MetricSample& sample : samples) {
    if (sample.name != name) continue;
    bool all = true;
    for (const auto& [key, value] : labels) {
      auto it = sample.labels.find(key);
      all = all && it != sample.labels.end() && it->second == value;
    }
    if (all) {
      found = sample.value;
      ++matches;
    }
  }
  return matches > 1 ? std::numeric_limits<double>::quiet_NaN() : found;
}

}  // namespace identitygraph
