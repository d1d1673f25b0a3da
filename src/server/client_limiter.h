// Per-client-address token buckets, so one noisy client gets 429s instead of
// starving the others. Sharded to keep lock contention off the hot path.
// Thread-safety: Allow() may be called concurrently.
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace thim::server {

class ClientLimiter {
 public:
  ClientLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}
  // Takes one token for `client`; false when its bucket is empty.
  bool Allow(const std::string& client);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr size_t kShards = 16;
  static constexpr size_t kMaxClientsPerShard = 8192;  // beyond: forget full buckets
  double rate_;
  double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace thim::server
