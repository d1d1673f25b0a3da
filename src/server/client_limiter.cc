#include "server/client_limiter.h"

#include <algorithm>
#include <functional>

namespace thim::server {

bool ClientLimiter::Allow(const std::string& client) {
  auto now = std::chrono::steady_clock::now();
  Shard& shard = shards_[std::hash<std::string>{}(client) % kShards];
  std::lock_guard lock(shard.mu);
  if (shard.buckets.size() >= kMaxClientsPerShard) {
    // A bucket that has refilled completely carries no state worth keeping.
    std::erase_if(shard.buckets, [&](const auto& kv) {
      return kv.second.tokens + std::chrono::duration<double>(now - kv.second.last).count() * rate_ >= burst_;
    });
  }
  auto [it, inserted] = shard.buckets.try_emplace(client, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    b.tokens = std::min(burst_, b.tokens + std::chrono::duration<double>(now - b.last).count() * rate_);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace thim::server
