#include "core/blocking_pool.h"

#include <algorithm>

namespace thim {

BlockingPool::BlockingPool(int threads, size_t max_queued) : max_queued_(max_queued) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

BlockingPool::~BlockingPool() { Stop(); }

Status BlockingPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      ++refused_;
      return UnavailableError("shutting down").WithRetryAfter(5);
    }
    if (queue_.size() >= max_queued_) {
      ++refused_;
      return UnavailableError("too many slow requests in progress; try again shortly").WithRetryAfter(1);
    }
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return OkStatus();
}

void BlockingPool::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  std::lock_guard lock(mu_);
  threads_.clear();
}

size_t BlockingPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

uint64_t BlockingPool::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

void BlockingPool::WorkerLoop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace thim
