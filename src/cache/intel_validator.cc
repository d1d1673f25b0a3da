#include "cache/intel_validator.h"

#include "intel/collateral_verifier.h"
#include "intel/enclave_identity.h"
#include "intel/strict_json.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "intel/tcb_info.h"

namespace thim::cache {
namespace {

using intel::TeeType;

TeeType TeeOf(const CollateralKey& key) { return key.tee == Tee::kSgx ? TeeType::kSgx : TeeType::kTdx; }

Status Mismatch(const CollateralKey& key, const std::string& what) {
  return InvalidArgumentError("does not answer the request for " + key.Describe() + ": " + what);
}

// Intel documents may be issued a little ahead of our clock; anything else
// must be inside its window now.
intel::VerifyOptions At(TimePoint now, std::chrono::seconds skew, TimePoint issue_date, std::vector<crypto::Crl> crls = {}) {
  return {.at = issue_date > now && issue_date - now <= skew ? issue_date : now, .crls = std::move(crls)};
}

Status CheckEvalNumber(const CollateralKey& key, uint32_t served) {
  if (key.eval_number != 0 && served != key.eval_number)
    return Mismatch(key, "evaluation number " + std::to_string(served) + " served");
  return OkStatus();
}

StatusOr<std::vector<crypto::Certificate>> Chain(const FetchedCollateral& f) {
  if (f.issuer_chain.empty()) return InvalidArgumentError("no issuer chain header");
  auto chain = crypto::ParseCertificateList(f.issuer_chain);
  if (!chain.ok()) return chain.status().WithContext("malformed issuer chain");
  return chain;
}

}  // namespace

std::vector<crypto::Crl> IntelCollateralValidator::RootCrls(TimePoint now) const {
  if (!root_crl_provider_) return {};
  std::string der = root_crl_provider_();
  if (der.empty()) return {};
  std::lock_guard lock(crl_mu_);
  if (der != crl_der_) {
    auto crl = crypto::Crl::FromDer(AsBytes(der));
    crl_der_ = der;
    crl_ = crl.ok() ? std::optional<crypto::Crl>(*crl) : std::nullopt;
  }
  // An expired root CRL cannot vouch for anything; the cache refreshes it,
  // and meanwhile chains are judged without it rather than all rejected.
  if (!crl_ || !crl_->CheckValidity(now).ok()) return {};
  return {*crl_};
}

StatusOr<ValidatedCollateral> IntelCollateralValidator::Validate(const CollateralKey& key, const FetchedCollateral& f,
                                                                 TimePoint now) const {
  ValidatedCollateral out;
  switch (key.kind) {
    case CollateralKind::kTcbInfo: {
      ASSIGN_OR_RETURN(intel::TcbInfo t, intel::ParseTcbInfo(f.body));
      if (t.id != TeeOf(key)) return Mismatch(key, std::string(intel::TeeTypeName(t.id)) + " TCB info served");
      if (t.FmspcHex() != key.fmspc) return Mismatch(key, "FMSPC " + t.FmspcHex() + " served");
      if (t.version != (key.api_version == 3 ? 2 : 3)) return Mismatch(key, "format version " + std::to_string(t.version) + " served");
      RETURN_IF_ERROR(CheckEvalNumber(key, t.tcb_evaluation_data_number));
      ASSIGN_OR_RETURN(auto chain, Chain(f));
      RETURN_IF_ERROR(intel::VerifySignedDocument(t.document, chain, root_, At(now, skew_, t.issue_date, RootCrls(now))));
      out = {t.issue_date, t.next_update, t.tcb_evaluation_data_number};
      return out;
    }
    case CollateralKind::kQeIdentity:
    case CollateralKind::kQveIdentity:
    case CollateralKind::kQaeIdentity: {
      ASSIGN_OR_RETURN(intel::EnclaveIdentity e, intel::ParseEnclaveIdentity(f.body));
      intel::EnclaveId want = key.kind == CollateralKind::kQveIdentity ? intel::EnclaveId::kQve
                              : key.kind == CollateralKind::kQaeIdentity ? intel::EnclaveId::kQae
                              : key.tee == Tee::kTdx                     ? intel::EnclaveId::kTdQe
                                                                         : intel::EnclaveId::kQe;
      if (e.id != want) return Mismatch(key, std::string(intel::EnclaveIdName(e.id)) + " identity served");
      RETURN_IF_ERROR(CheckEvalNumber(key, e.tcb_evaluation_data_number));
      ASSIGN_OR_RETURN(auto chain, Chain(f));
      RETURN_IF_ERROR(intel::VerifySignedDocument(e.document, chain, root_, At(now, skew_, e.issue_date, RootCrls(now))));
      out = {e.issue_date, e.next_update, e.tcb_evaluation_data_number};
      return out;
    }
    case CollateralKind::kTcbEvalNumbers: {
      ASSIGN_OR_RETURN(intel::TcbEvaluationDataNumbers n, intel::ParseTcbEvaluationDataNumbers(f.body));
      if (n.id != TeeOf(key)) return Mismatch(key, std::string(intel::TeeTypeName(n.id)) + " list served");
      ASSIGN_OR_RETURN(auto chain, Chain(f));
      RETURN_IF_ERROR(intel::VerifySignedDocument(n.document, chain, root_, At(now, skew_, n.issue_date, RootCrls(now))));
      // The newest listed number: a higher one later means a new TCB recovery.
      out = {n.issue_date, n.next_update, static_cast<int64_t>(n.Newest())};
      return out;
    }
    case CollateralKind::kPckCrl:
    case CollateralKind::kRootCaCrl: {
      crypto::CrlEncoding encoding;
      auto crl = crypto::Crl::FromAny(AsBytes(f.body), &encoding);
      if (!crl.ok()) return crl.status().WithContext("malformed CRL");
      bool want_der = key.kind == CollateralKind::kRootCaCrl || key.der;
      if (want_der != (encoding == crypto::CrlEncoding::kDer)) return Mismatch(key, "CRL in another encoding served");
      std::vector<crypto::Certificate> chain = {root_};
      if (key.kind == CollateralKind::kPckCrl) {
        ASSIGN_OR_RETURN(chain, Chain(f));
        std::string want = key.ca == "processor" ? "Processor" : "Platform";
        if (crl->IssuerCommonName().find(want) == std::string::npos)
          return Mismatch(key, "CRL of \"" + crl->IssuerCommonName() + "\" served");
      }
      RETURN_IF_ERROR(intel::VerifyCrl(*crl, chain, root_,
                                       At(now, skew_, crl->ThisUpdate(),
                                          key.kind == CollateralKind::kPckCrl ? RootCrls(now) : std::vector<crypto::Crl>{})));
      out.issue_date = crl->ThisUpdate();
      out.next_update = crl->NextUpdate();
      return out;
    }
    case CollateralKind::kFmspcs: {
      // Unsigned by Intel: only TLS protects it. Check its shape so garbage is
      // never cached.
      ASSIGN_OR_RETURN(nlohmann::json list, intel::ParseStrictJson(f.body));
      if (!list.is_array()) return InvalidArgumentError("malformed FMSPC list: not an array");
      for (size_t i = 0; i < list.size(); ++i) {
        const auto& e = list[i];
        if (!e.is_object() || !e.contains("fmspc") || !e["fmspc"].is_string() || !IsHex(e["fmspc"].get<std::string>(), 12) ||
            !e.contains("platform") || !e["platform"].is_string())
          return InvalidArgumentError("malformed FMSPC list at [" + std::to_string(i) + "]");
      }
      out.issue_date = now;
      return out;
    }
  }
  return InternalError("unknown collateral kind");
}

}  // namespace thim::cache
