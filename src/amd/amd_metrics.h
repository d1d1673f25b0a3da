// thimd's AMD series on /metrics (docs/api.md lists them), read at scrape
// time from AmdService, the KDS client and the refresher. Any of them may be
// gone by then (weak pointers): its series are simply left out.
// Thread-safety: call once at start; the callbacks are thread-safe.
#pragma once

#include <memory>

#include "amd/amd_refresher.h"
#include "amd/amd_service.h"
#include "amd/kds_client.h"
#include "core/metrics.h"

namespace thim::amd {

void RegisterAmdMetrics(MetricsRegistry& registry, std::weak_ptr<AmdService> service, std::weak_ptr<const KdsClient> kds,
                        std::weak_ptr<const AmdRefresher> refresher, const Clock& clock);

}  // namespace thim::amd
