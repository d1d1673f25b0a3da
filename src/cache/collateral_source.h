// The upstream seam of the cache: fetch one collateral document. The
// production source is Intel PCS (pcs_source.h); tests use a fake.
// Thread-safety: Fetch may be called concurrently.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "cache/collateral_key.h"
#include "core/status.h"

namespace thim::cache {

struct FetchedCollateral {
  int http_status = 0;        // the final HTTP status from upstream
  std::string body;           // byte-exact
  std::string issuer_chain;   // the issuer-chain header value as received (URL-encoded PEM), may be empty
  std::string content_type;
  std::string request_id;     // upstream trace id, for logs
  std::string error_message;  // Intel's Error-Code / Error-Message, when present
  std::string warning;        // upstream Warning header, when present
};

class CollateralSource {
 public:
  virtual ~CollateralSource() = default;
  // The final upstream answer (any HTTP status) or, when no answer could be
  // had: Unavailable (down, 5xx after retries) or ResourceExhausted (429;
  // `retry_after` set when upstream advised a delay).
  virtual StatusOr<FetchedCollateral> Fetch(const CollateralKey& key,
                                            std::optional<std::chrono::seconds>* retry_after) = 0;
};

// The source of an offline (air-gapped) thimd: upstream is never contacted;
// everything arrives by import.
class OfflineCollateralSource final : public CollateralSource {
 public:
  StatusOr<FetchedCollateral> Fetch(const CollateralKey& key, std::optional<std::chrono::seconds>*) override {
    return UnavailableError(key.Describe() + " is not cached and this thimd is offline (fill mode offline): import it");
  }
};

}  // namespace thim::cache
