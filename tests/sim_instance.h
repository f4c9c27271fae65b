// A running auth0-sim for importer tests: its own test CA and certificate, the
// tenant from a fixture or a --generate spec, and its control endpoints
// (faults, stats) over the same verified HTTPS the importer uses.
//
//   auto sim = SimInstance::Start({"--tenant_file=" + acme});
//   importer::HttpClientOptions http = (*sim)->HttpOptions();
//   (*sim)->SetFaults("503:fraction=0.2");
//   sim::Json stats = (*sim)->Stats();
#ifndef IDENTITYGRAPH_TESTS_SIM_INSTANCE_H_
#define IDENTITYGRAPH_TESTS_SIM_INSTANCE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "importer/http_client.h"
#include "nlohmann/json.hpp"
#include "tests/server_process.h"
#include "tests/test_temp_dir.h"

namespace identitygraph {

class SimInstance {
 public:
  // `flags` are auth0-sim's, besides --listen and the certificate.
  static absl::StatusOr<std::unique_ptr<SimInstance>> Start(
      const std::vector<std::string>& flags,
      const std::string& domain = "acme.us.auth0.com");
  ~SimInstance();

  // Connect-to and CA for the importer's HTTP client.
  importer::HttpClientOptions HttpOptions() const;
  const std::string& domain() const { return domain_; }

  absl::Status SetFaults(const std::string& plan);
  absl::Status ClearFaults();
  absl::StatusOr<nlohmann::json> Stats();
  absl::Status ResetStats();
  // POST /__sim/changes: applies `changes` (one change or {"changes": [...]})
  // and writes their log events.
  absl::Status Change(const nlohmann::json& changes);
  // POST /__sim/logs/purge: the log's events are gone, as after retention.
  absl::Status PurgeLogs();

 private:
  SimInstance() = default;
  absl::StatusOr<importer::HttpResponse> Control(const std::string& method,
                                                 const std::string& path,
                                                 const std::string& body);

  std::unique_ptr<TestTempDir> dir_;
  std::unique_ptr<ServerProcess> process_;
  std::string domain_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_TESTS_SIM_INSTANCE_H_
