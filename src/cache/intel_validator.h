// The CollateralValidator for Intel documents: signature chain to the pinned
// Intel root (revocation checked against the root CA CRL when one is known),
// the validity window, and that the document answers the question asked
// (TEE type, FMSPC, identity, format version, evaluation number, CA).
// Thread-safety: Validate is reentrant; SetRootCrl may race with it safely.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "cache/validator.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"

namespace thim::cache {

class IntelCollateralValidator final : public CollateralValidator {
 public:
  // Returns the DER of the current root CA CRL, or "" when none is known yet.
  using RootCrlProvider = std::function<std::string()>;

  explicit IntelCollateralValidator(crypto::Certificate pinned_root, std::chrono::seconds clock_skew = std::chrono::minutes(5))
      : root_(std::move(pinned_root)), skew_(clock_skew) {}

  // With a provider, every chain (TCB Signing, PCK CAs) is also checked
  // against the root CA CRL while that CRL is inside its validity window.
  void SetRootCrlProvider(RootCrlProvider provider) { root_crl_provider_ = std::move(provider); }

  StatusOr<ValidatedCollateral> Validate(const CollateralKey& key, const FetchedCollateral& fetched, TimePoint now) const override;

 private:
  // The root CA CRL to check chains against at `now`, if one is known and valid.
  std::vector<crypto::Crl> RootCrls(TimePoint now) const;

  crypto::Certificate root_;
  std::chrono::seconds skew_;
  RootCrlProvider root_crl_provider_;
  mutable std::mutex crl_mu_;
  mutable std::string crl_der_;  // the last parsed CRL's bytes, to parse each CRL once
  mutable std::optional<crypto::Crl> crl_;
};

}  // namespace thim::cache
