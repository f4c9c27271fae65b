// Conversions between absl::Time/Duration and
// google.protobuf.Timestamp/Duration.
#ifndef IDENTITYGRAPH_SERVER_PROTO_TIME_H_
#define IDENTITYGRAPH_SERVER_PROTO_TIME_H_

#include <cstdint>

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace identitygraph {

inline void SetProtoTimestamp(absl::Time time,
                              google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(time);
  int64_t seconds = nanos / 1000000000;
  int32_t rest = static_cast<int32_t>(nanos % 1000000000);
  if (rest < 0) {
    seconds -= 1;
    rest += 1000000000;
  }
  out->set_seconds(seconds);
  out->set_nanos(rest);
}

inline google::protobuf::Timestamp ToProtoTimestamp(absl::Time time) {
  google::protobuf::Timestamp out;
  SetProtoTimestamp(time, &out);
  return out;
}

inline absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

inline google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return out;
}

inline absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_PROTO_TIME_H_
