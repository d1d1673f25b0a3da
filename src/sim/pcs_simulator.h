// thim-sim's Intel PCS: the PCS v3/v4 API (SGX and TDX) served from the
// simulator's PKI, with signed collateral generated on demand, several FMSPCs
// and evaluation data numbers ("early" ahead of "standard"), plus a control
// API (/_sim/…) to inject outages, latency, forced statuses and tampered
// answers, and to publish a new evaluation number. Test tooling only.
//
// It also simulates a fleet of SGX platforms (sim/platforms.h) with one PCK
// certificate per TCB level each, served on pckcert / pckcerts /
// pckcerts/config (GET by encrypted PPID, POST by platform manifest) and
// listed on GET /_sim/platforms. The platforms' TCB levels are the union of
// the levels of every published evaluation number, so after
// /_sim/new-eval-number (a TCB recovery) each platform has certificates for
// the new levels too.
// Thread-safety: handlers and every const method may run concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "server/router.h"
#include "sim/pck_service.h"
#include "sim/pki/intel_pki.h"
#include "sim/platforms.h"

namespace thim::sim {

struct PcsSimOptions {
  std::vector<std::string> sgx_fmspcs = {"00906ED50000", "00606A000000", "30806F040000"};
  std::vector<std::string> tdx_fmspcs = {"00806F050000", "50806F000000", "90C06F000000"};
  uint32_t oldest_eval = 16;
  uint32_t standard_eval = 17;
  uint32_t newest_eval = 18;  // "early"

  // Simulated SGX platforms (identities deterministic in platform_seed).
  size_t platforms = 8;
  uint64_t platform_seed = 1;
  // Platform i lists its lowest TCB level as "Not available" when i % k == 0 (0 = never).
  size_t not_available_every = 4;
  // The RSA-3072 key encrypted PPIDs are encrypted to; empty = one key per
  // process (sim::ProcessPpidKey). thim-sim keeps it in its state directory.
  std::optional<crypto::PrivateKey> ppid_key;
};

class PcsSimulator {
 public:
  PcsSimulator(IntelPki pki, PcsSimOptions options, const Clock& clock);
  ~PcsSimulator();

  // Adds the PCS routes and the /_sim control routes.
  void AddRoutes(server::Router& router);

  const IntelPki& pki() const;

  // The simulated platforms, in fleet order. Generated on first use of any
  // platform feature (encrypting the PPIDs needs the key); empty when that
  // failed.
  std::vector<SimPlatform> Platforms() const;
  // The platform's TCB levels, highest first, for the evaluation numbers
  // published now: one pckcerts entry each.
  std::vector<SimPckLevel> PlatformLevels(const SimPlatform& platform) const;
  // What GET pckcert answers for this raw TCB now: Intel's selection over the
  // platform's available certificates. NotFound when nothing is at or below
  // the raw TCB or the platform is not one of Platforms().
  StatusOr<SimPckAnswer> SelectPck(const SimPlatform& platform, const Bytes& raw_cpusvn, uint16_t raw_pcesvn) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace thim::sim
