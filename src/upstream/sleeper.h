// The Sleeper seam: how the upstream machinery waits (retry backoff,
// Retry-After, rate-limit reservations). Tests inject FakeSleeper, which
// records each wait and advances a FakeClock instead of blocking, so retry
// and rate tests run instantly and deterministically.
//
// (Sleeping is the companion of core/clock.h; it lives here until a second
// module needs it.)
//
// Thread-safety: Sleep() may be called concurrently.
#pragma once

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace thim::upstream {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Blocks the calling thread for about `d` (no-op for d <= 0).
  virtual void Sleep(std::chrono::nanoseconds d) = 0;
};

class RealSleeper final : public Sleeper {
 public:
  void Sleep(std::chrono::nanoseconds d) override {
    if (d.count() > 0) std::this_thread::sleep_for(d);
  }
  static RealSleeper& Instance() {
    static RealSleeper sleeper;
    return sleeper;
  }
};

// Records waits; if given a FakeClock, advances it by each wait so code that
// re-reads the clock after sleeping sees time pass.
class FakeSleeper final : public Sleeper {
 public:
  explicit FakeSleeper(FakeClock* clock = nullptr) : clock_(clock) {}

  void Sleep(std::chrono::nanoseconds d) override {
    std::lock_guard lock(mu_);
    sleeps_.push_back(d);
    if (clock_ != nullptr && d.count() > 0) clock_->Advance(d);
  }

  std::vector<std::chrono::nanoseconds> sleeps() const {
    std::lock_guard lock(mu_);
    return sleeps_;
  }
  std::chrono::nanoseconds total() const {
    std::lock_guard lock(mu_);
    std::chrono::nanoseconds t{0};
    for (auto d : sleeps_) t += d;
    return t;
  }

 private:
  FakeClock* clock_;
  mutable std::mutex mu_;
  std::vector<std::chrono::nanoseconds> sleeps_;
};

}  // namespace thim::upstream
