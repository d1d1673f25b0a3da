// The AMD side of thim bundles: what an AmdService holds, out (export), and
// a bundle's AMD items, in (import). Import order matters: chains first (a
// VCEK is validated against its product's chain), then CRLs, then VCEKs.
// Every item is validated exactly like a KDS answer (AmdService::Import*);
// a VCEK must also be the chip and TCB its key names.
// Thread-safety: as AmdService's methods (may run concurrently).
#pragma once

#include <string>
#include <vector>

#include "amd/amd_service.h"
#include "cache/bundle.h"

namespace thim::cache {

// Every chain, CRL and VCEK the service holds (memory and store).
AmdBundle ExportAmd(amd::AmdService& service);

struct AmdImportResult {
  std::string key;
  Status status;  // OK, or why the item was refused (FailedPrecondition: an older CRL than the held one)
};
// One result per item, in import order.
std::vector<AmdImportResult> ImportAmd(amd::AmdService& service, const AmdBundle& bundle);

}  // namespace thim::cache
