#include "core/blocking_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace thim {
namespace {

TEST(BlockingPool, RunsTasksOnItsThreads) {
  BlockingPool pool(2, 16);
  std::atomic<int> ran{0};
  std::vector<std::promise<std::thread::id>> ids(8);
  for (auto& p : ids)
    ASSERT_TRUE(pool.Submit([&ran, &p] {
      ++ran;
      p.set_value(std::this_thread::get_id());
    }).ok());
  for (auto& p : ids) EXPECT_NE(p.get_future().get(), std::this_thread::get_id());
  EXPECT_EQ(ran.load(), 8);
}

TEST(BlockingPool, FullQueueRefusesWithRetryAfter) {
  BlockingPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.Submit([gate, &started] {
    started.set_value();
    gate.wait();
  }).ok());
  started.get_future().wait();  // the one thread is busy; the queue is empty
  EXPECT_TRUE(pool.Submit([] {}).ok());
  EXPECT_TRUE(pool.Submit([] {}).ok());
  EXPECT_EQ(pool.queued(), 2u);
  Status full = pool.Submit([] {});
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_EQ(full.retry_after_seconds(), 1);
  EXPECT_EQ(pool.refused(), 1u);
  release.set_value();
}

TEST(BlockingPool, StopRunsWhatWasQueuedThenRefuses) {
  std::atomic<int> ran{0};
  BlockingPool pool(1, 1 << 20);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  ASSERT_TRUE(pool.Submit([gate] { gate.wait(); }).ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(pool.Submit([&ran] { ++ran; }).ok());
  std::thread stopper([&pool] { pool.Stop(); });
  // Stop waits for the blocked task; new work is refused meanwhile.
  while (pool.Submit([] {}).message() != "shutting down") std::this_thread::sleep_for(std::chrono::milliseconds(1));
  release.set_value();
  stopper.join();
  EXPECT_EQ(ran.load(), 10);  // every queued task still ran: each answers its caller
  EXPECT_EQ(pool.Submit([] {}).code(), StatusCode::kUnavailable);
  pool.Stop();  // idempotent
}

}  // namespace
}  // namespace thim
