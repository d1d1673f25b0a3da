// The upstream seam of the platform service: fetch all PCK certificates of
// one platform (Intel PCS `pckcerts`, GET with the encrypted PPID or POST
// with the platform manifest). Production: PcsPckSource; tests: fakes.
// Thread-safety: Fetch may be called concurrently.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/status.h"
#include "store/platform.h"

namespace thim::cache {

struct FetchedPckCerts {
  int http_status = 0;
  std::string body;          // the JSON array, byte-exact
  std::string issuer_chain;  // SGX-PCK-Certificate-Issuer-Chain as received
  std::string fmspc;         // SGX-FMSPC
  std::string ca_type;       // SGX-PCK-Certificate-CA-Type
  std::string request_id;
  std::string error_message;  // Error-Code / Error-Message when present
};

class PckSource {
 public:
  virtual ~PckSource() = default;
  // Uses the platform's manifest when it has one (PCS then never needs keys
  // cached at Intel: indirect registration), else its encrypted PPID; the
  // PCE-ID always. The final upstream answer (any HTTP status) or
  // Unavailable / ResourceExhausted as CollateralSource::Fetch.
  virtual StatusOr<FetchedPckCerts> Fetch(const store::PlatformRecord& platform,
                                          std::optional<std::chrono::seconds>* retry_after) = 0;
};

}  // namespace thim::cache
