// Minimal process log: one line per call to stderr, with a UTC timestamp and a
// severity, as text or as JSON. Thread-safe. Callers must never pass secrets
// (client secrets, bearer tokens); nothing here can tell a secret from other
// text.
#ifndef IDENTITYGRAPH_SERVER_LOG_H_
#define IDENTITYGRAPH_SERVER_LOG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace identitygraph {

enum class LogSeverity { kInfo, kWarning, kError };

// kText: `2026-12-02T03:11:28.123Z INFO message`. kJson, for log shippers: one
// object per line with the same fields,
// `{"time":"2026-12-02T03:11:28.123Z","severity":"INFO","message":"..."}`.
enum class LogFormat { kText, kJson };
// Set once at startup, before other threads log.
void SetLogFormat(LogFormat format);
// "text" or "json"; false for anything else.
bool ParseLogFormat(absl::string_view name, LogFormat* format);

void Log(LogSeverity severity, absl::string_view message);
// The line Log writes (with its newline), for tests.
std::string FormatLogLine(LogFormat format, absl::Time time,
                          LogSeverity severity, absl::string_view message);

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
