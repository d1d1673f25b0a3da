// Builds thimd's AMD side from the "amd" configuration section: the KDS
// client (throttled to what KDS allows), the AMD cache and the node identity
// served on /metadata/THIM/amd/certification. Thread-safety: call once at start.
#pragma once

#include <memory>

#include "amd/amd_service.h"
#include "server/amd_api.h"
#include "thimd/config.h"

namespace thim::thimd {

struct AmdWiring {
  std::shared_ptr<amd::AmdService> service;
  server::AmdApiOptions api;
};

// InvalidArgument naming the field on a bad ARK file or node report.
StatusOr<AmdWiring> BuildAmd(const AmdConfig& config, std::shared_ptr<store::Store> store, const Clock& clock);

// The node identity from amd.node (explicit fields or an SNP/HCL report file); nullopt when unset.
StatusOr<std::optional<server::AmdNodeIdentity>> NodeIdentityFrom(const AmdNodeConfig& node);

}  // namespace thim::thimd
