// graph_bench: the graph engine's figures on the benchmark profiles
// (graph_profile.h).
//
//   build/tests/bench/graph_bench                          # 100k users
//   build/tests/bench/graph_bench --benchmark_filter=1000000  # the 1M profile
//
// Each benchmark's argument is the profile's user count. Memory is reported as
// a counter of the build benchmark (bytes per user, graph and indexes; caches
// excluded).
#include <malloc.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "graph/graph_builder.h"
#include "graph/permissions.h"
#include "graph/queries.h"
#include "graph/snapshot_delta.h"
#include "graph/snapshot_file.h"
#include "tests/bench/graph_profile.h"

namespace identitygraph::bench {
namespace {

using graph::CheckAccess;
using graph::Reachability;
using graph::Snapshot;
using graph::VertexId;
using graph::VertexKind;

struct Profile {
  std::shared_ptr<const Snapshot> snapshot;
  std::vector<VertexId> users, apps, permissions;
  VertexId biggest_app = graph::kNoVertex;
  // The first (uncached) UsersOfApplication call for the biggest application.
  double biggest_app_cold_ms = 0;
  // The most widely held permission, and its first (uncached) holders call.
  VertexId widest_permission = graph::kNoVertex;
  size_t widest_holders = 0;
  double widest_cold_ms = 0;
};

// Built once per size and shared by the query benchmarks.
const Profile& GetProfile(int64_t users) {
  static std::map<int64_t, Profile> profiles;
  auto it = profiles.find(users);
  if (it != profiles.end()) return it->second;
  graph::GraphBuilder builder;
  FillProfile(users, /*seed=*/7, builder);
  Profile profile;
  profile.snapshot = std::move(builder).Build(1, absl::Now());
  const Snapshot& s = *profile.snapshot;
  size_t biggest = 0;
  for (VertexId v = 0; v < s.vertex_count(); ++v) {
    if (s.kind(v) == VertexKind::kUser) profile.users.push_back(v);
    if (s.kind(v) == VertexKind::kApplication) profile.apps.push_back(v);
    if (s.kind(v) == VertexKind::kPermission) profile.permissions.push_back(v);
  }
  // The biggest application: the one with the most users (measured, not
  // guessed).
  for (VertexId app : profile.apps) {
    const absl::Time start = absl::Now();
    auto users_of =
        graph::UsersOfApplication(s, app, Reachability::kAuthorization);
    const double cold_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    if (users_of.ok() && (*users_of)->size() > biggest) {
      biggest = (*users_of)->size();
      profile.biggest_app = app;
      profile.biggest_app_cold_ms = cold_ms;
    }
  }
  // Application 0 has the most roles: one of its permissions is the widest.
  for (size_t k = 0; k < 4 && k < profile.permissions.size(); ++k) {
    const absl::Time start = absl::Now();
    auto holders = graph::HoldersOfPermission(s, profile.permissions[k],
                                              graph::kNoVertex, false);
    const double cold_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    if (holders.ok() && (*holders)->size() > profile.widest_holders) {
      profile.widest_holders = (*holders)->size();
      profile.widest_permission = profile.permissions[k];
      profile.widest_cold_ms = cold_ms;
    }
  }
  return profiles.emplace(users, std::move(profile)).first->second;
}

// Heap in use, as glibc's allocator counts it (allocator overhead included).
size_t HeapInUse() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

void BM_Build(benchmark::State& state) {
  size_t accounted = 0, heap = 0;
  for (auto _ : state) {
    const size_t before = HeapInUse();
    std::shared_ptr<const Snapshot> snapshot;
    {
      graph::GraphBuilder builder;
      FillProfile(state.range(0), 7, builder);
      snapshot = std::move(builder).Build(1, absl::Now());
    }  // the builder is gone: what remains is the snapshot
    heap = HeapInUse() - before;
    accounted = snapshot->MemoryBytes();
    benchmark::DoNotOptimize(snapshot);
  }
  // All-in: every heap byte the snapshot holds (empty caches included).
  state.counters["heap_bytes_per_user"] =
      static_cast<double>(heap) / state.range(0);
  state.counters["accounted_bytes_per_user"] =
      static_cast<double>(accounted) / state.range(0);
}

void BM_CheckCached(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  for (VertexId user : p.users)
    benchmark::DoNotOptimize(graph::ReachableTargets(*p.snapshot, user));
  size_t i = 0;
  for (auto _ : state) {
    auto result = CheckAccess(*p.snapshot, p.users[i % p.users.size()],
                              p.apps[(i * 7919) % p.apps.size()],
                              Reachability::kAuthorization, 0);
    benchmark::DoNotOptimize(result);
    ++i;
  }
}

// The first check for a user: its reachable applications are computed (not
// cached).
void BM_CheckUncached(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    graph::VertexList targets = graph::ComputeReachableTargets(
        *p.snapshot, p.users[(i * 104729) % p.users.size()]);
    benchmark::DoNotOptimize(std::binary_search(targets.begin(), targets.end(),
                                                p.apps[i % p.apps.size()]));
    ++i;
  }
}

// Check with one explaining path: a walk each time.
void BM_CheckWithPath(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    auto result =
        CheckAccess(*p.snapshot, p.users[(i * 104729) % p.users.size()],
                    p.apps[i % p.apps.size()], Reachability::kAuthorization, 1);
    benchmark::DoNotOptimize(result);
    ++i;
  }
}

// CheckPermission without paths: the granting roles looked up among the
// user's roles, no walk and no per-user cache (so nothing to warm).
void BM_CheckPermission(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    auto result = graph::CheckPermission(
        *p.snapshot, p.users[i % p.users.size()],
        p.permissions[(i * 7919) % p.permissions.size()], graph::kNoVertex, 0);
    benchmark::DoNotOptimize(result);
    ++i;
  }
}

// Every permission a user holds outside organizations (UserPermissions).
void BM_UserPermissionSet(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    graph::VertexList held = graph::ComputeUserPermissions(
        *p.snapshot, p.users[(i * 104729) % p.users.size()]);
    benchmark::DoNotOptimize(std::binary_search(
        held.begin(), held.end(), p.permissions[i % p.permissions.size()]));
    ++i;
  }
}

void BM_CheckPermissionWithPath(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    auto result = graph::CheckPermission(
        *p.snapshot, p.users[(i * 104729) % p.users.size()],
        p.permissions[i % p.permissions.size()], graph::kNoVertex, 1);
    benchmark::DoNotOptimize(result);
    ++i;
  }
}

void BM_PermissionsOfUser(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    auto result = graph::PermissionsOfUser(
        *p.snapshot, p.users[(i * 104729) % p.users.size()], graph::kNoVertex);
    benchmark::DoNotOptimize(result);
    ++i;
  }
}

// The holders of the most widely held permission, first page of 100, blocked
// users left out: cached after the first call (the counter: that call).
void BM_HoldersOfPermissionFirstPage(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  for (auto _ : state) {
    auto page = graph::PageHoldersOfPermission(*p.snapshot, p.widest_permission,
                                               graph::kNoVertex, false, 0, 100);
    benchmark::DoNotOptimize(page);
  }
  state.counters["holders"] = static_cast<double>(p.widest_holders);
  state.counters["cold_ms"] = p.widest_cold_ms;
}

void BM_ApplicationsOfUser(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    auto apps = graph::ApplicationsOfUser(
        *p.snapshot, p.users[(i * 104729) % p.users.size()],
        Reachability::kAuthorization, true);
    benchmark::DoNotOptimize(apps);
    ++i;
  }
}

void BM_UsersOfBiggestApplicationFirstPage(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  for (auto _ : state) {
    auto users = graph::UsersOfApplication(*p.snapshot, p.biggest_app,
                                           Reachability::kAuthorization);
    std::vector<VertexId> page(
        (*users)->begin(),
        (*users)->begin() + std::min<size_t>(100, (*users)->size()));
    benchmark::DoNotOptimize(page);
  }
  state.counters["cold_full_list_ms"] = p.biggest_app_cold_ms;
  state.counters["users"] = static_cast<double>(
      (*graph::UsersOfApplication(*p.snapshot, p.biggest_app,
                                  Reachability::kAuthorization))
          ->size());
}

void BM_UsersOfBiggestApplicationFullList(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  for (auto _ : state) {
    auto users = graph::UsersOfApplication(*p.snapshot, p.biggest_app,
                                           Reachability::kAuthorization);
    std::vector<VertexId> all((*users)->begin(), (*users)->end());
    benchmark::DoNotOptimize(all);
  }
}

// The login-mode list is filtered afresh on every call (only the authorization
// list is cached): the cost of a cache hit plus one pass over the application's
// connections.
void BM_UsersOfBiggestApplicationLogin(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  for (auto _ : state) {
    auto users = graph::UsersOfApplication(*p.snapshot, p.biggest_app,
                                           Reachability::kLogin);
    benchmark::DoNotOptimize(users);
  }
}

void BM_BatchCheck1000(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  for (VertexId user : p.users)
    benchmark::DoNotOptimize(graph::ReachableTargets(*p.snapshot, user));
  size_t i = 0;
  for (auto _ : state) {
    int allowed = 0;
    for (int k = 0; k < 1000; ++k, ++i) {
      allowed +=
          CheckAccess(*p.snapshot, p.users[(i * 104729) % p.users.size()],
                      p.apps[(i * 7919) % p.apps.size()],
                      Reachability::kAuthorization, 0)
              ->allowed;
    }
    benchmark::DoNotOptimize(allowed);
  }
}

// Serializing to the snapshot file format (the server then writes it
// atomically).
void BM_SnapshotSave(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string file = graph::SerializeSnapshot(*p.snapshot);
    bytes = file.size();
    benchmark::DoNotOptimize(file);
  }
  state.counters["file_bytes_per_user"] =
      static_cast<double>(bytes) / state.range(0);
}

// Parsing and rebuilding a snapshot from its file bytes (checksum and checks
// included).
void BM_SnapshotLoad(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  const std::string file = graph::SerializeSnapshot(*p.snapshot);
  for (auto _ : state) {
    auto loaded = graph::ParseSnapshot(file);
    if (!loaded.ok()) state.SkipWithError("load failed");
    benchmark::DoNotOptimize(loaded);
  }
}

// A followed batch of 100 changes at once, as log events bring them: 20 role
// assignments and 20 group memberships made, as many undone, 10 users created
// (each in 3 groups), 5 renamed, 5 deleted. Applied one after another, so the
// overlay grows as it does while following.
graph::SnapshotDelta HundredChanges(const Snapshot& s, const Profile& p,
                                    std::mt19937_64& random, int batch) {
  using graph::DeltaEdge;
  using graph::EdgeKind;
  auto pick = [&](const std::vector<VertexId>& from) {
    return from[std::uniform_int_distribution<size_t>(0,
                                                      from.size() - 1)(random)];
  };
  auto live_user = [&] {
    VertexId u = pick(p.users);
    while (s.removed(u)) u = pick(p.users);
    return u;
  };
  std::vector<VertexId> groups, roles;
  for (VertexId v = 0; v < p.snapshot->vertex_count(); v += 7) {
    if (s.kind(v) == VertexKind::kGroup) groups.push_back(v);
    if (s.kind(v) == VertexKind::kRole) roles.push_back(v);
  }
  auto edge = [&](EdgeKind kind, VertexId from, VertexId to) {
    DeltaEdge e;
    e.kind = kind;
    e.from_kind = s.kind(from);
    e.from_id = std::string(s.id(from));
    e.to_kind = s.kind(to);
    e.to_id = std::string(s.id(to));
    return e;
  };
  graph::SnapshotDelta delta;
  for (int i = 0; i < 20; ++i) {
    delta.added_edges.push_back(
        edge(EdgeKind::kUserRole, live_user(), pick(roles)));
    delta.added_edges.push_back(
        edge(EdgeKind::kGroupMember, live_user(), pick(groups)));
    for (EdgeKind kind : {EdgeKind::kUserRole, EdgeKind::kGroupMember}) {
      for (int tries = 0; tries < 100; ++tries) {
        const VertexId user = live_user();
        std::vector<VertexId> ends = graph::Neighbours(s, user, kind, false);
        if (ends.empty()) continue;
        delta.removed_edges.push_back(edge(kind, user, pick(ends)));
        break;
      }
    }
  }
  for (int i = 0; i < 10; ++i) {
    graph::DeltaVertex user;
    user.id = absl::StrCat("auth0|followed-", batch, "-", i);
    user.name = absl::StrCat("Followed ", batch, " ", i);
    user.email = absl::StrCat("followed.", batch, ".", i, "@example.com");
    delta.upserted_vertices.push_back(user);
    for (int g = 0; g < 3; ++g) {
      DeltaEdge e = edge(EdgeKind::kGroupMember, pick(p.users), pick(groups));
      e.from_id = user.id;
      delta.added_edges.push_back(e);
    }
  }
  for (int i = 0; i < 5; ++i) {
    const VertexId renamed = live_user();
    graph::DeltaVertex user;
    user.id = std::string(s.id(renamed));
    user.name = absl::StrCat("Renamed ", batch, " ", i);
    user.email = absl::StrCat("renamed.", batch, ".", i, "@example.com");
    delta.upserted_vertices.push_back(user);
    delta.removed_vertices.push_back(
        {VertexKind::kUser, std::string(s.id(live_user()))});
  }
  return delta;
}

void BM_ApplyDelta100(benchmark::State& state) {
  const Profile& p = GetProfile(state.range(0));
  std::mt19937_64 random(3);
  std::shared_ptr<const Snapshot> current = p.snapshot;
  int batch = 0;
  int64_t changed_edges = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const graph::SnapshotDelta delta =
        HundredChanges(*current, p, random, batch);
    state.ResumeTiming();
    auto applied = graph::ApplyDelta(*current, delta, batch + 2, absl::Now());
    if (!applied.ok()) {
      state.SkipWithError("the delta failed");
      break;
    }
    changed_edges += applied->edges_added + applied->edges_removed;
    state.PauseTiming();
    current = applied->snapshot;  // the previous one is freed untimed
    state.ResumeTiming();
    ++batch;
  }
  state.counters["edges_changed_per_batch"] =
      static_cast<double>(changed_edges) / std::max(batch, 1);
  state.counters["overlaid_vertices"] =
      static_cast<double>(current->overlaid_vertex_count());
}

BENCHMARK(BM_Build)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);
BENCHMARK(BM_ApplyDelta100)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20);
BENCHMARK(BM_SnapshotSave)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SnapshotLoad)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CheckCached)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_CheckUncached)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_CheckWithPath)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CheckPermission)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_UserPermissionSet)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_CheckPermissionWithPath)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PermissionsOfUser)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HoldersOfPermissionFirstPage)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_ApplicationsOfUser)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_UsersOfBiggestApplicationFirstPage)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_UsersOfBiggestApplicationFullList)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_UsersOfBiggestApplicationLogin)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BatchCheck1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace identitygraph::bench

BENCHMARK_MAIN();
