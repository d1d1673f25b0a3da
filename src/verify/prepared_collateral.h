// Collateral parsed and signature-checked once (PrepareCollateral), plus a
// cache of verified PCK chains, so that verifying many quotes of one
// platform costs only the per-quote signatures (QE report and quote).
// Thread-safety: immutable except the PCK chain cache, which is guarded.
#pragma once
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "crypto/crl.h"
#include "intel/enclave_identity.h"
#include "intel/pck_certificate.h"
#include "intel/tcb_info.h"
#include "thim/verify.h"

namespace thim::verify {

// A QVL status name and a one-line cause: how every failing step reports.
struct StepError {
  std::string status;
  std::string detail;
};

// The quote's PCK chain after every check that does not depend on the quote
// body or on "now": signatures up to the pinned root, both CRLs, extensions.
struct VerifiedPck {
  std::vector<crypto::Certificate> chain;  // leaf, intermediate, root
  intel::PckCertificate pck;
};

class PreparedCollateral {
 public:
  PreparedCollateral(crypto::Certificate root, intel::TcbInfo tcb_info, intel::EnclaveIdentity qe_identity,
                     std::vector<crypto::Certificate> tcb_info_chain, std::vector<crypto::Certificate> qe_identity_chain,
                     std::vector<crypto::Certificate> pck_crl_chain, crypto::Crl pck_crl, crypto::Crl root_crl)
      : root(std::move(root)), tcb_info(std::move(tcb_info)), qe_identity(std::move(qe_identity)),
        tcb_info_chain(std::move(tcb_info_chain)), qe_identity_chain(std::move(qe_identity_chain)),
        pck_crl_chain(std::move(pck_crl_chain)), pck_crl(std::move(pck_crl)), root_crl(std::move(root_crl)) {}

  crypto::Certificate root;
  intel::TcbInfo tcb_info;
  intel::EnclaveIdentity qe_identity;
  std::vector<crypto::Certificate> tcb_info_chain;
  std::vector<crypto::Certificate> qe_identity_chain;
  std::vector<crypto::Certificate> pck_crl_chain;  // may be empty
  crypto::Crl pck_crl;
  crypto::Crl root_crl;

  // The PCK chain of a quote (certification data type 5), verified and
  // cached by its bytes. On failure `error` holds Intel's status.
  std::shared_ptr<const VerifiedPck> VerifyPckChain(ByteSpan chain_data, StepError* error) const;

  // The quote's attestation key as a P-256 point, decoded and curve-checked
  // once per key (a platform's QE reuses it for every quote).
  StatusOr<crypto::PublicKey> AttestationKey(ByteSpan xy) const;

 private:
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const VerifiedPck>> pck_cache_;
  mutable std::unordered_map<std::string, crypto::PublicKey> key_cache_;
};

// Splits a certificate list (PEM, URL-encoded PEM) as quotes and headers
// carry it; trailing NULs are ignored (Intel's QPL NUL-terminates).
StatusOr<std::vector<crypto::Certificate>> ParseChainText(std::string_view text);

// Verifies `chain` (leaf first, root last or omitted) to `root` at a time
// inside every certificate's validity: expiry is Intel's separate,
// non-terminal check (collateral expiration status), so signatures and the
// path are checked independently of "now". CRLs are checked by the callers.
Status VerifyChainTimeless(const std::vector<crypto::Certificate>& chain, const crypto::Certificate& root);

}  // namespace thim::verify
