#include "upstream/concurrency_limiter.h"

#include <string>

namespace thim::upstream {

ConcurrencyLimiter::Permit& ConcurrencyLimiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

void ConcurrencyLimiter::Permit::Release() {
  if (owner_ != nullptr) {
    owner_->ReleaseOne();
    owner_ = nullptr;
  }
}

StatusOr<ConcurrencyLimiter::Permit> ConcurrencyLimiter::Acquire(std::chrono::nanoseconds max_wait) {
  std::unique_lock lock(mu_);
  if (max_ > 0) {
    const bool got = cv_.wait_for(lock, max_wait, [&] { return in_flight_ < max_; });
    if (!got) {
      return ResourceExhaustedError("concurrency cap of " + std::to_string(max_) +
                                    " in-flight requests: no slot within the allowed wait");
    }
  }
  ++in_flight_;
  return Permit(this);
}

void ConcurrencyLimiter::ReleaseOne() {
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  cv_.notify_one();
}

int ConcurrencyLimiter::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

}  // namespace thim::upstream
