#include "cli/verify_collateral.h"

#include "intel/collateral_verifier.h"
#include "intel/enclave_identity.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "intel/tcb_info.h"

namespace thim::cli {

StatusOr<VerifiedCollateral> VerifyCollateral(ByteSpan document, std::string_view chain_text, const crypto::Certificate& root,
                                              TimePoint at) {
  auto chain = crypto::ParseCertificateList(chain_text);
  if (!chain.ok()) return chain.status().WithContext("malformed issuer chain");
  intel::VerifyOptions options{.at = at};
  std::string_view text = AsChars(document);
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    auto name = intel::DetectSignedBodyName(text);
    if (!name.ok()) return InvalidArgumentError("malformed: JSON, but not a signed Intel collateral document");
    VerifiedCollateral out;
    const intel::SignedDocument* doc = nullptr;
    intel::TcbInfo tcb;
    intel::EnclaveIdentity identity;
    intel::TcbEvaluationDataNumbers numbers;
    if (*name == "tcbInfo") {
      ASSIGN_OR_RETURN(tcb, intel::ParseTcbInfo(text));
      doc = &tcb.document;
      out.what = "TCB info (" + std::string(intel::TeeTypeName(tcb.id)) + ", FMSPC " + tcb.FmspcHex() + ", evaluation number " +
                 std::to_string(tcb.tcb_evaluation_data_number) + ")";
    } else if (*name == "enclaveIdentity") {
      ASSIGN_OR_RETURN(identity, intel::ParseEnclaveIdentity(text));
      doc = &identity.document;
      out.what = std::string(intel::EnclaveIdName(identity.id)) + " identity (evaluation number " +
                 std::to_string(identity.tcb_evaluation_data_number) + ")";
    } else {
      ASSIGN_OR_RETURN(numbers, intel::ParseTcbEvaluationDataNumbers(text));
      doc = &numbers.document;
      out.what = std::string(intel::TeeTypeName(numbers.id)) + " TCB evaluation data numbers";
    }
    RETURN_IF_ERROR(intel::VerifySignedDocument(*doc, *chain, root, options));
    return out;
  }
  auto crl = crypto::Crl::FromAny(document);
  if (!crl.ok()) return crl.status().WithContext("malformed: not signed Intel JSON and not a CRL");
  RETURN_IF_ERROR(intel::VerifyCrl(*crl, *chain, root, options));
  return VerifiedCollateral{"CRL of " + crl->IssuerCommonName() + " (" + std::to_string(crl->RevokedCount()) + " revoked)"};
}

}  // namespace thim::cli
