#include "verify/prepared_collateral.h"

#include <algorithm>

#include "crypto/chain.h"

namespace thim::verify {
namespace {

// Errors of PrepareCollateral carry the QVL status as the message prefix
// ("TCB_INFO_INVALID_SIGNATURE: …") so VerifyQuote can report it as a step.
Status StepFailure(StatusCode code, std::string_view qvl_status, const std::string& detail) {
  return Status(code, std::string(qvl_status) + ": " + detail);
}

constexpr size_t kMaxCachedChains = 4096;

// The signer chain of a signed document: path to the root, the signer not
// revoked by the root CA CRL, the signer a TCB Signing certificate, and the
// signature over the exact served bytes.
Status VerifySignedBody(const intel::SignedDocument& doc, const std::vector<crypto::Certificate>& chain,
                        const crypto::Certificate& root, const crypto::Crl& root_crl, std::string_view what,
                        std::string_view bad_signature_status) {
  if (chain.empty()) return StepFailure(StatusCode::kInvalidArgument, "SGX_TCB_SIGNING_CERT_MISSING", std::string(what) + " issuer chain is empty");
  Status chain_ok = VerifyChainTimeless(chain, root);
  if (!chain_ok.ok()) {
    std::string_view status = chain_ok.code() == StatusCode::kPermissionDenied ? "SGX_TCB_SIGNING_CERT_CHAIN_UNTRUSTED"
                              : chain_ok.code() == StatusCode::kDataLoss       ? "SGX_TCB_SIGNING_CERT_INVALID_ISSUER"
                                                                               : "SGX_TCB_SIGNING_CERT_INVALID";
    return StepFailure(chain_ok.code(), status, std::string(what) + " issuer chain: " + chain_ok.message());
  }
  const crypto::Certificate& signer = chain.front();
  if (signer.SubjectCommonName().find("SGX TCB Signing") == std::string::npos) {
    return StepFailure(StatusCode::kPermissionDenied, "SGX_TCB_SIGNING_CERT_MISSING",
                       std::string(what) + " is signed by \"" + signer.SubjectCommonName() + "\", not an SGX TCB Signing certificate");
  }
  if (root_crl.IsRevoked(signer)) {
    return StepFailure(StatusCode::kPermissionDenied, "SGX_TCB_SIGNING_CERT_REVOKED",
                       "revoked: " + std::string(what) + " signer (serial " + signer.SerialHex() + ") is in the root CA CRL");
  }
  Status sig = crypto::VerifyEcdsaP256Raw(signer.public_key(), AsBytes(doc.SignedBytes()), doc.signature);
  if (!sig.ok()) return StepFailure(StatusCode::kDataLoss, bad_signature_status, "bad signature on " + std::string(what));
  return OkStatus();
}

}  // namespace

StatusOr<std::vector<crypto::Certificate>> ParseChainText(std::string_view text) {
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  if (text.empty()) return InvalidArgumentError("empty certificate chain");
  return crypto::ParseCertificateList(text);
}

Status VerifyChainTimeless(const std::vector<crypto::Certificate>& chain, const crypto::Certificate& root) {
  if (chain.empty()) return InvalidArgumentError("certificate chain is empty");
  TimePoint latest_start = root.NotBefore();
  TimePoint earliest_end = root.NotAfter();
  for (const auto& c : chain) {
    latest_start = std::max(latest_start, c.NotBefore());
    earliest_end = std::min(earliest_end, c.NotAfter());
  }
  if (latest_start > earliest_end) {
    return InvalidArgumentError("the certificates' validity periods do not overlap (latest notBefore " +
                                FormatRfc3339(latest_start) + ", earliest notAfter " + FormatRfc3339(earliest_end) + ")");
  }
  auto path = crypto::VerifyChain(chain, root, {.at = latest_start});
  return path.ok() ? OkStatus() : path.status();
}

std::shared_ptr<const VerifiedPck> PreparedCollateral::VerifyPckChain(ByteSpan chain_data, StepError* error) const {
  std::string key(AsChars(chain_data));
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pck_cache_.find(key);
    if (it != pck_cache_.end()) return it->second;
  }
  auto fail = [&](std::string status, std::string detail) -> std::shared_ptr<const VerifiedPck> {
    *error = {std::move(status), std::move(detail)};
    return nullptr;
  };
  auto certs = ParseChainText(AsChars(chain_data));
  if (!certs.ok()) return fail("UNSUPPORTED_CERT_FORMAT", "PCK certificate chain: " + certs.status().message());
  if (certs->size() != 3) {
    return fail("UNSUPPORTED_CERT_FORMAT",
                "PCK certificate chain holds " + std::to_string(certs->size()) + " certificates, expected 3 (PCK, CA, root)");
  }
  const crypto::Certificate& leaf = (*certs)[0];
  const crypto::Certificate& ca = (*certs)[1];
  const crypto::Certificate& chain_root = (*certs)[2];
  if (!chain_root.IsSelfIssued() || chain_root.SubjectCommonName().find("SGX Root CA") == std::string::npos)
    return fail("SGX_ROOT_CA_MISSING", "the last certificate \"" + chain_root.SubjectCommonName() + "\" is not an SGX Root CA");
  if (ca.IsSelfIssued() || ca.SubjectCommonName().find("CA") == std::string::npos)
    return fail("SGX_INTERMEDIATE_CA_MISSING", "the second certificate \"" + ca.SubjectCommonName() + "\" is not a PCK CA");
  if (leaf.SubjectCommonName().find("SGX PCK Certificate") == std::string::npos)
    return fail("SGX_PCK_MISSING", "the first certificate \"" + leaf.SubjectCommonName() + "\" is not an SGX PCK Certificate");
  // Root pinning by key, as Intel's QvE does, then byte identity in VerifyChain.
  if (chain_root.public_key().SpkiDer() != root.public_key().SpkiDer())
    return fail("SGX_ROOT_CA_UNTRUSTED", "the chain's root key is not the pinned Intel SGX Root CA key");
  Status chain_ok = VerifyChainTimeless(*certs, root);
  if (!chain_ok.ok()) {
    std::string status = chain_ok.code() == StatusCode::kPermissionDenied ? "SGX_PCK_CERT_CHAIN_UNTRUSTED"
                         : chain_ok.code() == StatusCode::kDataLoss       ? "SGX_PCK_INVALID_ISSUER"
                                                                          : "INVALID_PCK_CERT";
    return fail(status, "PCK certificate chain: " + chain_ok.message());
  }
  // PCK CRL: issued by the quote's own CA (Intel checks it against the quote's chain).
  if (pck_crl.IssuerNameDer() != ca.SubjectNameDer()) {
    return fail("INVALID_PCK_CRL", "the PCK CRL is issued by \"" + pck_crl.IssuerCommonName() + "\", the PCK by \"" +
                                       ca.SubjectCommonName() + "\"");
  }
  if (!pck_crl.VerifySignature(ca.public_key()).ok())
    return fail("SGX_CRL_INVALID_SIGNATURE", "the PCK CRL is not signed by \"" + ca.SubjectCommonName() + "\"");
  if (root_crl.IsRevoked(ca))
    return fail("SGX_INTERMEDIATE_CA_REVOKED", "revoked: \"" + ca.SubjectCommonName() + "\" (serial " + ca.SerialHex() + ") is in the root CA CRL");
  if (pck_crl.IsRevoked(leaf))
    return fail("SGX_PCK_REVOKED", "revoked: the PCK certificate (serial " + leaf.SerialHex() + ") is in the PCK CRL");
  auto pck = intel::ParsePckCertificate(leaf);
  if (!pck.ok()) return fail("INVALID_PCK_CERT", pck.status().message());

  auto verified = std::make_shared<VerifiedPck>(VerifiedPck{*certs, std::move(*pck)});
  std::lock_guard<std::mutex> lock(mu_);
  if (pck_cache_.size() >= kMaxCachedChains) pck_cache_.clear();  // bounded: a flood of distinct chains cannot grow it
  pck_cache_.emplace(std::move(key), verified);
  return verified;
}

StatusOr<crypto::PublicKey> PreparedCollateral::AttestationKey(ByteSpan xy) const {
  std::string key(AsChars(xy));
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = key_cache_.find(key);
    if (it != key_cache_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(crypto::PublicKey pub, crypto::PublicKey::FromP256RawPoint(xy));
  std::lock_guard<std::mutex> lock(mu_);
  if (key_cache_.size() >= kMaxCachedChains) key_cache_.clear();
  key_cache_.emplace(std::move(key), pub);
  return pub;
}

StatusOr<std::shared_ptr<const PreparedCollateral>> PrepareCollateral(const Collateral& c, const crypto::Certificate& root) {
  auto tcb = intel::ParseTcbInfo(c.tcb_info);
  if (!tcb.ok()) return StepFailure(StatusCode::kInvalidArgument, "UNSUPPORTED_TCB_INFO_FORMAT", tcb.status().message());
  auto qe = intel::ParseEnclaveIdentity(c.qe_identity);
  if (!qe.ok()) return StepFailure(StatusCode::kInvalidArgument, "UNSUPPORTED_QE_IDENTITY_FORMAT", qe.status().message());
  if (qe->id != intel::EnclaveId::kQe && qe->id != intel::EnclaveId::kTdQe) {
    return StepFailure(StatusCode::kInvalidArgument, "UNSUPPORTED_QE_IDENTITY_FORMAT",
                       "the enclave identity is " + std::string(intel::EnclaveIdName(qe->id)) + ", not QE or TD_QE");
  }
  auto root_crl = crypto::Crl::FromAny(c.root_ca_crl);
  if (!root_crl.ok()) return StepFailure(StatusCode::kInvalidArgument, "SGX_CRL_UNSUPPORTED_FORMAT", "root CA CRL: " + root_crl.status().message());
  auto pck_crl = crypto::Crl::FromAny(c.pck_crl);
  if (!pck_crl.ok()) return StepFailure(StatusCode::kInvalidArgument, "UNSUPPORTED_PCK_RL_FORMAT", "PCK CRL: " + pck_crl.status().message());
  auto tcb_chain = ParseChainText(c.tcb_info_issuer_chain);
  if (!tcb_chain.ok()) return StepFailure(StatusCode::kInvalidArgument, "UNSUPPORTED_CERT_FORMAT", "TCB info issuer chain: " + tcb_chain.status().message());
  auto qe_chain = ParseChainText(c.qe_identity_issuer_chain.empty() ? c.tcb_info_issuer_chain : c.qe_identity_issuer_chain);
  if (!qe_chain.ok()) return StepFailure(StatusCode::kInvalidArgument, "UNSUPPORTED_CERT_FORMAT", "QE identity issuer chain: " + qe_chain.status().message());
  std::vector<crypto::Certificate> pck_crl_chain;
  if (!c.pck_crl_issuer_chain.empty()) {
    auto chain = ParseChainText(c.pck_crl_issuer_chain);
    if (!chain.ok()) return StepFailure(StatusCode::kInvalidArgument, "UNSUPPORTED_CERT_FORMAT", "PCK CRL issuer chain: " + chain.status().message());
    pck_crl_chain = std::move(*chain);
  }

  // Root CA CRL: issued and signed by the pinned root.
  if (root_crl->IssuerNameDer() != root.SubjectNameDer())
    return StepFailure(StatusCode::kInvalidArgument, "SGX_CRL_UNKNOWN_ISSUER", "the root CA CRL is issued by \"" + root_crl->IssuerCommonName() + "\"");
  if (!root_crl->VerifySignature(root.public_key()).ok())
    return StepFailure(StatusCode::kDataLoss, "SGX_CRL_INVALID_SIGNATURE", "bad signature: the root CA CRL is not signed by the root");

  RETURN_IF_ERROR(VerifySignedBody(tcb->document, *tcb_chain, root, *root_crl, "TCB info", "TCB_INFO_INVALID_SIGNATURE"));
  RETURN_IF_ERROR(VerifySignedBody(qe->document, *qe_chain, root, *root_crl, "QE identity", "SGX_ENCLAVE_IDENTITY_INVALID_SIGNATURE"));
  return std::shared_ptr<const PreparedCollateral>(std::make_shared<PreparedCollateral>(
      root, std::move(*tcb), std::move(*qe), std::move(*tcb_chain), std::move(*qe_chain), std::move(pck_crl_chain),
      std::move(*pck_crl), std::move(*root_crl)));
}

}  // namespace thim::verify
