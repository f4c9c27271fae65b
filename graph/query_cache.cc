#include "graph/query_cache.h"

#include <string>
#include <utility>

namespace identitygraph::graph {

QueryCache::QueryCache(std::string name, size_t capacity_bytes)
    : name_(std::move(name)), capacity_bytes_(capacity_bytes) {}

std::shared_ptr<const VertexList> QueryCache::Find(CacheKey key) const {
  std::shared_ptr<const VertexList> found;
  WithEntry(key, [&found](const std::shared_ptr<const VertexList>& list) {
    found = list;
  });
  return found;
}

void QueryCache::Insert(CacheKey key, std::shared_ptr<const VertexList> value) {
  const size_t cost = Cost(*value);
  const size_t shard_capacity = capacity_bytes_ / kShards;
  if (cost > shard_capacity) return;  // would not fit at all: leave it uncached
  Shard& shard = shards_[key % kShards];
  std::unique_lock<std::shared_mutex> lock(shard.mutex);
  if (shard.bytes + cost > shard_capacity) {
    shard.entries.clear();
    shard.bytes = 0;
  }
  auto [it, inserted] = shard.entries.try_emplace(key, std::move(value));
  if (inserted) shard.bytes += cost;
}

CacheStats QueryCache::stats() const {
  CacheStats stats;
  stats.name = name_;
  stats.capacity_bytes = static_cast<int64_t>(capacity_bytes_);
  for (const Shard& shard : shards_) {
    std::shared_lock<std::shared_mutex> lock(shard.mutex);
    stats.hits += shard.hits.load(std::memory_order_relaxed);
    stats.misses += shard.misses.load(std::memory_order_relaxed);
    stats.entries += static_cast<int64_t>(shard.entries.size());
    stats.bytes += static_cast<int64_t>(shard.bytes);
  }
  return stats;
}

}  // namespace identitygraph::graph
