// Keeps a data-directory file the server cannot read aside, under a name of
// its own (PATH.unreadable-YYYYMMDDTHHMMSSZ[-N], never over an earlier one),
// and logs why, so nothing is lost and the server can start without it. When
// the file cannot be moved, the error says so: the server must not start, as
// it would overwrite the file later.
#ifndef IDENTITYGRAPH_SERVER_KEPT_ASIDE_H_
#define IDENTITYGRAPH_SERVER_KEPT_ASIDE_H_

#include <string>

#include "absl/status/status.h"

namespace identitygraph {

// `why` says what is wrong with the file (its message is logged).
absl::Status KeepAside(const std::string& path, const absl::Status& why);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_KEPT_ASIDE_H_
