// The WatchScan streams of a ScanService, woken by the ScanManager's change
// listener instead of each polling on a thread of its own: an idle watcher
// costs a registry entry, and a change to a scan costs one write per watcher
// of that scan, made on the thread that changed it.
//
//   ScanWatchers watchers(scans);            // becomes scans' change listener
//   return watchers.Watch("scans/3");        // a reactor for WatchScan
//   ...
//   watchers.Shutdown();                     // ends every stream at once
//
// A stream sends the scan at once, then each change (progress comes at most
// every 250 ms), and ends with OK after the write of the ended scan; a watcher
// that goes away ends its stream at once (gRPC's OnCancel). Thread-safe.
#ifndef IDENTITYGRAPH_SERVER_SCAN_WATCHERS_H_
#define IDENTITYGRAPH_SERVER_SCAN_WATCHERS_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "grpcpp/support/server_callback.h"
#include "identitygraph/v1/scan_service.pb.h"
#include "server/scan_manager.h"

namespace identitygraph {

class ScanWatchers {
 public:
  // `scans` must outlive this; its change listener is this until destruction.
  explicit ScanWatchers(ScanManager& scans);
  ~ScanWatchers();
  ScanWatchers(const ScanWatchers&) = delete;
  ScanWatchers& operator=(const ScanWatchers&) = delete;

  // A reactor streaming `name`; an unknown name, or a watcher arriving during
  // shutdown, gets a stream that ends at once with the error.
  grpc::ServerWriteReactor<v1::WatchScanResponse>* Watch(
      const std::string& name);

  // Ends every stream with UNAVAILABLE (a client may watch again once the
  // server is back) and refuses new ones. Returns without waiting for gRPC
  // to finish with them.
  void Shutdown();

  // Streams still registered (for tests).
  size_t size() const;

  class Stream;  // one WatchScan call; defined in scan_watchers.cc

 private:
  void Notify(const std::string& name);
  void Remove(Stream* stream);

  ScanManager& scans_;
  mutable std::mutex mutex_;
  bool shutting_down_ = false;
  // Owned here until gRPC is done with them (OnDone), then released.
  absl::flat_hash_map<Stream*, std::shared_ptr<Stream>> streams_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_SCAN_WATCHERS_H_
