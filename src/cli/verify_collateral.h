// `thim verify collateral`: verifies a signed Intel JSON document or a CRL
// against its issuer chain, up to a pinned root, at a chosen time.
// Thread-safety: pure function.
#pragma once

#include <string>

#include "core/bytes.h"
#include "crypto/certificate.h"

namespace thim::cli {

struct VerifiedCollateral {
  std::string what;  // "TCB info (TDX, FMSPC 00806F050000)", "CRL of Intel SGX PCK Platform CA", …
};

// `document`: TCB info, enclave identity, evaluation numbers, or a CRL in
// any encoding. `chain`: the issuer chain, PEM or URL-encoded PEM.
StatusOr<VerifiedCollateral> VerifyCollateral(ByteSpan document, std::string_view chain, const crypto::Certificate& root,
                                              TimePoint at);

}  // namespace thim::cli
