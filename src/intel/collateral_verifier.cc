#include "intel/collateral_verifier.h"

#include "crypto/chain.h"

namespace thim::intel {

Status VerifySignedDocument(const SignedDocument& document, const std::vector<crypto::Certificate>& issuer_chain,
                            const crypto::Certificate& pinned_root, const VerifyOptions& options) {
  if (issuer_chain.empty()) return InvalidArgumentError("malformed issuer chain: no certificates");
  const crypto::Certificate& signer = issuer_chain.front();
  ASSIGN_OR_RETURN(auto path, crypto::VerifyChain(issuer_chain, pinned_root, {.at = options.at, .crls = options.crls}));
  (void)path;
  if (signer.SubjectCommonName().find("SGX TCB Signing") == std::string::npos)
    return PermissionDeniedError("untrusted signer: \"" + signer.SubjectCommonName() + "\" is not an Intel SGX TCB Signing certificate");
  Status sig = crypto::VerifyEcdsaP256Raw(signer.public_key(), AsBytes(document.SignedBytes()), document.signature);
  if (!sig.ok()) return sig.code() == StatusCode::kDataLoss ? DataLossError("bad signature on " + document.body_name) : sig;
  if (options.at > document.next_update)
    return OutOfRangeError("expired: " + document.body_name + " nextUpdate " + FormatRfc3339(document.next_update) +
                           " is before " + FormatRfc3339(options.at));
  if (options.at < document.issue_date)
    return OutOfRangeError("not yet valid: " + document.body_name + " issueDate " + FormatRfc3339(document.issue_date) +
                           " is after " + FormatRfc3339(options.at));
  return OkStatus();
}

Status VerifyCrl(const crypto::Crl& crl, const std::vector<crypto::Certificate>& issuer_chain,
                 const crypto::Certificate& pinned_root, const VerifyOptions& options) {
  if (issuer_chain.empty()) return InvalidArgumentError("malformed issuer chain: no certificates");
  const crypto::Certificate& issuer = issuer_chain.front();
  if (issuer == pinned_root || (issuer_chain.size() == 1 && issuer.IsSelfIssued())) {
    // The root CA CRL: signed by the root itself.
    if (!(issuer == pinned_root))
      return PermissionDeniedError("untrusted root: the CRL issuer \"" + issuer.SubjectCommonName() + "\" is not the pinned root");
    if (options.at < pinned_root.NotBefore() || options.at > pinned_root.NotAfter())
      return OutOfRangeError("expired: the pinned root is not valid at " + FormatRfc3339(options.at));
  } else {
    ASSIGN_OR_RETURN(auto path, crypto::VerifyChain(issuer_chain, pinned_root, {.at = options.at, .crls = options.crls}));
    (void)path;
  }
  if (crl.IssuerNameDer() != issuer.SubjectNameDer())
    return InvalidArgumentError("malformed: the CRL is issued by \"" + crl.IssuerCommonName() + "\", not by \"" +
                                issuer.SubjectCommonName() + "\"");
  RETURN_IF_ERROR(crl.VerifySignature(issuer.public_key()));
  return crl.CheckValidity(options.at);
}

}  // namespace thim::intel
