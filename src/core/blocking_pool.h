// A few threads for work that blocks — an upstream fetch an admin or a
// registration request waits on — so that I/O threads never block and no
// thread is ever left detached: Stop() joins every one. A detached thread
// may outlive the objects it uses at shutdown (and, at process exit, races
// LeakSanitizer's thread scan).
//
// The queue is bounded: a full pool refuses at once (the caller answers 503)
// rather than growing without limit under a flood of slow requests.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"

namespace thim {

class BlockingPool {
 public:
  // `threads` >= 1 run the tasks; at most `max_queued` wait for one.
  BlockingPool(int threads, size_t max_queued);
  ~BlockingPool();  // Stop()
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Queues `task`. Unavailable when the queue is full or the pool stopped.
  Status Submit(std::function<void()> task);

  // Refuses new tasks, runs the queued ones (each still answers its caller;
  // the services they use are stopped first, so they end quickly) and joins
  // the threads. Idempotent.
  void Stop();

  size_t queued() const;      // waiting for a thread now
  uint64_t refused() const;   // Submit calls refused so far (queue full or stopped)

 private:
  void WorkerLoop();

  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  uint64_t refused_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace thim
