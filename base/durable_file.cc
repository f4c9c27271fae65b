#include "base/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace identitygraph {
namespace {

absl::Status ErrnoError(absl::string_view step, const std::string& path,
                        int error) {
  std::string message =
      absl::StrCat(step, " ", path, ": ", std::strerror(error));
  if (error == ENOENT) return absl::NotFoundError(message);
  if (error == EACCES || error == EPERM)
    return absl::PermissionDeniedError(message);
  if (error == ENOSPC || error == EDQUOT)
    return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Closes the descriptor on every path out of a function.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports the error, which for writes can be the first sign of
  // a failure.
  int Close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

}  // namespace

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents, mode_t mode) {
  std::string temp_path = absl::StrCat(path, ".tmp.", ::getpid());
  FileDescriptor file(
      ::open(temp_path.c_str(),
             O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (file.get() < 0) return ErrnoError("cannot create", temp_path, errno);
  // open() applies the umask; the caller's mode (say 0600 for a secret) must
  // hold exactly.
  if (::fchmod(file.get(), mode) != 0) {
    int error = errno;
    ::unlink(temp_path.c_str());
    return ErrnoError("cannot set the mode of", temp_path, error);
  }
  const char* data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t written = ::write(file.get(), data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::unlink(temp_path.c_str());
      return ErrnoError("cannot write", temp_path, error);
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  if (::fsync(file.get()) != 0 || file.Close() != 0) {
    int error = errno;
    ::unlink(temp_path.c_str());
    return ErrnoError("cannot flush", temp_path, error);
  }
  if (::rename(temp_path.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temp_path.c_str());
    return ErrnoError("cannot rename over", path, error);
  }
  std::string directory = DirectoryOf(path);
  FileDescriptor dir(
      ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0)
    return ErrnoError("cannot open directory", directory, errno);
  if (::fsync(dir.get()) != 0)
    return ErrnoError("cannot flush directory", directory, errno);
  return absl::OkStatus();
}

absl::Status WriteFileTailDurably(const std::string& path, uint64_t offset,
                                  absl::string_view contents) {
  FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  if (file.get() < 0) return ErrnoError("cannot open", path, errno);
  const char* data = contents.data();
  size_t left = contents.size();
  off_t at = static_cast<off_t>(offset);
  while (left > 0) {
    ssize_t written = ::pwrite(file.get(), data, left, at);
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", path, errno);
    }
    data += written;
    at += written;
    left -= static_cast<size_t>(written);
  }
  if (::ftruncate(file.get(), at) != 0) {
    return ErrnoError("cannot truncate", path, errno);
  }
  if (::fdatasync(file.get()) != 0 || file.Close() != 0) {
    return ErrnoError("cannot flush", path, errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     size_t max_bytes) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return ErrnoError("cannot open", path, errno);
  struct stat info;
  if (::fstat(file.get(), &info) != 0)
    return ErrnoError("cannot stat", path, errno);
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not a regular file"));
  }
  if (static_cast<size_t>(info.st_size) > max_bytes) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is ", info.st_size, " bytes, more than the ",
                     max_bytes, " allowed"));
  }
  std::string contents;
  contents.resize(static_cast<size_t>(info.st_size));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t got = ::read(file.get(), &contents[done], contents.size() - done);
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot read", path, errno);
    }
    if (got == 0) break;  // Shrank while reading: keep what is there.
    done += static_cast<size_t>(got);
  }
  contents.resize(done);
  return contents;
}

absl::Status EnsureDirectory(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return ErrnoError("cannot create directory", path, errno);
  }
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    return ErrnoError("cannot stat", path, errno);
  if (!S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists but is not a directory"));
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    return ErrnoError("cannot write in directory", path, errno);
  }
  return absl::OkStatus();
}

}  // namespace identitygraph
