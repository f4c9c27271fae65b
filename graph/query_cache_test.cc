#include "graph/query_cache.h"

#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace identitygraph::graph {
namespace {

std::shared_ptr<const VertexList> List(VertexList values) {
  return std::make_shared<const VertexList>(std::move(values));
}

TEST(QueryCacheTest, FindAndVisitSeeWhatWasInsertedAndCountHitsAndMisses) {
  QueryCache cache("test", 1 << 20);
  EXPECT_EQ(cache.Find(7), nullptr);
  bool visited = false;
  EXPECT_FALSE(cache.Visit(7, [&](const VertexList&) { visited = true; }));
  EXPECT_FALSE(visited);

  cache.Insert(7, List({1, 2, 3}));
  ASSERT_NE(cache.Find(7), nullptr);
  EXPECT_EQ(*cache.Find(7), (VertexList{1, 2, 3}));
  VertexList seen;
  EXPECT_TRUE(cache.Visit(7, [&](const VertexList& list) { seen = list; }));
  EXPECT_EQ(seen, (VertexList{1, 2, 3}));

  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.name, "test");
  EXPECT_EQ(stats.misses, 2);
  EXPECT_EQ(stats.hits, 3);
  EXPECT_EQ(stats.entries, 1);
  EXPECT_GT(stats.bytes, 0);
  EXPECT_EQ(stats.capacity_bytes, 1 << 20);
}

TEST(QueryCacheTest, StaysWithinItsBoundAndLeavesOutWhatCannotFit) {
  // 16 shards of 1 KiB each.
  QueryCache cache("bounded", 16 * 1024);
  cache.Insert(1, List(VertexList(10000, 0)));  // larger than a shard
  EXPECT_EQ(cache.Find(1), nullptr);
  for (VertexId key = 0; key < 2000; ++key) cache.Insert(key, List({key}));
  const CacheStats stats = cache.stats();
  EXPECT_LE(stats.bytes, 16 * 1024);
  EXPECT_GT(stats.entries, 0);
  EXPECT_LT(stats.entries, 2000);
  // The newest entry of a shard survives the emptying that made room for it.
  ASSERT_NE(cache.Find(1999), nullptr);
  EXPECT_EQ(*cache.Find(1999), VertexList{1999});
}

TEST(QueryCacheTest, ConcurrentVisitsAndInsertsAgree) {
  QueryCache cache("concurrent", 64 * 1024);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (VertexId key = 0; key < 5000; ++key) {
        if ((key + t) % 2 == 0) {
          cache.Insert(key, List({key, key + 1}));
        } else {
          cache.Visit(key, [key](const VertexList& list) {
            EXPECT_EQ(list, (VertexList{key, key + 1}));
          });
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(cache.stats().bytes, 64 * 1024);
}

}  // namespace
}  // namespace identitygraph::graph
