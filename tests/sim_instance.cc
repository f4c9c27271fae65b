#include "tests/sim_instance.h"

#include <signal.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace identitygraph {

absl::StatusOr<std::unique_ptr<SimInstance>> SimInstance::Start(
    const std::vector<std::string>& flags, const std::string& domain) {
  std::unique_ptr<SimInstance> sim(new SimInstance());
  sim->domain_ = domain;
  sim->dir_ = std::make_unique<TestTempDir>();
  const std::string make_ca = absl::StrCat(AUTH0_SIM_DIR, "/make_test_ca.sh ",
                                           sim->dir_->path(), " >/dev/null");
  if (std::system(make_ca.c_str()) != 0)
    return absl::InternalError("make_test_ca.sh failed");
  std::vector<std::string> args = {
      "--listen=127.0.0.1:0",
      absl::StrCat("--cert_file=", sim->dir_->File("server.pem")),
      absl::StrCat("--key_file=", sim->dir_->File("server.key"))};
  args.insert(args.end(), flags.begin(), flags.end());
  // A sanitizer build may run the simulator of a plain build: the simulator
  // is the test's tool, not what is under test.
  const char* binary = std::getenv("IDENTITYGRAPH_AUTH0_SIM");
  absl::StatusOr<std::unique_ptr<ServerProcess>> process = ServerProcess::Start(
      binary != nullptr && *binary != '\0' ? binary : AUTH0_SIM_BINARY, args);
  if (!process.ok()) return process.status();
  sim->process_ = std::move(*process);
  return sim;
}

SimInstance::~SimInstance() {
  if (process_ != nullptr) process_->Stop(SIGTERM);
}

importer::HttpClientOptions SimInstance::HttpOptions() const {
  importer::HttpClientOptions options;
  options.connect_to = process_->address();
  options.ca_file = dir_->File("ca.pem");
  return options;
}

absl::StatusOr<importer::HttpResponse> SimInstance::Control(
    const std::string& method, const std::string& path,
    const std::string& body) {
  importer::HttpClient client(HttpOptions());
  importer::HttpRequest request;
  request.method = method;
  request.url = absl::StrCat("https://", domain_, path);
  request.body = body;
  absl::StatusOr<importer::HttpResponse> response = client.Send(request);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return absl::InternalError(absl::StrCat(
        method, " ", path, ": HTTP ", response->status, " ", response->body));
  }
  return response;
}

absl::Status SimInstance::SetFaults(const std::string& plan) {
  return Control("POST", "/__sim/faults", plan).status();
}
absl::Status SimInstance::ClearFaults() {
  return Control("DELETE", "/__sim/faults", "").status();
}
absl::Status SimInstance::ResetStats() {
  return Control("DELETE", "/__sim/stats", "").status();
}
absl::Status SimInstance::Change(const nlohmann::json& changes) {
  return Control("POST", "/__sim/changes", changes.dump()).status();
}
absl::Status SimInstance::PurgeLogs() {
  return Control("POST", "/__sim/logs/purge", "{}").status();
}
absl::StatusOr<nlohmann::json> SimInstance::Stats() {
  absl::StatusOr<importer::HttpResponse> response =
      Control("GET", "/__sim/stats", "");
  if (!response.ok()) return response.status();
  return nlohmann::json::parse(response->body);
}

}  // namespace identitygraph
