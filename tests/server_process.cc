#include "tests/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"

extern char** environ;

namespace identitygraph {
namespace {

// Spawns the binary with stdout and stderr on one pipe; returns the pid and the
// read end.
absl::StatusOr<std::pair<pid_t, int>> Spawn(
    const std::string& binary, const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int error = ::posix_spawn(&pid, binary.c_str(), &actions, nullptr,
                            argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (error != 0) {
    ::close(fds[0]);
    return absl::InternalError(
        absl::StrCat("cannot start ", binary, ": errno ", error));
  }
  return std::make_pair(pid, fds[0]);
}

int ExitCodeOf(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

ServerProcess::ServerProcess(pid_t pid, int output_fd)
    : pid_(pid), reader_([this, output_fd] { ReadOutput(output_fd); }) {}

void ServerProcess::ReadOutput(int fd) {
  char buffer[4096];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      output_.append(buffer, static_cast<size_t>(got));
    }
    changed_.notify_all();
  }
  ::close(fd);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& binary, const std::vector<std::string>& args,
    absl::Duration timeout) {
  auto spawned = Spawn(binary, args);
  if (!spawned.ok()) return spawned.status();
  std::unique_ptr<ServerProcess> process(
      new ServerProcess(spawned->first, spawned->second));
  static const LazyRE2 kListening = {R"(listening on (\S+))"};
  std::string address;
  {
    std::unique_lock<std::mutex> lock(process->mutex_);
    process->changed_.wait_for(
        lock, absl::ToChronoMilliseconds(timeout), [&process, &address] {
          return process->closed_ ||
                 RE2::PartialMatch(process->output_, *kListening, &address);
        });
    if (address.empty()) {
      return absl::UnavailableError(absl::StrCat(
          "the server did not start; its output:\n", process->output_));
    }
  }
  process->address_ = address;
  return process;
}

ServerProcess::Exit ServerProcess::Run(const std::string& binary,
                                       const std::vector<std::string>& args) {
  auto spawned = Spawn(binary, args);
  if (!spawned.ok()) return {-1, std::string(spawned.status().message())};
  std::unique_ptr<ServerProcess> process(
      new ServerProcess(spawned->first, spawned->second));
  int status = 0;
  ::waitpid(process->pid_, &status, 0);
  process->pid_ = 0;
  process->reader_.join();
  return {ExitCodeOf(status), process->output()};
}

std::string ServerProcess::output() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return output_;
}

int ServerProcess::Stop(int signal) {
  if (pid_ == 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = 0;
  if (reader_.joinable()) reader_.join();
  return ExitCodeOf(status);
}

ServerProcess::~ServerProcess() {
  if (pid_ != 0) Stop(SIGKILL);
  if (reader_.joinable()) reader_.join();
}

}  // namespace identitygraph
