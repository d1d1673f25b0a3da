// TokenBucket: client-side rate limit for one upstream (Intel publishes no
// numbers but answers 429; being polite up front beats being throttled).
//
// `rate_per_second` tokens accrue continuously up to `burst`; each request
// takes one. The bucket starts full. Waiters *reserve* a future token (the
// balance may go negative) and then sleep outside the lock, so concurrent
// callers are served in arrival order at exactly the configured rate instead
// of stampeding when a token appears.
//
// Time comes from the Clock seam (MonotonicNow) and waits go through the
// Sleeper seam, so tests with FakeClock + FakeSleeper are deterministic.
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <chrono>
#include <mutex>

#include "core/clock.h"
#include "core/status.h"
#include "upstream/sleeper.h"

namespace thim::upstream {

class TokenBucket {
 public:
  // rate_per_second <= 0 disables limiting (Acquire never waits).
  // burst is clamped to at least 1 token.
  TokenBucket(double rate_per_second, double burst, const Clock& clock, Sleeper& sleeper);

  // Takes one token, sleeping until it is due. Returns how long it waited
  // (zero when a token was ready). If the wait would exceed `max_wait`,
  // nothing is taken and ResourceExhausted says how long it would have been.
  StatusOr<std::chrono::nanoseconds> Acquire(std::chrono::nanoseconds max_wait);

  // Takes a token only if one is available now; never sleeps.
  bool TryAcquire();

  // Current balance (negative when future tokens are reserved).
  double Available() const;

  bool unlimited() const { return rate_ <= 0; }

 private:
  void RefillLocked() const;

  const double rate_;
  const double burst_;
  const Clock& clock_;
  Sleeper& sleeper_;
  mutable std::mutex mu_;
  mutable double tokens_;
  mutable std::chrono::steady_clock::time_point last_;
};

}  // namespace thim::upstream
