#include "server/kept_aside.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/log.h"

namespace identitygraph {

absl::Status KeepAside(const std::string& path, const absl::Status& why) {
  const std::string stem = absl::StrCat(
      path, ".unreadable-",
      absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone()));
  std::string aside = stem;
  for (int n = 1; ::access(aside.c_str(), F_OK) == 0; ++n) {
    aside = absl::StrCat(stem, "-", n);
  }
  if (std::rename(path.c_str(), aside.c_str()) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        why.message(), "; it could not be moved aside to ", aside, " (",
        std::strerror(errno), "): move it away yourself, then start again"));
  }
  LogError(absl::StrCat(why.message(), "; it was moved to ", aside,
                        " and the server starts without it"));
  return absl::OkStatus();
}

}  // namespace identitygraph
