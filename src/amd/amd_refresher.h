// Background refresh of the AMD CRLs and chains AmdService holds, so that no
// request waits on KDS for them. A CRL is re-fetched when it nears its
// nextUpdate: at `crl_refresh_before` ahead of it (less a random jitter), but
// not before half of its life has passed (a short-lived CRL is not fetched in
// a loop). A chain is re-fetched every `chain_refresh_interval` (AMD re-issues
// an ASK rarely, but a re-issued one should arrive without a restart). A
// failed or unchanged fetch is retried with exponential backoff from
// `retry_min` to `retry_max`; meanwhile the held copy keeps being served (a
// CRL within AmdServiceOptions::stale_grace, flagged), logged and counted.
// Every time comes from the injected Clock; the thread wakes every
// `check_interval` of real time, so tests move a FakeClock and wait briefly.
// Thread-safety: Start/Stop from one thread; RunOnce and Stats from any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "amd/amd_service.h"

namespace thim::amd {

struct AmdRefreshOptions {
  std::chrono::seconds crl_refresh_before{std::chrono::hours(48)};
  std::chrono::seconds chain_refresh_interval{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds check_interval{std::chrono::seconds(60)};
  std::chrono::seconds retry_min{std::chrono::minutes(1)};
  std::chrono::seconds retry_max{std::chrono::hours(1)};
  double jitter = 0.1;  // fraction of the margin / interval taken off at random
};

struct AmdRefreshStats {
  uint64_t crl_updated = 0, crl_unchanged = 0, crl_failed = 0;
  uint64_t chain_updated = 0, chain_unchanged = 0, chain_failed = 0;
};

class AmdRefresher {
 public:
  AmdRefresher(std::shared_ptr<AmdService> service, AmdRefreshOptions options, const Clock& clock);
  ~AmdRefresher();
  AmdRefresher(const AmdRefresher&) = delete;
  AmdRefresher& operator=(const AmdRefresher&) = delete;

  void Start();  // the refresher thread; idempotent
  void Stop();   // joins it (an in-flight KDS call finishes first); idempotent

  // One pass now: refreshes every held CRL and chain that is due. Returns how
  // many KDS refreshes it attempted.
  int RunOnce();
  AmdRefreshStats Stats() const;

 private:
  struct Due {
    TimePoint at;
    TimePoint basis;  // the nextUpdate (CRL) or fetch time (chain) `at` was computed from
    int failures = 0;
  };
  TimePoint CrlDue(const CrlEntry& crl);
  TimePoint ChainDue(const ChainEntry& chain);
  TimePoint Backoff(Due& due, TimePoint now);
  // Whether `key` is due at `now`; (re)schedules it with `first_due` when its basis changed.
  bool IsDue(const std::string& key, TimePoint basis, TimePoint now, const std::function<TimePoint()>& first_due);
  std::chrono::seconds Jitter(std::chrono::seconds span);
  void RefreshCrlIfDue(const CrlEntry& held, TimePoint now, int& attempted);
  void RefreshChainIfDue(const ChainEntry& held, TimePoint now, int& attempted);
  void Loop();

  std::shared_ptr<AmdService> service_;
  AmdRefreshOptions options_;
  const Clock& clock_;

  mutable std::mutex mu_;  // schedule_, stats_, rng_
  std::map<std::string, Due> schedule_;
  AmdRefreshStats stats_;
  std::mt19937_64 rng_{std::random_device{}()};

  std::mutex run_mu_;  // one pass at a time
  std::mutex thread_mu_;
  std::condition_variable thread_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace thim::amd
