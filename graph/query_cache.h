// Internal to graph/ (the caching layer, query_caching.h, uses it). A bounded,
// sharded cache from a key (a vertex) to a sorted vertex list (a user's
// reachable applications, an application's users). It belongs to one snapshot
// and dies with it, so nothing is ever invalidated. When a shard would exceed
// its share of the memory bound it is emptied (cheap, and fair for a cache
// whose entries cost the same to rebuild). Thread-safe: lookups share a shard's
// lock, inserts take it alone.
#ifndef IDENTITYGRAPH_GRAPH_QUERY_CACHE_H_
#define IDENTITYGRAPH_GRAPH_QUERY_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/graph_types.h"

namespace identitygraph::graph {

// A vertex, or a vertex with a variant of its question in the high bits (an
// organization, whether blocked users count).
using CacheKey = uint64_t;

class QueryCache {
 public:
  QueryCache(std::string name, size_t capacity_bytes);

  // The cached list, or null (counted as a miss).
  std::shared_ptr<const VertexList> Find(CacheKey key) const;
  // Runs `fn(list)` on the cached list under the shard's shared lock and
  // returns true, or returns false on a miss. Unlike Find it touches no
  // reference count: a check's hot path (see CheckAccess).
  template <typename Fn>
  bool Visit(CacheKey key, Fn&& fn) const {
    return WithEntry(key, [&fn](const std::shared_ptr<const VertexList>& list) {
      fn(*list);
    });
  }
  void Insert(CacheKey key, std::shared_ptr<const VertexList> value);
  CacheStats stats() const;

 private:
  // Runs `fn(entry)` under the shard's shared lock when `key` is cached;
  // counts the hit or miss.
  template <typename Fn>
  bool WithEntry(CacheKey key, Fn&& fn) const {
    const Shard& shard = shards_[key % kShards];
    std::shared_lock<std::shared_mutex> lock(shard.mutex);
    auto it = shard.entries.find(key);
    if (it == shard.entries.end()) {
      shard.misses.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    shard.hits.fetch_add(1, std::memory_order_relaxed);
    fn(it->second);
    return true;
  }

  static constexpr int kShards = 16;
  struct Shard {
    // std::shared_mutex for the reason given in snapshot_holder.h.
    mutable std::shared_mutex mutex;
    absl::flat_hash_map<CacheKey, std::shared_ptr<const VertexList>> entries;
    size_t bytes = 0;
    mutable std::atomic<int64_t> hits{0}, misses{0};
  };
  static size_t Cost(const VertexList& list) {
    return sizeof(VertexList) + list.size() * sizeof(VertexId) +
           48;  // 48: map slot, control
  }

  const std::string name_;
  const size_t capacity_bytes_;
  std::array<Shard, kShards> shards_;
};

}  // namespace identitygraph::graph

#endif  // IDENTITYGRAPH_GRAPH_QUERY_CACHE_H_
