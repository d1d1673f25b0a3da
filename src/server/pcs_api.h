// The Intel PCS-compatible collateral API, under the PCS paths
// (/sgx/certification/v3|v4/…, /tdx/certification/v4/…) and under THIM's
// node-local prefix /metadata/THIM/… (which requires "Metadata: true").
// Also the PCCS extras Intel's client library uses: rootcacrl, crl?uri=,
// and the root CA CRL at its distribution-point path.
// Thread-safety: handlers are reentrant; the service must outlive the router.
#pragma once

#include <memory>

#include "cache/collateral_service.h"
#include "server/router.h"

namespace thim::server {

void AddPcsRoutes(Router& router, std::shared_ptr<cache::CollateralService> service);

// Maps a CRL distribution point URL (as clients send in crl?uri= or THIM's
// pckcrl?uri=, possibly percent-encoded several times) to the cached CRL it
// names: Intel's root CA CRL or a PCS pckcrl URL. InvalidArgument otherwise.
StatusOr<cache::CollateralKey> KeyForCrlUri(std::string_view uri);

// The response for a cached item at this moment: the prepared bytes plus
// Cache-Control (and Warning when stale). 503 when policy forbids serving.
HttpResponse RespondWithItem(const cache::CollateralService& service, const cache::CachedItem& item);
// The response for a failed lookup: JSON error, Retry-After on 429/503.
HttpResponse RespondWithError(const Status& status);

}  // namespace thim::server
