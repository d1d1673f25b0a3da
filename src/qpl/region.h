// Azure's TDX region discovery, as Azure's DCAP client does it: when the
// configuration is Azure-style but AZDCAP_REGION_URL is unset, TDX collateral
// comes from the regional THIM https://{region}{AZDCAP_BASE_CERT_URL_TDX}/v4/
// and the region is IMDS's compute.location (GET {imds}/metadata/instance?
// api-version=2021-02-01, header "metadata: true"), lower-cased, cached in the
// disk cache under the key "region" with no expiry.
// Done lazily on the first TDX collateral call (never at load), with short
// timeouts and no proxy (off Azure a connect to 169.254.169.254 can hang), once
// per loaded configuration: a failure is logged once and TDX collateral then
// comes from collateral_service. The location is put into a host name, so
// anything but a DNS label is refused.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qpl/cache.h"
#include "qpl/config.h"

namespace thim::qpl {

// The cache key and item type of the region (no sgx_qpl_clear_cache mask
// covers it: Azure keeps the region forever).
inline constexpr const char* kRegionCacheKey = "region";
inline constexpr uint32_t kRegionCacheType = 8;

// 1 to 63 of [a-z0-9-], neither starting nor ending with '-' (RFC 1123 label, lower case).
bool IsDnsLabel(const std::string& s);

// compute.location of an IMDS /metadata/instance body, lower-cased; nullopt
// (and `why`) when the body is not JSON, has no string compute.location, or
// the location is not a DNS label.
std::optional<std::string> RegionFromImds(const std::string& body, std::string* why);

// https://{region}{suffix}/v4/ (suffix like ".thim.azure.net/sgx/certification").
std::string RegionalTdxBase(const std::string& region, const std::string& suffix);

// One per loaded configuration. Thread-safe: concurrent first callers wait
// for one discovery.
class RegionDiscovery {
 public:
  // The TDX collateral base URL for `c`: tdx_collateral_service when set
  // (AZDCAP_REGION_URL); else, for an Azure-style configuration, the regional
  // base of the discovered region; else "" (use collateral_service).
  // `log` is called after the internal lock is released.
  std::string TdxBase(const Config& c, Cache& cache, const LogFn& log);

 private:
  // The region from the cache or IMDS; "" on failure. Messages go to `notes`.
  std::string Discover(const Config& c, Cache& cache, std::vector<std::pair<int, std::string>>& notes);

  std::mutex mu_;
  bool done_ = false;
  std::string base_;  // "" = collateral_service
};

}  // namespace thim::qpl
