// The CollateralValidator for Intel documents: signature chain to the pinned
// Intel root (revocation checked against the root CA CRL when one is known),
// the validity window, and that the document answers the question asked
// (TEE type, FMSPC, identity, format version, evaluation number, CA).
// Thread-safety: Validate is reentrant; SetRootCrl may race with it safely.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "cache/validator.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"

namespace thim::cache {

class IntelCollateralValidator final : public CollateralValidator {
 public:
  explicit IntelCollateralValidator(crypto::Certificate pinned_root, std::chrono::seconds clock_skew = std::chrono::minutes(5))
      : root_(std::move(pinned_root)), skew_(clock_skew) {}

  StatusOr<ValidatedCollateral> Validate(const CollateralKey& key, const FetchedCollateral& fetched, TimePoint now) const override;

 private:
  crypto::Certificate root_;
  std::chrono::seconds skew_;
};

}  // namespace thim::cache
