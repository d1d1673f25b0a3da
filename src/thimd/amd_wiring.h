// Builds thimd's AMD side from the "amd" configuration section: the KDS
// client (throttled to what KDS allows), the AMD cache, its background
// refresher (not started) and the node identity served on
// /metadata/THIM/amd/certification. Thread-safety: call once at start.
#pragma once

#include <memory>

#include "amd/amd_refresher.h"
#include "amd/amd_service.h"
#include "server/amd_api.h"
#include "thimd/config.h"

namespace thim::thimd {

struct AmdWiring {
  std::shared_ptr<amd::KdsClient> kds;
  std::shared_ptr<amd::AmdService> service;
  std::shared_ptr<amd::AmdRefresher> refresher;  // null when amd.refresh_enabled is false
  server::AmdApiOptions api;
};

// InvalidArgument naming the field on a bad ARK file or node report.
// `stale_grace`: how long past nextUpdate a CRL is served while KDS fails.
// `offline` (platforms.fill_mode "offline"): KDS is never contacted and
// nothing is refreshed; AMD items arrive by bundle import.
StatusOr<AmdWiring> BuildAmd(const AmdConfig& config, std::shared_ptr<store::Store> store, const Clock& clock,
                             std::chrono::seconds stale_grace, bool offline = false);

// The refresher's options from the "amd" section.
amd::AmdRefreshOptions RefreshOptionsFrom(const AmdConfig& config);

// The node identity from amd.node (explicit fields or an SNP/HCL report file); nullopt when unset.
StatusOr<std::optional<server::AmdNodeIdentity>> NodeIdentityFrom(const AmdNodeConfig& node);

}  // namespace thim::thimd
