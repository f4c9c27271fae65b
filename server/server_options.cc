#include "server/server_options.h"

#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "importer/re2_util.h"
#include "re2/re2.h"
#include "server/config_validator.h"

namespace identitygraph {
namespace {

constexpr size_t kMinQueryCacheBytes = size_t{1} << 20;

// host:port where host is a name, an IPv4 address or a bracketed IPv6 address.
const LazyRE2 kHostPort = {
    R"(^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$)"};

absl::Status CheckReadable(absl::string_view flag, const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  if (::access(path.c_str(), R_OK) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, "=", path, ": the file does not exist or is not readable"));
  }
  return absl::OkStatus();
}

absl::Status CheckHostPort(absl::string_view flag, const std::string& value) {
  int port = 0;
  if (!RE2::FullMatch(Piece(value), *kHostPort, &port) || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", value,
                     ": expected HOST:PORT, e.g. 127.0.0.1:50051 or "
                     "[::1]:50051 (port 0 to 65535)"));
  }
  return absl::OkStatus();
}

absl::Status CheckPositive(absl::string_view flag, absl::Duration value) {
  if (value <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " must be positive, e.g. 30s or 5m"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateServerOptions(const ServerOptions& options) {
  if (absl::Status s = CheckHostPort("listen", options.listen); !s.ok())
    return s;
  if (!options.metrics_listen.empty()) {
    if (absl::Status s =
            CheckHostPort("metrics_listen", options.metrics_listen);
        !s.ok()) {
      return s;
    }
    if (options.metrics_listen == options.listen &&
        !absl::EndsWith(options.listen, ":0")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--metrics_listen=", options.metrics_listen,
          " is the gRPC address (--listen); give metrics a port of their own"));
    }
  }
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError(
        "--data_dir is required: name a directory the server may write; it "
        "holds the "
        "configuration, the client secret and the snapshots");
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file and --tls_key_file go together: give both for TLS, or "
        "neither");
  }
  if (!options.tls_client_ca_file.empty() && options.tls_cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca_file (mTLS) needs --tls_cert_file and --tls_key_file "
        "too");
  }
  for (const auto& [flag, path] :
       {std::pair<absl::string_view, const std::string&>{
            "admin_token_file", options.admin_token_file},
        {"reader_token_file", options.reader_token_file},
        {"tls_cert_file", options.tls_cert_file},
        {"tls_key_file", options.tls_key_file},
        {"tls_client_ca_file", options.tls_client_ca_file},
        {"auth0_ca_file", options.auth0_ca_file}}) {
    if (absl::Status s = CheckReadable(flag, path); !s.ok()) return s;
  }
  if (!options.auth0_connect_to.empty()) {
    if (absl::Status s =
            CheckHostPort("auth0_connect_to", options.auth0_connect_to);
        !s.ok()) {
      return s;
    }
  }
  for (const std::string& suffix : options.private_cloud_domain_suffixes) {
    if (absl::Status s = CheckPrivateCloudSuffix(suffix); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--private_cloud_domain_suffixes: ", s.message()));
    }
  }
  if (options.max_receive_message_bytes < 1024) {
    return absl::InvalidArgumentError(
        "--max_receive_message_bytes must be at least 1024");
  }
  if (options.max_concurrent_streams < 1) {
    return absl::InvalidArgumentError(
        "--max_concurrent_streams must be at least 1");
  }
  if (options.query_cache_bytes < kMinQueryCacheBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--query_cache_bytes must be at least ", kMinQueryCacheBytes,
        " (1 MiB); 0 would empty the caches on every insert"));
  }
  if (options.query_max_visited < 1000) {
    return absl::InvalidArgumentError(
        "--query_max_visited must be at least 1000: fewer stops ordinary "
        "queries on small graphs");
  }
  if (options.query_max_paths < 1) {
    return absl::InvalidArgumentError("--query_max_paths must be at least 1");
  }
  if (options.change_batches_kept < 1 || options.change_batches_kept > 100000) {
    return absl::InvalidArgumentError(
        "--change_batches_kept must be 1 to 100000 (each batch is a few "
        "hundred bytes in memory and in change_batches.json)");
  }
  if (options.log_delivery_allowance < absl::ZeroDuration() ||
      options.log_delivery_allowance > absl::Minutes(10)) {
    return absl::InvalidArgumentError(
        "--log_delivery_allowance must be 0s to 10m: it is how late Auth0 may "
        "deliver a log event (a few seconds; reads with min_change_time wait "
        "at least this long)");
  }
  for (const auto& [flag, value] :
       {std::pair<absl::string_view, absl::Duration>{
            "keepalive_min_ping_interval", options.keepalive_min_ping_interval},
        {"keepalive_time", options.keepalive_time},
        {"max_connection_idle", options.max_connection_idle},
        {"max_connection_age", options.max_connection_age},
        {"max_connection_age_grace", options.max_connection_age_grace},
        {"shutdown_grace", options.shutdown_grace}}) {
    if (absl::Status s = CheckPositive(flag, value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace identitygraph
