// The Clock seam: every component that needs "now" takes a Clock so tests can
// pin time (collateral in testdata/ is mostly expired by now).
// Thread-safety: implementations must be safe to call concurrently.
#pragma once

#include <atomic>
#include <chrono>

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

// A clock tests move by hand. Both times advance together in Advance().
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : wall_(ToUnixSeconds(start)) {}
  TimePoint Now() const override { return FromUnixSeconds(wall_.load()); }
  std::chrono::steady_clock::time_point MonotonicNow() const override {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(mono_ns_.load()));
  }
  void Set(TimePoint t) { wall_.store(ToUnixSeconds(t)); }
  void Advance(std::chrono::nanoseconds d) {
    mono_ns_.fetch_add(d.count());
    wall_.fetch_add(std::chrono::duration_cast<std::chrono::seconds>(d).count());
  }

 private:
  std::atomic<int64_t> wall_;
  std::atomic<int64_t> mono_ns_{1'000'000'000};
};

}  // namespace thim
