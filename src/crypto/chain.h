// Certificate chain validation up to a pinned root, at a chosen time.
// Thread-safety: pure functions; reentrant.
//
// Error contract (the CLI and the service map these to one-line causes):
//   InvalidArgument     malformed chain: empty, out of order ("… is not issued by …"),
//                       extra certificates, a CA missing between two certs.
//   PermissionDenied    "untrusted root …" (does not chain to the pinned root) or
//                       "revoked …" (a certificate is listed in a CRL).
//   DataLoss            "bad signature …" on a certificate or a CRL.
//   OutOfRange          "expired …" / "not yet valid …" for a certificate or a CRL.
#pragma once

#include <vector>

#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"

namespace thim::crypto {

struct ChainOptions {
  TimePoint at;  // the time every certificate and CRL must be valid at
  // CRLs to check revocation against. A CRL applies to the certificates its
  // issuer issued; its signature and validity window are checked too. A CRL
  // whose issuer is not in the chain is InvalidArgument.
  std::vector<Crl> crls;
  // When true, every CA in the chain (root included) must have a CRL in `crls`.
  bool require_crl_for_every_ca = false;
};

// `chain` is leaf first, each certificate issued by the next; it may end with
// the root itself (then it must be byte-identical to `pinned_root`) or with the
// certificate the root issued. On success returns the full path leaf … root.
StatusOr<std::vector<Certificate>> VerifyChain(const std::vector<Certificate>& chain,
                                               const Certificate& pinned_root, const ChainOptions& options);

}  // namespace thim::crypto
