// ConcurrencyLimiter: at most N requests in flight to one upstream (a
// counting semaphore with a bounded wait and RAII permits).
//
// Waiting here is for *other threads* to finish, so it uses a real condition
// variable and real time, not the Clock seam; tests use real threads.
//
// Thread-safety: all methods may be called concurrently. A Permit may be
// released on a different thread than the one that acquired it. The limiter
// must outlive its permits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/status.h"

namespace thim::upstream {

class ConcurrencyLimiter {
 public:
  // Held while a request is in flight; releases its slot when destroyed.
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { Release(); }
    void Release();

   private:
    friend class ConcurrencyLimiter;
    explicit Permit(ConcurrencyLimiter* owner) : owner_(owner) {}
    ConcurrencyLimiter* owner_ = nullptr;
  };

  // max_in_flight <= 0 disables the cap.
  explicit ConcurrencyLimiter(int max_in_flight) : max_(max_in_flight) {}

  // Waits up to `max_wait` for a slot; ResourceExhausted if none frees up.
  StatusOr<Permit> Acquire(std::chrono::nanoseconds max_wait);

  int in_flight() const;
  int max_in_flight() const { return max_; }

 private:
  void ReleaseOne();

  const int max_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
};

}  // namespace thim::upstream
