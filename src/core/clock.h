// The Clock seam: every component that needs "now" takes a Clock so tests can
// pin time (collateral in testdata/ is mostly expired by now).
// Thread-safety: implementations must be safe to call concurrently.
#pragma once

#include <chrono>
#include <mutex>

#include "core/time.h"

namespace thim {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (for validity windows), whole seconds UTC.
  virtual TimePoint Now() const = 0;
  // Monotonic time (for timeouts, rates, ages); unrelated to Now().
  virtual std::chrono::steady_clock::time_point MonotonicNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  std::chrono::steady_clock::time_point MonotonicNow() const override { return std::chrono::steady_clock::now(); }
  // A process-wide instance for callers with no injected clock.
  static const SystemClock& Instance() {
    static const SystemClock clock;
    return clock;
  }
};

// A clock tests move by hand. Both times advance together in Advance(); the
// wall clock keeps the sub-second remainder, so many short steps (a
// FakeSleeper's backoff delays) add up on it as they do on the monotonic one.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : wall_(start) {}
  TimePoint Now() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  std::chrono::steady_clock::time_point MonotonicNow() const override {
    std::lock_guard lock(mu_);
    return std::chrono::steady_clock::time_point(mono_);
  }
  // Pins the wall clock to exactly `t`; the monotonic clock does not move.
  void Set(TimePoint t) {
    std::lock_guard lock(mu_);
    wall_ = t;
    wall_fraction_ = std::chrono::nanoseconds(0);
  }
  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard lock(mu_);
    mono_ += d;
    wall_fraction_ += d;
    auto whole = std::chrono::floor<std::chrono::seconds>(wall_fraction_);
    wall_ += whole;
    wall_fraction_ -= whole;
  }

 private:
  mutable std::mutex mu_;
  TimePoint wall_;
  std::chrono::nanoseconds wall_fraction_{0};  // in [0, 1s)
  std::chrono::nanoseconds mono_{1'000'000'000};
};

}  // namespace thim
