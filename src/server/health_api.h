// Operational endpoints: /healthz (the process answers), /readyz (store open
// and initial sync done; 503 otherwise) and /metrics (Prometheus text).
// Thread-safety: the callbacks must be safe to call from any I/O thread.
#pragma once

#include <functional>

#include "core/metrics.h"
#include "server/router.h"

namespace thim::server {

// `ready` returns OK when the service may take traffic, else why not.
void AddHealthRoutes(Router& router, std::function<Status()> ready, MetricsRegistry* metrics);

}  // namespace thim::server
