// Verification of Intel signed collateral (TCB info, enclave identities,
// evaluation data numbers) and of PCK/root CRLs against their issuer chains,
// up to a pinned root, at a chosen time.
//
// Causes, as everywhere in thim (docs/design.md): DataLoss "bad signature",
// PermissionDenied "untrusted root"/"revoked", OutOfRange "expired"/"not yet
// valid", InvalidArgument "malformed …".
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "intel/signed_document.h"

namespace thim::intel {

struct VerifyOptions {
  TimePoint at;
  // Revocation lists for the issuer chain (typically the root CA CRL).
  std::vector<crypto::Crl> crls;
};

// The chain (signer first, the root optionally last) must verify to
// `pinned_root` at `at`; the signer's CN must contain "SGX TCB Signing"; the
// signature must verify over the signed span; `at` must lie within
// [issueDate, nextUpdate].
Status VerifySignedDocument(const SignedDocument& document, const std::vector<crypto::Certificate>& issuer_chain,
                            const crypto::Certificate& pinned_root, const VerifyOptions& options);

// The CRL must be signed by the first certificate of `issuer_chain` (or by the
// root itself, for the root CA CRL, whose chain is just the root), that chain
// must verify to `pinned_root`, and `at` must lie within [thisUpdate, nextUpdate].
Status VerifyCrl(const crypto::Crl& crl, const std::vector<crypto::Certificate>& issuer_chain,
                 const crypto::Certificate& pinned_root, const VerifyOptions& options);

}  // namespace thim::intel
