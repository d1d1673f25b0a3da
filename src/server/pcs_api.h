// The Intel PCS-compatible collateral API, under the PCS paths
// (/sgx/certification/v3|v4/…, /tdx/certification/v4/…) and under THIM's
// node-local prefix /metadata/THIM/… (which requires "Metadata: true").
// Also the PCCS extras Intel's client library uses: rootcacrl, crl?uri=,
// and the root CA CRL at its distribution-point path.
// Thread-safety: handlers are reentrant; the service must outlive the router.
#pragma once

#include <memory>

#include <atomic>

#include "cache/baseline.h"
#include "cache/collateral_service.h"
#include "server/router.h"

namespace thim::server {

// The baseline policy in force; replaced whole (admin changes) while requests
// read it. Thread-safe.
class BaselineRegistry {
 public:
  explicit BaselineRegistry(cache::BaselinePolicy policy) : policy_(std::make_shared<const cache::BaselinePolicy>(std::move(policy))) {}
  std::shared_ptr<const cache::BaselinePolicy> Get() const { return policy_.load(); }
  void Set(cache::BaselinePolicy policy) { policy_.store(std::make_shared<const cache::BaselinePolicy>(std::move(policy))); }

 private:
  std::atomic<std::shared_ptr<const cache::BaselinePolicy>> policy_;
};

// Header names telling which baseline and evaluation number a TCB info or
// identity response carries.
inline constexpr std::string_view kBaselineHeader = "THIM-TCB-Baseline";
inline constexpr std::string_view kEvaluationNumberHeader = "THIM-TCB-Evaluation-Data-Number";
// Header (besides THIM's `clientid` parameter) naming the tenant whose baseline applies.
inline constexpr std::string_view kTenantHeader = "THIM-Tenant";

// Requests for TCB info and identities without `update` or
// `tcbEvaluationDataNumber` get the baseline of their tenant (or the FMSPC's,
// or the default); explicit requests are served as asked, never below the floor.
void AddPcsRoutes(Router& router, std::shared_ptr<cache::CollateralService> service,
                  std::shared_ptr<const BaselineRegistry> baselines);

// Maps a CRL distribution point URL (as clients send in crl?uri= or THIM's
// pckcrl?uri=, possibly percent-encoded several times) to the cached CRL it
// names: Intel's root CA CRL or a PCS pckcrl URL. InvalidArgument otherwise.
StatusOr<cache::CollateralKey> KeyForCrlUri(std::string_view uri);

// The response for a cached item at this moment: the prepared bytes plus
// Cache-Control (and Warning when stale). 503 when policy forbids serving.
HttpResponse RespondWithItem(const cache::CollateralService& service, const cache::CachedItem& item);
// Wraps a handler so it demands THIM's "Metadata: true" header (400 without).
Handler RequireMetadata(Handler inner);

// The response for a failed lookup: JSON error, Retry-After on 429/503.
HttpResponse RespondWithError(const Status& status);

}  // namespace thim::server
