// thim-sim's Intel PCS: the PCS v3/v4 API (SGX and TDX) served from the
// simulator's PKI, with signed collateral generated on demand, several FMSPCs
// and evaluation data numbers ("early" ahead of "standard"), plus a control
// API (/_sim/…) to inject outages, latency, forced statuses and tampered
// answers, and to publish a new evaluation number. Test tooling only.
// Thread-safety: handlers may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "server/router.h"
#include "sim/pki/intel_pki.h"

namespace thim::sim {

struct PcsSimOptions {
  std::vector<std::string> sgx_fmspcs = {"00906ED50000", "00606A000000", "30806F040000"};
  std::vector<std::string> tdx_fmspcs = {"00806F050000", "50806F000000", "90C06F000000"};
  uint32_t oldest_eval = 16;
  uint32_t standard_eval = 17;
  uint32_t newest_eval = 18;  // "early"
};

class PcsSimulator {
 public:
  PcsSimulator(IntelPki pki, PcsSimOptions options, const Clock& clock);
  ~PcsSimulator();

  // Adds the PCS routes and the /_sim control routes.
  void AddRoutes(server::Router& router);

  const IntelPki& pki() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace thim::sim
