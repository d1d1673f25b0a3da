// The baseline impact report: before an operator moves the fleet (or a
// tenant) to another TCB baseline, what would change? For every FMSPC in the
// cache and every known platform, the TCB status under the baseline in force
// and under the candidate, and who would degrade (e.g. UpToDate →
// SWHardeningNeeded, or OutOfDate when a TCB recovery is adopted).
// Thread-safety: reentrant; blocks on the collateral it needs (run it off an
// I/O thread).
#pragma once

#include <string>

#include "cache/baseline.h"
#include "cache/collateral_service.h"
#include "cache/platform_service.h"

namespace thim::cache {

struct ImpactRequest {
  Baseline candidate;
  std::string tenant;  // whose current baseline to compare with ("" = the default / FMSPC overrides)
  std::chrono::milliseconds timeout{30000};
};

// The report as JSON:
// {"tenant","candidate","fmspcs":[{"fmspc","current":{"baseline","evaluationDataNumber"},
//   "candidate":{…},"levels":N,"degradedLevels":[{"tcbm","current","candidate"}],"error"?}],
//  "platforms":[{"id","fmspc","tcbm","current","candidate","change":"degraded|improved|unchanged"}],
//  "summary":{"fmspcs","platforms","degraded","improved","unchanged","errors"}}
// `platforms` may be null (no platform service).
StatusOr<std::string> BuildImpactReport(CollateralService& collateral, const PlatformService* platforms,
                                        const BaselinePolicy& policy, const ImpactRequest& request);

}  // namespace thim::cache
