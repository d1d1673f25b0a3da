// thimd's AMD SEV-SNP routes (docs/api.md, "AMD"):
//   GET /metadata/THIM/amd/certification[?platformId=&tcbVersion=]   THIM's node-local
//       answer {"vcekCert","tcbm","certificateChain","cacheControl"} (needs "Metadata: true")
//   GET /vcek/v1/{product}/cert_chain | /crl | /{hwid}?…SPL=…         KDS mirror (AMD's paths
//   GET /vlek/v1/{product}/cert_chain | /crl                           and formats)
//   GET /SevSnpVM/certificates/{chipId}/{reportedTcbHex}               Azure's global form: PEM VCEK+ASK+ARK
//   GET /admin/amd/vceks, POST /admin/amd/vceks                        list; pre-load or import (admin token)
// Cache hits are answered on the I/O thread; misses go to a small worker
// pool, since a KDS fetch may wait for the throttle.
// Thread-safety: handlers are reentrant; the service must outlive the router.
#pragma once

#include <memory>
#include <optional>

#include "amd/amd_service.h"
#include "server/admin_api.h"
#include "server/router.h"

namespace thim::server {

// The chip this thimd runs next to (per-node agent mode).
struct AmdNodeIdentity {
  amd::Product product;
  Bytes chip_id;     // 64 bytes as in the report (Turin: the first 8 used)
  uint64_t reported_tcb = 0;
};

struct AmdApiOptions {
  std::optional<AmdNodeIdentity> node;
  int cache_control_seconds = 86400;
  int worker_threads = 8;
};

// THIM's JSON, compact, keys in THIM's order.
std::string ThimAmdJson(const amd::VcekEntry& vcek, const amd::ChainEntry& chain, int cache_control_seconds);

void AddAmdRoutes(Router& router, std::shared_ptr<amd::AmdService> service, AmdApiOptions options,
                  const AdminTokens& tokens);

}  // namespace thim::server
