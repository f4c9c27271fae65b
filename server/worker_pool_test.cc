#include "server/worker_pool.h"

#include <atomic>
#include <future>

#include "gtest/gtest.h"

namespace identitygraph {
namespace {

TEST(WorkerPoolTest, RunsEveryAcceptedTaskBeforeItIsDestroyed) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool("test", 2, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(pool.TrySubmit([&ran] { ++ran; }));
    }
  }  // joins: every accepted task has run
  EXPECT_EQ(ran.load(), 50);
}

TEST(WorkerPoolTest, RefusesPastItsThreadsAndQueue) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::atomic<int> ran{0};
  {
    WorkerPool pool("test", 1, 1);
    ASSERT_TRUE(pool.TrySubmit([&, released] {
      started.set_value();
      released.wait();
      ++ran;
    }));
    started.get_future().wait();                      // the one thread is busy
    EXPECT_TRUE(pool.TrySubmit([&ran] { ++ran; }));   // queued
    EXPECT_FALSE(pool.TrySubmit([&ran] { ++ran; }));  // past the bound
    release.set_value();
  }
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace identitygraph
