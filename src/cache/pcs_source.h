// CollateralSource backed by Intel PCS (and the root CA CRL's distribution
// point, which lives on another host). Thread-safety: Fetch is reentrant.
#pragma once

#include <memory>
#include <string>

#include "cache/collateral_source.h"
#include "cache/pck_source.h"
#include "upstream/pcs_client.h"
#include "upstream/upstream_client.h"

namespace thim::cache {

class PcsCollateralSource final : public CollateralSource {
 public:
  // `root_crl` fetches `root_crl_path` (e.g. "/IntelSGXRootCA.der" on
  // https://certificates.trustedservices.intel.com).
  PcsCollateralSource(std::shared_ptr<upstream::PcsClient> pcs, std::shared_ptr<upstream::UpstreamClient> root_crl,
                      std::string root_crl_path);

  StatusOr<FetchedCollateral> Fetch(const CollateralKey& key, std::optional<std::chrono::seconds>* retry_after) override;

 private:
  std::shared_ptr<upstream::PcsClient> pcs_;
  std::shared_ptr<upstream::UpstreamClient> root_crl_;
  std::string root_crl_path_;
};

// PckSource backed by Intel PCS v4 `pckcerts` (the subscription key, when
// configured, travels with these calls only: see PcsClient).
class PcsPckSource final : public PckSource {
 public:
  explicit PcsPckSource(std::shared_ptr<upstream::PcsClient> pcs) : pcs_(std::move(pcs)) {}
  StatusOr<FetchedPckCerts> Fetch(const store::PlatformRecord& platform, std::optional<std::chrono::seconds>* retry_after) override;

 private:
  std::shared_ptr<upstream::PcsClient> pcs_;
};

}  // namespace thim::cache
