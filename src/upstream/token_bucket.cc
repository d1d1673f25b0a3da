#include "upstream/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace thim::upstream {

TokenBucket::TokenBucket(double rate_per_second, double burst, const Clock& clock, Sleeper& sleeper)
    : rate_(rate_per_second),
      burst_(std::max(1.0, burst)),
      clock_(clock),
      sleeper_(sleeper),
      tokens_(std::max(1.0, burst)),
      last_(clock.MonotonicNow()) {}

void TokenBucket::RefillLocked() const {
  const auto now = clock_.MonotonicNow();
  if (now <= last_) return;  // a fake clock may stand still; never go backwards
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

StatusOr<std::chrono::nanoseconds> TokenBucket::Acquire(std::chrono::nanoseconds max_wait) {
  if (unlimited()) return std::chrono::nanoseconds{0};
  std::chrono::nanoseconds wait{0};
  {
    std::lock_guard lock(mu_);
    RefillLocked();
    if (tokens_ < 1.0) {
      const double seconds = (1.0 - tokens_) / rate_;
      // Nearest nanosecond: ceil would turn 0.3 s into 300000000.00000006 ns → +1 ns noise.
      wait = std::chrono::nanoseconds(std::llround(seconds * 1e9));
      if (wait > max_wait) {
        return ResourceExhaustedError("local rate limit: next slot in " +
                                      std::to_string(std::chrono::ceil<std::chrono::milliseconds>(wait).count()) +
                                      " ms, longer than the allowed wait");
      }
    }
    tokens_ -= 1.0;  // reserve now, so later callers queue behind us
  }
  if (wait.count() > 0) sleeper_.Sleep(wait);
  return wait;
}

bool TokenBucket::TryAcquire() {
  if (unlimited()) return true;
  std::lock_guard lock(mu_);
  RefillLocked();
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

double TokenBucket::Available() const {
  std::lock_guard lock(mu_);
  RefillLocked();
  return tokens_;
}

}  // namespace thim::upstream
