#include "server/graph_view.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "server/api_mapping.h"
#include "server/grpc_status.h"
#include "server/proto_time.h"

namespace identitygraph {

using graph::VertexKind;

absl::StatusOr<std::shared_ptr<const graph::Snapshot>> CurrentSnapshot(
    const graph::SnapshotHolder& holder, int64_t min_version) {
  std::shared_ptr<const graph::Snapshot> snapshot = holder.Get();
  if (snapshot == nullptr) {
    return absl::UnavailableError(
        "there is no graph yet: configure the tenant (ConfigService) and run "
        "a scan (ScanService/StartRescan), or wait for the first one to "
        "finish");
  }
  if (snapshot->version() < min_version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this server serves snapshot version ", snapshot->version(),
        ", older than min_snapshot_version ", min_version,
        "; try again after the running scan, or ask another replica"));
  }
  return snapshot;
}

absl::StatusOr<absl::Time> MinChangeTime(
    const google::protobuf::Timestamp& min_change_time) {
  // The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (min_change_time.seconds() < kMinSeconds ||
      min_change_time.seconds() > kMaxSeconds || min_change_time.nanos() < 0 ||
      min_change_time.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        "min_change_time is not a valid timestamp: pass the time the change "
        "was made in Auth0, as RFC 3339 (\"2026-12-02T10:00:00Z\") in JSON");
  }
  const absl::Time time = FromProtoTimestamp(min_change_time);
  if (time > absl::Now() + absl::Minutes(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "min_change_time ",
        absl::FormatTime(absl::RFC3339_sec, time, absl::UTCTimeZone()),
        " is in the future: pass the time the change was made in Auth0"));
  }
  return time;
}

absl::StatusOr<graph::VertexId> Resolve(const graph::Snapshot& snapshot,
                                        const v1::EntityRef& ref,
                                        std::initializer_list<VertexKind> kinds,
                                        absl::string_view field) {
  const char* kind_name = graph::VertexKindName(*kinds.begin());
  switch (ref.ref_case()) {
    case v1::EntityRef::kId:
      for (VertexKind kind : kinds) {
        const graph::VertexId v = snapshot.FindById(kind, ref.id());
        if (v != graph::kNoVertex) return v;
      }
      return absl::NotFoundError(absl::StrCat(
          "no ", kind_name, " with id '", Echo(ref.id()), "' in snapshot ",
          snapshot.version(),
          *kinds.begin() == VertexKind::kUser
              ? " (only users of the selected connections are imported)"
              : ""));
    case v1::EntityRef::kEmail: {
      if (*kinds.begin() != VertexKind::kUser) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ".email: only users have emails; use ", field,
                         ".id or ", field, ".name"));
      }
      const graph::VertexId v = snapshot.FindByEmail(ref.email());
      if (v != graph::kNoVertex) return v;
      return absl::NotFoundError(absl::StrCat(
          "no user with email '", Echo(ref.email()), "' in snapshot ",
          snapshot.version(),
          " (only users of the selected connections are imported)"));
    }
    case v1::EntityRef::kName: {
      for (VertexKind kind : kinds) {
        absl::StatusOr<graph::VertexId> v =
            graph::FindUniqueByName(snapshot, kind, ref.name());
        if (v.ok() || !absl::IsNotFound(v.status())) {
          if (!v.ok()) {
            return absl::InvalidArgumentError(
                absl::StrCat(field, ".name: ", v.status().message()));
          }
          return v;
        }
      }
      return absl::NotFoundError(
          absl::StrCat("no ", kind_name, " named '", Echo(ref.name()),
                       "' in snapshot ", snapshot.version()));
    }
    case v1::EntityRef::REF_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(field, ": set one of ", field,
                                                 ".id, ", field, ".email or ",
                                                 field, ".name"));
}

void FillEntity(const graph::Snapshot& snapshot, graph::VertexId vertex,
                v1::Entity* out) {
  out->set_kind(ToApi(snapshot.kind(vertex)));
  const absl::string_view id = snapshot.id(vertex);
  const absl::string_view name = snapshot.name(vertex);
  const absl::string_view email = snapshot.email(vertex);
  out->set_id(id.data(), id.size());
  out->set_name(name.data(), name.size());
  out->set_email(email.data(), email.size());
  out->set_source(ToApi(snapshot.source(vertex)));
  if (snapshot.blocked(vertex)) out->set_blocked(true);
  for (const auto& [key, value] : snapshot.attributes(vertex)) {
    (*out->mutable_attributes())[std::string(key)] = std::string(value);
  }
}

void FillPath(const graph::Snapshot& snapshot, const graph::Path& path,
              v1::AccessPath* out) {
  for (size_t i = 0; i < path.size(); ++i) {
    v1::PathStep* step = out->add_steps();
    FillEntity(snapshot, path[i].vertex, step->mutable_entity());
    if (i > 0) {
      step->set_via(ToApi(path[i].via));
    }
    if (path[i].organization != graph::kNoVertex) {
      (*step->mutable_entity()->mutable_attributes())["organization"] =
          std::string(snapshot.id(path[i].organization));
    }
  }
}

void FillSnapshotInfo(const graph::Snapshot& snapshot, v1::SnapshotInfo* out) {
  out->set_version(snapshot.version());
  SetProtoTimestamp(snapshot.create_time(), out->mutable_create_time());
}

}  // namespace identitygraph
