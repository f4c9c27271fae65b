#include "tests/bench/graph_profile.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"

namespace identitygraph::bench {

using graph::EdgeKind;
using graph::VertexId;
using graph::VertexKind;

void FillProfile(int64_t users, uint64_t seed, graph::GraphBuilder& builder) {
  std::mt19937_64 random(seed);
  auto unit = [&random] {
    return static_cast<double>(random() >> 11) * 0x1.0p-53;
  };
  const int64_t groups = std::max<int64_t>(1, users / 20);
  const int64_t roles = std::max<int64_t>(1, users / 50);
  const int64_t apps = std::max<int64_t>(1, users / 100);

  std::vector<VertexId> app_ids, role_ids, group_ids, connection_ids;
  std::vector<int64_t> app_of_role;
  for (int64_t a = 0; a < apps; ++a) {
    app_ids.push_back(builder.AddEntity(VertexKind::kApplication,
                                        absl::StrFormat("APP%029d", a),
                                        absl::StrFormat("App %05d", a)));
  }
  for (int64_t r = 0; r < roles; ++r) {
    role_ids.push_back(builder.AddEntity(VertexKind::kRole,
                                         absl::StrFormat("rol_%016d", r),
                                         absl::StrFormat("Role %05d", r)));
    // Some applications have many roles: square the uniform draw.
    const double skew = unit();
    app_of_role.push_back(static_cast<int64_t>(skew * skew * apps));
    builder.AddEdge(EdgeKind::kRoleApplication, role_ids.back(),
                    app_ids[app_of_role.back()]);
  }
  std::vector<int> depth;
  for (int64_t g = 0; g < groups; ++g) {
    group_ids.push_back(builder.AddEntity(VertexKind::kGroup,
                                          absl::StrFormat("grp_%016d", g),
                                          absl::StrFormat("Group %06d", g)));
    depth.push_back(0);
    const int held = 1 + static_cast<int>(random() % 2);
    for (int k = 0; k < held; ++k) {
      builder.AddEdge(EdgeKind::kGroupRole, group_ids.back(),
                      role_ids[random() % roles]);
    }
    if (g > 0 && unit() < 0.4) {
      const int64_t parent = static_cast<int64_t>(random() % g);
      if (depth[parent] < 6) {
        builder.AddEdge(EdgeKind::kNestedGroup, group_ids.back(),
                        group_ids[parent]);
        depth.back() = depth[parent] + 1;
      }
    }
  }
  for (int c = 0; c < 3; ++c) {
    connection_ids.push_back(builder.AddEntity(
        VertexKind::kConnection, absl::StrFormat("con_%016d", c),
        absl::StrFormat("connection-%d", c)));
    for (int64_t a = c; a < apps; a += 3) {
      builder.AddEdge(EdgeKind::kConnectionApplication, connection_ids.back(),
                      app_ids[a]);
    }
  }
  for (int64_t u = 0; u < users; ++u) {
    const std::string local = absl::StrFormat("u%08d", u);
    const VertexId user =
        builder.AddEntity(VertexKind::kUser, "samlp|" + local,
                          "Employee " + local, local + "@corp.example.com");
    builder.AddEdge(EdgeKind::kUserConnection, user, connection_ids[u % 3]);
    for (int k = 0; k < 5; ++k) {
      // Skewed membership: low group numbers are huge, most groups are small.
      const double skew = unit();
      builder.AddEdge(
          EdgeKind::kGroupMember, user,
          group_ids[static_cast<size_t>(skew * skew * skew * groups)]);
    }
    if (unit() < 0.1)
      builder.AddEdge(EdgeKind::kUserRole, user, role_ids[random() % roles]);
    // Leavers: blocked, roles and groups kept (by position, so the random
    // draws stay those of the profile without them).
    if (u % 50 == 7) builder.SetBlocked(user);
  }
  // Four permissions per application; each role grants two of its
  // application's.
  static constexpr const char* kNames[] = {"use", "read", "write", "admin"};
  std::vector<VertexId> permission_ids;
  for (int64_t a = 0; a < apps; ++a) {
    for (const char* name : kNames) {
      const std::string id = absl::StrFormat("APP%029d", a);
      permission_ids.push_back(builder.AddEntity(
          VertexKind::kPermission, graph::PermissionVertexId(id, name), name));
      builder.AddEdge(EdgeKind::kPermissionOn, permission_ids.back(),
                      app_ids[a]);
    }
  }
  for (int64_t r = 0; r < roles; ++r) {
    for (int k = 0; k < 2; ++k) {
      builder.AddEdge(EdgeKind::kRolePermission, role_ids[r],
                      permission_ids[app_of_role[r] * 4 + (r + k) % 4]);
    }
  }
}

}  // namespace identitygraph::bench
