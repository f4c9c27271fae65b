// Runs identitygraph-server as a real child process for tests: starts it, waits
// (without sleeping) until it logs the address it listens on, collects
// everything it writes to stderr, and stops it with a signal.
#ifndef IDENTITYGRAPH_TESTS_SERVER_PROCESS_H_
#define IDENTITYGRAPH_TESTS_SERVER_PROCESS_H_

#include <sys/types.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace identitygraph {

class ServerProcess {
 public:
  // Starts `binary` with `args` and waits up to `timeout` for "listening on
  // ADDRESS". Fails, with the process's output in the message, if it exits
  // first or does not start in time.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      absl::Duration timeout = absl::Seconds(60));

  struct Exit {
    int exit_code;  // -1 when killed by a signal.
    std::string output;
  };
  // Runs `binary` with `args` to completion (for start-up failures and --help).
  static Exit Run(const std::string& binary,
                  const std::vector<std::string>& args);

  ~ServerProcess();

  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  // Everything the process has written so far.
  std::string output() const ABSL_LOCKS_EXCLUDED(mutex_);
  // Sends `signal`, waits for the process to exit and returns its exit code (-1
  // when the signal killed it).
  int Stop(int signal);

 private:
  ServerProcess(pid_t pid, int output_fd);
  void ReadOutput(int fd);

  pid_t pid_;
  std::string address_;
  // std::mutex, not absl::Mutex: importer tests run under TSan, which cannot
  // see Debian's (uninstrumented) absl::Mutex.
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_ ABSL_GUARDED_BY(mutex_);
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
  // Last: the thread starts in the constructor and uses everything above
  // (TSan caught it starting before the mutex was constructed).
  std::thread reader_;
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_TESTS_SERVER_PROCESS_H_
