#include "server/server.h"

#include <sys/stat.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/durable_file.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/log.h"
#include "server/parsed_request.h"
#include "server/tenant_config.h"

namespace identitygraph {
namespace {

constexpr size_t kMaxPemFileBytes = 1 << 20;
// Admin calls that wait on Auth0 or on a scan: this many at once, this many
// more queued; past that they get RESOURCE_EXHAUSTED.
constexpr int kAdminWorkers = 4;
constexpr size_t kAdminCallsQueued = 16;
// Reads waiting for min_change_time hold a thread each, for at most
// kMaxChangeWait; a burst beyond these is RESOURCE_EXHAUSTED at once.
constexpr int kChangeWaiters = 32;
constexpr size_t kChangeWaitersQueued = 64;
constexpr const char* kServiceNames[] = {"identitygraph.v1.AccessService",
                                         "identitygraph.v1.ConfigService",
                                         "identitygraph.v1.ScanService"};

absl::StatusOr<std::string> ReadPem(absl::string_view flag,
                                    const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFile(path, kMaxPemFileBytes);
  if (!pem.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ", pem.status().message()));
  }
  return pem;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::string> cert =
      ReadPem("tls_cert_file", options.tls_cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key =
      ReadPem("tls_key_file", options.tls_key_file);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  if (!options.tls_client_ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPem("tls_client_ca_file", options.tls_client_ca_file);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<Authorizer> LoadAuthorizer(const ServerOptions& options) {
  std::vector<std::string> admin, reader;
  if (!options.admin_token_file.empty()) {
    absl::StatusOr<std::vector<std::string>> tokens =
        LoadTokenFile(options.admin_token_file);
    if (!tokens.ok()) return tokens.status();
    admin = *std::move(tokens);
  }
  if (!options.reader_token_file.empty()) {
    absl::StatusOr<std::vector<std::string>> tokens =
        LoadTokenFile(options.reader_token_file);
    if (!tokens.ok()) return tokens.status();
    reader = *std::move(tokens);
  }
  return Authorizer::Create(std::move(admin), std::move(reader));
}

int64_t Milliseconds(absl::Duration duration) {
  return absl::ToInt64Milliseconds(duration);
}

RpcMetrics* Rpcs(Metrics* metrics) {
  return metrics == nullptr ? nullptr : &metrics->rpcs();
}

int ClampToInt(int64_t value) {
  return value > INT32_MAX ? INT32_MAX : static_cast<int>(value);
}

}  // namespace

IdentityGraphServer::IdentityGraphServer(
    std::unique_ptr<Metrics> metrics,
    std::unique_ptr<importer::TenantLimiters> limiters,
    std::unique_ptr<ConfigStore> store, Authorizer authorizer,
    std::unique_ptr<graph::SnapshotHolder> holder,
    std::unique_ptr<ScanManager> scans, const ServerOptions& options)
    : metrics_(std::move(metrics)),
      limiters_(std::move(limiters)),
      store_(std::move(store)),
      authorizer_(std::move(authorizer)),
      holder_(std::move(holder)),
      scans_(std::move(scans)),
      admin_workers_("admin calls", kAdminWorkers, kAdminCallsQueued),
      change_waiters_("reads waiting for min_change_time", kChangeWaiters,
                      kChangeWaitersQueued),
      config_service_(authorizer_, *store_,
                      Auth0HttpOptions(options, metrics_.get()), admin_workers_,
                      *limiters_, Rpcs(metrics_.get())),
      access_service_(authorizer_, *holder_, *scans_, change_waiters_,
                      {static_cast<size_t>(options.query_max_visited),
                       options.query_max_paths},
                      Rpcs(metrics_.get())),
      scan_service_(authorizer_, *scans_, admin_workers_,
                    Rpcs(metrics_.get())) {}

absl::StatusOr<std::unique_ptr<IdentityGraphServer>> IdentityGraphServer::Start(
    const ServerOptions& options) {
  if (absl::Status valid = ValidateServerOptions(options); !valid.ok())
    return valid;
  if (absl::Status dir = EnsureDirectory(options.data_dir, 0700); !dir.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--data_dir: ", dir.message()));
  }
  // The directory holds the secret, and every workforce user's email in the
  // snapshot: an existing one open to others is closed.
  struct stat data_dir_info;
  if (::stat(options.data_dir.c_str(), &data_dir_info) == 0 &&
      (data_dir_info.st_mode & 077) != 0) {
    if (::chmod(options.data_dir.c_str(), 0700) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--data_dir: ", options.data_dir,
          " is open to group or others and its mode cannot be changed to "
          "0700; change it, or choose another directory"));
    }
    LogWarning(absl::StrCat("--data_dir: ", options.data_dir,
                            " was open to group or others; its mode is now "
                            "0700"));
  }
  absl::StatusOr<Authorizer> authorizer = LoadAuthorizer(options);
  if (!authorizer.ok()) return authorizer.status();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeCredentials(options);
  if (!credentials.ok()) return credentials.status();
  ValidatorOptions validator;
  validator.private_cloud_domain_suffixes =
      options.private_cloud_domain_suffixes;
  absl::StatusOr<std::unique_ptr<ConfigStore>> store =
      ConfigStore::Open(options.data_dir, std::move(validator));
  if (!store.ok()) return store.status();

  auto holder = std::make_unique<graph::SnapshotHolder>();
  auto limiters = std::make_unique<importer::TenantLimiters>();
  std::unique_ptr<Metrics> metrics;
  if (!options.metrics_listen.empty()) metrics = Metrics::Create();
  ScanManager::Options scan_options;
  scan_options.import.limiters = limiters.get();
  scan_options.data_dir = options.data_dir;
  scan_options.import.http = Auth0HttpOptions(options, metrics.get());
  if (metrics != nullptr) {
    scan_options.on_ended = [metrics = metrics.get()](const v1::Scan& scan) {
      metrics->OnScanEnded(scan);
    };
  }
  scan_options.cache_capacity_bytes = options.query_cache_bytes;
  scan_options.change_batches_kept =
      static_cast<size_t>(options.change_batches_kept);
  scan_options.log_delivery_allowance = options.log_delivery_allowance;
  absl::StatusOr<std::unique_ptr<ScanManager>> scans =
      ScanManager::Open(**store, *holder, std::move(scan_options));
  if (!scans.ok()) return scans.status();

  std::unique_ptr<IdentityGraphServer> server(new IdentityGraphServer(
      std::move(metrics), std::move(limiters), *std::move(store),
      *std::move(authorizer), std::move(holder), *std::move(scans), options));

  RateLimitProtobufLog();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, *credentials, &port);
  builder.RegisterService(&server->config_service_);
  builder.RegisterService(&server->access_service_);
  builder.RegisterService(&server->scan_service_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      ClampToInt(Milliseconds(options.keepalive_min_ping_interval)));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             ClampToInt(Milliseconds(options.keepalive_time)));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_IDLE_MS,
      ClampToInt(Milliseconds(options.max_connection_idle)));
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_AGE_MS,
      ClampToInt(Milliseconds(options.max_connection_age)));
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
      ClampToInt(Milliseconds(options.max_connection_age_grace)));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen,
                     ": the address is in use, not local, or malformed; choose "
                     "another with --listen"));
  }
  grpc::HealthCheckServiceInterface* health =
      server->server_->GetHealthCheckService();
  for (const char* name : kServiceNames) health->SetServingStatus(name, true);

  server->address_ = absl::StrCat(
      options.listen.substr(0, options.listen.rfind(':')), ":", port);
  if (server->metrics_ != nullptr) {
    absl::Status serving = server->metrics_->Serve(
        options.metrics_listen,
        {server->holder_.get(), server->scans_.get(), server->limiters_.get()});
    if (!serving.ok()) return serving;
    // Before "listening on": who waits for that line finds this one too.
    LogInfo(absl::StrCat(
        "metrics on http://",
        options.metrics_listen.substr(0, options.metrics_listen.rfind(':')),
        ":", server->metrics_->port(), "/metrics"));
  }
  LogInfo(absl::StrCat("identitygraph-server listening on ", server->address_,
                       " (",
                       options.tls_cert_file.empty()        ? "plaintext"
                       : options.tls_client_ca_file.empty() ? "TLS"
                                                            : "mutual TLS",
                       "), data in ", options.data_dir));
  if (!server->authorizer_.reads_need_token()) {
    LogWarning(
        "reads need no token: --reader_token_file is not set, so any caller "
        "that reaches "
        "this port may use AccessService");
  }
  if (!server->authorizer_.admin_enabled()) {
    LogWarning("admin RPCs are disabled: --admin_token_file is not set");
  }
  return server;
}

IdentityGraphServer::~IdentityGraphServer() { Shutdown(absl::ZeroDuration()); }

void IdentityGraphServer::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mutex_);
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  // Scrapes read the snapshot holder and the scans, which go before metrics_.
  if (metrics_ != nullptr) metrics_->StopServing();
  server_->GetHealthCheckService()->Shutdown();
  // Watch streams last as long as their scans: end them, or they would hold
  // the stop up for the whole grace period.
  scan_service_.Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
}

void IdentityGraphServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace identitygraph
