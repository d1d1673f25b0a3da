// thim-sim's AMD KDS: AMD's paths and formats (/vcek/v1/{product}/cert_chain,
// /crl, /{hwid}?…SPL=…, and the /vlek/v1/ chains and CRLs) served from the
// simulated AMD PKI, with AMD's throttle: one VCEK per `vcek_interval` per
// client, else 429 with Retry-After. Every chip of the right hwID length is
// "known" (its VCEK is issued on first request). Control routes:
//   POST /_sim/kds/throttle?interval_ms=N   change the throttle (0 = off)
//   POST /_sim/kds/outage?on=1|0            answer 500 to everything
//   GET  /_sim/kds/stats                    counters (JSON)
//   GET  /_sim/kds/report?product=&version=&chip=&tcbm=[&vlek=CSP]   a signed SNP report
// Test tooling. Thread-safety: handlers and methods may run concurrently.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "server/router.h"
#include "sim/amd_pki.h"

namespace thim::sim {

struct KdsSimOptions {
  std::chrono::milliseconds vcek_interval{10'000};  // AMD: about one VCEK per 10 s per client
};

struct KdsSimStats {
  uint64_t vcek_requests = 0;
  uint64_t vcek_served = 0;
  uint64_t throttled = 0;  // 429 answers
  uint64_t chain_requests = 0;
  uint64_t crl_requests = 0;
  // Shortest gap between two VCEKs served to one client (ms); -1 when fewer than two.
  int64_t min_gap_ms = -1;
};

class KdsSimulator {
 public:
  KdsSimulator(std::shared_ptr<AmdPki> pki, KdsSimOptions options);
  void AddRoutes(server::Router& router);
  AmdPki& pki() { return *pki_; }
  KdsSimStats Stats() const;
  void SetThrottle(std::chrono::milliseconds interval);
  void SetOutage(bool on);

 private:
  void HandleKds(amd::KeyKind kind, const server::HttpRequest& req, server::Reply reply);

  std::shared_ptr<AmdPki> pki_;
  mutable std::mutex mu_;
  KdsSimOptions options_;
  bool outage_ = false;
  KdsSimStats stats_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_vcek_;  // per client
};

}  // namespace thim::sim
