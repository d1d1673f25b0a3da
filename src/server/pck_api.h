// The PCK certificate API (reference intel-pcs-pccs.md §1.4 P1–P6, §3.3,
// §3.11, azure-thim-amd.md §1.6):
//   GET  …/v3|v4/pckcert   Intel's form (encrypted_ppid, cpusvn, pcesvn, pceid)
//                          or PCCS's (qeid [+ encrypted_ppid, all zeros = none])
//   POST …/v3|v4/pckcert   {"platformManifest","cpusvn","pcesvn","pceid"} (+ optional "qeid")
//   GET|POST pckcerts, pckcerts/config   all the platform's certificates as PCS
//                          sends them ("Not available" entries kept)
// under /sgx/certification/… (PEM body + SGX-PCK-Certificate-Issuer-Chain,
// SGX-TCBm, SGX-FMSPC, SGX-PCK-Certificate-CA-Type in lower case, as Intel
// PCS) and under /metadata/THIM/sgx/certification/… ("Metadata: true"
// required; pckcert answers THIM's JSON body {"pckCert",
// "sgx-Pck-Certificate-Issuer-Chain","sgx-Tcbm","cacheMaxAge"}).
//   POST /sgx/certification/v3|v4/platforms   registration as Intel's
//                          PCKIDRetrievalTool sends it (user-token header)
// Unknown platforms in fill modes req/offline answer 461 (PCCS's "platform
// not found"). Thread-safety: handlers are reentrant.
#pragma once

#include <memory>
#include <string>

#include "cache/platform_service.h"
#include "core/blocking_pool.h"
#include "server/router.h"

namespace thim::server {

struct PckApiOptions {
  // SHA-256 (hex) of the registration token (`user-token` header); empty =
  // registration disabled (401).
  std::string user_token_sha256;
  // Cache-Control max-age on PCK certificate answers.
  int max_age_seconds = 86400;
};

// Registrations (which may fetch from upstream) run on `pool`.
void AddPckRoutes(Router& router, std::shared_ptr<BlockingPool> pool, std::shared_ptr<cache::PlatformService> platforms,
                  PckApiOptions options);

// Parses Intel's / PCCS's request fields (exact lengths, hex; upper-cased).
// InvalidArgument names the parameter.
struct PckQuery {
  cache::PlatformIdentity identity;
  std::optional<cache::RawTcb> raw;
};
StatusOr<PckQuery> ParsePckQuery(std::optional<std::string_view> qeid, std::optional<std::string_view> encrypted_ppid,
                                 std::optional<std::string_view> manifest, std::optional<std::string_view> cpusvn,
                                 std::optional<std::string_view> pcesvn, std::optional<std::string_view> pceid,
                                 bool need_raw_tcb);

}  // namespace thim::server
