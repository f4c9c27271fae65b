// Minimal process log: one line per call to stderr, with a UTC timestamp and a
// severity. Thread-safe. Callers must never pass secrets (client secrets,
// bearer tokens); nothing here can tell a secret from other text.
#ifndef IDENTITYGRAPH_SERVER_LOG_H_
#define IDENTITYGRAPH_SERVER_LOG_H_

#include "absl/strings/string_view.h"

namespace identitygraph {

enum class LogSeverity { kInfo, kWarning, kError };

void Log(LogSeverity severity, absl::string_view message);

inline void LogInfo(absl::string_view message) {
  Log(LogSeverity::kInfo, message);
}
inline void LogWarning(absl::string_view message) {
  Log(LogSeverity::kWarning, message);
}
inline void LogError(absl::string_view message) {
  Log(LogSeverity::kError, message);
}

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_LOG_H_
